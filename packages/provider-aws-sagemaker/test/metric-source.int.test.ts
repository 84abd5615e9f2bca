import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import fc from 'fast-check';
import { TransientError, ValidationError } from '@autoscaler/core';
import { runMetricSourceConformance } from '@autoscaler/testing';
import { CloudWatchMetricSource } from '../src';
import { ENDPOINT, REF, startWorld, VARIANT, type TestWorld } from './world';

let w: TestWorld;
afterEach(async () => w?.close());

const MIN = 60_000;
const DIMS = { EndpointName: ENDPOINT, VariantName: VARIANT };

/** Invocations datapoints as SageMaker publishes them: several per minute, none in idle minutes. */
function invocations(world: TestWorld, perMinute: ReadonlyArray<number | undefined>, from: number): void {
  perMinute.forEach((n, i) => {
    if (n === undefined) return;
    world.fake.cloudwatch.putMetricData('AWS/SageMaker', 'Invocations', DIMS, [
      { at: from + i * MIN + 5_000, value: n - Math.floor(n / 2) },
      { at: from + i * MIN + 35_000, value: Math.floor(n / 2) },
    ]);
  });
}

runMetricSourceConformance('CloudWatch GetMetricData against the wire fake', async () => {
  const tw = await startWorld();
  return {
    source: new CloudWatchMetricSource(tw.clients, { clock: tw.clock }),
    target: { ...REF },
    now: tw.clock.now(),
    // One datapoint per seeded period, in the middle of it, as SageMaker publishes Invocations.
    seed: (points) =>
      tw.fake.cloudwatch.putMetricData(
        'AWS/SageMaker',
        'Invocations',
        DIMS,
        points.map((p) => ({ at: p.at + 30_000, value: p.value })),
      ),
    invalidIds: ['', 'my-endpoint', 'endpoint/-bad/variant/x', 'endpoint/x/variant/y/extra', '../endpoint/x/variant/y'],
    throttleNext: () => tw.fake.inject({ kind: 'throttle', service: 'cloudwatch', operation: 'GetMetricData', times: Infinity }),
    close: () => tw.close(),
  };
});

