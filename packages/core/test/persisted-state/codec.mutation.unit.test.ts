import { decodePersistedState, encodePersistedState, hashDedupeKey, isStateKey, storedDedupeKey } from '../../src/index';
import type { PersistedState, StateCodecOptions, StateEntries } from '../../src/index';

/**
 * Edges of the persisted-state codec found by mutation testing (bench/mutation.ts, group core-state):
 * option checks word for word, marks and lists at their limits, damaged entries as clouds hand them back.
 */
const AWS: StateCodecOptions = { prefix: 'autoscaler:', valueChars: /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u, maxValueLength: 256, maxKeys: 10 };
const OCI: StateCodecOptions = { prefix: 'autoscaler-', valueChars: /[\s\S]/u, maxValueLength: 256, maxKeys: 10 };
const SHORT: StateCodecOptions = { ...OCI, maxValueLength: 32 };
const empty = (over: Partial<PersistedState> = {}): PersistedState => ({ dedupeKeys: [], recommendations: [], ...over });
const decode = (entries: Record<string, unknown> | null, options = AWS, problems?: string[]): PersistedState =>
  decodePersistedState(entries as StateEntries, options, problems);

describe('codec options, word for word', () => {
  it.each([
    [{ prefix: '' }, 'invalid options.prefix: must be a non-empty string'],
    [{ prefix: 7 as unknown as string }, 'invalid options.prefix: must be a non-empty string'],
    [{ maxValueLength: 16 }, 'invalid options.maxValueLength: must be a whole number >= 32, got 16'],
    [{ maxValueLength: 32.5 }, 'invalid options.maxValueLength: must be a whole number >= 32, got 32.5'],
    [{ maxKeys: 0 }, 'invalid options.maxKeys: must be a whole number >= 1, got 0'],
    [{ valueChars: /[A-Z ]/ }, 'invalid options.valueChars: must allow at least [0-9a-z] and -'],
    [{ valueChars: /[a-z0-9-]/ }, 'invalid options.valueChars: must allow a space or _ (the list separator)'],
  ])('%j is refused: %s', (over, message) => {
    expect(() => encodePersistedState(empty(), { ...AWS, ...over })).toThrow(message);
  });

  it('accepts the smallest limits it documents (32 characters, 1 key) and a global or sticky character class', () => {
    const one = encodePersistedState(empty({ lastScaleOut: { at: 35 }, lastScaleIn: { at: 36 } }), { ...AWS, maxValueLength: 32, maxKeys: 1 });
    expect([...one]).toEqual([['autoscaler:out', '10']]);
    const sticky = encodePersistedState(empty({ dedupeKeys: ['a', 'b'] }), { ...OCI, valueChars: /[\s\S]/gy });
    expect(sticky.get('autoscaler-dedupe')).toBe('a b');
  });

  it('a charset without a space separates list items with _', () => {
    const tight: StateCodecOptions = { prefix: 't_', valueChars: /[a-z0-9_-]/, maxValueLength: 63, maxKeys: 6 };
    expect(encodePersistedState(empty({ dedupeKeys: ['k1', 'k2'] }), tight).get('t_dedupe')).toBe('k1_k2');
  });
});

describe('marks, encode and decode', () => {
  it('a mark keeps only what it has; surrounding spaces are tolerated; a negative or extra part is not read', () => {
    expect(decode({ 'autoscaler:out': ' 1-2-3 ' }).lastScaleOut).toStrictEqual({ at: 1, from: 2, to: 3 });
    expect(decode({ 'autoscaler:out': '1--3' }).lastScaleOut).toStrictEqual({ at: 1, to: 3 });
    expect(decode({ 'autoscaler:out': '1-2' }).lastScaleOut).toStrictEqual({ at: 1, from: 2 });
    expect(decode({ 'autoscaler:out': '1-z2-z3' }).lastScaleOut).toStrictEqual({ at: 1 });
    const problems: string[] = [];
    expect(decode({ 'autoscaler:in': '1-2-3-4' }, AWS, problems).lastScaleIn).toBeUndefined();
    expect(problems).toEqual(['autoscaler:in: not a mark (<at>-<from>-<to> in base 35); ignored']);
  });

  it('marks and the failure count stop at maxKeys; a count of 0 or less, or not finite, is not written', () => {
    const three = { lastScaleOut: { at: 1 }, lastScaleIn: { at: 2 }, lastResize: { at: 3 } };
    expect([...encodePersistedState(empty({ ...three, metricFailures: 4 }), { ...AWS, maxKeys: 3 }).keys()]).toEqual([
      'autoscaler:out',
      'autoscaler:in',
      'autoscaler:resize',
    ]);
    for (const metricFailures of [0, -2, Infinity, NaN]) expect(encodePersistedState(empty({ metricFailures }), AWS).has('autoscaler:fail')).toBe(false);
    expect(encodePersistedState(empty({ metricFailures: 36 }), AWS).get('autoscaler:fail')).toBe('11');
  });

  it('the failure count: spaces tolerated, 0 is named as a problem, an absent key is not', () => {
    expect(decode({ 'autoscaler:fail': ' 3 ' }).metricFailures).toBe(3);
    // Base 35 in lowercase only: parseInt would read `Q5` (q is a base-35 digit), the codec never writes it.
    expect(decode({ 'autoscaler:fail': 'Q5' }).metricFailures).toBeUndefined();
    const problems: string[] = [];
    expect(decode({ 'autoscaler:fail': '0' }, AWS, problems).metricFailures).toBeUndefined();
    expect(problems).toEqual(['autoscaler:fail: not a count >= 1 in base 35; ignored']);
    const none: string[] = [];
    decode({}, AWS, none);
    expect(none).toEqual([]);
  });
});

