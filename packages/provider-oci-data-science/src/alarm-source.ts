import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError, type AlarmChange, type AlarmSource, type Capacity, type Issue, type Policy, type Signal, type SignalState, type TargetRef } from '@autoscaler/core';
import type { MonitoringClient, models } from 'oci-monitoring';
import { messageTime, parseAlarmMessage, type AlarmMessage, type AlarmMetaData } from './alarm-message';
import { planAlarms, type AlarmPlanOptions, type AlarmSpec } from './alarm-plan';
import { parseQuery } from './alarm-query';
import { call } from './errors';
import { ocidProblem, requireOcid } from './ocid';
import { MANAGED_TAG } from './state-tags';
import { MODEL_DEPLOYMENT_NAMESPACE, PROVIDER_NAME } from './provider';

export const SOURCE_NAME = 'oci-monitoring';
export const ALARM_TARGET_TAG = 'autoscaler-target';
export const ALARM_RULE_TAG = 'autoscaler-rule';
export const ALARM_POLICY_TAG = 'autoscaler-policy';

export interface OciMonitoringAlarmSourceOptions extends AlarmPlanOptions {
  /** Needed by `ensureAlarms`. */
  monitoring?: MonitoringClient;
  /** Compartment the alarms live in (and the metrics, unless `metricCompartmentId`). */
  compartmentId?: string;
  metricCompartmentId?: string;
  /** Notifications topic the alarms notify (the function is subscribed to it). */
  topicId?: string;
  /** Current capacity of a target, for the dynamic scale-in alarms; without it every alarm is kept. */
  capacity?: (ref: TargetRef) => Promise<Capacity>;
  providerName?: string;
}

/**
 * Monitoring alarms delivered by Notifications. Every `alarmMetaData` entry and
 * every dimension counts (the sample read only the first of each); the target
 * is the dimension's `resourceId` (or the query's), validated as a model
 * deployment OCID; the rule is found by the alarm OCID, with the title kept
 * only as `alarmName`. One delivery is `dedupeKey` + `timestampEpochMillis`,
 * so a duplicate delivery is the same key and a REPEAT is a new one.
 */
export class OciMonitoringAlarmSource implements AlarmSource {
  readonly name = SOURCE_NAME;

  constructor(private readonly options: OciMonitoringAlarmSourceOptions = {}) {}

