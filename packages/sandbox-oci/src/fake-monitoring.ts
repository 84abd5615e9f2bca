import { randomUUID } from 'node:crypto';
import type { Clock } from '@autoscaler/core';
import { MQL_STATISTICS, aggregateMql, parseMql as parseQuery, type MqlStatistic } from '@autoscaler/cloud-semantics';
import {
  ApiError,
  checkIfMatch,
  header,
  iso,
  newEtag,
  objectBody,
  optionalString,
  paginate,
  requireQuery,
  requireString,
  route,
  tagsOf,
  withEtag,
} from './fake-http';
import type { ApiRequest, ApiResponse, Route } from './fake-http';
import type { FakeNotifications } from './fake-notifications';
import type { OcidFactory } from './ocid-factory';
import { textOf } from '@autoscaler/core';

/**
 * Monitoring (20180401): alarms CRUD and SummarizeMetricsData, with the JSON
 * casing of the SDK models (`Alarm`, `AlarmSummary`, `CreateAlarmDetails`,
 * `UpdateAlarmDetails`, `SummarizeMetricsDataDetails`, `MetricData`).
 * `fire()` plays the alarm evaluator: it builds a message in the documented
 * alarm message format (version 1.3) and publishes it to the alarm's topics.
 */
const SEVERITIES = new Set(['CRITICAL', 'ERROR', 'WARNING', 'INFO']);
const FORMATS = new Set(['RAW', 'PRETTY_JSON', 'ONS_OPTIMIZED']);
/** Overrides, rule name and message settings: fields of CreateAlarmDetails that AlarmSummary lists too. */
const RULE_FIELDS = ['overrides', 'ruleName', 'notificationVersion', 'notificationTitle', 'evaluationSlackDuration', 'alarmSummary'];
const CREATE_FIELDS = new Set([
  'displayName',
  'compartmentId',
  'metricCompartmentId',
  'metricCompartmentIdInSubtree',
  'namespace',
  'resourceGroup',
  'query',
  'resolution',
  'pendingDuration',
  'severity',
  'body',
  'isNotificationsPerMetricDimensionEnabled',
  'messageFormat',
  'destinations',
  'repeatNotificationDuration',
  'suppression',
  'isEnabled',
  'freeformTags',
  'definedTags',
  ...RULE_FIELDS,
]);
const SUMMARY_FIELDS = [
  'id',
  'displayName',
  'compartmentId',
  'metricCompartmentId',
  'namespace',
  'query',
  'severity',
  'destinations',
  'suppression',
  'isEnabled',
  'isNotificationsPerMetricDimensionEnabled',
  'freeformTags',
  'definedTags',
  'lifecycleState',
  ...RULE_FIELDS,
  'resourceGroup',
];

/** ISO-8601 duration in minutes for the simple PTnM / PTnH / PnD forms OCI uses. */
export function durationMinutes(v: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(v);
  if (!m || v === 'P' || v.endsWith('T')) return undefined;
  return Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 60;
}

interface StoredAlarm {
  json: Record<string, unknown>;
  etag: string;
  /** Dedupe key of the current firing episode (kept across REPEAT, new on OK_TO_FIRING). */
  episode?: string;
  firing: boolean;
  /** When the current FIRING episode started (AlarmStatusSummary.timestampTriggered). */
  triggeredAt?: number;
  /** STATE_TRANSITION_HISTORY entries, oldest first. */
  history: Array<{ at: number; summary: string }>;
}

interface Series {
  namespace: string;
  compartmentId: string;
  name: string;
  dimensions: Record<string, string>;
  points: Array<{ at: number; value: number }>;
  /** Raw value of the minute starting at `at` (undefined: nothing published that minute). */
  generate?: (at: number) => number | undefined;
}

/** A SummarizeMetricsData request as the fake received it (tests check what was asked). */
export interface SummarizeCall {
  compartmentId: string;
  namespace: string;
  query: string;
  startTime: number;
  endTime: number;
  resolution?: string;
}

/** Per-deployment metric: one value per minute, per instance when `instances` > 1. */
export interface DeploymentSeriesOptions {
  /** Compartment of the deployment (the fake's default compartment otherwise). */
  compartmentId?: string;
  /** Streams per instance (dimension instanceId), as CpuUtilization/MemoryUtilization are published. Default 1 (no instanceId). */
  instances?: number;
}

