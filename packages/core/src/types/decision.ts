import type { Capacity } from './target';

export type ScaleAction = 'none' | 'scale' | 'resize';
export type ScaleDirection = 'out' | 'in' | 'up' | 'down';

/** Why a wanted change was held back. */
export type BlockReason = 'cooldown' | 'stabilization' | 'limits' | 'no-signal' | 'no-rule' | 'insufficient-data';

/** What `decide` returns: pure data, audited as-is. */
export interface ScaleDecision {
  action: ScaleAction;
  from: Capacity;
  to: Capacity;
  reason: string;
  /** Name of the rule that drove the decision. */
  rule?: string;
  direction?: ScaleDirection;
  /** Replicas the rules recommended before limits, cooldowns and stabilization. */
  recommendation?: number;
  blockedBy?: BlockReason;
}

/**
 * A predictive rule's view of the future, computed from metric history by core's pure
 * forecaster before `decide` runs (so `decide` stays cheap and pure).
 */
export type Forecast =
  | {
      ok: true;
      /** Load (the rule's metric, per period, whole target) to plan for: the peak over the horizon, headroom included. */
      load: number;
      /** The recent level of the metric (per period), before trend, season and headroom. */
      level: number;
      /** Multiplier learnt from recent forecast errors (actual / forecast at a high quantile). */
      headroom: number;
      horizonSeconds: number;
      /** Datapoints the forecast was made from. */
      points: number;
      /**
       * Set when the plan is a recurrence envelope, not the forecast's peak: load = the highest load of
       * the last this many minutes x headroom (the forecast's capped headroom missed too many recent
       * minutes, as with bursts after idle gaps, and this envelope covered them).
       */
      envelopeMinutes?: number;
    }
  | {
      ok: false;
      /** Why the forecast could not be trusted (gaps, duplicates, too few points, a failed read): the reactive rules act alone. */
      reason: string;
    };

/** What `decide` may consult besides the target state. */
export interface DecisionHistory {
  /** Past replica recommendations, for stabilization windows. */
  recommendations?: ReadonlyArray<{ at: number; replicas: number }>;
  /** Forecasts by predictive rule name. A predictive rule without one makes no proposal. */
  forecasts?: Readonly<Record<string, Forecast>>;
}
