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
import { OWNER_TAG, ownedPrefixes, type NativeResource, type SageMakerNativeExport } from './compile';
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

type ResourceOf<K extends NativeResource['kind']> = Extract<NativeResource, { kind: K }>;

/**
 * Put each resource of `kind` the export has, unless the one there by that name is the same;
 * records created / updated / unchanged in `changes` and returns the names the export has.
 */
async function converge<K extends NativeResource['kind'], H>(
  exported: SageMakerNativeExport,
  kind: K,
  existing: ReadonlyMap<string, H>,
  changes: NativeChange[],
  how: { name: (r: ResourceOf<K>) => string; same: (have: H, r: ResourceOf<K>) => boolean; put: (r: ResourceOf<K>, name: string) => Promise<void> },
): Promise<Set<string>> {
  const wanted = new Set<string>();
  for (const r of exported.resources.filter((x): x is ResourceOf<K> => x.kind === kind)) {
    const name = how.name(r);
    wanted.add(name);
    const have = existing.get(name);
    if (have !== undefined && how.same(have, r)) {
      changes.push({ action: 'unchanged', kind, name });
      continue;
    }
    await how.put(r, name);
    changes.push({ action: have ? 'updated' : 'created', kind, name });
  }
  return wanted;
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
  // The ARN each step alarm's action names: the policy's as it is, or as PutScalingPolicy returns it.
  const arns = new Map([...policies].map(([name, p]) => [name, p.PolicyARN!]));
  const wantedPolicies = await converge(exported, 'ScalingPolicy', policies, changes, {
    name: (r) => r.request.PolicyName!,
    same: (have, r) =>
      have.PolicyType === r.request.PolicyType &&
      sameJson(have.StepScalingPolicyConfiguration, r.request.StepScalingPolicyConfiguration) &&
      sameJson(have.TargetTrackingScalingPolicyConfiguration, r.request.TargetTrackingScalingPolicyConfiguration),
    put: async (r, name) => {
      const out = await call(`PutScalingPolicy ${name}`, async () => (await clients.autoscalingClient()).send(new PutScalingPolicyCommand(r.request)));
      arns.set(name, out.PolicyARN!);
    },
  });

  const alarms = new Map((await ownedAlarms(clients, exported.alarmPrefix)).map((a) => [a.AlarmName!, a]));
  const alarmRequest = (r: ResourceOf<'Alarm'>) => ({ ...r.request, AlarmActions: [arns.get(r.policyName)!] });
  const wantedAlarms = await converge(exported, 'Alarm', alarms, changes, {
    name: (r) => r.request.AlarmName!,
    same: (have, r) => {
      const { Tags: _tags, ...comparable } = alarmRequest(r);
      return sameJson(alarmToPut(have), { ActionsEnabled: true, OKActions: [], InsufficientDataActions: [], ...comparable });
    },
    put: async (r, name) => {
      await call(`PutMetricAlarm ${name}`, () => clients.cloudwatch.send(new PutMetricAlarmCommand(alarmRequest(r))));
    },
  });

  const actions = new Map((await describeScheduledActions(clients, key)).map((a) => [a.ScheduledActionName!, a]));
  const wantedActions = await converge(exported, 'ScheduledAction', actions, changes, {
    name: (r) => r.request.ScheduledActionName!,
    same: (have, r) =>
      have.Schedule === r.request.Schedule &&
      (have.Timezone ?? 'UTC') === (r.request.Timezone ?? 'UTC') &&
      sameJson(have.ScalableTargetAction, r.request.ScalableTargetAction),
    put: async (r, name) => {
      await call(`PutScheduledAction ${name}`, async () => (await clients.autoscalingClient()).send(new PutScheduledActionCommand(r.request)));
    },
  });

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
