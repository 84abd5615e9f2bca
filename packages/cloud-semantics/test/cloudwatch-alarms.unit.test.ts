import { ValidationError } from '@autoscaler/core';
import fc from 'fast-check';
import { breaches, datapoint, evaluateAlarm, invokesActions, targetTrackingAlarms, validateAlarmSpec } from '../src/cloudwatch-alarms';
import type { AlarmState, CloudWatchAlarmSpec, ComparisonOperator } from '../src/cloudwatch-alarms';

const spec = (extra: Partial<CloudWatchAlarmSpec> = {}): CloudWatchAlarmSpec => ({
  name: 'high',
  metric: 'CPUUtilization',
  statistic: 'Average',
  period: 60,
  evaluationPeriods: 3,
  comparisonOperator: 'GreaterThanThreshold',
  threshold: 70,
  ...extra,
});

/** Run evaluations over a series of windows, carrying the state, as CloudWatch does. */
function states(s: CloudWatchAlarmSpec, windows: Array<Array<number | undefined>>, start: AlarmState = 'INSUFFICIENT_DATA'): AlarmState[] {
  let state = start;
  return windows.map((w) => (state = evaluateAlarm(s, w, state).state));
}

describe('comparison operators', () => {
  it.each<[ComparisonOperator, number, boolean]>([
    ['GreaterThanThreshold', 70, false],
    ['GreaterThanThreshold', 70.01, true],
    ['GreaterThanOrEqualToThreshold', 70, true],
    ['GreaterThanOrEqualToThreshold', 69.99, false],
    ['LessThanThreshold', 70, false],
    ['LessThanThreshold', 69.99, true],
    ['LessThanOrEqualToThreshold', 70, true],
    ['LessThanOrEqualToThreshold', 70.01, false],
  ])('%s: %d against 70 breaches = %s', (op, v, expected) => {
    expect(breaches(v, op, 70)).toBe(expected);
  });
});

describe('datapoint statistics', () => {
  it.each([
    ['Average', 20],
    ['Sum', 60],
    ['Maximum', 30],
    ['Minimum', 10],
    ['SampleCount', 3],
  ] as const)('%s of [10, 20, 30] is %d', (stat, expected) => {
    expect(datapoint(stat, [10, 20, 30])).toBe(expected);
  });

  it('a period with no sample is a missing datapoint', () => {
    expect(datapoint('Average', [])).toBeUndefined();
  });
});

describe('M of N evaluation', () => {
  it('3 of 3: one good datapoint keeps the alarm OK', () => {
    expect(
      states(spec(), [
        [80, 80, 50],
        [80, 80, 80],
        [80, 50, 80],
      ]),
    ).toEqual(['OK', 'ALARM', 'OK']);
  });

  it('2 of 3 (DatapointsToAlarm 2): alarms with one good datapoint in the window', () => {
    expect(evaluateAlarm(spec({ datapointsToAlarm: 2 }), [80, 50, 80], 'OK')).toEqual({ state: 'ALARM', breaching: 2, present: 3 });
    expect(evaluateAlarm(spec({ datapointsToAlarm: 2 }), [80, 50, 50], 'ALARM')).toEqual({ state: 'OK', breaching: 1, present: 3 });
  });

  it('refuses a window that is not evaluationPeriods long', () => {
    expect(() => evaluateAlarm(spec(), [80, 80], 'OK')).toThrow(/datapoints/);
  });
});

describe('missing data (TreatMissingData), 3 of 3 over [80, missing, missing]', () => {
  // Per CloudWatch's table: missing datapoints count as neither with `missing`/`ignore`,
  // as bad with `breaching`, as good with `notBreaching`.
  it.each<[CloudWatchAlarmSpec['treatMissingData'], AlarmState]>([
    ['missing', 'OK'],
    ['ignore', 'OK'],
    ['breaching', 'ALARM'],
    ['notBreaching', 'OK'],
  ])('%s -> %s', (treat, expected) => {
    expect(evaluateAlarm(spec({ treatMissingData: treat }), [80, undefined, undefined], 'INSUFFICIENT_DATA').state).toBe(expected);
  });

  it.each<[CloudWatchAlarmSpec['treatMissingData'], AlarmState]>([
    [undefined, 'INSUFFICIENT_DATA'],
    ['missing', 'INSUFFICIENT_DATA'],
    ['ignore', 'ALARM'],
    ['breaching', 'ALARM'],
    ['notBreaching', 'OK'],
  ])('all missing, currently ALARM: %s -> %s', (treat, expected) => {
    expect(evaluateAlarm(spec(treat ? { treatMissingData: treat } : {}), [undefined, undefined, undefined], 'ALARM').state).toBe(expected);
  });
});

