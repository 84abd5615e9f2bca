import { emptyPersistedState, isManagedValue, type ActionMark, type PersistedState } from '@autoscaler/core';

/**
 * The autoscaler's memory of a deployment lives in its freeform tags, so any
 * function container can pick it up. OCI limits (Resource Tags): 64 tags per
 * resource, keys up to 100 characters, values up to 256 characters. We use at
 * most 7 tags, each value within 256 characters, compact JSON:
 *
 *   autoscaler-managed   "true"                      (set by `setup`, never written here)
 *   autoscaler-state     {"o":[at,from,to],"i":[...],"r":[...]}   last scale-out/in/resize
 *   autoscaler-recs      [[at,replicas],...]          newest recommendations that fit
 *   autoscaler-dedupe-0..3  one JSON array of dedupe keys split in 256-character chunks
 */
export const TAG_PREFIX = 'autoscaler-';
export const MANAGED_TAG = 'autoscaler-managed';
export const STATE_TAG = 'autoscaler-state';
export const RECS_TAG = 'autoscaler-recs';
export const DEDUPE_TAG = 'autoscaler-dedupe-';
export const TAG_VALUE_MAX = 256;
export const DEDUPE_CHUNKS = 4;

type Mark = [number, number?, number?];

function markOut(m: ActionMark | undefined): Mark | undefined {
  if (!m) return undefined;
  const out: Mark = [m.at];
  if (m.from !== undefined || m.to !== undefined) out.push(m.from ?? -1, m.to ?? -1);
  return out;
}

function markIn(v: unknown): ActionMark | undefined {
  if (!Array.isArray(v) || typeof v[0] !== 'number' || !Number.isFinite(v[0])) return undefined;
  const mark: ActionMark = { at: v[0] };
  if (typeof v[1] === 'number' && v[1] >= 0) mark.from = v[1];
  if (typeof v[2] === 'number' && v[2] >= 0) mark.to = v[2];
  return mark;
}

export function isManaged(tags: Readonly<Record<string, string>> | undefined): boolean {
  // One rule on every cloud (core): "true" in any case, spaces trimmed; "false", "" and anything else opt out.
  return isManagedValue(tags?.[MANAGED_TAG]);
}

/** Encode state as tags; the newest dedupe keys and recommendations that fit are kept. */
export function encodeState(state: PersistedState): Record<string, string> {
  const tags: Record<string, string> = {};
  const marks: Record<string, Mark> = {};
  const o = markOut(state.lastScaleOut);
  const i = markOut(state.lastScaleIn);
  const r = markOut(state.lastResize);
  if (o) marks['o'] = o;
  if (i) marks['i'] = i;
  if (r) marks['r'] = r;
  if (Object.keys(marks).length > 0) tags[STATE_TAG] = JSON.stringify(marks);

  const recs: Array<[number, number]> = [];
  for (let k = state.recommendations.length - 1; k >= 0; k--) {
    const rec = state.recommendations[k]!;
    const candidate: Array<[number, number]> = [[rec.at, rec.replicas], ...recs];
    if (JSON.stringify(candidate).length > TAG_VALUE_MAX) break;
    recs.unshift([rec.at, rec.replicas]);
  }
  if (recs.length > 0) tags[RECS_TAG] = JSON.stringify(recs);

  const budget = TAG_VALUE_MAX * DEDUPE_CHUNKS;
  const keys: string[] = [];
  for (let k = state.dedupeKeys.length - 1; k >= 0; k--) {
    const key = state.dedupeKeys[k]!;
    if (JSON.stringify([key, ...keys]).length > budget) break;
    keys.unshift(key);
  }
  if (keys.length > 0) {
    const text = JSON.stringify(keys);
    for (let c = 0; c * TAG_VALUE_MAX < text.length; c++) tags[`${DEDUPE_TAG}${c}`] = text.slice(c * TAG_VALUE_MAX, (c + 1) * TAG_VALUE_MAX);
  }
  return tags;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Decode tags back to state. Tolerant on purpose: a hand-edited or truncated
 * tag loses that part of the memory, it never stops the autoscaler.
 */
export function decodeState(tags: Readonly<Record<string, string>> | undefined): PersistedState {
  const state = emptyPersistedState();
  if (!tags) return state;
  const marks = parseJson(tags[STATE_TAG]);
  if (marks && typeof marks === 'object' && !Array.isArray(marks)) {
    const m = marks as Record<string, unknown>;
    const o = markIn(m['o']);
    const i = markIn(m['i']);
    const r = markIn(m['r']);
    if (o) state.lastScaleOut = o;
    if (i) state.lastScaleIn = i;
    if (r) state.lastResize = r;
  }
  const recs = parseJson(tags[RECS_TAG]);
  if (Array.isArray(recs)) {
    for (const rec of recs) {
      if (Array.isArray(rec) && typeof rec[0] === 'number' && typeof rec[1] === 'number' && Number.isInteger(rec[1]) && rec[1] >= 0)
        state.recommendations.push({ at: rec[0], replicas: rec[1] });
    }
  }
  let text = '';
  for (let c = 0; c < DEDUPE_CHUNKS; c++) {
    const part = tags[`${DEDUPE_TAG}${c}`];
    if (part === undefined) break;
    text += part;
  }
  const keys = parseJson(text || undefined);
  if (Array.isArray(keys)) state.dedupeKeys = keys.filter((k): k is string => typeof k === 'string');
  return state;
}

/** Replace our state tags in a full tag map, keeping everyone else's tags and the managed marker. */
export function mergeStateTags(current: Readonly<Record<string, string>> | undefined, state: PersistedState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(current ?? {})) if (!k.startsWith(TAG_PREFIX) || k === MANAGED_TAG) out[k] = v;
  return { ...out, ...encodeState(state) };
}
