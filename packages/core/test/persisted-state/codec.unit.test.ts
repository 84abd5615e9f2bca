import fc from 'fast-check';
import {
  Autoscaler,
  MemoryProvider,
  StaticPolicies,
  ValidationError,
  decodePersistedState,
  encodePersistedState,
  hashDedupeKey,
  isManagedValue,
  isStateKey,
  stateEntryChanges,
  stateKeyNames,
  stateMergePatch,
  storedDedupeKey,
  validatePolicy,
} from '../../src/index';
import type { ActionMark, PersistedState, StateCodecOptions } from '../../src/index';

const AWS: StateCodecOptions = { prefix: 'autoscaler:', valueChars: /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u, maxValueLength: 256, maxKeys: 10 };
const OCI: StateCodecOptions = { prefix: 'autoscaler-', valueChars: /[\s\S]/u, maxValueLength: 256, maxKeys: 10 };
const K8S: StateCodecOptions = { prefix: 'autoscaler.dev/', valueChars: /[\s\S]/u, maxValueLength: 4096, maxKeys: 8 };
/** GCP-label-like: lowercase, digits, _ and - only, 63 characters. */
const TIGHT: StateCodecOptions = { prefix: 'autoscaler_', valueChars: /[a-z0-9_-]/, maxValueLength: 63, maxKeys: 6 };

const NOW = Date.parse('2026-03-10T12:00:00Z');

function allowedEverywhere(value: string, chars: RegExp): boolean {
  const one = new RegExp(`^(?:${chars.source})$`, chars.flags);
  return [...value].every((ch) => one.test(ch));
}

const time = fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 });
const mark: fc.Arbitrary<ActionMark> = fc.record(
  { at: time, from: fc.integer({ min: 0, max: 100_000 }), to: fc.integer({ min: 0, max: 100_000 }) },
  { requiredKeys: ['at'] },
);
const dedupeKey = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_:./'.split('')) }),
  fc.string({ maxLength: 120 }),
  fc.string({ maxLength: 80, unit: 'grapheme' }),
);
const state: fc.Arbitrary<PersistedState> = fc.record(
  {
    lastScaleOut: mark,
    lastScaleIn: mark,
    lastResize: mark,
    metricFailures: fc.integer({ min: 1, max: 10_000 }),
    dedupeKeys: fc.array(dedupeKey, { maxLength: 40 }),
    recommendations: fc.array(fc.record({ at: time, replicas: fc.integer({ min: 0, max: 100_000 }) }), { maxLength: 80 }),
  },
  { requiredKeys: ['dedupeKeys', 'recommendations'] },
);
const options: fc.Arbitrary<StateCodecOptions> = fc.record({
  prefix: fc.constantFrom('autoscaler:', 'autoscaler-', 'autoscaler.dev/', 'as_'),
  valueChars: fc.constantFrom(AWS.valueChars, OCI.valueChars, TIGHT.valueChars, /[A-Za-z0-9 _.-]/),
  maxValueLength: fc.integer({ min: 32, max: 400 }),
  maxKeys: fc.integer({ min: 4, max: 14 }),
});

