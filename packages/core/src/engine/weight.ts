import type { ThresholdRule } from '../policy/schema';
import type { Signal } from '../types';
import { isActive, matchesSignal } from './match';
import { later, type Proposal, type Remark } from './proposal';
import { round } from './threshold';

/**
 * Traffic weight (a variant of a multi-variant endpoint), set by threshold rules with `weight: N`:
 * an absolute weight, replicas left alone. A target that reports no weight (one variant, or a
 * cloud without traffic weights) gets a remark and no action.
 */
export function weightThresholdProposal(name: string, rule: ThresholdRule, signal: Signal, currentWeight: number | undefined): Proposal | Remark | undefined {
  if (!matchesSignal(rule, signal) || !isActive(signal)) return undefined;
  const v = signal.value;
  if (rule.above !== undefined && (v === undefined ? rule.alarm === undefined : !(v > rule.above))) return undefined;
  if (rule.below !== undefined && (v === undefined ? rule.alarm === undefined : !(v < rule.below))) return undefined;
  if (currentWeight === undefined)
    return { rule: name, reason: 'a weight rule needs a target that reports a traffic weight (a variant of a multi-variant endpoint)' };
  return {
    rule: name,
    relative: false,
    weight: rule.weight!,
    why: later(
      () => `${signal.alarmName ?? signal.alarm ?? signal.metric} ${v === undefined ? 'firing' : `at ${round(v)}`}: weight ${currentWeight} -> ${rule.weight}`,
    ),
  };
}
