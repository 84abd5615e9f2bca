/**
 * The forecaster's edges a hand-made mutation pass found unguarded (StrykerJS could not measure
 * forecaster.ts on this machine in time): exact reason texts, the boundaries of the checks, the
 * windows' arithmetic and the headroom's clamps and counts. Every expected value is worked out by
 * hand in the comment beside it, from the rule's defaults (60 s periods, levelMinutes 30,
 * jumpMinutes 5, trendMinutes 60, headroomQuantile 0.96, target 600) unless the test says otherwise.
 */
import type { Forecast, MetricPoint } from '../../src/types';
import { FORECAST_LIMITS, Forecaster, forecastLoad, forecastLookbackSeconds } from '../../src/forecast/forecaster';
import { after, expectSameAsCold, MIN, ok, range, rule, series, T0 } from './support';

function reason(f: Forecast): string {
  if (f.ok) throw new Error('expected no forecast');
  return f.reason;
}

/** The peak forecast (before headroom). */
const peak = (f: Forecast): number => ok(f).load / ok(f).headroom;

const flat = (n: number, value = 100): MetricPoint[] => series(range(n, () => value));
/** headroomWindowMinutes 60 keeps the windows short: reach 120 periods (the longest envelope), refit 10, cadence 1. */
const short = rule({ headroomWindowMinutes: 60 });

describe('reason texts', () => {
  it('a horizon that is not a number, and a history that is not a list', () => {
    expect(reason(forecastLoad(rule(), flat(60), after(60), '300' as unknown as number))).toBe('horizonSeconds must be > 0 and <= 14400, got 300');
    expect(reason(forecastLoad(rule(), { length: 1 } as unknown as MetricPoint[], after(60), 300))).toBe('history is not a list of points');
  });

  it('the longest horizon (4 hours) is accepted', () => {
    expect(ok(forecastLoad(rule(), flat(60), after(60), 14_400)).horizonSeconds).toBe(14_400);
  });

  it('names the oldest problem read and counts the later ones', () => {
    const bad = (at: number[]): MetricPoint[] => series(range(60, (i) => (at.includes(i) ? -1 : 100)));
    expect(reason(forecastLoad(rule(), bad([40]), after(60), 300))).toBe('bad history: point at 2026-03-01T00:40:00.000Z has a negative value (-1)');
    expect(reason(forecastLoad(rule(), bad([40, 45]), after(60), 300))).toBe(
      'bad history: point at 2026-03-01T00:40:00.000Z has a negative value (-1) (and 1 more)',
    );
    expect(reason(forecastLoad(rule(), bad([40, 45, 50]), after(60), 300))).toBe(
      'bad history: point at 2026-03-01T00:40:00.000Z has a negative value (-1) (and 2 more)',
    );
  });

  it('a history of bad points only says what is wrong with the first, not "no datapoints"', () => {
    expect(reason(forecastLoad(rule(), [{ at: T0, value: -1 }], after(1), 300))).toBe(
      'bad history: point at 2026-03-01T00:00:00.000Z has a negative value (-1)',
    );
  });

  it('problems before the first good point are kept up to 100 and then counted from the first good point', () => {
    // 150 negative points, then 60 good ones: 100 problems are kept, all attributed to the first good period.
    const points = series(range(210, (i) => (i < 150 ? -1 : 100)));
    expect(reason(forecastLoad(rule(), points, after(210), 300))).toBe(
      'bad history: point at 2026-03-01T00:00:00.000Z has a negative value (-1) (and 99 more)',
    );
  });

  it('a bad point before the first good one blocks while it is read, and is forgotten once out of the lookback', () => {
    const points = series(range(300, (i) => (i === 0 ? -1 : 100)));
    // 60 points: the problem (attributed to period 1) is inside the lookback.
    expect(reason(forecastLoad(short, points.slice(0, 60), after(60), 300))).toBe('bad history: point at 2026-03-01T00:00:00.000Z has a negative value (-1)');
    // 300 points: the lookback of a 5-period horizon with a 60-minute headroom window is 120 + 60 + 5 + 10 + 1 + 1 = 197 periods: 300 - 197 = 103 > 1.
    expect(ok(forecastLoad(short, points, after(300), 300)).points).toBe(60);
  });

  it('a point with no time: first, and after good points (then it says after which)', () => {
    expect(reason(forecastLoad(rule(), [{ at: NaN, value: 1 }, ...flat(60)], after(60), 300))).toBe('bad history: a point with time NaN');
    expect(reason(forecastLoad(rule(), [...flat(60), { at: NaN, value: 1 }], after(60), 300))).toBe(
      'bad history: a point with time NaN after 2026-03-01T00:59:00.000Z',
    );
  });

  it('times at and beyond the Date range are printed as ISO time or as the number, never thrown on', () => {
    // 8.64e15 ms is the last valid Date (year 275760); one period further (and one before -8.64e15) is not.
    expect(reason(forecastLoad(rule(), [{ at: 8.64e15, value: -1 }], 8.64e15, 300))).toBe(
      'bad history: point at +275760-09-13T00:00:00.000Z has a negative value (-1)',
    );
    expect(reason(forecastLoad(rule(), [{ at: 8.64e15 + MIN, value: -1 }], 8.64e15, 300))).toBe(
      'bad history: point at 8640000000060000 has a negative value (-1)',
    );
    expect(reason(forecastLoad(rule(), [{ at: -8.64e15 - MIN, value: -1 }], 0, 300))).toBe('bad history: point at -8640000000060000 has a negative value (-1)');
  });

  it('now at the start of the newest period is accepted; a millisecond earlier the point is from the future', () => {
    expect(ok(forecastLoad(rule(), flat(60), T0 + 59 * MIN, 300)).points).toBe(60);
    expect(reason(forecastLoad(rule(), flat(60), T0 + 59 * MIN - 1, 300))).toBe(
      'newest point (2026-03-01T00:59:00.000Z) is after now (2026-03-01T00:58:59.999Z)',
    );
  });
});

