import fc from 'fast-check';
import type { PersistedState } from '@autoscaler/core';
import { decodeState, encodeState, isManaged, storableDedupeKey, tagChanges } from '../src/state-tags';

const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const time = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) });
const mark = fc.record({ at: time, from: fc.nat(1000), to: fc.nat(1000) });
const state: fc.Arbitrary<PersistedState> = fc.record(
  {
    lastScaleOut: mark,
    lastScaleIn: mark,
    lastResize: fc.record({ at: time }),
    metricFailures: fc.integer({ min: 1, max: 10_000 }),
    dedupeKeys: fc.array(
      fc.oneof(
        fc.uuid().map((u) => `sns:${u}`),
        fc.string({ maxLength: 120 }),
      ),
      { maxLength: 40 },
    ),
    recommendations: fc.array(fc.record({ at: time, replicas: fc.nat(100_000) }), { maxLength: 64 }),
  },
  { requiredKeys: ['dedupeKeys', 'recommendations'] },
);

describe('state in endpoint tags', () => {
  it('every tag fits SageMaker (value <= 256, allowed characters), at most 12 tags', () => {
    fc.assert(
      fc.property(state, (s) => {
        const tags = encodeState(s);
        expect(tags.size).toBeLessThanOrEqual(12);
        for (const [k, v] of tags) {
          expect(k.length).toBeLessThanOrEqual(128);
          expect(v.length).toBeLessThanOrEqual(256);
          expect(v).toMatch(TAG_VALUE);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips marks exactly and keeps the newest dedupe keys and recommendations, in order', () => {
    fc.assert(
      fc.property(state, (s) => {
        const back = decodeState(encodeState(s));
        expect(back.lastScaleOut).toEqual(s.lastScaleOut);
        expect(back.lastScaleIn).toEqual(s.lastScaleIn);
        expect(back.lastResize).toEqual(s.lastResize);
        expect(back.metricFailures).toEqual(s.metricFailures);
        const stored = s.dedupeKeys.map(storableDedupeKey);
        expect(stored.slice(stored.length - back.dedupeKeys.length)).toEqual(back.dedupeKeys);
        expect(back.dedupeKeys.length).toBeGreaterThanOrEqual(Math.min(stored.length, 12));
        expect(s.recommendations.slice(s.recommendations.length - back.recommendations.length)).toEqual(back.recommendations);
      }),
      { numRuns: 300 },
    );
  });

  it('short tag-safe keys are kept verbatim; others become a stable hash', () => {
    expect(storableDedupeKey('sns:95df01b4-ee98-5cb9-9903-4c221d41eb5e')).toBe('sns:95df01b4-ee98-5cb9-9903-4c221d41eb5e');
    expect(storableDedupeKey('has spaces and "quotes"')).toMatch(/^h-[0-9a-z]{20,24}$/);
    expect(storableDedupeKey('x'.repeat(65))).toBe(storableDedupeKey('x'.repeat(65)));
  });

  it("core's codec with SageMaker's limits: keys under autoscaler:, failed metric reads kept for policy.fallback", () => {
    const tags = encodeState({ dedupeKeys: ['sns:a'], recommendations: [], metricFailures: 3, lastScaleOut: { at: Date.UTC(2026, 2, 10), from: 1, to: 2 } });
    expect([...tags.keys()].sort()).toEqual(['autoscaler:dedupe', 'autoscaler:fail', 'autoscaler:out']);
    expect(decodeState(tags).metricFailures).toBe(3);
    expect(decodeState(encodeState({ dedupeKeys: [], recommendations: [] })).metricFailures).toBeUndefined();
  });

  it('reads the marks of the previous encoding, and its numbered list tags are removed at the next write', () => {
    const old = new Map([
      ['autoscaler:out', '2026-03-10T12:00:00.000Z 1 3'],
      ['autoscaler:dedupe', 'sns:a sns:b'],
      ['autoscaler:dedupe.1', 'sns:c'],
      ['autoscaler:managed', 'true'],
      ['team', 'ml'],
    ]);
    const state = decodeState(old);
    expect(state.lastScaleOut).toEqual({ at: Date.UTC(2026, 2, 10, 12), from: 1, to: 3 });
    expect(state.dedupeKeys).toEqual(['sns:a', 'sns:b']);
    const { put, remove } = tagChanges(old, encodeState(state));
    expect(remove).toEqual(['autoscaler:dedupe.1']);
    expect(put.map((t) => t.Key)).toEqual(['autoscaler:out']);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    [' True ', true],
    ['false', false],
    ['', false],
    ['yes', false],
  ])('managed tag %j -> %s', (value, managed) => {
    expect(isManaged(new Map([['autoscaler:managed', value]]))).toBe(managed);
    expect(isManaged(new Map())).toBe(false);
  });
});
