import { TransientError, ValidationError, systemClock } from '@autoscaler/core';
import type { CallOptions, Clock, HistoryQuery, MetricPoint, MetricSource, TargetRef } from '@autoscaler/core';
import { NoRetryConfigurationDetails } from 'oci-common';
import type { DataScienceClient } from 'oci-datascience';
import type { MonitoringClient } from 'oci-monitoring';
import { MIN_CALL_MS, callWithin } from './deadline';
import { requireOcid } from './ocid';
import { MODEL_DEPLOYMENT_NAMESPACE, PROVIDER_NAME } from './provider';

/**
 * The pull side of OCI: metric history of a model deployment from Monitoring
 * `SummarizeMetricsData` in `oci_datascience_modeldeploy`
 * (https://docs.oracle.com/iaas/data-science/using/metrics-model-deploy.htm).
 */
export const METRIC_SOURCE_NAME = 'oci-monitoring-metrics';

type Statistic = 'sum' | 'mean' | 'max';

interface MetricSpec {
  /** The metric's name in the namespace. */
  metric: string;
  statistic: Statistic;
  /** A missing period means zero load (a count nobody asked for), not missing data. */
  zeroWhenMissing: boolean;
}

/**
 * Canonical names and the deployment metrics by their own names. Every query is
 * grouped over the deployment's streams (CPU and memory come per instance):
 * `requests` is the sum over the deployment, `cpu`/`memory` the mean over instances.
 */
const METRICS: Readonly<Record<string, MetricSpec>> = {
  requests: { metric: 'PredictRequestCount', statistic: 'sum', zeroWhenMissing: true },
  cpu: { metric: 'CpuUtilization', statistic: 'mean', zeroWhenMissing: false },
  memory: { metric: 'MemoryUtilization', statistic: 'mean', zeroWhenMissing: false },
  PredictRequestCount: { metric: 'PredictRequestCount', statistic: 'sum', zeroWhenMissing: true },
  CpuUtilization: { metric: 'CpuUtilization', statistic: 'mean', zeroWhenMissing: false },
  MemoryUtilization: { metric: 'MemoryUtilization', statistic: 'mean', zeroWhenMissing: false },
  PredictLatency: { metric: 'PredictLatency', statistic: 'mean', zeroWhenMissing: false },
  PredictBandwidth: { metric: 'PredictBandwidth', statistic: 'max', zeroWhenMissing: false },
  NetworkBytes: { metric: 'NetworkBytes', statistic: 'mean', zeroWhenMissing: false },
  GPUCoreUtilization: { metric: 'GPUCoreUtilization', statistic: 'mean', zeroWhenMissing: false },
};

/** Monitoring keeps 1-minute aggregates for 7 days (MetricData limits); coarser ones longer, but we ask for minutes. */
const MAX_RANGE_MS = 7 * 86_400_000;
/** MetricData returns at most 100,000 datapoints per call. */
const MAX_POINTS = 100_000;

export interface OciMetricSourceOptions {
  monitoring: MonitoringClient;
  /**
   * Compartment that holds the deployment's metrics. Default: the deployment's own
   * compartment, read once per deployment with GetModelDeployment (needs `dataScience`).
   */
  compartmentId?: string;
  dataScience?: DataScienceClient;
  clock?: Clock;
  /** Attempts per history call, including the first. Default 3. */
  maxAttempts?: number;
  /** First back-off (doubles per attempt, equal jitter). Default 250 ms. */
  baseDelayMs?: number;
  /** Longest one request may take. Default 8 s; always cut to the caller's deadline. */
  requestTimeoutMs?: number;
  random?: () => number;
  providerName?: string;
}

/**
 * MetricSource on OCI Monitoring. One SummarizeMetricsData call per history request
 * (retried on 429/5xx/network only, never past the deadline), at 1-minute resolution.
 */
export class OciMonitoringMetricSource implements MetricSource {
  readonly name = METRIC_SOURCE_NAME;
  readonly provider: string;
  /** OCI metric resolution for alarms and 1-minute aggregates. */
  readonly periodSeconds = 60;
  /**
   * OCI documents no publishing delay for model-deployment metrics; service metrics are
   * emitted about once a minute and alarms wait up to 3 minutes for late data
   * (evaluationSlackDuration default). 120 s is our estimate: a minute is complete about
   * two minutes after it ends.
   */
  readonly publishDelaySeconds = 120;
  private readonly clock: Clock;
  private readonly compartments = new Map<string, string>();

  constructor(private readonly options: OciMetricSourceOptions) {
    this.clock = options.clock ?? systemClock;
    this.provider = options.providerName ?? PROVIDER_NAME;
    if (options.compartmentId !== undefined) requireOcid('compartment', options.compartmentId, 'compartmentId');
  }

  /** The MQL a history request sends; the OCID is checked against the whole pattern first. */
  static queryFor(ref: TargetRef, metric: string, periodSeconds: number): string {
    const id = requireOcid('datasciencemodeldeployment', ref.id, 'target.id');
    const spec = specOf(metric);
    return `${spec.metric}[${minutes(periodSeconds)}m]{resourceId = "${id}"}.grouping().${spec.statistic}()`;
  }

