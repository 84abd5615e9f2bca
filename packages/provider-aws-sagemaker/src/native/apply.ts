import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalingActivitiesCommand,
  ListTagsForResourceCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  TagResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalableTarget, ScalingActivity, ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { ConflictError, type TargetRef } from '@autoscaler/core';
import { call } from '../aws-errors';
import type { AwsClients } from '../clients';
import { nativeAlarmPrefix, parseTargetId, possibleDimensionsOf, scalableDimensionOf, type SageMakerScalableDimension } from '../ids';
import { OWNER_TAG, ownedPrefixes, type SageMakerNativeExport } from './compile';
import { alarmToPut } from './alarm-put';
import { allPages, describePolicies, describeScheduledActions, describeTarget, targetKey, type TargetKey } from './registration';
import { sameJson } from './same-json';

export { sameJson } from './same-json';

export interface NativeChange {
  action: 'created' | 'updated' | 'unchanged' | 'deleted';
  kind: 'ScalableTarget' | 'ScalingPolicy' | 'Alarm' | 'ScheduledAction';
  name: string;
}

async function ownedAlarms(clients: AwsClients, prefix: string): Promise<MetricAlarm[]> {
  return allPages('DescribeAlarms', {}, async (token, http) => {
    const res = await clients.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'], MaxRecords: 100, ...token }),
      http,
    );
    return [res.MetricAlarms, res.NextToken];
  });
}

/** Delete the named scaling policies and scheduled actions of one scalable target. */
async function deletePoliciesAndActions(clients: AwsClients, key: TargetKey, names: { policies: string[]; actions: string[] }): Promise<NativeChange[]> {
  const changes: NativeChange[] = [];
  const aas = await clients.autoscalingClient();
  for (const name of names.policies) {
    await call(`DeleteScalingPolicy ${name}`, () => aas.send(new DeleteScalingPolicyCommand({ ...key, PolicyName: name })));
    changes.push({ action: 'deleted', kind: 'ScalingPolicy', name });
  }
  for (const name of names.actions) {
    await call(`DeleteScheduledAction ${name}`, () => aas.send(new DeleteScheduledActionCommand({ ...key, ScheduledActionName: name })));
    changes.push({ action: 'deleted', kind: 'ScheduledAction', name });
  }
  return changes;
}

async function ownerOf(clients: AwsClients, target: ScalableTarget): Promise<string | undefined> {
  if (!target.ScalableTargetARN) return undefined;
  const res = await call('ListTagsForResource', async () =>
    (await clients.autoscalingClient()).send(new ListTagsForResourceCommand({ ResourceARN: target.ScalableTargetARN })),
  );
  return res.Tags?.[OWNER_TAG];
}

/**
 * Apply an export idempotently: register (or update) the scalable target,
 * put each policy and alarm only when it differs from what is there, and
 * delete our own (prefixed) policies, alarms and scheduled actions the export
 * no longer has. A target registered by someone else is refused unless `adopt`.
 */