  parse(raw: unknown): Signal[] {
    const message = parseAlarmMessage(raw);
    const at = messageTime(message);
    const issues: Issue[] = [];
    const found: Array<{ entry: AlarmMetaData; i: number; resourceId: string; dimIndex: number }> = [];
    message.alarmMetaData.forEach((entry, i) => {
      const p = `alarmMetaData[${i}]`;
      const idProblem = ocidProblem('alarm', entry.id);
      if (idProblem) issues.push({ path: `${p}.id`, message: idProblem });
      const query = entry.query ? parseQuery(entry.query) : undefined;
      if (!entry.query) issues.push({ path: `${p}.query`, message: 'is missing: cannot tell which metric the alarm watches' });
      else if (!query) issues.push({ path: `${p}.query`, message: 'is not an MQL alarm query like CpuUtilization[5m]{resourceId = "..."}.mean() > 80' });
      const queryResource = query?.dimensions['resourceId'];
      const seen = new Set<string>();
      let named = 0;
      (entry.dimensions ?? []).forEach((d, j) => {
        const rid = d['resourceId'];
        if (rid === undefined || rid === null) return;
        named++;
        const problem = ocidProblem('datasciencemodeldeployment', rid);
        if (problem) return issues.push({ path: `${p}.dimensions[${j}].resourceId`, message: problem });
        const id = rid as string;
        if (queryResource !== undefined && queryResource !== id) {
          return issues.push({ path: `${p}.dimensions[${j}].resourceId`, message: `does not match the alarm query's resourceId "${queryResource.slice(0, 120)}"` });
        }
        if (!seen.has(id)) {
          seen.add(id);
          found.push({ entry, i, resourceId: id, dimIndex: j });
        }
      });
      if (named === 0) {
        if (queryResource === undefined) issues.push({ path: `${p}.dimensions`, message: 'name no model deployment (no resourceId dimension, and none in the query)' });
        else {
          const problem = ocidProblem('datasciencemodeldeployment', queryResource);
          if (problem) issues.push({ path: `${p}.query`, message: `resourceId: ${problem}` });
          else found.push({ entry, i, resourceId: queryResource, dimIndex: -1 });
        }
      }
    });
    if (issues.length > 0) throw new ValidationError('alarm message rejected: nothing was scaled', issues);

    const provider = this.options.providerName ?? PROVIDER_NAME;
    const base = `${message.dedupeKey}@${at}`;
    return found.map(({ entry, i, resourceId, dimIndex }) => {
      const query = parseQuery(entry.query!)!;
      const signal: Signal = {
        target: { provider, id: resourceId },
        source: SOURCE_NAME,
        metric: query.metric,
        alarm: entry.id,
        state: stateOf(message, entry),
        dedupeKey: found.length === 1 ? base : `${base}#${i}/${shortHash(resourceId)}`,
        at,
      };
      if (message.title) signal.alarmName = message.title;
      if (query.threshold !== undefined) signal.threshold = query.threshold;
      const value = metricValue(entry, dimIndex);
      if (value !== undefined) signal.value = value;
      const dims = dimIndex >= 0 ? entry.dimensions?.[dimIndex] : undefined;
      if (dims) signal.dimensions = Object.fromEntries(Object.entries(dims).filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)]));
      return signal;
    });
  }

  /**
   * Check signals against the alarms they name, as Monitoring defines them
   * (GetAlarm): the alarm must exist, its query must watch the same metric on
   * the same deployment, and the rule name comes from the alarm's display name
   * in Monitoring — never from the message's title, which anyone who can
   * publish to the topic can write. Without a Monitoring client, no-op.
   */
  async verify(signals: readonly Signal[]): Promise<Signal[]> {
    const monitoring = this.options.monitoring;
    if (!monitoring) return [...signals];
    const alarms = new Map<string, models.Alarm | undefined>();
    for (const id of new Set(signals.map((s) => s.alarm).filter((a): a is string => a !== undefined))) {
      try {
        alarms.set(id, (await call(`GetAlarm ${id}`, () => monitoring.getAlarm({ alarmId: id }))).alarm);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        alarms.set(id, undefined);
      }
    }
    const issues: Issue[] = [];
    const out = signals.map((s) => {
      if (s.alarm === undefined) return s;
      const def = alarms.get(s.alarm);
      const path = `alarmMetaData[id=${s.alarm}]`;
      if (!def || def.lifecycleState !== 'ACTIVE') {
        issues.push({ path: `${path}.id`, message: 'no such alarm in Monitoring (deleted, or not readable by this function)' });
        return s;
      }
      const q = parseQuery(def.query);
      if (q && q.metric !== s.metric) issues.push({ path: `${path}.query`, message: `the alarm watches ${q.metric}, the message says ${s.metric}` });
      const watched = q?.dimensions['resourceId'];
      if (watched !== undefined && watched !== s.target.id) issues.push({ path: `${path}.dimensions`, message: `the alarm watches ${watched}, the message names ${s.target.id}` });
      const verified: Signal = { ...s, alarmName: def.displayName };
      if (q?.threshold !== undefined) verified.threshold = q.threshold;
      return verified;
    });
    if (issues.length > 0) throw new ValidationError('alarm message does not match the alarm it names: nothing was scaled', issues);
    return out;
  }

  /**
   * Create, update and delete the alarms `policy` needs on `target`. Ours carry
   * the managed tag plus target/rule/policy tags; nothing else is touched.
   * Idempotent: a second run reports every alarm `unchanged`.
   */
  async ensureAlarms(target: TargetRef, policy: Policy): Promise<AlarmChange[]> {
    const { monitoring, topicId } = this.options;
    requireOcid('datasciencemodeldeployment', target.id, 'target.id');
    if (!monitoring) throw ValidationError.field('monitoring', 'ensureAlarms needs a Monitoring client');
    const compartmentId = requireOcid('compartment', this.options.compartmentId, 'compartmentId');
    const metricCompartmentId = requireOcid('compartment', this.options.metricCompartmentId ?? compartmentId, 'metricCompartmentId');
    requireOcid('onstopic', topicId, 'topicId');
    const capacity = this.options.capacity ? await this.options.capacity(target) : undefined;
    const plan = planAlarms(target, policy, capacity, this.options);

    const existing = (await this.listOurs(monitoring, compartmentId)).filter((a) => a.freeformTags?.[ALARM_TARGET_TAG] === target.id);
    const changes: AlarmChange[] = [];
    const kept = new Set<string>();
    for (const spec of plan.wanted) {
      const details = this.details(spec, target, policy, compartmentId, metricCompartmentId, topicId!);
      const mine = existing.filter((a) => a.freeformTags?.[ALARM_RULE_TAG] === spec.rule && a.freeformTags?.[ALARM_POLICY_TAG] === policy.name);
      const current = mine[0];
      if (!current) {
        const created = await this.create(monitoring, details);
        changes.push({ action: 'created', id: created, name: spec.displayName });
        continue;
      }
      kept.add(current.id);
      const got = await call(`GetAlarm ${current.id}`, () => monitoring.getAlarm({ alarmId: current.id }));
      const stale = differs(got.alarm, details);
      if (stale.length > 0) {
        await call(`UpdateAlarm ${current.id}`, () => monitoring.updateAlarm({ alarmId: current.id, updateAlarmDetails: details, ...(got.etag ? { ifMatch: got.etag } : {}) }));
        changes.push({ action: 'updated', id: current.id, name: spec.displayName });
      } else {
        changes.push({ action: 'unchanged', id: current.id, name: spec.displayName });
      }
    }
    for (const a of existing) {
      if (kept.has(a.id)) continue;
      await call(`DeleteAlarm ${a.id}`, () => monitoring.deleteAlarm({ alarmId: a.id }));
      changes.push({ action: 'deleted', id: a.id, name: a.displayName });
    }
    return changes;
  }

  /** Remove every alarm of ours on `target` (teardown). */
  async removeAlarms(target: TargetRef): Promise<AlarmChange[]> {
    const { monitoring } = this.options;
    requireOcid('datasciencemodeldeployment', target.id, 'target.id');
    if (!monitoring) throw ValidationError.field('monitoring', 'removeAlarms needs a Monitoring client');
    const compartmentId = requireOcid('compartment', this.options.compartmentId, 'compartmentId');
    const changes: AlarmChange[] = [];
    for (const a of await this.listOurs(monitoring, compartmentId)) {
      if (a.freeformTags?.[ALARM_TARGET_TAG] !== target.id) continue;
      await call(`DeleteAlarm ${a.id}`, () => monitoring.deleteAlarm({ alarmId: a.id }));
      changes.push({ action: 'deleted', id: a.id, name: a.displayName });
    }
    return changes;
  }

  private async listOurs(monitoring: MonitoringClient, compartmentId: string): Promise<models.AlarmSummary[]> {
    const out: models.AlarmSummary[] = [];
    let page: string | undefined;
    for (let n = 0; n < 1000; n++) {
      const res = await call('ListAlarms', () => monitoring.listAlarms({ compartmentId, lifecycleState: 'ACTIVE' as never, ...(page ? { page } : {}) }));
      out.push(...res.items.filter((a) => (a.freeformTags?.[MANAGED_TAG] ?? '').toLowerCase() === 'true'));
      page = res.opcNextPage;
      if (!page) break;
    }
    return out;
  }

  private details(spec: AlarmSpec, target: TargetRef, policy: Policy, compartmentId: string, metricCompartmentId: string, topicId: string): models.CreateAlarmDetails {
    return {
      displayName: spec.displayName,
      compartmentId,
      metricCompartmentId,
      namespace: MODEL_DEPLOYMENT_NAMESPACE,
      query: spec.query,
      severity: spec.severity,
      body: spec.body,
      destinations: [topicId],
      isEnabled: true,
      pendingDuration: spec.pendingDuration,
      repeatNotificationDuration: spec.repeatNotificationDuration,
      // RAW: the function parses JSON; ONS_OPTIMIZED (the sample's choice) is meant for email.
      messageFormat: 'RAW' as models.CreateAlarmDetails.MessageFormat,
      freeformTags: { [MANAGED_TAG]: 'true', [ALARM_TARGET_TAG]: target.id, [ALARM_RULE_TAG]: spec.rule, [ALARM_POLICY_TAG]: policy.name },
    };
  }

  /**
   * Create with a retry token derived from what is created, so a retried POST —
   * or a second container racing this one — makes one alarm, not two. A token
   * can outlive the alarm (tokens last a day); if it answers with a deleted
   * alarm, create again with a fresh token.
   */
  private async create(monitoring: MonitoringClient, details: models.CreateAlarmDetails): Promise<string> {
    const token = createHash('sha256').update(JSON.stringify(details)).digest('hex').slice(0, 40);
    const first = await call(`CreateAlarm ${details.displayName}`, () => monitoring.createAlarm({ createAlarmDetails: details, opcRetryToken: token }));
    if (first.alarm.lifecycleState === 'ACTIVE') return first.alarm.id;
    const again = await call(`CreateAlarm ${details.displayName}`, () => monitoring.createAlarm({ createAlarmDetails: details, opcRetryToken: `${token.slice(0, 24)}${Date.now().toString(36)}` }));
    return again.alarm.id;
  }
}

