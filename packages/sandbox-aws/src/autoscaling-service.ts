import { targetTrackingAlarms, type CloudWatchStatistic } from '@autoscaler/cloud-semantics';
import type { FakeSageMaker } from './sagemaker-service';
import { AwsApiError, badMember, epochSeconds, optNumber, optString, optStringArray, reqNumber, reqString, type Input } from './wire';
import type { FakeWorld } from './world';
import { textOf } from '@autoscaler/core';

export const SAGEMAKER_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
export const COMPONENT_DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';
export const PROVISIONED_CONCURRENCY_DIMENSION = 'sagemaker:variant:DesiredProvisionedConcurrency';
const RESOURCE_ID = /^endpoint\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/variant\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})$/;
const COMPONENT_ID = /^inference-component\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})$/;

/** What a SageMaker scalable target scales: a variant's instances or an inference component's copies. */
type Scalable =
  { kind: 'variant'; endpoint: string; variant: string } | { kind: 'serverless'; endpoint: string; variant: string } | { kind: 'component'; component: string };

/** The resource id and dimension pairs the service accepts for namespace sagemaker (each dimension with its own resource type). */
function scalableOf(id: string, dim: string): Scalable | undefined {
  const v = RESOURCE_ID.exec(id);
  if (v && dim === SAGEMAKER_DIMENSION) return { kind: 'variant', endpoint: v[1]!, variant: v[2]! };
  if (v && dim === PROVISIONED_CONCURRENCY_DIMENSION) return { kind: 'serverless', endpoint: v[1]!, variant: v[2]! };
  const c = COMPONENT_ID.exec(id);
  if (c && dim === COMPONENT_DIMENSION) return { kind: 'component', component: c[1]! };
  return undefined;
}

/** Predefined target-tracking metrics per dimension: the metric and statistic of the alarms the service creates. */
const PREDEFINED: Readonly<Record<string, { dimension: string; metric: string; statistic: string }>> = {
  SageMakerVariantInvocationsPerInstance: { dimension: SAGEMAKER_DIMENSION, metric: 'InvocationsPerInstance', statistic: 'Sum' },
  SageMakerVariantConcurrentRequestsPerModelHighResolution: { dimension: SAGEMAKER_DIMENSION, metric: 'ConcurrentRequestsPerModel', statistic: 'Average' },
  // The metric name is our reading of SageMaker's serverless metrics list, not confirmed against a live alarm.
  SageMakerVariantProvisionedConcurrencyUtilization: {
    dimension: PROVISIONED_CONCURRENCY_DIMENSION,
    metric: 'ServerlessProvisionedConcurrencyUtilization',
    statistic: 'Average',
  },
  SageMakerInferenceComponentInvocationsPerCopy: { dimension: COMPONENT_DIMENSION, metric: 'InvocationsPerCopy', statistic: 'Sum' },
  SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution: {
    dimension: COMPONENT_DIMENSION,
    metric: 'ConcurrentRequestsPerCopy',
    statistic: 'Average',
  },
};

/** Predefined metrics SageMaker publishes every 10 s: their AlarmHigh evaluates 10 s periods. */
const HIGH_RESOLUTION_PREDEFINED: ReadonlySet<string> = new Set([
  'SageMakerVariantConcurrentRequestsPerModelHighResolution',
  'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
]);

function metricDimensions(s: Scalable): Array<{ Name: string; Value: string }> {
  return s.kind === 'component'
    ? [{ Name: 'InferenceComponentName', Value: s.component }]
    : [
        { Name: 'EndpointName', Value: s.endpoint },
        { Name: 'VariantName', Value: s.variant },
      ];
}

interface ScalableTarget {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
  RoleARN: string;
  CreationTime: number;
  SuspendedState: { DynamicScalingInSuspended: boolean; DynamicScalingOutSuspended: boolean; ScheduledScalingSuspended: boolean };
  ScalableTargetARN: string;
  tags: Map<string, string>;
}

interface ScalingPolicy {
  PolicyARN: string;
  PolicyName: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  PolicyType: string;
  StepScalingPolicyConfiguration?: Input;
  TargetTrackingScalingPolicyConfiguration?: Input;
  Alarms: Array<{ AlarmName: string; AlarmARN: string }>;
  CreationTime: number;
  lastScaleOutAt?: number;
  lastScaleInAt?: number;
}

