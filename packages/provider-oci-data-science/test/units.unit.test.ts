import fc from 'fast-check';
import { ValidationError, emptyPersistedState, storedDedupeKey, validatePolicy, type PersistedState } from '@autoscaler/core';
import { exportNativePolicy, isOcid, parseRung, requireOcid } from '../src';
import { buildAlarmQuery, parseQuery } from '../src/alarm-query';
import { retryConfiguration } from '../src/retry';
import { defaultLadder } from '../src/shapes';
import { STATE_CODEC, decodeState, mergeStateTags } from '../src/state-tags';

const DEP = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaamodeldeploy00000000000000000000000000000000000000';

describe('OCIDs', () => {
  it.each([
    [DEP, true],
    ['ocid1.datasciencemodeldeployment.oc1.us-ashburn-1.amaaaaaaabc', true],
    ['ocid1.datasciencemodeldeployment.oc22.iad.futureuse.amaaaaaaabc', true],
    ['<YOUR_MODEL_DEPLOYMENT_OCID>', false],
    ['ocid1.datasciencemodel.oc1.iad.amaaaaaaabc', false],
    [`${DEP}"} || CpuUtilization[1m]{x = "`, false],
    [`${DEP}\n`, false],
    ['ocid1.datasciencemodeldeployment.oc1.iad.AMAAAA', false],
    ['ocid1.datasciencemodeldeployment.oc1.iad.', false],
  ])('%s -> %s', (id, ok) => {
    expect(isOcid('datasciencemodeldeployment', id)).toBe(ok);
  });

  it('names the placeholder in the error', () => {
    const e = (() => {
      try {
        requireOcid('alarm', '<YOUR_HIGH_CPU_ALARM_OCID>', 'alarmMetaData[0].id');
      } catch (x) {
        return x as ValidationError;
      }
    })()!;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues[0]).toEqual({ path: 'alarmMetaData[0].id', message: expect.stringContaining('placeholder "<YOUR_HIGH_CPU_ALARM_OCID>"') });
  });

  it('no string with a quote, brace or space passes as an OCID (fuzz)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = `ocid1.datasciencemodeldeployment.oc1.iad.${a}${b}`;
        if (/["{}\s\\|]/.test(s)) expect(isOcid('datasciencemodeldeployment', s)).toBe(false);
      }),
    );
  });
});

describe('alarm queries', () => {
  it('builds and parses a deployment query', () => {
    const q = buildAlarmQuery({ metric: 'CpuUtilization', resourceId: DEP, operator: '>', threshold: 80, interval: '5m' });
    expect(q).toBe(`CpuUtilization[5m]{resourceId = "${DEP}"}.grouping().mean() > 80`);
    expect(parseQuery(q)).toEqual({
      metric: 'CpuUtilization',
      interval: '5m',
      intervalSeconds: 300,
      dimensions: { resourceId: DEP },
      functions: ['grouping()', 'mean()'],
      grouping: true,
      statistic: 'mean',
      operator: '>',
      threshold: 80,
    });
  });

  it('refuses to put a crafted id into a query', () => {
    expect(() => buildAlarmQuery({ metric: 'CpuUtilization', resourceId: `${DEP}"} || true || {x = "`, operator: '>', threshold: 1 })).toThrow(ValidationError);
  });

  it("parses the fixtures' query forms", () => {
    expect(parseQuery('CpuUtilization[1m].mean() > 90')).toMatchObject({ metric: 'CpuUtilization', threshold: 90, dimensions: {} });
    expect(parseQuery('MemoryUtilization[1m]{resourceId = "x"}.max() > 20')).toMatchObject({
      metric: 'MemoryUtilization',
      dimensions: { resourceId: 'x' },
      operator: '>',
      threshold: 20,
    });
    expect(parseQuery('not a query')).toBeUndefined();
  });
});

