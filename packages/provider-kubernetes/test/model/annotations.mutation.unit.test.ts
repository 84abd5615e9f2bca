import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANNOTATION,
  LEGACY_STATE_ANNOTATION,
  POLICY_CONFIGMAP_LABEL,
  STATE_CODEC,
  isManaged,
  persistedStatePatch,
  readPersistedState,
} from '../../src/model/annotations';

/** The workload annotations as a specification, edge by edge (found by mutation testing, bench/mutation.ts). */
const AT = '2026-03-10T12:00:00.000Z';
const AT_MS = Date.parse(AT);

describe('isManaged', () => {
  it.each([
    [undefined, false],
    [{}, false],
    [{ [ANNOTATION.managed]: 'true' }, true],
    [{ [ANNOTATION.managed]: 'false' }, false],
    [{ [ANNOTATION.managed]: '' }, false],
    [{ [ANNOTATION.managed]: 'yes' }, false],
    [{ [ANNOTATION.policy]: 'my-policy' }, true],
    // Opting out opts out, even beside a policy annotation (issue 13, item 9, on Kubernetes).
    [{ [ANNOTATION.policy]: 'ns/my-policy', [ANNOTATION.managed]: 'false' }, false],
    [{ [ANNOTATION.policy]: 'ns/my-policy', [ANNOTATION.managed]: '' }, false],
    [{ [ANNOTATION.managed]: ' TRUE ' }, true],
    [{ [ANNOTATION.policy]: '  ' }, false],
    [{ 'autoscaler.dev/other': 'true' }, false],
  ])('%j -> %s', (annotations, managed) => {
    expect(isManaged(annotations)).toBe(managed);
  });
});