describe('boundaries of the history checks', () => {
  it('exactly max(levelMinutes, 30) points are enough; levelMinutes 10 still needs 30', () => {
    expect(ok(forecastLoad(rule(), flat(30), after(30), 300)).points).toBe(30);
    expect(reason(forecastLoad(rule({ levelMinutes: 10 }), flat(20), after(20), 300))).toBe(
      'too few points: 20 of the 30 needed (max(levelMinutes, 30) minutes of 60 s periods)',
    );
  });

  it('exactly 20% of the periods read missing is accepted, one more is not', () => {
    // The forecast reads max(trend 60, level 30 + half 2 + 1) = 60 periods: 40..99. 12 missing (40, 42, .., 62) = 20%.
    const holes = (n: number) => series(range(100, (i) => (i >= 40 && i < 40 + 2 * n && i % 2 === 0 ? null : 100)));
    expect(ok(forecastLoad(rule(), holes(12), after(100), 300)).points).toBe(48);
    expect(reason(forecastLoad(rule(), holes(13), after(100), 300))).toBe('too many missing periods: 13 of the last 60 (at most 20%)');
  });

  it('exactly 10% of the level window missing (3 of 30) is accepted', () => {
    expect(ok(forecastLoad(rule(), series(range(60, (i) => (i >= 40 && i < 43 ? null : 100))), after(60), 300)).points).toBe(57);
  });

  it('a value of exactly 1e15 is load, not a broken source', () => {
    expect(ok(forecastLoad(rule(), series(range(60, (i) => (i === 10 ? 1e15 : 100))), after(60), 300)).level).toBe(100);
  });

  it('a bad point blocks exactly while the forecast reads it: 197 periods back for a 5-period horizon', () => {
    // Lookback = max(reach 120, H 5) + headroom window 60 + H 5 + refit 10 + cadence 1 + 1 = 197: 300 - 197 = 103.
    const at = (k: number) => series(range(300, (i) => (i === k ? -1 : 100)));
    expect(reason(forecastLoad(short, at(103), after(300), 300))).toBe('bad history: point at 2026-03-01T01:43:00.000Z has a negative value (-1)');
    expect(ok(forecastLoad(short, at(102), after(300), 300)).points).toBe(60);
  });

  it('for the longest horizon a bad point blocks exactly as far back as anything is kept: 552 periods', () => {
    // H = 240: max(120, 240) + 60 + 240 + 10 + 1 + 1 = 552, the same as what is kept for any horizon: 600 - 552 = 48.
    const at = (k: number) => series(range(600, (i) => (i === k ? -1 : 100)));
    expect(reason(forecastLoad(short, at(48), after(600), 14_400))).toBe('bad history: point at 2026-03-01T00:48:00.000Z has a negative value (-1)');
    expect(ok(forecastLoad(short, at(47), after(600), 14_400)).points).toBe(60);
  });

  it('a later problem is attributed to its own period, not to an earlier one', () => {
    // Bad at 5 (long forgotten) and at 290 (read): the second blocks alone.
    expect(reason(forecastLoad(short, series(range(300, (i) => (i === 5 || i === 290 ? -1 : 100))), after(300), 300))).toBe(
      'bad history: point at 2026-03-01T04:50:00.000Z has a negative value (-1)',
    );
    // A duplicate is attributed to the period of the newest point before it, and forgotten like any other problem.
    const points = flat(300);
    expect(ok(forecastLoad(short, [...points.slice(0, 6), points[5]!, ...points.slice(6)], after(300), 300)).points).toBe(60);
  });
});

describe('gaps in the history', () => {
  // What is kept for any horizon with a 60-minute headroom window: max(120, 240) + 60 + 240 + 10 + 1 + 1 = 552 periods.
  it('a gap of exactly 552 missing periods starts the history afresh', () => {
    const before = flat(100);
    const afterGap = series(
      range(40, () => 300),
      MIN,
      T0 + (100 + 552) * MIN,
    );
    const all = [...before, ...afterGap];
    const warm = new Forecaster(short);
    // Forecasts at 40 and 100 keep peaks for the origins 1..94: after the restart their slots hold other periods.
    warm.forecast(before.slice(0, 40), after(40), 300);
    warm.forecast(before, after(100), 300);
    const f = warm.forecast(all, after(692), 300);
    // Only the 40 new points: flat 300, scored minutes 658..689 of the refit at 690 (32 >= 30 ratios of 1).
    expect(f).toEqual({ ok: true, load: 300, level: 300, headroom: 1, horizonSeconds: 300, points: 40 });
    expectSameAsCold(short, all, after(692), 300, f);
  });

  it('a gap shorter than that is kept as missing periods, across a grown store', () => {
    // Default headroom window (720): nothing restarts below 1212 periods. 100 points, 600 missing, 60 points.
    const points = [
      ...flat(100),
      ...series(
        range(60, () => 100),
        MIN,
        T0 + 700 * MIN,
      ),
    ];
    expect(forecastLoad(rule(), points, after(760), 300)).toMatchObject({ ok: true, level: 100, points: 60 });
    // A missing period just before the 60 read is not counted among them.
    expect(ok(forecastLoad(rule(), series(range(100, (i) => (i === 39 ? null : 100))), after(100), 300)).points).toBe(60);
  });

  it('a restart forgets the smoothed load of the periods before the gap: hourly periods, one season day', () => {
    // 1-hour periods, one season day: 45 periods kept. 40 hours, warm forecasts from hour 30 on (each reads yesterday's
    // smoothed load), 45 hours missing, 40 hours of another load: yesterday's load is read from the new periods.
    const HOUR = 3_600_000;
    const r = rule({ periodSeconds: 3600, seasonDays: 1 });
    const old = series(
      range(40, (m) => 100 + ((m * 37) % 50)),
      HOUR,
    );
    const fresh = series(
      range(40, (m) => 200 + ((m * 13) % 50)),
      HOUR,
      T0 + 125 * HOUR,
    );
    const warm = new Forecaster(r);
    for (let v = 30; v <= 40; v++) warm.forecast(old.slice(0, v), after(v, HOUR), 7200);
    const all = [...old, ...fresh];
    const f = warm.forecast(all, after(165, HOUR), 7200);
    expect(f).toMatchObject({ ok: true, points: 26 });
    expectSameAsCold(r, all, after(165, HOUR), 7200, f);
  });
});