/** Monitoring keeps 1-minute aggregates for 7 days; a query may return at most 100,000 datapoints (MetricData limits). */
const MAX_MINUTE_RANGE_MS = 7 * 86_400_000;
const MAX_DATAPOINTS = 100_000;
const STATISTICS = /^(mean|max|min|sum|count|rate|percentile\([0-9.]+\))\(\)$|^percentile\([0-9.]+\)$|^absent\((\d+[mhd]?)?\)$/;

export interface FireOptions {
  type?: 'OK_TO_FIRING' | 'REPEAT' | 'FIRING_TO_OK' | 'RESET';
  /** Metric value to report in `metricValues` (message version 1.5 only). */
  value?: number;
  version?: 1.3 | 1.5;
}

export class FakeMonitoring {
  private readonly alarms = new Map<string, StoredAlarm>();
  private readonly retryTokens = new Map<string, string>();
  private readonly series: Series[] = [];
  /** Every SummarizeMetricsData request, oldest first. */
  readonly summarizeCalls: SummarizeCall[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly ocids: OcidFactory,
    private readonly notifications: FakeNotifications,
    private readonly options: { pageSize: number },
  ) {}

  routes(): Route[] {
    return [
      route('GET', '/20180401/alarms', 'ListAlarms', (r) => this.list(r)),
      // Before /alarms/{id}: "status" is not an alarm id.
      route('GET', '/20180401/alarms/status', 'ListAlarmsStatus', (r) => this.listStatus(r)),
      route('GET', '/20180401/alarms/{id}/history', 'GetAlarmHistory', (r) => this.historyRoute(r)),
      route('POST', '/20180401/alarms', 'CreateAlarm', (r) => this.create(r)),
      route('GET', '/20180401/alarms/{id}', 'GetAlarm', (r) => this.getRoute(r)),
      route('PUT', '/20180401/alarms/{id}', 'UpdateAlarm', (r) => this.update(r)),
      route('DELETE', '/20180401/alarms/{id}', 'DeleteAlarm', (r) => this.remove(r)),
      route('POST', '/20180401/metrics/actions/summarizeMetricsData', 'SummarizeMetricsData', (r) => this.summarize(r)),
    ];
  }

  /** Live (not deleted) alarms, as GetAlarm returns them. */
  liveAlarms(): Array<Record<string, unknown>> {
    return [...this.alarms.values()].filter((a) => a.json['lifecycleState'] === 'ACTIVE').map((a) => structuredClone(a.json));
  }

  alarm(id: string): Record<string, unknown> | undefined {
    const a = this.alarms.get(id);
    return a && a.json['lifecycleState'] === 'ACTIVE' ? structuredClone(a.json) : undefined;
  }

  /** Seed an alarm directly (as a user would in the console). Returns its OCID. `freeformTags: undefined` stores one without the field (optional in Alarm and AlarmSummary). */
  seedAlarm(details: Record<string, unknown>): string {
    return this.store(this.validateCreate(details));
  }

  /** Add metric datapoints that SummarizeMetricsData will aggregate. */
  putMetric(series: {
    namespace?: string;
    compartmentId: string;
    name: string;
    dimensions: Record<string, string>;
    points: Array<{ at: number; value: number }>;
  }): void {
    const existing = this.series.find(
      (s) => s.name === series.name && s.compartmentId === series.compartmentId && JSON.stringify(s.dimensions) === JSON.stringify(series.dimensions),
    );
    if (existing) existing.points.push(...series.points);
    else
      this.series.push({
        namespace: series.namespace ?? 'oci_datascience_modeldeploy',
        compartmentId: series.compartmentId,
        name: series.name,
        dimensions: { ...series.dimensions },
        points: [...series.points],
      });
  }

