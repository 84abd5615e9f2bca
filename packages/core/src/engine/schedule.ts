import type { Rule, ScheduleRule } from '../policy/schema';
import { parseCron, previousFire, timeZoneOffsetMs, type CronSpec } from '../policy/cron';

const cache = new Map<string, CronSpec>();
function cron(expr: string): CronSpec {
  let spec = cache.get(expr);
  if (!spec) {
    spec = parseCron(expr);
    cache.set(expr, spec);
  }
  return spec;
}

/** Whether a schedule window is open at `now`. Window edges are minute-exact in the rule's time zone. */
export function scheduleActive(rule: ScheduleRule, now: number): boolean {
  const wall = now + timeZoneOffsetMs(rule.timezone, now);
  const opened = previousFire(cron(rule.start), wall);
  if (opened === undefined) return false;
  if (rule.durationMinutes !== undefined) return wall < opened + rule.durationMinutes * 60_000;
  const closed = previousFire(cron(rule.end ?? rule.start), wall);
  return closed === undefined || opened > closed;
}

export interface EffectiveBounds {
  min: number;
  max: number;
  /** Names of the schedule rules in force. */
  windows: string[];
}

/** Policy min/max, overridden by open schedule windows (highest floor, highest cap among them). */
export function effectiveBounds(rules: readonly Rule[], limits: { minReplicas: number; maxReplicas: number }, now: number): EffectiveBounds {
  let min = limits.minReplicas;
  let max: number | undefined;
  const windows: string[] = [];
  for (const r of rules) {
    const s = r.schedule;
    if (!s || !scheduleActive(s, now)) continue;
    windows.push(r.name);
    if (s.minReplicas !== undefined) min = Math.max(min, s.minReplicas);
    if (s.maxReplicas !== undefined) max = max === undefined ? s.maxReplicas : Math.max(max, s.maxReplicas);
  }
  const cap = max ?? limits.maxReplicas;
  return { min: Math.min(min, cap), max: cap, windows };
}
