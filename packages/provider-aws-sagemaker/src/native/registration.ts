import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  ListTagsForResourceCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalableTarget, ScalingPolicy, ScheduledAction } from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { alarmToPut } from './alarm-put';
import { ProviderError, systemClock, type CallOptions, type Clock } from '@autoscaler/core';
import { callWithin } from '../aws-errors';
import type { HttpCallOptions } from '../budget';
import type { AwsClients } from '../clients';
import { nativeAlarmPrefix, scalableDimensionOf, type SageMakerScalableDimension } from '../ids';

export { alarmToPut } from './alarm-put';

/** Everything Application Auto Scaling holds for one variant, saved before a deregistration. */
export interface SavedRegistration {
  target: ScalableTarget;
  /** The target's tags (the owner tag `setup aws` put there, and anyone else's). */
  tags: Record<string, string>;
  policies: ScalingPolicy[];
  scheduledActions: ScheduledAction[];
  /** Alarms (step scaling) whose actions name one of the policies, by old policy ARN. */
  alarms: Array<{ policyArn: string; alarm: MetricAlarm }>;
}

/** The budget and clock every call of a registration move runs under. */
export interface RegistrationCalls {
  budget?: CallOptions | undefined;
  clock?: Clock;
}

const within = <T>(what: string, calls: RegistrationCalls, fn: (http: HttpCallOptions) => Promise<T>): Promise<T> =>
  callWithin(what, calls.budget, calls.clock ?? systemClock, fn);

/** The key Application Auto Scaling files a scalable target (and its policies and scheduled actions) under. */
export interface TargetKey {
  ServiceNamespace: 'sagemaker';
  ResourceId: string;
  ScalableDimension: SageMakerScalableDimension;
}

export function targetKey(resourceId: string, dimension: SageMakerScalableDimension = scalableDimensionOf(resourceId)): TargetKey {
  return { ServiceNamespace: 'sagemaker', ResourceId: resourceId, ScalableDimension: dimension };
}

/** A Describe* call followed page by page (at most 20 pages): `page` sends one request and returns its items and NextToken. */
export async function allPages<T>(
  what: string,
  calls: RegistrationCalls,
  page: (token: { NextToken?: string }, http: HttpCallOptions) => Promise<readonly [T[] | undefined, string | undefined]>,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let n = 0; n < 20; n++) {
    const [more, next] = await within(what, calls, (http) => page(token ? { NextToken: token } : {}, http));
    items.push(...(more ?? []));
    token = next;
    if (!token) break;
  }
  return items;
}

export async function describeTarget(clients: AwsClients, key: TargetKey, calls: RegistrationCalls = {}): Promise<ScalableTarget | undefined> {
  const { ServiceNamespace, ResourceId, ScalableDimension } = key;
  const out = await within('DescribeScalableTargets', calls, async (http) =>
    (await clients.autoscalingClient()).send(new DescribeScalableTargetsCommand({ ServiceNamespace, ResourceIds: [ResourceId], ScalableDimension }), http),
  );
  return out.ScalableTargets?.find((t) => t.ResourceId === ResourceId);
}

export async function describePolicies(clients: AwsClients, key: TargetKey, calls: RegistrationCalls = {}): Promise<ScalingPolicy[]> {
  return allPages('DescribeScalingPolicies', calls, async (token, http) => {
    const out = await (await clients.autoscalingClient()).send(new DescribeScalingPoliciesCommand({ ...key, ...token }), http);
    return [out.ScalingPolicies, out.NextToken];
  });
}

export async function describeScheduledActions(clients: AwsClients, key: TargetKey, calls: RegistrationCalls = {}): Promise<ScheduledAction[]> {
  return allPages('DescribeScheduledActions', calls, async (token, http) => {
    const out = await (await clients.autoscalingClient()).send(new DescribeScheduledActionsCommand({ ...key, ...token }), http);
    return [out.ScheduledActions, out.NextToken];
  });
}