  /**
   * Serve a model deployment metric from a function of the minute: `value(at)` is the raw
   * value published for the minute starting at `at` (per instance when `instances` > 1), or
   * undefined for a minute with nothing published. A minute is served once it has ended
   * on the fake's clock. Replaces an earlier series of the same deployment and metric.
   */
  serveDeploymentMetric(
    deploymentId: string,
    name: string,
    value: (at: number, instance: number) => number | undefined,
    options: DeploymentSeriesOptions = {},
  ): void {
    const compartmentId = options.compartmentId ?? this.ocids.compartment;
    for (let i = this.series.length - 1; i >= 0; i--) {
      const s = this.series[i]!;
      if (s.name === name && s.dimensions['resourceId'] === deploymentId) this.series.splice(i, 1);
    }
    const instances = options.instances ?? 1;
    for (let k = 0; k < instances; k++) {
      const dimensions: Record<string, string> = instances > 1 ? { resourceId: deploymentId, instanceId: `instance-${k}` } : { resourceId: deploymentId };
      this.series.push({ namespace: 'oci_datascience_modeldeploy', compartmentId, name, dimensions, points: [], generate: (at) => value(at, k) });
    }
  }

  /**
   * Evaluate-and-notify as the alarm service would: a message for this alarm,
   * published to every destination topic. Resolves once delivered.
   */
  async fire(alarmId: string, options: FireOptions = {}): Promise<Record<string, unknown>> {
    const a = this.alarms.get(alarmId);
    if (!a || a.json['lifecycleState'] !== 'ACTIVE') throw new Error(`no live alarm ${alarmId}`);
    const type = options.type ?? (a.firing ? 'REPEAT' : 'OK_TO_FIRING');
    if (type === 'OK_TO_FIRING' || !a.episode) a.episode = randomUUID();
    const now = this.clock.now();
    this.setStatus(a, type === 'OK_TO_FIRING' || type === 'REPEAT', now);
    const q = parseQuery(String(a.json['query']));
    const resourceId = q?.dimensions['resourceId'];
    const metaData: Record<string, unknown> = {
      id: a.json['id'],
      status: a.firing ? 'FIRING' : 'OK',
      severity: a.json['severity'],
      namespace: a.json['namespace'],
      query: a.json['query'],
      totalMetricsFiring: a.firing ? 1 : 0,
      dimensions: resourceId ? [{ resourceId }] : [],
      alarmUrl: `https://cloud.oracle.com/monitoring/alarms/${String(a.json['id'])}?region=${this.ocids.region}`,
    };
    if (options.version === 1.5 && options.value !== undefined && q)
      metaData['metricValues'] = [{ [`${q.metric}[${q.interval}].${q.functions.join('.')}`]: String(options.value) }];
    const message: Record<string, unknown> = {
      dedupeKey: a.episode,
      title: a.json['displayName'],
      ...(a.json['body'] !== undefined ? { body: a.json['body'] } : {}),
      type,
      severity: a.json['severity'],
      timestampEpochMillis: now,
      timestamp: iso(now).replace('.000Z', 'Z'),
      alarmMetaData: [metaData],
      ...(options.version === 1.5 ? { notificationType: 'Split messages per metric stream' } : {}),
      version: options.version ?? 1.3,
    };
    const destinations = (a.json['destinations'] as string[] | undefined) ?? [];
    await Promise.all(
      destinations.map((topicId) => this.notifications.publishInternal(topicId, { title: String(a.json['displayName']), body: JSON.stringify(message) })),
    );
    return message;
  }

  /** Set an alarm's state as the evaluator would, without notifying (a FIRING alarm whose message was lost, or one that never fired). */
  setAlarmState(alarmId: string, firing: boolean): void {
    const a = this.alarms.get(alarmId);
    if (!a || a.json['lifecycleState'] !== 'ACTIVE') throw new Error(`no live alarm ${alarmId}`);
    this.setStatus(a, firing, this.clock.now());
  }

  private setStatus(a: StoredAlarm, firing: boolean, now: number): void {
    if (firing && !a.firing) {
      a.triggeredAt = now;
      a.history.push({ at: now, summary: 'State transitioned from OK to Firing' });
    } else if (!firing && a.firing) {
      a.history.push({ at: now, summary: 'State transitioned from Firing to OK' });
    }
    a.firing = firing;
  }

  private find(id: string | undefined): StoredAlarm {
    const a = id === undefined ? undefined : this.alarms.get(id);
    if (!a || a.json['lifecycleState'] === 'DELETED')
      throw new ApiError(404, 'NotAuthorizedOrNotFound', `Authorization failed or requested resource not found: alarm ${id ?? ''}`);
    return a;
  }

