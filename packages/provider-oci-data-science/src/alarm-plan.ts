import type { Capacity, Policy, TargetRef } from '@autoscaler/core';
import { buildAlarmQuery } from './alarm-query';
import { isOcid } from './ocid';

/**
 * Which Monitoring alarms a policy needs on one deployment. A threshold rule
 * that names an alarm (by display name), a metric and a bound gets one alarm.
 * Like the seed sample, the scale-in ("low") alarms exist only while there is
 * something to scale in: above `minReplicas` for instance rules, above the
 * smallest rung for shape rules. A rule naming an alarm by OCID points at an
 * alarm the user owns: we leave it alone.
 */
export interface AlarmSpec {
  rule: string;
  displayName: string;
  direction: 'out' | 'in';
  query: string;
  severity: 'CRITICAL' | 'INFO';
  pendingDuration: string;
  repeatNotificationDuration: string;
  body: string;
}

export interface AlarmPlanOptions {
  /** Window of the alarm query. Default 5m (the sample's low alarms). */
  interval?: string;
  scaleOutPendingDuration?: string;
  scaleInPendingDuration?: string;
  /** Re-notify while firing, so a sustained condition keeps stepping (the sample used PT5M). */
  repeatNotificationDuration?: string;
}

export interface AlarmPlan {
  wanted: AlarmSpec[];
  /** Rules that get no alarm, and why. */
  skipped: Array<{ rule: string; reason: string }>;
}

export function planAlarms(target: TargetRef, policy: Policy, capacity: Capacity | undefined, options: AlarmPlanOptions = {}): AlarmPlan {
  const plan: AlarmPlan = { wanted: [], skipped: [] };
  for (const rule of policy.rules) {
    const t = rule.threshold;
    if (!t) continue;
    if (t.alarm === undefined) {
      plan.skipped.push({ rule: rule.name, reason: 'names no alarm: a metric rule is fed by metric samples, not by an alarm' });
      continue;
    }
    if (isOcid('alarm', t.alarm)) {
      plan.skipped.push({ rule: rule.name, reason: 'names an alarm by OCID: that alarm is yours, not managed here' });
      continue;
    }
    if (t.metric === undefined || (t.above === undefined && t.below === undefined)) {
      plan.skipped.push({ rule: rule.name, reason: 'needs metric and above/below to create its alarm' });
      continue;
    }
    const direction: AlarmSpec['direction'] = t.size === 'previous' || (t.change ?? 0) < 0 ? 'in' : 'out';
    if (direction === 'in' && capacity !== undefined && atFloor(policy, capacity, t.size !== undefined)) continue;
    plan.wanted.push({
      rule: rule.name,
      displayName: t.alarm,
      direction,
      query: buildAlarmQuery({
        metric: t.metric,
        resourceId: target.id,
        operator: t.above !== undefined ? '>' : '<',
        threshold: (t.above ?? t.below)!,
        interval: options.interval ?? '5m',
      }),
      severity: direction === 'out' ? 'CRITICAL' : 'INFO',
      pendingDuration: direction === 'out' ? (options.scaleOutPendingDuration ?? 'PT1M') : (options.scaleInPendingDuration ?? 'PT5M'),
      repeatNotificationDuration: options.repeatNotificationDuration ?? 'PT5M',
      body: `autoscaler policy "${policy.name}" rule "${rule.name}": ${t.size ? `${t.size} shape` : `${(t.change ?? 0) > 0 ? '+' : ''}${t.change} instance(s)`}`,
    });
  }
  return plan;
}

/** Nothing left to scale in: at the replica floor, or on the smallest rung of the ladder. */
function atFloor(policy: Policy, capacity: Capacity, vertical: boolean): boolean {
  if (vertical) {
    const ladder = policy.limits.sizes;
    if (!ladder || capacity.size === undefined) return true;
    return ladder.indexOf(capacity.size) <= 0;
  }
  return capacity.replicas <= Math.max(1, policy.limits.minReplicas);
}
