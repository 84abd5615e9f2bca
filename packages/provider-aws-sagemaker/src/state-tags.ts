import {
  decodePersistedState,
  encodePersistedState,
  isManagedValue,
  stateEntryChanges,
  storedDedupeKey,
  type ActionMark,
  type PersistedState,
  type StateCodecOptions,
} from '@autoscaler/core';

/**
 * The autoscaler's memory kept as endpoint tags, through core's persisted-state codec with
 * SageMaker's tag limits: values of at most 256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`,
 * and at most 10 of the endpoint's 50 tags.
 */
export const TAG_PREFIX = 'autoscaler:';
export const MANAGED_TAG = 'autoscaler:managed';
export const STATE_CODEC: StateCodecOptions = { prefix: TAG_PREFIX, valueChars: /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u, maxValueLength: 256, maxKeys: 10 };

/** Tags written by the previous encoding (ISO marks, lists under `key.1`): read once, removed at the next write. */
const LEGACY_MARKS = [
  ['lastScaleOut', 'autoscaler:out'],
  ['lastScaleIn', 'autoscaler:in'],
  ['lastResize', 'autoscaler:resize'],
] as const;
const LEGACY_LIST_KEY = /^autoscaler:(?:dedupe|recs)\.[1-9]$/;

/** A dedupe key as stored: verbatim when short and tag-safe (what the CloudWatch source produces), else core's hash. */
export function storableDedupeKey(key: string): string {
  return storedDedupeKey(key, STATE_CODEC);
}

/** Is the endpoint opted in (`autoscaler:managed` = `true`, any case)? */
export function isManaged(tags: ReadonlyMap<string, string>): boolean {
  return isManagedValue(tags.get(MANAGED_TAG));
}

function legacyMark(v: string): ActionMark | undefined {
  const [iso, from, to] = v.split(' ');
  const at = Date.parse(iso ?? '');
  if (!Number.isFinite(at)) return undefined;
  const mark: ActionMark = { at };
  if (from !== undefined && /^\d+$/.test(from)) mark.from = Number(from);
  if (to !== undefined && /^\d+$/.test(to)) mark.to = Number(to);
  return mark;
}

export function decodeState(tags: ReadonlyMap<string, string>): PersistedState {
  const state = decodePersistedState(tags, STATE_CODEC);
  for (const [field, key] of LEGACY_MARKS) {
    // An ISO time is the old form (core's codec would misread its digits as base-35 numbers).
    const value = tags.get(key);
    if (value !== undefined && /^\d{4}-\d\d-\d\dT/.test(value)) {
      const mark = legacyMark(value);
      if (mark) state[field] = mark;
      else delete state[field];
    }
  }
  return state;
}

/** The autoscaler's tags for this state (never `autoscaler:managed`, which belongs to the user). */
export function encodeState(state: PersistedState): Map<string, string> {
  return encodePersistedState(state, STATE_CODEC);
}

/** Which of the current tags to add/overwrite and which autoscaler state tags to remove (never the managed tag nor other tools' tags). */
export function tagChanges(
  current: ReadonlyMap<string, string>,
  next: ReadonlyMap<string, string>,
): { put: Array<{ Key: string; Value: string }>; remove: string[] } {
  const { put, remove } = stateEntryChanges(current, next, STATE_CODEC);
  const legacy = [...current.keys()].filter((k) => LEGACY_LIST_KEY.test(k));
  return { put: [...put].map(([Key, Value]) => ({ Key, Value })), remove: [...remove, ...legacy] };
}

/**
 * `ours` written over `theirs` (what the endpoint holds now) without erasing a concurrent
 * writer. `base` is what `ours` was computed from (the state last read); what `theirs` holds
 * beyond it was written by someone else and is kept: their dedupe keys (ours stay the newest),
 * their recommendations, and a mark they set that is newer than ours. Without a base every key
 * is kept and each mark is the later one. Something in `base` that `ours` dropped is dropped.
 * The failed-metric-read count is ours (the orchestrator counts it from what it read).
 */
export function mergeStates(theirs: PersistedState, ours: PersistedState, base?: PersistedState): PersistedState {
  const mine = ours.dedupeKeys.map(storableDedupeKey);
  const mineSet = new Set(mine);
  const known = new Set((base?.dedupeKeys ?? []).map(storableDedupeKey));
  const knownRecs = new Set((base?.recommendations ?? []).map((r) => r.at));
  const merged: PersistedState = {
    dedupeKeys: [...theirs.dedupeKeys.filter((k) => !mineSet.has(k) && !known.has(k)), ...mine],
    recommendations: [...new Map([...theirs.recommendations.filter((r) => !knownRecs.has(r.at)), ...ours.recommendations].map((r) => [r.at, r])).values()]
      .sort((a, b) => a.at - b.at)
      .slice(-64),
  };
  if (ours.metricFailures !== undefined && ours.metricFailures > 0) merged.metricFailures = ours.metricFailures;
  for (const field of ['lastScaleOut', 'lastScaleIn', 'lastResize'] as const) {
    const a = theirs[field];
    const b = ours[field];
    const theirsIsNew = a !== undefined && (base === undefined || base[field]?.at !== a.at);
    const pick = theirsIsNew && (b === undefined || a.at > b.at) ? a : b;
    if (pick) merged[field] = pick;
  }
  return merged;
}