export async function saveRegistration(clients: AwsClients, resourceId: string, calls: RegistrationCalls = {}): Promise<SavedRegistration | undefined> {
  const key = targetKey(resourceId);
  const target = await describeTarget(clients, key, calls);
  if (!target) return undefined;
  const tags = target.ScalableTargetARN
    ? ((
        await within('ListTagsForResource', calls, async (http) =>
          (await clients.autoscalingClient()).send(new ListTagsForResourceCommand({ ResourceARN: target.ScalableTargetARN }), http),
        )
      ).Tags ?? {})
    : {};
  const policies = await describePolicies(clients, key, calls);
  const scheduledActions = await describeScheduledActions(clients, key, calls);
  const alarms: SavedRegistration['alarms'] = [];
  const stepPolicies = policies.filter((p) => p.PolicyType === 'StepScaling' && p.PolicyARN);
  if (stepPolicies.length > 0) {
    // The step alarms `setup aws` made, by name prefix (all the Lambda's role may read and write),
    // and, where the caller may list them, any other alarm whose action names one of the policies.
    const found = new Map<string, MetricAlarm>();
    const out = await within('DescribeAlarms', calls, (http) =>
      clients.cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNamePrefix: nativeAlarmPrefix(resourceId), AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }),
        http,
      ),
    );
    for (const a of out.MetricAlarms ?? []) if (a.AlarmName) found.set(a.AlarmName, a);
    for (const p of stepPolicies) {
      try {
        const more = await within('DescribeAlarms', calls, (http) =>
          clients.cloudwatch.send(new DescribeAlarmsCommand({ ActionPrefix: p.PolicyARN, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }), http),
        );
        for (const a of more.MetricAlarms ?? []) if (a.AlarmName) found.set(a.AlarmName, a);
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
      }
    }
    for (const a of found.values()) {
      const p = stepPolicies.find((x) => a.AlarmActions?.includes(x.PolicyARN!));
      if (p) alarms.push({ policyArn: p.PolicyARN!, alarm: a });
    }
  }
  return { target, tags, policies, scheduledActions, alarms };
}

export async function deregister(clients: AwsClients, resourceId: string, calls: RegistrationCalls = {}): Promise<void> {
  await within('DeregisterScalableTarget', calls, async (http) =>
    (await clients.autoscalingClient()).send(new DeregisterScalableTargetCommand(targetKey(resourceId)), http),
  );
}

/** The fields `keys` of a described object that are set: the optional members of the request that re-creates it. */
function setFields<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => from[k] != null && from[k] !== '').map((k) => [k, from[k]])) as Partial<Pick<T, K>>;
}

/**
 * Register the variant again with its saved range, suspension and tags (the owner tag
 * `teardown aws` looks for), re-create its policies and scheduled actions, and point
 * step-scaling alarms at the re-created policy ARNs.
 */
export async function restoreRegistration(clients: AwsClients, saved: SavedRegistration, calls: RegistrationCalls = {}): Promise<void> {
  const t = saved.target;
  await within('RegisterScalableTarget', calls, async (http) =>
    (await clients.autoscalingClient()).send(
      new RegisterScalableTargetCommand({
        ...targetKey(t.ResourceId!),
        MinCapacity: t.MinCapacity,
        MaxCapacity: t.MaxCapacity,
        ...setFields(t, ['SuspendedState']),
        ...(Object.keys(saved.tags).length > 0 ? { Tags: saved.tags } : {}),
      }),
      http,
    ),
  );
  for (const a of saved.scheduledActions) {
    await within(`PutScheduledAction ${a.ScheduledActionName ?? ''}`, calls, async (http) =>
      (await clients.autoscalingClient()).send(
        new PutScheduledActionCommand({
          ...targetKey(t.ResourceId!),
          ScheduledActionName: a.ScheduledActionName,
          Schedule: a.Schedule,
          ...setFields(a, ['Timezone', 'StartTime', 'EndTime', 'ScalableTargetAction']),
        }),
        http,
      ),
    );
  }
  for (const p of saved.policies) {
    const out = await within('PutScalingPolicy', calls, async (http) =>
      (await clients.autoscalingClient()).send(
        new PutScalingPolicyCommand({
          ...targetKey(p.ResourceId!),
          PolicyName: p.PolicyName,
          PolicyType: p.PolicyType,
          ...setFields(p, ['StepScalingPolicyConfiguration', 'TargetTrackingScalingPolicyConfiguration', 'PredictiveScalingPolicyConfiguration']),
        }),
        http,
      ),
    );
    const newArn = out.PolicyARN;
    if (!newArn || newArn === p.PolicyARN) continue;
    for (const { policyArn, alarm } of saved.alarms) {
      if (policyArn !== p.PolicyARN) continue;
      await within('PutMetricAlarm', calls, (http) =>
        clients.cloudwatch.send(new PutMetricAlarmCommand(alarmToPut(alarm, { from: policyArn, to: newArn })), http),
      );
    }
  }
}
