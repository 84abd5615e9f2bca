import { Autoscaler, ManualClock, MemoryMetricSource, MemoryProvider, ProviderError, StaticPolicies, validatePolicy } from '../../src/index';
import type { Issue, MemoryTargetSeed, Policy, Signal, TargetRef } from '../../src/index';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;
const A: TargetRef = { provider: 'memory', id: 'model-a' };

/** A target kind that cannot reach zero, and whose `single-*` endpoints take no weight. */
class NoZeroProvider extends MemoryProvider {
  checked = 0;
  checkPolicy(policy: Policy, ref: TargetRef): Issue[] {
    this.checked++;
    const issues: Issue[] = [];
    if (policy.limits.minReplicas === 0) issues.push({ path: 'limits.minReplicas', message: `${ref.id} cannot scale to zero (needs >= 1)` });
    if (ref.id.startsWith('single-') && policy.limits.maxStep !== undefined)
      issues.push({ path: 'limits.maxStep', message: 'not for a single-variant endpoint' });
    return issues;
  }
}

function policyOf(doc: Record<string, unknown>, targets: TargetRef[] = [A]): Policy {
  return validatePolicy({ name: 'p', targets, limits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 0 } }, ...doc });
}

const cpu = (value: number, at = NOW): Signal => ({
  target: A,
  source: 'metrics-server',
  metric: 'cpu',
  state: 'value',
  value,
  dedupeKey: `poll-${at}-${value}`,
  at,
});

describe('Provider.checkPolicy: what a target kind cannot do is refused before any cloud call', () => {
  const floorRule = [{ name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 3 } }];

  it('a zero floor on a kind that cannot reach zero: rejected, naming the field, no call made', async () => {
    const clock = new ManualClock(NOW);
    const provider = new NoZeroProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock });
    const p = validatePolicy({ name: 'p', targets: [A], limits: { minReplicas: 0, maxReplicas: 5 }, rules: floorRule });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock });
    const record = await autoscaler.evaluate(A);
    expect(record.outcome).toBe('rejected');
    expect(record.code).toBe('VALIDATION');
    expect(record.reason).toContain('limits.minReplicas: model-a cannot scale to zero (needs >= 1)');
    expect(provider.calls).toEqual({ describe: 0, apply: 0, writeState: 0 });
    expect(provider.capacityOf('model-a').replicas).toBe(1);
  });

  it('the push path too: an alarm for a refused target is rejected without a describe', async () => {
    const clock = new ManualClock(NOW);
    const single: TargetRef = { provider: 'memory', id: 'single-x' };
    const provider = new NoZeroProvider([{ id: 'single-x', capacity: { replicas: 1 } }], { clock });
    const p = validatePolicy({
      name: 'p',
      targets: [single],
      limits: { maxReplicas: 5, maxStep: 1 },
      rules: [{ name: 'up', threshold: { alarm: 'hot', change: 1 } }],
    });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock });
    const result = await autoscaler.handleSignals([{ target: single, source: 'test', metric: 'cpu', alarm: 'hot', state: 'firing', dedupeKey: 'd1', at: NOW }]);
    expect(result.ok).toBe(false);
    expect(result.records[0]!.outcome).toBe('rejected');
    expect(result.records[0]!.reason).toMatch(/limits\.maxStep: not for a single-variant endpoint/);
    expect(provider.calls.describe).toBe(0);
  });

  it('a policy the kind can follow goes through (the hook runs, returns nothing)', async () => {
    const clock = new ManualClock(NOW);
    const provider = new NoZeroProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policyOf({ rules: floorRule })]), clock });
    const record = await autoscaler.evaluate(A);
    expect(record.outcome).toBe('scaled');
    expect(provider.checked).toBe(1);
    expect(provider.capacityOf('model-a').replicas).toBe(3);
  });
});

