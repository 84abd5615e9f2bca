import fc from 'fast-check';
import { PredictiveRuleSchema } from '../../src/policy/schema';
import type { MetricPoint } from '../../src/types';
import { FORECAST_LIMITS, Forecaster, forecastLoad, forecastLookbackSeconds } from '../../src/forecast/forecaster';
import { after, expectSameAsCold, MIN, ok, range, rule, series, T0 } from './support';

describe('Forecaster: hand-computed series (60 s periods, horizon 300 s = 5 periods)', () => {
  it('flat load: level 100, no trend, headroom 1 once 30 past forecasts are scored -> load 100', () => {
    const f = ok(forecastLoad(rule(), series(range(60, () => 100)), after(60), 300));
    expect(f).toEqual({ ok: true, load: 100, level: 100, headroom: 1, horizonSeconds: 300, points: 60 });
  });

  it('flat load with fewer than 30 scored forecasts keeps the default headroom 1.15', () => {
    // Data end 35, refit grid at 30: ratios for minutes 6..29 only (24 < 30).
    const f = ok(forecastLoad(rule(), series(range(35, () => 100)), after(35), 300));
    expect(f.headroom).toBe(FORECAST_LIMITS.defaultHeadroom);
    expect(f.load).toBeCloseTo(115, 9);
  });

  it('linear ramp: level is the 5-minute mean, the slope (10/min) is extrapolated to the horizon end', () => {
    const f = ok(forecastLoad(rule(), series(range(60, (i) => 10 * i)), after(60), 300));
    // jump mean of 550..590 = 570 > 30-minute mean 445; peak at 6 periods past the newest: 570 + 10 * 6.
    expect(f.level).toBeCloseTo(570, 9);
    expect(f.load / f.headroom).toBeCloseTo(630, 9);
    // A ramp always outruns a forecast made 5 minutes earlier: headroom > 1.
    expect(f.headroom).toBeGreaterThan(1);
  });

  it('a falling trend is not extrapolated: the level stands', () => {
    const f = ok(forecastLoad(rule(), series(range(60, (i) => 1000 - 10 * i)), after(60), 300));
    expect(f.level).toBeCloseTo(555, 9); // mean of the last 30 (700..410) beats the 5-minute mean 430
    expect(f.load / f.headroom).toBeCloseTo(f.level, 9);
  });

  it('a jump: the 5-minute mean overrides the 30-minute level, plus the least-squares slope', () => {
    const f = ok(forecastLoad(rule(), series(range(60, (i) => (i < 55 ? 100 : 300))), after(60), 300));
    // slope = sum (x - 29.5) y / sum (x - 29.5)^2 = 200 * 137.5 / 17995
    const slope = 27_500 / 17_995;
    expect(f.level).toBe(300);
    expect(f.load / f.headroom).toBeCloseTo(300 + 6 * slope, 9);
  });

  it("daily seasonality: yesterday's shape scaled to today's level", () => {
    // Yesterday 100 until minute 62 then 200; today a flat 50 for an hour. Anchor (yesterday's
    // minutes 30..59, smoothed) = 100; yesterday at the horizon's end (minute 65, smoothed over
    // 63..67) = 200: forecast = 50 * 200 / 100 = 100.
    const values = [...range(1440, (i) => (i < 62 ? 100 : 200)), ...range(60, () => 50)];
    const f = ok(forecastLoad(rule({ seasonDays: 1 }), series(values), after(1500), 300));
    expect(f.level).toBe(50);
    expect(f.load / f.headroom).toBeCloseTo(100, 9);
    // Without the season the flat level stands.
    const flat = ok(forecastLoad(rule({ seasonDays: 0 }), series(values), after(1500), 300));
    expect(flat.load / flat.headroom).toBeCloseTo(50, 9);
  });

  it('10 s periods: windows are minutes, load is per 10 s period', () => {
    // value = i per 10 s; jump mean (last 30 periods) 344.5; slope 1/period; horizon 300 s = 30 periods.
    const TEN = 10_000;
    const r = rule({ periodSeconds: 10 });
    const f = ok(
      forecastLoad(
        r,
        series(
          range(360, (i) => i),
          TEN,
        ),
        after(360, TEN),
        300,
      ),
    );
    expect(f.level).toBeCloseTo(344.5, 9);
    expect(f.load / f.headroom).toBeCloseTo(344.5 + 31, 9);
    const flat = ok(
      forecastLoad(
        r,
        series(
          range(360, () => 7),
          TEN,
        ),
        after(360, TEN),
        300,
      ),
    );
    expect(flat).toMatchObject({ load: 7, level: 7, headroom: 1, points: 360 });
  });

  it('headroom learns noise: alternating 50/150 gets the high quantile of actual / forecast', () => {
    const f = ok(forecastLoad(rule(), series(range(200, (i) => (i % 2 === 0 ? 50 : 150))), after(200), 300));
    // Forecasts hover around 100-110 (level of the 5-minute mean), actual peaks at 150.
    expect(f.headroom).toBeGreaterThan(1.3);
    expect(f.headroom).toBeLessThan(1.6);
  });
});

