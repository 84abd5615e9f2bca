/**
 * The forecaster's arithmetic (lines 412-817 of forecaster.ts: the period store, the smoothing, the forecast made at an
 * origin, the envelopes and the headroom fit) where a StrykerJS run over the forecast suites left mutants alive. Each
 * test is built to tell one group of those mutants from the original; every expected value is worked out by hand in
 * the comment beside it, from the rule's defaults (60 s periods, levelMinutes 30, jumpMinutes 5, trendMinutes 60,
 * headroomQuantile 0.96, target 600) unless the test says otherwise. The mutants no input can tell apart are listed,
 * each with its reason, in the mutation notes (fc-equiv-B.json), not here.
 */
import { Forecaster, forecastLoad } from '../../src/forecast/forecaster';
import { after, MIN, ok, range, rule, series, T0 } from './support';

describe('the period store', () => {
  it('a gap longer than the compaction threshold (2 x 552 + 4096 periods) restarts the store: the old points are not counted', () => {
    // headroomWindowMinutes 60: the store's cap is max(reach 120, 4 h 240) + 60 + 240 + 10 + 1 + 1 = 552 periods. 60
    // minutes at 100, then 6000 minutes without a point (more than 552: a restart; more than 5200 past the store's first
    // period: it would be compacted if it grew across the gap), then 60 more. The forecast reads the 60 new points only:
    // level 100; the refit at 6120 scores the minutes 6066..6119 (the origin m - 5 after the new first point 6060): 54
    // ratios of 100 / 100, headroom 1.
    const r = rule({ headroomWindowMinutes: 60 });
    const points = [
      ...series(range(60, () => 100)),
      ...series(
        range(60, () => 100),
        MIN,
        T0 + 6060 * MIN,
      ),
    ];
    const expected = { ok: true, load: 100, level: 100, headroom: 1, horizonSeconds: 300, points: 60 };
    expect(forecastLoad(r, points, after(6120), 300)).toEqual(expected);
    const warm = new Forecaster(r);
    warm.forecast(points.slice(0, 60), after(60), 300);
    expect(warm.forecast(points, after(6120), 300)).toEqual(expected);
  });
});

describe('the smoothing at the store’s first periods', () => {
  it('a past day’s anchor over a jump window that starts before the history: windows clipped at the first point', () => {
    // One season day, levelMinutes 5, jumpMinutes 10, headroom window 60. Day 1: 0 at minute 0, 300 up to 1439; today
    // 100 from 1440 to 1446; forecast at 1447, horizon 5 periods. Level: the last 5 (100) under the last 10 (3 x 300 +
    // 7 x 100) / 10 = 160: the jump sets it and the anchor is taken over the jump window 1437..1446, i.e. yesterday's
    // smoothed load at -3..6 (days = floor((1447 - 5 - 2 - 0) / 1440) = 1). Smoothing over 5 minutes (k - 2..k + 2),
    // present points only: -3, -2, -1 have none (before the first period: not counted), 0 -> (0 + 300 + 300) / 3 = 200,
    // 1 -> (0 + 3 x 300) / 4 = 225, 2 -> (0 + 4 x 300) / 5 = 240, 3..6 -> 300: anchor (200 + 225 + 240 + 4 x 300) / 7 =
    // 1865 / 7. Season at 1447..1452: yesterday's 300 (minutes 7..12, all 300 around) x 160 / (1865 / 7) = 336000 / 1865
    // (180.16) above the level (the trend over 1387..1446 falls: none). The refit at 1440 scores minutes 1380..1439:
    // 300 against forecasts of 300 (no past day before 1447), headroom 1.
    // (The smoothing of minute 0 dropped: anchor 1665 / 6, load 172.97; windows reading before the first period as
    // points: minutes 0 and 1 not smoothable, anchor 288, load 166.67.)
    const r = rule({ seasonDays: 1, levelMinutes: 5, jumpMinutes: 10, headroomWindowMinutes: 60 });
    const values = range(1447, (i) => (i === 0 ? 0 : i < 1440 ? 300 : 100));
    const f = forecastLoad(r, series(values), after(1447), 300);
    expect(f).toMatchObject({ ok: true, level: 160, headroom: 1, points: 1447 });
    expect(f.ok && f.load).toBeCloseTo(336000 / 1865, 9);
  });
});