interface Activity {
  ActivityId: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  Description: string;
  Cause: string;
  StartTime: number;
  EndTime?: number;
  StatusCode: 'Pending' | 'InProgress' | 'Successful' | 'Overridden' | 'Unfulfilled' | 'Failed';
  StatusMessage?: string;
}

export interface AutoscalingPeers {
  /** Target tracking policies own their alarms: the fake CloudWatch creates/deletes them. */
  putManagedAlarm(alarm: Input): string;
  deleteManagedAlarms(names: readonly string[]): void;
}

const key = (ns: string, id: string, dim: string): string => `${ns}|${id}|${dim}`;

/** ObjectNotFoundException worded as Application Auto Scaling words it: "No <what> for service namespace: …, resource ID: …, scalable dimension: …[, <named>]". */
function notFound(what: string, t: { ns: string; id: string; dim: string }, named?: string): AwsApiError {
  return new AwsApiError(
    'ObjectNotFoundException',
    `No ${what} for service namespace: ${t.ns}, resource ID: ${t.id}, scalable dimension: ${t.dim}${named !== undefined ? `, ${named}` : ''}`,
  );
}

/** Application Auto Scaling (`AnyScaleFrontendService.*`), SageMaker variants and inference components. */
export class FakeAutoscaling {
  private readonly targets = new Map<string, ScalableTarget>();
  private readonly policies = new Map<string, ScalingPolicy>();
  private readonly activities: Activity[] = [];
  private readonly scheduled = new Map<string, Input>();
  peers: AutoscalingPeers = { putManagedAlarm: () => '', deleteManagedAlarms: () => undefined };

  constructor(
    private readonly world: FakeWorld,
    private readonly sagemaker: FakeSageMaker,
  ) {}

  isRegistered(resourceId: string, dimension: string = SAGEMAKER_DIMENSION): boolean {
    return this.targets.has(key('sagemaker', resourceId, dimension));
  }

  policyCount(): number {
    return this.policies.size;
  }

  handle(operation: string, input: Input): unknown {
    switch (operation) {
      case 'RegisterScalableTarget':
        return this.register(input);
      case 'DeregisterScalableTarget':
        return this.deregister(input);
      case 'DescribeScalableTargets':
        return this.describeTargets(input);
      case 'PutScalingPolicy':
        return this.putPolicy(input);
      case 'DeleteScalingPolicy':
        return this.deletePolicy(input);
      case 'DescribeScalingPolicies':
        return this.describePolicies(input);
      case 'DescribeScalingActivities':
        return this.describeActivities(input);
      case 'PutScheduledAction': {
        const { ns, id, dim } = this.common(input);
        if (!this.targets.has(key(ns, id, dim))) throw notFound('scalable target registered', { ns, id, dim });
        const name = reqString(input, 'ScheduledActionName', /^\P{Cc}{1,256}$/u);
        const schedule = reqString(input, 'Schedule', /^(at|cron|rate)\(.+\)$/, 'Member must be at(...), cron(...) or rate(...)');
        const k = `${key(ns, id, dim)}|${name}`;
        const existing = this.scheduled.get(k);
        this.scheduled.set(k, {
          ScheduledActionName: name,
          ScheduledActionARN:
            existing?.ScheduledActionARN ??
            `arn:aws:autoscaling:${this.world.region}:${this.world.accountId}:scheduledAction:${this.world.newId()}:resource/${ns}/${id}:scheduledActionName/${name}`,
          ServiceNamespace: ns,
          ResourceId: id,
          ScalableDimension: dim,
          Schedule: schedule,
          Timezone: optString(input, 'Timezone') ?? 'UTC',
          ScalableTargetAction: input.ScalableTargetAction ?? {},
          CreationTime: epochSeconds(this.world.clock.now()),
        });
        return {};
      }
      case 'DescribeScheduledActions': {
        const ns = reqString(input, 'ServiceNamespace');
        const id = optString(input, 'ResourceId');
        return this.page(
          input,
          'ScheduledActions',
          [...this.scheduled.values()].filter((a) => a.ServiceNamespace === ns && (id === undefined || a.ResourceId === id)),
        );
      }
      case 'DeleteScheduledAction': {
        const { ns, id, dim } = this.common(input);
        const name = reqString(input, 'ScheduledActionName');
        if (!this.scheduled.delete(`${key(ns, id, dim)}|${name}`)) throw notFound('scheduled action found', { ns, id, dim }, `scheduled action name: ${name}`);
        return {};
      }
      case 'ListTagsForResource':
        return { Tags: Object.fromEntries(this.targetByArn(reqString(input, 'ResourceARN')).tags) };
      case 'TagResource': {
        const t = this.targetByArn(reqString(input, 'ResourceARN'));
        for (const [k, v] of Object.entries((input.Tags as Record<string, string>) ?? {})) t.tags.set(k, String(v));
        return {};
      }
      case 'UntagResource': {
        const t = this.targetByArn(reqString(input, 'ResourceARN'));
        for (const k of optStringArray(input, 'TagKeys')) t.tags.delete(k);
        return {};
      }
      default:
        throw new AwsApiError('UnknownOperationException', `Operation ${operation} is not supported by this fake`, 400);
    }
  }

