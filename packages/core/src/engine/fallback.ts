import type { Policy } from '../policy/schema';
import type { ScaleDecision, TargetState } from '../types';
import { effectiveBounds } from './schedule';

/**
 * KEDA-style fallback when a target's metrics keep failing (`policy.fallback`): after
 * `failureThreshold` failed reads in a row, move out to `fallback.replicas` (inside the bounds
 * and the max step) or, without it, hold. Missing data never scales in: a decision to scale in
 * is held unless the target is above its cap. Pure: the orchestrator counts the failures.
 */
export function applyMetricsFallback(policy: Policy, state: TargetState, decision: ScaleDecision, failures: number, why: string, now: number): ScaleDecision {
  const fallback = policy.fallback;
  if (fallback === undefined || failures <= 0) return decision;
  if (failures < fallback.failureThreshold) {
    // Counting toward the fallback: say so when this evaluation's read failed.
    return why === ''
      ? decision
      : { ...decision, reason: `${decision.reason}; metrics failed (${why}), ${failures} of ${fallback.failureThreshold} before the fallback` };
  }
  const from = { ...state.capacity };
  const current = from.replicas;
  const bounds = effectiveBounds(policy.rules, policy.limits, now);
  const because = why === '' ? '' : ` (${why})`;
  const prefix = `metrics failed ${failures} time${failures === 1 ? '' : 's'} in a row`;
  if (fallback.replicas !== undefined) {
    let wanted = Math.min(Math.max(fallback.replicas, bounds.min), bounds.max);
    if (policy.limits.maxStep !== undefined && wanted - current > policy.limits.maxStep) wanted = current + policy.limits.maxStep;
    const deciding = decision.action === 'scale' ? decision.to.replicas : current;
    if (wanted > current && wanted > deciding) {
      return {
        action: 'scale',
        from,
        to: { ...from, replicas: wanted },
        direction: 'out',
        rule: 'fallback',
        reason: `${prefix}: fallback to ${wanted} replicas${because}`,
      };
    }
  }
  if (decision.action === 'scale' && decision.direction === 'in' && current <= bounds.max) {
    return {
      action: 'none',
      from,
      to: { ...from },
      rule: 'fallback',
      blockedBy: 'insufficient-data',
      reason: `${prefix}: holding at ${current} replicas, no scale-in on missing data${because}`,
    };
  }
  if (decision.action === 'none') return { ...decision, reason: `${prefix}: holding at ${current} replicas${because}; ${decision.reason}` };
  return { ...decision, reason: `${decision.reason}; ${prefix}${because}` };
}
