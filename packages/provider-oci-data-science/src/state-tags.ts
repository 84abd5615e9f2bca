import {
  decodePersistedState,
  emptyPersistedState,
  encodePersistedState,
  isManagedValue,
  stateEntryChanges,
  type PersistedState,
  type StateCodecOptions,
} from '@autoscaler/core';

/**
 * The autoscaler's memory of a deployment lives in its freeform tags, so any function container
 * can pick it up: core's persisted-state codec with OCI's limits (values of at most 256
 * characters; at most 10 tags of the 64 a resource may have). `autoscaler-managed` is set by
 * `setup` and never written here.
 */
export const TAG_PREFIX = 'autoscaler-';
export const MANAGED_TAG = 'autoscaler-managed';
export const STATE_CODEC: StateCodecOptions = { prefix: TAG_PREFIX, valueChars: /[\s\S]/u, maxValueLength: 256, maxKeys: 10 };

/**
 * The previous version's tags: `autoscaler-state` {"o":[at,from,to],"i":..,"r":..}, `autoscaler-recs`
 * [[at,replicas],..] and one JSON array of dedupe keys cut into `autoscaler-dedupe-0..3`. Read while
 * present; the next write replaces them.
 */
const LEGACY_MARKS = 'autoscaler-state';
const LEGACY_RECS = 'autoscaler-recs';
const LEGACY_DEDUPE = 'autoscaler-dedupe-';

export function isManaged(tags: Readonly<Record<string, string>> | undefined): boolean {
  // One rule on every cloud (core): "true" in any case, spaces trimmed; "false", "" and anything else opt out.
  return isManagedValue(tags?.[MANAGED_TAG]);
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function decodeLegacy(tags: Readonly<Record<string, string>>): PersistedState {
  const state = emptyPersistedState();
  const marks = parseJson(tags[LEGACY_MARKS]) as Record<string, unknown> | null | undefined;
  for (const [field, key] of [
    ['lastScaleOut', 'o'],
    ['lastScaleIn', 'i'],
    ['lastResize', 'r'],
  ] as const) {
    const m: unknown = Array.isArray(marks) ? undefined : marks?.[key];
    if (!Array.isArray(m) || !isNumber(m[0])) continue;
    const [at, from, to] = m as [number, unknown, unknown];
    state[field] = { at, ...(isNumber(from) && from >= 0 ? { from } : {}), ...(isNumber(to) && to >= 0 ? { to } : {}) };
  }
  const recs = parseJson(tags[LEGACY_RECS]);
  for (const r of Array.isArray(recs) ? (recs as unknown[]) : [])
    if (Array.isArray(r) && isNumber(r[0]) && Number.isInteger(r[1]) && (r[1] as number) >= 0)
      state.recommendations.push({ at: r[0], replicas: r[1] as number });
  let text = '';
  for (let c = 0; c < 4 && tags[`${LEGACY_DEDUPE}${c}`] !== undefined; c++) text += tags[`${LEGACY_DEDUPE}${c}`];
  const keys = parseJson(text || undefined);
  if (Array.isArray(keys)) state.dedupeKeys = keys.filter((k): k is string => typeof k === 'string');
  return state;
}

/** Tags of the previous version: it always wrote `autoscaler-state` or `autoscaler-dedupe-0` (core never does), or a JSON list of recommendations. */
function isLegacy(tags: Readonly<Record<string, string>>): boolean {
  return tags[LEGACY_MARKS] !== undefined || tags[`${LEGACY_DEDUPE}0`] !== undefined || (tags[LEGACY_RECS]?.startsWith('[') ?? false);
}

/** The state the tags hold. Tolerant on purpose: a hand-edited or truncated tag loses that part of the memory, it never stops the autoscaler. */
export function decodeState(tags: Readonly<Record<string, string>> | undefined): PersistedState {
  if (tags === undefined) return emptyPersistedState();
  return isLegacy(tags) ? decodeLegacy(tags) : decodePersistedState(tags, STATE_CODEC);
}

/** The full tag map with our state replaced: everyone else's tags and the managed marker are kept, the previous version's state tags removed. */
export function mergeStateTags(current: Readonly<Record<string, string>> | undefined, state: PersistedState): Record<string, string> {
  const { put, remove } = stateEntryChanges(current, encodePersistedState(state, STATE_CODEC), STATE_CODEC);
  const drop = new Set([...remove, LEGACY_MARKS, `${LEGACY_DEDUPE}0`]);
  return { ...Object.fromEntries(Object.entries(current ?? {}).filter(([k]) => !drop.has(k))), ...Object.fromEntries(put) };
}