  /** A policy's alarm went to ALARM: run the policy like the service does (step or target tracking). */
  execute(policyArn: string, alarm: { name: string; value: number | undefined; threshold: number }): void {
    const p = [...this.policies.values()].find((x) => x.PolicyARN === policyArn);
    if (!p) return;
    const t = this.targets.get(key(p.ServiceNamespace, p.ResourceId, p.ScalableDimension));
    const scalable = scalableOf(p.ResourceId, p.ScalableDimension);
    if (!t || !scalable) return;
    const current = this.desiredOf(scalable);
    if (current === undefined) return;
    const now = this.world.clock.now();
    let desired = current;
    let cooldown = 0;
    if (p.PolicyType === 'StepScaling' && p.StepScalingPolicyConfiguration) {
      const cfg = p.StepScalingPolicyConfiguration;
      const diff = (alarm.value ?? alarm.threshold) - alarm.threshold;
      const steps = (cfg.StepAdjustments as Input[] | undefined) ?? [];
      const step = steps.find((s) => {
        const lo = typeof s.MetricIntervalLowerBound === 'number' ? s.MetricIntervalLowerBound : -Infinity;
        const hi = typeof s.MetricIntervalUpperBound === 'number' ? s.MetricIntervalUpperBound : Infinity;
        return diff >= 0 ? lo <= diff && diff < hi : lo < diff && diff <= hi;
      });
      if (!step) return;
      const change = Number(step.ScalingAdjustment);
      const type = textOf(cfg.AdjustmentType ?? 'ChangeInCapacity');
      if (type === 'ExactCapacity') desired = change;
      else if (type === 'PercentChangeInCapacity') {
        const raw = (current * change) / 100;
        let delta = raw > 1 ? Math.floor(raw) : raw > 0 ? 1 : raw < -1 ? Math.ceil(raw) : raw < 0 ? -1 : 0;
        const mag = Number(cfg.MinAdjustmentMagnitude ?? 0);
        if (mag > 0 && Math.abs(delta) < mag) delta = Math.sign(change) * mag;
        desired = current + delta;
      } else desired = current + change;
      cooldown = Number(cfg.Cooldown ?? 300) * 1000;
    } else if (p.PolicyType === 'TargetTrackingScaling' && p.TargetTrackingScalingPolicyConfiguration && alarm.value !== undefined) {
      const cfg = p.TargetTrackingScalingPolicyConfiguration;
      // A component may go to zero copies (and target tracking alone never brings it back: 0 x anything is 0).
      desired = Math.max(scalable.kind === 'component' ? 0 : 1, Math.ceil((current * alarm.value) / Number(cfg.TargetValue)));
      cooldown = Number((desired > current ? cfg.ScaleOutCooldown : cfg.ScaleInCooldown) ?? 300) * 1000;
    }
    desired = Math.min(t.MaxCapacity, Math.max(t.MinCapacity, desired));
    if (desired === current) return;
    const out = desired > current;
    if (out ? t.SuspendedState.DynamicScalingOutSuspended : t.SuspendedState.DynamicScalingInSuspended) return;
    const last = out ? p.lastScaleOutAt : p.lastScaleInAt;
    if (last !== undefined && now - last < cooldown) return;
    const what = scalable.kind === 'component' ? 'copy count' : scalable.kind === 'serverless' ? 'provisioned concurrency' : 'instance count';
    const activity = this.activity(t, `Setting desired ${what} to ${desired}.`, `monitor alarm ${alarm.name} in state ALARM triggered policy ${p.PolicyName}`);
    try {
      this.scaleTo(scalable, desired);
      activity.StatusCode = 'Successful';
      activity.StatusMessage = `Successfully set desired ${what} to ${desired}. Change successfully fulfilled by sagemaker.`;
      if (out) p.lastScaleOutAt = now;
      else p.lastScaleInAt = now;
    } catch (e) {
      activity.StatusCode = 'Failed';
      activity.StatusMessage = `Failed to set desired ${what} to ${desired}. Reason: ${(e as Error).message}`;
    }
    activity.EndTime = now;
  }