describe('Forecaster: bad history falls back with a reason', () => {
  const good = range(60, () => 100);
  it.each<[string, MetricPoint[], number, RegExp]>([
    ['empty', [], after(60), /no datapoints/],
    ['duplicate', [...series(good), { at: T0 + 59 * MIN, value: 100 }], after(60), /duplicate point at 2026-03-01T00:59:00.000Z/],
    ['out of order', [...series(good.slice(0, 50)), { at: T0 + 10 * MIN, value: 1 }, ...series(good.slice(50), MIN, T0 + 50 * MIN)], after(60), /out of order/],
    ['NaN value', series(good.map((v, i) => (i === 40 ? NaN : v))), after(60), /non-finite value \(NaN\)/],
    ['infinite value', series(good.map((v, i) => (i === 40 ? Infinity : v))), after(60), /non-finite value \(Infinity\)/],
    ['negative value', series(good.map((v, i) => (i === 40 ? -1 : v))), after(60), /negative value \(-1\)/],
    ['absurd value', series(good.map((v, i) => (i === 40 ? 1e300 : v))), after(60), /above 1000000000000000/],
    ['off the grid', [...series(good), { at: T0 + 60 * MIN + 1500, value: 100 }], after(62), /not on the 60 s period grid/],
    ['non-finite time', [...series(good), { at: NaN, value: 1 }], after(60), /a point with time NaN/],
    ['too few points', series(range(29, () => 100)), after(29), /too few points: 29 of the 30 needed/],
    [
      'gap in the level window',
      series(range(60, (i) => (i >= 40 && i < 44 ? null : 100))),
      after(60),
      /gap in the recent level window: 4 of the last 30 periods missing \(at most 3\)/,
    ],
    [
      'too many missing',
      series(range(100, (i) => (i < 70 && i % 2 === 0 ? null : 100))),
      after(100),
      /too many missing periods: 15 of the last 60 \(at most 20%\)/,
    ],
    ['stale', series(good), after(60) + 10 * MIN, /stale data: the newest point ends 600 s before now/],
    ['from the future', series(good), T0 + 58 * MIN, /is after now/],
  ])('%s', (_name, points, now, reason) => {
    const f = forecastLoad(rule(), points, now, 300);
    expect(f.ok).toBe(false);
    if (!f.ok) expect(f.reason).toMatch(reason);
  });

  it('rejects a bad horizon or now', () => {
    expect(forecastLoad(rule(), series(good), after(60), 0)).toMatchObject({ ok: false, reason: /horizonSeconds must be > 0/ });
    expect(forecastLoad(rule(), series(good), after(60), 20_000)).toMatchObject({ ok: false, reason: /<= 14400/ });
    expect(forecastLoad(rule(), series(good), NaN, 300)).toMatchObject({ ok: false, reason: /now must be/ });
  });

  it('data stale by exactly the horizon + 3 periods is still used', () => {
    expect(forecastLoad(rule(), series(good), after(60) + 300_000 + 3 * MIN, 300).ok).toBe(true);
  });

  it('a bad point older than everything the forecast reads no longer blocks it', () => {
    const r = rule();
    const lookbackPeriods = forecastLookbackSeconds(r, 300) / 60;
    const values = range(lookbackPeriods + 10, (i) => (i === 0 ? -5 : 100));
    const f = forecastLoad(r, series(values), after(values.length), 300);
    expect(f.ok).toBe(true);
    const recent = forecastLoad(r, series(values.map((v, i) => (i === values.length - 100 ? -5 : v))), after(values.length), 300);
    expect(recent).toMatchObject({ ok: false, reason: /negative value/ });
  });
});

