import { createHash } from 'node:crypto';
import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import {
  ValidationError,
  systemClock,
  zodIssues,
  type AlarmChange,
  type AlarmSource,
  type CallOptions,
  type Clock,
  type Policy,
  type Signal,
  type SignalState,
  type TargetRef,
  type Issue as ValidationIssue,
} from '@autoscaler/core';
import type { z } from 'zod';
import { call, callWithin } from '../aws-errors';
import { mergeBudgets } from '../budget';
import type { AwsClients } from '../clients';
import { parseTargetId, parseVariantId, PROVIDER_NAME, SAGEMAKER_NAME, variantId } from '../ids';
import { alarmToPut } from '../native/alarm-put';
import { sameJson } from '../native/same-json';
import { storableDedupeKey } from '../state-tags';
import { alarmsForPolicy, appAlarmPrefix } from './alarm-specs';
import { EventBridgeAlarmSchema, LambdaAlarmActionSchema, ReasonDataSchema, SnsAlarmMessageSchema, SnsEventSchema, SnsHttpSchema } from './events';
import { SnsSignatureVerifier } from './sns-signature';

export type AlarmEventShape = 'sns' | 'sns-http' | 'eventbridge' | 'alarm-action';

export interface CloudWatchAlarmSourceOptions {
  /** Verifies SNS signatures; a default one fetches certificates over HTTPS. */
  verifier?: SnsSignatureVerifier;
  /** Default true. Turning it off is for trusted transports only (tests of other layers). */
  verifySns?: boolean;
  /** When set, SNS notifications from any other topic are refused. */
  topicArns?: readonly string[];
  /** For `poll` (re-checking alarms still in ALARM) and `ensureAlarms`. */
  clients?: AwsClients;
  /** Where alarms created by `ensureAlarms` send their notifications (the SNS topic ARN). */
  alarmActionArn?: string;
  /** Re-checks inside one bucket share a dedupe key (default 60 s). */
  recheckIntervalMs?: number;
  clock?: Clock;
  /** A delivery whose state change is older than this is refused as stale or replayed (default 10 min; the periodic re-check still finds alarms in ALARM). */
  maxMessageAgeMs?: number;
  /** A state change further than this in the future is refused (default 60 s). */
  maxFutureSkewMs?: number;
  /** The message's state-change time must match the alarm's (DescribeAlarms) within this (default 1 s). */
  stateTimeToleranceMs?: number;
  /** The budget of the invocation in progress (the Lambda sets it). */
  budget?: () => CallOptions | undefined;
  /** `poll` reads only alarms named with this prefix (default `autoscaler-app-<endpoint>-<variant>-`, what the stack creates and its role may read). */
  pollPrefix?: (target: TargetRef) => string;
  /**
   * The target ids this autoscaler manages (the Lambda passes its policy's). An alarm naming an
   * endpoint only (`EndpointName` without `VariantName`: asynchronous-endpoint metrics) maps to the
   * one variant of that endpoint listed here; without it, or with none or several, it is refused.
   */
  targets?: readonly string[];
}

function decode(raw: unknown): unknown {
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    try {
      return JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
    } catch {
      throw ValidationError.field('event', 'is not valid JSON');
    }
  }
  return raw;
}

/** Which of the three delivery paths (or SNS's HTTP body) an event is; undefined when none. */
export function alarmEventShape(event: unknown): AlarmEventShape | undefined {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  const e = event as Record<string, unknown>;
  if ('Records' in e) return 'sns';
  if (e.Type === 'Notification' && 'TopicArn' in e) return 'sns-http';
  if ('detail-type' in e) return 'eventbridge';
  if ('alarmData' in e) return 'alarm-action';
  return undefined;
}

function parseAt<T extends z.ZodType>(schema: T, input: unknown, path: string, what: string): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(`invalid ${what}`, zodIssues(r.error, path === '' ? [] : [path]));
  return r.data;
}

/** `2024-05-01T12:00:27.123+0000` (CloudWatch) as epoch ms. */
function parseTime(s: string, path: string): number {
  const t = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (!Number.isFinite(t)) throw ValidationError.field(path, `"${s.slice(0, 64)}" is not a timestamp`);
  return t;
}

const hash = (s: string): string => createHash('sha256').update(s).digest('base64url').slice(0, 22);

