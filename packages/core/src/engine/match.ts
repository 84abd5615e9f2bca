import type { Signal } from '../types';

/** A rule names an alarm (matched by id, then by name) and/or a metric. */
export function matchesSignal(rule: { alarm?: string; metric?: string }, signal: Signal): boolean {
  if (rule.alarm !== undefined) {
    if (signal.alarm !== rule.alarm && signal.alarmName !== rule.alarm) return false;
    return rule.metric === undefined || rule.metric === signal.metric;
  }
  return rule.metric !== undefined && rule.metric === signal.metric;
}

/** The signal says the condition holds: an alarm firing, or a sampled value. */
export function isActive(signal: Signal): boolean {
  return signal.state === 'firing' || signal.state === 'value';
}
