import type { TargetRef } from './target';

/**
 * The pull contract. An `AlarmSource` parses deliveries pushed to the app; a `MetricSource`
 * answers the questions a periodic evaluation asks: what did this target's load look like
 * over a window. The orchestrator is its only caller (`Autoscaler.evaluate`), at most one
 * `history` call per target, metric and evaluation, and only for the points it has not
 * cached yet.
 */

/** One datapoint: the aggregate of the period that starts at `at`. */
export interface MetricPoint {
  /** Epoch milliseconds of the period's start. */
  at: number;
  value: number;
}

/**
 * Metric names every source understands, mapped to each cloud's own metric:
 * - `requests`: requests served by the whole target in the period (a sum over instances):
 *   OCI `PredictRequestCount`, SageMaker `Invocations`, Prometheus request counters;
 * - `cpu`, `memory`: mean utilization in percent over instances.
 * A source also accepts its cloud's native metric names.
 */
export const CANONICAL_METRICS = ['requests', 'cpu', 'memory'] as const;
export type CanonicalMetric = (typeof CANONICAL_METRICS)[number];

export interface HistoryQuery {
  /** A canonical name (`requests`) or the cloud's own metric name. */
  metric: string;
  /** Epoch milliseconds, inclusive: the first period starting at or after it. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
  periodSeconds: number;
}

/** A deadline every outside call and retry must fit in (the invocation's, or a target's share of it). */
export interface CallOptions {
  /** Epoch milliseconds (of the injected clock) by which the call must have returned. */
  deadline?: number;
  /** Aborts the call's I/O when the budget is spent. */
  signal?: AbortSignal;
}

/** Where a periodic evaluation reads metric history: OCI Monitoring, CloudWatch, Prometheus, the simulator. */
export interface MetricSource {
  readonly name: string;
  /** The provider whose targets it serves (`TargetRef.provider`). */
  readonly provider: string;
  /** Finest period it serves, seconds (60 for OCI and standard CloudWatch metrics, 10 for high-resolution ones). */
  readonly periodSeconds: number;
  /** Seconds from a period's end until the cloud publishes its datapoint: the forecast must look past it. */
  readonly publishDelaySeconds: number;
  /**
   * Datapoints of `query.metric` for `ref`, oldest first, one per period; periods with no
   * data are absent (the forecaster treats gaps as missing data, never as zero load,
   * unless the source fills them because the cloud means zero). Throws `ValidationError`
   * for an unknown metric, `TransientError` for a throttle or a 5xx.
   */
  history(ref: TargetRef, query: HistoryQuery, options?: CallOptions): Promise<MetricPoint[]>;
}
