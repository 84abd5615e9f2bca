import { createHash } from 'node:crypto';
import { emptyPersistedState, type ActionMark, type PersistedState } from '@autoscaler/core';

/**
 * The autoscaler's memory kept as endpoint tags. SageMaker tag values hold at
 * most 256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, so marks are compact
 * (`<ISO time> <from> <to>`) and lists spill over numbered keys.
 */
export const TAG_PREFIX = 'autoscaler:';
export const MANAGED_TAG = 'autoscaler:managed';
const MARK_TAGS = { lastScaleOut: 'autoscaler:out', lastScaleIn: 'autoscaler:in', lastResize: 'autoscaler:resize' } as const;
const DEDUPE_TAG = 'autoscaler:dedupe';
const RECS_TAG = 'autoscaler:recs';
const MAX_VALUE = 256;
const SAFE = /^[\p{L}\p{N}_.:/=+\-@]{1,64}$/u;

/**
 * A dedupe key as stored: verbatim when short and tag-safe (what the CloudWatch
 * source produces), else a 22-character hash (still deduped, but only against
 * the same hashed form).
 */
export function storableDedupeKey(key: string): string {
  return SAFE.test(key) ? key : `h=${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
}

function encodeMark(m: ActionMark): string {
  return [new Date(m.at).toISOString(), m.from ?? '', m.to ?? ''].join(' ').trimEnd();
}

function decodeMark(v: string | undefined): ActionMark | undefined {
  if (!v) return undefined;
  const [iso, from, to] = v.split(' ');
  const at = Date.parse(iso ?? '');
  if (!Number.isFinite(at)) return undefined;
  const mark: ActionMark = { at };
  if (from !== undefined && /^\d+$/.test(from)) mark.from = Number(from);
  if (to !== undefined && /^\d+$/.test(to)) mark.to = Number(to);
  return mark;
}

/** Pack words into tag values of at most 256 characters, under `key`, `key.1`, `key.2`... */
function spill(key: string, words: readonly string[], maxTags: number): Map<string, string> {
  const out = new Map<string, string>();
  let current = '';
  let index = 0;
  const flush = (): void => {
    if (current === '') return;
    out.set(index === 0 ? key : `${key}.${index}`, current);
    index++;
    current = '';
  };
  for (const w of words) {
    if (current.length + w.length + 1 > MAX_VALUE) flush();
    if (index >= maxTags) break;
    current = current === '' ? w : `${current} ${w}`;
  }
  if (index < maxTags) flush();
  return out;
}

function spillNewest(key: string, words: readonly string[], maxTags: number): Map<string, string> {
  let list = words;
  for (;;) {
    const packed = spill(key, list, maxTags);
    const count = [...packed.values()].reduce((n, v) => n + v.split(' ').length, 0);
    if (count >= list.length) return packed;
    list = list.slice(1);
  }
}

function gather(tags: ReadonlyMap<string, string>, key: string): string[] {
  const words: string[] = [];
  for (let i = 0; ; i++) {
    const v = tags.get(i === 0 ? key : `${key}.${i}`);
    if (v === undefined) break;
    words.push(...v.split(' ').filter((w) => w !== ''));
  }
  return words;
}

export function decodeState(tags: ReadonlyMap<string, string>): PersistedState {
  const state = emptyPersistedState();
  for (const [field, key] of Object.entries(MARK_TAGS) as Array<[keyof typeof MARK_TAGS, string]>) {
    const mark = decodeMark(tags.get(key));
    if (mark) state[field] = mark;
  }
  state.dedupeKeys = gather(tags, DEDUPE_TAG);
  for (const w of gather(tags, RECS_TAG)) {
    const [t, r] = w.split(':');
    const at = parseInt(t ?? '', 36);
    if (Number.isFinite(at) && r !== undefined && /^\d+$/.test(r)) state.recommendations.push({ at, replicas: Number(r) });
  }
  return state;
}

/** The autoscaler's tags for this state (never `autoscaler:managed`, which belongs to the user). */
export function encodeState(state: PersistedState): Map<string, string> {
  const out = new Map<string, string>();
  for (const [field, key] of Object.entries(MARK_TAGS) as Array<[keyof typeof MARK_TAGS, string]>) {
    const m = state[field];
    if (m) out.set(key, encodeMark(m));
  }
  // Newest entries matter most: drop the oldest until the rest fit.
  for (const [k, v] of spillNewest(DEDUPE_TAG, state.dedupeKeys.map(storableDedupeKey), 4)) out.set(k, v);
  for (const [k, v] of spillNewest(RECS_TAG, state.recommendations.map((r) => `${Math.round(r.at).toString(36)}:${r.replicas}`), 3)) out.set(k, v);
  return out;
}

/** Which of the current tags to add/overwrite and which autoscaler tags to remove. */
export function tagChanges(current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): { put: Array<{ Key: string; Value: string }>; remove: string[] } {
  const put = [...next].filter(([k, v]) => current.get(k) !== v).map(([Key, Value]) => ({ Key, Value }));
  const remove = [...current.keys()].filter((k) => k.startsWith(TAG_PREFIX) && k !== MANAGED_TAG && !next.has(k));
  return { put, remove };
}

/**
 * `ours` written over `theirs` (what the endpoint holds now) without erasing a concurrent
 * writer. `base` is what `ours` was computed from (the state last read); what `theirs` holds
 * beyond it was written by someone else and is kept: their dedupe keys (ours stay the newest),
 * their recommendations, and a mark they set that is newer than ours. Without a base every key
 * is kept and each mark is the later one. Something in `base` that `ours` dropped is dropped.
 */
export function mergeStates(theirs: PersistedState, ours: PersistedState, base?: PersistedState): PersistedState {
  const mine = ours.dedupeKeys.map(storableDedupeKey);
  const mineSet = new Set(mine);
  const known = new Set((base?.dedupeKeys ?? []).map(storableDedupeKey));
  const knownRecs = new Set((base?.recommendations ?? []).map((r) => r.at));
  const merged: PersistedState = {
    dedupeKeys: [...theirs.dedupeKeys.filter((k) => !mineSet.has(k) && !known.has(k)), ...mine],
    recommendations: [...new Map([...theirs.recommendations.filter((r) => !knownRecs.has(r.at)), ...ours.recommendations].map((r) => [r.at, r])).values()].sort((a, b) => a.at - b.at).slice(-64),
  };
  for (const field of ['lastScaleOut', 'lastScaleIn', 'lastResize'] as const) {
    const a = theirs[field];
    const b = ours[field];
    const theirsIsNew = a !== undefined && (base === undefined || base[field]?.at !== a.at);
    const pick = theirsIsNew && (b === undefined || a.at > b.at) ? a : b;
    if (pick) merged[field] = pick;
  }
  return merged;
}
