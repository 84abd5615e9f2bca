import type { ThresholdRule } from '../policy/schema';
import type { Signal } from '../types';
import { isActive, matchesSignal } from './match';
import type { Proposal } from './proposal';

/**
 * Seed-style rule: a named alarm firing (or a metric past a bound) moves
 * replicas by a fixed change, or the size one rung along the ladder.
 */
export function thresholdProposal(name: string, rule: ThresholdRule, signal: Signal, replicas: number): Proposal | undefined {
  if (!matchesSignal(rule, signal) || !isActive(signal)) return undefined;
  const v = signal.value;
  if (rule.above !== undefined) {
    // An alarm-identified rule trusts the alarm; a metric-only rule needs the value.
    if (v === undefined ? rule.alarm === undefined : !(v > rule.above)) return undefined;
  }
  if (rule.below !== undefined) {
    if (v === undefined ? rule.alarm === undefined : !(v < rule.below)) return undefined;
  }
  const what = signal.alarmName ?? signal.alarm ?? signal.metric;
  const valueText = v === undefined ? '' : ` (value ${round(v)})`;
  if (rule.size !== undefined) {
    return { rule: name, size: rule.size, relative: true, reason: `${what} ${signal.state === 'firing' ? 'firing' : 'breached'}${valueText}: ${rule.size} size` };
  }
  const change = rule.change ?? 0;
  return {
    rule: name,
    replicas: replicas + change,
    relative: true,
    reason: `${what} ${signal.state === 'firing' ? 'firing' : 'breached'}${valueText}: ${change > 0 ? '+' : ''}${change} replica${Math.abs(change) === 1 ? '' : 's'}`,
  };
}

export function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
