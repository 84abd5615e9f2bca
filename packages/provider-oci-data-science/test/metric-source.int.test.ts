import fc from 'fast-check';
import { ManualClock, TransientError, ValidationError, systemClock, type TargetRef } from '@autoscaler/core';
import { runMetricSourceConformance } from '@autoscaler/testing';
import { OciDataScienceProvider, OciMonitoringMetricSource } from '../src';
import { toPoints } from '../src/metric-source';
import { INVALID_DEPLOYMENT_IDS, harness, quietSdk, type Harness } from './support';

/** The pull contract on OCI: real oci-monitoring client, the wire fake's SummarizeMetricsData. */
quietSdk();

runMetricSourceConformance('oci-monitoring-metrics against the wire fake', async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0));
  const fx = await harness({ clock });
  const deployment = fx.fake.dataScience.seedDeployment();
  return {
    source: new OciMonitoringMetricSource({ monitoring: fx.clients.monitoring, dataScience: fx.clients.dataScience, clock, baseDelayMs: 0 }),
    target: { provider: 'oci-data-science', id: deployment },
    seed(points) {
      const byMinute = new Map(points.map((p) => [p.at, p.value]));
      fx.fake.monitoring.serveDeploymentMetric(deployment, 'PredictRequestCount', (at) => byMinute.get(at));
    },
    now: clock.now(),
    invalidIds: [...INVALID_DEPLOYMENT_IDS],
    // Every attempt throttled: the source retries 429 itself, then gives up with a TransientError.
    throttleNext: () => fx.fake.inject({ op: 'SummarizeMetricsData', status: 429, times: 3 }),
    close: () => fx.close(),
  };
});

const MIN = 60_000;
let h: Harness;
let dep: string;
let ref: TargetRef;
/** The fake's clock stands at 12:00; history asks for the hour before. */
let t0: number;

beforeEach(async () => {
  h = await harness();
  dep = h.fake.dataScience.seedDeployment({ instanceCount: 2 });
  ref = { provider: 'oci-data-science', id: dep };
  t0 = h.clock.now() - 60 * MIN;
});
afterEach(() => h.close());

function source(extra: Partial<ConstructorParameters<typeof OciMonitoringMetricSource>[0]> = {}): OciMonitoringMetricSource {
  return new OciMonitoringMetricSource({ monitoring: h.clients.monitoring, dataScience: h.clients.dataScience, clock: h.clock, baseDelayMs: 0, ...extra });
}

