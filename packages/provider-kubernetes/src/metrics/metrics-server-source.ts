import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { TransientError, ValidationError, redactSecrets, silentLogger, zodIssues } from '@autoscaler/core';
import type { AlarmSource, CallOptions, Logger, Signal, TargetRef } from '@autoscaler/core';
import * as z from 'zod';
import type { ClusterSnapshot } from '../kube/cluster-snapshot';
import { KubeApi } from '../kube/kube-api';
import { ANNOTATION } from '../model/annotations';
import { resourceMetricOf } from '../model/hpa-export';
import { formatWorkloadId, parseWorkloadId, type WorkloadId } from '../model/ids';
import { matches, selectorRequirements, formatSelector } from '../model/labels';
import { isQuantity, parseQuantity } from '../model/quantity';
import { evaluateAlarm, parseAlarmRules, type AlarmRule, type AlarmRuleInput } from './alarm-rules';
import { MemoryAlarmHistory, type AlarmHistory } from './alarm-history';
import { workloadOfPod } from './attribution';
import { parsePodMetricsList, type PodUsageSample } from './pod-metrics';
import { queryPrometheus, type PrometheusOptions } from './prometheus';
import { hpaPods, meanUsage, utilization, workloadUsage, type WorkloadUsage } from './workload-usage';

export const METRICS_SERVER_SOURCE = 'metrics-server';

/** Metrics every poll measures: utilization in percent of requests, and mean usage per pod. */
export const BASE_METRICS = ['cpu', 'memory', 'cpu_cores', 'memory_bytes'] as const;

export interface MetricsServerSourceOptions {
  kube: KubeConfig | KubeApi;
  /** Metrics whose per-minute history to record for a target (the recorded history of predictive rules; see `recordedMetricsOf`). */
  record?: (target: TargetRef) => readonly string[];
  /** Windowed alarms for targets without an `autoscaler.dev/alarms` annotation. */
  alarms?: readonly AlarmRuleInput[];
  history?: AlarmHistory;
  prometheus?: PrometheusOptions;
  logger?: Logger;
  /** Value signals get one dedupe key per this many seconds (metrics-server's resolution: 15). */
  valuePeriodSeconds?: number;
}

/** A metric's reading: `value` is safe for any decision; `outOnly` (unsampled pods counted idle) only for scale-out. */
interface Reading {
  value?: number;
  outOnly?: number;
}

const Requests = z.strictObject({
  cpu: z.string().refine(isQuantity, 'must be a quantity like "500m"').optional(),
  memory: z.string().refine(isQuantity, 'must be a quantity like "1Gi"').optional(),
});
const Envelope = z.strictObject({
  target: z.union([z.string(), z.strictObject({ provider: z.literal('kubernetes'), id: z.string(), region: z.string().optional() })]),
  podMetrics: z.unknown(),
  requests: Requests.optional(),
});

function decode(raw: unknown): unknown {
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    try {
      return JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8')) as unknown;
    } catch {
      throw ValidationError.field('body', 'is not valid JSON');
    }
  }
  return raw;
}

/** `p`, or a TransientError once `signal` aborts (the call itself may go on; its answer is not waited for). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined, message: string): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new TransientError(message));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new TransientError(message));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // The client's rejection passes through unchanged: the error translator reads its fields.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(e);
      },
    );
  });
}

/** What a poll measured: utilization and mean usage per resource (`outOnly` when some active pod has no sample). */
function readingsOf(usage: WorkloadUsage): Map<string, Reading> {
  const out = new Map<string, Reading>();
  const complete = usage.sampled === usage.active && usage.active > 0;
  for (const r of ['cpu', 'memory'] as const) {
    const u = utilization(usage, r);
    if (u) out.set(r, u.complete ? { value: u.measured } : { outOnly: u.missingAsIdle });
    const mean = meanUsage(usage, r);
    if (mean !== undefined) out.set(`${r}_${r === 'cpu' ? 'cores' : 'bytes'}`, complete ? { value: mean } : { outOnly: (mean * usage.sampled) / usage.active });
  }
  return out;
}