describe('compacting the store (periods no forecast reads again are dropped once the store is 2 x 552 + 4096 periods long)', () => {
  /** The answer from the whole array equals the one from only the lookback, which is too short to be compacted. */
  const sameAsLookback = (r: ReturnType<typeof rule>, points: readonly MetricPoint[], now: number, horizonSeconds: number, f: Forecast): void => {
    const keep = now - forecastLookbackSeconds(r, horizonSeconds) * 1000;
    expect(
      forecastLoad(
        r,
        points.filter((p) => p.at >= keep),
        now,
        horizonSeconds,
      ),
    ).toEqual(f);
  };

  it('keeps every period a 4-hour horizon reads, and the counts of present points, across the drop', () => {
    // Headroom window 120 minutes: 552 + 60 = 612 periods kept; the store is compacted at period 5321. A hole every 101
    // periods; a noisy ramp (the trend reads 60 periods back, kept values and counts moved to the front).
    const r = rule({ headroomWindowMinutes: 120 });
    const wave = series(range(5340, (m) => (m % 101 === 50 ? null : m + ((m * 7919) % 100))));
    const f = ok(forecastLoad(r, wave, after(5340), 14_400));
    expect(f.points).toBe(59);
    sameAsLookback(r, wave, after(5340), 14_400, f);
    // Every 3 hours 20 minutes at about 1000 after 160 idle (50): the plan is an envelope, the 4-hour one reads 4 hours
    // behind each scored forecast; 180-minute headroom window: compacted at 5441, the first forecast after it at 5460.
    const r2 = rule({ headroomWindowMinutes: 180 });
    const bursts = series(range(5460, (m) => (m % 101 === 50 ? null : m % 180 >= 160 ? 1000 + (m % 7) * 10 : 50 + (m % 13))));
    const g = ok(forecastLoad(r2, bursts, after(5460), 14_400));
    expect(g.envelopeMinutes).toBeDefined();
    sameAsLookback(r2, bursts, after(5460), 14_400, g);
  });

  it("forgets the memos of the dropped periods' peaks: a warm instance called hourly", () => {
    // Headroom window 60 minutes: compacted at 5201. The fit at 5400 scores forecasts made at 5335..5394, which a stale
    // memo would take from the periods that shared their slots before the drop.
    const r = rule({ headroomWindowMinutes: 60 });
    const points = series(range(5400, (m) => 1000 + ((m * 7919) % 200)));
    const warm = new Forecaster(r);
    let f: Forecast | undefined;
    const grown: MetricPoint[] = [];
    for (const p of points) {
      grown.push(p);
      if (grown.length >= 1740 && grown.length % 60 === 0) f = warm.forecast(grown, p.at + MIN, 300);
    }
    sameAsLookback(r, points, after(5400), 300, ok(f!));
  });

  it("forgets the memos of the dropped periods' smoothed load: hourly periods, one season day, a warm instance called every 6 hours", () => {
    // 1-hour periods: 45 periods kept, compacted at 4187; yesterday's load at 4260 is read from periods after the drop.
    const HOUR = 3_600_000;
    const r = rule({ periodSeconds: 3600, seasonDays: 1 });
    const points = series(
      range(4260, (m) => 100 + ((m * 37) % 50)),
      HOUR,
    );
    const warm = new Forecaster(r);
    let f: Forecast | undefined;
    const grown: MetricPoint[] = [];
    for (const p of points) {
      grown.push(p);
      if (grown.length % 6 === 0) f = warm.forecast(grown, p.at + HOUR, 7200);
    }
    sameAsLookback(r, points, after(4260, HOUR), 7200, ok(f!));
  });
});