describe('lists at their limits', () => {
  it('dedupe keys: verbatim up to 64 characters (and the value limit), hashed beyond, or when they look hashed or carry spaces', () => {
    const k64 = 'k'.repeat(64);
    expect(storedDedupeKey(k64, AWS)).toBe(k64);
    expect(storedDedupeKey(`${k64}k`, AWS)).toBe(hashDedupeKey(`${k64}k`));
    expect(storedDedupeKey('k'.repeat(33), SHORT)).toBe(hashDedupeKey('k'.repeat(33)));
    expect(storedDedupeKey('h-abc', AWS)).toBe(hashDedupeKey('h-abc'));
    expect(storedDedupeKey('abch-', AWS)).toBe('abch-');
    expect(storedDedupeKey('abc\t', OCI)).toBe(hashDedupeKey('abc\t'));
  });

  it('values are filled up to exactly the value limit, and an item of exactly that length is kept', () => {
    const a = 'a'.repeat(15);
    const b = 'b'.repeat(16);
    expect([...encodePersistedState(empty({ dedupeKeys: [a, b] }), SHORT)]).toEqual([['autoscaler-dedupe', `${a} ${b}`]]);
    const c32 = 'c'.repeat(32);
    expect([...encodePersistedState(empty({ dedupeKeys: [c32] }), SHORT)]).toEqual([['autoscaler-dedupe', c32]]);
  });

  it('recommendations that are not finite or are negative are not written', () => {
    const recs = [
      { at: NaN, replicas: 1 },
      { at: 1, replicas: Infinity },
      { at: 1, replicas: -1 },
      { at: 2, replicas: 3 },
    ];
    expect(encodePersistedState(empty({ recommendations: recs }), AWS).get('autoscaler:recs')).toBe('2-3');
  });

  it('decode reads list keys up to maxKeys only, skips empty items, drops items a cloud could not have stored', () => {
    const two = { ...OCI, maxKeys: 2 };
    expect(decodePersistedState({ 'autoscaler-dedupe-1': 'a', 'autoscaler-dedupe-2': 'b' }, two).dedupeKeys).toEqual(['a']);
    expect(decode({ 'autoscaler-dedupe': 'a  b ' }, OCI).dedupeKeys).toEqual(['a', 'b']);
    expect(decode({ 'autoscaler:dedupe': `ok ${'x'.repeat(65)} not#allowed ${'y'.repeat(64)}` }).dedupeKeys).toEqual(['ok', 'y'.repeat(64)]);
    expect(decode({ 'autoscaler:recs': '1-2 1-2-3 q!-2 3-z1 4-5' }).recommendations).toEqual([
      { at: 1, replicas: 2 },
      { at: 4, replicas: 5 },
    ]);
  });

  it('what a cloud hands back as null or undefined or with non-string values is read as nothing, without a throw', () => {
    expect(decode(null)).toStrictEqual(empty());
    expect(decodePersistedState(undefined, AWS)).toStrictEqual(empty());
    expect(decode({ 'autoscaler:out': 5, 'autoscaler:dedupe': ['a'] })).toStrictEqual(empty());
  });
});

describe('state keys and the hash', () => {
  it('isStateKey: only whole names under the prefix', () => {
    expect(isStateKey('ab:out', { prefix: 'ab:' })).toBe(true);
    expect(isStateKey('zz:out', { prefix: 'ab:' })).toBe(false);
    expect(isStateKey('ab:outx', { prefix: 'ab:' })).toBe(false);
    expect(isStateKey('ab:xout', { prefix: 'ab:' })).toBe(false);
  });

  it('hashed dedupe keys are stable across versions (targets keep them): golden values', () => {
    expect(hashDedupeKey('abc')).toBe('h-186f8ts8naa0sssnt5s0ng');
    expect(hashDedupeKey('')).toBe('h-26c8wzs8fs10kz98hrb9of');
    expect(hashDedupeKey('a much longer delivery id: 0123456789')).toBe('h-0gt4oez5gjd2bztkzhmncf');
  });
});