describe('alarm actions', () => {
  it('run on a state change; an Auto Scaling action also on every evaluation that stays in ALARM', () => {
    expect(invokesActions(spec(), 'OK', 'ALARM')).toBe(true);
    expect(invokesActions(spec(), 'ALARM', 'ALARM')).toBe(false);
    expect(invokesActions(spec({ autoScalingAction: true }), 'ALARM', 'ALARM')).toBe(true);
    expect(invokesActions(spec({ autoScalingAction: true }), 'OK', 'OK')).toBe(false);
  });
});

describe('validateAlarmSpec', () => {
  it.each([10, 20, 30, 60, 300, 3600])('accepts a %d s period', (period) => {
    expect(() => validateAlarmSpec(spec({ period }))).not.toThrow();
  });

  it.each([
    [{ period: 90 }, 'a.period'],
    [{ period: 5 }, 'a.period'],
    [{ evaluationPeriods: 0 }, 'a.evaluationPeriods'],
    [{ datapointsToAlarm: 4 }, 'a.datapointsToAlarm'],
    [{ period: 60, evaluationPeriods: 1441 }, 'a.evaluationPeriods'],
    [{ threshold: Number.NaN }, 'a.threshold'],
  ] as const)('refuses %j naming %s', (extra, field) => {
    expect(() => validateAlarmSpec(spec(extra), 'a')).toThrow(ValidationError);
    expect(() => validateAlarmSpec(spec(extra), 'a')).toThrow(field);
  });
});

describe('targetTrackingAlarms (the Application Auto Scaling pair)', () => {
  it('AlarmHigh: 3 x 1 min above the target; AlarmLow: 15 x 1 min below 90% of it; both re-invoke the policy', () => {
    expect(targetTrackingAlarms('tt', 'InvocationsPerInstance', 100)).toEqual([
      {
        name: 'TargetTracking-tt-AlarmHigh',
        metric: 'InvocationsPerInstance',
        statistic: 'Average',
        period: 60,
        evaluationPeriods: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 100,
        autoScalingAction: true,
      },
      {
        name: 'TargetTracking-tt-AlarmLow',
        metric: 'InvocationsPerInstance',
        statistic: 'Average',
        period: 60,
        evaluationPeriods: 15,
        comparisonOperator: 'LessThanThreshold',
        threshold: 90,
        autoScalingAction: true,
      },
    ]);
  });

  it('high resolution (10 s metrics): AlarmHigh evaluates 3 x 10 s, AlarmLow stays 15 x 1 min', () => {
    const [high, low] = targetTrackingAlarms('hr', 'ConcurrentRequestsPerModel', 4, { highResolution: true });
    expect(high).toMatchObject({ period: 10, evaluationPeriods: 3, threshold: 4 });
    expect(low).toMatchObject({ period: 60, evaluationPeriods: 15, threshold: 3.6 });
  });

  it('a number as the fourth argument is the scale-in ratio; DisableScaleIn drops AlarmLow', () => {
    expect(targetTrackingAlarms('tt', 'm', 100, 0.5)[1]!.threshold).toBe(50);
    expect(targetTrackingAlarms('tt', 'm', 100, { disableScaleIn: true })).toHaveLength(1);
  });

  it('the low alarm goes to ALARM only on the 15th consecutive minute below 90%', () => {
    const [, low] = targetTrackingAlarms('tt', 'm', 100);
    const series = Array.from({ length: 16 }, (_, i) => (i === 0 ? 95 : 85));
    const windows = Array.from({ length: 2 }, (_, k) => series.slice(k, k + 15));
    expect(states(low!, windows, 'OK')).toEqual(['OK', 'ALARM']);
  });

  it('refuses a non-finite target or a ratio outside (0, 1]', () => {
    expect(() => targetTrackingAlarms('tt', 'm', Number.POSITIVE_INFINITY)).toThrow(/targetValue/);
    expect(() => targetTrackingAlarms('tt', 'm', 10, 1.5)).toThrow(/scaleInRatio/);
  });

  it('every generated alarm is one CloudWatch accepts (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.boolean(), (target, ratio, hr) => {
        for (const a of targetTrackingAlarms('p', 'm', target, { scaleInRatio: ratio, highResolution: hr })) validateAlarmSpec(a);
      }),
    );
  });
});