/**
 * One value signal per reading. `cpu` and `memory` also carry the per-pod samples, so a
 * `targetTracking` rule with `algorithm: hpa` runs the HPA replica calculator on them in
 * `decide`. A reading with unsampled pods (counted idle) is `scaleOutOnly`: it may justify
 * more capacity, never less.
 */
function valueSignals(target: TargetRef, readings: ReadonlyMap<string, Reading>, usage: WorkloadUsage, now: number, periodSeconds: number): Signal[] {
  const bucket = Math.floor(now / (periodSeconds * 1000));
  const out: Signal[] = [];
  for (const [metric, reading] of readings) {
    const value = reading.value ?? reading.outOnly;
    if (value === undefined || !Number.isFinite(value)) continue;
    const signal: Signal = {
      target,
      source: METRICS_SERVER_SOURCE,
      metric,
      state: 'value',
      value,
      dedupeKey: `${METRICS_SERVER_SOURCE}:${target.id}:${metric}:${bucket}`,
      at: now,
      dimensions: { pods: `${usage.sampled}/${usage.active}` },
    };
    if (reading.value === undefined) signal.scaleOutOnly = true;
    if (metric === 'cpu' || metric === 'memory') {
      signal.samples = hpaPods(usage, metric);
      signal.dimensions = { ...signal.dimensions, resource: metric };
    }
    out.push(signal);
  }
  return out;
}