export async function applyNative(clients: AwsClients, exported: SageMakerNativeExport, options: { adopt?: boolean } = {}): Promise<NativeChange[]> {
  const changes: NativeChange[] = [];
  const targetRes = exported.resources.find((r) => r.kind === 'ScalableTarget');
  if (!targetRes || targetRes.kind !== 'ScalableTarget') throw new ConflictError('export has no scalable target');
  const resourceId = targetRes.request.ResourceId!;
  const dimension = (targetRes.request.ScalableDimension ?? scalableDimensionOf(resourceId)) as SageMakerScalableDimension;

  const key = targetKey(resourceId, dimension);
  const existing = await describeTarget(clients, key);
  if (existing) {
    const owner = await ownerOf(clients, existing);
    if (owner !== exported.owner && !options.adopt) {
      throw new ConflictError(
        `${resourceId} is already registered with Application Auto Scaling ${owner ? `by autoscaler policy "${owner}"` : 'by someone else'}: pass adopt to take it over`,
      );
    }
    const same = existing.MinCapacity === targetRes.request.MinCapacity && existing.MaxCapacity === targetRes.request.MaxCapacity;
    if (!same) {
      const { Tags: _t, ...req } = targetRes.request;
      await call('RegisterScalableTarget', async () => (await clients.autoscalingClient()).send(new RegisterScalableTargetCommand(req)));
    }
    if (owner !== exported.owner && existing.ScalableTargetARN) {
      await call('TagResource', async () =>
        (await clients.autoscalingClient()).send(new TagResourceCommand({ ResourceARN: existing.ScalableTargetARN, Tags: { [OWNER_TAG]: exported.owner } })),
      );
    }
    changes.push({ action: same && owner === exported.owner ? 'unchanged' : 'updated', kind: 'ScalableTarget', name: resourceId });
  } else {
    await call('RegisterScalableTarget', async () => (await clients.autoscalingClient()).send(new RegisterScalableTargetCommand(targetRes.request)));
    changes.push({ action: 'created', kind: 'ScalableTarget', name: resourceId });
  }

  const policies = new Map((await describePolicies(clients, key)).map((p) => [p.PolicyName!, p]));
  const arns = new Map<string, string>();
  const wantedPolicies = new Set<string>();
  for (const r of exported.resources) {
    if (r.kind !== 'ScalingPolicy') continue;
    const name = r.request.PolicyName!;
    wantedPolicies.add(name);
    const have = policies.get(name);
    const same =
      have !== undefined &&
      have.PolicyType === r.request.PolicyType &&
      sameJson(have.StepScalingPolicyConfiguration, r.request.StepScalingPolicyConfiguration) &&
      sameJson(have.TargetTrackingScalingPolicyConfiguration, r.request.TargetTrackingScalingPolicyConfiguration);
    if (same) {
      arns.set(name, have.PolicyARN!);
      changes.push({ action: 'unchanged', kind: 'ScalingPolicy', name });
      continue;
    }
    const out = await call(`PutScalingPolicy ${name}`, async () => (await clients.autoscalingClient()).send(new PutScalingPolicyCommand(r.request)));
    arns.set(name, out.PolicyARN!);
    changes.push({ action: have ? 'updated' : 'created', kind: 'ScalingPolicy', name });
  }

  const alarms = new Map((await ownedAlarms(clients, exported.alarmPrefix)).map((a) => [a.AlarmName!, a]));
  const wantedAlarms = new Set<string>();
  for (const r of exported.resources) {
    if (r.kind !== 'Alarm') continue;
    const name = r.request.AlarmName!;
    wantedAlarms.add(name);
    const request = { ...r.request, AlarmActions: [arns.get(r.policyName)!] };
    const have = alarms.get(name);
    const { Tags: _tags, ...comparable } = request;
    if (have && sameJson(alarmToPut(have), { ActionsEnabled: true, OKActions: [], InsufficientDataActions: [], ...comparable })) {
      changes.push({ action: 'unchanged', kind: 'Alarm', name });
      continue;
    }
    await call(`PutMetricAlarm ${name}`, () => clients.cloudwatch.send(new PutMetricAlarmCommand(request)));
    changes.push({ action: have ? 'updated' : 'created', kind: 'Alarm', name });
  }

  const actions = new Map((await describeScheduledActions(clients, key)).map((a) => [a.ScheduledActionName!, a]));
  const wantedActions = new Set<string>();
  for (const r of exported.resources) {
    if (r.kind !== 'ScheduledAction') continue;
    const name = r.request.ScheduledActionName!;
    wantedActions.add(name);
    const have = actions.get(name);
    if (
      have &&
      have.Schedule === r.request.Schedule &&
      (have.Timezone ?? 'UTC') === (r.request.Timezone ?? 'UTC') &&
      sameJson(have.ScalableTargetAction, r.request.ScalableTargetAction)
    ) {
      changes.push({ action: 'unchanged', kind: 'ScheduledAction', name });
      continue;
    }
    await call(`PutScheduledAction ${name}`, async () => (await clients.autoscalingClient()).send(new PutScheduledActionCommand(r.request)));
    changes.push({ action: have ? 'updated' : 'created', kind: 'ScheduledAction', name });
  }

  // Converge: what we made earlier and the export no longer has goes away.
  const staleAlarms = [...alarms.keys()].filter((n) => !wantedAlarms.has(n));
  if (staleAlarms.length > 0) {
    await call('DeleteAlarms', () => clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: staleAlarms })));
    for (const n of staleAlarms) changes.push({ action: 'deleted', kind: 'Alarm', name: n });
  }
  const stale = (wanted: Set<string>) => (name: string) => name.startsWith(exported.policyPrefix) && !wanted.has(name);
  changes.push(
    ...(await deletePoliciesAndActions(clients, key, {
      policies: [...policies.keys()].filter(stale(wantedPolicies)),
      actions: [...actions.keys()].filter(stale(wantedActions)),
    })),
  );
  return changes;
}