describe('the windows in periods', () => {
  it('forecastLookbackSeconds: each term, and the horizon clamped to [0, 4 hours]', () => {
    // Default rule: reach 120 (the longest envelope), headroom window 720, refit 10, cadence 1; plus H and 3 stale periods.
    // H = 5: 120 + 720 + 5 + 10 + 1 + 1 + 5 + 3 = 865 periods; H = 240: 240 + 720 + 240 + 12 + 240 + 3 = 1455; H = 0: 120 + 720 + 12 + 3 = 855.
    expect(forecastLookbackSeconds(rule(), 300)).toBe(865 * 60);
    expect(forecastLookbackSeconds(rule(), 14_400)).toBe(1455 * 60);
    expect(forecastLookbackSeconds(rule(), 20_000)).toBe(1455 * 60);
    expect(forecastLookbackSeconds(rule(), -60)).toBe(855 * 60);
  });

  it('one season day is read: level 30 + 1440 + half the smoothing 2 + 1 = 1473 periods', () => {
    expect(ok(forecastLoad(rule({ seasonDays: 1 }), flat(1600), after(1600), 300)).points).toBe(1473);
  });

  it('hourly periods: every window is at least one period (the 5-minute smoothing too)', () => {
    // Level, jump, trend and smoothing 1 period, day 24. Yesterday 100 an hour except 400 at hour 3;
    // today hours 24-25 at 50. Anchor: yesterday's hour 1 = 100; horizon 2 hours reads yesterday's
    // hours 2-4: peak 400 x 50 / 100 = 200. Headroom: 12 ratios (< 30), 1.15.
    const HOUR = 3_600_000;
    const values = range(26, (i) => (i >= 24 ? 50 : i === 3 ? 400 : 100));
    const f = ok(forecastLoad(rule({ periodSeconds: 3600, seasonDays: 1 }), series(values, HOUR), after(26, HOUR), 7200));
    expect(f).toMatchObject({ level: 50, headroom: 1.15, points: 26 });
    expect(f.load).toBeCloseTo(230, 9);
  });

  it('the trend is fitted on the present points of its window', () => {
    // The ramp of 10 a minute with minute 20 missing: the slope is still 10: 570 + 10 x 6 = 630.
    expect(peak(forecastLoad(rule(), series(range(60, (i) => (i === 20 ? null : 10 * i))), after(60), 300))).toBeCloseTo(630, 9);
  });

  it('two present points in the trend window make a slope', () => {
    // 400 points of 100, 58 missing, then a ramp of 10 a minute from 0 (60 points), headroomQuantile 1; seasonDays 1 so a
    // forecast reads a day back and the points before the gap count as history (the trend window is 60 minutes long, not
    // cut at the gap). The forecast made two minutes into the ramp: its trend window holds the two ramp points: mean 5 +
    // slope 10 x 6 = 65, actual 5 minutes on 70 (1.077). After it: 3 in: 10 + 60 vs 80 (1.143), 4 in: 15 + 60 vs 90 (1.2),
    // then 10 (i - 3) + 60 vs 10 (i + 5): at most 10 / 8 = 1.25, the headroom.
    const values = [...range(400, () => 100), ...range(58, () => null), ...range(60, (i) => 10 * i)];
    const r = rule({ headroomQuantile: 1, headroomWindowMinutes: 60, seasonDays: 1 });
    expect(ok(forecastLoad(r, series(values), after(518), 300)).headroom).toBe(1.25);
  });

  it('after a gap longer than a forecast reads, the trend waits for 15 minutes of new points, as for a caller keeping only the lookback', () => {
    // 100 points of 100, 400 missing, the same ramp; seasonDays 0: a forecast reads 60 minutes back, so the points before
    // the gap are no history: the forecasts made 2..14 minutes into the ramp have no slope. 2 in: level 5 vs 70 five
    // minutes on: 14, clamped to 3, the headroom (headroomQuantile 1).
    const values = [...range(100, () => 100), ...range(400, () => null), ...range(60, (i) => 10 * i)];
    const r = rule({ headroomQuantile: 1, headroomWindowMinutes: 60 });
    const whole = forecastLoad(r, series(values), after(560), 300);
    expect(ok(whole).headroom).toBe(3);
    const keep = after(560) - forecastLookbackSeconds(r, 300) * 1000;
    expect(
      forecastLoad(
        r,
        series(values).filter((p) => p.at >= keep),
        after(560),
        300,
      ),
    ).toEqual(whole);
  });

  it('a trend window shorter than 15 minutes is used whole: trendMinutes 10 on a ramp', () => {
    // 10 per minute: jump mean of 550..590 = 570, + slope 10 x 6 periods = 630.
    expect(peak(forecastLoad(rule({ trendMinutes: 10 }), series(range(60, (i) => 10 * i)), after(60), 300))).toBeCloseTo(630, 9);
  });
});

describe('level, jump, trend and season', () => {
  const DAY = 1440;
  /** Yesterday from `past(m)` (minute m of the day), today `today` for 60 minutes: data end 1500 (01:00). */
  const days = (past: (m: number) => number | null, today: number): Array<number | null> => [...range(DAY, past), ...range(60, () => today)];
  const oneDay = rule({ seasonDays: 1 });
  const step = (m: number): number => (m < 62 ? 100 : 200);

  it("a missing point in yesterday's smoothing window is left out of the mean, not taken as no data", () => {
    // Yesterday 100 until minute 62, then 200, minute 64 missing: smoothed at 65 (63..67 less 64) = 200, anchor
    // (minutes 30..59) 100: peak 200 x 50 / 100 = 100.
    expect(peak(forecastLoad(oneDay, series(days((m) => (m === 64 ? null : step(m)), 50)), after(1500), 300))).toBeCloseTo(100, 9);
  });

  it("today's level over the days' anchor scales their shape by at most 3", () => {
    // Level 500 / anchor 100 = 5, capped at 3: 200 x 3 = 600 (above the level 500).
    expect(peak(forecastLoad(oneDay, series(days(step, 500)), after(1500), 300))).toBeCloseTo(600, 9);
  });

  it('wakeFromIdle: false still scales the shape of days that were not idle', () => {
    expect(peak(forecastLoad({ ...oneDay, wakeFromIdle: false }, series(days(step, 50)), after(1500), 300))).toBeCloseTo(100, 9);
  });

  it('when the jump equals the level, the anchor is taken over the level window', () => {
    // Yesterday 100, 200 in minutes 50..69. Anchor = mean of smoothed 30..59: 18 x 100 + 120 + 140 + 160 + 180 + 8 x 200 = 4000,
    // / 30; at the horizon 200: 200 x 50 x 30 / 4000 = 75 (over the jump window 55..59 it would be 200 x 50 / 200 = 50).
    expect(peak(forecastLoad(oneDay, series(days((m) => (m >= 50 && m < 70 ? 200 : 100), 50)), after(1500), 300))).toBeCloseTo(75, 9);
  });

  it('past days idle at exactly 5% of the target (30) are taken as they were', () => {
    // Yesterday 30 until minute 62, then 300; today 0: the anchor 30 is idle, so the forecast is yesterday's 300 unscaled.
    expect(peak(forecastLoad(oneDay, series(days((m) => (m < 62 ? 30 : 300), 0)), after(1500), 300))).toBeCloseTo(300, 9);
  });

  it("an idle day's zero in the horizon is a zero, not a gap to fill with its anchor", () => {
    // Yesterday 20 until minute 57, then 0: anchor (25 x 20 + 16 + 12 + 8 + 4 + 0) / 30 = 18 (idle); smoothed 60..65 all 0.
    expect(ok(forecastLoad(oneDay, series(days((m) => (m < 57 ? 20 : 0), 0)), after(1500), 300)).load).toBe(0);
  });

  it('a past day with no data over the level window is left out, the other day still shapes the forecast', () => {
    // Two days of `step`, the first 100 minutes of the second missing (3.4% of the 2913 periods read); today 50.
    // Day 1 back has no anchor; day 2 back: anchor 100, at the horizon 200: 200 x 50 / 100 = 100.
    const values = [...range(DAY, step), ...range(DAY, (m) => (m < 100 ? null : step(m))), ...range(60, () => 50)];
    expect(peak(forecastLoad(rule({ seasonDays: 2 }), series(values), after(2940), 300))).toBeCloseTo(100, 9);
  });

  it('a past day counts once its level window and half the smoothing are behind the data: 1472 periods, not 1471', () => {
    // Yesterday 100 until minute 34, then 200; today 50. At 1472 the anchor (minutes 2..31) is 100 and the horizon reads
    // smoothed 32..37 (up to 200): 100. At 1471 no day is complete: the level 50 (the trend over the last hour falls).
    const values = [...range(DAY, (m) => (m < 34 ? 100 : 200)), ...range(32, () => 50)];
    expect(peak(forecastLoad(oneDay, series(values), after(1472), 300))).toBeCloseTo(100, 9);
    expect(peak(forecastLoad(oneDay, series(values.slice(0, 1471)), after(1471), 300))).toBeCloseTo(50, 9);
  });
});