function stateOf(message: AlarmMessage, entry: AlarmMetaData): SignalState {
  const status = entry.status?.toUpperCase();
  if (status === 'FIRING') return 'firing';
  if (status === 'OK') return 'ok';
  return message.type === 'OK_TO_FIRING' || message.type === 'REPEAT' ? 'firing' : 'ok';
}

/** `metricValues[i]` belongs to `dimensions[i]` (message version 1.5). */
function metricValue(entry: AlarmMetaData, dimIndex: number): number | undefined {
  const values = entry.metricValues;
  if (!values || values.length === 0) return undefined;
  const record = values[dimIndex >= 0 && dimIndex < values.length ? dimIndex : 0];
  for (const v of Object.values(record ?? {})) {
    const n = typeof v === 'number' ? v : Number(v);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 10);
}

const COMPARED: ReadonlyArray<keyof models.CreateAlarmDetails> = ['displayName', 'metricCompartmentId', 'namespace', 'query', 'severity', 'body', 'destinations', 'isEnabled', 'pendingDuration', 'repeatNotificationDuration', 'messageFormat', 'freeformTags'];

/** JSON with sorted keys: the service need not keep tag order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

function differs(current: models.Alarm, wanted: models.CreateAlarmDetails): string[] {
  return COMPARED.filter((k) => canonical(current[k as keyof models.Alarm]) !== canonical(wanted[k]));
}
