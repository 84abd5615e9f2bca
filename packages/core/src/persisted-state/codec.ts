import { ValidationError } from '../errors';
import type { ActionMark, PersistedState, Recommendation } from '../types';
import { emptyPersistedState } from '../types';
import { HASHED_KEY_PREFIX, hashDedupeKey } from './hash';

/**
 * The autoscaler's memory (`PersistedState`) as a cloud's key/value pairs (tags, labels,
 * annotations), once for every provider. Each cloud says only how its pairs may look:
 *
 *   AWS (SageMaker tags)  { prefix: 'autoscaler:', valueChars: /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u, maxValueLength: 256, maxKeys: 10 }
 *   OCI (freeform tags)   { prefix: 'autoscaler-', valueChars: /[\s\S]/u, maxValueLength: 256, maxKeys: 10 }
 *   Kubernetes            { prefix: 'autoscaler.dev/state-', valueChars: /[\s\S]/u, maxValueLength: 4096, maxKeys: 8 }
 *
 * Keys (after the prefix): `out`, `in`, `resize` (action marks), `fail` (failed metric reads),
 * `dedupe`, `dedupe-1`, ... and `recs`, `recs-1`, ... Values use only [0-9a-z], `-` and the
 * list separator (a space, or `_` where spaces are refused): numbers in base 35, `z` before a
 * negative one. A mark is `at-from-to` (from/to may be empty), a recommendation `at-replicas`.
 * Dedupe keys are stored verbatim when they fit the charset (at most 64 characters), else as
 * `hashDedupeKey(key)`. When the limits bite, the newest dedupe keys and recommendations are kept.
 */
export interface StateCodecOptions {
  /** Prefix of every key the codec writes (the managed key is the provider's, never written here). */
  prefix: string;
  /** Matches one character a value may hold (a character class, e.g. `/[\p{L}\p{N}_.:/=+\-@ ]/u`). */
  valueChars: RegExp;
  /** Longest value the cloud stores (at least 32). */
  maxValueLength: number;
  /**
   * Most keys the state may use (at least 1). Kept in this order when keys are scarce: the
   * marks, the failure count, then the two lists (the dedupe keys first, each list at least half
   * of what is left when both do not fit). 6 or more keeps the newest item of each list.
   */
  maxKeys: number;
}

/** Key/value pairs as a provider has them: a Map, or a plain tag/annotation record. */
export type StateEntries = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

const MARKS = [
  ['lastScaleOut', 'out'],
  ['lastScaleIn', 'in'],
  ['lastResize', 'resize'],
] as const;
const VERBATIM_MAX = 64;
const NUMBER = /^z?[0-9a-y]{1,12}$/;

interface Codec {
  prefix: string;
  sep: string;
  allowed: (text: string) => boolean;
  maxValue: number;
  maxKeys: number;
}

function codecOf(options: StateCodecOptions): Codec {
  const { prefix, valueChars, maxValueLength, maxKeys } = options;
  if (typeof prefix !== 'string' || prefix === '') throw ValidationError.field('options.prefix', 'must be a non-empty string');
  if (!Number.isInteger(maxValueLength) || maxValueLength < 32)
    throw ValidationError.field('options.maxValueLength', `must be a whole number >= 32, got ${String(maxValueLength)}`);
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw ValidationError.field('options.maxKeys', `must be a whole number >= 1, got ${String(maxKeys)}`);
  const one = new RegExp(`^(?:${valueChars.source})$`, valueChars.flags.replace(/[gy]/g, ''));
  const allowed = (text: string): boolean => {
    for (const c of text) if (!one.test(c)) return false;
    return true;
  };
  if (!allowed('0123456789abcdefghijklmnopqrstuvwxyz-')) throw ValidationError.field('options.valueChars', 'must allow at least [0-9a-z] and -');
  const sep = allowed(' ') ? ' ' : allowed('_') ? '_' : undefined;
  if (sep === undefined) throw ValidationError.field('options.valueChars', 'must allow a space or _ (the list separator)');
  return { prefix, sep, allowed, maxValue: maxValueLength, maxKeys };
}

function num(n: number): string {
  const r = Math.round(n);
  return r < 0 ? `z${(-r).toString(35)}` : r.toString(35);
}

function parseNum(text: string | undefined): number | undefined {
  if (text === undefined || !NUMBER.test(text)) return undefined;
  const v = text.startsWith('z') ? -parseInt(text.slice(1), 35) : parseInt(text, 35);
  return Number.isSafeInteger(v) ? v : undefined;
}