describe('the envelopes’ sliding maximum', () => {
  it('a strictly falling load fills the deque without a pop: the one-period envelope still sees its last period', () => {
    // 10000 - 10 m a minute up to 298, 100000 at 299; horizon 1 period, headroomQuantile 1, headroom window 120,
    // target 100000 (idle share 5000). The refit at 300 scores minutes 180..299 (120, the longest envelope's span):
    // every plan's ratio is under 1 (the load falls) but at 299, where 100000 is over 3 x any base (at most 10000):
    // every headroom is 3 and every plan covers 119 of 120, none covers. Every plan is between 21060 (7020 x 3) and
    // 30000: one instance a minute, 120 each: a full tie, the forecast stands. The one-period envelope's deque holds
    // all 120 falling values (none is popped): a deque one slot short loses the newest, the plan for minute 299 is
    // then not a number, costs nothing, and that envelope (100000 x 3) wins on cost.
    // The forecast at 300: level = the jump's (7050 + 7040 + 7030 + 7020 + 100000) / 5 = 25628; the trend over
    // 240..299 is -10 plus the spike's 92990 x (59 - 29.5) / 17995 (the sum of squares of 60 centred positions), at
    // u = 301 two periods ahead; x 3.
    const r = rule({ headroomQuantile: 1, headroomWindowMinutes: 120, target: 100_000 });
    const values = range(300, (m) => (m === 299 ? 100_000 : 10_000 - 10 * m));
    const f = ok(forecastLoad(r, series(values), after(300), 60));
    expect(f).toMatchObject({ level: 25628, headroom: 3, points: 60 });
    expect(f).not.toHaveProperty('envelopeMinutes');
    expect(f.load).toBeCloseTo(3 * (25628 + 2 * ((92990 * 29.5) / 17995 - 10)), 6);
  });
});

describe('the forecast made at an origin', () => {
  it('a past day with no point around the forecast minute stands in with its anchor (the mean of its smoothed window)', () => {
    // Two season days, defaults otherwise; forecast at 2940 (today 2880..2939, all 100), horizon 5 periods. Two days
    // ago (minutes 0..1439) 100 with minutes 60..69 missing; yesterday (1440..2879) 100 with 300 at 1502..1510. Level
    // 100 (flat: no trend). Both days' anchors over the level window (their minutes 30..59: 100 around each) are 100,
    // each the mean of 30 smoothed values: anchor 100, scale 100 / 100 = 1. At u = 2945 yesterday's smoothed load at
    // 1505 (1503..1507) is 300 and two days ago's at 65 (63..67) has no point: its anchor 100 stands in: (300 + 100) / 2
    // = 200, the peak. The headroom: the 720 scored minutes all 100 against forecasts of 100 (120 at most, where
    // yesterday's 300 enters a smoothing window): the 0.96 quantile is 1.
    // (The anchor as sum x count: (300 + 3000 x 30) / 2 = 45150; the missing day's NONE (-1) added as load: 149.5.)
    const values = range(2940, (m) => (m >= 60 && m < 70 ? null : m >= 1502 && m <= 1510 ? 300 : 100));
    expect(forecastLoad(rule({ seasonDays: 2 }), series(values), after(2940), 300)).toEqual({
      ok: true,
      load: 200,
      level: 100,
      headroom: 1,
      horizonSeconds: 300,
      points: 2903,
    });
  });

  it('a forecast of 0 is not a wake forecast: the envelope plan applies to it', () => {
    // The alternating bursts of 'an envelope covering exactly headroomQuantile of the minutes' with 0 between them:
    // 1200 at minutes 30..49 of even hundreds (0..99, 200..299, ..), 600 of odd ones, 0 otherwise; headroomQuantile
    // 1, headroom window 240. At 380 the last 30 minutes (350..379) are 0: level 0, no trend, peak 0 (no u sets a peak,
    // so none is a wake peak). The two hours' envelope always holds a 1200 (it covers every minute with headroom 1)
    // and is the plan: the highest load of 260..379, 1200 (330..349), x 1.
    // (A forecast no u raised taken as a wake forecast: its own 0 x its headroom 3, no envelope.)
    const values = range(380, (m) => (m % 50 >= 30 ? (Math.floor(m / 50) % 2 === 0 ? 1200 : 600) : 0));
    expect(forecastLoad(rule({ headroomQuantile: 1, headroomWindowMinutes: 240 }), series(values), after(380), 300)).toEqual({
      ok: true,
      load: 1200,
      level: 0,
      headroom: 1,
      horizonSeconds: 300,
      points: 60,
      envelopeMinutes: 120,
    });
  });
});