describe('OciMonitoringMetricSource.history', () => {
  it('requests: PredictRequestCount[1m].grouping().sum() on the deployment, missing minutes inside the range are 0, the edges stay absent', async () => {
    // Published: minutes 10..19 except 13 and 14 (no requests then); nothing before 10 or after 19.
    h.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', (at) => {
      const m = (at - t0) / MIN;
      return m >= 10 && m <= 19 && m !== 13 && m !== 14 ? m * 10 : undefined;
    });
    const points = await source().history(ref, { metric: 'requests', from: t0, to: t0 + 60 * MIN, periodSeconds: 60 });
    expect(points.map((p) => [(p.at - t0) / MIN, p.value])).toEqual([
      [10, 100],
      [11, 110],
      [12, 120],
      [13, 0],
      [14, 0],
      [15, 150],
      [16, 160],
      [17, 170],
      [18, 180],
      [19, 190],
    ]);
    expect(h.fake.monitoring.summarizeCalls).toEqual([
      {
        compartmentId: h.fake.ocids.compartment,
        namespace: 'oci_datascience_modeldeploy',
        query: `PredictRequestCount[1m]{resourceId = "${dep}"}.grouping().sum()`,
        startTime: t0,
        endTime: t0 + 60 * MIN,
        resolution: '1m',
      },
    ]);
  });

  it('cpu: the mean over instances; a missing minute stays missing; the compartment is read once per deployment', async () => {
    h.fake.monitoring.serveDeploymentMetric(dep, 'CpuUtilization', (at, instance) => ((at - t0) / MIN === 5 ? undefined : instance === 0 ? 20 : 60), {
      instances: 2,
    });
    const s = source();
    const points = await s.history(ref, { metric: 'cpu', from: t0, to: t0 + 8 * MIN, periodSeconds: 60 });
    expect(points.map((p) => [(p.at - t0) / MIN, p.value])).toEqual([
      [0, 40],
      [1, 40],
      [2, 40],
      [3, 40],
      [4, 40],
      [6, 40],
      [7, 40],
    ]);
    await s.history(ref, { metric: 'CpuUtilization', from: t0, to: t0 + 2 * MIN, periodSeconds: 60 });
    expect(h.fake.count('GetModelDeployment')).toBe(1);
    expect(h.fake.monitoring.summarizeCalls.map((c) => c.query)).toEqual([
      `CpuUtilization[1m]{resourceId = "${dep}"}.grouping().mean()`,
      `CpuUtilization[1m]{resourceId = "${dep}"}.grouping().mean()`,
    ]);
  });

  it('memory, 5-minute periods: windows aligned to the period, from rounded up to a whole period', async () => {
    h.fake.monitoring.serveDeploymentMetric(dep, 'MemoryUtilization', (at) => ((at - t0) / MIN) % 10);
    const points = await source().history(ref, { metric: 'memory', from: t0 + 1, to: t0 + 20 * MIN, periodSeconds: 300 });
    expect(points.map((p) => [(p.at - t0) / MIN, p.value])).toEqual([
      [5, 7],
      [10, 2],
      [15, 7],
    ]);
    expect(h.fake.monitoring.summarizeCalls[0]).toMatchObject({
      query: expect.stringMatching(/^MemoryUtilization\[5m\]/),
      resolution: '5m',
      startTime: t0 + 5 * MIN,
    });
  });

  it('the given metrics compartment is used as is (no GetModelDeployment)', async () => {
    const other = h.fake.dataScience.seedDeployment({ compartmentId: 'ocid1.compartment.oc1..aaaaaaaaothercompartment' });
    h.fake.monitoring.serveDeploymentMetric(other, 'PredictRequestCount', () => 3, { compartmentId: 'ocid1.compartment.oc1..aaaaaaaaothercompartment' });
    const points = await source({ compartmentId: 'ocid1.compartment.oc1..aaaaaaaaothercompartment' }).history(
      { provider: 'oci-data-science', id: other },
      { metric: 'requests', from: t0, to: t0 + 3 * MIN, periodSeconds: 60 },
    );
    expect(points.map((p) => p.value)).toEqual([3, 3, 3]);
    expect(h.fake.count('GetModelDeployment')).toBe(0);
  });

  it.each([
    [
      'an id that is not a deployment OCID',
      { provider: 'oci-data-science', id: 'ocid1.datasciencemodeldeployment.oc1.iad.x"} || true' },
      { metric: 'requests' },
      'target.id',
    ],
    ['an unknown metric', undefined, { metric: 'Invocations' }, 'query.metric'],
    ['a metric name that is MQL', undefined, { metric: 'PredictRequestCount[1m]{}.sum() > 0' }, 'query.metric'],
    ['a period that is not whole minutes', undefined, { metric: 'requests', periodSeconds: 10 }, 'query.periodSeconds'],
    ['more than 7 days of minutes', undefined, { metric: 'requests', from: 0 }, 'query.from'],
    ['a range that ends before it starts', undefined, { metric: 'requests', to: 0 }, 'query.to'],
  ])('refuses %s with a ValidationError naming the field, before any request', async (_, badRef, q, field) => {
    const before = h.fake.requests.length;
    const query = { from: t0, to: t0 + 10 * MIN, periodSeconds: 60, ...q };
    const e = await source()
      .history(badRef ?? ref, query)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues[0]!.path).toBe(field);
    expect(h.fake.requests.length).toBe(before);
  });

  it('a throttle is retried; 5xx past the attempts is a TransientError', async () => {
    h.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', () => 1);
    h.fake.inject({ op: 'SummarizeMetricsData', status: 429 });
    const s = source({ compartmentId: h.fake.ocids.compartment });
    await expect(s.history(ref, { metric: 'requests', from: t0, to: t0 + 2 * MIN, periodSeconds: 60 })).resolves.toHaveLength(2);
    expect(h.fake.count('SummarizeMetricsData', 429)).toBe(1);
    h.fake.inject({ op: 'SummarizeMetricsData', status: 503, times: 5 });
    await expect(s.history(ref, { metric: 'requests', from: t0, to: t0 + 2 * MIN, periodSeconds: 60 })).rejects.toBeInstanceOf(TransientError);
    expect(h.fake.count('SummarizeMetricsData', 503)).toBe(3);
  });

  it('a 400 from the service is not retried', async () => {
    h.fake.inject({ op: 'SummarizeMetricsData', status: 400, code: 'InvalidParameter' });
    await expect(
      source({ compartmentId: h.fake.ocids.compartment }).history(ref, { metric: 'requests', from: t0, to: t0 + 2 * MIN, periodSeconds: 60 }),
    ).rejects.toMatchObject({ code: 'PROVIDER' });
    expect(h.fake.count('SummarizeMetricsData')).toBe(1);
  });

  it('makes no call with less than minCallMs left before the deadline', async () => {
    const before = h.fake.requests.length;
    const e = await source({ compartmentId: h.fake.ocids.compartment })
      .history(ref, { metric: 'requests', from: t0, to: t0 + 2 * MIN, periodSeconds: 60 }, { deadline: h.clock.now() + 150 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toMatch(/not started, 150 ms left/);
    expect(h.fake.requests.length).toBe(before);
  });
});

