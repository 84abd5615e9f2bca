import { emptyPersistedState, validatePolicy } from '../../src/index';
import type { ActionMark, Capacity, PersistedState, Policy, Signal, TargetState } from '../../src/index';

/** Shared by decide's table tests and its mutation tests: one target, a fixed now, no cooldowns unless set. */
export const NOW = Date.parse('2026-03-10T12:00:00Z');
export const S = 1000;
export const REF = { provider: 'memory', id: 't' };

/** A policy with no cooldowns unless the test sets them, so each section tests one thing. */
export function policy(rules: unknown[], limits: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Policy {
  return validatePolicy({
    name: 'p',
    limits: { minReplicas: 1, maxReplicas: 10, cooldown: { scaleOut: 0, scaleIn: 0 }, ...limits },
    rules,
    ...extra,
  });
}

export function state(capacity: Capacity | number, persisted: Partial<PersistedState> = {}): TargetState {
  return {
    ref: REF,
    capacity: typeof capacity === 'number' ? { replicas: capacity } : capacity,
    status: 'ready',
    managed: true,
    persisted: { ...emptyPersistedState(), ...persisted },
  };
}

export const alarm = (name: string, extra: Partial<Signal> = {}): Signal => ({
  target: REF,
  source: 'test',
  metric: 'CpuUtilization',
  alarm: name,
  state: 'firing',
  dedupeKey: `${name}-1`,
  at: NOW,
  ...extra,
});

export const sample = (metric: string, value: number, extra: Partial<Signal> = {}): Signal => ({
  target: REF,
  source: 'test',
  metric,
  state: 'value',
  value,
  dedupeKey: `${metric}-${value}`,
  at: NOW,
  ...extra,
});

export const mark = (secondsAgo: number, from?: number, to?: number): ActionMark => ({
  at: NOW - secondsAgo * S,
  ...(from === undefined ? {} : { from }),
  ...(to === undefined ? {} : { to }),
});