describe('CloudWatchMetricSource (GetMetricData) against the fake, real SDK client', () => {
  it('requests: Invocations Sum per minute, idle minutes filled with 0 by FILL(m1, 0), oldest first, SigV4 checked', async () => {
    w = await startWorld();
    const now = w.clock.now();
    const from = now - 10 * MIN;
    invocations(w, [5, undefined, 7, undefined, undefined, 12, 3, 4, 9, 1], from);
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock, publishDelaySeconds: 60 });
    const points = await source.history(REF, { metric: 'requests', from, to: now, periodSeconds: 60 });
    // The last minute is not published yet (60 s delay): 9 periods, gaps as 0.
    expect(points).toEqual([5, 0, 7, 0, 0, 12, 3, 4, 9].map((value, i) => ({ at: from + i * MIN, value })));
    const calls = w.fake.calls('GetMetricData');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 200, accessKeyId: w.fake.credentials.accessKeyId, protocol: 'json' });
  });

  it('inference components: history on the InferenceComponentName dimension (per-copy metrics); metrics of the other kind refused naming metric', async () => {
    w = await startWorld();
    const now = w.clock.now();
    const from = now - 4 * MIN;
    const IC = { provider: 'aws-sagemaker', id: 'inference-component/llama-ic' };
    w.fake.cloudwatch.putMetricData('AWS/SageMaker', 'InvocationsPerCopy', { InferenceComponentName: 'llama-ic' }, [
      { at: from + 10_000, value: 4 },
      { at: from + 2 * MIN + 10_000, value: 6 },
    ]);
    // The same metric name on another component is not read.
    w.fake.cloudwatch.putMetricData('AWS/SageMaker', 'InvocationsPerCopy', { InferenceComponentName: 'other-ic' }, [{ at: from + 10_000, value: 99 }]);
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock, publishDelaySeconds: 60 });
    expect(await source.history(IC, { metric: 'InvocationsPerCopy', from, to: now, periodSeconds: 60 })).toEqual(
      [4, 0, 6].map((value, i) => ({ at: from + i * MIN, value })),
    );
    for (const [ref, metric] of [
      [IC, 'CPUUtilization'],
      [IC, 'ApproximateBacklogSize'],
      [REF, 'InvocationsPerCopy'],
    ] as const) {
      const e = await source.history(ref, { metric, from, to: now, periodSeconds: 60 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]!.path).toBe('metric');
    }
    expect(w.fake.calls('GetMetricData')).toHaveLength(1);
  });

  it('a series with no datapoint at all is no data, not zeros; a metric that is not zero-filled keeps its gaps', async () => {
    w = await startWorld();
    const now = w.clock.now();
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock });
    expect(await source.history(REF, { metric: 'requests', from: now - 30 * MIN, to: now, periodSeconds: 60 })).toEqual([]);
    w.fake.cloudwatch.putMetricData('/aws/sagemaker/Endpoints', 'CPUUtilization', DIMS, [
      { at: now - 5 * MIN + 1_000, value: 40 },
      { at: now - 5 * MIN + 2_000, value: 60 },
      { at: now - 3 * MIN + 1_000, value: 90 },
    ]);
    expect(await source.history(REF, { metric: 'cpu', from: now - 6 * MIN, to: now, periodSeconds: 60 })).toEqual([
      { at: now - 5 * MIN, value: 50 },
      { at: now - 3 * MIN, value: 90 },
    ]);
    w.fake.cloudwatch.putMetricData('/aws/sagemaker/Endpoints', 'MemoryUtilization', DIMS, [{ at: now - 2 * MIN, value: 33 }]);
    expect(await source.history(REF, { metric: 'memory', from: now - 6 * MIN, to: now, periodSeconds: 60 })).toEqual([{ at: now - 2 * MIN, value: 33 }]);
  });

  it('ConcurrentRequestsPerModel at 10 s: Maximum per period, no fill', async () => {
    w = await startWorld();
    const now = w.clock.now();
    const at = now - 2 * MIN;
    w.fake.cloudwatch.putMetricData('AWS/SageMaker', 'ConcurrentRequestsPerModel', DIMS, [
      { at: at + 1_000, value: 3 },
      { at: at + 9_000, value: 8 },
      { at: at + 21_000, value: 2 },
    ]);
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock });
    expect(await source.history(REF, { metric: 'ConcurrentRequestsPerModel', from: at, to: at + MIN, periodSeconds: 10 })).toEqual([
      { at, value: 8 },
      { at: at + 20_000, value: 2 },
    ]);
  });

  it('follows NextToken (newest pages first) and stops after maxPages, dropping only the oldest points', async () => {
    w = await startWorld();
    const now = w.clock.now();
    const from = now - 121 * MIN;
    invocations(
      w,
      Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? undefined : i)),
      from,
    );
    w.fake.cloudwatch.metricPageSize = 50;
    const all = await new CloudWatchMetricSource(w.clients, { clock: w.clock }).history(REF, { metric: 'requests', from, to: now, periodSeconds: 60 });
    expect(all).toHaveLength(120);
    expect(all.map((p) => p.value)).toEqual(Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? 0 : i)));
    const pagesForAll = w.fake.calls('GetMetricData').length;
    expect(pagesForAll).toBeGreaterThan(2);
    const cut = await new CloudWatchMetricSource(w.clients, { clock: w.clock, maxPages: 2 }).history(REF, {
      metric: 'requests',
      from,
      to: now,
      periodSeconds: 60,
    });
    expect(w.fake.calls('GetMetricData').length - pagesForAll).toBe(2);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.length).toBeLessThan(120);
    expect(cut).toEqual(all.slice(all.length - cut.length));
  });

  it('throttling -> TransientError after the bounded SDK retries', async () => {
    w = await startWorld({ maxAttempts: 2 });
    w.fake.inject({ kind: 'throttle', service: 'cloudwatch', operation: 'GetMetricData', times: Infinity });
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock });
    await expect(source.history(REF, { metric: 'requests', from: w.clock.now() - 10 * MIN, to: w.clock.now(), periodSeconds: 60 })).rejects.toBeInstanceOf(
      TransientError,
    );
    expect(w.fake.calls('GetMetricData').map((r) => r.errorCode)).toEqual(['ThrottlingException', 'ThrottlingException']);
  });

  it('respects the deadline: no call when it has passed, and a hung call is aborted at it', async () => {
    w = await startWorld({ maxAttempts: 3 });
    const now = w.clock.now();
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock });
    const q = { metric: 'requests', from: now - 10 * MIN, to: now, periodSeconds: 60 };
    await expect(source.history(REF, q, { deadline: now + 50 })).rejects.toBeInstanceOf(TransientError);
    expect(w.fake.calls('GetMetricData')).toHaveLength(0);
    w.fake.inject({ kind: 'hang', service: 'cloudwatch', operation: 'GetMetricData', times: Infinity });
    const started = Date.now();
    await expect(source.history(REF, q, { deadline: now + 400 })).rejects.toBeInstanceOf(TransientError);
    // 400 ms of budget (real time here: the manual clock stands still), not 3 attempts x 5 s.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses unknown metrics and invalid periods, naming the field, without calling CloudWatch', async () => {
    w = await startWorld();
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock });
    const now = w.clock.now();
    const fields = async (q: Parameters<CloudWatchMetricSource['history']>[1]): Promise<string[]> => {
      try {
        await source.history(REF, q);
      } catch (e) {
        if (e instanceof ValidationError) return e.issues.map((i) => i.path);
        throw e;
      }
      throw new Error('did not throw');
    };
    expect(await fields({ metric: 'latency-ish', from: now - MIN, to: now, periodSeconds: 60 })).toEqual(['metric']);
    expect(await fields({ metric: 'requests', from: now - MIN, to: now, periodSeconds: 45 })).toEqual(['periodSeconds']);
    expect(await fields({ metric: 'requests', from: now - MIN, to: now, periodSeconds: 10 })).toEqual(['periodSeconds']);
    await expect(
      source.history({ provider: 'aws-sagemaker', id: 'endpoint/x' }, { metric: 'requests', from: now - MIN, to: now, periodSeconds: 60 }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(w.fake.calls('GetMetricData')).toHaveLength(0);
  });

  it('fuzz: any query gets points (sorted, in range, finite) or a ValidationError, never another failure', async () => {
    w = await startWorld();
    const now = w.clock.now();
    invocations(w, [1, 2, undefined, 4], now - 5 * MIN);
    const source = new CloudWatchMetricSource(w.clients, { clock: w.clock });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          metric: fc.oneof(fc.constantFrom('requests', 'cpu', 'ConcurrentRequestsPerModel', 'Invocations'), fc.string()),
          from: fc.oneof(fc.integer({ min: now - 20 * MIN, max: now }), fc.double()),
          span: fc.integer({ min: -MIN, max: 20 * MIN }),
          periodSeconds: fc.oneof(fc.constantFrom(10, 60, 120, 300), fc.integer()),
        }),
        async ({ metric, from, span, periodSeconds }) => {
          try {
            const points = await source.history(REF, { metric, from, to: from + span, periodSeconds });
            for (let i = 0; i < points.length; i++) {
              expect(Number.isFinite(points[i]!.value)).toBe(true);
              expect(points[i]!.at).toBeGreaterThanOrEqual(from - periodSeconds * 1000);
              if (i > 0) expect(points[i]!.at).toBeGreaterThan(points[i - 1]!.at);
            }
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('FILL as GetMetricData evaluates it, and an expression the fake cannot evaluate is refused', async () => {
    w = await startWorld();
    const now = w.clock.now();
    invocations(w, [2, undefined, 6], now - 4 * MIN);
    // The SDK speaks JSON 1.0; the raw GetMetricData below checks FILL directly.
    const out = await w.clients.cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            Id: 'm1',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SageMaker',
                MetricName: 'Invocations',
                Dimensions: [
                  { Name: 'EndpointName', Value: ENDPOINT },
                  { Name: 'VariantName', Value: VARIANT },
                ],
              },
              Period: 60,
              Stat: 'Sum',
            },
            ReturnData: false,
          },
          { Id: 'e1', Expression: 'FILL(m1, 0)' },
        ],
        StartTime: new Date(now - 4 * MIN),
        EndTime: new Date(now - MIN),
        ScanBy: 'TimestampAscending',
      }),
    );
    expect(out.MetricDataResults).toHaveLength(1);
    expect(out.MetricDataResults![0]!.Values).toEqual([2, 0, 6]);
    await expect(
      w.clients.cloudwatch.send(
        new GetMetricDataCommand({ MetricDataQueries: [{ Id: 'e1', Expression: 'SUM(METRICS())' }], StartTime: new Date(now - MIN), EndTime: new Date(now) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
