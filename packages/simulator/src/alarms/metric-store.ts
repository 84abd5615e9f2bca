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
};

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

  constructor(
    readonly start: number,
    readonly minutes: number,
    readonly delaySeconds: number,
  ) {
    for (const m of METRICS) {
      const a = new Float64Array(minutes);
      this.series.set(m, a);
      this.ordered.push(a);
    }
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
