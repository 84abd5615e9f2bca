import { PredictiveRuleSchema, type PredictiveRule } from '../../src/policy/schema';
import type { Forecast, MetricPoint } from '../../src/types';
import { Forecaster, forecastLoad, forecastLookbackSeconds } from '../../src/forecast/forecaster';

export const MIN = 60_000;
/** Midnight UTC: period indices of whole minutes from here are multiples of the refit grid. */
export const T0 = Date.parse('2026-03-01T00:00:00Z');

export function rule(extra: Partial<PredictiveRule> = {}): PredictiveRule {
  return PredictiveRuleSchema.parse({ metric: 'requests', target: 600, seasonDays: 0, ...extra });
}

/** A warm forecaster's answer equals a fresh one's, and a caller keeping only the lookback gets it too. */
export function expectSameAsCold(r: PredictiveRule, grown: readonly MetricPoint[], now: number, horizonSeconds: number, warm: Forecast): void {
  expect(warm).toEqual(new Forecaster(r).forecast(grown, now, horizonSeconds));
  const keep = now - forecastLookbackSeconds(r, horizonSeconds) * 1000;
  expect(
    forecastLoad(
      r,
      grown.filter((p) => p.at >= keep),
      now,
      horizonSeconds,
    ),
  ).toEqual(warm);
}

/** Points one period apart from `start`; `null` leaves a period missing. */
export function series(values: ReadonlyArray<number | null>, periodMs = MIN, start = T0): MetricPoint[] {
  const out: MetricPoint[] = [];
  values.forEach((value, i) => {
    if (value !== null) out.push({ at: start + i * periodMs, value });
  });
  return out;
}

export const range = (n: number, f: (i: number) => number | null): Array<number | null> => Array.from({ length: n }, (_, i) => f(i));

/** `now` just after the newest period of an n-period series closed. */
export const after = (n: number, periodMs = MIN): number => T0 + n * periodMs;

/** The forecast, or a thrown reason when there is none. */
export function ok(f: Forecast): Extract<Forecast, { ok: true }> {
  if (!f.ok) throw new Error(`expected a forecast, got: ${f.reason}`);
  return f;
}
