import { ValidationError } from '@autoscaler/core';
import { compare } from './comparison';
import type { Comparison } from './comparison';

/**
 * CloudWatch metric alarms, the part scaling uses: how one evaluation turns the last
 * `EvaluationPeriods` datapoints into a state, and the alarm pair Application Auto Scaling
 * creates for a target-tracking policy. Pure and SDK-free, so the simulator (which plays
 * CloudWatch) and the AWS wire fake (which serves it) share one definition.
 *
 * Sources (AWS documentation unless said otherwise):
 * - Alarm evaluation, M of N (`DatapointsToAlarm` of `EvaluationPeriods`), missing data
 *   (`TreatMissingData`: missing | notBreaching | breaching | ignore):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
 * - `Period`: 10, 20, 30 (high-resolution alarms, for metrics stored at 1 s resolution) or any
 *   multiple of 60; Period x EvaluationPeriods at most one day when the period is under an hour:
 *   PutMetricAlarm, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export type CloudWatchStatistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';
export type ComparisonOperator = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export const CLOUDWATCH_STATISTICS: readonly CloudWatchStatistic[] = ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'];
export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
/** Periods a high-resolution alarm may use; every other alarm period is a multiple of 60. */
export const HIGH_RESOLUTION_ALARM_PERIODS: readonly number[] = [10, 20, 30];

/** One CloudWatch metric alarm (the PutMetricAlarm fields evaluation needs). */
export interface CloudWatchAlarmSpec {
  name: string;
  metric: string;
  statistic: CloudWatchStatistic;
  /** Seconds: 10, 20, 30, or a multiple of 60. */
  period: number;
  evaluationPeriods: number;
  /** M of the M-of-N rule; defaults to evaluationPeriods. */
  datapointsToAlarm?: number;
  comparisonOperator: ComparisonOperator;
  threshold: number;
  /** Defaults to `missing`, as CloudWatch does. */
  treatMissingData?: TreatMissingData;
  /**
   * The action is an Application Auto Scaling policy: CloudWatch keeps invoking it every
   * period while the alarm stays in ALARM (other actions run on state transitions only).
   */
  autoScalingAction?: boolean;
}

/** Refuses a spec CloudWatch would refuse, naming the field (`${path}.period`...). */
export function validateAlarmSpec(spec: CloudWatchAlarmSpec, path = 'alarm'): void {
  if (!Number.isInteger(spec.period) || spec.period <= 0 || (spec.period % 60 !== 0 && !HIGH_RESOLUTION_ALARM_PERIODS.includes(spec.period)))
    throw ValidationError.field(`${path}.period`, `must be 10, 20, 30 or a multiple of 60 seconds, got ${spec.period}`);
  if (!Number.isInteger(spec.evaluationPeriods) || spec.evaluationPeriods < 1)
    throw ValidationError.field(`${path}.evaluationPeriods`, `must be an integer >= 1, got ${spec.evaluationPeriods}`);
  const m = spec.datapointsToAlarm ?? spec.evaluationPeriods;
  if (!Number.isInteger(m) || m < 1 || m > spec.evaluationPeriods)
    throw ValidationError.field(`${path}.datapointsToAlarm`, `must be an integer from 1 to evaluationPeriods (${spec.evaluationPeriods}), got ${m}`);
  const limit = spec.period < 3600 ? 86_400 : 604_800;
  if (spec.period * spec.evaluationPeriods > limit)
    throw ValidationError.field(`${path}.evaluationPeriods`, `period x evaluationPeriods must be at most ${limit} seconds`);
  if (!Number.isFinite(spec.threshold)) throw ValidationError.field(`${path}.threshold`, 'must be a finite number');
  if (!CLOUDWATCH_STATISTICS.includes(spec.statistic)) throw ValidationError.field(`${path}.statistic`, `must be one of ${CLOUDWATCH_STATISTICS.join(', ')}`);
  if (!COMPARISON_OPERATORS.includes(spec.comparisonOperator))
    throw ValidationError.field(`${path}.comparisonOperator`, `must be one of ${COMPARISON_OPERATORS.join(', ')}`);
}

/** CloudWatch's operators are the four ordering comparisons. */
const OPERATOR_SYMBOLS: Readonly<Record<ComparisonOperator, Comparison>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

export function breaches(value: number, op: ComparisonOperator, threshold: number): boolean {
  return compare(value, OPERATOR_SYMBOLS[op], threshold);
}

/** How CloudWatch words an operator in a state reason ("... was greater than the threshold"). */
export const OPERATOR_WORDS: Readonly<Record<ComparisonOperator, string>> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** One period's datapoint from the raw samples published in it; undefined when none were. */
export function datapoint(statistic: CloudWatchStatistic, samples: readonly number[]): number | undefined {
  if (samples.length === 0) return undefined;
  switch (statistic) {
    case 'Average':
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    case 'Sum':
      return samples.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return Math.max(...samples);
    case 'Minimum':
      return Math.min(...samples);
    case 'SampleCount':
      return samples.length;
  }
}

export interface AlarmEvaluation {
  state: AlarmState;
  /** Datapoints that breached, after missing ones were treated. */
  breaching: number;
  /** Datapoints present (not missing). */
  present: number;
}

