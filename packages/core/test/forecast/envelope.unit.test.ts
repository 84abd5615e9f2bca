import fc from 'fast-check';
import type { Forecast, MetricPoint } from '../../src/types';
import { FORECAST_LIMITS, Forecaster, forecastLoad, forecastLookbackSeconds } from '../../src/forecast/forecaster';
import { expectSameAsCold, MIN, rule, T0 } from './support';

function series(values: readonly number[], periodMs = MIN): MetricPoint[] {
  return values.map((value, i) => ({ at: T0 + i * periodMs, value }));
}

const after = (n: number, periodMs = MIN): number => T0 + n * periodMs;

function ok(f: Forecast): Extract<Forecast, { ok: true }> {
  if (!f.ok) throw new Error(`expected a forecast, got: ${f.reason}`);
  return f;
}

/** Batches: every hour 40 minutes idle at 50, then 20 minutes at 1000 (minutes 40-59 of each hour). */
const batches = (minutes: number): number[] => Array.from({ length: minutes }, (_, m) => (m % 60 >= 40 ? 1000 : 50));

describe('Forecaster: recurrence envelopes for load that returns in bursts after idle gaps', () => {
  it('FORECAST_LIMITS states the envelopes in minutes', () => {
    expect(FORECAST_LIMITS.envelopeMinutes).toEqual([30, 60, 120]);
  });

  it("at the end of a burst the plan is the last hour's highest load, not the forecast x a capped headroom", () => {
    // Horizon 5 periods. A forecast made in a gap (level 50) misses every onset by 20x, more than
    // the headroom's cap of 3: it covers too few minutes. The envelopes of 5 and 30 minutes miss
    // the onsets after a 40-minute gap too; the hour's envelope (and the 2 hours', which costs the
    // same: the forecast's order breaks the tie) misses only the first burst's first 5 minutes, with
    // headroom 1 (the 96% quantile of actual / 1000 is a burst minute's 1).
    const f = ok(forecastLoad(rule(), series(batches(600)), after(600), 300));
    expect(f).toEqual({ ok: true, load: 1000, level: 1000, headroom: 1, horizonSeconds: 300, points: 60, envelopeMinutes: 60 });
  });

  it('in the gap the burst capacity is held: the forecast of the idle level would plan a twentieth of it', () => {
    // 30 minutes into the gap: level 50 (the last 30 minutes idle), the last burst 30-50 minutes ago.
    const f = ok(forecastLoad(rule(), series(batches(630)), after(630), 300));
    expect(f).toMatchObject({ load: 1000, level: 50, envelopeMinutes: 60 });
  });

  it('until the scored minutes span the longest envelope (120 minutes), the forecast stands', () => {
    // 100 minutes: one burst, 94 scored minutes; the forecast's capped headroom is 3.
    const f = ok(forecastLoad(rule(), series(batches(100)), after(100), 300));
    expect(f.envelopeMinutes).toBeUndefined();
    expect(f.headroom).toBe(FORECAST_LIMITS.maxHeadroom);
    expect(f.load).toBeCloseTo(3 * (f.load / f.headroom), 9);
  });

  it('a load the forecast covers keeps the forecast, even where an envelope would also cover', () => {
    // Alternating 50/150: the headroom (about 1.4) covers the 96% quantile, uncapped.
    const noisy = Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? 50 : 150));
    const f = ok(forecastLoad(rule(), series(noisy), after(600), 300));
    expect(f.envelopeMinutes).toBeUndefined();
    expect(f.headroom).toBeLessThan(FORECAST_LIMITS.maxHeadroom);
    // A diurnal load with a seasonal shape: never an envelope, at any minute of a day.
    const daily = Array.from({ length: 3 * 1440 }, (_, m) => Math.round(1000 + 600 * Math.sin((2 * Math.PI * m) / 1440) + ((m * 7919) % 200)));
    const warm = new Forecaster(rule({ seasonDays: 1 }));
    for (let v = 1500; v <= daily.length; v += 17) expect(ok(warm.forecast(series(daily.slice(0, v)), after(v), 300)).envelopeMinutes).toBeUndefined();
  });

  it('a wake forecast (idle days, load as it was) stays the forecast: no envelope remembers the night', () => {
    // Office hours over 3 days, then the night before day 4; bursts the day before do not matter.
    const DAY = 1440;
    const office = (m: number): number => (m % DAY >= 480 && m % DAY < 1140 ? 1000 : 0);
    const v = 3 * DAY + 467;
    const f = ok(forecastLoad(rule({ seasonDays: 3, headroomWindowMinutes: 60 }), series(Array.from({ length: v }, (_, m) => office(m))), after(v), 660));
    expect(f.envelopeMinutes).toBeUndefined();
    expect(f.load).toBeGreaterThan(0);
  });
});

/**
 * Seeded on/off batches like the simulator's on-off scenario: off 10-60 periods at 5%, on 5-30 at
 * full load, noisy; with `decay`, each burst lower than the last (so the oldest burst an envelope
 * reads is its highest: a history cut short of what the envelopes read changes the plan).
 */
