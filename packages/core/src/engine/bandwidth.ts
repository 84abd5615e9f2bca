import type { Limits, TargetTrackingRule, ThresholdRule } from '../policy/schema';
import type { Signal } from '../types';
import { later, type Proposal, type Remark } from './proposal';
import { round, thresholdCrossed } from './threshold';

/**
 * Load balancer bandwidth (OCI model deployments), decided by threshold rules with `bandwidth: ±Mbps`
 * and targetTracking rules with `capacity: bandwidth` on a bandwidth utilization metric (percent).
 * The result is an absolute bandwidth within limits.bandwidthMbps; replicas are left alone.
 */
export function bandwidthThresholdProposal(
  name: string,
  rule: ThresholdRule,
  signal: Signal,
  currentMbps: number | undefined,
  limits: Limits,
): Proposal | Remark | undefined {
  if (!thresholdCrossed(rule, signal)) return undefined;
  const v = signal.value;
  const range = limits.bandwidthMbps;
  if (range === undefined) return { rule: name, reason: 'a bandwidth rule needs limits.bandwidthMbps' };
  const from = currentMbps ?? range.min;
  const to = clampMbps(from + rule.bandwidth!, range);
  return {
    rule: name,
    relative: true,
    bandwidthMbps: to,
    why: later(
      () =>
        `${signal.alarmName ?? signal.alarm ?? signal.metric} ${v === undefined ? 'firing' : `at ${round(v)}`}: bandwidth ${rule.bandwidth! > 0 ? '+' : ''}${rule.bandwidth} Mbps`,
    ),
  };
}

export function bandwidthTrackingProposal(
  name: string,
  rule: TargetTrackingRule,
  signal: Signal,
  currentMbps: number | undefined,
  limits: Limits,
): Proposal | Remark | undefined {
  if (signal.metric !== rule.metric || signal.state === 'ok') return undefined;
  const value = signal.value;
  if (value === undefined) return { rule: name, reason: `bandwidth tracking on ${rule.metric} needs a metric value` };
  const range = limits.bandwidthMbps;
  if (range === undefined) return { rule: name, reason: 'a bandwidth rule needs limits.bandwidthMbps' };
  if (currentMbps === undefined) return { rule: name, reason: 'the current load balancer bandwidth is unknown' };
  const ratio = value / rule.target;
  const tolerance = rule.tolerance ?? 0;
  const wantsOut = ratio > 1 + tolerance;
  const wantsIn = !rule.disableScaleIn && value < rule.target * rule.scaleInRatio * (1 - tolerance);
  if (!wantsOut && !wantsIn) return undefined;
  const to = clampMbps(Math.ceil((currentMbps * value) / rule.target), range);
  if (to === currentMbps) return undefined;
  return {
    rule: name,
    relative: false,
    bandwidthMbps: to,
    why: later(() => `${rule.metric} ${round(value)}% vs target ${rule.target}%: bandwidth ${currentMbps} -> ${to} Mbps`),
  };
}

function clampMbps(v: number, range: { min: number; max: number }): number {
  return Math.min(Math.max(Math.round(v), range.min), range.max);
}
