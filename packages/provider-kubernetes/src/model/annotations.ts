import {
  decodePersistedState,
  isManagedValue,
  stateMergePatch,
  type ActionMark,
  type PersistedState,
  type Recommendation,
  type StateCodecOptions,
} from '@autoscaler/core';

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
} as const;

/** Label on ConfigMaps holding policies (lets discovery list them in one call). */
export const POLICY_CONFIGMAP_LABEL = 'autoscaler.dev/policy';

/**
 * The autoscaler's memory of a workload (annotations, or the same pairs in a ConfigMap entry):
 * core's persisted-state codec under `autoscaler.dev/state-` (`state-out`, `state-dedupe`, ...).
 * Annotation values have no length limit of their own (256 KiB for all of them together), so
 * the limits only keep the memory small.
 */
export const STATE_CODEC: StateCodecOptions = { prefix: 'autoscaler.dev/state-', valueChars: /[\s\S]/u, maxValueLength: 4096, maxKeys: 8 };

/** The annotations the previous version wrote its memory to (JSON, RFC 3339 times): read while present, removed at the next write. */
export const LEGACY_STATE_ANNOTATION = {
  lastScaleOut: 'autoscaler.dev/last-scale-out',
  lastScaleIn: 'autoscaler.dev/last-scale-in',
  lastResize: 'autoscaler.dev/last-resize',
  dedupeKeys: 'autoscaler.dev/dedupe-keys',
  recommendations: 'autoscaler.dev/recommendations',
  metricFailures: 'autoscaler.dev/metric-failures',
} as const;

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

/** The memory as the previous version wrote it. */
function readLegacyState(a: Readonly<Record<string, string>>, problems: string[]): PersistedState {
  const L = LEGACY_STATE_ANNOTATION;
  const state: PersistedState = { dedupeKeys: [], recommendations: [] };
  for (const field of ['lastScaleOut', 'lastScaleIn', 'lastResize'] as const) {
    const mark = parseMark(a[L[field]], problems, L[field]);
    if (mark) state[field] = mark;
  }
  const keys = parseJson(a[L.dedupeKeys]);
  if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) state.dedupeKeys = keys;
  else if (a[L.dedupeKeys] !== undefined) problems.push(`${L.dedupeKeys}: not a JSON array of strings; ignored`);
  const recs = parseJson(a[L.recommendations]);
  if (Array.isArray(recs)) {
    const parsed: Recommendation[] = [];
    for (const r of recs as Array<{ at?: unknown; replicas?: unknown }>) {
      const at = typeof r?.at === 'string' ? Date.parse(r.at) : NaN;
      const replicas = wholeOrUndefined(r?.replicas);
      if (Number.isFinite(at) && replicas !== undefined) parsed.push({ at, replicas });
    }
    state.recommendations = parsed;
  } else if (a[L.recommendations] !== undefined) problems.push(`${L.recommendations}: not a JSON array; ignored`);
  const failures = a[L.metricFailures];
  if (failures !== undefined) {
    const n = /^[1-9]\d{0,5}$/.test(failures) ? Number(failures) : undefined;
    if (n !== undefined) state.metricFailures = n;
    else problems.push(`${L.metricFailures}: not a whole number >= 1; ignored`);
  }
  return state;
}

/**
 * The autoscaler's memory of a workload, read from its annotations (or ConfigMap entry). A
 * damaged annotation (hand edits) is ignored and reported, never fatal: refusing to act forever
 * over a cooldown mark would be worse than losing the mark. Pairs the previous version wrote
 * are read as they are until the next write replaces them.
 */
export function readPersistedState(annotations: Annotations, problems: string[] = []): PersistedState {
  const a = annotations ?? {};
  if (Object.values(LEGACY_STATE_ANNOTATION).some((k) => a[k] !== undefined)) return readLegacyState(a, problems);
  return decodePersistedState(a, STATE_CODEC, problems);
}

/** The annotations patch (JSON merge: null removes) that stores `state`, and removes what the previous version wrote. */
export function persistedStatePatch(state: PersistedState): Record<string, string | null> {
  return { ...Object.fromEntries(Object.values(LEGACY_STATE_ANNOTATION).map((k) => [k, null])), ...stateMergePatch(state, STATE_CODEC) };
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