describe('readPersistedState', () => {
  it('no annotations: empty state, no problems', () => {
    const problems: string[] = [];
    expect(readPersistedState(undefined, problems)).toEqual({ dedupeKeys: [], recommendations: [] });
    expect(readPersistedState({}, problems)).toEqual({ dedupeKeys: [], recommendations: [] });
    expect(problems).toEqual([]);
  });

  it('reads every mark, the dedupe keys, the recommendations and the failure count', () => {
    const problems: string[] = [];
    const state = readPersistedState(
      {
        [LEGACY_STATE_ANNOTATION.lastScaleOut]: JSON.stringify({ at: AT, from: 2, to: 4 }),
        [LEGACY_STATE_ANNOTATION.lastScaleIn]: JSON.stringify({ at: AT, from: 0, to: 0 }),
        [LEGACY_STATE_ANNOTATION.lastResize]: JSON.stringify({ at: AT }),
        [LEGACY_STATE_ANNOTATION.dedupeKeys]: JSON.stringify(['a', 'b']),
        [LEGACY_STATE_ANNOTATION.recommendations]: JSON.stringify([
          { at: AT, replicas: 3 },
          { at: AT, replicas: 0 },
        ]),
        [LEGACY_STATE_ANNOTATION.metricFailures]: '2',
      },
      problems,
    );
    expect(state).toEqual({
      lastScaleOut: { at: AT_MS, from: 2, to: 4 },
      lastScaleIn: { at: AT_MS, from: 0, to: 0 },
      lastResize: { at: AT_MS },
      dedupeKeys: ['a', 'b'],
      recommendations: [
        { at: AT_MS, replicas: 3 },
        { at: AT_MS, replicas: 0 },
      ],
      metricFailures: 2,
    });
    expect(problems).toEqual([]);
  });

  it.each([
    ['not json', `${LEGACY_STATE_ANNOTATION.lastScaleOut}: not {"at": "<RFC 3339>", "from": n, "to": n}; ignored`],
    [JSON.stringify({ at: 'yesterday' }), `${LEGACY_STATE_ANNOTATION.lastScaleOut}: not {"at": "<RFC 3339>", "from": n, "to": n}; ignored`],
    [JSON.stringify({ at: AT_MS }), `${LEGACY_STATE_ANNOTATION.lastScaleOut}: not {"at": "<RFC 3339>", "from": n, "to": n}; ignored`],
    ['null', `${LEGACY_STATE_ANNOTATION.lastScaleOut}: not {"at": "<RFC 3339>", "from": n, "to": n}; ignored`],
  ])('a damaged mark %s is dropped and reported', (text, problem) => {
    const problems: string[] = [];
    const state = readPersistedState({ [LEGACY_STATE_ANNOTATION.lastScaleOut]: text }, problems);
    expect(state.lastScaleOut).toBeUndefined();
    expect(problems).toEqual([problem]);
  });

  it.each([
    [{ at: AT, from: -1, to: 1.5 }, { at: AT_MS }],
    [{ at: AT, from: '2', to: null }, { at: AT_MS }],
    [
      { at: AT, from: 0 },
      { at: AT_MS, from: 0 },
    ],
    [
      { at: AT, to: 7 },
      { at: AT_MS, to: 7 },
    ],
  ])('mark %j keeps only whole from/to >= 0: %j', (mark, expected) => {
    expect(readPersistedState({ [LEGACY_STATE_ANNOTATION.lastScaleIn]: JSON.stringify(mark) }).lastScaleIn).toEqual(expected);
    expect(readPersistedState({ [LEGACY_STATE_ANNOTATION.lastResize]: JSON.stringify(mark) }).lastResize).toEqual(expected);
  });

  it.each([
    ['{"a":1}', [], [`${LEGACY_STATE_ANNOTATION.dedupeKeys}: not a JSON array of strings; ignored`]],
    ['["a",1]', [], [`${LEGACY_STATE_ANNOTATION.dedupeKeys}: not a JSON array of strings; ignored`]],
    ['nope', [], [`${LEGACY_STATE_ANNOTATION.dedupeKeys}: not a JSON array of strings; ignored`]],
    ['[]', [], []],
    ['["k"]', ['k'], []],
  ])('dedupe keys %s -> %j, problems %j', (text, keys, expectedProblems) => {
    const problems: string[] = [];
    expect(readPersistedState({ [LEGACY_STATE_ANNOTATION.dedupeKeys]: text }, problems).dedupeKeys).toEqual(keys);
    expect(problems).toEqual(expectedProblems);
  });

  it.each([
    ['{"at":1}', [], [`${LEGACY_STATE_ANNOTATION.recommendations}: not a JSON array; ignored`]],
    ['nope', [], [`${LEGACY_STATE_ANNOTATION.recommendations}: not a JSON array; ignored`]],
    [
      JSON.stringify([
        null,
        { at: AT },
        { replicas: 2 },
        { at: 'x', replicas: 2 },
        { at: AT, replicas: -1 },
        { at: AT, replicas: 2.5 },
        { at: AT_MS, replicas: 2 },
        { at: AT, replicas: 5 },
      ]),
      [{ at: AT_MS, replicas: 5 }],
      [],
    ],
  ])('recommendations %s -> %j', (text, recs, expectedProblems) => {
    const problems: string[] = [];
    expect(readPersistedState({ [LEGACY_STATE_ANNOTATION.recommendations]: text }, problems).recommendations).toEqual(recs);
    expect(problems).toEqual(expectedProblems);
  });

  it.each([
    ['1', 1],
    ['9', 9],
    ['10', 10],
    ['999999', 999999],
    ['1000000', undefined],
    ['0', undefined],
    ['01', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    [' 2', undefined],
    ['2 ', undefined],
    ['x2', undefined],
    ['', undefined],
  ])('metric failures %j -> %p', (text, n) => {
    const problems: string[] = [];
    const state = readPersistedState({ [LEGACY_STATE_ANNOTATION.metricFailures]: text }, problems);
    expect(state.metricFailures).toBe(n);
    expect(problems).toEqual(n === undefined ? [`${LEGACY_STATE_ANNOTATION.metricFailures}: not a whole number >= 1; ignored`] : []);
    expect('metricFailures' in state).toBe(n !== undefined);
  });

  it('problems default to a fresh list (no throw without one)', () => {
    expect(() =>
      readPersistedState({
        [LEGACY_STATE_ANNOTATION.lastScaleOut]: 'x',
        [LEGACY_STATE_ANNOTATION.dedupeKeys]: 'x',
        [LEGACY_STATE_ANNOTATION.recommendations]: 'x',
        [LEGACY_STATE_ANNOTATION.metricFailures]: 'x',
      }),
    ).not.toThrow();
  });
});

describe('persistedStatePatch', () => {
  const L = Object.values(LEGACY_STATE_ANNOTATION);
  it("an empty state removes every state annotation, the previous version's too (JSON merge null)", () => {
    const patch = persistedStatePatch({ dedupeKeys: [], recommendations: [] });
    expect(Object.values(patch).every((v) => v === null)).toBe(true);
    for (const k of [...L, 'autoscaler.dev/state-out', 'autoscaler.dev/state-fail', 'autoscaler.dev/state-dedupe', 'autoscaler.dev/state-recs-7'])
      expect(patch).toHaveProperty([k], null);
    expect(persistedStatePatch({ dedupeKeys: [], recommendations: [], metricFailures: 0 })['autoscaler.dev/state-fail']).toBeNull();
  });

  it('writes each field in the form readPersistedState reads back, under autoscaler.dev/state-', () => {
    const state = {
      lastScaleOut: { at: AT_MS, from: 2, to: 4 },
      lastScaleIn: { at: AT_MS, from: 0 },
      lastResize: { at: AT_MS },
      dedupeKeys: ['k1', 'k2'],
      recommendations: [{ at: AT_MS, replicas: 3 }],
      metricFailures: 1,
    };
    const patch = persistedStatePatch(state);
    const written = Object.fromEntries(Object.entries(patch).filter((e): e is [string, string] => e[1] !== null));
    expect(Object.keys(written).sort()).toEqual(['out', 'in', 'resize', 'fail', 'dedupe', 'recs'].map((k) => `${STATE_CODEC.prefix}${k}`).sort());
    // Space-separated (annotation values allow any character): what the previous releases wrote and read.
    expect(written['autoscaler.dev/state-dedupe']).toBe('k1 k2');
    expect(written['autoscaler.dev/state-fail']).toBe('1');
    const problems: string[] = [];
    expect(readPersistedState(written, problems)).toEqual(state);
    expect(problems).toEqual([]);
  });

  it('a damaged state annotation is reported and ignored', () => {
    const problems: string[] = [];
    expect(readPersistedState({ 'autoscaler.dev/state-out': 'x y', 'autoscaler.dev/state-in': '10' }, problems)).toEqual({
      lastScaleIn: { at: 35 },
      dedupeKeys: [],
      recommendations: [],
    });
    expect(problems).toEqual(['autoscaler.dev/state-out: not a mark (<at>-<from>-<to> in base 35); ignored']);
  });
});

describe('annotation keys: the contract operators write by hand (docs/kubernetes.md)', () => {
  it('every key operators write is the one docs/kubernetes.md documents; the state keys, exactly', () => {
    const documented = new Set(readFileSync(join(__dirname, '../../../../docs/kubernetes.md'), 'utf8').match(/autoscaler\.dev\/[a-z-]+/g));
    const keys = Object.values(ANNOTATION);
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(ANNOTATION).map((k) => `autoscaler.dev/${k}`)).toEqual(keys);
    // The previous version wrote each state field under its kebab-case name.
    expect(Object.keys(LEGACY_STATE_ANNOTATION)).toEqual(['lastScaleOut', 'lastScaleIn', 'lastResize', 'dedupeKeys', 'recommendations', 'metricFailures']);
    for (const [field, key] of Object.entries(LEGACY_STATE_ANNOTATION))
      expect(key).toBe(`autoscaler.dev/${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    expect(LEGACY_STATE_ANNOTATION.lastScaleOut).toBe('autoscaler.dev/last-scale-out');
    expect(POLICY_CONFIGMAP_LABEL).toBe('autoscaler.dev/policy');
  });
});

describe('absent fields are absent, not undefined (a spread or `in` check downstream must see no key)', () => {
  it('a state with nothing set has only the two lists; a mark without from/to has only `at`', () => {
    expect(readPersistedState({})).toStrictEqual({ dedupeKeys: [], recommendations: [] });
    expect(Object.keys(readPersistedState({ [LEGACY_STATE_ANNOTATION.lastScaleOut]: JSON.stringify({ at: AT }) }).lastScaleOut!)).toEqual(['at']);
    expect(Object.keys(readPersistedState({ [LEGACY_STATE_ANNOTATION.lastScaleIn]: JSON.stringify({ at: AT, from: 1 }) }))).toEqual([
      'dedupeKeys',
      'recommendations',
      'lastScaleIn',
    ]);
    expect(Object.keys(readPersistedState({ [LEGACY_STATE_ANNOTATION.lastResize]: JSON.stringify({ at: AT, to: 1 }) }))).toEqual([
      'dedupeKeys',
      'recommendations',
      'lastResize',
    ]);
    expect(Object.keys(readPersistedState({ [LEGACY_STATE_ANNOTATION.lastScaleIn]: JSON.stringify({ at: AT, to: 1 }) }).lastScaleIn!)).toEqual(['at', 'to']);
  });
});
