import { ValidationError, type AutoscalerError } from '../errors';
import type { CallOptions, HistoryQuery, MetricPoint, MetricSource, TargetRef } from '../types';
import { MEMORY_ID } from './memory-provider';

/**
 * The reference pull source: series held in memory per target id and metric, served at their
 * own period. Tests, docs and the conformance kit use it; a cloud's source does the same over
 * its monitoring API.
 */
export class MemoryMetricSource implements MetricSource {
  readonly name = 'memory-metrics';
  readonly provider: string;
  readonly periodSeconds: number;
  readonly publishDelaySeconds: number;
  private readonly series = new Map<string, MetricPoint[]>();
  private readonly faults: AutoscalerError[] = [];
  /** Every query asked, for tests (one per target and metric per evaluation). */
  readonly queries: Array<HistoryQuery & { target: string }> = [];

  constructor(options: { provider?: string; periodSeconds?: number; publishDelaySeconds?: number } = {}) {
    this.provider = options.provider ?? 'memory';
    this.periodSeconds = options.periodSeconds ?? 60;
    this.publishDelaySeconds = options.publishDelaySeconds ?? 0;
  }

  /** Replace (or start) a series; points oldest first. */
  set(id: string, metric: string, points: readonly MetricPoint[]): void {
    this.series.set(`${id} ${metric}`, [...points]);
  }

  /** Append datapoints as time passes. */
  push(id: string, metric: string, ...points: MetricPoint[]): void {
    const key = `${id} ${metric}`;
    this.series.set(key, [...(this.series.get(key) ?? []), ...points]);
  }

  /** The next `history` call fails with this error. */
  injectFault(error: AutoscalerError): void {
    this.faults.push(error);
  }

  async history(ref: TargetRef, query: HistoryQuery, _options?: CallOptions): Promise<MetricPoint[]> {
    if (typeof ref.id !== 'string' || !MEMORY_ID.test(ref.id)) throw ValidationError.field('target.id', `"${String(ref.id)}" is not a valid memory id`);
    this.queries.push({ ...query, target: ref.id });
    const fault = this.faults.shift();
    if (fault) throw fault;
    const points = this.series.get(`${ref.id} ${query.metric}`);
    if (points === undefined) throw ValidationError.field('metric', `no metric "${query.metric}" for ${ref.id}`);
    return points.filter((p) => p.at >= query.from && p.at < query.to);
  }
}