  private validateCreate(raw: Record<string, unknown>): Record<string, unknown> {
    for (const k of Object.keys(raw)) if (!CREATE_FIELDS.has(k)) throw new ApiError(400, 'InvalidParameter', `unknown field ${k} in CreateAlarmDetails`);
    for (const k of ['displayName', 'compartmentId', 'metricCompartmentId', 'namespace', 'query', 'severity']) requireString(raw, k);
    if (!Array.isArray(raw['destinations']) || raw['destinations'].some((d) => typeof d !== 'string'))
      throw new ApiError(400, 'MissingParameter', 'destinations must be an array of topic OCIDs');
    if (typeof raw['isEnabled'] !== 'boolean') throw new ApiError(400, 'MissingParameter', 'isEnabled must be a boolean');
    this.validateCommon(raw);
    return raw;
  }

  private validateCommon(raw: Record<string, unknown>): void {
    const query = optionalString(raw, 'query');
    if (query !== undefined && !parseQuery(query)) throw new ApiError(400, 'InvalidParameter', `query is not valid MQL: ${query.slice(0, 200)}`);
    const severity = optionalString(raw, 'severity');
    if (severity !== undefined && !SEVERITIES.has(severity))
      throw new ApiError(400, 'InvalidParameter', `severity must be one of ${[...SEVERITIES].join(', ')}`);
    const fmt = optionalString(raw, 'messageFormat');
    if (fmt !== undefined && !FORMATS.has(fmt)) throw new ApiError(400, 'InvalidParameter', `messageFormat must be one of ${[...FORMATS].join(', ')}`);
    const pending = optionalString(raw, 'pendingDuration');
    if (pending !== undefined) {
      const m = durationMinutes(pending);
      if (m === undefined || m < 1 || m > 60) throw new ApiError(400, 'InvalidParameter', 'pendingDuration must be an ISO-8601 duration from PT1M to PT1H');
    }
    const repeat = optionalString(raw, 'repeatNotificationDuration');
    if (repeat !== undefined) {
      const m = durationMinutes(repeat);
      if (m === undefined || m < 1 || m > 30 * 1440)
        throw new ApiError(400, 'InvalidParameter', 'repeatNotificationDuration must be an ISO-8601 duration from PT1M to P30D');
    }
    tagsOf(raw['freeformTags'], 'freeformTags');
  }

  private store(details: Record<string, unknown>): string {
    const id = this.ocids.next('alarm');
    const now = iso(this.clock.now());
    const json: Record<string, unknown> = {
      id,
      resolution: '1m',
      pendingDuration: 'PT1M',
      messageFormat: 'RAW',
      isNotificationsPerMetricDimensionEnabled: false,
      freeformTags: {},
      definedTags: {},
      ...structuredClone(details),
      lifecycleState: 'ACTIVE',
      timeCreated: now,
      timeUpdated: now,
    };
    this.alarms.set(id, { json, etag: newEtag(), firing: false, history: [] });
    return id;
  }

  private list(r: ApiRequest): ApiResponse {
    const compartmentId = requireQuery(r, 'compartmentId');
    const displayName = r.query.get('displayName');
    const state = r.query.get('lifecycleState');
    const items = [...this.alarms.values()]
      .map((a) => a.json)
      .filter(
        (j) =>
          j['compartmentId'] === compartmentId &&
          (displayName === null || j['displayName'] === displayName) &&
          (state === null ? j['lifecycleState'] !== 'DELETED' : j['lifecycleState'] === state),
      )
      .map((j) => Object.fromEntries(SUMMARY_FIELDS.filter((f) => j[f] !== undefined).map((f) => [f, structuredClone(j[f])])));
    return paginate(items, r, this.options.pageSize);
  }

