import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ScalableTarget,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm, type PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import { call } from '../aws-errors';
import type { AwsClients } from '../clients';
import { VARIANT_DIMENSION } from '../ids';

/** Everything Application Auto Scaling holds for one variant, saved before a deregistration. */
export interface SavedRegistration {
  target: ScalableTarget;
  policies: ScalingPolicy[];
  /** Alarms (step scaling) whose actions name one of the policies, by old policy ARN. */
  alarms: Array<{ policyArn: string; alarm: MetricAlarm }>;
}

export async function describeTarget(clients: AwsClients, resourceId: string): Promise<ScalableTarget | undefined> {
  const out = await call('DescribeScalableTargets', () => clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: [resourceId], ScalableDimension: VARIANT_DIMENSION })));
  return out.ScalableTargets?.find((t) => t.ResourceId === resourceId);
}

export async function describePolicies(clients: AwsClients, resourceId: string): Promise<ScalingPolicy[]> {
  const policies: ScalingPolicy[] = [];
  let token: string | undefined;
  for (let page = 0; page < 20; page++) {
    const out = await call('DescribeScalingPolicies', () =>
      clients.autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId, ScalableDimension: VARIANT_DIMENSION, ...(token ? { NextToken: token } : {}) })),
    );
    policies.push(...(out.ScalingPolicies ?? []));
    token = out.NextToken;
    if (!token) break;
  }
  return policies;
}

export async function saveRegistration(clients: AwsClients, resourceId: string): Promise<SavedRegistration | undefined> {
  const target = await describeTarget(clients, resourceId);
  if (!target) return undefined;
  const policies = await describePolicies(clients, resourceId);
  const alarms: SavedRegistration['alarms'] = [];
  for (const p of policies) {
    if (p.PolicyType !== 'StepScaling' || !p.PolicyARN) continue;
    const out = await call('DescribeAlarms', () => clients.cloudwatch.send(new DescribeAlarmsCommand({ ActionPrefix: p.PolicyARN, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 })));
    for (const a of out.MetricAlarms ?? []) alarms.push({ policyArn: p.PolicyARN, alarm: a });
  }
  return { target, policies, alarms };
}

export async function deregister(clients: AwsClients, resourceId: string): Promise<void> {
  await call('DeregisterScalableTarget', () => clients.autoscaling.send(new DeregisterScalableTargetCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId, ScalableDimension: VARIANT_DIMENSION })));
}

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

/**
 * Register the variant again with its saved range and suspension, re-create its
 * policies, and point step-scaling alarms at the re-created policy ARNs.
 */
export async function restoreRegistration(clients: AwsClients, saved: SavedRegistration): Promise<void> {
  const t = saved.target;
  await call('RegisterScalableTarget', () =>
    clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: t.ResourceId,
        ScalableDimension: VARIANT_DIMENSION,
        MinCapacity: t.MinCapacity,
        MaxCapacity: t.MaxCapacity,
        ...(t.SuspendedState ? { SuspendedState: t.SuspendedState } : {}),
      }),
    ),
  );
  for (const p of saved.policies) {
    const out = await call('PutScalingPolicy', () =>
      clients.autoscaling.send(
        new PutScalingPolicyCommand({
          PolicyName: p.PolicyName,
          ServiceNamespace: 'sagemaker',
          ResourceId: p.ResourceId,
          ScalableDimension: VARIANT_DIMENSION,
          PolicyType: p.PolicyType,
          ...(p.StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration: p.StepScalingPolicyConfiguration } : {}),
          ...(p.TargetTrackingScalingPolicyConfiguration ? { TargetTrackingScalingPolicyConfiguration: p.TargetTrackingScalingPolicyConfiguration } : {}),
          ...(p.PredictiveScalingPolicyConfiguration ? { PredictiveScalingPolicyConfiguration: p.PredictiveScalingPolicyConfiguration } : {}),
        }),
      ),
    );
    const newArn = out.PolicyARN;
    if (!newArn || newArn === p.PolicyARN) continue;
    for (const { policyArn, alarm } of saved.alarms) {
      if (policyArn !== p.PolicyARN) continue;
      await call('PutMetricAlarm', () => clients.cloudwatch.send(new PutMetricAlarmCommand(alarmToPut(alarm, { from: policyArn, to: newArn }))));
    }
  }
}