describe('the headroom', () => {
  it('is learnt from exactly 30 scored forecasts, not 29', () => {
    // 45 flat points, refit at 40. Horizon 9 periods: minutes 10..39 are scored (each against the forecast made
    // 9 minutes before, after the first point): 30 ratios of 1. Horizon 10: 29, so the default 1.15 stands.
    expect(ok(forecastLoad(rule(), flat(45), after(45), 540))).toMatchObject({ load: 100, headroom: 1 });
    expect(ok(forecastLoad(rule(), flat(45), after(45), 600)).headroom).toBe(FORECAST_LIMITS.defaultHeadroom);
  });

  it('headroomQuantile 1 takes the highest ratio', () => {
    // Flat 100 with 150 at minute 50: the forecast made at 45 was 100 (no trend on a flat load), actual 150: 1.5.
    // Every other minute is 100 against a forecast of at least 100.
    expect(ok(forecastLoad(rule({ headroomQuantile: 1 }), series(range(60, (i) => (i === 50 ? 150 : 100))), after(60), 300)).headroom).toBe(1.5);
  });

  it('is clamped at 0.5 below', () => {
    // A spike of 1000 every 5th minute, 10 otherwise: every 5-minute window holds one spike, so the forecast is about
    // 208; the median ratio is 10 / 208, clamped to 0.5 (which covers the 80% of minutes at 10: no envelope).
    const f = ok(forecastLoad(rule({ headroomQuantile: 0.5 }), series(range(60, (i) => (i % 5 === 0 ? 1000 : 10))), after(60), 300));
    expect(f.headroom).toBe(FORECAST_LIMITS.minHeadroom);
    expect(f.envelopeMinutes).toBeUndefined();
  });

  it("a ramp from 0: the first minutes' forecasts (no trend on fewer than 15 points) miss by 5-14x, the headroom is capped at 3", () => {
    // Forecast made at data end o (o points behind it, value 10 i): the mean of the last 5, 10 (o - 3), for o < 15 without
    // the slope; actual 5 minutes on, 10 (o + 5). o = 2: 70 / 5 = 14, o = 3: 8, o = 4: 90 / 15 = 6, o = 5: 5 (o = 1 forecasts
    // 0: not scored). 53 ratios; the 96% quantile is the 51st smallest, the third largest: 6, capped at 3.
    expect(ok(forecastLoad(rule(), series(range(60, (i) => 10 * i)), after(60), 300)).headroom).toBe(FORECAST_LIMITS.maxHeadroom);
  });
});