describe('shape rungs', () => {
  it.each([
    ['VM.Standard2.4', { shape: 'VM.Standard2.4' }],
    ['VM.Standard.E4.Flex:2x32', { shape: 'VM.Standard.E4.Flex', ocpus: 2, memoryInGBs: 32 }],
    ['VM.Standard3.Flex:1.5x24', { shape: 'VM.Standard3.Flex', ocpus: 1.5, memoryInGBs: 24 }],
  ])('%s', (s, rung) => expect(parseRung(s)).toEqual(rung));

  it.each([
    ['VM.Standard.E4.Flex', /2x32/],
    ['VM.Standard.E4.Flex:65x1040', /1-64 OCPUs/],
    ['VM.Standard.E4.Flex:2x8', /per OCPU/],
    ['VM.Unknown.Flex:2x32', /not a flex shape/],
    ['banana', /not a shape/],
  ])('%s is refused', (s, msg) => expect(() => parseRung(s)).toThrow(msg));

  it('puts the current flex rung on its default ladder', () => {
    expect(defaultLadder({ shape: 'VM.Standard3.Flex', ocpus: 3, memoryInGBs: 40 })).toEqual([
      'VM.Standard3.Flex:1x16',
      'VM.Standard3.Flex:2x32',
      'VM.Standard3.Flex:3x40',
      'VM.Standard3.Flex:4x64',
      'VM.Standard3.Flex:8x128',
      'VM.Standard3.Flex:16x256',
      'VM.Standard3.Flex:32x512',
    ]);
  });
});

describe('state tags', () => {
  const mark = fc.record({
    at: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    from: fc.integer({ min: 0, max: 1000 }),
    to: fc.integer({ min: 0, max: 1000 }),
  });
  const stateArb: fc.Arbitrary<PersistedState> = fc
    .record({
      lastScaleOut: fc.option(mark, { nil: undefined }),
      lastScaleIn: fc.option(mark, { nil: undefined }),
      lastResize: fc.option(mark, { nil: undefined }),
      dedupeKeys: fc.array(fc.string({ maxLength: 80 }), { maxLength: 30 }),
      recommendations: fc.array(fc.record({ at: fc.integer({ min: 0, max: 4_000_000_000_000 }), replicas: fc.integer({ min: 0, max: 1000 }) }), {
        maxLength: 40,
      }),
    })
    .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as PersistedState);

  it('round-trips marks, keeps the newest keys/recommendations that fit, and every value fits a tag', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const tags = mergeStateTags({}, state);
        for (const [k, v] of Object.entries(tags)) {
          expect(k.length).toBeLessThanOrEqual(100);
          expect(v.length).toBeLessThanOrEqual(256);
        }
        expect(Object.keys(tags).length).toBeLessThanOrEqual(STATE_CODEC.maxKeys);
        const back = decodeState(tags);
        expect(back.lastScaleOut).toEqual(state.lastScaleOut);
        expect(back.lastScaleIn).toEqual(state.lastScaleIn);
        expect(back.lastResize).toEqual(state.lastResize);
        const stored = state.dedupeKeys.map((k) => storedDedupeKey(k, STATE_CODEC));
        expect(back.dedupeKeys).toEqual(stored.slice(stored.length - back.dedupeKeys.length));
        expect(back.recommendations).toEqual(state.recommendations.slice(state.recommendations.length - back.recommendations.length));
      }),
    );
  });

  it('never throws on hand-edited tags', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('autoscaler-state', 'autoscaler-recs', 'autoscaler-dedupe-0', 'autoscaler-dedupe-1', 'autoscaler-out', 'autoscaler-dedupe', 'x'),
          fc.string(),
        ),
        (tags) => void decodeState(tags),
      ),
    );
    expect(decodeState({ 'autoscaler-state': '{"o":[1,2' })).toEqual(emptyPersistedState());
    expect(decodeState({ 'autoscaler-out': '{"o":[1,2' })).toEqual(emptyPersistedState());
  });

  it('replaces only our tags', () => {
    const merged = mergeStateTags(
      { team: 'ml', 'autoscaler-managed': 'true', 'autoscaler-dedupe-3': 'stale', 'autoscaler-policy': 'kept' },
      { ...emptyPersistedState(), dedupeKeys: ['a'] },
    );
    expect(merged).toEqual({ team: 'ml', 'autoscaler-managed': 'true', 'autoscaler-policy': 'kept', 'autoscaler-dedupe': 'a' });
  });
});