describe("the envelopes' sliding maximum across missing periods", () => {
  // Every 40 minutes 35 at 50 then 5 at 1000 (horizon 5 minutes, headroomWindowMinutes 240): any 60 minutes hold a
  // burst, so the hour's envelope plans 1000 with headroom 1 and covers every scored minute (the forecast and the shorter
  // envelopes miss the onsets). A stretch of missing periods inside the scored window must not change that.
  const bursts = (gapAt: number, gapLength: number): Array<number | null> =>
    range(420, (m) => (m >= gapAt && m < gapAt + gapLength ? null : m % 40 >= 35 ? 1000 : 50));
  const hour = { ok: true, load: 1000, headroom: 1, horizonSeconds: 300, points: 60, envelopeMinutes: 60 };

  it('a missing period is skipped, not kept in the window: the maximum after it still counts', () => {
    // 10 minutes missing from minute 250 (a burst among them). A missing period kept in the deque would stand before the
    // maxima that follow it and, once the burst before it left the window, be read as the plan (no number): those minutes
    // would go uncovered and the hour's envelope would need the capped headroom 3.
    expect(forecastLoad(rule({ headroomWindowMinutes: 240 }), series(bursts(250, 10)), after(420), 300)).toMatchObject(hour);
  });

  it('a gap longer than an envelope empties its window; the next point starts it again', () => {
    // 31 minutes missing from minute 250: the 30 minutes' envelope holds nothing for a while. The first point after
    // the gap must be pushed into the emptied window as its only (and largest) value.
    expect(forecastLoad(rule({ headroomWindowMinutes: 240 }), series(bursts(250, 31)), after(420), 300)).toMatchObject(hour);
  });

  it("an emptied window keeps the first point pushed after it: the horizon's envelope across a gap", () => {
    // One minute at 1000 every 20 (19 at 50), horizon 20 minutes: any 20 minutes hold a burst, so the horizon's own
    // envelope plans 1000 with headroom 1 (the first of the covering envelopes that cost the same). 21 minutes missing
    // before the burst at 299: at the first origin after the gap the horizon's window holds nothing, and the burst at 299
    // is then the first point pushed into it. Lost (the window's head run past its tail while it was empty), the plans
    // of the next 20 origins would be 50 against the next burst's 1000, and the 30 minutes' envelope would be the plan.
    const values = range(440, (m) => (m >= 278 && m < 299 ? null : m % 20 === 19 ? 1000 : 50));
    expect(forecastLoad(rule({ headroomWindowMinutes: 240 }), series(values), after(440), 1200)).toMatchObject({
      ok: true,
      load: 1000,
      headroom: 1,
      envelopeMinutes: 20,
    });
  });

  it('the minutes a plan covers are counted over the scored minutes only: one missing minute is not a covered one', () => {
    // 100 a minute, 1000 at minutes 400 and 500, minute 450 missing; headroomWindowMinutes 180, headroomQuantile 1: 179
    // minutes scored (420..599 less 450). The forecast misses the spike at 500 10x: its headroom capped at 3 covers 178,
    // one short. The two hours' envelope made 5 minutes before 500 still holds the spike at 400: 1000, headroom 1, every
    // minute covered: the plan, 1000. (Counted over 180 slots, the unscored one would make the forecast cover: 300.)
    const values = range(600, (m) => (m === 450 ? null : m === 400 || m === 500 ? 1000 : 100));
    expect(forecastLoad(rule({ headroomWindowMinutes: 180, headroomQuantile: 1 }), series(values), after(600), 300)).toEqual({
      ok: true,
      load: 1000,
      level: 100,
      headroom: 1,
      horizonSeconds: 300,
      points: 60,
      envelopeMinutes: 120,
    });
  });
});
