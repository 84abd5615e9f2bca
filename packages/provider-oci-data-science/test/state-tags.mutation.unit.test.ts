import { DEDUPE_TAG, MANAGED_TAG, RECS_TAG, STATE_TAG, TAG_VALUE_MAX, decodeState, encodeState, isManaged, mergeStateTags } from '../src/state-tags';

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

describe('encodeState / decodeState', () => {
  it('an empty state writes no tag, and no tags read as an empty state', () => {
    expect(encodeState(empty)).toEqual({});
    expect(decodeState(undefined)).toEqual(empty);
    expect(decodeState({})).toEqual(empty);
  });

  it('marks: [at] alone, [at, from, to] with -1 for a missing side', () => {
    const tags = encodeState({ ...empty, lastScaleOut: { at: 5, from: 2, to: 4 }, lastScaleIn: { at: 6 }, lastResize: { at: 7, to: 3 } });
    expect(tags).toEqual({ [STATE_TAG]: '{"o":[5,2,4],"i":[6],"r":[7,-1,3]}' });
    expect(decodeState(tags)).toEqual({ ...empty, lastScaleOut: { at: 5, from: 2, to: 4 }, lastScaleIn: { at: 6 }, lastResize: { at: 7, to: 3 } });
    expect(encodeState({ ...empty, lastScaleIn: { at: 1, from: 0 } })).toEqual({ [STATE_TAG]: '{"i":[1,0,-1]}' });
  });

  it.each([
    ['{"o":["5"]}', {}],
    ['{"o":[null]}', {}],
    ['{"o":5}', {}],
    ['[[5]]', {}],
    ['nope', {}],
    ['{"o":[5,"2",-1],"i":[6,0,0]}', { lastScaleOut: { at: 5 }, lastScaleIn: { at: 6, from: 0, to: 0 } }],
    ['{"r":[7,-2,1]}', { lastResize: { at: 7, to: 1 } }],
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

  it('recommendations keep the newest that fit in one tag value', () => {
    const recommendations = Array.from({ length: 40 }, (_, k) => ({ at: 1_700_000_000_000 + k, replicas: k }));
    const tags = encodeState({ ...empty, recommendations });
    const value = tags[RECS_TAG]!;
    expect(value.length).toBeLessThanOrEqual(TAG_VALUE_MAX);
    const kept = decodeState(tags).recommendations;
    expect(kept.at(-1)).toEqual(recommendations.at(-1));
    expect(kept).toEqual(recommendations.slice(recommendations.length - kept.length));
    // One more would not fit: the cut is as late as the limit allows.
    expect(JSON.stringify([[recommendations[recommendations.length - kept.length - 1]!.at, 0], ...JSON.parse(value)]).length).toBeGreaterThan(
      TAG_VALUE_MAX - 1,
    );
  });

  it('dedupe keys are split over 256-character chunks and read back in order, the newest kept', () => {
    const keys = Array.from({ length: 60 }, (_, k) => `delivery-${String(k).padStart(4, '0')}-${'x'.repeat(10)}`);
    const tags = encodeState({ ...empty, dedupeKeys: keys });
    const chunks = Object.keys(tags).filter((k) => k.startsWith(DEDUPE_TAG));
    expect(chunks).toEqual(['autoscaler-dedupe-0', 'autoscaler-dedupe-1', 'autoscaler-dedupe-2', 'autoscaler-dedupe-3']);
    for (const c of chunks.slice(0, 3)) expect(tags[c]!.length).toBe(TAG_VALUE_MAX);
    const back = decodeState(tags).dedupeKeys;
    expect(back.at(-1)).toBe(keys.at(-1));
    expect(back).toEqual(keys.slice(keys.length - back.length));
    expect(JSON.stringify(back).length).toBeLessThanOrEqual(4 * TAG_VALUE_MAX);
    expect(JSON.stringify([keys[keys.length - back.length - 1], ...back]).length).toBeGreaterThan(4 * TAG_VALUE_MAX);
  });

  it('exactly one chunk for a short list; a missing first chunk reads no keys; non-strings are dropped', () => {
    expect(encodeState({ ...empty, dedupeKeys: ['a', 'b'] })).toEqual({ 'autoscaler-dedupe-0': '["a","b"]' });
    expect(decodeState({ 'autoscaler-dedupe-1': '["a"]' }).dedupeKeys).toEqual([]);
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
    // and a key too long for all four chunks is not written at all
    expect(encodeState({ ...empty, dedupeKeys: ['k'.repeat(4 * TAG_VALUE_MAX)] })).toEqual({});
  });
});

describe('mergeStateTags', () => {
  it("replaces our state tags, keeps the managed marker and everyone else's tags", () => {
    const current = { [MANAGED_TAG]: 'true', team: 'ml', 'autoscaler-dedupe-3': 'stale', [STATE_TAG]: '{"o":[1]}', 'autoscaler-policy': 'x' };
    expect(mergeStateTags(current, { ...empty, dedupeKeys: ['a'] })).toEqual({ [MANAGED_TAG]: 'true', team: 'ml', 'autoscaler-dedupe-0': '["a"]' });
    expect(mergeStateTags(undefined, empty)).toEqual({});
  });
});
