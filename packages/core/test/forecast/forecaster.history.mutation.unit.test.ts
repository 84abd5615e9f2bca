/**
 * How the forecaster reads the caller's array, where a StrykerJS run over forecaster.ts (lines 1-411)
 * left mutants alive: `now` that is not a finite number, holes and odd times in the array (always a
 * reason, never a throw), a warm instance given an array trimmed at the front, emptied, revised or
 * replaced, the problems kept while reading (a duplicate of the first point, a reset), a restart
 * after a gap read by the longest horizon, and the memo of the peak made at the data end (an epoch
 * before 1970). Every expected value is worked out by hand in the comment beside it, from the rule's
 * defaults (60 s periods, levelMinutes 30, jumpMinutes 5, trendMinutes 60, headroomQuantile 0.96,
 * headroomWindowMinutes 720, target 600; seasonDays 0 in `rule()`) unless the test says otherwise.
 */
import type { Forecast, MetricPoint } from '../../src/types';
import { Forecaster, forecastLoad } from '../../src/forecast/forecaster';
import { after, expectSameAsCold, MIN, range, rule, series, T0 } from './support';

function reason(f: Forecast): string {
  if (f.ok) throw new Error('expected no forecast');
  return f.reason;
}

const flat = (n: number, value = 100): MetricPoint[] => series(range(n, () => value));
/** An array as a caller might pass it, holes and wrong types included. */
const loose = (points: readonly unknown[]): MetricPoint[] => points as MetricPoint[];
/**
 * 60 points of 100 read (periods 0..59): the forecast at 01:00 for 5 periods. Scored minutes 6..59 against the
 * forecasts made at 1..54 (each 100: one point of 100 and no trend): 54 ratios of 1, headroom 1.
 */
const FLAT60 = { ok: true, load: 100, level: 100, headroom: 1, horizonSeconds: 300, points: 60 };

describe('now that is not a finite number', () => {
  it('is refused by name, whatever the history', () => {
    expect(reason(forecastLoad(rule(), flat(60), NaN, 300))).toBe('now must be epoch milliseconds, got NaN');
    expect(reason(forecastLoad(rule(), flat(60), Infinity, 300))).toBe('now must be epoch milliseconds, got Infinity');
    expect(reason(forecastLoad(rule(), flat(60), -Infinity, 300))).toBe('now must be epoch milliseconds, got -Infinity');
    expect(reason(forecastLoad(rule(), flat(60), '1772326800000' as unknown as number, 300))).toBe('now must be epoch milliseconds, got 1772326800000');
  });
});

describe('holes in the array are a reason, never a throw', () => {
  it('a missing first point, read cold and by a warm instance that read the array without it', () => {
    // The hole is a problem before any good point: attributed to the first good one (period 0), read by the forecast.
    const holed = loose([undefined, ...flat(60)]);
    expect(reason(forecastLoad(rule(), holed, after(60), 300))).toBe('bad history: a point with time undefined');
    expect(reason(forecastLoad(rule(), loose([null, ...flat(60)]), after(60), 300))).toBe('bad history: a point with time undefined');
    // Warm: 61 points whose 60th is not the last read (the 59th period): the array changed, read afresh.
    const warm = new Forecaster(rule());
    expect(warm.forecast(flat(60), after(60), 300)).toEqual(FLAT60);
    expect(reason(warm.forecast(holed, after(60), 300))).toBe('bad history: a point with time undefined');
  });

  it('after an array that began with a hole, an array without it is read afresh', () => {
    const warm = new Forecaster(rule());
    expect(reason(warm.forecast(loose([undefined, ...flat(60)]), after(60), 300))).toBe('bad history: a point with time undefined');
    expect(warm.forecast(flat(60), after(60), 300)).toEqual(FLAT60);
  });

  it('after an array that ended with a hole, the same points trimmed at the front are read afresh', () => {
    // The hole after period 59 blocks. Then periods 10..59: 50 points, the forecasts made at 11..54 scored (44 ratios of 1).
    const warm = new Forecaster(rule());
    expect(reason(warm.forecast(loose([...flat(60), undefined]), after(60), 300))).toBe(
      'bad history: a point with time undefined after 2026-03-01T00:59:00.000Z',
    );
    const trimmed = flat(60).slice(10);
    const f = warm.forecast(trimmed, after(60), 300);
    expect(f).toEqual({ ok: true, load: 100, level: 100, headroom: 1, horizonSeconds: 300, points: 50 });
    expect(f).toEqual(forecastLoad(rule(), trimmed, after(60), 300));
  });

  it('a hole, or a time given as a string, where a warm instance looks for the last point it read', () => {
    // Periods 10..59 (50 points) after 0..59 were read: the search for period 59 first looks at index 24 (period 34).
    // There a hole, or period 34's time as a string: the array changed, read afresh; the problem follows period 33.
    const at = (point: unknown): MetricPoint[] => {
      const trimmed: unknown[] = flat(60).slice(10);
      trimmed[24] = point;
      return loose(trimmed);
    };
    const hole = new Forecaster(rule());
    hole.forecast(flat(60), after(60), 300);
    expect(reason(hole.forecast(at(undefined), after(60), 300))).toBe('bad history: a point with time undefined after 2026-03-01T00:33:00.000Z');
    const text = new Forecaster(rule());
    text.forecast(flat(60), after(60), 300);
    // T0 + 34 minutes = 1772323200000 + 2040000.
    expect(reason(text.forecast(at({ at: '1772325240000', value: 100 }), after(60), 300))).toBe(
      'bad history: a point with time 1772325240000 after 2026-03-01T00:33:00.000Z',
    );
  });

  it('a first point whose time is a string is not taken for a trimmed front', () => {
    // Period 5's time as a string, then periods 6..59: the string is a problem before any good point (attributed to period 6).
    const warm = new Forecaster(rule());
    warm.forecast(flat(60), after(60), 300);
    const points = loose([{ at: '1772323500000', value: 100 }, ...flat(60).slice(6)]);
    expect(reason(warm.forecast(points, after(60), 300))).toBe('bad history: a point with time 1772323500000');
    expect(reason(forecastLoad(rule(), points, after(60), 300))).toBe('bad history: a point with time 1772323500000');
  });
});