describe('exportNative', () => {
  const ref = { provider: 'oci-data-science', id: DEP };
  it("compiles the seed policy's CPU rules and reports the vertical, bandwidth and cooldown gaps", () => {
    const policy = validatePolicy({
      name: 'seed',
      limits: {
        minReplicas: 1,
        maxReplicas: 10,
        sizes: ['VM.Standard2.1', 'VM.Standard2.2'],
        cooldown: { scaleOut: 300, scaleIn: 600 },
        bandwidthMbps: { min: 10, max: 100 },
      },
      rules: [
        { name: 'high-cpu', threshold: { alarm: 'model_deployment_high_cpu', metric: 'CpuUtilization', above: 80, change: 1 } },
        { name: 'low-cpu', threshold: { alarm: 'model_deployment_low_cpu', metric: 'CpuUtilization', below: 10, change: -1 } },
        { name: 'high-mem', threshold: { alarm: 'model_deployment_high_mem', metric: 'MemoryUtilization', above: 80, size: 'next' } },
        { name: 'latency', threshold: { metric: 'PredictLatency', above: 500, change: 2 } },
        { name: 'track', targetTracking: { metric: 'PredictRequestCount', target: 100 } },
      ],
    });
    const out = exportNativePolicy(policy, ref);
    expect(out.resources).toHaveLength(1);
    expect(out.resources[0]).toMatchObject({
      modelConfigurationDetails: {
        scalingPolicy: {
          policyType: 'AUTOSCALING',
          coolDownInSeconds: 600,
          autoScalingPolicies: [
            {
              autoScalingPolicyType: 'THRESHOLD',
              minimumInstanceCount: 1,
              maximumInstanceCount: 10,
              rules: [
                {
                  metricExpressionRuleType: 'PREDEFINED_EXPRESSION',
                  metricType: 'CPU_UTILIZATION',
                  scaleOutConfiguration: { scalingConfigurationType: 'THRESHOLD', threshold: 80, instanceCountAdjustment: 1 },
                  scaleInConfiguration: { scalingConfigurationType: 'THRESHOLD', threshold: 10, instanceCountAdjustment: 1 },
                },
              ],
            },
          ],
        },
      },
    });
    const text = out.unsupported.join('\n');
    expect(text).toMatch(/high-mem: vertical/);
    expect(text).toMatch(/track: target tracking/);
    expect(text).toMatch(/latency: OCI needs a scale-out and a scale-in/);
    expect(text).toMatch(/bandwidth 10-100 Mbps/);
    expect(text).toMatch(/separate cooldowns/);
  });

  it('exports bandwidth autoscaling when max <= 2 x min, as its own update', () => {
    const policy = validatePolicy({
      name: 'bw',
      limits: { maxReplicas: 3, bandwidthMbps: { min: 20, max: 40 } },
      rules: [{ name: 'r', threshold: { metric: 'PredictLatency', above: 1, change: 1 } }],
    });
    const out = exportNativePolicy(policy, ref);
    expect(out.resources).toEqual([expect.objectContaining({ modelConfigurationDetails: { bandwidthMbps: 20, maximumBandwidthMbps: 40 } })]);
  });
});

describe('deliberate retries', () => {
  const ctx = (attemptCount: number) => ({ startTime: new Date(0), attemptCount });

  it('retries throttling, server errors and lost connections; never 400/401/404/409/412', () => {
    const cfg = retryConfiguration();
    const cond = (statusCode: number) => cfg.retryCondition!({ statusCode } as never);
    expect([429, 500, 502, 503, 504, -1, NaN].map(cond)).toEqual([true, true, true, true, true, true, true]);
    expect([400, 401, 404, 409, 412].map(cond)).toEqual([false, false, false, false, false]);
  });

  it('stops after maxAttempts and never starts a retry that would end past the deadline', () => {
    let now = 1_000;
    const cfg = retryConfiguration({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, deadline: () => 1_350, now: () => now, random: () => 1 });
    expect(cfg.terminationStrategy!.shouldTerminate(ctx(0))).toBe(false);
    expect(cfg.delayStrategy!.delay(ctx(0))).toBeCloseTo(0.1);
    now = 1_200;
    // the next back-off ceiling (200 ms) would pass the deadline
    expect(cfg.terminationStrategy!.shouldTerminate(ctx(1))).toBe(true);
    const noDeadline = retryConfiguration({ maxAttempts: 3 });
    expect([0, 1, 2].map((n) => noDeadline.terminationStrategy!.shouldTerminate(ctx(n)))).toEqual([false, false, true]);
  });
});