  async history(ref: TargetRef, query: HistoryQuery, options: CallOptions = {}): Promise<MetricPoint[]> {
    const mql = OciMonitoringMetricSource.queryFor(ref, query.metric, query.periodSeconds);
    const spec = specOf(query.metric);
    const period = minutes(query.periodSeconds) * 60_000;
    checkRange(query, period);
    // Whole periods only: the first period starting at or after `from`, up to `to`.
    const from = Math.ceil(query.from / period) * period;
    const to = Math.floor(query.to / period) * period;
    if (to <= from) return [];
    const compartmentId = await this.compartmentOf(ref, options);
    const items = await this.withRetries(`SummarizeMetricsData ${spec.metric} ${ref.id}`, options, () =>
      this.options.monitoring.summarizeMetricsData({
        compartmentId,
        summarizeMetricsDataDetails: {
          namespace: MODEL_DEPLOYMENT_NAMESPACE,
          query: mql,
          startTime: new Date(from),
          endTime: new Date(to),
          resolution: `${period / 60_000}m`,
        },
        // Retries are ours (deadline-aware); the SDK must not add its own.
        retryConfiguration: NoRetryConfigurationDetails,
      }),
    );
    return toPoints(
      items.items.flatMap((item) => item.aggregatedDatapoints),
      { from, to, period, zeroWhenMissing: spec.zeroWhenMissing },
    );
  }

  private async compartmentOf(ref: TargetRef, options: CallOptions): Promise<string> {
    if (this.options.compartmentId !== undefined) return this.options.compartmentId;
    const known = this.compartments.get(ref.id);
    if (known !== undefined) return known;
    const dataScience = this.options.dataScience;
    if (!dataScience) throw ValidationError.field('compartmentId', 'give the metrics compartment, or a Data Science client to read it from the deployment');
    const res = await this.withRetries(`GetModelDeployment ${ref.id}`, options, () =>
      dataScience.getModelDeployment({ modelDeploymentId: ref.id, retryConfiguration: NoRetryConfigurationDetails }),
    );
    const compartmentId = requireOcid('compartment', res.modelDeployment.compartmentId, 'modelDeployment.compartmentId');
    this.compartments.set(ref.id, compartmentId);
    return compartmentId;
  }

  /**
   * Transient failures (429, 5xx, network, our own timeout) are retried with jittered
   * back-off. No attempt starts unless `MIN_CALL_MS` is left before the deadline after the
   * back-off, and each attempt is cut at the deadline: the call never ends after it.
   */
  private async withRetries<T>(what: string, options: CallOptions, fn: () => Promise<T>): Promise<T> {
    const attempts = this.options.maxAttempts ?? 3;
    const base = this.options.baseDelayMs ?? 250;
    const random = this.options.random ?? Math.random;
    const { deadline } = options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await callWithin(what, options, fn, this.clock, this.options.requestTimeoutMs ?? 8_000);
      } catch (e) {
        if (!(e instanceof TransientError) || attempt >= attempts || options.signal?.aborted) throw e;
        const ceiling = Math.min(2_000, base * 2 ** (attempt - 1));
        const delay = ceiling / 2 + random() * (ceiling / 2);
        if (deadline !== undefined && this.clock.now() + delay + MIN_CALL_MS > deadline) throw e;
        await this.clock.sleep(delay);
      }
    }
  }
}

function specOf(metric: string): MetricSpec {
  const spec = Object.prototype.hasOwnProperty.call(METRICS, metric) ? METRICS[metric] : undefined;
  if (!spec)
    throw ValidationError.field(
      'query.metric',
      `"${String(metric).slice(0, 80)}" is not a model deployment metric (known: ${Object.keys(METRICS).join(', ')})`,
    );
  return spec;
}

function minutes(periodSeconds: number): number {
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0 || periodSeconds > 3_600) {
    throw ValidationError.field('query.periodSeconds', `must be whole minutes from 60 to 3600 (OCI Monitoring resolution), got ${String(periodSeconds)}`);
  }
  return periodSeconds / 60;
}

function checkRange(query: HistoryQuery, period: number): void {
  if (!Number.isFinite(query.from) || !Number.isFinite(query.to)) throw ValidationError.field('query.from', 'from and to must be epoch milliseconds');
  if (query.to < query.from) throw ValidationError.field('query.to', 'must not be before query.from');
  if (query.to - query.from > MAX_RANGE_MS) throw ValidationError.field('query.from', 'OCI Monitoring serves at most 7 days of 1-minute data per query');
  if ((query.to - query.from) / period > MAX_POINTS)
    throw ValidationError.field('query.periodSeconds', `the range would be more than ${MAX_POINTS} datapoints`);
}

/**
 * Datapoints -> one point per period, oldest first. OCI stamps an aggregate with the
 * start of its window; a stamp off the grid is moved to its period's start, and
 * duplicates (several streams in one window) keep the first. Points outside
 * [from, to) and non-finite values are dropped.
 *
 * Zero-fill, for count metrics only (`requests` / PredictRequestCount): the service
 * publishes nothing for a minute without requests, so a missing minute means zero
 * load. It is filled with 0 only between the first and the last datapoint the
 * service returned: before the first there may be no deployment yet, and after the
 * last the minute may simply not be published yet. Utilization metrics are never
 * filled: a missing CPU minute is missing data.
 */
export function toPoints(
  datapoints: ReadonlyArray<{ timestamp: Date | string; value: number }>,
  range: { from: number; to: number; period: number; zeroWhenMissing: boolean },
): MetricPoint[] {
  const byPeriod = new Map<number, number>();
  for (const d of datapoints) {
    const t = new Date(d.timestamp).getTime();
    if (!Number.isFinite(t) || typeof d.value !== 'number' || !Number.isFinite(d.value)) continue;
    const at = Math.floor(t / range.period) * range.period;
    if (at < range.from || at >= range.to || byPeriod.has(at)) continue;
    byPeriod.set(at, d.value);
  }
  const times = [...byPeriod.keys()].sort((a, b) => a - b);
  if (!range.zeroWhenMissing || times.length === 0) return times.map((at) => ({ at, value: byPeriod.get(at)! }));
  const out: MetricPoint[] = [];
  for (let at = times[0]!; at <= times.at(-1)!; at += range.period) out.push({ at, value: byPeriod.get(at) ?? 0 });
  return out;
}
