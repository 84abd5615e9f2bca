import type { ThresholdRule } from '../policy/schema';
import type { Signal } from '../types';
import { later, type Proposal, type Remark } from './proposal';
import { round, thresholdCrossed } from './threshold';

/**
 * Traffic weight (a variant of a multi-variant endpoint), set by threshold rules with `weight: N`:
 * an absolute weight, replicas left alone. A target that reports no weight (one variant, or a
 * cloud without traffic weights) gets a remark and no action.
 */
export function weightThresholdProposal(name: string, rule: ThresholdRule, signal: Signal, currentWeight: number | undefined): Proposal | Remark | undefined {
  if (!thresholdCrossed(rule, signal)) return undefined;
  const v = signal.value;
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