/** The value signals of one workload's pods and samples (what `poll` sends before alarms and Prometheus). */
export function usageSignals(target: TargetRef, usage: WorkloadUsage, now: number, periodSeconds = 15): Signal[] {
  return valueSignals(target, readingsOf(usage), usage, now, periodSeconds);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Polls metrics.k8s.io (metrics-server) for a workload's pods and evaluates
 * hands what it measured to the engine: value signals (CPU and memory as percent
 * of requests with the per-pod samples behind them, mean usage per pod, optional
 * Prometheus instant queries) and windowed alarms (mean/max per period, M of N
 * datapoints) like CloudWatch/OCI alarms. It reads no policy: `decide` runs the
 * HPA replica calculator on the samples for `algorithm: hpa` rules. Missing
 * metrics never cause a scale-in: a reading with unsampled pods is `scaleOutOnly`.
 */
export class MetricsServerAlarmSource implements AlarmSource {
  readonly name = METRICS_SERVER_SOURCE;
  readonly api: KubeApi;
  readonly history: AlarmHistory;
  private readonly defaultAlarms: AlarmRule[];
  private readonly logger: Logger;
  private snapshot: ClusterSnapshot | undefined;

  constructor(private readonly options: MetricsServerSourceOptions) {
    this.api = options.kube instanceof KubeApi ? options.kube : new KubeApi(options.kube);
    this.history = options.history ?? new MemoryAlarmHistory();
    this.defaultAlarms = options.alarms ? parseAlarmRules([...options.alarms], 'alarms') : [];
    this.logger = options.logger ?? silentLogger;
  }

  /** Read pods and pod metrics from the pass's snapshot (one list per namespace, not per workload). */
  usePass(snapshot: ClusterSnapshot | undefined): void {
    this.snapshot = snapshot;
  }

  // ---- parse: PodMetricsList payloads ------------------------------------------------------

  parse(raw: unknown): Signal[] {
    const doc = decode(raw);
    if (!isObject(doc)) throw ValidationError.field('body', 'must be a metrics.k8s.io PodMetricsList or { target, podMetrics, requests? }');
    if ('podMetrics' in doc || 'target' in doc) {
      const r = Envelope.safeParse(doc);
      if (!r.success) throw new ValidationError('invalid pod metrics delivery', zodIssues(r.error));
      const idText = typeof r.data.target === 'string' ? r.data.target : r.data.target.id;
      const id = parseWorkloadId(idText, 'target');
      const samples = parsePodMetricsList(r.data.podMetrics, 'podMetrics');
      if (samples.length === 0) throw ValidationError.field('podMetrics.items', 'holds no pod sample');
      return this.signalsFromSamples(id, samples, r.data.requests);
    }
    if (doc['kind'] !== 'PodMetricsList')
      throw ValidationError.field('kind', `must be PodMetricsList (got ${JSON.stringify(doc['kind']) ?? 'nothing'}), or wrap a list as { target, podMetrics }`);
    const samples = parsePodMetricsList(doc, 'podMetrics');
    if (samples.length === 0) throw ValidationError.field('podMetrics.items', 'holds no pod sample');
    const groups = new Map<string, { id: WorkloadId; samples: PodUsageSample[] }>();
    samples.forEach((s, i) => {
      const id = workloadOfPod(s.namespace, s.pod);
      if (!id)
        throw ValidationError.field(
          `podMetrics.items[${i}].metadata.name`,
          `pod "${s.pod}" was not named by a Deployment or StatefulSet controller; send { target: "<namespace>/<kind>/<name>", podMetrics } to say which workload it measures`,
        );
      const key = formatWorkloadId(id);
      const g = groups.get(key) ?? { id, samples: [] };
      g.samples.push(s);
      groups.set(key, g);
    });
    return [...groups.values()].flatMap((g) => this.signalsFromSamples(g.id, g.samples, undefined));
  }

  private signalsFromSamples(id: WorkloadId, samples: readonly PodUsageSample[], requests: z.output<typeof Requests> | undefined): Signal[] {
    const target: TargetRef = { provider: 'kubernetes', id: formatWorkloadId(id) };
    const at = Math.max(...samples.map((s) => s.at));
    const n = samples.length;
    const cores = samples.reduce((a, s) => a + s.cpuCores, 0);
    const bytes = samples.reduce((a, s) => a + s.memoryBytes, 0);
    const values: Array<[string, number]> = [
      ['cpu_cores', cores / n],
      ['memory_bytes', bytes / n],
    ];
    if (requests?.cpu !== undefined && parseQuantity(requests.cpu) > 0) values.push(['cpu', (cores / (n * parseQuantity(requests.cpu))) * 100]);
    if (requests?.memory !== undefined && parseQuantity(requests.memory) > 0) values.push(['memory', (bytes / (n * parseQuantity(requests.memory))) * 100]);
    return values.map(([metric, value]) => ({
      target,
      source: this.name,
      metric,
      state: 'value',
      value,
      dedupeKey: `${this.name}:${target.id}:${metric}:${at}`,
      at,
      dimensions: { pods: String(n) },
    }));
  }

  // ---- poll: read the cluster ----------------------------------------------------------------

  async poll(target: TargetRef, now: number, options: CallOptions = {}): Promise<Signal[]> {
    return (await this.pollReport(target, now, options)).signals;
  }

  /**
   * `poll`, and why the workload's metrics could not be read when they could not (metrics.k8s.io
   * failing, or no running pod with a sample): what the orchestrator counts toward `policy.fallback`.
   */
  async pollReport(
    target: TargetRef,
    now: number,
    options: CallOptions & { metricsSignal?: AbortSignal } = {},
  ): Promise<{ signals: Signal[]; metricsFailed?: string }> {
    if (target.provider !== 'kubernetes') throw ValidationError.field('target.provider', `"${target.provider}" is not kubernetes`);
    const id = parseWorkloadId(target.id);
    const object = this.snapshot?.listedWorkload(target.id) ?? (await this.api.getWorkload(id, options.signal));
    const selector = selectorRequirements(object.spec?.selector);
    if (selector.length === 0) throw ValidationError.field('spec.selector', `${target.id} has an empty selector`);
    const pods: V1Pod[] = this.snapshot?.covers(id.namespace)
      ? (await this.snapshot.podsIn(id.namespace)).filter((p) => matches(selector, p.metadata?.labels))
      : await this.api.listPods(id.namespace, formatSelector(selector));
    const names = new Set(pods.map((p) => p.metadata?.name));
    let samples: PodUsageSample[] = [];
    let metricsFailed: string | undefined;
    try {
      // metrics.k8s.io is an aggregated API: when it hangs, give up at `metricsSignal` and go on without samples.
      const listed = this.snapshot?.covers(id.namespace)
        ? this.snapshot.podSamplesIn(id.namespace)
        : this.api.listPodMetrics(id.namespace, formatSelector(selector)).then((raw) => parsePodMetricsList(raw, 'podMetrics'));
      const all = await untilAborted(listed, options.metricsSignal, 'metrics.k8s.io did not answer in time');
      samples = all.filter((s) => names.has(s.pod));
    } catch (e) {
      // No metrics is not a reason to act: the readings below stay empty and nothing scales in.
      metricsFailed = `pod metrics unavailable: ${redactSecrets((e as Error).message)}`;
      this.logger.log('warn', 'pod metrics unavailable', { target, error: redactSecrets((e as Error).message) });
    }
    const usage = workloadUsage(pods, samples);
    if (metricsFailed === undefined && usage.active > 0 && usage.sampled === 0)
      metricsFailed = `no sample from metrics.k8s.io for any of the ${usage.active} pods`;
    const readings = readingsOf(usage);
    if (this.options.prometheus) {
      try {
        for (const r of await queryPrometheus(this.options.prometheus, id, now, options.signal)) readings.set(r.metric, { value: r.value });
      } catch (e) {
        this.logger.log('warn', 'prometheus query failed', { target, error: redactSecrets((e as Error).message) });
      }
    }
    this.recordHistory(target, readings, usage, now);
    const signals = valueSignals(target, readings, usage, now, this.options.valuePeriodSeconds ?? 15);
    signals.push(...this.alarmSignals(target, object.metadata?.annotations?.[ANNOTATION.alarms], readings, now));
    return metricsFailed === undefined ? { signals } : { signals, metricsFailed };
  }

  /** Per-minute history of `record(target)`'s metrics (complete readings only: a gap, not a guess). */
  private recordHistory(target: TargetRef, readings: Map<string, Reading>, usage: WorkloadUsage, now: number): void {
    const metrics = this.options.record?.(target) ?? [];
    if (metrics.length === 0 || !this.history.recordMinute) return;
    const complete = usage.active > 0 && usage.sampled === usage.active;
    for (const metric of metrics) {
      let value: number | undefined;
      if (metric === 'cpu' || metric === 'memory') value = readings.get(metric)?.value;
      else if (complete && (metric === 'cpu_cores_total' || metric === 'memory_bytes_total')) {
        const mean = meanUsage(usage, metric === 'cpu_cores_total' ? 'cpu' : 'memory');
        value = mean === undefined ? undefined : mean * usage.sampled;
      }
      if (value !== undefined) this.history.recordMinute(target.id, metric, now, value);
    }
  }

  private canonical(metric: string): string {
    return resourceMetricOf(metric) ?? metric;
  }

  private alarmSignals(target: TargetRef, annotation: string | undefined, readings: Map<string, Reading>, now: number): Signal[] {
    let rules = this.defaultAlarms;
    if (annotation !== undefined) {
      try {
        rules = parseAlarmRules(annotation, `annotation ${ANNOTATION.alarms}`);
      } catch (e) {
        this.logger.log('warn', 'alarms annotation ignored', { target, error: (e as Error).message });
        rules = [];
      }
    }
    const out: Signal[] = [];
    for (const a of rules) {
      const reading = readings.get(this.canonical(a.metric));
      // A below-threshold alarm only ever counts complete data: missing pods could be the busy ones.
      const sample = a.comparison === 'above' ? (reading?.value ?? reading?.outOnly) : reading?.value;
      const key = `${target.id}|${this.canonical(a.metric)}|${a.comparison === 'above' ? 'up' : 'down'}`;
      if (sample !== undefined && Number.isFinite(sample)) this.history.record(key, { at: now, value: sample }, a.periodSeconds * a.evaluationPeriods * 1000);
      const e = evaluateAlarm(a, this.history.samples(key), now);
      if (!e.firing) continue;
      const signal: Signal = {
        target,
        source: this.name,
        metric: a.metric,
        alarm: a.name,
        alarmName: a.name,
        state: 'firing',
        threshold: a.threshold,
        dedupeKey: `${this.name}:${target.id}:${a.name}:${e.periodStart}`,
        at: now,
        dimensions: { datapoints: `${e.breaching}/${a.evaluationPeriods}` },
      };
      if (e.value !== undefined) signal.value = e.value;
      out.push(signal);
    }
    return out;
  }
}
