import type { TargetTrackingRule } from '../policy/schema';
import type { Signal } from '../types';
import { later, type Proposal, type Remark } from './proposal';
import { round } from './threshold';

/**
 * Proportional control: desired = ceil(current * metric / target).
 * `aws`: scale out above target(1+tolerance), scale in only below scaleInRatio x target
 * (the 90% scale-in alarm AWS target tracking creates). `hpa`: no change while
 * |ratio - 1| <= tolerance (default 0.1), like the HPA.
 */
export function targetTrackingProposal(name: string, rule: TargetTrackingRule, signal: Signal, replicas: number): Proposal | Remark | undefined {
  if (signal.metric !== rule.metric) return undefined;
  if (signal.state === 'ok') return undefined;
  const value = signal.value;
  if (value === undefined) return { rule: name, reason: `target tracking on ${rule.metric} needs a metric value` };

  if (replicas === 0) {
    // Scale from zero: capacity to bring the per-instance metric to target.
    if (value <= 0) return undefined;
    const desired = rule.statistic === 'total' ? Math.ceil(value / rule.target) : 1;
    return { rule: name, relative: false, replicas: Math.max(1, desired), why: later(() => `${rule.metric} ${round(value)} with 0 replicas: start ${Math.max(1, desired)}`) };
  }
  const perInstance = rule.statistic === 'total' ? value / replicas : value;
  const ratio = perInstance / rule.target;
  const tolerance = rule.tolerance ?? (rule.algorithm === 'hpa' ? 0.1 : 0);
  // Multiply before dividing: ceil(25 * (14 / 50)) is 8 in floating point, ceil(25 * 14 / 50) is the exact 7.
  const desired = rule.statistic === 'total' ? Math.ceil(value / rule.target) : Math.ceil((replicas * value) / rule.target);

  let wants = false;
  if (rule.algorithm === 'hpa') {
    wants = Math.abs(ratio - 1) > tolerance;
  } else if (ratio > 1 + tolerance) {
    wants = true;
  } else if (perInstance < rule.target * rule.scaleInRatio * (1 - tolerance)) {
    wants = true;
  }
  if (!wants) return undefined;
  if (desired < replicas && rule.disableScaleIn) return undefined;
  const p: Proposal = {
    rule: name,
    relative: false,
    replicas: desired,
    why: later(() => `${rule.metric} ${round(perInstance)}/instance vs target ${rule.target} (ratio ${round(ratio)}): ${desired} replicas`),
  };
  const cd = desired > replicas ? rule.scaleOutCooldown : rule.scaleInCooldown;
  if (cd !== undefined) p.cooldownSeconds = cd;
  return p;
}