function encodeMark(m: ActionMark): string {
  const out = [num(m.at), m.from === undefined ? '' : num(m.from), m.to === undefined ? '' : num(m.to)];
  return out.join('-').replace(/-+$/, '');
}

function decodeMark(v: string | undefined): ActionMark | undefined {
  if (v === undefined) return undefined;
  const [at, from, to, ...rest] = v.trim().split('-');
  const t = parseNum(at);
  if (t === undefined || rest.length > 0) return undefined;
  const mark: ActionMark = { at: t };
  const f = from === undefined || from === '' ? undefined : parseNum(from);
  const o = to === undefined || to === '' ? undefined : parseNum(to);
  if (f !== undefined && f >= 0) mark.from = f;
  if (o !== undefined && o >= 0) mark.to = o;
  return mark;
}

/** The stored form of a dedupe key: verbatim when it fits the charset, else its hash. */
function storable(key: string, c: Codec): string {
  const verbatim =
    key !== '' &&
    key.length <= Math.min(VERBATIM_MAX, c.maxValue) &&
    !key.includes(c.sep) &&
    !key.startsWith(HASHED_KEY_PREFIX) &&
    key.trim() === key &&
    c.allowed(key);
  return verbatim ? key : hashDedupeKey(key);
}

/** The dedupe key as this codec would store it (verbatim or hashed), for comparing with decoded keys. */
export function storedDedupeKey(key: string, options: StateCodecOptions): string {
  return storable(key, codecOf(options));
}

/** Newest items first into at most `slots` values; returns the values oldest first. */
function packNewest(items: readonly string[], slots: number, c: Codec): string[] {
  const chunks: string[][] = [];
  let length = 0;
  for (let i = items.length - 1; i >= 0 && slots > 0; i--) {
    const item = items[i]!;
    const current = chunks.at(-1);
    if (current !== undefined && length + c.sep.length + item.length <= c.maxValue) {
      current.push(item);
      length += c.sep.length + item.length;
    } else if (chunks.length < slots && item.length <= c.maxValue) {
      chunks.push([item]);
      length = item.length;
    } else {
      break;
    }
  }
  return chunks.reverse().map((chunk) => chunk.reverse().join(c.sep));
}

function valuesNeeded(items: readonly string[], c: Codec): number {
  return packNewest(items, Number.MAX_SAFE_INTEGER, c).length;
}

function listKey(c: Codec, name: string, index: number): string {
  return `${c.prefix}${name}${index === 0 ? '' : `-${index}`}`;
}

/** The key/value pairs for a state: every value within the limits and the charset. */
export function encodePersistedState(state: PersistedState, options: StateCodecOptions): Map<string, string> {
  const c = codecOf(options);
  const out = new Map<string, string>();
  for (const [field, name] of MARKS) {
    const mark = state[field];
    if (mark !== undefined && Number.isFinite(mark.at) && out.size < c.maxKeys) out.set(`${c.prefix}${name}`, encodeMark(mark));
  }
  if (state.metricFailures !== undefined && state.metricFailures > 0 && Number.isFinite(state.metricFailures) && out.size < c.maxKeys)
    out.set(`${c.prefix}fail`, num(state.metricFailures));
  const dedupe = state.dedupeKeys.map((k) => storable(k, c));
  const recs = state.recommendations
    .filter((r) => Number.isFinite(r.at) && Number.isFinite(r.replicas) && r.replicas >= 0)
    .map((r) => `${num(r.at)}-${num(r.replicas)}`);
  const left = c.maxKeys - out.size;
  const needDedupe = valuesNeeded(dedupe, c);
  const needRecs = valuesNeeded(recs, c);
  // Both lists when they fit; otherwise each keeps at least half the keys (its newest items).
  const dedupeSlots = Math.min(needDedupe, Math.max(left - needRecs, Math.ceil(left / 2)));
  const recSlots = Math.min(needRecs, left - dedupeSlots);
  packNewest(dedupe, dedupeSlots, c).forEach((v, i) => out.set(listKey(c, 'dedupe', i), v));
  packNewest(recs, recSlots, c).forEach((v, i) => out.set(listKey(c, 'recs', i), v));
  return out;
}