/** A deterministic noisy daily pattern with a few gaps (a fixed LCG). */
function noisyDays(periods: number, periodSeconds: number): MetricPoint[] {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const perDay = 86_400 / periodSeconds;
  return series(
    range(periods, (i) => {
      if (rnd() < 0.01) return null;
      const day = Math.sin((2 * Math.PI * (i % perDay)) / perDay);
      return Math.round(1000 + 600 * day + 200 * rnd() + (i % 997 === 0 ? 800 : 0));
    }),
    periodSeconds * 1000,
  );
}

describe('Forecaster: a warm instance equals a cold one', () => {
  it.each([60, 10])('%d s periods: every call on a growing array equals a fresh forecaster at checkpoints', (periodSeconds) => {
    const r = rule({ periodSeconds, seasonDays: 2, headroomWindowMinutes: 240 });
    const perMinute = 60 / periodSeconds;
    const all = noisyDays((2 * 1440 + 240) * perMinute, periodSeconds);
    const warm = new Forecaster(r);
    const grown: MetricPoint[] = [];
    let next = 0;
    let compared = 0;
    const startAt = T0 + 2 * 86_400_000;
    for (let now = startAt; now <= T0 + (2 * 1440 + 240) * MIN; now += MIN) {
      while (next < all.length && all[next]!.at + periodSeconds * 1000 <= now - 2 * periodSeconds * 1000) grown.push(all[next++]!);
      const w = warm.forecast(grown, now, 420);
      if ((now - startAt) % (37 * MIN) === 0) {
        expectSameAsCold(r, grown, now, 420, w);
        expect(w.ok).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('over weeks of calls (memory compacted) and with a caller that trims its array at the front, like a cache', () => {
    const r = rule({ headroomWindowMinutes: 60 });
    const all = noisyDays(6000, 60);
    const warm = new Forecaster(r);
    const trimmedWarm = new Forecaster(r);
    let cache: MetricPoint[] = [];
    const keepMs = forecastLookbackSeconds(r, 300) * 1000;
    let compared = 0;
    for (let k = 1; k <= all.length; k++) {
      const now = all[k - 1]!.at + 2 * MIN;
      const grown = all.slice(0, k);
      cache.push(all[k - 1]!);
      // Trim rarely, keeping at least the lookback.
      if (cache[0]!.at < now - 1.5 * keepMs) cache = cache.filter((p) => p.at >= now - keepMs);
      const w = warm.forecast(grown, now, 300);
      const t = trimmedWarm.forecast(cache, now, 300);
      if (k % 450 === 0) {
        expect(w).toEqual(forecastLoad(r, grown, now, 300));
        expect(t).toEqual(w);
        compared++;
      }
    }
    expect(compared).toBe(13);
  });

  it('a gap longer than anything a forecast reads starts the history afresh', () => {
    const r = rule({ headroomWindowMinutes: 60 });
    const before = series(range(200, () => 100));
    const after2 = series(
      range(40, () => 300),
      MIN,
      T0 + 2000 * MIN,
    );
    const warm = new Forecaster(r);
    warm.forecast(before, T0 + 200 * MIN, 300);
    const all = [...before, ...after2];
    const f = warm.forecast(all, T0 + 2040 * MIN, 300);
    expect(f).toEqual(forecastLoad(r, all, T0 + 2040 * MIN, 300));
    expect(f).toMatchObject({ ok: true, level: 300, points: 40 });
  });

  it('a changed past (a revised tail value) is read afresh', () => {
    const r = rule();
    const points = series(range(90, (i) => 100 + i));
    const warm = new Forecaster(r);
    warm.forecast(points, after(90), 300);
    const revised = points.map((p, i) => (i === 89 ? { ...p, value: 5000 } : p));
    expect(warm.forecast(revised, after(90), 300)).toEqual(forecastLoad(r, revised, after(90), 300));
  });

  it('after a gap longer than the lookback (but shorter than a restart), the whole array answers as the lookback does', () => {
    const r = rule({ headroomWindowMinutes: 60 });
    const all = [
      ...series(range(300, () => 100)),
      ...series(
        range(40, () => 100),
        MIN,
        T0 + 600 * MIN,
      ),
    ];
    const now = after(640);
    const keep = now - forecastLookbackSeconds(r, 300) * 1000;
    const trimmed = forecastLoad(
      r,
      all.filter((p) => p.at >= keep),
      now,
      300,
    );
    expect(trimmed).toMatchObject({ ok: true, level: 100, points: 40 });
    expect(forecastLoad(r, all, now, 300)).toEqual(trimmed);
    const warm = new Forecaster(r);
    warm.forecast(all.slice(0, 300), after(300), 300);
    expect(warm.forecast(all, now, 300)).toEqual(trimmed);
  });

  // The trend window and the past days start, for each forecast, at the first point among those it reads (not the
  // first point ever): the lookback alone gives the same answer, values included.
  it('any one long gap (fuzz): a warm instance and the lookback alone each equal the whole array', () => {
    fc.assert(
      fc.property(
        fc.record({
          seasonDays: fc.constantFrom(0, 1),
          before: fc.integer({ min: 0, max: 400 }),
          gap: fc.integer({ min: 1, max: 900 }),
          after: fc.integer({ min: 1, max: 200 }),
          horizonSeconds: fc.integer({ min: 60, max: 3600 }),
          late: fc.integer({ min: 0, max: 5 }),
        }),
        ({ seasonDays, before, gap, after: tail, horizonSeconds, late }) => {
          const r = rule({ seasonDays, headroomWindowMinutes: 60 });
          const lead = seasonDays * 1440;
          const values = noisyDays(lead + before + gap + tail, 60);
          const all = values.filter((p) => {
            const i = (p.at - T0) / MIN;
            return i < lead + before || i >= lead + before + gap;
          });
          const now = T0 + (lead + before + gap + tail + late) * MIN;
          const whole = forecastLoad(r, all, now, horizonSeconds);
          const keep = now - forecastLookbackSeconds(r, horizonSeconds) * 1000;
          const trimmed = forecastLoad(
            r,
            all.filter((p) => p.at >= keep),
            now,
            horizonSeconds,
          );
          expect(trimmed).toEqual(whole);
          const warm = new Forecaster(r);
          warm.forecast(
            all.filter((p) => p.at < T0 + (lead + before) * MIN),
            T0 + (lead + before) * MIN,
            horizonSeconds,
          );
          expect(warm.forecast(all, now, horizonSeconds)).toEqual(whole);
        },
      ),
      {
        numRuns: 60,
        examples: [
          [{ seasonDays: 0, before: 300, gap: 300, after: 40, horizonSeconds: 300, late: 0 }],
          [{ seasonDays: 0, before: 34, gap: 339, after: 38, horizonSeconds: 60, late: 0 }],
        ],
      },
    );
  });

  it('a changed first point (same time, another value) is read afresh, not taken for a trimmed front', () => {
    const r = rule();
    const points = series(range(90, (i) => 100 + i));
    const warm = new Forecaster(r);
    expect(warm.forecast(points, after(90), 300).ok).toBe(true);
    const revised = points.map((p, i) => (i === 0 ? { ...p, value: -5 } : p));
    const fresh = forecastLoad(r, revised, after(90), 300);
    expect(fresh).toMatchObject({ ok: false, reason: /negative value \(-5\)/ });
    expect(warm.forecast(revised, after(90), 300)).toEqual(fresh);
  });

  it('a different horizon on a warm instance equals a fresh one', () => {
    const r = rule({ seasonDays: 1 });
    const points = noisyDays(1440 + 600, 60);
    const warm = new Forecaster(r);
    warm.forecast(points, after(2040), 300);
    expect(warm.forecast(points, after(2040), 900)).toEqual(forecastLoad(r, points, after(2040), 900));
  });
});

describe("Forecaster: the simulator's ForecastSignals arithmetic, restated", () => {
  /**
   * A direct restatement of packages/simulator's former ForecastSignals (prefix sums, no
   * memo) on a complete per-minute series with no publishing delay, the horizon as the lead
   * time and the headroom refitted on the same 10-minute grid. The forecaster must agree to
   * rounding at every minute: it is the same algorithm, made incremental.
   */
  function reference(rows: readonly number[], H: number): number[] {
    const o = { target: 600, seasonDays: 3, levelMinutes: 30, jumpMinutes: 5, trendMinutes: 60, headroomQuantile: 0.96, headroomWindow: 720 };
    const DAY = 1440;
    const prefix = [0];
    for (const r of rows) prefix.push(prefix[prefix.length - 1]! + r);
    const smoothed = (m: number, v: number): number => {
      const lo = Math.max(0, m - 2);
      const hi = Math.min(v, m + 3);
      return hi > lo ? (prefix[hi]! - prefix[lo]!) / (hi - lo) : 0;
    };
    const decided: number[] = [];
    let headroom = 1.15;
    let fitAt = -1;
    const out: number[] = [];
    for (let v = 1; v <= rows.length; v++) {
      const ln = Math.min(o.levelMinutes, v);
      const jn = Math.min(o.jumpMinutes, v);
      const mean = (prefix[v]! - prefix[v - ln]!) / ln;
      const jump = (prefix[v]! - prefix[v - jn]!) / jn;
      const level = Math.max(mean, jump);
      // The anchor is taken over the window the level came from.
      const an = jump > mean ? jn : ln;
      const tn = Math.min(o.trendMinutes, v);
      let slope = 0;
      if (tn >= 15) {
        let sx = 0;
        let sy = 0;
        let sxy = 0;
        let sxx = 0;
        for (let i = 0; i < tn; i++) {
          const y = rows[v - tn + i]!;
          sx += i;
          sy += y;
          sxy += i * y;
          sxx += i * i;
        }
        slope = (tn * sxy - sx * sy) / (tn * sxx - sx * sx);
      }
      const days = Math.min(o.seasonDays, Math.floor((v - 1) / DAY));
      let anchor = 0;
      if (days > 0) {
        for (let d = 1; d <= days; d++) for (let m = v - an; m < v; m++) anchor += smoothed(m - d * DAY, v);
        anchor /= days * an;
      }
      let peak = 0;
      for (let u = v; u <= v + H; u++) {
        let f = level + Math.max(0, slope) * (u - (v - 1));
        if (days > 0) {
          let s = 0;
          for (let d = 1; d <= days; d++) s += smoothed(u - d * DAY, v);
          // Idle past days (mean under 5% of the target over the level window): their load as it was.
          f = Math.max(f, anchor <= 0.05 * o.target ? s / days : (s / days) * Math.min(level / anchor, 3));
        }
        peak = Math.max(peak, f);
      }
      decided[v] = peak;
      const g = Math.floor(v / 10) * 10;
      if (g !== fitAt) {
        fitAt = g;
        const ratios: number[] = [];
        for (let m = Math.max(H + 1, g - o.headroomWindow); m < g; m++) if (decided[m - H]! > 0) ratios.push(rows[m]! / decided[m - H]!);
        ratios.sort((a, b) => a - b);
        if (ratios.length >= 30) headroom = Math.min(3, Math.max(0.5, ratios[Math.min(ratios.length - 1, Math.floor(o.headroomQuantile * ratios.length))]!));
      }
      out.push(peak * headroom);
    }
    return out;
  }

  it('agrees at every minute of the fifth of five noisy days', () => {
    const points = noisyDays(5 * 1440, 60).map((p, i) => ({ at: T0 + i * MIN, value: p.value }));
    const expected = reference(
      points.map((p) => p.value),
      10,
    );
    const f = new Forecaster(PredictiveRuleSchema.parse({ metric: 'requests', target: 600 }));
    const grown: MetricPoint[] = [];
    let compared = 0;
    points.forEach((p, i) => {
      grown.push(p);
      const got = f.forecast(grown, p.at + MIN, 600);
      // The reference counts a season day from its first minute, the forecaster once the day's
      // level window is behind it: the forecasts (and the headroom learnt from them) agree from
      // a full season plus a headroom window on.
      if (i + 1 > 4 * 1440) {
        expect(ok(got).load).toBeCloseTo(expected[i]!, 6);
        compared++;
      }
    });
    expect(compared).toBe(points.length - 4 * 1440);
    expect(compared).toBeGreaterThan(1300);
  });
});

describe('Forecaster: waking from zero (idle past days, idleShare of the target)', () => {
  const DAY = 1440;
  // Three days busy from 08:00 to 19:00 (1000 per minute), idle otherwise; target 600, so idle is under 30.
  const office = (m: number): number => (m % DAY >= 480 && m % DAY < 1140 ? 1000 : 0);
  const wake = rule({ seasonDays: 3, headroomWindowMinutes: 60 });

  it("one horizon before 08:00 on day 4, yesterday's morning is forecast as it was: 1000 smoothed over 5 minutes at 07:58 = 200, x headroom 1.15 = 230", () => {
    // Data end 07:47 of day 4, horizon 11 periods: the forecast reads up to 07:58, whose 5-minute window holds 08:00.
    const v = 3 * DAY + 467;
    const f = ok(forecastLoad(wake, series(range(v, office)), after(v), 660));
    expect(f).toMatchObject({ level: 0, headroom: 1.15, horizonSeconds: 660 });
    expect(f.load).toBeCloseTo(230, 9);
  });

  it('wakeFromIdle: false forecasts nothing out of idle days (the zero floor waits for its reactive rule)', () => {
    const v = 3 * DAY + 467;
    expect(ok(forecastLoad({ ...wake, wakeFromIdle: false }, series(range(v, office)), after(v), 660)).load).toBe(0);
  });

  it('a minute earlier the horizon does not reach the morning yet: load 0', () => {
    const v = 3 * DAY + 466;
    expect(ok(forecastLoad(wake, series(range(v, office)), after(v), 660)).load).toBe(0);
  });

  it('stray requests at night (a few per hour) stay under 5% of one instance: decide keeps a zero floor at zero', () => {
    const stray = (m: number): number => (m % 37 === 0 ? 2 : 0);
    const v = 3 * DAY + 467;
    const f = ok(forecastLoad(wake, series(range(v, stray)), after(v), 660));
    expect(f.load).toBeLessThan(FORECAST_LIMITS.idleShare * wake.target);
  });

  it('once the morning is under way the days are not idle over the level window: the shape is scaled by today over them again', () => {
    // 08:20 of day 4 with no demand today (a holiday): level 0 -> 0, not yesterday's 1000.
    const v = 3 * DAY + 500;
    const quiet = (m: number): number => (m < 3 * DAY ? office(m) : 0);
    expect(ok(forecastLoad(wake, series(range(v, quiet)), after(v), 660)).load).toBe(0);
  });
});
