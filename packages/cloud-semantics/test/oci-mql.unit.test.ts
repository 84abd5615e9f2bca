import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { MQL_STATISTICS, aggregateMql, compareMql, formatMql, parseMql, parseMqlThreshold, thresholdQuery, type MqlComparison } from '../src';

const DEP = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaaabc';

describe('parseMql', () => {
  it('reads metric, interval, dimensions, grouping, statistic and the threshold', () => {
    expect(parseMql(`CpuUtilization[5m]{resourceId = "${DEP}"}.max() > 80`)).toEqual({
      metric: 'CpuUtilization',
      interval: '5m',
      intervalSeconds: 300,
      dimensions: { resourceId: DEP },
      functions: ['max()'],
      grouping: false,
      statistic: 'max',
      operator: '>',
      threshold: 80,
    });
    expect(parseMql('PredictRequestCount[1h]{a = "1", b.c = "x y"}.grouping().sum()')).toMatchObject({
      intervalSeconds: 3600,
      dimensions: { a: '1', 'b.c': 'x y' },
      grouping: true,
      statistic: 'sum',
    });
    expect(parseMql('X[1d].percentile(0.9) <= -1.5')).toMatchObject({
      intervalSeconds: 86_400,
      functions: ['percentile(0.9)'],
      operator: '<=',
      threshold: -1.5,
    });
    expect(parseMql('X[1d].percentile(0.9)')!.statistic).toBeUndefined();
  });

  it.each([
    'CpuUtilization[5m]{resourceId = "a"}.max() > 80 && MemoryUtilization[5m].max() > 80',
    'CpuUtilization[5m]{resourceId = a}.max() > 80',
    'CpuUtilization[5s].max() > 80',
    'CpuUtilization.max() > 80',
    '',
    42,
    `X[1m].max() > 1${' '.repeat(5000)}`,
  ])('%#: %s is not a query', (q) => {
    expect(parseMql(q)).toBeUndefined();
  });

  it('never throws, and what it accepts formats back to an equal query (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const q = parseMql(s);
        if (q) expect(parseMql(formatMql(q))).toEqual(q);
      }),
    );
    const ident = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/);
    const arb = fc.record({
      metric: ident,
      interval: fc.tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom('m', 'h', 'd')).map(([n, u]) => `${n}${u}`),
      dimensions: fc.dictionary(ident, fc.stringMatching(/^[a-z0-9. -]{0,20}$/), { maxKeys: 3 }),
      functions: fc.subarray(['grouping()', 'mean()']),
      operator: fc.constantFrom<MqlComparison>('>', '>=', '<', '<=', '==', '!='),
      threshold: fc.integer({ min: -1000, max: 1000 }),
    });
    fc.assert(
      fc.property(arb, (q) => {
        const back = parseMql(formatMql(q))!;
        expect(back).toMatchObject({
          metric: q.metric,
          interval: q.interval,
          dimensions: q.dimensions,
          functions: q.functions,
          operator: q.operator,
          threshold: q.threshold,
        });
      }),
    );
  });
});

describe('parseMqlThreshold', () => {
  it('accepts an alarm query and gives its interval in minutes', () => {
    expect(parseMqlThreshold(thresholdQuery({ metric: 'CpuUtilization', resourceId: DEP, operator: '<', threshold: 10, interval: '5m' }), 'q')).toMatchObject({
      statistic: 'mean',
      operator: '<',
      threshold: 10,
      intervalMinutes: 5,
      grouping: true,
    });
  });

  it.each([
    ['CpuUtilization[5m].max()', /comparison/],
    ['CpuUtilization[5m].grouping() > 1', /statistic/],
    ['CpuUtilization[2h].max() > 1', /between 1m and 60m/],
    ['nonsense', /not an MQL threshold query/],
  ])('%s is refused naming the field', (q, why) => {
    let err: unknown;
    try {
      parseMqlThreshold(q, 'alarms[0].query');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]).toMatchObject({ path: 'alarms[0].query', message: expect.stringMatching(why) });
  });

  it('takes a longer interval when asked (summary windows)', () => {
    expect(parseMqlThreshold('X[2h].max() > 1', 'q', { maxIntervalMinutes: 1440 }).intervalMinutes).toBe(120);
  });
});

describe('statistics and comparisons', () => {
  it('aggregates a window; an empty one has no value but a count of 0', () => {
    const v = [1, 5, 3, 7];
    expect(MQL_STATISTICS.map((s) => aggregateMql(v, 1, 4, s))).toEqual([5, 7, 3, 15, 3]);
    expect(aggregateMql(v, 2, 2, 'mean')).toBeUndefined();
    expect(aggregateMql(v, 2, 2, 'count')).toBe(0);
  });

  it('compares as the alarm does', () => {
    expect((['>', '>=', '<', '<=', '==', '!='] as const).map((op) => compareMql(80, op, 80))).toEqual([false, true, false, true, true, false]);
  });

  it('refuses to write what MQL cannot carry', () => {
    expect(() => thresholdQuery({ metric: 'Cpu Util', resourceId: DEP, operator: '>', threshold: 1 })).toThrow(ValidationError);
    expect(() => thresholdQuery({ metric: 'Cpu', resourceId: 'a"} || X[1m', operator: '>', threshold: 1 })).toThrow(/dimensions.resourceId/);
    expect(() => thresholdQuery({ metric: 'Cpu', resourceId: DEP, operator: '>', threshold: NaN })).toThrow(/threshold/);
  });
});
