import fc from 'fast-check';
import { AutoscalerError, ValidationError } from '@autoscaler/core';
import { parseTraceCsv } from '../../src/trace/csv';

function error(text: string): ValidationError {
  try {
    parseTraceCsv(text, 't');
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('trace CSV', () => {
  it('reads a per-minute trace', () => {
    const t = parseTraceCsv('t_seconds,requests\n0,42\n60,62\r\n120,58\n\n', 'nasa');
    expect([...t.requests]).toEqual([42, 62, 58]);
    expect(t.perSecond).toBeUndefined();
  });

  it('sums a per-second trace (extra token columns ignored) into minutes and drops a partial minute', () => {
    const rows = Array.from({ length: 150 }, (_, i) => `${i},${i < 60 ? 1 : 2},10,1`);
    const t = parseTraceCsv(`t_seconds,requests,tokens_in,tokens_out\n${rows.join('\n')}`, 'azure');
    expect([...t.requests]).toEqual([60, 120]);
    expect(t.perSecond?.length).toBe(120);
    expect(t.notes.join(' ')).toMatch(/dropped the last 30 second/);
  });

  it.each([
    ['', /empty/],
    ['   \n\n', /empty/],
    ['time,count\n0,1', /line 1, column 1 \(time\).*t_seconds,requests/],
    ['t_seconds,requests\n', /no data rows/],
    ['t_seconds,requests\n0,1\n60,abc', /line 3, column 2 \(requests\).*"abc" is not a number/],
    ['t_seconds,requests\n0,1\n60', /line 3, column 2 \(requests\).*at least 2 columns/],
    ['t_seconds,requests\n0,1\n60,-3', /line 3, column 2 \(requests\).*negative count -3/],
    ['t_seconds,requests\n0,1\n60,2\n180,3', /line 4, column 1 \(t_seconds\).*gap in timestamps: expected 120 after 60, got 180 \(1 missing row/],
    ['t_seconds,requests\n0,1\n60,2\n60,3', /line 4, column 1 \(t_seconds\).*not after the previous row's 60/],
    ['t_seconds,requests\n0,1\n60,2\n30,3', /line 4, column 1 \(t_seconds\).*not after/],
    ['t_seconds,requests\n0,1\n30,2', /line 3, column 1 \(t_seconds\).*step of 30 s/],
    ['t_seconds,requests\n-60,1', /line 2, column 1 \(t_seconds\).*not a whole number/],
    ['t_seconds,requests\n0,1e999', /line 2, column 2 \(requests\).*not finite/],
  ])('rejects %j naming the line and column', (text, message) => {
    const e = error(text);
    expect(e.message).toMatch(message);
    expect(e.issues.length).toBeGreaterThan(0);
  });

  it('fuzz: any text parses or fails with a ValidationError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(fc.tuple(fc.integer({ min: -5, max: 200 }), fc.oneof(fc.double(), fc.string({ maxLength: 4 }))))
            .map((rows) => `t_seconds,requests\n${rows.map(([a, b]) => `${a},${b}`).join('\n')}`),
        ),
        (text) => {
          try {
            const t = parseTraceCsv(text, 'fuzz');
            for (const r of t.requests) expect(r >= 0 && Number.isFinite(r)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(AutoscalerError);
            expect(e).toBeInstanceOf(ValidationError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