describe('a warm instance given another array', () => {
  it('an empty array: no datapoints (what was read before is forgotten)', () => {
    const warm = new Forecaster(rule());
    expect(warm.forecast(flat(60), after(60), 300)).toEqual(FLAT60);
    expect(reason(warm.forecast([], after(60), 300))).toBe('no datapoints');
  });

  it('trimmed at the front, nothing new: the history already read is kept (the 22 points left alone are too few)', () => {
    // Periods 38..59: found where the search ends (index 21, the last); the forecast is the 60 points'.
    const warm = new Forecaster(rule());
    warm.forecast(flat(60), after(60), 300);
    const trimmed = flat(60).slice(38);
    expect(warm.forecast(trimmed, after(60), 300)).toEqual(FLAT60);
    expect(reason(forecastLoad(rule(), trimmed, after(60), 300))).toBe('too few points: 22 of the 30 needed (max(levelMinutes, 30) minutes of 60 s periods)');
  });

  it('trimmed at the front and grown: read on from the last point read (25 points left, 20 of them new)', () => {
    // Periods 55..79 after 0..59: period 59 is at index 4; the search looks at 12 (67), 5 (60), 2 (57), 3 (58), 4.
    // The history is 0..79: at 01:20 the forecast reads 20..79 (60 points); the forecasts made at 1..74 scored (74 ratios of 1): headroom 1.
    const warm = new Forecaster(rule());
    warm.forecast(flat(60), after(60), 300);
    const grown = flat(80).slice(55);
    const f = warm.forecast(grown, after(80), 300);
    expect(f).toEqual(FLAT60);
    expect(f).toEqual(forecastLoad(rule(), flat(80), after(80), 300));
    expect(reason(forecastLoad(rule(), grown, after(80), 300))).toBe('too few points: 25 of the 30 needed (max(levelMinutes, 30) minutes of 60 s periods)');
  });

  it('without the last point read (only newer points): read afresh from its first point', () => {
    // Periods 60..119 at 200 after 0..59 at 100: the history is the new array alone, as if cold: forecasts made at 61..114
    // scored (54 ratios of 1). Read on after its first point instead, period 60 would be missing (59 points).
    const warm = new Forecaster(rule());
    warm.forecast(flat(60), after(60), 300);
    const newer = series(
      range(60, () => 200),
      MIN,
      T0 + 60 * MIN,
    );
    const f = warm.forecast(newer, after(120), 300);
    expect(f).toEqual({ ok: true, load: 200, level: 200, headroom: 1, horizonSeconds: 300, points: 60 });
    expectSameAsCold(rule(), newer, after(120), 300, f);
  });

  it('a revised last point is a problem once read afresh (a reset keeps no problem of its own)', () => {
    const warm = new Forecaster(rule());
    expect(warm.forecast(flat(60), after(60), 300)).toEqual(FLAT60);
    const revised = [...flat(59), { at: T0 + 59 * MIN, value: -1 }];
    expect(reason(warm.forecast(revised, after(60), 300))).toBe('bad history: point at 2026-03-01T00:59:00.000Z has a negative value (-1)');
  });
});

describe('a warm instance reads only what was appended', () => {
  it('an array of the length read, with the same first and last point, is taken as the array read (its middle is not re-read)', () => {
    // What lets a caller that appends pay for the new points only: a revised middle point (period 40 at -1) is not seen
    // by the warm instance (the forecast of the 60 points read stands); a fresh one reads it.
    const warm = new Forecaster(rule());
    expect(warm.forecast(flat(60), after(60), 300)).toEqual(FLAT60);
    const revised = flat(60).map((p, i) => (i === 40 ? { ...p, value: -1 } : p));
    expect(warm.forecast(revised, after(60), 300)).toEqual(FLAT60);
    expect(reason(forecastLoad(rule(), revised, after(60), 300))).toBe('bad history: point at 2026-03-01T00:40:00.000Z has a negative value (-1)');
  });
});

