import type { ThresholdRule } from '../policy/schema';
import type { Signal } from '../types';
import { isActive, matchesSignal } from './match';
import { later, type Proposal } from './proposal';

/**
 * Whether a threshold rule acts on this signal, whatever it moves (replicas, size, bandwidth,
 * weight): its alarm or metric matches and is active, and the value is past `above`/`below`. An
 * alarm-identified rule trusts the alarm; a metric-only rule needs the value.
 */
export function thresholdCrossed(rule: ThresholdRule, signal: Signal): boolean {
  if (!matchesSignal(rule, signal) || !isActive(signal)) return false;
  const v = signal.value;
  if (rule.above !== undefined && (v === undefined ? rule.alarm === undefined : !(v > rule.above))) return false;
  if (rule.below !== undefined && (v === undefined ? rule.alarm === undefined : !(v < rule.below))) return false;
  return true;
}

/**
 * Seed-style rule: a named alarm firing (or a metric past a bound) moves
 * replicas by a fixed change, or the size one rung along the ladder.
 */
export function thresholdProposal(name: string, rule: ThresholdRule, signal: Signal, replicas: number): Proposal | undefined {
  if (!thresholdCrossed(rule, signal)) return undefined;
  const size = rule.size;
  if (size !== undefined) {
    return { rule: name, size, relative: true, why: later(() => `${what(signal)}: ${size} size`) };
  }
  const change = rule.change ?? 0;
  return {
    rule: name,
    replicas: replicas + change,
    relative: true,
    why: later(() => `${what(signal)}: ${change > 0 ? '+' : ''}${change} replica${Math.abs(change) === 1 ? '' : 's'}`),
  };
}

function what(signal: Signal): string {
  return `${signal.alarmName ?? signal.alarm ?? signal.metric} ${signal.state === 'firing' ? 'firing' : 'breached'}${signal.value === undefined ? '' : ` (value ${round(signal.value)})`}`;
}

export function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