/**
 * One evaluation: `datapoints` are the last `evaluationPeriods` periods (any order; undefined =
 * missing). ALARM when at least `datapointsToAlarm` breach. Missing datapoints: `breaching` and
 * `notBreaching` count them as such; with `missing` and `ignore` they count as neither, and when
 * every datapoint is missing the alarm goes to INSUFFICIENT_DATA (`missing`) or keeps its state
 * (`ignore`). CloudWatch also looks back past the range for more datapoints when some are missing;
 * that refinement is left out.
 */
export function evaluateAlarm(spec: CloudWatchAlarmSpec, datapoints: ReadonlyArray<number | undefined>, current: AlarmState): AlarmEvaluation {
  if (datapoints.length !== spec.evaluationPeriods)
    throw ValidationError.field('datapoints', `must hold evaluationPeriods (${spec.evaluationPeriods}) values, got ${datapoints.length}`);
  const treat = spec.treatMissingData ?? 'missing';
  let present = 0;
  let breaching = 0;
  for (const v of datapoints) {
    if (v === undefined) {
      if (treat === 'breaching') breaching++;
      continue;
    }
    present++;
    if (breaches(v, spec.comparisonOperator, spec.threshold)) breaching++;
  }
  if (present === 0 && (treat === 'missing' || treat === 'ignore')) return { state: treat === 'missing' ? 'INSUFFICIENT_DATA' : current, breaching, present };
  return { state: breaching >= (spec.datapointsToAlarm ?? spec.evaluationPeriods) ? 'ALARM' : 'OK', breaching, present };
}

/**
 * Whether this evaluation invokes the alarm's actions: on a state change, and for an
 * Application Auto Scaling action also on every evaluation that stays in ALARM.
 */
export function invokesActions(spec: CloudWatchAlarmSpec, previous: AlarmState, next: AlarmState): boolean {
  return next !== previous || (next === 'ALARM' && spec.autoScalingAction === true);
}

export interface TargetTrackingAlarmOptions {
  /** The scale-in alarm's threshold as a fraction of the target; default 0.9. */
  scaleInRatio?: number;
  /**
   * The metric is published at high resolution (e.g. SageMaker's ConcurrentRequestsPerModel,
   * every 10 s): the scale-out alarm evaluates 10 s periods. Default false (1 min periods).
   */
  highResolution?: boolean;
  /** DisableScaleIn: no AlarmLow. */
  disableScaleIn?: boolean;
  /** Statistic of the tracked metric; default Average. */
  statistic?: CloudWatchStatistic;
}

/**
 * The alarm pair Application Auto Scaling creates for a target-tracking policy.
 *
 * - AlarmHigh: 3 datapoints of 1 minute above the target (3 of 3); AlarmLow: 15 datapoints of
 *   1 minute below 90% of the target (15 of 15). Both invoke the policy every minute while in
 *   ALARM. AWS documents the asymmetry: scale in only when the metric is "typically more than
 *   10% lower" than the target (Application Auto Scaling User Guide, "How target tracking
 *   scaling works", https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html).
 *   The counts 3 of 3 and 15 of 15 are what the created alarms show (e.g. hashicorp/terraform-provider-aws#42553:
 *   "60 second period, 3 out of 3 datapoints"; aws/containers-roadmap#638: AlarmLow "15 datapoints
 *   within 15 minutes"); the User Guide does not print them.
 * - High resolution: SageMaker's ConcurrentRequestsPerModel / ConcurrentRequestsPerCopy are emitted
 *   every 10 s, so "the policy scales out much more quickly", while scale-in happens "at the same
 *   speed as with standard metrics" (SageMaker Developer Guide, "Define a scaling policy",
 *   https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html).
 *   Target tracking accepts metric periods of 10, 30 and 60 s (EC2 Auto Scaling API,
 *   TargetTrackingMetricStat.Period). AWS does not publish the datapoint count of the
 *   high-resolution AlarmHigh: we keep 3 of 3 on 10 s periods (30 s), an estimate, and leave
 *   AlarmLow at 15 x 1 min as documented.
 */
export function targetTrackingAlarms(name: string, metric: string, target: number, options: TargetTrackingAlarmOptions | number = {}): CloudWatchAlarmSpec[] {
  const o: TargetTrackingAlarmOptions = typeof options === 'number' ? { scaleInRatio: options } : options;
  const ratio = o.scaleInRatio ?? 0.9;
  if (!Number.isFinite(target)) throw ValidationError.field('targetValue', `must be a finite number, got ${target}`);
  if (!(ratio > 0 && ratio <= 1)) throw ValidationError.field('scaleInRatio', `must be in (0, 1], got ${ratio}`);
  const statistic = o.statistic ?? 'Average';
  const alarms: CloudWatchAlarmSpec[] = [
    {
      name: `TargetTracking-${name}-AlarmHigh`,
      metric,
      statistic,
      period: o.highResolution === true ? 10 : 60,
      evaluationPeriods: 3,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: target,
      autoScalingAction: true,
    },
  ];
  if (o.disableScaleIn !== true)
    alarms.push({
      name: `TargetTracking-${name}-AlarmLow`,
      metric,
      statistic,
      period: 60,
      evaluationPeriods: 15,
      comparisonOperator: 'LessThanThreshold',
      threshold: target * ratio,
      autoScalingAction: true,
    });
  return alarms;
}
