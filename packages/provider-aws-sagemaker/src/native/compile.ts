import type {
  PutScalingPolicyRequest,
  PutScheduledActionRequest,
  RegisterScalableTargetRequest,
  StepAdjustment as AwsStep,
} from '@aws-sdk/client-application-auto-scaling';
import type { PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import type { NativeExport, Policy, Rule, ScheduleRule, StepAdjustment, StepRule, TargetRef, TargetTrackingRule, ThresholdRule } from '@autoscaler/core';
import { COMPONENT_DIMENSION, nativeAlarmPrefix, OWNER_TAG, parseTargetId, PROVIDER_NAME, PROVISIONED_CONCURRENCY_DIMENSION, VARIANT_DIMENSION } from '../ids';

export { OWNER_TAG } from '../ids';
import { ENDPOINT_METRICS, metricNamespace } from '../metrics/namespaces';

export { metricNamespace } from '../metrics/namespaces';

/** What `exportNative` produces, one entry per Application Auto Scaling / CloudWatch request. */
export type NativeResource =
  | { kind: 'ScalableTarget'; request: RegisterScalableTargetRequest & { Tags: Record<string, string> } }
  | { kind: 'ScalingPolicy'; rule: string; request: PutScalingPolicyRequest }
  /** `AlarmActions` is filled with the ARN of `policyName` when applied. */
  | { kind: 'Alarm'; rule: string; policyName: string; request: PutMetricAlarmInput }
  | { kind: 'ScheduledAction'; rule: string; request: PutScheduledActionRequest };

export interface SageMakerNativeExport extends NativeExport {
  provider: typeof PROVIDER_NAME;
  resources: NativeResource[];
  /** Name prefixes owned by this export: `teardown` deletes exactly these. */
  policyPrefix: string;
  alarmPrefix: string;
  owner: string;
}

/** Our metric names with an Application Auto Scaling predefined metric (the high-resolution one publishes every 10 s). */
const PREDEFINED: Readonly<Record<string, 'SageMakerVariantInvocationsPerInstance' | 'SageMakerVariantConcurrentRequestsPerModelHighResolution'>> = {
  InvocationsPerInstance: 'SageMakerVariantInvocationsPerInstance',
  SageMakerVariantInvocationsPerInstance: 'SageMakerVariantInvocationsPerInstance',
  ConcurrentRequestsPerModel: 'SageMakerVariantConcurrentRequestsPerModelHighResolution',
};

/** The same for an inference component (per copy). */
const COMPONENT_PREDEFINED: Readonly<
  Record<string, 'SageMakerInferenceComponentInvocationsPerCopy' | 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution'>
> = {
  InvocationsPerCopy: 'SageMakerInferenceComponentInvocationsPerCopy',
  ConcurrentRequestsPerCopy: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
};

/** The same for a serverless variant's provisioned concurrency (utilization of the provisioned concurrency, 0..1). */
const SERVERLESS_PREDEFINED: Readonly<Record<string, 'SageMakerVariantProvisionedConcurrencyUtilization'>> = {
  ProvisionedConcurrencyUtilization: 'SageMakerVariantProvisionedConcurrencyUtilization',
  ServerlessProvisionedConcurrencyUtilization: 'SageMakerVariantProvisionedConcurrencyUtilization',
  SageMakerVariantProvisionedConcurrencyUtilization: 'SageMakerVariantProvisionedConcurrencyUtilization',
};

export interface CompileOptions {
  /** The variant is serverless: its capacity is provisioned concurrency (`sagemaker:variant:DesiredProvisionedConcurrency`), replicas are concurrency units. */
  serverless?: boolean;
}

/** The metric AWS documents to wake an inference component from zero copies (endpoint-auto-scaling-zero-instances). */
export const COMPONENT_WAKE_METRIC = 'NoCapacityInvocationFailures';

const clean = (s: string): string => s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 80);

export function ownedPrefixes(policyName: string, ref: TargetRef): { policyPrefix: string; alarmPrefix: string } {
  return { policyPrefix: `autoscaler-${clean(policyName)}-`, alarmPrefix: nativeAlarmPrefix(ref.id) };
}

/**
 * Compile the policy's target-tracking, step and threshold rules to
 * Application Auto Scaling (+ the CloudWatch alarms step scaling needs) and
 * schedules to scheduled actions; list what the native autoscaler cannot do.
 */
