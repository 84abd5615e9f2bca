import type { ActionMark, PersistedState } from '@autoscaler/core';
import { decodeState, encodeState, mergeStates, storableDedupeKey, tagChanges } from '../src/state-tags';

/** The legacy marks and the read-merge-write of the state tags (kills survivors of the mutation run). */

const AT = Date.UTC(2026, 2, 10, 12);
const state = (over: Partial<PersistedState> = {}): PersistedState => ({ dedupeKeys: [], recommendations: [], ...over });
const recs = (...ats: number[]) => ats.map((at) => ({ at, replicas: at }));

describe('marks of the previous encoding (ISO time, then from and to)', () => {
  it.each<[string, ActionMark | undefined]>([
    ['2026-03-10T12:00:00.000Z 12 34', { at: AT, from: 12, to: 34 }],
    ['2026-03-10T12:00:00.000Z', { at: AT }],
    ['2026-03-10T12:00:00.000Z x1 x2', { at: AT }],
    ['2026-03-10T12:00:00.000Z 1x 2x', { at: AT }],
    ['2026-03-10T12:00:00.000Z -1 +2', { at: AT }],
    ['2026-99-99T00:00:00.000Z 1 2', undefined],
    // Only the old writer's form (toISOString of a 4-digit year at the start): Date.parse would read this extended year.
    ['+002026-03-10T12:00:00.000Z 1 2', undefined],
  ])('%j reads as %j', (value, mark) => {
    const read = decodeState(new Map([['autoscaler:out', value]]));
    expect(read.lastScaleOut).toEqual(mark);
    expect(Object.hasOwn(read, 'lastScaleOut')).toBe(mark !== undefined);
  });
});

describe('mergeStates: ours written over theirs without erasing a concurrent writer', () => {
  it('without a base: every key kept (ours last), recommendations by time (ours win a tie), each mark the later one', () => {
    const theirs = state({
      dedupeKeys: ['a', 'b'],
      recommendations: [...recs(1), { at: 3, replicas: 30 }],
      lastScaleOut: { at: 5 },
      lastScaleIn: { at: 1 },
      lastResize: { at: 3 },
      metricFailures: 4,
    });
    const ours = state({ dedupeKeys: ['b', 'c'], recommendations: recs(3, 2), lastScaleOut: { at: 4 }, lastScaleIn: { at: 2 } });
    expect(mergeStates(theirs, ours)).toStrictEqual(
      state({ dedupeKeys: ['a', 'b', 'c'], recommendations: recs(1, 2, 3), lastScaleOut: { at: 5 }, lastScaleIn: { at: 2 }, lastResize: { at: 3 } }),
    );
  });

  it('with a base: what ours dropped stays dropped; what only theirs added is kept; their newer mark wins, an older one does not', () => {
    const base = state({ dedupeKeys: ['a'], recommendations: recs(1), lastScaleOut: { at: 5 }, lastScaleIn: { at: 5 }, lastResize: { at: 1 } });
    const theirs = state({ dedupeKeys: ['a', 'x'], recommendations: recs(1, 5), lastScaleOut: { at: 5 }, lastScaleIn: { at: 7 }, lastResize: { at: 3 } });
    const ours = state({ dedupeKeys: ['y'], lastScaleIn: { at: 6 }, lastResize: { at: 4 }, metricFailures: 2 });
    expect(mergeStates(theirs, ours, base)).toStrictEqual(
      state({ dedupeKeys: ['x', 'y'], recommendations: recs(5), metricFailures: 2, lastScaleIn: { at: 7 }, lastResize: { at: 4 } }),
    );
  });

  it('a mark of theirs at the same time as ours yields to ours', () => {
    const merged = mergeStates(state({ lastScaleOut: { at: 5, from: 1, to: 2 } }), state({ lastScaleOut: { at: 5, from: 1, to: 3 } }));
    expect(merged.lastScaleOut).toEqual({ at: 5, from: 1, to: 3 });
  });

  it('keys are compared as stored; at most the 64 newest recommendations; no failure count when ours is zero', () => {
    const long = 'has spaces and "quotes"';
    const ours = state({ dedupeKeys: [long], recommendations: recs(...Array.from({ length: 70 }, (_, i) => 70 - i)), metricFailures: 0 });
    const merged = mergeStates(state({ dedupeKeys: [storableDedupeKey(long)] }), ours, state({ dedupeKeys: [long] }));
    expect(merged.dedupeKeys).toEqual([storableDedupeKey(long)]);
    expect(merged.recommendations.map((r) => r.at)).toEqual(Array.from({ length: 64 }, (_, i) => i + 7));
    expect(Object.hasOwn(merged, 'metricFailures')).toBe(false);
  });
});

describe('tagChanges', () => {
  it("removes the numbered list tags of the previous encoding (key.1 to key.9) and no one else's tag", () => {
    const current = new Map(
      ['autoscaler:recs.2', 'autoscaler:dedupe.9', 'autoscaler:dedupe.0', 'autoscaler:dedupe.10', 'team:autoscaler:dedupe.1', 'autoscaler:dedupe'].map((k) => [
        k,
        'sns:a',
      ]),
    );
    expect(tagChanges(current, encodeState(state({ dedupeKeys: ['sns:a', 'sns:b'] })))).toEqual({
      put: [{ Key: 'autoscaler:dedupe', Value: 'sns:a sns:b' }],
      remove: ['autoscaler:recs.2', 'autoscaler:dedupe.9'],
    });
  });
});