describe('persisted-state codec: properties', () => {
  it('every value is within the length limit and the charset; at most maxKeys keys, all under the prefix', () => {
    fc.assert(
      fc.property(state, options, (s, o) => {
        const out = encodePersistedState(s, o);
        expect(out.size).toBeLessThanOrEqual(o.maxKeys);
        for (const [k, v] of out) {
          expect(k.startsWith(o.prefix) && isStateKey(k, o)).toBe(true);
          expect(v.length).toBeGreaterThan(0);
          expect(v.length).toBeLessThanOrEqual(o.maxValueLength);
          expect(allowedEverywhere(v, o.valueChars)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('decode(encode(s)) keeps every mark and the failure count, and the newest dedupe keys and recommendations, in order', () => {
    fc.assert(
      fc.property(state, options, (s, o) => {
        const back = decodePersistedState(encodePersistedState(s, o), o);
        expect(back.lastScaleOut).toEqual(s.lastScaleOut);
        expect(back.lastScaleIn).toEqual(s.lastScaleIn);
        expect(back.lastResize).toEqual(s.lastResize);
        expect(back.metricFailures).toEqual(s.metricFailures);
        const stored = s.dedupeKeys.map((k) => storedDedupeKey(k, o));
        expect(back.dedupeKeys).toEqual(back.dedupeKeys.length === 0 ? [] : stored.slice(-back.dedupeKeys.length));
        expect(back.recommendations).toEqual(back.recommendations.length === 0 ? [] : s.recommendations.slice(-back.recommendations.length));
        // With a key left for each list (3 marks + the count + 2), the newest of each is always kept.
        if (o.maxKeys >= 6 && s.dedupeKeys.length > 0) expect(back.dedupeKeys.at(-1)).toBe(stored.at(-1));
        if (o.maxKeys >= 6 && s.recommendations.length > 0) expect(back.recommendations.at(-1)).toEqual(s.recommendations.at(-1));
      }),
      { numRuns: 400 },
    );
  });

  it('with room to spare, nothing is dropped', () => {
    fc.assert(
      fc.property(state, (s) => {
        const o = { ...K8S, maxValueLength: 8192, maxKeys: 12 };
        const back = decodePersistedState(encodePersistedState(s, o), o);
        expect(back.dedupeKeys).toEqual(s.dedupeKeys.map((k) => storedDedupeKey(k, o)));
        expect(back.recommendations).toEqual(s.recommendations);
      }),
      { numRuns: 200 },
    );
  });

  it('a damaged entry loses that part only, and decode never throws', () => {
    fc.assert(
      fc.property(state, options, fc.nat(), fc.string({ maxLength: 60 }), (s, o, pick, garbage) => {
        const entries = encodePersistedState(s, o);
        const keys = [...entries.keys()];
        const damaged = keys.length === 0 ? undefined : keys[pick % keys.length]!;
        if (damaged !== undefined) entries.set(damaged, garbage);
        const back = decodePersistedState(entries, o);
        const intact = decodePersistedState(encodePersistedState(s, o), o);
        for (const [field, name] of [
          ['lastScaleOut', 'out'],
          ['lastScaleIn', 'in'],
          ['lastResize', 'resize'],
        ] as const) {
          if (damaged !== `${o.prefix}${name}`) expect(back[field]).toEqual(intact[field]);
        }
        if (damaged !== `${o.prefix}fail`) expect(back.metricFailures).toEqual(intact.metricFailures);
        if (damaged === undefined || !damaged.startsWith(`${o.prefix}recs`)) expect(back.recommendations).toEqual(intact.recommendations);
        if (damaged === undefined || !damaged.startsWith(`${o.prefix}dedupe`)) expect(back.dedupeKeys).toEqual(intact.dedupeKeys);
      }),
      { numRuns: 300 },
    );
  });

  it('decode takes anything a cloud might hand back without throwing', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('autoscaler:out', 'autoscaler:in', 'autoscaler:fail', 'autoscaler:dedupe', 'autoscaler:dedupe-1', 'autoscaler:recs'),
            fc.string(),
          ),
          fc.string(),
        ),
        (tags) => {
          const s = decodePersistedState(tags, AWS);
          expect(Array.isArray(s.dedupeKeys) && Array.isArray(s.recommendations)).toBe(true);
        },
      ),
    );
  });
});

describe('persisted-state codec: examples', () => {
  const s: PersistedState = {
    lastScaleOut: { at: NOW, from: 2, to: 4 },
    lastScaleIn: { at: NOW - 3_600_000 },
    metricFailures: 2,
    dedupeKeys: ['cw:alarm/hot:2026-03-10T12:00:00.000Z', 'a key with spaces', 'x'.repeat(300)],
    recommendations: [
      { at: NOW - 60_000, replicas: 3 },
      { at: NOW, replicas: 4 },
    ],
  };

  it('AWS tags: compact values, unsafe keys hashed, the orchestrator still recognises them', () => {
    const tags = encodePersistedState(s, AWS);
    expect([...tags.keys()]).toEqual(['autoscaler:out', 'autoscaler:in', 'autoscaler:fail', 'autoscaler:dedupe', 'autoscaler:recs']);
    const back = decodePersistedState(Object.fromEntries(tags), AWS);
    expect(back.dedupeKeys).toEqual(['cw:alarm/hot:2026-03-10T12:00:00.000Z', hashDedupeKey('a key with spaces'), hashDedupeKey('x'.repeat(300))]);
    expect(hashDedupeKey('x'.repeat(300))).toMatch(/^h-[0-9a-z]{22}$/);
    expect(hashDedupeKey('a')).not.toBe(hashDedupeKey('b'));
  });

  it('a tight charset (no space, no colon): keys hashed, list separator _', () => {
    const tags = encodePersistedState(s, TIGHT);
    for (const v of tags.values()) expect(v).toMatch(/^[a-z0-9_-]{1,63}$/);
    expect(decodePersistedState(tags, TIGHT).dedupeKeys).toHaveLength(3);
  });

  it('when the limits bite, the newest dedupe keys are kept', () => {
    const keys = Array.from({ length: 30 }, (_, i) => `cw-${String(i).padStart(3, '0')}-${'k'.repeat(40)}`);
    const o = { ...AWS, maxKeys: 3 };
    const back = decodePersistedState(encodePersistedState({ dedupeKeys: keys, recommendations: [{ at: NOW, replicas: 2 }] }, o), o);
    // 3 keys: 2 for dedupe keys (5 x 46 characters fit in 256), 1 for the recommendation.
    expect(back.dedupeKeys).toEqual(keys.slice(-10));
    expect(back.recommendations).toEqual([{ at: NOW, replicas: 2 }]);
  });

  it('refuses options it cannot honour, naming them', () => {
    expect(() => encodePersistedState(s, { ...AWS, maxValueLength: 16 })).toThrow(ValidationError);
    expect(() => encodePersistedState(s, { ...AWS, valueChars: /[A-Z]/ })).toThrow(/options\.valueChars/);
    expect(() => encodePersistedState(s, { ...AWS, valueChars: /[a-z0-9-]/ })).toThrow(/list separator/);
    expect(() => encodePersistedState(s, { ...AWS, maxKeys: 0 })).toThrow(/options\.maxKeys/);
  });

  it.each([
    ['true', true],
    [' TRUE ', true],
    ['True', true],
    ['false', false],
    ['', false],
    ['yes', false],
    ['true1', false],
    [undefined, false],
  ])('isManagedValue(%j) is %s', (v, want) => {
    expect(isManagedValue(v)).toBe(want);
  });

  it('stateEntryChanges writes what changed and removes only the state keys it no longer uses', () => {
    const current = {
      'autoscaler:managed': 'true',
      'autoscaler:policy': 'x',
      'autoscaler:out': 'old',
      'autoscaler:dedupe-1': 'a b',
      'autoscaler:recs': 'same',
      team: 'ml',
    };
    const next = new Map([
      ['autoscaler:out', 'new'],
      ['autoscaler:recs', 'same'],
    ]);
    const { put, remove } = stateEntryChanges(current, next, AWS);
    expect([...put]).toEqual([['autoscaler:out', 'new']]);
    expect(remove).toEqual(['autoscaler:dedupe-1']);
  });
});

describe('persisted-state codec: merge patches and damaged entries', () => {
  it('stateKeyNames lists every key encode may write, and nothing else', () => {
    fc.assert(
      fc.property(state, options, (s, o) => {
        const names = new Set(stateKeyNames(o));
        for (const k of encodePersistedState(s, o).keys()) expect(names.has(k)).toBe(true);
        for (const k of names) expect(isStateKey(k, o)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(stateKeyNames({ prefix: 'p/', maxKeys: 2 })).toEqual(['p/out', 'p/in', 'p/resize', 'p/fail', 'p/dedupe', 'p/dedupe-1', 'p/recs', 'p/recs-1']);
  });

  it('stateMergePatch sets the encoded pairs and nulls every other state key', () => {
    const patch = stateMergePatch({ dedupeKeys: ['k1'], recommendations: [], lastScaleIn: { at: 35 } }, K8S);
    expect(patch['autoscaler.dev/in']).toBe('10');
    expect(patch['autoscaler.dev/dedupe']).toBe('k1');
    expect(patch['autoscaler.dev/out']).toBeNull();
    expect(patch['autoscaler.dev/recs-7']).toBeNull();
    expect(Object.keys(patch)).toEqual(stateKeyNames(K8S));
  });

  it('decode names a damaged mark or count in problems and keeps the rest', () => {
    const problems: string[] = [];
    const back = decodePersistedState(
      { 'autoscaler-out': '{"o":1}', 'autoscaler-fail': '-', 'autoscaler-in': '10', 'autoscaler-dedupe': 'a b' },
      OCI,
      problems,
    );
    expect(back).toEqual({ lastScaleIn: { at: 35 }, dedupeKeys: ['a', 'b'], recommendations: [] });
    expect(problems).toEqual(['autoscaler-out: not a mark (<at>-<from>-<to> in base 35); ignored', 'autoscaler-fail: not a count >= 1 in base 35; ignored']);
    const none: string[] = [];
    decodePersistedState(
      encodePersistedState({ dedupeKeys: ['x'], recommendations: [{ at: 1, replicas: 2 }], lastScaleOut: { at: 1 }, metricFailures: 3 }, OCI),
      OCI,
      none,
    );
    expect(none).toEqual([]);
  });
});

describe('the orchestrator and hashed dedupe keys', () => {
  it('a delivery whose key was stored hashed is a duplicate', async () => {
    const key = 'sns message 6f1c a key with spaces and more than sixty-four characters in it, surely';
    const provider = new MemoryProvider([
      { id: 'model-a', capacity: { replicas: 1 }, persisted: decodePersistedState(encodePersistedState({ dedupeKeys: [key], recommendations: [] }, AWS), AWS) },
    ]);
    const p = validatePolicy({
      name: 'p',
      targets: [{ provider: 'memory', id: 'model-a' }],
      limits: { maxReplicas: 5 },
      rules: [{ name: 'up', threshold: { alarm: 'hot', change: 1 } }],
    });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]) });
    const result = await autoscaler.handleSignals([
      { target: { provider: 'memory', id: 'model-a' }, source: 't', metric: 'cpu', alarm: 'hot', state: 'firing', dedupeKey: key, at: NOW },
    ]);
    expect(result.records[0]!.outcome).toBe('duplicate');
    expect(provider.capacityOf('model-a').replicas).toBe(1);
  });
});