export function compileNative(policy: Policy, ref: TargetRef, options: CompileOptions = {}): SageMakerNativeExport {
  const id = parseTargetId(ref.id);
  const serverless = id.kind === 'variant' && options.serverless === true;
  const { policyPrefix, alarmPrefix } = ownedPrefixes(policy.name, ref);
  const resources: NativeResource[] = [];
  const unsupported: string[] = [];
  const dimension =
    id.kind === 'component'
      ? (COMPONENT_DIMENSION as 'sagemaker:inference-component:DesiredCopyCount')
      : serverless
        ? (PROVISIONED_CONCURRENCY_DIMENSION as 'sagemaker:variant:DesiredProvisionedConcurrency')
        : (VARIANT_DIMENSION as 'sagemaker:variant:DesiredInstanceCount');
  const base = { ServiceNamespace: 'sagemaker' as const, ResourceId: ref.id, ScalableDimension: dimension };
  const variantDimensions =
    id.kind === 'component'
      ? [{ Name: 'InferenceComponentName', Value: id.component }]
      : [
          { Name: 'EndpointName', Value: id.endpoint },
          { Name: 'VariantName', Value: id.variant },
        ];
  const predefined: Readonly<Record<string, string>> = id.kind === 'component' ? COMPONENT_PREDEFINED : serverless ? SERVERLESS_PREDEFINED : PREDEFINED;
  // Asynchronous-endpoint metrics (the queue) are published per endpoint.
  const dimensionsOf = (metric: string): Array<{ Name: string; Value: string }> =>
    id.kind === 'variant' && ENDPOINT_METRICS.has(metric) ? [variantDimensions[0]!] : variantDimensions;
  const limits = policy.limits;

  resources.push({
    kind: 'ScalableTarget',
    request: { ...base, MinCapacity: limits.minReplicas, MaxCapacity: limits.maxReplicas, Tags: { [OWNER_TAG]: policy.name } },
  });

  const stepPolicy = (
    rule: Rule,
    suffix: string,
    adjustmentType: StepRule['adjustmentType'],
    steps: readonly StepAdjustment[],
    metric: string,
    threshold: number,
    cooldown: number,
    minMagnitude?: number,
    aggregation: StepRule['metricAggregationType'] = 'Average',
  ): void => {
    const policyName = `${policyPrefix}${clean(rule.name)}${suffix}`;
    const upper = steps.every((s) => (s.lower ?? -Infinity) >= 0);
    const awsSteps: AwsStep[] = steps.map((s) => ({
      ...(s.lower != null ? { MetricIntervalLowerBound: s.lower } : {}),
      ...(s.upper != null ? { MetricIntervalUpperBound: s.upper } : {}),
      ScalingAdjustment: s.change,
    }));
    resources.push({
      kind: 'ScalingPolicy',
      rule: rule.name,
      request: {
        ...base,
        PolicyName: policyName,
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: adjustmentType,
          StepAdjustments: awsSteps,
          Cooldown: Math.round(cooldown),
          MetricAggregationType: aggregation,
          ...(minMagnitude !== undefined ? { MinAdjustmentMagnitude: minMagnitude } : {}),
        },
      },
    });
    resources.push({
      kind: 'Alarm',
      rule: rule.name,
      policyName,
      request: {
        AlarmName: `${alarmPrefix}${clean(rule.name)}${suffix}`,
        AlarmDescription: `autoscaler policy ${policy.name}, rule ${rule.name}: step scaling of ${ref.id}`,
        Namespace: metricNamespace(metric),
        MetricName: metric,
        Dimensions: dimensionsOf(metric),
        // The alarm's datapoints are what the policy aggregates: the same statistic.
        Statistic: aggregation,
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: upper ? 'GreaterThanOrEqualToThreshold' : 'LessThanOrEqualToThreshold',
        TreatMissingData: 'missing',
        Tags: [{ Key: OWNER_TAG, Value: policy.name }],
      },
    });
  };

  for (const rule of policy.rules) {
    const at = `rules[${policy.rules.indexOf(rule)}] ${rule.name}`;
    if (rule.targetTracking) compileTargetTracking(rule, rule.targetTracking);
    else if (rule.step) compileStep(rule, rule.step);
    else if (rule.threshold) compileThreshold(rule, rule.threshold);
    else if (rule.schedule) compileSchedule(rule, rule.schedule);

    function compileTargetTracking(r: Rule, tt: TargetTrackingRule): void {
      if (tt.statistic === 'total') {
        unsupported.push(`${at}: targetTracking on a total (not per-instance) metric has no native equivalent`);
        return;
      }
      if (tt.algorithm === 'hpa' || tt.tolerance !== undefined)
        unsupported.push(
          `${at}: native target tracking uses AWS's own tolerance; algorithm ${tt.algorithm}${tt.tolerance !== undefined ? ` tolerance ${tt.tolerance}` : ''} is approximated`,
        );
      if (tt.scaleInRatio !== 0.9) unsupported.push(`${at}: scaleInRatio ${tt.scaleInRatio} is approximated (AWS scales in below about 90% of the target)`);
      const custom = tt.customMetric;
      const metricSpec =
        custom === undefined && predefined[tt.metric] !== undefined
          ? { PredefinedMetricSpecification: { PredefinedMetricType: predefined[tt.metric] as 'SageMakerVariantInvocationsPerInstance' } }
          : {
              CustomizedMetricSpecification: {
                MetricName: tt.metric,
                Namespace: custom?.namespace ?? metricNamespace(tt.metric),
                Dimensions:
                  custom?.dimensions !== undefined ? Object.entries(custom.dimensions).map(([Name, Value]) => ({ Name, Value })) : dimensionsOf(tt.metric),
                Statistic: custom?.statistic ?? 'Average',
                ...(custom?.unit !== undefined ? { Unit: custom.unit } : {}),
              },
            };
      resources.push({
        kind: 'ScalingPolicy',
        rule: r.name,
        request: {
          ...base,
          PolicyName: `${policyPrefix}${clean(r.name)}`,
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: tt.target,
            ...metricSpec,
            ScaleInCooldown: Math.round(tt.scaleInCooldown ?? limits.cooldown.scaleIn),
            ScaleOutCooldown: Math.round(tt.scaleOutCooldown ?? limits.cooldown.scaleOut),
            DisableScaleIn: tt.disableScaleIn,
          },
        },
      });
    }

    function compileStep(r: Rule, s: StepRule): void {
      if (s.metric === undefined || s.threshold === undefined) {
        unsupported.push(
          `${at}: a step rule needs metric and threshold to create its alarm natively${s.alarm ? ` (alarm "${s.alarm}" is not created by export; attach the policy to it by hand)` : ''}`,
        );
        return;
      }
      const ups = s.adjustments.filter((a) => (a.lower ?? -Infinity) >= 0);
      const downs = s.adjustments.filter((a) => (a.upper ?? Infinity) <= 0);
      const straddling = s.adjustments.filter((a) => !ups.includes(a) && !downs.includes(a));
      if (straddling.length > 0) {
        unsupported.push(`${at}: a step interval spanning the threshold cannot be expressed (AWS needs one alarm per side)`);
        return;
      }
      const cooldownFor = (steps: readonly StepAdjustment[]): number =>
        s.cooldown ?? (steps.some((x) => x.change > 0) ? limits.cooldown.scaleOut : limits.cooldown.scaleIn);
      // One policy and alarm per side of the threshold; the names get a side suffix only when there are both.
      const both = ups.length > 0 && downs.length > 0;
      for (const [steps, suffix] of [
        [ups, '-high'],
        [downs, '-low'],
      ] as const) {
        if (steps.length === 0) continue;
        stepPolicy(
          r,
          both ? suffix : '',
          s.adjustmentType,
          steps,
          s.metric,
          s.threshold,
          cooldownFor(steps),
          s.minAdjustmentMagnitude,
          s.metricAggregationType,
        );
      }
    }

    function compileThreshold(r: Rule, t: ThresholdRule): void {
      if (t.size !== undefined) {
        unsupported.push(`${at}: vertical scaling (size ${t.size}) has no native equivalent; the autoscaler app does it`);
        return;
      }
      if (t.weight !== undefined) {
        unsupported.push(`${at}: a traffic weight (weight ${t.weight}) has no Application Auto Scaling dimension; the autoscaler app sets DesiredWeight`);
        return;
      }
      if (t.bandwidth !== undefined) {
        unsupported.push(`${at}: load balancer bandwidth has no SageMaker equivalent`);
        return;
      }
      const bound = t.above ?? t.below;
      if (t.metric === undefined || bound === undefined) {
        unsupported.push(`${at}: a threshold rule needs metric and above/below to create its alarm natively`);
        return;
      }
      const change = t.change ?? 0;
      const steps: StepAdjustment[] = t.above !== undefined ? [{ lower: 0, upper: null, change }] : [{ lower: null, upper: 0, change }];
      stepPolicy(r, '', 'ChangeInCapacity', steps, t.metric, bound, change > 0 ? limits.cooldown.scaleOut : limits.cooldown.scaleIn);
    }

    function compileSchedule(r: Rule, s: ScheduleRule): void {
      const start = awsCron(s.start);
      const end = s.end !== undefined ? awsCron(s.end) : endCron(s.start, s.durationMinutes ?? 0);
      if (start === undefined || end === undefined) {
        unsupported.push(
          `${at}: schedule ${s.start}${s.end ? ` .. ${s.end}` : ` for ${s.durationMinutes} min`} cannot be written as Application Auto Scaling cron (day-of-month and day-of-week both set, or a duration crossing midnight)`,
        );
        return;
      }
      const name = `${policyPrefix}${clean(r.name)}`;
      resources.push({
        kind: 'ScheduledAction',
        rule: r.name,
        request: {
          ...base,
          ScheduledActionName: `${name}-start`,
          Schedule: start,
          Timezone: s.timezone,
          ScalableTargetAction: {
            ...(s.minReplicas !== undefined ? { MinCapacity: s.minReplicas } : {}),
            ...(s.maxReplicas !== undefined ? { MaxCapacity: s.maxReplicas } : {}),
          },
        },
      });
      resources.push({
        kind: 'ScheduledAction',
        rule: r.name,
        request: {
          ...base,
          ScheduledActionName: `${name}-end`,
          Schedule: end,
          Timezone: s.timezone,
          ScalableTargetAction: { MinCapacity: limits.minReplicas, MaxCapacity: limits.maxReplicas },
        },
      });
    }
  }

  // AWS's documented wake-up from zero copies: a step policy (+1 copy) on a NoCapacityInvocationFailures alarm.
  const zeroFloor = limits.minReplicas === 0 || policy.rules.some((r) => r.schedule?.minReplicas === 0);
  const hasWake = policy.rules.some((r) => (r.step?.metric ?? r.threshold?.metric) === COMPONENT_WAKE_METRIC);
  if (id.kind === 'component' && zeroFloor && !hasWake) {
    const policyName = `${policyPrefix}wake-from-zero`;
    resources.push({
      kind: 'ScalingPolicy',
      rule: 'wake-from-zero',
      request: {
        ...base,
        PolicyName: policyName,
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          MetricAggregationType: 'Maximum',
          Cooldown: 60,
          StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
        },
      },
    });
    resources.push({
      kind: 'Alarm',
      rule: 'wake-from-zero',
      policyName,
      request: {
        AlarmName: `${alarmPrefix}wake-from-zero`,
        AlarmDescription: `autoscaler policy ${policy.name}: one copy of ${ref.id} when a request finds no capacity (scale from zero)`,
        Namespace: 'AWS/SageMaker',
        MetricName: COMPONENT_WAKE_METRIC,
        Dimensions: [{ Name: 'InferenceComponentName', Value: id.component }],
        // AWS's recipe: Sum over 60 s, one period, one datapoint. Its example says GreaterThanThreshold 1 (two failures
        // in a minute); >= 1 wakes the component on the first failed request.
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'missing',
        Tags: [{ Key: OWNER_TAG, Value: policy.name }],
      },
    });
  }
  if (serverless && limits.sizes && limits.sizes.length > 0)
    unsupported.push(`limits.sizes: a serverless variant has no instance type to move along ${limits.sizes.join(' < ')}`);
  else if (limits.sizes && limits.sizes.length > 1)
    unsupported.push(`limits.sizes: vertical scaling along ${limits.sizes.join(' < ')} has no native equivalent; the autoscaler app does it`);
  if (limits.maxStep !== undefined) unsupported.push(`limits.maxStep ${limits.maxStep}: no native equivalent (Application Auto Scaling has no per-action cap)`);
  if (limits.stabilization.scaleIn > 0 || limits.stabilization.scaleOut > 0)
    unsupported.push('limits.stabilization: HPA-style stabilization windows have no native equivalent (cooldowns are used)');
  if (limits.bandwidthMbps) unsupported.push('limits.bandwidthMbps: SageMaker endpoints have no bandwidth dimension');
  if (policy.dryRun) unsupported.push('dryRun: native policies always act');
  if (policy.notifications.length > 0) unsupported.push('notifications: Application Auto Scaling does not notify; subscribe to its EventBridge events instead');

  return { provider: PROVIDER_NAME, resources, unsupported, policyPrefix, alarmPrefix, owner: policy.name };
}

/** 5-field cron -> `cron(m h dom mon dow *)`, where one of dom/dow must be `?`. */
export function awsCron(cron: string): string | undefined {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return undefined;
  const [m, h, , mon] = f as [string, string, string, string, string];
  let dom = f[2]!;
  let dow = f[4]!;
  if (dow === '*') dow = '?';
  else if (dom === '*') dom = '?';
  else return undefined;
  // Day-of-week: cron 0-6 (Sun=0) -> AWS 1-7 (Sun=1).
  if (dow !== '?') dow = dow.replace(/\d+/g, (d) => String((Number(d) % 7) + 1));
  return `cron(${m} ${h} ${dom} ${mon} ${dow} *)`;
}

function endCron(start: string, minutes: number): string | undefined {
  const f = start.trim().split(/\s+/);
  if (f.length !== 5 || !/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!)) return undefined;
  const total = Number(f[1]) * 60 + Number(f[0]) + minutes;
  if (total >= 24 * 60) return undefined;
  return awsCron([String(total % 60), String(Math.floor(total / 60)), f[2], f[3], f[4]].join(' '));
}
