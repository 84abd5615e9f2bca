import type { MetricPoint } from '@autoscaler/core';

/** Names of the per-minute metrics a simulated deployment publishes. */
export const METRICS = [
  'CpuUtilization',
  'MemoryUtilization',
  'InvocationsPerInstance',
  'Invocations',
  'LatencyP95Ms',
  'LatencySloRatio',
  'SloUtilization',
  'DroppedRequests',
  'ServingReplicas',
  /** Requests that found no serving copy (SageMaker's metric for scale to zero). */
  'NoCapacityInvocationFailures',
  /** Mean requests in flight (in service or queued) per serving instance/copy; also published every 10 s (see HIGH_RES_SECONDS). */
  'ConcurrentRequestsPerModel',
] as const;
export type MetricName = (typeof METRICS)[number];

/** Aliases so policies can use each cloud's own metric names. */
export const METRIC_ALIASES: Readonly<Record<string, MetricName>> = {
  CPUUtilization: 'CpuUtilization',
  cpu: 'CpuUtilization',
  MemoryUtilization: 'MemoryUtilization',
  memory: 'MemoryUtilization',
  requests: 'Invocations',
  PredictRequestCount: 'Invocations',
  RequestCount: 'Invocations',
  ModelLatency: 'LatencyP95Ms',
  PredictLatency: 'LatencyP95Ms',
  // The inference-component name of the same figure (one copy per instance here).
  ConcurrentRequestsPerCopy: 'ConcurrentRequestsPerModel',
};

/**
 * SageMaker emits ConcurrentRequestsPerModel / ConcurrentRequestsPerCopy every 10 s (high-resolution
 * metrics; profiles.json sagemaker.metrics.high_res_metric_period_s, documented), the other metrics
 * once a minute.
 */
export const HIGH_RES_SECONDS = 10;
const BUCKETS_PER_MINUTE = 60 / HIGH_RES_SECONDS;
/** The metrics the store also keeps at 10 s resolution. */
export const HIGH_RES_METRICS: readonly MetricName[] = ['ConcurrentRequestsPerModel'];

export function canonicalMetric(name: string): MetricName | undefined {
  if ((METRICS as readonly string[]).includes(name)) return name as MetricName;
  return METRIC_ALIASES[name];
}

/**
 * One datapoint per metric per minute, visible only `delaySeconds` after its
 * minute ends: alarms and pollers see the past, never the minute being served.
 */
export class MetricStore {
  private readonly series = new Map<MetricName, Float64Array>();
  private readonly ordered: Float64Array[] = [];
  private written = 0;
  /** 10 s datapoints of the high-resolution metrics; NaN = not emitted (no instance serving). */
  private readonly fine = new Map<MetricName, Float64Array>();
  private fineWritten = 0;

  /**
   * @param highResDelaySeconds seconds after a 10 s bucket ends until its datapoint is visible
   *   (default: one high-resolution period, as `delaySeconds` is one standard period on SageMaker).
   */
  constructor(
    readonly start: number,
    readonly minutes: number,
    readonly delaySeconds: number,
    readonly highResDelaySeconds = HIGH_RES_SECONDS,
  ) {
    for (const m of METRICS) {
      const a = new Float64Array(minutes);
      this.series.set(m, a);
      this.ordered.push(a);
    }
    for (const m of HIGH_RES_METRICS) this.fine.set(m, new Float64Array(minutes * BUCKETS_PER_MINUTE).fill(Number.NaN));
  }

  /** Record 10 s bucket `b` (from the start) of a high-resolution metric; undefined = not emitted. Buckets in order. */
  publishHighRes(metric: MetricName, b: number, value: number | undefined): void {
    const a = this.fine.get(metric);
    if (!a) throw new Error(`${metric} is not a high-resolution metric`);
    a[b] = value ?? Number.NaN;
    this.fineWritten = Math.max(this.fineWritten, b + 1);
  }

  /** How many 10 s buckets are visible at `now`. */
  visibleBuckets(now: number): number {
    const v = Math.floor((now - this.start - this.highResDelaySeconds * 1000) / (HIGH_RES_SECONDS * 1000));
    return Math.max(0, Math.min(v, this.fineWritten));
  }

  /** The 10 s datapoints of a high-resolution metric (NaN = missing); caller checks visibility. */
  rawHighRes(metric: MetricName): Float64Array | undefined {
    return this.fine.get(metric);
  }

  /** Record the datapoints of minute `m` (called once per minute, in order). */
  publish(m: number, values: Readonly<Record<MetricName, number>>): void {
    for (let i = 0; i < METRICS.length; i++) this.ordered[i]![m] = values[METRICS[i]!];
    this.written = m + 1;
  }

  /** How many minutes (from the start) are visible at time `now`. */
  visibleMinutes(now: number): number {
    const v = Math.floor((now - this.start - this.delaySeconds * 1000) / 60_000);
    return Math.max(0, Math.min(v, this.written));
  }

  /** Datapoint of minute `m` (caller checks visibility). */
  value(metric: MetricName, m: number): number {
    return this.series.get(metric)![m]!;
  }

  raw(metric: MetricName): Float64Array {
    return this.series.get(metric)!;
  }

  /** Visible datapoints in [start, end), for `Provider.metrics`. */
  points(metric: MetricName, start: number, end: number, now: number): MetricPoint[] {
    const visible = this.visibleMinutes(now);
    const from = Math.max(0, Math.ceil((start - this.start) / 60_000));
    const to = Math.min(visible, Math.ceil((end - this.start) / 60_000));
    const s = this.series.get(metric)!;
    const out: MetricPoint[] = [];
    for (let m = from; m < to; m++) out.push({ at: this.start + m * 60_000, value: s[m]! });
    return out;
  }
}
