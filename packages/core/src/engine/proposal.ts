import type { ScaleDirection } from '../types';

/** What one rule wants, before limits, cooldowns and stabilization. */
export interface Proposal {
  rule: string;
  /** Desired replicas (absolute). */
  replicas?: number;
  /** Desired size (a rung of the ladder). */
  size?: string;
  /** True when `replicas` is relative to current capacity (step/threshold changes), false when absolute (target tracking, ExactCapacity). */
  relative: boolean;
  /** Rule-specific cooldown override, seconds. */
  cooldownSeconds?: number;
  reason: string;
}

/** A rule matched but could not act (e.g. a step rule without a metric value). */
export interface Remark {
  rule: string;
  reason: string;
}

export function directionOf(from: number, to: number): ScaleDirection | undefined {
  if (to > from) return 'out';
  if (to < from) return 'in';
  return undefined;
}