describe('policy.fallback: when metrics keep failing', () => {
  const scaleInOnLowCpu = [
    { name: 'cool', threshold: { metric: 'cpu', below: 20, change: -1 } },
    { name: 'hot', threshold: { metric: 'cpu', above: 80, change: 2 } },
  ];

  function setup(seed: Partial<MemoryTargetSeed>, fallback: Record<string, unknown> | undefined, rules: unknown[] = scaleInOnLowCpu) {
    const clock = new ManualClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 }, ...seed }], { clock });
    const p = policyOf({ rules, ...(fallback ? { fallback } : {}) });
    // A new Autoscaler per evaluation: the count lives on the target, not in the process.
    const fresh = (extra: Record<string, unknown> = {}): Autoscaler =>
      new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock, retry: { attempts: 1, baseDelayMs: 1 }, ...extra });
    return { clock, provider, fresh };
  }

  it('after N failed polls moves out to the fallback replicas; before that only counts; a good read resets', async () => {
    const { provider, fresh, clock } = setup({}, { failureThreshold: 3, replicas: 6 });
    const first = await fresh().evaluate(A, [], { metricsFailed: 'metrics-server answered 503' });
    expect(first.outcome).toBe('no-action');
    expect(first.reason).toBe('no signals; metrics failed (metrics-server answered 503), 1 of 3 before the fallback');
    expect((await provider.readState(A)).metricFailures).toBe(1);
    expect((await fresh().evaluate(A, [], { metricsFailed: 'timeout' })).outcome).toBe('no-action');
    expect((await provider.readState(A)).metricFailures).toBe(2);
    const third = await fresh().evaluate(A, [], { metricsFailed: 'metrics-server answered 503' });
    expect(third.outcome).toBe('scaled');
    expect(third.rule).toBe('fallback');
    expect(third.reason).toBe('metrics failed 3 times in a row: fallback to 6 replicas (metrics-server answered 503)');
    expect(provider.capacityOf('model-a').replicas).toBe(6);
    expect((await provider.readState(A)).metricFailures).toBe(3);
    // Already there: the next failure holds.
    const fourth = await fresh().evaluate(A, [], { metricsFailed: 'still down' });
    expect(fourth.outcome).toBe('no-action');
    expect(fourth.reason).toMatch(/^metrics failed 4 times in a row: holding at 6 replicas \(still down\)/);
    // A good poll: the count is gone and the rules act again.
    clock.advance(MIN);
    const good = await fresh().evaluate(A, [cpu(50, clock.now())]);
    expect(good.outcome).toBe('no-action');
    expect((await provider.readState(A)).metricFailures).toBeUndefined();
  });

  it('without replicas it holds, and never scales in on missing data (even when stale values say so)', async () => {
    const { provider, fresh } = setup({ capacity: { replicas: 5 }, persisted: { dedupeKeys: [], recommendations: [], metricFailures: 2 } }, {});
    const record = await fresh().evaluate(A, [cpu(5)], { metricsFailed: 'metrics-server unreachable' });
    expect(record.outcome).toBe('no-action');
    expect(record.reason).toBe('metrics failed 3 times in a row: holding at 5 replicas, no scale-in on missing data (metrics-server unreachable)');
    expect(record.decision?.blockedBy).toBe('insufficient-data');
    expect(provider.capacityOf('model-a').replicas).toBe(5);
    expect(provider.calls.apply).toBe(0);
    expect((await provider.readState(A)).metricFailures).toBe(3);
  });

  it('below the threshold the rules decide as usual (a scale-in is not held yet)', async () => {
    const { provider, fresh } = setup({ capacity: { replicas: 5 } }, { failureThreshold: 3 });
    const record = await fresh().evaluate(A, [cpu(5)], { metricsFailed: 'one blip' });
    expect(record.outcome).toBe('scaled');
    expect(provider.capacityOf('model-a').replicas).toBe(4);
    expect((await provider.readState(A)).metricFailures).toBe(1);
  });

  it('a fallback below the current count holds; one above the cap is clamped to it', async () => {
    const low = setup(
      { capacity: { replicas: 5 }, persisted: { dedupeKeys: [], recommendations: [], metricFailures: 5 } },
      { failureThreshold: 1, replicas: 2 },
    );
    const held = await low.fresh().evaluate(A, [], { metricsFailed: 'down' });
    expect(held.outcome).toBe('no-action');
    expect(low.provider.capacityOf('model-a').replicas).toBe(5);
    const high = setup({}, { failureThreshold: 1, replicas: 500 });
    const capped = await high.fresh().evaluate(A, [], { metricsFailed: 'down' });
    expect(capped.reason).toBe('metrics failed 1 time in a row: fallback to 20 replicas (down)');
    expect(high.provider.capacityOf('model-a').replicas).toBe(20);
  });

  it('a failing history read (the pull) counts; evaluateAll passes the caller failure to every target', async () => {
    const predictive = [{ name: 'plan', predictive: { metric: 'requests', target: 100 } }];
    const { provider, fresh } = setup({}, { failureThreshold: 2, replicas: 4 }, predictive);
    const metrics = new MemoryMetricSource();
    metrics.set('model-a', 'requests', []);
    metrics.injectFault(new ProviderError('GetMetricData: AccessDenied'));
    metrics.injectFault(new ProviderError('GetMetricData: AccessDenied'));
    const one = await fresh({ metricSources: [metrics] }).evaluate(A);
    expect(one.outcome).toBe('no-action');
    expect((await provider.readState(A)).metricFailures).toBe(1);
    const two = await fresh({ metricSources: [metrics] }).evaluateAll([A]);
    expect(two.records[0]!.outcome).toBe('scaled');
    expect(two.records[0]!.reason).toMatch(/^metrics failed 2 times in a row: fallback to 4 replicas \(history read failed: GetMetricData: AccessDenied\)/);
    // The read works again (an empty history is a good read, too short to forecast): reset.
    await fresh({ metricSources: [metrics] }).evaluate(A);
    expect((await provider.readState(A)).metricFailures).toBeUndefined();
    const pass = await fresh({ metricSources: [metrics] }).evaluateAll([A], { metricsFailed: 'prometheus down' });
    expect(pass.records[0]!.outcome).toBe('no-action');
    expect((await provider.readState(A)).metricFailures).toBe(1);
  });

  it('without policy.fallback nothing is counted nor written', async () => {
    const { provider, fresh } = setup({}, undefined);
    await fresh().evaluate(A, [], { metricsFailed: 'down' });
    expect(provider.calls.writeState).toBe(0);
    expect((await provider.readState(A)).metricFailures).toBeUndefined();
  });

  it('the alarm push path leaves the count alone', async () => {
    const { provider, fresh } = setup({ persisted: { dedupeKeys: [], recommendations: [], metricFailures: 2 } }, { failureThreshold: 5 });
    await fresh().handleSignals([{ ...cpu(90), source: 'alarm' }]);
    expect(provider.capacityOf('model-a').replicas).toBe(4);
    expect((await provider.readState(A)).metricFailures).toBe(2);
  });

  it('past the threshold, an alarm asking to scale in is held until a good read', async () => {
    const { provider, fresh } = setup(
      { capacity: { replicas: 5 }, persisted: { dedupeKeys: [], recommendations: [], metricFailures: 3 } },
      { failureThreshold: 3 },
    );
    const record = (await fresh().handleSignals([{ ...cpu(5), source: 'alarm' }])).records[0]!;
    expect(record.outcome).toBe('no-action');
    expect(record.reason).toBe('metrics failed 3 times in a row: holding at 5 replicas, no scale-in on missing data');
    expect(provider.capacityOf('model-a').replicas).toBe(5);
  });
});