type Dims = Record<string, string>;
const toDims = (list: ReadonlyArray<{ name: string; value: string } | { Name: string; Value: string }> | null | undefined): Dims =>
  Object.fromEntries((list ?? []).map((d) => ('name' in d ? [d.name, d.value] : [d.Name, d.Value])));

/**
 * The SageMaker targets an alarm's dimensions name (one per metric for math alarms):
 * `InferenceComponentName` -> `inference-component/<name>`; `EndpointName` + `VariantName` -> that
 * variant; `EndpointName` alone (per-endpoint metrics) -> the one managed variant of that endpoint.
 */
export function targetsOfDimensions(dimSets: readonly Dims[], path: string, managed: readonly string[] | undefined): string[] {
  const ids = new Set<string>();
  for (const d of dimSets) {
    const component = d.InferenceComponentName;
    const endpoint = d.EndpointName;
    const variant = d.VariantName;
    if (component !== undefined) {
      const id = `inference-component/${component}`;
      parseTargetId(id, `${path}.InferenceComponentName`);
      ids.add(id);
    } else if (endpoint !== undefined && variant !== undefined) {
      const id = variantId(endpoint, variant);
      parseVariantId(id, path);
      ids.add(id);
    } else if (endpoint !== undefined) {
      ids.add(endpointOnlyTarget(endpoint, path, managed));
    }
  }
  if (ids.size === 0)
    throw ValidationError.field(
      path,
      'names no SageMaker target (needs an InferenceComponentName dimension, EndpointName and VariantName, or an EndpointName whose variant this autoscaler manages)',
    );
  return [...ids];
}

/** An alarm on a per-endpoint metric: the managed variant of that endpoint, when there is exactly one. */
function endpointOnlyTarget(endpoint: string, path: string, managed: readonly string[] | undefined): string {
  const at = `${path}.VariantName`;
  if (!SAGEMAKER_NAME.test(endpoint))
    throw ValidationError.field(`${path}.EndpointName`, `"${endpoint.slice(0, 200)}" is not a SageMaker endpoint name (letters, digits, hyphens; at most 63)`);
  if (managed === undefined)
    throw ValidationError.field(at, `missing: the alarm names endpoint ${endpoint} only, and this alarm source was given no targets to map it to one variant`);
  const candidates = managed.filter((id) => id.startsWith(`endpoint/${endpoint}/variant/`));
  if (candidates.length === 1) return candidates[0]!;
  throw ValidationError.field(
    at,
    candidates.length === 0
      ? `missing: the alarm names endpoint ${endpoint} only, and no managed target is a variant of it`
      : `missing: the alarm names endpoint ${endpoint} only, which has several managed variants (${candidates.join(', ')}); add a VariantName dimension`,
  );
}

/** Do these metric dimensions belong to the target (its component, its variant, or its endpoint alone)? */
function dimensionsName(d: Dims, id: string): boolean {
  if (d.InferenceComponentName !== undefined) return `inference-component/${d.InferenceComponentName}` === id;
  if (d.EndpointName === undefined) return false;
  if (d.VariantName !== undefined) return variantId(d.EndpointName, d.VariantName) === id;
  return id.startsWith(`endpoint/${d.EndpointName}/variant/`);
}

function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

const STATES: Record<'ALARM' | 'OK' | 'INSUFFICIENT_DATA', SignalState | undefined> = { ALARM: 'firing', OK: 'ok', INSUFFICIENT_DATA: undefined };

/**
 * CloudWatch alarm state changes, from SNS (signature verified), EventBridge
 * or a direct Lambda alarm action, as signals for the SageMaker target named
 * by the alarm's dimensions (see `targetsOfDimensions`). CloudWatch only speaks
 * on transitions, so `poll` re-reads alarms still in ALARM (DescribeAlarms)
 * to act once an endpoint that was Updating is back in service.
 */
export class CloudWatchAlarmSource implements AlarmSource {
  readonly name = 'cloudwatch';
  private readonly verifier: SnsSignatureVerifier;
  private readonly clock: Clock;

