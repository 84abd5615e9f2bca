import { AutoscalerError } from '../errors';
import { hpaReplicas } from '../hpa/replica-calculator';
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
export function targetTrackingProposal(
  name: string,
  rule: TargetTrackingRule,
  signal: Signal,
  replicas: number,
  now: number = signal.at,
): Proposal | Remark | undefined {
  if (signal.metric !== rule.metric) return undefined;
  if (signal.state === 'ok') return undefined;
  if (rule.algorithm === 'hpa' && rule.statistic === 'perInstance' && signal.samples !== undefined && replicas > 0)
    return hpaSamplesProposal(name, rule, signal, replicas, now);
  const value = signal.value;
  if (value === undefined) return { rule: name, reason: `target tracking on ${rule.metric} needs a metric value` };

  if (replicas === 0) {
    // Scale from zero: capacity to bring the per-instance metric to target.
    if (value <= 0) return undefined;
    const desired = rule.statistic === 'total' ? Math.ceil(value / rule.target) : 1;
    return {
      rule: name,
      relative: false,
      replicas: Math.max(1, desired),
      why: later(() => `${rule.metric} ${round(value)} with 0 replicas: start ${Math.max(1, desired)}`),
    };
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

/**
 * The HPA's own arithmetic over per-pod samples (upstream replica_calculator): readiness, the CPU
 * initialization period, missing pods counted against the direction of change, the tolerance.
 * A scale-in while any counted pod has no sample is no proposal: missing metrics never scale in.
 */
function hpaSamplesProposal(name: string, rule: TargetTrackingRule, signal: Signal, replicas: number, now: number): Proposal | Remark | undefined {
  const pods = signal.samples!;
  const named = signal.dimensions?.['resource'] ?? rule.metric;
  const resource = named === 'memory' ? 'memory' : named === 'cpu' ? 'cpu' : undefined;
  if (resource === undefined)
    return { rule: name, reason: `HPA arithmetic needs a cpu or memory utilization; ${rule.metric} is neither (set dimensions.resource)` };
  let result: { replicas: number; utilization?: number };
  try {
    result = hpaReplicas({
      currentReplicas: replicas,
      target: { type: 'Utilization', averageUtilization: Math.max(1, Math.round(rule.target)), resource },
      tolerance: rule.tolerance ?? 0.1,
      pods: [...pods],
      now,
    });
  } catch (e) {
    if (e instanceof AutoscalerError) return { rule: name, reason: `HPA arithmetic on ${pods.length} pod samples: ${e.message}` };
    throw e;
  }
  const desired = result.replicas;
  if (desired === replicas) return undefined;
  if (desired < replicas) {
    if (rule.disableScaleIn) return undefined;
    if (pods.some((p) => p.phase === 'Running' && p.deleting !== true && p.usage === undefined))
      return { rule: name, reason: 'a pod has no metrics sample: no scale-in on missing data' };
  }
  const p: Proposal = {
    rule: name,
    relative: false,
    replicas: desired,
    why: later(
      () => `${rule.metric} ${result.utilization ?? '?'}% of requests over ${pods.length} pods vs target ${rule.target}% (HPA arithmetic): ${desired} replicas`,
    ),
  };
  const cd = desired > replicas ? rule.scaleOutCooldown : rule.scaleInCooldown;
  if (cd !== undefined) p.cooldownSeconds = cd;
  return p;
}