function entriesOf(entries: StateEntries | undefined): ReadonlyMap<string, string> {
  if (entries === undefined || entries === null) return new Map();
  if (entries instanceof Map) return entries;
  return new Map(Object.entries(entries as Readonly<Record<string, string>>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function gather(map: ReadonlyMap<string, string>, c: Codec, name: string): string[] {
  const words: string[] = [];
  // A lost key in the middle loses its items only: read every index the limits allow.
  for (let i = 0; i < c.maxKeys; i++) {
    const v = map.get(listKey(c, name, i));
    if (typeof v === 'string') words.push(...v.split(c.sep).filter((w) => w !== ''));
  }
  return words;
}

/**
 * The state the pairs hold. Tolerant: a damaged or hand-edited entry loses that part only, and
 * is named in `problems` when given (a mark or count that cannot be read; unreadable list items
 * are dropped quietly).
 */
export function decodePersistedState(entries: StateEntries | undefined, options: StateCodecOptions, problems?: string[]): PersistedState {
  const c = codecOf(options);
  const map = entriesOf(entries);
  const state = emptyPersistedState();
  for (const [field, name] of MARKS) {
    const key = `${c.prefix}${name}`;
    const mark = decodeMark(map.get(key));
    if (mark !== undefined) state[field] = mark;
    else if (map.has(key)) problems?.push(`${key}: not a mark (<at>-<from>-<to> in base 35); ignored`);
  }
  const failKey = `${c.prefix}fail`;
  const fail = parseNum(map.get(failKey)?.trim());
  if (fail !== undefined && fail > 0) state.metricFailures = fail;
  else if (map.has(failKey)) problems?.push(`${failKey}: not a count >= 1 in base 35; ignored`);
  state.dedupeKeys = gather(map, c, 'dedupe').filter((k) => k.length <= Math.max(VERBATIM_MAX, 24) && c.allowed(k));
  const recs: Recommendation[] = [];
  for (const word of gather(map, c, 'recs')) {
    const [at, replicas, ...rest] = word.split('-');
    const t = parseNum(at);
    const r = parseNum(replicas);
    if (t !== undefined && r !== undefined && r >= 0 && rest.length === 0) recs.push({ at: t, replicas: r });
  }
  state.recommendations = recs;
  return state;
}

/** The managed marker's value: exactly `true`, any case, spaces trimmed. `false`, `` and absent are not managed. */
export function isManagedValue(value: string | undefined | null): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

/** Whether a key is one the codec writes (never the managed key, nor other keys under the prefix such as a policy). */
export function isStateKey(key: string, options: Pick<StateCodecOptions, 'prefix'>): boolean {
  if (!key.startsWith(options.prefix)) return false;
  return /^(?:out|in|resize|fail|(?:dedupe|recs)(?:-[1-9][0-9]?)?)$/.test(key.slice(options.prefix.length));
}

/** Every key the codec may write for these limits, e.g. to clear them all in a JSON merge patch. */
export function stateKeyNames(options: Pick<StateCodecOptions, 'prefix' | 'maxKeys'>): string[] {
  const lists = ['dedupe', 'recs'].flatMap((name) => Array.from({ length: Math.max(1, options.maxKeys) }, (_, i) => `${name}${i === 0 ? '' : `-${i}`}`));
  return [...MARKS.map(([, name]) => name), 'fail', ...lists].map((name) => `${options.prefix}${name}`);
}

/**
 * The JSON merge patch (`null` removes) that stores `state`: its pairs, and `null` for every
 * other key the codec may write. Keys the codec does not own are left alone.
 */
export function stateMergePatch(state: PersistedState, options: StateCodecOptions): Record<string, string | null> {
  const next = encodePersistedState(state, options);
  return Object.fromEntries(stateKeyNames(options).map((k) => [k, next.get(k) ?? null]));
}

/**
 * What to write and remove to go from the current pairs to `next` (from `encodePersistedState`):
 * pairs whose value changed, and state keys the new state no longer uses. Keys the codec does
 * not own (the managed marker, other tools' tags, a policy annotation) are never removed.
 */
export function stateEntryChanges(
  current: StateEntries | undefined,
  next: ReadonlyMap<string, string>,
  options: Pick<StateCodecOptions, 'prefix'>,
): { put: Map<string, string>; remove: string[] } {
  const have = entriesOf(current);
  const put = new Map([...next].filter(([k, v]) => have.get(k) !== v));
  const remove = [...have.keys()].filter((k) => isStateKey(k, options) && !next.has(k));
  return { put, remove };
}
