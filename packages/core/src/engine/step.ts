import type { StepAdjustment, StepRule } from '../policy/schema';
import type { Signal } from '../types';
import { isActive, matchesSignal } from './match';
import { later, type Proposal, type Remark } from './proposal';
import { round } from './threshold';

/**
 * AWS step scaling. Bounds are relative to the alarm threshold. Above the
 * threshold the lower bound is inclusive and the upper exclusive; below it, the
 * lower bound is exclusive and the upper inclusive (Application Auto Scaling
 * docs, "Step adjustments"). Exactly at the threshold the policy's side decides:
 * a scale-in policy (every upper bound <= 0) reads (lower, upper], others [lower, upper).
 */
export function findStep(adjustments: readonly StepAdjustment[], diff: number): StepAdjustment | undefined {
  const below = diff < 0 || (diff === 0 && adjustments.every((a) => a.upper != null && a.upper <= 0));
  for (const a of adjustments) {
    const lo = a.lower ?? -Infinity;
    const hi = a.upper ?? Infinity;
    const inside = below ? lo < diff && diff <= hi : lo <= diff && diff < hi;
    if (inside) return a;
  }
  return undefined;
}

/**
 * PercentChangeInCapacity rounding as AWS documents: values > 1 round down,
 * between 0 and 1 become 1, < -1 round up (toward zero), between -1 and 0
 * become -1. So 0.67 -> 1, 1.67 -> 1, -0.58 -> -1, -1.67 -> -1.
 */
export function roundPercentChange(raw: number): number {
  if (raw === 0) return 0;
  if (raw > 1) return Math.floor(raw);
  if (raw > 0) return 1;
  if (raw < -1) return Math.ceil(raw);
  return -1;
}

/** The new capacity for one step adjustment (before min/max clamping). */
export function applyAdjustment(type: StepRule['adjustmentType'], change: number, current: number, minAdjustmentMagnitude?: number): number {
  switch (type) {
    case 'ExactCapacity':
      return change;
    case 'ChangeInCapacity':
      return current + change;
    case 'PercentChangeInCapacity': {
      let delta = roundPercentChange((current * change) / 100);
      if (minAdjustmentMagnitude !== undefined && delta !== 0 && Math.abs(delta) < minAdjustmentMagnitude) {
        delta = Math.sign(delta) * minAdjustmentMagnitude;
      }
      // AWS applies the magnitude even when rounding gave 0 change on a non-zero percent.
      if (minAdjustmentMagnitude !== undefined && delta === 0 && change !== 0) delta = Math.sign(change) * minAdjustmentMagnitude;
      return current + delta;
    }
  }
}

export function stepProposal(name: string, rule: StepRule, signal: Signal, replicas: number): Proposal | Remark | undefined {
  if (!matchesSignal(rule, signal) || !isActive(signal)) return undefined;
  const threshold = rule.threshold ?? signal.threshold;
  if (signal.value === undefined || threshold === undefined) {
    return {
      rule: name,
      reason: `step rule needs the metric value and the alarm threshold; signal has value=${signal.value ?? 'none'} threshold=${threshold ?? 'none'}`,
    };
  }
  const diff = signal.value - threshold;
  const step = findStep(rule.adjustments, diff);
  if (step === undefined) return { rule: name, reason: `value ${round(signal.value)} (${round(diff)} from threshold ${threshold}) is in no step interval` };
  const to = applyAdjustment(rule.adjustmentType, step.change, replicas, rule.minAdjustmentMagnitude);
  const unit = rule.adjustmentType === 'PercentChangeInCapacity' ? '%' : rule.adjustmentType === 'ExactCapacity' ? ' (exact)' : '';
  const value = signal.value;
  const p: Proposal = {
    rule: name,
    replicas: to,
    relative: rule.adjustmentType !== 'ExactCapacity',
    why: later(
      () =>
        `${signal.metric} ${round(value)} is ${round(diff)} from threshold ${threshold}: step ${step.change > 0 && unit !== ' (exact)' ? '+' : ''}${step.change}${unit}`,
    ),
  };
  if (rule.cooldown !== undefined) p.cooldownSeconds = rule.cooldown;
  return p;
}