  /** ListAlarmsStatus: `AlarmStatusSummary` per alarm in the compartment (FIRING or OK), optionally filtered. */
  private listStatus(r: ApiRequest): ApiResponse {
    const compartmentId = requireQuery(r, 'compartmentId');
    const status = r.query.get('status');
    if (status !== null && status !== 'FIRING' && status !== 'OK') throw new ApiError(400, 'InvalidParameter', 'status must be FIRING or OK');
    const displayName = r.query.get('displayName');
    const items = [...this.alarms.values()]
      .filter((a) => a.json['compartmentId'] === compartmentId && a.json['lifecycleState'] === 'ACTIVE' && a.json['isEnabled'] !== false)
      .filter((a) => displayName === null || a.json['displayName'] === displayName)
      .map((a) => ({
        id: a.json['id'],
        displayName: a.json['displayName'],
        severity: a.json['severity'],
        ruleName: 'BASE',
        timestampTriggered: iso(a.firing ? (a.triggeredAt ?? this.clock.now()) : this.clock.now()),
        alarmSummary: a.json['alarmSummary'] ?? '',
        status: a.firing ? 'FIRING' : 'OK',
      }))
      .filter((x) => status === null || x.status === status);
    return paginate(items, r, this.options.pageSize);
  }

  /** GetAlarmHistory (STATE_TRANSITION_HISTORY): `AlarmHistoryCollection`. */
  private historyRoute(r: ApiRequest): ApiResponse {
    const a = this.find(r.params['id']);
    const type = r.query.get('alarmHistorytype') ?? 'STATE_HISTORY';
    if (!['STATE_HISTORY', 'STATE_TRANSITION_HISTORY', 'RULE_HISTORY', 'RULE_TRANSITION_HISTORY'].includes(type))
      throw new ApiError(400, 'InvalidParameter', 'alarmHistorytype is not a history type');
    const entries = a.history
      .map((h) => ({ alarmSummary: textOf(a.json['alarmSummary'] ?? ''), summary: h.summary, timestamp: iso(h.at), timestampTriggered: iso(h.at) }))
      .reverse();
    return { status: 200, body: { alarmId: a.json['id'], isEnabled: a.json['isEnabled'] !== false, entries } };
  }

  private create(r: ApiRequest): ApiResponse {
    const token = header(r, 'opc-retry-token');
    if (token !== undefined) {
      const seen = this.retryTokens.get(token);
      // The original answer, even if that alarm has been deleted since (tokens outlive resources).
      const a = seen === undefined ? undefined : this.alarms.get(seen);
      if (a) return withEtag(a.json, a.etag);
    }
    const id = this.store(this.validateCreate(objectBody(r)));
    if (token !== undefined) this.retryTokens.set(token, id);
    const a = this.find(id);
    return withEtag(a.json, a.etag);
  }

  private getRoute(r: ApiRequest): ApiResponse {
    const a = this.find(r.params['id']);
    return withEtag(a.json, a.etag);
  }

  private update(r: ApiRequest): ApiResponse {
    const a = this.find(r.params['id']);
    checkIfMatch(r, a.etag, 'alarm');
    const body = objectBody(r);
    for (const k of Object.keys(body)) if (!CREATE_FIELDS.has(k)) throw new ApiError(400, 'InvalidParameter', `unknown field ${k} in UpdateAlarmDetails`);
    this.validateCommon(body);
    Object.assign(a.json, structuredClone(body), { timeUpdated: iso(this.clock.now()) });
    a.etag = newEtag();
    return withEtag(a.json, a.etag);
  }

  private remove(r: ApiRequest): ApiResponse {
    const a = this.find(r.params['id']);
    checkIfMatch(r, a.etag, 'alarm');
    a.json['lifecycleState'] = 'DELETED';
    return { status: 204 };
  }