describe('evaluateAll with per-target polled signals', () => {
  it('hands each target its polled signals inside its share, and counts a failed poll for the fallback', async () => {
    const { Autoscaler, InstantClock, MemoryProvider, StaticPolicies, validatePolicy } = await import('../../src/index');
    const clock = new InstantClock(Date.parse('2026-03-10T12:00:00Z'));
    const provider = new MemoryProvider(
      [
        { id: 'busy', capacity: { replicas: 2 } },
        { id: 'dark', capacity: { replicas: 2 } },
      ],
      { clock },
    );
    const refs = [
      { provider: 'memory', id: 'busy' },
      { provider: 'memory', id: 'dark' },
    ];
    const p = validatePolicy({
      name: 'p',
      targets: refs,
      limits: { maxReplicas: 10, cooldown: { scaleOut: 0, scaleIn: 0 } },
      fallback: { failureThreshold: 3 },
      rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 50 } }],
    });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock });
    const polled: string[] = [];
    const result = await autoscaler.evaluateAll(refs, {
      deadline: clock.now() + 30_000,
      signals: async (ref) => {
        polled.push(ref.id);
        if (ref.id === 'dark') throw new Error('metrics.k8s.io answered 503');
        return { signals: [{ target: ref, source: 'poll', metric: 'cpu', state: 'value', value: 100, dedupeKey: `poll-${ref.id}-1`, at: clock.now() }] };
      },
    });
    expect(polled.sort()).toEqual(['busy', 'dark']);
    expect(provider.capacityOf('busy').replicas).toBe(4);
    expect(provider.capacityOf('dark').replicas).toBe(2);
    const dark = result.records.find((r) => r.target?.id === 'dark')!;
    expect(dark.reason).toMatch(/metrics failed \(metrics\.k8s\.io answered 503\), 1 of 3 before the fallback/);
  });
});
