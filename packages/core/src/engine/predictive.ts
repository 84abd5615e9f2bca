import { FORECAST_LIMITS } from '../forecast/forecaster';
import type { PredictiveRule } from '../policy/schema';
import type { Forecast } from '../types';
import { later, type Proposal, type Remark } from './proposal';
import { round } from './threshold';

/** The remark of a predictive rule without a usable forecast: the reactive rules act alone. */
export function forecastUnavailable(reason: string): string {
  return `forecast unavailable (${reason}); reactive rules only`;
}

/**
 * Capacity planned from the forecast: desired = ceil(load / target), absolute like AWS predictive
 * scaling's load-metric/target pair, and 0 for a load under idleShare (5%) of one instance's target
 * (the guard clamps to limits.minReplicas, so only a zero floor sees it). Out as soon as the forecast needs more; in only when the
 * forecast needs less than `scaleInRatio` of the current fleet's capacity (hysteresis) and never
 * with `disableScaleIn`; in between it holds, which vetoes a reactive rule's scale-in. Without a
 * usable forecast it only remarks: missing data never scales in.
 */
export function predictiveProposal(name: string, rule: PredictiveRule, forecast: Forecast | undefined, replicas: number): Proposal | Remark | undefined {
  if (forecast === undefined) return { rule: name, reason: forecastUnavailable('no forecast was made'), fallback: true };
  if (!forecast.ok) return { rule: name, reason: forecastUnavailable(forecast.reason), fallback: true };
  const load = forecast.load;
  // A forecast is outside input to decide (a hand-made history, a caller's bug): check what is used.
  if (typeof load !== 'number' || !Number.isFinite(load) || load < 0)
    return { rule: name, reason: forecastUnavailable(`load ${String(load)} is not a finite number >= 0`), fallback: true };
  // Under FORECAST_LIMITS.idleShare of one instance's load plans none: a stray request does not wake a zero floor.
  const desired = load < FORECAST_LIMITS.idleShare * rule.target ? 0 : Math.ceil(load / rule.target);
  // A recurrence envelope planned instead of the forecast's peak (bursts after idle gaps): say so.
  const plan = (): string =>
    forecast.envelopeMinutes === undefined
      ? `level ${round(forecast.level)}, headroom ${round(forecast.headroom)}`
      : `highest of the last ${round(forecast.envelopeMinutes)} min x headroom ${round(forecast.headroom)}, level ${round(forecast.level)}`;
  const what = (): string => `forecast ${rule.metric} ${round(load)}/period over ${forecast.horizonSeconds}s (${plan()}) vs target ${rule.target}/instance`;
  if (desired > replicas) return { rule: name, relative: false, replicas: desired, why: later(() => `${what()}: ${desired} replicas`) };
  if (desired < replicas && load < rule.scaleInRatio * replicas * rule.target) {
    if (rule.disableScaleIn) return undefined;
    return { rule: name, relative: false, replicas: desired, why: later(() => `${what()}: ${desired} replicas`) };
  }
  return {
    rule: name,
    relative: false,
    replicas,
    why: later(() => `${what()}: holds ${replicas} (scales in below ${round(rule.scaleInRatio * replicas * rule.target)})`),
  };
}