  private summarize(r: ApiRequest): ApiResponse {
    const compartmentId = requireQuery(r, 'compartmentId');
    const body = objectBody(r);
    for (const k of Object.keys(body))
      if (!['namespace', 'resourceGroup', 'query', 'startTime', 'endTime', 'resolution'].includes(k))
        throw new ApiError(400, 'InvalidParameter', `unknown field ${k} in SummarizeMetricsDataDetails`);
    const namespace = requireString(body, 'namespace');
    const text = requireString(body, 'query');
    const query = parseQuery(text);
    if (!query) throw new ApiError(400, 'InvalidParameter', 'query is not valid MQL');
    if (query.operator !== undefined) throw new ApiError(400, 'InvalidParameter', 'a metric query has no comparison (that is an alarm condition)');
    // "The query must specify a metric, statistic, and interval."
    const stat = query.functions.find((f) => STATISTICS.test(f))?.replace('()', '');
    if (stat === undefined) throw new ApiError(400, 'InvalidParameter', `query must name a statistic (mean(), sum(), max()...): ${text.slice(0, 200)}`);
    const end = body['endTime'] ? Date.parse(textOf(body['endTime'])) : this.clock.now();
    // Default range: the 3 hours before the call.
    const start = body['startTime'] ? Date.parse(textOf(body['startTime'])) : end - 3 * 3_600_000;
    if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) throw new ApiError(400, 'InvalidParameter', 'startTime/endTime are not a valid range');
    const interval = query.intervalSeconds * 1000;
    const resolution = body['resolution'] === undefined ? undefined : textOf(body['resolution']);
    const step = resolution === undefined ? 60_000 : intervalMs(resolution);
    if (step > interval)
      throw new ApiError(400, 'InvalidParameter', `resolution ${resolution ?? '1m'} must be equal or less than the query interval ${query.interval}`);
    if (step < 300_000 && end - start > MAX_MINUTE_RANGE_MS)
      throw new ApiError(400, 'InvalidParameter', 'the time range for a resolution under 5 minutes is at most 7 days');
    this.summarizeCalls.push({ compartmentId, namespace, query: text, startTime: start, endTime: end, ...(resolution !== undefined ? { resolution } : {}) });
    const grouped = query.functions.includes('grouping()');
    const now = this.clock.now();
    const matching = this.series.filter(
      (s) =>
        s.namespace === namespace &&
        s.compartmentId === compartmentId &&
        s.name === query.metric &&
        Object.entries(query.dimensions).every(([k, v]) => s.dimensions[k] === v),
    );
    const pointsOf = (s: Series): Array<{ at: number; value: number }> => {
      if (!s.generate) return s.points;
      const out: Array<{ at: number; value: number }> = [];
      // Whole minutes that have ended on the fake's clock (what Monitoring has published).
      for (let at = Math.floor(start / 60_000) * 60_000; at < end && at + 60_000 <= now; at += 60_000) {
        const v = s.generate(at);
        if (v !== undefined) out.push({ at, value: v });
      }
      return out;
    };
    const groups = grouped
      ? matching.length > 0
        ? [{ dimensions: {}, streams: matching.map(pointsOf) }]
        : []
      : matching.map((s) => ({ dimensions: s.dimensions, streams: [pointsOf(s)] }));
    let total = 0;
    const items = groups.map((g) => {
      // One window per query interval (a resolution finer than the interval, which would slide
      // the windows, is not modelled); grouping() pools the raw values of every stream.
      const windows = new Map<number, number[]>();
      for (const points of g.streams) {
        const perStream = new Map<number, number[]>();
        for (const p of points) {
          if (p.at < start || p.at >= end) continue;
          const b = Math.floor(p.at / interval) * interval;
          const list = perStream.get(b) ?? [];
          list.push(p.value);
          perStream.set(b, list);
        }
        for (const [b, vs] of perStream) {
          const list = windows.get(b) ?? [];
          list.push(...vs);
          windows.set(b, list);
        }
      }
      const aggregatedDatapoints = [...windows.entries()].sort((x, y) => x[0] - y[0]).map(([t, vs]) => ({ timestamp: iso(t), value: aggregate(stat, vs) }));
      total += aggregatedDatapoints.length;
      return { namespace, compartmentId, name: query.metric, dimensions: g.dimensions, resolution: resolution ?? '1m', aggregatedDatapoints };
    });
    if (total > MAX_DATAPOINTS)
      throw new ApiError(400, 'InvalidParameter', `the query returns more than ${MAX_DATAPOINTS} datapoints; narrow the range or raise the resolution`);
    return { status: 200, body: items };
  }
}

function intervalMs(v: string): number {
  const m = /^(\d+)([mhd])$/.exec(v);
  if (!m) throw new ApiError(400, 'InvalidParameter', `resolution ${v} must look like 1m, 5m, 1h`);
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000);
}

/** The statistic over one window, with MQL's semantics (cloud-semantics); rate() and percentile() are not modelled and read as mean(); absent() reads 0. */
function aggregate(stat: string, vs: number[]): number {
  // absent() is 1 for a window without data, 0 for one with data; only windows with data are served here.
  if (stat.startsWith('absent')) return 0;
  const known = (MQL_STATISTICS as readonly string[]).includes(stat) ? (stat as MqlStatistic) : 'mean';
  return aggregateMql(vs, 0, vs.length, known) ?? 0;
}
