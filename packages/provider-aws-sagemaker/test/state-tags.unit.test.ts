import fc from 'fast-check';
import type { PersistedState } from '@autoscaler/core';
import { decodeState, encodeState, storableDedupeKey } from '../src';

const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const time = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) });
const mark = fc.record({ at: time, from: fc.nat(1000), to: fc.nat(1000) });
const state: fc.Arbitrary<PersistedState> = fc.record(
  {
    lastScaleOut: mark,
    lastScaleIn: mark,
    lastResize: fc.record({ at: time }),
    dedupeKeys: fc.array(fc.oneof(fc.uuid().map((u) => `sns:${u}`), fc.string({ maxLength: 120 })), { maxLength: 40 }),
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
    expect(storableDedupeKey('has spaces and "quotes"')).toMatch(/^h=[A-Za-z0-9_-]{22}$/);
    expect(storableDedupeKey('x'.repeat(65))).toBe(storableDedupeKey('x'.repeat(65)));
  });
});