describe('the plan', () => {
  /** Batches: every hour 40 minutes idle at 50, then 20 minutes at 1000 (minutes 40-59 of each hour). */
  const batches = (minutes: number): number[] => range(minutes, (m) => (m % 60 >= 40 ? 1000 : 50)) as number[];

  it('envelopes are judged once exactly 120 minutes (the longest envelope) are scored', () => {
    // Horizon 9 periods: at data end 130 (refit 130) minutes 10..129 are scored: 120. The forecast's capped headroom
    // misses the onsets, the hour's envelope is the plan. At 129 (refit 120): 110 minutes, the forecast stands.
    expect(ok(forecastLoad(rule(), series(batches(130)), after(130), 540)).envelopeMinutes).toBe(60);
    expect(ok(forecastLoad(rule(), series(batches(129)), after(129), 540)).envelopeMinutes).toBeUndefined();
  });

  it('of the envelopes that cover, the cheapest is the plan', () => {
    // Every 50 minutes 30 idle (50) then 20 at 1200 and 600 in turn. The envelopes of the horizon, 30 and 60 minutes see
    // at most the last burst: before a 1200 burst that is a 600 one, so they need a headroom of 2 or more (5 minutes of
    // every 100 = 5% > 4%). The two hours' always holds a 1200 burst: headroom 1, and 1200 x 1 is the cheapest plan.
    const values = range(400, (m) => (m % 50 >= 30 ? (Math.floor(m / 50) % 2 === 0 ? 1200 : 600) : 50));
    const f = forecastLoad(rule({ headroomWindowMinutes: 240 }), series(values), after(400), 300);
    expect(f).toEqual({ ok: true, load: 1200, level: 600, headroom: 1, horizonSeconds: 300, points: 60, envelopeMinutes: 120 });
  });

  it("the horizon's own envelope is a plan too, first on a tie", () => {
    // Every 40 minutes 35 idle (50) then 5 at 1000; horizon 45 minutes. Any 45 minutes hold a burst: the envelope of the
    // horizon plans 1000 with headroom 1 and covers every minute; 60 and 120 minutes cost the same (ties keep the first),
    // 30 minutes miss the bursts that follow a 35-minute gap, and the forecast made in a gap misses them 20x.
    const values = range(400, (m) => (m % 40 >= 35 ? 1000 : 50));
    expect(ok(forecastLoad(rule({ headroomWindowMinutes: 240 }), series(values), after(400), 2700))).toMatchObject({
      load: 1000,
      headroom: 1,
      envelopeMinutes: 45,
    });
  });

  it('an envelope made at data end o holds the W periods before o: the oldest of them, not o itself', () => {
    // One minute at 1000 every 45 minutes (44 at 50), horizon 45 minutes, headroomQuantile 1. For the burst at m the plan
    // was made at o = m - 45, the previous burst's own period, which that plan had not seen yet; the burst before it is
    // at o - 45, the oldest period of the horizon's envelope: it covers every minute (headroom 1). The 30 minutes before
    // o hold no burst (that envelope misses them 20x); 60 and 120 minutes cost the same as 45: the first, 45, is the plan.
    const values = range(400, (m) => (m % 45 === 44 ? 1000 : 50));
    const f = forecastLoad(rule({ headroomWindowMinutes: 240, headroomQuantile: 1 }), series(values), after(400), 2700);
    expect(f).toEqual({ ok: true, load: 1000, level: 50, headroom: 1, horizonSeconds: 2700, points: 60, envelopeMinutes: 45 });
  });

  it('a season of idle days that only equals the level is not a wake forecast: it is scored', () => {
    // 20 a minute for a day and 160 minutes (idle: under 30): the idle day's load as it was, 20, does not exceed today's
    // level 20, so every forecast is the level's; the 60 scored over the last hour (all made with a season day, from
    // 1472 on) give headroom 1 (wake forecasts would not be scored: the default 1.15).
    expect(ok(forecastLoad(rule({ seasonDays: 1, headroomWindowMinutes: 60 }), flat(1600, 20), after(1600), 300))).toMatchObject({ load: 20, headroom: 1 });
  });

  it("a wake forecast keeps the forecast's own headroom while an envelope is the plan", () => {
    // Yesterday idle (0) but for a burst of 1000 at 03:32-03:50; today batches: each hour 40 minutes at 10, 20 at 1000.
    // At 03:30 today the last 30 minutes were 10 and yesterday's 03:00-03:29 idle: yesterday's load as it was, smoothed
    // over 03:32-03:36 = 1000, is a wake forecast. The plan learnt over the last 240 minutes is the hour's envelope (the
    // forecast misses today's three onsets 100x, its headroom capped at 3 covers 93% of the minutes; the envelope misses
    // only the first onset's 5 minutes), but the wake forecast stands with the forecast's own headroom: 1000 x 3.
    const values = [...range(1440, (m) => (m >= 212 && m <= 230 ? 1000 : 0)), ...range(210, (m) => (m % 60 >= 40 ? 1000 : 10))];
    const f = forecastLoad(rule({ seasonDays: 1, headroomWindowMinutes: 240 }), series(values), after(1650), 300);
    expect(f).toEqual({ ok: true, load: 3000, level: 10, headroom: 3, horizonSeconds: 300, points: 1473 });
  });

  it("wake forecasts are not scored: 09:00 on the office's fourth day, warm minute by minute and cold", () => {
    // Busy 08:00-19:00 (1000), idle (0) otherwise, 3 season days; horizon 11 periods, headroom window 60 minutes.
    // Scored at the refit of 09:00: minutes 08:00-08:59 (actual 1000) against the forecasts made 07:49-08:48. Those
    // made up to 08:00 are wake forecasts (the idle days' load as it was: 600, 800, then 1000), not scored. Of the 48
    // others only the one made at 08:01 fell short: level 200 (the 5-minute mean) x yesterday's 1000 / its anchor over
    // 07:56-08:00 smoothed (0, 0, 200, 400, 600: 240) = 833, ratio 1.2; 08:02 and 08:03 forecast 1000, the rest more.
    // The 96% quantile of 48 ratios is the second largest: 1. (Scoring the wake forecasts too, 1000 / 600 and
    // 1000 / 800 join: 60 ratios, the third largest, 1.2.)
    const DAY = 1440;
    const office = (m: number): number => (m % DAY >= 480 && m % DAY < 1140 ? 1000 : 0);
    const r = rule({ seasonDays: 3, headroomWindowMinutes: 60 });
    const points = series(range(3 * DAY + 540, office));
    const warm = new Forecaster(r);
    for (let v = 3 * DAY + 460; v < 3 * DAY + 540; v++) ok(warm.forecast(points.slice(0, v), after(v), 660));
    const f = warm.forecast(points, after(3 * DAY + 540), 660);
    expect(f).toEqual({ ok: true, load: 1000, level: 1000, headroom: 1, horizonSeconds: 660, points: 4353 });
    expect(forecastLoad(r, points, after(3 * DAY + 540), 660)).toEqual(f);
  });
});