/**
 * Remove exactly what `applyNative` for this policy created: its prefixed
 * policies, alarms and scheduled actions, and the scalable target only if it
 * carries our owner tag. Anything else on the variant is left alone.
 */
export async function teardownNative(clients: AwsClients, ref: TargetRef, policyName: string): Promise<NativeChange[]> {
  const resourceId = ref.id;
  parseTargetId(resourceId);
  const { policyPrefix, alarmPrefix } = ownedPrefixes(policyName, ref);
  const changes: NativeChange[] = [];
  const alarms = (await ownedAlarms(clients, alarmPrefix)).map((a) => a.AlarmName!);
  if (alarms.length > 0) {
    await call('DeleteAlarms', () => clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: alarms })));
    for (const n of alarms) changes.push({ action: 'deleted', kind: 'Alarm', name: n });
  }
  // A variant may be registered for its instances or (serverless) its provisioned concurrency.
  for (const dimension of possibleDimensionsOf(resourceId)) {
    const key = targetKey(resourceId, dimension);
    const target = await describeTarget(clients, key);
    if (!target) continue;
    const ours = (name: string | undefined): name is string => name?.startsWith(policyPrefix) === true;
    changes.push(
      ...(await deletePoliciesAndActions(clients, key, {
        policies: (await describePolicies(clients, key)).map((p) => p.PolicyName).filter(ours),
        actions: (await describeScheduledActions(clients, key)).map((a) => a.ScheduledActionName).filter(ours),
      })),
    );
    if ((await ownerOf(clients, target)) === policyName) {
      const aas = await clients.autoscalingClient();
      await call('DeregisterScalableTarget', () => aas.send(new DeregisterScalableTargetCommand(key)));
      changes.push({ action: 'deleted', kind: 'ScalableTarget', name: resourceId });
    }
  }
  return changes;
}

export interface NativeStatus {
  target?: ScalableTarget;
  policies: ScalingPolicy[];
  activities: ScalingActivity[];
  alarms: MetricAlarm[];
}

/** What Application Auto Scaling and CloudWatch hold for a variant (for `autoscaler status aws`). */
export async function nativeStatus(clients: AwsClients, ref: TargetRef, options: { activities?: number } = {}): Promise<NativeStatus> {
  const id = parseTargetId(ref.id);
  let target: ScalableTarget | undefined;
  let key = targetKey(ref.id);
  for (const d of possibleDimensionsOf(ref.id)) {
    target = await describeTarget(clients, targetKey(ref.id, d));
    if (target) {
      key = targetKey(ref.id, d);
      break;
    }
  }
  const policies = target ? await describePolicies(clients, key) : [];
  const act = await call('DescribeScalingActivities', async () =>
    (await clients.autoscalingClient()).send(new DescribeScalingActivitiesCommand({ ...key, MaxResults: options.activities ?? 10 })),
  );
  // Ours (`setup aws`'s and the app's), named after the target.
  const infix = id.kind === 'component' ? `-ic-${id.component}-` : `-${id.endpoint}-${id.variant}-`;
  const alarms = await ownedAlarms(clients, `autoscaler-`).then((all) =>
    all.filter((a) => a.AlarmName?.startsWith(nativeAlarmPrefix(ref.id)) || a.AlarmName?.includes(infix)),
  );
  return { ...(target ? { target } : {}), policies, activities: act.ScalingActivities ?? [], alarms };
}
