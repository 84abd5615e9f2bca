import { MANAGED_TAG, decodeState, isManaged, mergeStateTags } from '../src/state-tags';

/** The previous version's tag names (read while present, replaced at the next write). */
const STATE_TAG = 'autoscaler-state';
const RECS_TAG = 'autoscaler-recs';
const DEDUPE_TAG = 'autoscaler-dedupe-';
const TAG_VALUE_MAX = 256;

/** Deployment state tags, edge by edge (found by mutation testing, bench/mutation.ts). */
const empty = { dedupeKeys: [] as string[], recommendations: [] as Array<{ at: number; replicas: number }> };

describe('isManaged', () => {
  it.each([
    [undefined, false],
    [{}, false],
    [{ [MANAGED_TAG]: 'true' }, true],
    [{ [MANAGED_TAG]: 'TRUE' }, true],
    [{ [MANAGED_TAG]: 'false' }, false],
    [{ [MANAGED_TAG]: '' }, false],
    [{ [MANAGED_TAG]: 'yes' }, false],
    [{ 'autoscaler-other': 'true' }, false],
  ])('%j -> %s', (tags, managed) => {
    expect(isManaged(tags)).toBe(managed);
  });
});

describe("decodeState of the previous version's tags", () => {
  it('no tags read as an empty state', () => {
    expect(decodeState(undefined)).toEqual(empty);
    expect(decodeState({})).toEqual(empty);
  });

  it.each([
    ['{"o":["5"]}', {}],
    ['{"o":[null]}', {}],
    ['{"o":5}', {}],
    ['[[5]]', {}],
    ['nope', {}],
    ['{"o":[5,"2",-1],"i":[6,0,0]}', { lastScaleOut: { at: 5 }, lastScaleIn: { at: 6, from: 0, to: 0 } }],
    ['{"r":[7,-2,1]}', { lastResize: { at: 7, to: 1 } }],
    // JSON overflows 1e999 to Infinity: not a time, not a count.
    ['{"o":[1e999,1,2],"i":[6,1e999,1]}', { lastScaleIn: { at: 6, to: 1 } }],
  ])('state tag %s -> %j', (text, marks) => {
    expect(decodeState({ [STATE_TAG]: text })).toEqual({ ...empty, ...marks });
  });

  it.each([
    [
      '[[1,2],[3,0]]',
      [
        { at: 1, replicas: 2 },
        { at: 3, replicas: 0 },
      ],
    ],
    ['[[1,-1],[2,1.5],["3",1],[4],5,[6,"1"],[7,1]]', [{ at: 7, replicas: 1 }]],
    ['{"a":1}', []],
  ])('recommendations tag %s -> %j', (text, recs) => {
    expect(decodeState({ [RECS_TAG]: text }).recommendations).toEqual(recs);
  });

  it("a JSON list of recommendations is the previous form; anything else in autoscaler-recs is core's", () => {
    expect(decodeState({ [RECS_TAG]: 'a-1 b-2' }).recommendations).toEqual([
      { at: 10, replicas: 1 },
      { at: 11, replicas: 2 },
    ]);
  });

  it('a missing first chunk reads no keys; non-strings are dropped', () => {
    // Without the first chunk this is not the previous form: core's codec reads autoscaler-dedupe-1 as a list value.
    expect(decodeState({ 'autoscaler-dedupe-1': '["a"]' }).dedupeKeys).toEqual(['["a"]']);
    expect(decodeState({ 'autoscaler-dedupe-0': '["a",', 'autoscaler-dedupe-1': '1,"b"]' }).dedupeKeys).toEqual(['a', 'b']);
    expect(decodeState({ 'autoscaler-dedupe-0': '["a"', 'autoscaler-dedupe-2': ']' }).dedupeKeys).toEqual([]);
    expect(decodeState({ 'autoscaler-dedupe-0': '{"a":1}' }).dedupeKeys).toEqual([]);
    expect(decodeState({ 'autoscaler-dedupe-0': '' }).dedupeKeys).toEqual([]);
  });

  it('a chunk past the fourth is never read', () => {
    const text = JSON.stringify(['k'.repeat(4 * TAG_VALUE_MAX)]);
    const tags: Record<string, string> = {};
    for (let c = 0; c * TAG_VALUE_MAX < text.length; c++) tags[`${DEDUPE_TAG}${c}`] = text.slice(c * TAG_VALUE_MAX, (c + 1) * TAG_VALUE_MAX);
    expect(Object.keys(tags)).toHaveLength(5);
    expect(decodeState(tags).dedupeKeys).toEqual([]);
  });
});

describe('mergeStateTags', () => {
  it("replaces our state tags (and the previous version's), keeps the managed marker and everyone else's tags", () => {
    const current = { [MANAGED_TAG]: 'true', team: 'ml', 'autoscaler-dedupe-3': 'stale', [STATE_TAG]: '{"o":[1]}', 'autoscaler-policy': 'x' };
    expect(mergeStateTags(current, { ...empty, dedupeKeys: ['a'] })).toEqual({
      [MANAGED_TAG]: 'true',
      team: 'ml',
      'autoscaler-policy': 'x',
      'autoscaler-dedupe': 'a',
    });
    expect(mergeStateTags({ [`${DEDUPE_TAG}0`]: '["a"]', [RECS_TAG]: '[[1,2]]' }, empty)).toEqual({});
    expect(mergeStateTags(undefined, empty)).toEqual({});
  });
});