describe('a warm instance whose caller revised the tail', () => {
  it('forgets the problems of the points it read before', () => {
    const points = flat(60);
    const warm = new Forecaster(rule());
    const bad = [...points.slice(0, 59), { at: points[59]!.at, value: -1 }];
    expect(reason(warm.forecast(bad, after(60), 300))).toBe('bad history: point at 2026-03-01T00:59:00.000Z has a negative value (-1)');
    expect(warm.forecast(points, after(60), 300)).toEqual(forecastLoad(rule(), points, after(60), 300));
  });

  it('re-reads an array trimmed at the front and revised at the tail from its new first point (times near the epoch too)', () => {
    // Points at 0..59 minutes after the epoch, then the array from minute 15 with its last point revised: a history of 45
    // periods. Kept from the first read, the first point would make 15 of the 60 periods read missing (25%).
    const points = Array.from({ length: 60 }, (_, i) => ({ at: i * MIN, value: 100 }));
    const warm = new Forecaster(rule());
    warm.forecast(points, 60 * MIN, 300);
    const revised = [...points.slice(15, 59), { at: 59 * MIN, value: 200 }];
    const f = warm.forecast(revised, 60 * MIN, 300);
    expect(f).toMatchObject({ ok: true, points: 45 });
    expect(f).toEqual(forecastLoad(rule(), revised, 60 * MIN, 300));
  });

  it('forgets the problems of the bad points it read before any good one', () => {
    const warm = new Forecaster(rule());
    expect(reason(warm.forecast([{ at: T0, value: -1 }], after(1), 300))).toBe('bad history: point at 2026-03-01T00:00:00.000Z has a negative value (-1)');
    expect(ok(warm.forecast(flat(60), after(60), 300))).toMatchObject({ level: 100, points: 60 });
  });
});

