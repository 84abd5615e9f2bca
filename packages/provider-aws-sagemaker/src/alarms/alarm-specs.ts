import type { PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import type { Policy, TargetRef } from '@autoscaler/core';
import { parseTargetId } from '../ids';
import { ENDPOINT_METRICS, metricNamespace } from '../metrics/namespaces';

const COUNT_METRICS = new Set([
  'Invocations',
  'InvocationsPerInstance',
  'InvocationsPerCopy',
  'Invocation4XXErrors',
  'Invocation5XXErrors',
  'InvocationModelErrors',
  'NoCapacityInvocationFailures',
]);

/**
 * Alarms the autoscaler app (not Application Auto Scaling) reacts to are named
 * `autoscaler-app-<endpoint>-<variant>-<rule>` (a variant) or `autoscaler-app-ic-<component>-<rule>` (an inference component).
 */
export function appAlarmPrefix(ref: TargetRef): string {
  const id = parseTargetId(ref.id);
  return id.kind === 'component' ? `autoscaler-app-ic-${id.component}-` : `autoscaler-app-${id.endpoint}-${id.variant}-`;
}

/** The CloudWatch dimensions of a target's metric: the component, the endpoint alone (asynchronous-endpoint metrics) or endpoint and variant. */
export function metricDimensionsFor(ref: TargetRef, metric: string): Array<{ Name: string; Value: string }> {
  const id = parseTargetId(ref.id);
  if (id.kind === 'component') return [{ Name: 'InferenceComponentName', Value: id.component }];
  if (ENDPOINT_METRICS.has(metric)) return [{ Name: 'EndpointName', Value: id.endpoint }];
  return [
    { Name: 'EndpointName', Value: id.endpoint },
    { Name: 'VariantName', Value: id.variant },
  ];
}

/**
 * The CloudWatch alarms a policy needs when the app does the scaling: each
 * fires to `actionArn` (the SNS topic or the Lambda) on entering ALARM.
 * Threshold and step rules get one alarm per side; target tracking a high
 * alarm at the target and a low one at `scaleInRatio` x target.
 */
export function alarmsForPolicy(policy: Policy, ref: TargetRef, actionArn: string): PutMetricAlarmInput[] {
  const prefix = appAlarmPrefix(ref);
  const alarm = (
    rule: string,
    suffix: string,
    metric: string,
    threshold: number,
    op: PutMetricAlarmInput['ComparisonOperator'],
    evaluationPeriods = 1,
  ): PutMetricAlarmInput => ({
    AlarmName: `${prefix}${rule.replace(/[^A-Za-z0-9_.-]+/g, '-')}${suffix}`.slice(0, 255),
    AlarmDescription: `autoscaler policy ${policy.name}, rule ${rule} (${ref.id})`,
    Namespace: metricNamespace(metric),
    MetricName: metric,
    Dimensions: metricDimensionsFor(ref, metric),
    Statistic: COUNT_METRICS.has(metric) ? 'Sum' : 'Average',
    Period: 60,
    EvaluationPeriods: evaluationPeriods,
    Threshold: threshold,
    ComparisonOperator: op,
    TreatMissingData: 'missing',
    ActionsEnabled: true,
    AlarmActions: [actionArn],
  });
  const out: PutMetricAlarmInput[] = [];
  for (const r of policy.rules) {
    if (r.threshold?.metric !== undefined) {
      const t = r.threshold;
      if (t.above !== undefined) out.push(alarm(r.name, '', t.metric!, t.above, 'GreaterThanThreshold'));
      else if (t.below !== undefined) out.push(alarm(r.name, '', t.metric!, t.below, 'LessThanThreshold'));
    } else if (r.step?.metric !== undefined && r.step.threshold !== undefined) {
      const s = r.step;
      const up = s.adjustments.some((a) => (a.upper ?? Infinity) > 0);
      const down = s.adjustments.some((a) => (a.lower ?? -Infinity) < 0);
      if (up) out.push(alarm(r.name, down ? '-high' : '', s.metric!, s.threshold!, 'GreaterThanOrEqualToThreshold'));
      if (down) out.push(alarm(r.name, up ? '-low' : '', s.metric!, s.threshold!, 'LessThanOrEqualToThreshold'));
    } else if (r.targetTracking && r.targetTracking.statistic === 'perInstance') {
      const tt = r.targetTracking;
      out.push(alarm(r.name, '-high', tt.metric, tt.target, 'GreaterThanThreshold', 3));
      if (!tt.disableScaleIn) out.push(alarm(r.name, '-low', tt.metric, tt.target * tt.scaleInRatio, 'LessThanThreshold', 15));
    }
  }
  return out;
}
