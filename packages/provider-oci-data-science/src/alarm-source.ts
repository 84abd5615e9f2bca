import { createHash } from 'node:crypto';
import {
  NotFoundError,
  ValidationError,
  systemClock,
  type AlarmChange,
  type CallOptions,
  type Clock,
  type AlarmSource,
  type Capacity,
  type Issue,
  type Policy,
  type Signal,
  type SignalState,
  type TargetRef,
} from '@autoscaler/core';
import type { MonitoringClient, models } from 'oci-monitoring';
import { messageTime, parseAlarmMessage, type AlarmMessage, type AlarmMetaData } from './alarm-message';
import { planAlarms, type AlarmPlanOptions, type AlarmSpec } from './alarm-plan';
import { formatMql } from '@autoscaler/cloud-semantics';
import { parseQuery } from './alarm-query';
import { ALARM_POLICY_TAG, ALARM_RULE_TAG, ALARM_TARGET_TAG } from './alarm-tags';
import { callWithin } from './deadline';
import { call } from './errors';
import { HEARTBEAT_RULE, heartbeatDetails, isHeartbeat } from './heartbeat';
import { ocidProblem, requireOcid } from './ocid';
import { MANAGED_TAG } from './state-tags';
import { MODEL_DEPLOYMENT_NAMESPACE, PROVIDER_NAME } from './provider';

/** The SDK's enum value, without loading oci-monitoring at run time for it (cold start). */
const ALARM_ACTIVE = 'ACTIVE' as models.Alarm.LifecycleState;