  constructor(private readonly options: CloudWatchAlarmSourceOptions = {}) {
    this.verifier = options.verifier ?? new SnsSignatureVerifier();
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Trust the cloud, never the message: anyone who can publish to the topic (or replay an old,
   * validly signed notification) writes its text. Each signal must name an alarm that exists
   * (DescribeAlarms), watches this variant, is in the state the message claims, and changed
   * state at the time the message says; its value and threshold are taken from the alarm.
   * Deliveries older than `maxMessageAgeMs` or from the future are refused before any call.
   */
  async verify(signals: readonly Signal[], options?: CallOptions): Promise<Signal[]> {
    if (signals.length === 0) return [];
    const now = this.clock.now();
    const maxAge = this.options.maxMessageAgeMs ?? 10 * 60_000;
    const maxFuture = this.options.maxFutureSkewMs ?? 60_000;
    const tolerance = this.options.stateTimeToleranceMs ?? 1_000;
    const issues: ValidationIssue[] = [];
    const timely = signals.filter((s) => {
      const age = now - s.at;
      if (!Number.isFinite(s.at) || age > maxAge)
        issues.push({
          path: 'StateChangeTime',
          message: `${s.alarmName ?? 'the alarm'} changed state at ${iso(s.at)}, ${Math.round(age / 1000)} s ago (more than ${maxAge / 1000} s): refused as stale or replayed`,
        });
      else if (-age > maxFuture)
        issues.push({ path: 'StateChangeTime', message: `${s.alarmName ?? 'the alarm'} claims a state change at ${iso(s.at)}, in the future: refused` });
      else return true;
      return false;
    });
    const clients = this.options.clients;
    if (timely.length > 0 && !clients) throw ValidationError.field('clients', 'the CloudWatch source needs SDK clients to verify alarms against CloudWatch');
    const names = [...new Set(timely.map((s) => s.alarmName).filter((n): n is string => n !== undefined))];
    const alarms = new Map<string, MetricAlarm>();
    const budget = mergeBudgets(options, this.options.budget?.());
    for (let i = 0; i < names.length; i += 100) {
      const out = await callWithin('DescribeAlarms', budget, this.clock, (http) =>
        clients!.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }), http),
      );
      for (const a of out.MetricAlarms ?? []) if (a.AlarmName) alarms.set(a.AlarmName, a);
    }
    const kept: Signal[] = [];
    for (const s of timely) {
      const a = s.alarmName === undefined ? undefined : alarms.get(s.alarmName);
      const refuse = (message: string): void => void issues.push({ path: 'alarm', message: `${s.alarmName ?? '(no alarm name)'}: ${message}` });
      if (!a) {
        refuse('no such alarm in CloudWatch: refused');
        continue;
      }
      if (a.AlarmArn !== s.alarm) {
        refuse(`the message names ${s.alarm ?? 'no ARN'}, CloudWatch has ${a.AlarmArn ?? 'none'}`);
        continue;
      }
      const want = s.state === 'firing' ? 'ALARM' : 'OK';
      if (a.StateValue !== want) {
        refuse(`is ${a.StateValue ?? 'unknown'} in CloudWatch, not ${want} as the message says`);
        continue;
      }
      const times = [a.StateTransitionedTimestamp, a.StateUpdatedTimestamp].filter((t): t is Date => t instanceof Date).map((t) => t.getTime());
      if (!times.some((t) => Math.abs(t - s.at) <= tolerance)) {
        refuse(`changed state at ${times.map(iso).join(' / ') || 'an unknown time'} in CloudWatch, not at ${iso(s.at)} as the message says`);
        continue;
      }
      if (!watches(a, s.target.id)) {
        refuse(`does not watch ${s.target.id}`);
        continue;
      }
      const verified: Signal = { ...s };
      delete verified.value;
      delete verified.threshold;
      const value = reasonValue(a.StateReasonData);
      if (value !== undefined) verified.value = value;
      if (a.Threshold !== undefined && Number.isFinite(a.Threshold)) verified.threshold = a.Threshold;
      kept.push(verified);
    }
    if (kept.length === 0 && issues.length > 0) throw new ValidationError('alarm verification refused the delivery', issues);
    return kept;
  }

  /** Fetch the SNS signing certificates an event names (parse verifies synchronously against them). */
  async prepare(raw: unknown): Promise<void> {
    if (this.options.verifySns === false) return;
    let event: unknown;
    try {
      event = decode(raw);
    } catch {
      return;
    }
    const shape = alarmEventShape(event);
    if (shape === 'sns') {
      const records = (event as { Records?: unknown }).Records;
      if (!Array.isArray(records)) return;
      await Promise.all(
        records.map(async (r: { Sns?: { SigningCertUrl?: unknown; TopicArn?: unknown } }, i) => {
          if (typeof r?.Sns?.TopicArn === 'string') await this.verifier.load(r.Sns.SigningCertUrl, r.Sns.TopicArn, `Records[${i}].Sns.SigningCertUrl`);
        }),
      );
    } else if (shape === 'sns-http') {
      const e = event as { SigningCertURL?: unknown; TopicArn?: unknown };
      if (typeof e.TopicArn === 'string') await this.verifier.load(e.SigningCertURL, e.TopicArn, 'SigningCertURL');
    }
  }

  parse(raw: unknown): Signal[] {
    const event = decode(raw);
    if (event === null || typeof event !== 'object' || Array.isArray(event)) throw ValidationError.field('event', 'must be a JSON object');
    switch (alarmEventShape(event)) {
      case 'sns': {
        const e = parseAt(SnsEventSchema, event, '', 'SNS event');
        return e.Records.flatMap((r, i) => this.fromSns(r.Sns, `Records[${i}].Sns`, 'SigningCertUrl', r.Sns.SigningCertUrl));
      }
      case 'sns-http': {
        const e = parseAt(SnsHttpSchema, event, '', 'SNS HTTP notification');
        return this.fromSns(e, '', 'SigningCertURL', e.SigningCertURL);
      }
      case 'eventbridge': {
        const e = parseAt(EventBridgeAlarmSchema, event, '', 'EventBridge alarm event');
        return this.fromAlarmDetail(e.detail, e.resources[0]!, 'detail', `eventbridge:${e.id}`);
      }
      case 'alarm-action': {
        const e = parseAt(LambdaAlarmActionSchema, event, '', 'CloudWatch alarm action event');
        return this.fromAlarmDetail(e.alarmData, e.alarmArn, 'alarmData', `alarm:${hash(`${e.alarmArn}|${e.alarmData.state.timestamp}`)}`);
      }
      default:
        throw ValidationError.field('event', 'is not an SNS, EventBridge ("CloudWatch Alarm State Change") or CloudWatch alarm-action event');
    }
  }

  private fromSns(
    sns: z.output<typeof SnsHttpSchema> | z.output<typeof SnsEventSchema>['Records'][number]['Sns'],
    path: string,
    certField: string,
    certUrl: string | undefined,
  ): Signal[] {
    const at = (field: string): string => (path === '' ? field : `${path}.${field}`);
    if (this.options.topicArns && !this.options.topicArns.includes(sns.TopicArn))
      throw ValidationError.field(at('TopicArn'), `${sns.TopicArn} is not a topic this autoscaler listens to`);
    if (sns.Type !== 'Notification') throw ValidationError.field(at('Type'), `"${sns.Type}" is not a Notification`);
    if (this.options.verifySns !== false) this.verifier.verify(sns, { url: certUrl, path: at(certField) }, path === '' ? '(body)' : path);
    let body: unknown;
    try {
      body = JSON.parse(sns.Message);
    } catch {
      throw ValidationError.field(at('Message'), 'is not JSON: not a CloudWatch alarm notification');
    }
    const m = parseAt(SnsAlarmMessageSchema, body, at('Message'), 'CloudWatch alarm notification');
    const state = STATES[m.NewStateValue];
    if (state === undefined) return [];
    const dimSets = m.Trigger.Metrics?.length ? m.Trigger.Metrics.map((x) => toDims(x.MetricStat?.Metric.Dimensions)) : [toDims(m.Trigger.Dimensions)];
    const ids = targetsOfDimensions(dimSets, at(m.Trigger.Metrics?.length ? 'Message.Trigger.Metrics' : 'Message.Trigger.Dimensions'), this.options.targets);
    const valueMatch = /\[\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\(/.exec(m.NewStateReason);
    const metric = m.Trigger.MetricName ?? m.Trigger.Metrics?.find((x) => x.MetricStat?.Metric.MetricName)?.MetricStat?.Metric.MetricName ?? 'expression';
    return ids.map((id) =>
      this.signal(id, {
        metric,
        alarm: m.AlarmArn,
        alarmName: m.AlarmName,
        state,
        value: valueMatch ? Number(valueMatch[1]) : undefined,
        threshold: m.Trigger.Threshold ?? undefined,
        at: parseTime(m.StateChangeTime, at('Message.StateChangeTime')),
        dedupeKey: ids.length > 1 ? `sns:${hash(`${sns.MessageId}|${id}`)}` : storableDedupeKey(`sns:${sns.MessageId}`),
        region: regionOfArn(m.AlarmArn),
        dimensions: dimSets[0] ?? {},
      }),
    );
  }

  private fromAlarmDetail(detail: z.output<typeof EventBridgeAlarmSchema>['detail'], alarmArn: string, path: string, key: string): Signal[] {
    const state = STATES[detail.state.value];
    if (state === undefined) return [];
    const dimSets = detail.configuration.metrics.map((x) => x.metricStat?.metric.dimensions ?? {});
    const ids = targetsOfDimensions(dimSets, `${path}.configuration.metrics`, this.options.targets);
    let value: number | undefined;
    let threshold: number | undefined;
    if (detail.state.reasonData !== undefined) {
      let data: unknown;
      try {
        data = JSON.parse(detail.state.reasonData);
      } catch {
        throw ValidationError.field(`${path}.state.reasonData`, 'is not JSON');
      }
      const rd = parseAt(ReasonDataSchema, data, `${path}.state.reasonData`, 'alarm reasonData');
      value = rd.recentDatapoints[0];
      threshold = rd.threshold;
    }
    const metric = detail.configuration.metrics.find((x) => x.metricStat?.metric.name)?.metricStat?.metric.name ?? 'expression';
    return ids.map((id) =>
      this.signal(id, {
        metric,
        alarm: alarmArn,
        alarmName: detail.alarmName,
        state,
        value,
        threshold,
        at: parseTime(detail.state.timestamp, `${path}.state.timestamp`),
        dedupeKey: ids.length > 1 ? `${key.split(':')[0]}:${hash(`${key}|${id}`)}` : storableDedupeKey(key),
        region: regionOfArn(alarmArn),
        dimensions: dimSets[0] ?? {},
      }),
    );
  }

  private signal(
    id: string,
    s: {
      metric: string;
      alarm: string;
      alarmName: string;
      state: SignalState;
      value: number | undefined;
      threshold: number | undefined;
      at: number;
      dedupeKey: string;
      region: string | undefined;
      dimensions: Dims;
    },
  ): Signal {
    const target: TargetRef = { provider: PROVIDER_NAME, id, ...(s.region ? { region: s.region } : {}) };
    const signal: Signal = {
      target,
      source: this.name,
      metric: s.metric,
      alarm: s.alarm,
      alarmName: s.alarmName,
      state: s.state,
      dedupeKey: s.dedupeKey,
      at: s.at,
      dimensions: s.dimensions,
    };
    if (s.value !== undefined && Number.isFinite(s.value)) signal.value = s.value;
    if (s.threshold !== undefined && Number.isFinite(s.threshold)) signal.threshold = s.threshold;
    return signal;
  }

  /**
   * Alarms on this variant that are in ALARM right now, as firing signals:
   * CloudWatch will not notify again while the state holds, so after an
   * update ends the app asks. Alarms driving Application Auto Scaling policies
   * (and the TargetTracking-* alarms it owns) are left to it.
   */
  async poll(target: TargetRef, now: number, options?: CallOptions): Promise<Signal[]> {
    const clients = this.options.clients;
    if (!clients) throw ValidationError.field('clients', 'the CloudWatch source needs SDK clients to re-check alarms');
    parseTargetId(target.id);
    const budget = mergeBudgets(options, this.options.budget?.());
    const prefix = (this.options.pollPrefix ?? appAlarmPrefix)(target);
    const alarms: MetricAlarm[] = [];
    let token: string | undefined;
    for (let page = 0; page < 5; page++) {
      const out = await callWithin('DescribeAlarms', budget, this.clock, (http) =>
        clients.cloudwatch.send(
          new DescribeAlarmsCommand({
            AlarmNamePrefix: prefix,
            StateValue: 'ALARM',
            AlarmTypes: ['MetricAlarm'],
            MaxRecords: 100,
            ...(token ? { NextToken: token } : {}),
          }),
          http,
        ),
      );
      alarms.push(...(out.MetricAlarms ?? []));
      token = out.NextToken;
      if (!token) break;
    }
    const bucket = Math.floor(now / (this.options.recheckIntervalMs ?? 60_000));
    const signals: Signal[] = [];
    for (const a of alarms) {
      if (!a.AlarmName || !a.AlarmArn || a.AlarmName.startsWith('TargetTracking-')) continue;
      if ([...(a.AlarmActions ?? [])].some((x) => x.includes(':autoscaling:'))) continue;
      const dimSets = a.Metrics?.length
        ? a.Metrics.map((m) => Object.fromEntries((m.MetricStat?.Metric?.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])))
        : [Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']))];
      if (!dimSets.some((d) => dimensionsName(d, target.id))) continue;
      let value: number | undefined;
      try {
        value = a.StateReasonData ? ReasonDataSchema.parse(JSON.parse(a.StateReasonData)).recentDatapoints[0] : undefined;
      } catch {
        value = undefined;
      }
      signals.push(
        this.signal(target.id, {
          metric: a.MetricName ?? 'expression',
          alarm: a.AlarmArn,
          alarmName: a.AlarmName,
          state: 'firing',
          value,
          threshold: a.Threshold,
          at: now,
          dedupeKey: `poll:${hash(`${a.AlarmArn}|${a.StateUpdatedTimestamp?.getTime() ?? 0}|${bucket}`)}`,
          region: target.region ?? regionOfArn(a.AlarmArn),
          dimensions: dimSets[0] ?? {},
        }),
      );
    }
    return signals;
  }

  /** Create/update the alarms the policy needs for this target (`autoscaler-app-*`), delete ones it no longer needs. */
  async ensureAlarms(target: TargetRef, policy: Policy): Promise<AlarmChange[]> {
    const clients = this.options.clients;
    const action = this.options.alarmActionArn;
    if (!clients || !action) throw ValidationError.field('alarmActionArn', 'ensureAlarms needs SDK clients and the SNS topic ARN the alarms notify');
    const prefix = appAlarmPrefix(target);
    const wanted = alarmsForPolicy(policy, target, action);
    const existing = new Map<string, MetricAlarm>();
    const out = await call('DescribeAlarms', () => clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, MaxRecords: 100 })));
    for (const a of out.MetricAlarms ?? []) if (a.AlarmName) existing.set(a.AlarmName, a);
    const changes: AlarmChange[] = [];
    for (const w of wanted) {
      const have = existing.get(w.AlarmName!);
      if (have && sameJson(alarmToPut(have), { OKActions: [], InsufficientDataActions: [], ...w })) {
        changes.push({ action: 'unchanged', id: have.AlarmArn ?? w.AlarmName!, name: w.AlarmName! });
        continue;
      }
      await call(`PutMetricAlarm ${w.AlarmName}`, () => clients.cloudwatch.send(new PutMetricAlarmCommand(w)));
      changes.push({ action: have ? 'updated' : 'created', id: w.AlarmName!, name: w.AlarmName! });
    }
    const stale = [...existing.keys()].filter((n) => !wanted.some((w) => w.AlarmName === n));
    if (stale.length > 0) {
      await call('DeleteAlarms', () => clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: stale })));
      for (const n of stale) changes.push({ action: 'deleted', id: existing.get(n)?.AlarmArn ?? n, name: n });
    }
    return changes;
  }
}

const iso = (t: number): string => (Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString() : String(t));

/** Does the alarm's metric (or one of its math metrics) name this target (component, variant, or the variant's endpoint alone)? */
function watches(a: MetricAlarm, id: string): boolean {
  const sets = a.Metrics?.length ? a.Metrics.map((m) => m.MetricStat?.Metric?.Dimensions ?? []) : [a.Dimensions ?? []];
  return sets.some((dims) => dimensionsName(Object.fromEntries(dims.map((x) => [x.Name ?? '', x.Value ?? ''])), id));
}

function reasonValue(data: string | undefined): number | undefined {
  if (!data) return undefined;
  try {
    const v = ReasonDataSchema.parse(JSON.parse(data)).recentDatapoints[0];
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
