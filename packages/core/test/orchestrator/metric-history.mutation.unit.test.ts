import { AutoscalerError } from '../../src/errors';
import type { CallOptions, HistoryQuery, MetricPoint, MetricSource, TargetRef } from '../../src/types';
import { MetricHistoryCache } from '../../src/orchestrator/metric-history';

/** The history cache, period by period (found by mutation testing, bench/mutation.ts). */
const REF: TargetRef = { provider: 'memory', id: 't' };
const MIN = 60_000;

/** A source with one datapoint per minute (value = minute number) up to what is published; records each query. */
function source(
  delaySeconds = 0,
  answer?: (q: HistoryQuery) => unknown[],
): MetricSource & { queries: HistoryQuery[]; options: Array<CallOptions | undefined> } {
  const queries: HistoryQuery[] = [];
  const options: Array<CallOptions | undefined> = [];
  return {
    name: 'src',
    provider: 'memory',
    periodSeconds: 60,
    publishDelaySeconds: delaySeconds,
    queries,
    options,
    async history(_ref, q, o) {
      queries.push(q);
      options.push(o);
      if (answer) return answer(q) as MetricPoint[];
      const out: MetricPoint[] = [];
      for (let at = q.from; at < q.to; at += q.periodSeconds * 1000) out.push({ at, value: at / MIN });
      return out;
    },
  };
}