describe('ties and zero windows', () => {
  // Envelopes are judged (n >= 120 scored minutes) and compared: headroomQuantile 1 makes "covers" mean "every ratio within
  // the headroom", the headroom the highest ratio clamped to [0.5, 3]. A plan's cost is ceil(plan / target) summed over the
  // scored minutes, nothing for a plan under 5% of the target.

  it("a wake forecast whose peak the trend only equals at the horizon's end is still a wake forecast: not scored", () => {
    // Day 1: 200 from minute 112 to 199, 0 otherwise; day 2 from midnight (1440) a ramp of 1 a minute from 58: value(i) =
    // i - 1382. Horizon 34 periods, one season day, headroom window 60: the refit at 1600 scores minutes 1540..1599
    // against the forecasts made at 1506..1565. Made at o (its trend window all ramp): level = the jump's mean =
    // value(o - 3) = o - 1385, slope exactly 1, so the trend at the horizon's end (o + 34) is o - 1385 + 35 = o - 1350.
    // Up to o = 1552 yesterday's jump window is idle (anchor at most (40 + 80) / 5 = 24 <= 30): yesterday's smoothed load
    // as it was, 200 from u = 1554 (its minute 114) on, 160 at 1553, 120 at 1552 ... So o = 1520..1549 reach the 200
    // before their trend does (it ends at 170..199): wake forecasts; at o = 1550 the season sets the peak 200 at 1554 and
    // the trend only equals it at 1584: still a wake forecast. o <= 1519 see at most 160 (< 169), o = 1551, 1552 end
    // their trend above 200, later anchors are not idle. 60 - 31 = 29 ratios (< 30): the default 1.15 (30 ratios if the
    // tie went to the trend). At 1600: yesterday's 200 x min(215 / 200, 3) = 215 under the trend's 250: 250 x 1.15.
    const values = range(1600, (i) => (i >= 1440 ? i - 1382 : i >= 112 && i < 200 ? 200 : 0));
    const f = forecastLoad(rule({ seasonDays: 1, headroomWindowMinutes: 60 }), series(values), after(1600), 2040);
    expect(f).toEqual({
      ok: true,
      load: 250 * FORECAST_LIMITS.defaultHeadroom,
      level: 215,
      headroom: FORECAST_LIMITS.defaultHeadroom,
      horizonSeconds: 2040,
      points: 1473,
    });
  });

  it("an envelope window holding no point plans 0: the horizon's envelope misses the minute after a missing one", () => {
    // 100 a minute, 500 at minute 230, minutes 260 and 270 missing; horizon 1 period, headroom window 180, target 1. The
    // refit at 340 scores minutes 160..339 less the two missing: 178. Every plan misses the 500 (made at 229 from 100s:
    // 5, headroom 3): the forecast covers 177. The horizon's envelope (the one period before the origin m - 1, i.e. m - 2)
    // also misses 262 and 272 (its windows 260 and 270 hold no point: plan 0 against 100): 175. The 30, 60 and 120
    // minutes' cover 177 like the forecast but cost more: they plan 500 x 3 for at least 30 minutes after the spike,
    // the forecast at most (180 + a slope under 1) x 3 there, and both plan 100 x 3 elsewhere. The forecast stands.
    // (Read as a stale slot of the empty deque, the first period read, 100, the horizon's envelope would cover 177
    // too, and cost 178 x 300 + 1200 = 54600, less than the forecast's 55635.)
    const values = range(340, (m) => (m === 260 || m === 270 ? null : m === 230 ? 500 : 100));
    const f = forecastLoad(rule({ headroomQuantile: 1, headroomWindowMinutes: 180, target: 1 }), series(values), after(340), 60);
    expect(f).toEqual({ ok: true, load: 300, level: 100, headroom: 3, horizonSeconds: 60, points: 60 });
  });

  it('an envelope of zeros against an actual zero is a ratio 0, covered (not 0/0)', () => {
    // 100 a minute, 500 at minute 250, 0 from 300 to 309; horizon 1 period, headroom window 120, target 1. The refit at
    // 310 scores minutes 190..309 (120). Every plan misses the 500 (5, headroom 3): 119 covered each. The horizon's
    // envelope (value(m - 2)) plans 0 for 302..309, whose actual is 0: ratios 0, covered. Its cost: 111 minutes at 300,
    // 1500 for 252, 0 for 302..309: 34800. The forecast plans at least 300 up to 301 (level >= 100), at least 540 for
    // 252..256 (jump mean 180: 5 x 540 >= 1500 + 4 x 300), 340 for 257..281 (level 113.3) and more than 0 after the
    // drop (level 2000 / 30 and down): more (37916). The envelope is the cheaper of the most covering (30, 60 and 120
    // minutes hold the 500 for 30+ minutes: dearer). At 310 it plans value(309) x 3 = 0.
    // (A ratio 0/0 of NaN or Infinity, not covered: the envelope covers 111 and the forecast stands, 2000 / 30 x 3.)
    const values = range(310, (m) => (m >= 300 ? 0 : m === 250 ? 500 : 100));
    const f = forecastLoad(rule({ headroomQuantile: 1, headroomWindowMinutes: 120, target: 1 }), series(values), after(310), 60);
    expect(f).toEqual({ ok: true, load: 0, level: 2000 / 30, headroom: 3, horizonSeconds: 60, points: 60, envelopeMinutes: 1 });
  });

  /** 300 minutes at `idle`, 1000 at minute 200; horizon 5 periods, headroom window 120 (target 600: idle share 30). */
  const spikeOver = (idle: number): Forecast =>
    forecastLoad(rule({ headroomQuantile: 1, headroomWindowMinutes: 120 }), series(range(300, (m) => (m === 200 ? 1000 : idle))), after(300), 300);
  // The refit at 300 scores minutes 180..299 (120) against the plans made 5 minutes before. Every plan misses minute 200
  // (made at 195 from the idle load: 1000 / idle > 3, headroom 3) and covers the rest: 119 each, none covers. Plans are
  // base x 3. The forecast made at 201..205 has the jump mean (1000 + 4 idle) / 5 and a slope under 2 (about 208 to
  // 218 x 3: 2 instances), at 206..230 the level (1000 + 29 idle) / 30 (>= 34.3 x 3 = 103: 1 instance), from 231 the idle
  // load (the spike in the trend window's first half: no trend). The horizon's envelope plans 1000 x 3 (5 instances)
  // for the origins 201..205 and idle x 3 elsewhere; 30, 60 and 120 minutes hold the 1000 longer.

  it('a plan of exactly 5% of the target costs an instance', () => {
    // Idle 10: 10 x 3 = 30 = 5% of 600 costs 1. Forecast: 115 x 1 + 5 x 2 = 125; the horizon's envelope: 115 x 1 + 5 x 5 =
    // 140: the forecast is the cheaper. (Costing 30 nothing: 35 against 25, the envelope.)
    expect(spikeOver(10)).toEqual({ ok: true, load: 30, level: 10, headroom: 3, horizonSeconds: 300, points: 60 });
  });

  it('of plans that cover the same minutes and none enough, the cheaper; a plan under 5% of the target costs nothing', () => {
    // Idle 1: 1 x 3 = 3 < 30 costs 0. Forecast: 5 x 2 + 25 x 1 = 35; the horizon's envelope: 5 x 5 = 25, cheaper on the
    // tie of 119 covered: the plan (30: 150, 60: 300, 120: 470). (Costing 3 one instance: 125 against 140, the forecast.)
    expect(spikeOver(1)).toEqual({ ok: true, load: 3, level: 1, headroom: 3, horizonSeconds: 300, points: 60, envelopeMinutes: 5 });
  });

  it('a forecast covering exactly headroomQuantile of the minutes stands: the envelopes are not judged', () => {
    // 100 a minute, 150 at 50, 150, 250 and 350; horizon 5 periods, headroom window 120, target 1. The refit at 420
    // scores minutes 300..419: 150 at 350 against the forecast made at 345 from flat 100s (1.5), every other actual 100
    // against a forecast of at least 100. Headroom 1.5 covers 120 = 1 x 120 minutes: the forecast, 100 x 1.5.
    // (Judged, the two hours' envelope, always holding a 150, plans 150 x 1 = 150 every minute; every other plan has
    // headroom 1.5 on a base of at least 100, more after a spike: it would be the plan.)
    const values = range(420, (m) => (m % 100 === 50 ? 150 : 100));
    const f = forecastLoad(rule({ headroomQuantile: 1, headroomWindowMinutes: 120, target: 1 }), series(values), after(420), 300);
    expect(f).toEqual({ ok: true, load: 150, level: 100, headroom: 1.5, horizonSeconds: 300, points: 60 });
  });

  it('an envelope covering exactly headroomQuantile of the minutes covers: a cheaper later one replaces it', () => {
    // The alternating bursts of 'of the envelopes that cover, the cheapest is the plan' with headroomQuantile 1 (every
    // minute). The 60 minutes' envelope holds the 600 burst before each 1200 onset: headroom 2, every minute covered; the
    // two hours' always holds a 1200: headroom 1, every minute covered, and 1200 x 1 (2 instances) is never above the
    // 60 minutes' 600 or 1200 x 2 (2 or 4): the plan. The forecast, the horizon's and the 30 minutes' envelope miss
    // the onsets by more than 3.
    const values = range(400, (m) => (m % 50 >= 30 ? (Math.floor(m / 50) % 2 === 0 ? 1200 : 600) : 50));
    const f = forecastLoad(rule({ headroomQuantile: 1, headroomWindowMinutes: 240 }), series(values), after(400), 300);
    expect(f).toEqual({ ok: true, load: 1200, level: 600, headroom: 1, horizonSeconds: 300, points: 60, envelopeMinutes: 120 });
  });
});
