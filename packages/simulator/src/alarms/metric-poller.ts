import { parseSignal, ValidationError, type Signal, type TargetRef } from '@autoscaler/core';
import { canonicalMetric, type MetricName } from './metric-store';
import { NOTHING, type SimulatedSource, type SourceContext, type SourceOutput } from './source';

/**
 * A pull loop (the Kubernetes CronJob / a scheduled function): every cadence,
 * the newest published datapoint of each metric as a `value` signal.
 */
export class MetricPoller implements SimulatedSource {
  readonly name = 'sim-metrics';
  private readonly metrics: Array<{ as: string; metric: MetricName }>;

  constructor(
    private readonly ctx: SourceContext,
    metrics: readonly string[],
    readonly cadenceSeconds = 60,
  ) {
    this.metrics = metrics.map((as, i) => {
      const metric = canonicalMetric(as);
      if (!metric) throw ValidationError.field(`metrics[${i}]`, `unknown metric "${as}"`);
      return { as, metric };
    });
  }

  tick(now: number): SourceOutput {
    const visible = this.ctx.store.visibleMinutes(now);
    if (visible === 0) return NOTHING;
    const signals = this.metrics.map((m): Signal => ({
      target: this.ctx.ref,
      source: this.name,
      metric: m.as,
      state: 'value',
      value: this.ctx.store.value(m.metric, visible - 1),
      dedupeKey: `${this.name}:${m.as}:${now}`,
      at: now,
    }));
    return { deliveries: [], signals };
  }

  async poll(_target: TargetRef, now: number): Promise<Signal[]> {
    return this.tick(now).signals;
  }

  /** Signals as JSON (one or a list), validated field by field. */
  parse(raw: unknown): Signal[] {
    return (Array.isArray(raw) ? raw : [raw]).map((item) => parseSignal(item, this.ctx.ref));
  }
}
