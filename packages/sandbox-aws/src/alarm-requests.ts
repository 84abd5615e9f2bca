/**
 * Request bodies tests and benchmarks send to the CloudWatch fake with the real SDK
 * (`new PutMetricAlarmCommand(variantAlarmRequest(...))`): plain inputs, so this module needs no SDK.
 */

/** A threshold alarm on a SageMaker variant's metric, as the docs and the stack create one (1 x 60 s, Average). */
export function variantAlarmRequest(o: { name: string; endpoint: string; variant: string; metric?: string; threshold?: number; topicArn?: string }) {
  return {
    AlarmName: o.name,
    MetricName: o.metric ?? 'CPUUtilization',
    Namespace: '/aws/sagemaker/Endpoints',
    Statistic: 'Average' as const,
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: o.threshold ?? 80,
    ComparisonOperator: 'GreaterThanThreshold' as const,
    Dimensions: [
      { Name: 'EndpointName', Value: o.endpoint },
      { Name: 'VariantName', Value: o.variant },
    ],
    ...(o.topicArn !== undefined ? { AlarmActions: [o.topicArn] } : {}),
  };
}

/**
 * An alarm on an AWS/SageMaker metric over one 60 s period; by default Sum > 0, the count alarms
 * of the serving recipes (async backlog, scale from zero). Dimensions and actions only when given.
 */
export function sageMakerAlarmRequest(o: {
  name: string;
  metric: string;
  dimensions?: Record<string, string>;
  statistic?: 'Sum' | 'Average';
  threshold?: number;
  comparison?: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
  actions?: string[];
}) {
  return {
    AlarmName: o.name,
    MetricName: o.metric,
    Namespace: 'AWS/SageMaker',
    Statistic: o.statistic ?? 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: o.threshold ?? 0,
    ComparisonOperator: o.comparison ?? 'GreaterThanThreshold',
    ...(o.dimensions !== undefined ? { Dimensions: Object.entries(o.dimensions).map(([Name, Value]) => ({ Name, Value })) } : {}),
    ...(o.actions !== undefined ? { AlarmActions: o.actions } : {}),
  };
}

/** Moves an alarm to ALARM with the reason text and data CloudWatch writes when a datapoint crosses. */
export function alarmFiringRequest(name: string, value: number, threshold = 80) {
  return {
    AlarmName: name,
    StateValue: 'ALARM' as const,
    StateReason: `Threshold Crossed: 1 out of the last 1 datapoints [${value} (01/01/26 12:00:00)] was greater than the threshold (${threshold.toFixed(1)}).`,
    StateReasonData: JSON.stringify({ version: '1.0', recentDatapoints: [value], threshold }),
  };
}
