import { isManagedValue, type ActionMark, type PersistedState, type Recommendation } from '@autoscaler/core';

/** Every annotation the autoscaler reads or writes lives under this prefix. */
export const ANNOTATION = {
  /** Opt-in: a ConfigMap name (`name` or `namespace/name`) or an inline policy (YAML/JSON). */
  policy: 'autoscaler.dev/policy',
  /** Opt-in without a policy of its own (the app's default policy applies). */
  managed: 'autoscaler.dev/managed',
  /** The size ladder: YAML/JSON list of `{ name, requests, limits }`, smallest first. */
  tiers: 'autoscaler.dev/tiers',
  /** Current rung, written on resize. */
  size: 'autoscaler.dev/size',
  /** How a tier change reaches the pods: `template` (default: patch the pod template, the pods roll) or `in-place` (the pods' `resize` subresource). */
  resize: 'autoscaler.dev/resize',
  /** Container the tiers apply to (default: the first one). */
  container: 'autoscaler.dev/container',
  /** Windowed alarms the metrics-server source evaluates (YAML/JSON list). */
  alarms: 'autoscaler.dev/alarms',
  lastScaleOut: 'autoscaler.dev/last-scale-out',
  lastScaleIn: 'autoscaler.dev/last-scale-in',
  lastResize: 'autoscaler.dev/last-resize',
  dedupeKeys: 'autoscaler.dev/dedupe-keys',
  recommendations: 'autoscaler.dev/recommendations',
  /** Failed metric reads in a row (for `policy.fallback`). */
  metricFailures: 'autoscaler.dev/metric-failures',
} as const;

/** Label on ConfigMaps holding policies (lets discovery list them in one call). */
export const POLICY_CONFIGMAP_LABEL = 'autoscaler.dev/policy';

const STATE_KEYS = [
  ANNOTATION.lastScaleOut,
  ANNOTATION.lastScaleIn,
  ANNOTATION.lastResize,
  ANNOTATION.dedupeKeys,
  ANNOTATION.recommendations,
  ANNOTATION.metricFailures,
] as const;

type Annotations = Readonly<Record<string, string>> | undefined;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const wholeOrUndefined = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

function parseMark(text: string | undefined, problems: string[], key: string): ActionMark | undefined {
  if (text === undefined) return undefined;
  const v = parseJson(text) as { at?: unknown; from?: unknown; to?: unknown } | undefined;
  const at = typeof v?.at === 'string' ? Date.parse(v.at) : NaN;
  if (!Number.isFinite(at)) {
    problems.push(`${key}: not {"at": "<RFC 3339>", "from": n, "to": n}; ignored`);
    return undefined;
  }
  const mark: ActionMark = { at };
  const from = wholeOrUndefined(v?.from);
  const to = wholeOrUndefined(v?.to);
  if (from !== undefined) mark.from = from;
  if (to !== undefined) mark.to = to;
  return mark;
}

/**
 * The autoscaler's memory of a workload, read from its annotations. A damaged
 * annotation (hand edits) is ignored and reported, never fatal: refusing to
 * act forever over a cooldown mark would be worse than losing the mark.
 */
export function readPersistedState(annotations: Annotations, problems: string[] = []): PersistedState {
  const a = annotations ?? {};
  const state: PersistedState = { dedupeKeys: [], recommendations: [] };
  const out = parseMark(a[ANNOTATION.lastScaleOut], problems, ANNOTATION.lastScaleOut);
  const inn = parseMark(a[ANNOTATION.lastScaleIn], problems, ANNOTATION.lastScaleIn);
  const resize = parseMark(a[ANNOTATION.lastResize], problems, ANNOTATION.lastResize);
  if (out) state.lastScaleOut = out;
  if (inn) state.lastScaleIn = inn;
  if (resize) state.lastResize = resize;
  const keys = parseJson(a[ANNOTATION.dedupeKeys]);
  if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) state.dedupeKeys = keys;
  else if (a[ANNOTATION.dedupeKeys] !== undefined) problems.push(`${ANNOTATION.dedupeKeys}: not a JSON array of strings; ignored`);
  const recs = parseJson(a[ANNOTATION.recommendations]);
  if (Array.isArray(recs)) {
    const parsed: Recommendation[] = [];
    for (const r of recs as Array<{ at?: unknown; replicas?: unknown }>) {
      const at = typeof r?.at === 'string' ? Date.parse(r.at) : NaN;
      const replicas = wholeOrUndefined(r?.replicas);
      if (Number.isFinite(at) && replicas !== undefined) parsed.push({ at, replicas });
    }
    state.recommendations = parsed;
  } else if (a[ANNOTATION.recommendations] !== undefined) problems.push(`${ANNOTATION.recommendations}: not a JSON array; ignored`);
  const failures = a[ANNOTATION.metricFailures];
  if (failures !== undefined) {
    const n = /^[1-9]\d{0,5}$/.test(failures) ? Number(failures) : undefined;
    if (n !== undefined) state.metricFailures = n;
    else problems.push(`${ANNOTATION.metricFailures}: not a whole number >= 1; ignored`);
  }
  return state;
}

function formatMark(m: ActionMark | undefined): string | null {
  if (!m) return null;
  return JSON.stringify({ at: new Date(m.at).toISOString(), ...(m.from !== undefined ? { from: m.from } : {}), ...(m.to !== undefined ? { to: m.to } : {}) });
}

/** The annotations patch (JSON merge: null removes) that stores `state`. */
export function persistedStatePatch(state: PersistedState): Record<string, string | null> {
  const patch: Record<string, string | null> = {
    [ANNOTATION.lastScaleOut]: formatMark(state.lastScaleOut),
    [ANNOTATION.lastScaleIn]: formatMark(state.lastScaleIn),
    [ANNOTATION.lastResize]: formatMark(state.lastResize),
    [ANNOTATION.dedupeKeys]: state.dedupeKeys.length > 0 ? JSON.stringify(state.dedupeKeys) : null,
    [ANNOTATION.recommendations]:
      state.recommendations.length > 0 ? JSON.stringify(state.recommendations.map((r) => ({ at: new Date(r.at).toISOString(), replicas: r.replicas }))) : null,
    [ANNOTATION.metricFailures]: state.metricFailures !== undefined && state.metricFailures > 0 ? String(state.metricFailures) : null,
  };
  for (const k of STATE_KEYS) if (!(k in patch)) patch[k] = null;
  return patch;
}

/**
 * Opting out opts out: an explicit `autoscaler.dev/managed` decides (core's rule on every cloud:
 * "true" in any case, trimmed; "false", "" or anything else is not managed), even next to a policy
 * annotation. Without it, a non-empty policy annotation opts the workload in.
 */
export function isManaged(annotations: Annotations): boolean {
  const a = annotations ?? {};
  const explicit = a[ANNOTATION.managed];
  if (explicit !== undefined) return isManagedValue(explicit);
  return (a[ANNOTATION.policy] ?? '').trim() !== '';
}
