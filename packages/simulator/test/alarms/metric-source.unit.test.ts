import fc from 'fast-check';
import { ManualClock, ValidationError } from '@autoscaler/core';
import { runMetricSourceConformance } from '@autoscaler/testing';
import { MetricStore, METRICS, type MetricName } from '../../src/alarms/metric-store';
import { sourceContext, START } from '../source-context';
import { providerProfile } from '../../src/profiles/profile';
import { SimulatedMetricSource } from '../../src/alarms/metric-source';

function setup(delaySeconds: number) {
  const t = sourceContext({ minutes: 10, delaySeconds });
  for (let m = 0; m < 10; m++) t.publish(m, { Invocations: 100 * (m + 1), CpuUtilization: 10 * (m + 1) });
  const profile = { ...providerProfile('oci'), metricDelaySeconds: delaySeconds };
  const source = new SimulatedMetricSource(t.ctx.ref, t.ctx.store, profile, () => t.clock.now());
  return { ...t, source };
}

describe('SimulatedMetricSource (the pull contract over the simulated monitoring service)', () => {
  it('serves requests per minute summed over the fleet, oldest first, only once the publishing delay has passed', async () => {
    const { source, clock, at, ctx } = setup(60);
    expect(source).toMatchObject({ provider: 'simulator', periodSeconds: 60, publishDelaySeconds: 60 });
    clock.set(at(5));
    // Minute 3 ends at 4:00 and is published at 5:00; minute 4 not yet.
    const points = await source.history(ctx.ref, { metric: 'requests', from: START, to: at(10), periodSeconds: 60 });
    expect(points).toEqual([0, 1, 2, 3].map((m) => ({ at: at(m), value: 100 * (m + 1) })));
    clock.set(at(5, 59));
    expect(await source.history(ctx.ref, { metric: 'PredictRequestCount', from: at(2), to: at(10), periodSeconds: 60 })).toHaveLength(2);
  });

  it('cpu and memory are percentages; longer periods sum counts and average utilizations', async () => {
    const { source, clock, at, ctx } = setup(0);
    clock.set(at(10));
    expect((await source.history(ctx.ref, { metric: 'cpu', from: START, to: at(2), periodSeconds: 60 })).map((p) => p.value)).toEqual([10, 20]);
    expect(await source.history(ctx.ref, { metric: 'requests', from: START, to: at(10), periodSeconds: 300 })).toEqual([
      { at: at(0), value: 100 + 200 + 300 + 400 + 500 },
      { at: at(5), value: 600 + 700 + 800 + 900 + 1000 },
    ]);
    expect((await source.history(ctx.ref, { metric: 'cpu', from: START, to: at(5), periodSeconds: 300 }))[0]!.value).toBe(30);
  });

  it('an unknown metric, a sub-minute period or another target is a clear error', async () => {
    const { source, clock, at, ctx } = setup(0);
    clock.set(at(10));
    await expect(source.history(ctx.ref, { metric: 'GpuUtilization', from: START, to: at(2), periodSeconds: 60 })).rejects.toThrow(ValidationError);
    await expect(source.history(ctx.ref, { metric: 'requests', from: START, to: at(2), periodSeconds: 10 })).rejects.toThrow(/periodSeconds.*whole minutes/);
    await expect(source.history({ provider: 'simulator', id: 'sim/other' }, { metric: 'requests', from: START, to: at(2), periodSeconds: 60 })).rejects.toThrow(
      /does not exist/,
    );
  });

  it('any window gives points inside it, on period boundaries, never unpublished ones (fast-check)', async () => {
    const { source, clock, at, ctx } = setup(60);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -5, max: 14 }),
        fc.integer({ min: -5, max: 14 }),
        fc.integer({ min: 0, max: 14 }),
        fc.constantFrom(60, 120, 180),
        async (a, b, now, period) => {
          clock.set(at(now));
          const from = at(a) + 7_000 * Math.sign(a);
          const to = at(b);
          const points = await source.history(ctx.ref, { metric: 'requests', from, to, periodSeconds: period });
          for (const [i, p] of points.entries()) {
            expect(p.at >= from && p.at < to).toBe(true);
            expect((p.at - START) % (period * 1000)).toBe(0);
            expect(p.at + period * 1000 + 60_000 <= at(now)).toBe(true);
            if (i > 0) expect(p.at - points[i - 1]!.at).toBe(period * 1000);
          }
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});

runMetricSourceConformance('simulated monitoring service', () => {
  const minutes = 240;
  const store = new MetricStore(START, minutes, 60);
  const clock = new ManualClock(START + 200 * 60_000);
  const ref = { provider: 'simulator', id: 'sim/conformance' };
  const source = new SimulatedMetricSource(ref, store, { ...providerProfile('oci'), metricDelaySeconds: 60 }, () => clock.now());
  const zero = Object.fromEntries(METRICS.map((k) => [k, 0])) as Record<MetricName, number>;
  return {
    source,
    target: ref,
    now: clock.now(),
    invalidIds: ['', 'sim/', 'sim/UPPER', 'other/x', 'sim/a b', 'sim/../etc'],
    throttleNext: () => source.throttleNext(),
    seed(points) {
      const values = new Map(points.map((p) => [(p.at - START) / 60_000, p.value]));
      for (let m = 0; m < 200; m++) store.publish(m, { ...zero, Invocations: values.get(m) ?? 0 });
    },
    close: async () => undefined,
  };
});