export const SOURCE_NAME = 'oci-monitoring';
export { ALARM_TARGET_TAG, ALARM_RULE_TAG, ALARM_POLICY_TAG };

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
  /** The clock messages are judged on (default: the system clock). */
  clock?: Clock;
  /** Oldest delivery accepted, ms (default 15 minutes: three 5-minute repeats). */
  maxMessageAgeMs?: number;
  /** How far in the future a delivery may be, ms (default 2 minutes of clock skew). */
  maxClockSkewMs?: number;
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

  private readonly clock: Clock;

  constructor(private readonly options: OciMonitoringAlarmSourceOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

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
          return issues.push({
            path: `${p}.dimensions[${j}].resourceId`,
            message: `does not match the alarm query's resourceId "${queryResource.slice(0, 120)}"`,
          });
        }
        if (!seen.has(id)) {
          seen.add(id);
          found.push({ entry, i, resourceId: id, dimIndex: j });
        }
      });
      if (named === 0) {
        if (queryResource === undefined)
          issues.push({ path: `${p}.dimensions`, message: 'name no model deployment (no resourceId dimension, and none in the query)' });
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
      if (dims)
        signal.dimensions = Object.fromEntries(
          Object.entries(dims)
            .filter(([, v]) => v !== null)
            .map(([k, v]) => [k, String(v)]),
        );
      return signal;
    });
  }

  /**
   * Check signals against the alarms they name, as Monitoring knows them; never trust
   * the message, which anyone who can publish to the topic can write:
   * - the delivery must be recent: not older than `maxMessageAgeMs` (15 min), not more
   *   than `maxClockSkewMs` (2 min) in the future, on the injected clock;
   * - the alarm must exist (GetAlarm), watch the same metric on the same deployment,
   *   and be FIRING now (ListAlarmsStatus) when the message says it fires;
   * - the rule name comes from the alarm's display name in Monitoring, the threshold
   *   from its query, and the value from Monitoring (SummarizeMetricsData of the alarm's
   *   query), never from the message's title or metricValues.
   * A firing heartbeat alarm (checked the same way, and tagged for the deployment it watches)
   * comes back as one `state: 'evaluate'` signal: the orchestrator runs one periodic evaluation
   * of that deployment.
   */
  async verify(signals: readonly Signal[], options: CallOptions = {}): Promise<Signal[]> {
    const issues: Issue[] = [];
    const now = this.clock.now();
    const maxAge = this.options.maxMessageAgeMs ?? 15 * 60_000;
    const skew = this.options.maxClockSkewMs ?? 2 * 60_000;
    for (const at of new Set(signals.map((s) => s.at))) {
      if (!Number.isFinite(at) || at < now - maxAge)
        issues.push({
          path: 'timestampEpochMillis',
          message: `the message is from ${describeTime(at)}, more than ${Math.round(maxAge / 60_000)} minutes ago: refusing an old or replayed delivery`,
        });
      else if (at > now + skew)
        issues.push({
          path: 'timestampEpochMillis',
          message: `the message is from ${describeTime(at)}, in the future (more than ${Math.round(skew / 1000)} s ahead of this clock)`,
        });
    }
    if (issues.length > 0) throw new ValidationError('alarm message refused: nothing was scaled', issues);
    const monitoring = this.options.monitoring;
    if (!monitoring) return [...signals];

    const alarms = new Map<string, models.Alarm | undefined>();
    for (const id of new Set(signals.map((s) => s.alarm).filter((a): a is string => a !== undefined))) {
      try {
        alarms.set(id, (await callWithin(`GetAlarm ${id}`, options, () => monitoring.getAlarm({ alarmId: id }), this.clock)).alarm);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        alarms.set(id, undefined);
      }
    }
    const firing = await this.firingAlarms(
      monitoring,
      [...alarms.values()].filter((a): a is models.Alarm => a !== undefined && a.lifecycleState === ALARM_ACTIVE),
      options,
    );
    const out: Signal[] = [];
    const heartbeats = new Map<string, Signal>();
    for (const s of signals) {
      if (s.alarm === undefined) {
        issues.push({ path: 'alarmMetaData.id', message: 'names no alarm: cannot check it against Monitoring' });
        continue;
      }
      const def = alarms.get(s.alarm);
      const path = `alarmMetaData[id=${s.alarm}]`;
      if (!def || def.lifecycleState !== ALARM_ACTIVE) {
        issues.push({ path: `${path}.id`, message: 'no such alarm in Monitoring (deleted, or not readable by this function)' });
        continue;
      }
      const q = parseQuery(def.query);
      if (!q) {
        issues.push({ path: `${path}.query`, message: 'the alarm in Monitoring has a query this autoscaler cannot read' });
        continue;
      }
      if (q.metric !== s.metric) issues.push({ path: `${path}.query`, message: `the alarm watches ${q.metric}, the message says ${s.metric}` });
      const watched = q.dimensions['resourceId'];
      if (watched !== undefined && watched !== s.target.id)
        issues.push({ path: `${path}.dimensions`, message: `the alarm watches ${watched}, the message names ${s.target.id}` });
      const isFiring = firing.has(def.id);
      if (s.state === 'firing' && !isFiring)
        issues.push({
          path: `${path}.status`,
          message: `the message says FIRING but Monitoring has the alarm "${def.displayName}" not firing: refusing a forged or stale message`,
        });
      if (isHeartbeat(def)) {
        const target = def.freeformTags?.[ALARM_TARGET_TAG];
        if (target !== s.target.id || watched !== s.target.id)
          issues.push({ path: `${path}.id`, message: 'the heartbeat alarm is not tagged for the deployment it watches' });
        else if (isFiring && !heartbeats.has(target)) {
          // The message's value and threshold mean nothing for a heartbeat: only its target and delivery identity count.
          const { value: _value, threshold: _threshold, ...request } = s;
          heartbeats.set(target, { ...request, alarmName: def.displayName, state: 'evaluate' });
        }
        continue;
      }
      const verified: Signal = { ...s, alarmName: def.displayName, state: isFiring ? 'firing' : 'ok' };
      delete verified.value;
      if (q.threshold !== undefined) verified.threshold = q.threshold;
      else delete verified.threshold;
      out.push(verified);
    }
    if (issues.length > 0) throw new ValidationError('alarm message does not match Monitoring: nothing was scaled', issues);
    // Values from Monitoring: the newest datapoint of each alarm's own query.
    const values = new Map<string, number | undefined>();
    for (const s of out) {
      if (values.has(s.alarm!)) continue;
      values.set(s.alarm!, await this.currentValue(monitoring, alarms.get(s.alarm!)!, options));
    }
    for (const s of out) {
      const v = values.get(s.alarm!);
      if (v !== undefined) s.value = v;
    }
    return [...out, ...heartbeats.values()];
  }

  /** Ids of the given alarms that Monitoring reports FIRING now (ListAlarmsStatus, per compartment). */
  private async firingAlarms(monitoring: MonitoringClient, defs: readonly models.Alarm[], options: CallOptions): Promise<Set<string>> {
    const firing = new Set<string>();
    const wanted = new Set(defs.map((d) => d.id));
    for (const compartmentId of new Set(defs.map((d) => d.compartmentId))) {
      let page: string | undefined;
      for (let n = 0; n < 50; n++) {
        const res = await callWithin(
          'ListAlarmsStatus',
          options,
          () => monitoring.listAlarmsStatus({ compartmentId, status: 'FIRING' as never, ...(page ? { page } : {}) }),
          this.clock,
        );
        for (const a of res.items) if (wanted.has(a.id) && String(a.status) === 'FIRING') firing.add(a.id);
        page = res.opcNextPage;
        if (!page) break;
      }
    }
    return firing;
  }

  /** The newest value of the alarm's query (its condition dropped) over the last few windows; undefined when nothing was published. */
  private async currentValue(monitoring: MonitoringClient, def: models.Alarm, options: CallOptions): Promise<number | undefined> {
    const q = parseQuery(def.query);
    if (!q) return undefined;
    const query = formatMql({ metric: q.metric, interval: q.interval, dimensions: q.dimensions, functions: q.functions });
    const now = this.clock.now();
    const res = await callWithin(
      `SummarizeMetricsData ${def.id}`,
      options,
      () =>
        monitoring.summarizeMetricsData({
          compartmentId: def.metricCompartmentId,
          summarizeMetricsDataDetails: { namespace: def.namespace, query, startTime: new Date(now - 15 * 60_000), endTime: new Date(now) },
        }),
      this.clock,
    );
    let newest: { at: number; value: number } | undefined;
    for (const item of res.items) {
      for (const p of item.aggregatedDatapoints) {
        const at = new Date(p.timestamp).getTime();
        if (Number.isFinite(p.value) && (!newest || at > newest.at)) newest = { at, value: p.value };
      }
    }
    return newest?.value;
  }

  /**
   * The heartbeat of one deployment: an alarm that fires while the deployment publishes
   * metrics and repeats its notification every minute, so the function runs a periodic
   * evaluation once a minute (Resource Scheduler cannot run a function that often).
   * Idempotent: an unchanged heartbeat is left alone.
   */
  async ensureHeartbeat(target: TargetRef): Promise<AlarmChange> {
    const { monitoring, topicId } = this.options;
    requireOcid('datasciencemodeldeployment', target.id, 'target.id');
    if (!monitoring) throw ValidationError.field('monitoring', 'ensureHeartbeat needs a Monitoring client');
    const compartmentId = requireOcid('compartment', this.options.compartmentId, 'compartmentId');
    const metricCompartmentId = requireOcid('compartment', this.options.metricCompartmentId ?? compartmentId, 'metricCompartmentId');
    requireOcid('onstopic', topicId, 'topicId');
    const details = heartbeatDetails(target, compartmentId, metricCompartmentId, topicId!);
    const current = (await this.listOurs(monitoring, compartmentId)).find(
      (a) => a.freeformTags?.[ALARM_TARGET_TAG] === target.id && a.freeformTags?.[ALARM_RULE_TAG] === HEARTBEAT_RULE,
    );
    if (!current) return { action: 'created', id: await this.create(monitoring, details), name: details.displayName };
    const got = await call(`GetAlarm ${current.id}`, () => monitoring.getAlarm({ alarmId: current.id }));
    if (differs(got.alarm, details).length === 0) return { action: 'unchanged', id: current.id, name: details.displayName };
    await call(`UpdateAlarm ${current.id}`, () =>
      monitoring.updateAlarm({ alarmId: current.id, updateAlarmDetails: details, ...(got.etag ? { ifMatch: got.etag } : {}) }),
    );
    return { action: 'updated', id: current.id, name: details.displayName };
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

    // The heartbeat is not a policy alarm: ensureHeartbeat/removeAlarms own it.
    const existing = (await this.listOurs(monitoring, compartmentId)).filter(
      (a) => a.freeformTags?.[ALARM_TARGET_TAG] === target.id && a.freeformTags?.[ALARM_RULE_TAG] !== HEARTBEAT_RULE,
    );
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
        await call(`UpdateAlarm ${current.id}`, () =>
          monitoring.updateAlarm({ alarmId: current.id, updateAlarmDetails: details, ...(got.etag ? { ifMatch: got.etag } : {}) }),
        );
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
      const res = await call('ListAlarms', () => monitoring.listAlarms({ compartmentId, lifecycleState: 'ACTIVE', ...(page ? { page } : {}) }));
      out.push(...res.items.filter((a) => (a.freeformTags?.[MANAGED_TAG] ?? '').toLowerCase() === 'true'));
      page = res.opcNextPage;
      if (!page) break;
    }
    return out;
  }

  private details(
    spec: AlarmSpec,
    target: TargetRef,
    policy: Policy,
    compartmentId: string,
    metricCompartmentId: string,
    topicId: string,
  ): models.CreateAlarmDetails {
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
    if (first.alarm.lifecycleState === ALARM_ACTIVE) return first.alarm.id;
    const again = await call(`CreateAlarm ${details.displayName}`, () =>
      monitoring.createAlarm({ createAlarmDetails: details, opcRetryToken: `${token.slice(0, 24)}${Date.now().toString(36)}` }),
    );
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

function describeTime(at: number): string {
  const d = new Date(at);
  return Number.isFinite(d.getTime()) ? d.toISOString() : `epoch ${String(at).slice(0, 24)} (not a date)`;
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 10);
}

const COMPARED: ReadonlyArray<keyof models.CreateAlarmDetails> = [
  'displayName',
  'metricCompartmentId',
  'namespace',
  'query',
  'severity',
  'body',
  'destinations',
  'isEnabled',
  'pendingDuration',
  'repeatNotificationDuration',
  'messageFormat',
  'freeformTags',
];

/** JSON with sorted keys: the service need not keep tag order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

function differs(current: models.Alarm, wanted: models.CreateAlarmDetails): string[] {
  return COMPARED.filter((k) => canonical(current[k as keyof models.Alarm]) !== canonical(wanted[k]));
}
