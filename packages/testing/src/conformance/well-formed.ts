import type { Signal, TargetRef, TargetState } from '@autoscaler/core';

const STATUSES = ['ready', 'updating', 'failed', 'missing'];
const SIGNAL_STATES = ['firing', 'ok', 'value'];

type Bag = Record<string, unknown>;
const isObject = (v: unknown): v is Bag => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const show = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

function markProblems(mark: unknown, path: string): string[] {
  if (mark === undefined) return [];
  if (!isObject(mark)) return [`${path} must be an object, got ${show(mark)}`];
  const out: string[] = [];
  if (!isFiniteNumber(mark.at)) out.push(`${path}.at must be epoch milliseconds, got ${show(mark.at)}`);
  for (const k of ['from', 'to'] as const)
    if (mark[k] !== undefined && !isWhole(mark[k])) out.push(`${path}.${k} must be a whole number, got ${show(mark[k])}`);
  return out;
}

/** Everything wrong with what `describe(ref)` returned, one line per problem (empty = well-formed). */
export function targetStateProblems(state: unknown, ref: TargetRef): string[] {
  if (!isObject(state)) return [`describe() must return an object, got ${show(state)}`];
  const out: string[] = [];
  const r = state.ref;
  if (!isObject(r) || r.provider !== ref.provider || r.id !== ref.id) out.push(`ref must echo ${show(ref)}, got ${show(r)}`);
  const c = state.capacity;
  if (!isObject(c)) out.push(`capacity must be an object, got ${show(c)}`);
  else {
    if (!isWhole(c.replicas)) out.push(`capacity.replicas must be a whole number >= 0, got ${show(c.replicas)}`);
    if (c.size !== undefined && !isText(c.size)) out.push(`capacity.size must be a non-empty string, got ${show(c.size)}`);
    if (c.bandwidthMbps !== undefined && !(isFiniteNumber(c.bandwidthMbps) && c.bandwidthMbps > 0))
      out.push(`capacity.bandwidthMbps must be > 0, got ${show(c.bandwidthMbps)}`);
  }
  if (!STATUSES.includes(state.status as string)) out.push(`status must be one of ${STATUSES.join('|')}, got ${show(state.status)}`);
  if (state.reason !== undefined && typeof state.reason !== 'string') out.push(`reason must be a string, got ${show(state.reason)}`);
  if (!isText(state.version)) out.push(`version must be a non-empty string (ETag / resourceVersion), got ${show(state.version)}`);
  if (typeof state.managed !== 'boolean') out.push(`managed must be a boolean, got ${show(state.managed)}`);
  const p = state.persisted;
  if (!isObject(p)) out.push(`persisted must be an object, got ${show(p)}`);
  else {
    if (!Array.isArray(p.dedupeKeys) || !p.dedupeKeys.every((k) => typeof k === 'string'))
      out.push(`persisted.dedupeKeys must be an array of strings, got ${show(p.dedupeKeys)}`);
    if (!Array.isArray(p.recommendations) || !p.recommendations.every((x) => isObject(x) && isFiniteNumber(x.at) && isWhole(x.replicas))) {
      out.push(`persisted.recommendations must be an array of { at, replicas }, got ${show(p.recommendations)}`);
    }
    for (const k of ['lastScaleOut', 'lastScaleIn', 'lastResize'] as const) out.push(...markProblems(p[k], `persisted.${k}`));
  }
  return out;
}

/** Everything wrong with one parsed signal (empty = well-formed). */
export function signalProblems(signal: unknown): string[] {
  if (!isObject(signal)) return [`a signal must be an object, got ${show(signal)}`];
  const s: Bag = signal;
  const out: string[] = [];
  const t = s.target;
  if (!isObject(t) || !isText(t.provider) || !isText(t.id)) out.push(`target must be { provider, id } with non-empty strings, got ${show(t)}`);
  else if (t.region !== undefined && !isText(t.region)) out.push(`target.region must be a non-empty string, got ${show(t.region)}`);
  for (const k of ['source', 'metric', 'dedupeKey'] as const) if (!isText(s[k])) out.push(`${k} must be a non-empty string, got ${show(s[k])}`);
  if (!SIGNAL_STATES.includes(s.state as string)) out.push(`state must be one of ${SIGNAL_STATES.join('|')}, got ${show(s.state)}`);
  for (const k of ['value', 'threshold'] as const) if (s[k] !== undefined && !isFiniteNumber(s[k])) out.push(`${k} must be a finite number, got ${show(s[k])}`);
  if (!isFiniteNumber(s.at) || s.at < 0) out.push(`at must be epoch milliseconds >= 0, got ${show(s.at)}`);
  for (const k of ['alarm', 'alarmName'] as const) if (s[k] !== undefined && typeof s[k] !== 'string') out.push(`${k} must be a string, got ${show(s[k])}`);
  if (s.dimensions !== undefined && !(isObject(s.dimensions) && Object.values(s.dimensions).every((v) => typeof v === 'string'))) {
    out.push(`dimensions must map names to strings, got ${show(s.dimensions)}`);
  }
  return out;
}

/** Type guard over `signalProblems`, for code that goes on to use the signal. */
export function isWellFormedSignal(s: unknown): s is Signal {
  return signalProblems(s).length === 0;
}

/** Type guard over `targetStateProblems`. */
export function isWellFormedTargetState(s: unknown, ref: TargetRef): s is TargetState {
  return targetStateProblems(s, ref).length === 0;
}
