import type { MetricAlarm, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';

/** A metric alarm as returned by DescribeAlarms, as the PutMetricAlarm that recreates it. */
export function alarmToPut(a: MetricAlarm, replaceAction?: { from: string; to: string }): PutMetricAlarmInput {
  const swap = (list: string[] | undefined): string[] | undefined => list?.map((x) => (replaceAction && x === replaceAction.from ? replaceAction.to : x));
  const input: PutMetricAlarmInput = {
    AlarmName: a.AlarmName,
    AlarmDescription: a.AlarmDescription,
    ActionsEnabled: a.ActionsEnabled,
    OKActions: swap(a.OKActions),
    AlarmActions: swap(a.AlarmActions),
    InsufficientDataActions: swap(a.InsufficientDataActions),
    MetricName: a.MetricName,
    Namespace: a.Namespace,
    Statistic: a.Statistic,
    ExtendedStatistic: a.ExtendedStatistic,
    Dimensions: a.Dimensions,
    Period: a.Period,
    Unit: a.Unit,
    EvaluationPeriods: a.EvaluationPeriods,
    DatapointsToAlarm: a.DatapointsToAlarm,
    Threshold: a.Threshold,
    ComparisonOperator: a.ComparisonOperator,
    TreatMissingData: a.TreatMissingData,
    EvaluateLowSampleCountPercentile: a.EvaluateLowSampleCountPercentile,
    Metrics: a.Metrics,
    ThresholdMetricId: a.ThresholdMetricId,
  };
  for (const k of Object.keys(input) as Array<keyof PutMetricAlarmInput>) if (input[k] === undefined) delete input[k];
  return input;
}
