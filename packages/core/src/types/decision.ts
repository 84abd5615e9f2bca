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

/** What `decide` may consult besides the target state. */
export interface DecisionHistory {
  /** Past replica recommendations, for stabilization windows. */
  recommendations?: ReadonlyArray<{ at: number; replicas: number }>;
}