describe('MetricHistoryCache.read', () => {
  it('asks for whole periods from the lookback to the last published period, and passes the call options', async () => {
    const s = source(90);
    const o: CallOptions = { deadline: 123 };
    const points = await new MetricHistoryCache().read(s, REF, 'cpu', 60, 10 * MIN, 100 * MIN + 30_000, o);
    // from floor(90.5 min) = 90 min; to floor(100.5 min - 90 s) = 99 min
    expect(s.queries).toEqual([{ metric: 'cpu', from: 90 * MIN, to: 99 * MIN, periodSeconds: 60 }]);
    expect(s.options).toEqual([o]);
    expect(points.map((p) => p.value)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98]);
  });

  it('a warm read asks only for the periods it has not seen, and nothing when none is new', async () => {
    const s = source();
    const cache = new MetricHistoryCache();
    await cache.read(s, REF, 'cpu', 60, 10 * MIN, 100 * MIN, {});
    const points = await cache.read(s, REF, 'cpu', 60, 10 * MIN, 102 * MIN, {});
    expect(s.queries.map((q) => [q.from / MIN, q.to / MIN])).toEqual([
      [90, 100],
      [100, 102],
    ]);
    expect(points.at(-1)).toEqual({ at: 101 * MIN, value: 101 });
    await cache.read(s, REF, 'cpu', 60, 10 * MIN, 102 * MIN + 59_000, {});
    expect(s.queries).toHaveLength(2);
  });

  it('keeps one series per target, metric and period', async () => {
    const s = source();
    const cache = new MetricHistoryCache();
    await cache.read(s, REF, 'cpu', 60, 5 * MIN, 100 * MIN, {});
    await cache.read(s, { provider: 'memory', id: 'u' }, 'cpu', 60, 5 * MIN, 100 * MIN, {});
    await cache.read(s, REF, 'mem', 60, 5 * MIN, 100 * MIN, {});
    await cache.read(s, REF, 'cpu', 300, 5 * MIN, 100 * MIN, {});
    expect(s.queries).toHaveLength(4);
  });

  it('a cache older than the lookback starts over from the lookback', async () => {
    const s = source();
    const cache = new MetricHistoryCache();
    await cache.read(s, REF, 'cpu', 60, 5 * MIN, 100 * MIN, {});
    const points = await cache.read(s, REF, 'cpu', 60, 5 * MIN, 200 * MIN, {});
    expect(s.queries[1]).toEqual({ metric: 'cpu', from: 195 * MIN, to: 200 * MIN, periodSeconds: 60 });
    expect(points.map((p) => p.value)).toEqual([195, 196, 197, 198, 199]);
  });

  it('keeps only the points inside the asked range, even when the source answers more', async () => {
    const s = source(0, (q) => [
      { at: q.from - MIN, value: -1 }, // before the range
      { at: q.from, value: 1 },
      { at: q.from + MIN, value: 3 },
      { at: q.to, value: 4 }, // the unpublished period
    ]);
    const cache = new MetricHistoryCache();
    expect((await cache.read(s, REF, 'cpu', 60, 10 * MIN, 100 * MIN, {})).map((p) => p.at / MIN)).toEqual([90, 91]);
    // the next read's answer again holds a period before its range and the unpublished one: neither is kept
    expect((await cache.read(s, REF, 'cpu', 60, 10 * MIN, 102 * MIN, {})).map((p) => p.at / MIN)).toEqual([90, 91, 100, 101]);
  });

  it.each([[null], [undefined], [{ at: 'x', value: 1 }], [{ at: 1 }], ['7']])(
    'a malformed datapoint %j is a PROVIDER error naming the source and metric',
    async (bad) => {
      const s = source(0, () => [bad]);
      const e = await new MetricHistoryCache().read(s, REF, 'cpu', 60, 5 * MIN, 100 * MIN, {}).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AutoscalerError);
      expect((e as AutoscalerError).code).toBe('PROVIDER');
      expect((e as Error).message).toBe('metric source src returned a malformed datapoint for cpu');
    },
  );

  it('trims points older than the window only once they are a quarter window past it', async () => {
    const s = source();
    const cache = new MetricHistoryCache();
    const first = await cache.read(s, REF, 'cpu', 60, 8 * MIN, 100 * MIN, {});
    expect(first[0]!.value).toBe(92);
    // window [93, 101): 92 is less than a quarter window (2 min) past it: kept, same array
    const second = await cache.read(s, REF, 'cpu', 60, 8 * MIN, 101 * MIN, {});
    expect(second[0]!.value).toBe(92);
    expect(second).toBe(first);
    // window [95, 103): 92 is 3 min past it: trimmed to the window
    const third = await cache.read(s, REF, 'cpu', 60, 8 * MIN, 103 * MIN, {});
    expect(third.map((p) => p.value)).toEqual([95, 96, 97, 98, 99, 100, 101, 102]);
  });

  it('a source with no datapoints gives an empty history', async () => {
    await expect(
      new MetricHistoryCache().read(
        source(0, () => []),
        REF,
        'cpu',
        60,
        5 * MIN,
        100 * MIN,
        {},
      ),
    ).resolves.toEqual([]);
  });

  it('a point exactly a quarter window past the window is kept', async () => {
    const s = source();
    const cache = new MetricHistoryCache();
    await cache.read(s, REF, 'cpu', 60, 8 * MIN, 100 * MIN, {});
    // window [94, 102): 92 is exactly 2 min (a quarter of 8) before it
    expect((await cache.read(s, REF, 'cpu', 60, 8 * MIN, 102 * MIN, {}))[0]!.value).toBe(92);
  });

  it('after an outage, points all older than the window are dropped, none kept', async () => {
    let up = true;
    const s = source(0, (q) => {
      const out: MetricPoint[] = [];
      if (up) for (let at = q.from; at < q.to; at += MIN) out.push({ at, value: at / MIN });
      return out;
    });
    const cache = new MetricHistoryCache();
    await cache.read(s, REF, 'cpu', 60, 8 * MIN, 100 * MIN, {});
    up = false;
    await cache.read(s, REF, 'cpu', 60, 8 * MIN, 107 * MIN, {});
    // window [103, 111): the one point left (99) is more than a quarter window before it
    expect(await cache.read(s, REF, 'cpu', 60, 8 * MIN, 111 * MIN, {})).toEqual([]);
  });
});
