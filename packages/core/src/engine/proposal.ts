import type { ScaleDirection } from '../types';

/** What one rule wants, before limits, cooldowns and stabilization. */
export interface Proposal {
  rule: string;
  /** Desired replicas (absolute). */
  replicas?: number;
  /** Desired size (a rung of the ladder). */
  size?: string;
  /** Desired load balancer bandwidth, Mbps (absolute). */
  bandwidthMbps?: number;
  /** Desired traffic weight (absolute). */
  weight?: number;
  /** True when `replicas` is relative to current capacity (step/threshold changes), false when absolute (target tracking, ExactCapacity). */
  relative: boolean;
  /** Rule-specific cooldown override, seconds. */
  cooldownSeconds?: number;
  /** Why, formatted on demand: only the winning proposal's reason is read, and formatting numbers is costly. */
  why: () => string;
}

/** A rule matched but could not act (e.g. a step rule without a metric value). */
export interface Remark {
  rule: string;
  reason: string;
  /** A predictive rule without a usable forecast: named in the decision's reason whoever decides. */
  fallback?: boolean;
}

/**
 * A reason formatter, unchanged. It exists for the call shape: tools that keep function names
 * (tsx, esbuild --keep-names, common in Lambda bundles) wrap every arrow written as a property
 * in a defineProperty call on each evaluation, which halved decide's speed; an arrow passed as
 * an argument gets no inferred name and is left alone.
 */
export function later(format: () => string): () => string {
  return format;
}

export function directionOf(from: number, to: number): ScaleDirection | undefined {
  if (to > from) return 'out';
  if (to < from) return 'in';
  return undefined;
}