describe('deadlines against a hung Monitoring (real time)', () => {
  it('a hung call and its retries end by the deadline, measured on the clock the caller passed', async () => {
    h.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', () => 1);
    h.fake.inject({ op: 'SummarizeMetricsData', kind: 'hang', times: 10 });
    const s = new OciMonitoringMetricSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment, clock: systemClock, baseDelayMs: 20 });
    const deadline = systemClock.now() + 700;
    const e = await s.history(ref, { metric: 'requests', from: t0, to: t0 + 2 * MIN, periodSeconds: 60 }, { deadline }).catch((x: unknown) => x);
    const over = systemClock.now() - deadline;
    expect(e).toBeInstanceOf(TransientError);
    // Given up at the deadline; what is left is timer lateness on a loaded machine (the
    // function keeps a 2 s margin for it).
    expect(over).toBeLessThanOrEqual(500);
    expect(h.fake.count('SummarizeMetricsData')).toBe(1);
  });

  it('an abort signal ends the call at once', async () => {
    h.fake.inject({ op: 'SummarizeMetricsData', kind: 'hang' });
    const s = new OciMonitoringMetricSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment, clock: systemClock, maxAttempts: 1 });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 50);
    await expect(s.history(ref, { metric: 'requests', from: t0, to: t0 + 2 * MIN, periodSeconds: 60 }, { signal: ac.signal })).rejects.toThrow(/aborted/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('the provider', () => {
  it('says how long an added instance takes to serve (the 300 s estimate)', () => {
    expect(new OciDataScienceProvider({ dataScience: h.clients.dataScience }).provisioningSeconds).toBe(300);
  });
});

describe('toPoints (what the service returns, parsed)', () => {
  const period = MIN;
  const arbDatapoint = fc.record({
    timestamp: fc.oneof(
      fc.integer({ min: 0, max: 120 }).map((m) => new Date(m * MIN + 0).toISOString()),
      fc.integer({ min: 0, max: 120 * MIN }).map((ms) => new Date(ms)),
      fc.constant('not a time'),
    ),
    value: fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: 0, max: 1000 })),
  });

  it('one finite point per period inside [from, to), oldest first; zeros only between the first and last published point', () => {
    fc.assert(
      fc.property(
        fc.array(arbDatapoint, { maxLength: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        (dps, fromMin, lenMin, zero) => {
          const from = fromMin * MIN;
          const to = from + lenMin * MIN;
          const out = toPoints(dps, { from, to, period, zeroWhenMissing: zero });
          for (let i = 0; i < out.length; i++) {
            const p = out[i]!;
            expect(Number.isFinite(p.value)).toBe(true);
            expect(p.at % period).toBe(0);
            expect(p.at >= from && p.at < to).toBe(true);
            if (i > 0) expect(p.at).toBeGreaterThan(out[i - 1]!.at);
          }
          const published = new Set(
            dps
              .filter((d) => Number.isFinite(new Date(d.timestamp).getTime()) && Number.isFinite(d.value))
              .map((d) => Math.floor(new Date(d.timestamp).getTime() / period) * period)
              .filter((at) => at >= from && at < to),
          );
          if (!zero) expect(out.length).toBe(published.size);
          else if (out.length > 0) {
            expect(published.has(out[0]!.at) && published.has(out.at(-1)!.at)).toBe(true);
            expect(out.length).toBe((out.at(-1)!.at - out[0]!.at) / period + 1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