  // ----- operations -------------------------------------------------------------------------

  private common(input: Input): { ns: string; id: string; dim: string; scalable: Scalable } {
    const ns = reqString(input, 'ServiceNamespace');
    const id = reqString(input, 'ResourceId');
    const dim = reqString(input, 'ScalableDimension');
    const scalable = scalableOf(id, dim);
    if (ns !== 'sagemaker' || !scalable) throw new AwsApiError('ValidationException', 'Unsupported service namespace, resource type or scalable dimension');
    return { ns, id, dim, scalable };
  }

  private desiredOf(s: Scalable): number | undefined {
    if (s.kind === 'component') return this.sagemaker.componentSnapshot(s.component)?.desired;
    if (s.kind === 'serverless') return this.sagemaker.provisionedConcurrency(s.endpoint, s.variant);
    return this.sagemaker.desiredCount(s.endpoint, s.variant);
  }

  private scaleTo(s: Scalable, desired: number): void {
    if (s.kind === 'component') this.sagemaker.scaleComponent(s.component, desired);
    else if (s.kind === 'serverless') this.sagemaker.scaleProvisionedConcurrency(s.endpoint, s.variant, desired);
    else this.sagemaker.scaleVariant(s.endpoint, s.variant, desired);
  }

  private register(input: Input): unknown {
    const { ns, id, dim, scalable } = this.common(input);
    const existing = this.targets.get(key(ns, id, dim));
    const min = optNumber(input, 'MinCapacity', 0);
    const max = optNumber(input, 'MaxCapacity', 0);
    if (!existing && (min === undefined || max === undefined))
      throw new AwsApiError('ValidationException', 'MinCapacity and MaxCapacity are required for registering a new scalable target');
    if (scalable.kind === 'component' && !this.sagemaker.componentExists(scalable.component))
      throw new AwsApiError('ValidationException', `The inference component ${scalable.component} does not exist.`);
    if (scalable.kind !== 'component' && !this.sagemaker.variantExists(scalable.endpoint, scalable.variant)) {
      throw new AwsApiError('ValidationException', `The endpoint ${scalable.endpoint} or variant ${scalable.variant} does not exist.`);
    }
    if (scalable.kind === 'serverless' && this.sagemaker.provisionedConcurrency(scalable.endpoint, scalable.variant) === undefined)
      throw new AwsApiError('ValidationException', `The variant ${scalable.variant} of endpoint ${scalable.endpoint} is not a serverless variant.`);
    const nextMin = min ?? existing!.MinCapacity;
    const nextMax = max ?? existing!.MaxCapacity;
    if (nextMin > nextMax) throw new AwsApiError('ValidationException', `Minimum capacity cannot be greater than maximum capacity`);
    const suspended = (input.SuspendedState as Input | undefined) ?? {};
    const t: ScalableTarget = existing ?? {
      ServiceNamespace: ns,
      ResourceId: id,
      ScalableDimension: dim,
      MinCapacity: nextMin,
      MaxCapacity: nextMax,
      RoleARN:
        optString(input, 'RoleARN') ??
        `arn:aws:iam::${this.world.accountId}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
      CreationTime: this.world.clock.now(),
      SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
      ScalableTargetARN: `arn:aws:application-autoscaling:${this.world.region}:${this.world.accountId}:scalable-target/${this.world.newId().replace(/-/g, '').slice(0, 32)}`,
      tags: new Map(),
    };
    t.MinCapacity = nextMin;
    t.MaxCapacity = nextMax;
    for (const k of ['DynamicScalingInSuspended', 'DynamicScalingOutSuspended', 'ScheduledScalingSuspended'] as const) {
      if (typeof suspended[k] === 'boolean') t.SuspendedState[k] = suspended[k];
    }
    if (!existing) for (const [k, v] of Object.entries((input.Tags as Record<string, string>) ?? {})) t.tags.set(k, String(v));
    this.targets.set(key(ns, id, dim), t);
    // The service brings the current capacity inside the new range right away.
    const current = this.desiredOf(scalable);
    if (current !== undefined && (current < t.MinCapacity || current > t.MaxCapacity)) {
      const desired = Math.min(t.MaxCapacity, Math.max(t.MinCapacity, current));
      const a = this.activity(
        t,
        `Setting desired ${scalable.kind === 'component' ? 'copy count' : scalable.kind === 'serverless' ? 'provisioned concurrency' : 'instance count'} to ${desired}.`,
        `${current < t.MinCapacity ? 'minimum' : 'maximum'} capacity was set to ${current < t.MinCapacity ? t.MinCapacity : t.MaxCapacity}`,
      );
      try {
        this.scaleTo(scalable, desired);
        a.StatusCode = 'Successful';
      } catch (e) {
        a.StatusCode = 'Failed';
        a.StatusMessage = (e as Error).message;
      }
      a.EndTime = this.world.clock.now();
    }
    return { ScalableTargetARN: t.ScalableTargetARN };
  }

  private deregister(input: Input): unknown {
    const { ns, id, dim } = this.common(input);
    if (!this.targets.delete(key(ns, id, dim))) {
      throw notFound('scalable target found', { ns, id, dim });
    }
    for (const k of [...this.scheduled.keys()]) if (k.startsWith(`${key(ns, id, dim)}|`)) this.scheduled.delete(k);
    // Deregistering deletes the target's scaling policies (and the alarms target tracking made).
    for (const [k, p] of this.policies) if (p.ServiceNamespace === ns && p.ResourceId === id && p.ScalableDimension === dim) this.dropPolicy(k, p);
    return {};
  }

  private describeTargets(input: Input): unknown {
    const ns = reqString(input, 'ServiceNamespace');
    const ids = optStringArray(input, 'ResourceIds');
    const dim = optString(input, 'ScalableDimension');
    const all = [...this.targets.values()].filter(
      (t) => t.ServiceNamespace === ns && (ids.length === 0 || ids.includes(t.ResourceId)) && (dim === undefined || t.ScalableDimension === dim),
    );
    return this.page(
      input,
      'ScalableTargets',
      all.map(({ tags: _tags, CreationTime, ...t }) => ({ ...t, CreationTime: epochSeconds(CreationTime) })),
    );
  }

  private putPolicy(input: Input): unknown {
    const { ns, id, dim, scalable } = this.common(input);
    const name = reqString(input, 'PolicyName', /^\P{Cc}{1,256}$/u);
    const target = this.targets.get(key(ns, id, dim));
    if (!target) throw notFound('scalable target registered', { ns, id, dim });
    const type = optString(input, 'PolicyType') ?? 'StepScaling';
    const step = input.StepScalingPolicyConfiguration as Input | undefined;
    const tt = input.TargetTrackingScalingPolicyConfiguration as Input | undefined;
    if (type === 'StepScaling' && !step) throw new AwsApiError('ValidationException', 'StepScalingPolicyConfiguration is required for StepScaling policy type');
    if (type === 'TargetTrackingScaling' && !tt)
      throw new AwsApiError('ValidationException', 'TargetTrackingScalingPolicyConfiguration is required for TargetTrackingScaling policy type');
    if (type !== 'StepScaling' && type !== 'TargetTrackingScaling')
      throw badMember('PolicyType', type, 'Member must satisfy enum value set: [StepScaling, TargetTrackingScaling, PredictiveScaling]');
    if (step) this.validateStep(step);
    if (tt) {
      reqNumber(tt, 'TargetValue');
      const predefined = tt.PredefinedMetricSpecification as Input | undefined;
      const custom = tt.CustomizedMetricSpecification as Input | undefined;
      if ((predefined === undefined) === (custom === undefined))
        throw new AwsApiError('ValidationException', 'Exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification must be specified');
      if (predefined && PREDEFINED[String(predefined.PredefinedMetricType)]?.dimension !== dim) {
        throw new AwsApiError(
          'ValidationException',
          `Unsupported predefined metric type ${String(predefined.PredefinedMetricType)} for service namespace sagemaker and scalable dimension ${dim}`,
        );
      }
    }
    const k = `${key(ns, id, dim)}|${name}`;
    const existing = this.policies.get(k);
    const policyArn =
      existing?.PolicyARN ??
      `arn:aws:autoscaling:${this.world.region}:${this.world.accountId}:scalingPolicy:${this.world.newId()}:resource/${ns}/${id}:policyName/${name}`;
    if (existing?.PolicyType === 'TargetTrackingScaling') this.peers.deleteManagedAlarms(existing.Alarms.map((a) => a.AlarmName));
    const alarms: ScalingPolicy['Alarms'] = [];
    if (tt) {
      // The pair the service creates (AlarmHigh 3 x 1 min, or 3 x 10 s on a high-resolution metric; AlarmLow 15 x 1 min at
      // 90 % of the target), from the one CloudWatch semantics module the simulator uses too.
      const custom = tt.CustomizedMetricSpecification as Input | undefined;
      const type = textOf((tt.PredefinedMetricSpecification as Input | undefined)?.PredefinedMetricType);
      const known = PREDEFINED[type];
      const metric = textOf(custom ? custom.MetricName : known!.metric);
      const statistic = textOf(custom ? (custom.Statistic ?? 'Average') : known!.statistic) as CloudWatchStatistic;
      const pair = targetTrackingAlarms(id, metric, Number(tt.TargetValue), {
        statistic,
        disableScaleIn: tt.DisableScaleIn === true,
        highResolution: HIGH_RESOLUTION_PREDEFINED.has(type),
      });
      for (const spec of pair) {
        const alarmName = `${spec.name}-${this.world.newId()}`;
        const arn = this.peers.putManagedAlarm({
          AlarmName: alarmName,
          AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policyArn}.`,
          AlarmActions: [policyArn],
          MetricName: metric,
          Namespace: custom ? custom.Namespace : 'AWS/SageMaker',
          Statistic: spec.statistic,
          Dimensions: custom ? (custom.Dimensions ?? []) : metricDimensions(scalable),
          Period: spec.period,
          EvaluationPeriods: spec.evaluationPeriods,
          ...(spec.datapointsToAlarm !== undefined ? { DatapointsToAlarm: spec.datapointsToAlarm } : {}),
          Threshold: spec.threshold,
          ComparisonOperator: spec.comparisonOperator,
        });
        alarms.push({ AlarmName: alarmName, AlarmARN: arn });
      }
    }
    const policy: ScalingPolicy = {
      PolicyARN: policyArn,
      PolicyName: name,
      ServiceNamespace: ns,
      ResourceId: id,
      ScalableDimension: dim,
      PolicyType: type,
      ...(step ? { StepScalingPolicyConfiguration: step } : {}),
      ...(tt ? { TargetTrackingScalingPolicyConfiguration: tt } : {}),
      Alarms: alarms,
      CreationTime: existing?.CreationTime ?? this.world.clock.now(),
    };
    this.policies.set(k, policy);
    return { PolicyARN: policyArn, Alarms: alarms };
  }

  private validateStep(step: Input): void {
    const adjustments = (step.StepAdjustments as Input[] | undefined) ?? [];
    const type = textOf(step.AdjustmentType ?? '');
    if (!['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity'].includes(type))
      throw badMember(
        'stepScalingPolicyConfiguration.adjustmentType',
        type,
        'Member must satisfy enum value set: [ChangeInCapacity, PercentChangeInCapacity, ExactCapacity]',
      );
    if (adjustments.length === 0) throw new AwsApiError('ValidationException', 'StepAdjustments must be specified for a StepScaling policy');
    const sorted = adjustments
      .map((a) => ({
        lo: typeof a.MetricIntervalLowerBound === 'number' ? a.MetricIntervalLowerBound : -Infinity,
        hi: typeof a.MetricIntervalUpperBound === 'number' ? a.MetricIntervalUpperBound : Infinity,
      }))
      .sort((a, b) => a.lo - b.lo);
    for (let i = 0; i < sorted.length; i++) {
      const s = sorted[i]!;
      if (s.lo >= s.hi) throw new AwsApiError('ValidationException', 'Step adjustment interval lower bound must be less than upper bound');
      if (i > 0 && sorted[i - 1]!.hi !== s.lo) throw new AwsApiError('ValidationException', 'Step adjustments have gaps or overlaps between their intervals');
    }
    if (step.MinAdjustmentMagnitude !== undefined && type !== 'PercentChangeInCapacity')
      throw new AwsApiError('ValidationException', 'MinAdjustmentMagnitude is only supported with PercentChangeInCapacity adjustment type');
  }

  private deletePolicy(input: Input): unknown {
    const { ns, id, dim } = this.common(input);
    const name = reqString(input, 'PolicyName');
    const k = `${key(ns, id, dim)}|${name}`;
    const p = this.policies.get(k);
    if (!p) throw notFound('scaling policy found', { ns, id, dim }, `policy name: ${name}`);
    this.dropPolicy(k, p);
    return {};
  }

  /** A policy goes with the alarms target tracking made for it (step alarms are the user's). */
  private dropPolicy(k: string, p: ScalingPolicy): void {
    if (p.PolicyType === 'TargetTrackingScaling') this.peers.deleteManagedAlarms(p.Alarms.map((a) => a.AlarmName));
    this.policies.delete(k);
  }

  private describePolicies(input: Input): unknown {
    const ns = reqString(input, 'ServiceNamespace');
    const names = optStringArray(input, 'PolicyNames');
    const id = optString(input, 'ResourceId');
    const dim = optString(input, 'ScalableDimension');
    const all = [...this.policies.values()].filter(
      (p) =>
        p.ServiceNamespace === ns &&
        (names.length === 0 || names.includes(p.PolicyName)) &&
        (id === undefined || p.ResourceId === id) &&
        (dim === undefined || p.ScalableDimension === dim),
    );
    return this.page(
      input,
      'ScalingPolicies',
      all.map(({ lastScaleInAt: _i, lastScaleOutAt: _o, CreationTime, ...p }) => ({ ...p, CreationTime: epochSeconds(CreationTime) })),
    );
  }

  private describeActivities(input: Input): unknown {
    const ns = reqString(input, 'ServiceNamespace');
    const id = optString(input, 'ResourceId');
    const all = this.activities
      .filter((a) => a.ServiceNamespace === ns && (id === undefined || a.ResourceId === id))
      .slice()
      .reverse();
    return this.page(
      input,
      'ScalingActivities',
      all.map(({ StartTime, EndTime, ...a }) => ({
        ...a,
        StartTime: epochSeconds(StartTime),
        ...(EndTime !== undefined ? { EndTime: epochSeconds(EndTime) } : {}),
      })),
    );
  }

  private page(input: Input, field: string, all: unknown[]): unknown {
    const max = optNumber(input, 'MaxResults', 1) ?? 50;
    const start = Number(optString(input, 'NextToken') ?? '0');
    return { [field]: all.slice(start, start + max), ...(start + max < all.length ? { NextToken: String(start + max) } : {}) };
  }

  private activity(t: ScalableTarget, description: string, cause: string): Activity {
    const a: Activity = {
      ActivityId: this.world.newId(),
      ServiceNamespace: t.ServiceNamespace,
      ResourceId: t.ResourceId,
      ScalableDimension: t.ScalableDimension,
      Description: description,
      Cause: cause,
      StartTime: this.world.clock.now(),
      StatusCode: 'InProgress',
    };
    this.activities.push(a);
    return a;
  }

  private targetByArn(arn: string): ScalableTarget {
    const t = [...this.targets.values()].find((x) => x.ScalableTargetARN === arn);
    if (!t) throw new AwsApiError('ResourceNotFoundException', `No scalable target found for ARN ${arn}`);
    return t;
  }
}