function onOff(periods: number, seed: number, full: number, decay = 0): number[] {
  let s = seed;
  const rnd = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const out: number[] = [];
  while (out.length < periods) {
    const off = 10 + Math.floor(rnd() * 51);
    const on = 5 + Math.floor(rnd() * 26);
    for (let k = 0; k < off; k++) out.push(Math.round(0.05 * full * (0.8 + 0.4 * rnd())));
    const height = full * Math.max(0.05, 1 - (decay * out.length) / periods);
    for (let k = 0; k < on; k++) out.push(Math.round(height * (0.9 + 0.2 * rnd())));
  }
  return out.slice(0, periods);
}

describe('Forecaster with envelopes: a warm instance equals a cold one', () => {
  // Without a season the envelopes read further back than the forecast (120 minutes against its 60): the lookback covers them.
  it.each([
    [60, 0],
    [60, 1],
    [10, 0],
  ])(
    '%d s periods, %d season days, on/off batches: every call warm, cold at checkpoints, and a caller keeping only the lookback',
    (periodSeconds, seasonDays) => {
      const r = rule({ periodSeconds, seasonDays, headroomWindowMinutes: 240 });
      const perMinute = 60 / periodSeconds;
      const minutes = 1440 + 600;
      // The batches in minutes, each minute's load spread over its periods.
      const all = series(
        onOff(minutes, 11, 1000).flatMap((x) => Array.from({ length: perMinute }, () => x / perMinute)),
        periodSeconds * 1000,
      );
      const warm = new Forecaster(r);
      const grown: MetricPoint[] = [];
      let next = 0;
      let compared = 0;
      let enveloped = 0;
      const startAt = T0 + 1440 * MIN;
      for (let now = startAt; now <= T0 + minutes * MIN; now += MIN) {
        while (next < all.length && all[next]!.at + periodSeconds * 1000 <= now - periodSeconds * 1000) grown.push(all[next++]!);
        const w = ok(warm.forecast(grown, now, 420));
        if (w.envelopeMinutes !== undefined) enveloped++;
        if ((now - startAt) % (23 * MIN) === 0) {
          expectSameAsCold(r, grown, now, 420, w);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(20);
      // Not vacuous: the envelope is the plan for most of these minutes.
      expect(enveloped).toBeGreaterThan(300);
    },
  );

  it('any on/off history (fuzz): never a throw, a finite load >= 0, headroom within [0.5, 3], warm = cold = the lookback', () => {
    let enveloped = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(1_000_000),
          // Mostly long enough (and loud enough) for the envelopes to be judged.
          periods: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 300, max: 900 }) }, fc.integer({ min: 30, max: 300 })),
          full: fc.oneof(
            { weight: 4, arbitrary: fc.double({ min: 100, max: 1e6, noNaN: true }) },
            fc.constant(0),
            fc.double({ min: 0, max: 100, noNaN: true }),
          ),
          horizonSeconds: fc.integer({ min: 60, max: 7200 }),
          cut: fc.nat(900),
          quantile: fc.oneof({ weight: 3, arbitrary: fc.double({ min: 0.9, max: 1, noNaN: true }) }, fc.double({ min: 0.5, max: 1, noNaN: true })),
          holes: fc.array(fc.nat(900), { maxLength: 20 }),
          decay: fc.constantFrom(0, 0.5, 0.9),
        }),
        ({ seed, periods, full, horizonSeconds, cut, quantile, holes, decay }) => {
          const r = rule({ headroomQuantile: quantile, headroomWindowMinutes: 240 });
          const gone = new Set(holes);
          const points = series(onOff(periods, seed, full, decay)).filter((_, i) => !gone.has(i));
          const now = after(periods);
          const warm = new Forecaster(r);
          const growing = points.slice(0, Math.min(cut, points.length));
          warm.forecast(growing, now, horizonSeconds);
          growing.push(...points.slice(growing.length));
          const f = warm.forecast(growing, now, horizonSeconds);
          expect(forecastLoad(r, growing, now, horizonSeconds)).toEqual(f);
          const keep = now - forecastLookbackSeconds(r, horizonSeconds) * 1000;
          expect(
            forecastLoad(
              r,
              growing.filter((p) => p.at >= keep),
              now,
              horizonSeconds,
            ),
          ).toEqual(f);
          if (!f.ok) return;
          expect(Number.isFinite(f.load) && f.load >= 0).toBe(true);
          expect(f.headroom).toBeGreaterThanOrEqual(FORECAST_LIMITS.minHeadroom);
          expect(f.headroom).toBeLessThanOrEqual(FORECAST_LIMITS.maxHeadroom);
          if (f.envelopeMinutes === undefined) return;
          enveloped++;
          expect([Math.ceil(horizonSeconds / 60), ...FORECAST_LIMITS.envelopeMinutes]).toContain(f.envelopeMinutes);
        },
      ),
      {
        numRuns: 150,
        // Decaying bursts whose oldest burst only the 2-hour envelope reads: a lookback short of the envelopes changes the plan.
        examples: [[{ seed: 6, periods: 349, full: 1653.1465730512302, horizonSeconds: 60, cut: 0, quantile: 0.99581589958159, holes: [100], decay: 0.5 }]],
      },
    );
    // Not vacuous: about a third of these histories get an envelope.
    expect(enveloped).toBeGreaterThan(10);
  });
});