describe('problems kept while reading', () => {
  it('a duplicate of the first point blocks while it is read and is forgotten once out of the lookback', () => {
    // Attributed to period 0, the first good point's. headroomWindowMinutes 60: a 5-period horizon reads 197 periods
    // back (120 + 60 + 5 + 10 + 1 + 1): read at 01:00, forgotten at 05:00 (300 - 197 = 103 > 0).
    const short = rule({ headroomWindowMinutes: 60 });
    const duplicated = (n: number): MetricPoint[] => [flat(n)[0]!, ...flat(n)];
    expect(reason(forecastLoad(short, duplicated(60), after(60), 300))).toBe('bad history: duplicate point at 2026-03-01T00:00:00.000Z');
    // 300 points of 100: the forecast reads periods 240..299 (60 points).
    expect(forecastLoad(short, duplicated(300), after(300), 300)).toEqual({ ok: true, load: 100, level: 100, headroom: 1, horizonSeconds: 300, points: 60 });
  });
});

describe('a gap read by the longest horizon', () => {
  it('a gap of exactly 552 periods starts afresh even though the 4-hour lookback reaches the points before it', () => {
    // headroomWindowMinutes 60: 552 periods are kept (max(120, 240) + 60 + 240 + 10 + 1 + 1). Periods 0..99 at 100, then
    // 30 at 300 from 652 (99 + 1 + 552). At 682 the 4-hour lookback is 552 + 240 + 3 = 795 periods, back to -113: the
    // first point read is the restart's, 652: 30 points of 30 periods, level 300, no trend. No forecast made at
    // 652..679 - 240 can be scored: headroom 1.15, 300 x 1.15 = 345. (Kept as missing periods, 622..651 would be 30 of
    // the last 60.)
    const short = rule({ headroomWindowMinutes: 60 });
    const points = [
      ...flat(100),
      ...series(
        range(30, () => 300),
        MIN,
        T0 + 652 * MIN,
      ),
    ];
    const f = forecastLoad(short, points, after(682), 14_400);
    expect(f).toEqual({ ok: true, load: 300 * 1.15, level: 300, headroom: 1.15, horizonSeconds: 14_400, points: 30 });
    const warm = new Forecaster(short);
    warm.forecast(flat(100), after(100), 14_400);
    expect(warm.forecast(points, after(682), 14_400)).toEqual(f);
  });
});

describe('the peak made at the data end is memoized for its own period', () => {
  it('an epoch before 1970: periods -20..59, 100 until period 30, then 0', () => {
    // headroomQuantile 0.5, headroomWindowMinutes 60. The refit at 60 scores minutes 0..59 against the forecasts made at
    // -5..54, each above 0 (100 up to 30, then a level window still holding a 100): 30 ratios of 1 (actual 100), 30 of 0.
    // The median (k = 30 of 60) is 1. The forecast at 60 is 0 (its level window all 0, a falling trend): kept in its own
    // slot, not in that of period 20 (60 - 2 x 20), whose forecast would then be 0, not scored: 29 ones, k = 29: 0.5.
    const r = rule({ headroomQuantile: 0.5, headroomWindowMinutes: 60 });
    const points = series(
      range(80, (i) => (i < 50 ? 100 : 0)),
      MIN,
      -20 * MIN,
    );
    expect(forecastLoad(r, points, 60 * MIN, 300)).toEqual({ ok: true, load: 0, level: 0, headroom: 1, horizonSeconds: 300, points: 60 });
  });
});

describe('a warm instance compares the ends of the array it is given with the ends it read', () => {
  // 60 points of 100, then the same array with its first entry replaced by null, by a hole, or by a point again: the
  // warm instance must read the changed array afresh (its first entry is not the one read) and answer as a fresh one.
  // A null or a hole is a problem before the first good point: 'bad history' naming it, never a throw.
  const good = flat(60);
  const cases: Array<[string, readonly unknown[], readonly unknown[]]> = [
    ['null first', good, [null, ...good.slice(1)]],
    ['hole first', good, [undefined, ...good.slice(1)]],
    ['null first, then a point again', [null, ...good.slice(1)], good],
    ['null last', good, [...good.slice(0, 59), null]],
  ];
  it.each(cases)('%s', (_, before, after60) => {
    const warm = new Forecaster(rule());
    warm.forecast(loose(before), 60 * MIN + T0, 300);
    const cold = forecastLoad(rule(), loose(after60), 60 * MIN + T0, 300);
    expect(warm.forecast(loose(after60), 60 * MIN + T0, 300)).toEqual(cold);
  });
  it('the fresh answers: null or a hole first is named; a point again is the flat forecast', () => {
    expect(reason(forecastLoad(rule(), loose([null, ...good.slice(1)]), 60 * MIN + T0, 300))).toBe('bad history: a point with time undefined');
    expect(forecastLoad(rule(), good, 60 * MIN + T0, 300)).toEqual(FLAT60);
  });
});
