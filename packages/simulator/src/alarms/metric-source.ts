import { NotFoundError, TransientError, ValidationError, type HistoryQuery, type MetricPoint, type MetricSource, type TargetRef } from '@autoscaler/core';
import type { ProviderProfile } from '../profiles/profile';
import { canonicalMetric, type MetricName, type MetricStore } from './metric-store';

const SIM_ID = /^sim\/[a-z0-9][a-z0-9._-]{0,99}$/;

/** Core's canonical names onto the simulated deployment's metrics. */
const CANONICAL: Readonly<Record<string, MetricName>> = { requests: 'Invocations', cpu: 'CpuUtilization', memory: 'MemoryUtilization' };

/** How several minutes combine into one longer period: counts add up, utilizations average. */
const SUMMED: ReadonlySet<MetricName> = new Set(['Invocations', 'DroppedRequests']);

/**
 * The simulated cloud's monitoring service on the pull contract, what OCI Monitoring
 * `SummarizeMetricsData` or CloudWatch `GetMetricData` are to the apps: the history of the
 * deployment's published metrics, one datapoint per minute, each visible only after the
 * profile's publishing delay. `requests` is the requests served by the whole fleet in the
 * period (invocations per minute summed over instances); `cpu` and `memory` are the mean
 * utilization in percent; the cloud's own names (`PredictRequestCount`, `Invocations`,
 * `CPUUtilization`, ...) work too. A minute with no requests is served as 0: a simulated
 * request count knows that no datapoint means no requests, so the series has no gaps.
 */
export class SimulatedMetricSource implements MetricSource {
  readonly name = 'sim-monitoring';
  readonly provider = 'simulator';
  /** The store holds one datapoint per minute: the finest period any of the profiles serves here. */
  readonly periodSeconds = 60;
  readonly publishDelaySeconds: number;
  /** `history` calls served, for tests and the bench (one per evaluation that needs new points). */
  calls = 0;
  private throttled = 0;

  constructor(
    private readonly ref: TargetRef,
    private readonly store: MetricStore,
    profile: ProviderProfile,
    private readonly now: () => number,
  ) {
    this.publishDelaySeconds = profile.metricDelaySeconds;
  }

  /** The next `n` history calls fail as the cloud's throttle does (a TransientError), for fault tests. */
  throttleNext(n = 1): void {
    this.throttled += n;
  }

  async history(ref: TargetRef, query: HistoryQuery): Promise<MetricPoint[]> {
    this.calls++;
    if (this.throttled > 0) {
      this.throttled--;
      throw new TransientError('simulated monitoring service: rate exceeded (throttled)');
    }
    if (typeof ref.id !== 'string' || !SIM_ID.test(ref.id)) throw ValidationError.field('target.id', `"${String(ref.id)}" is not a simulator id (sim/<name>)`);
    if (ref.provider !== this.ref.provider || ref.id !== this.ref.id) throw new NotFoundError(`simulated target ${ref.id} does not exist`);
    const metric = CANONICAL[query.metric] ?? canonicalMetric(query.metric);
    if (!metric) throw ValidationError.field('metric', `unknown metric "${query.metric}": use requests, cpu, memory or one of the deployment's own metrics`);
    const period = query.periodSeconds;
    if (!Number.isInteger(period) || period < 60 || period % 60 !== 0)
      throw ValidationError.field('periodSeconds', `${period} s: the simulated monitoring service serves whole minutes (60, 120, ...)`);
    if (!(query.to > query.from)) return [];
    const minutes = period / 60;
    const step = period * 1000;
    const start = this.store.start;
    const visible = this.store.visibleMinutes(this.now());
    // Periods aligned to the store's start; a period is served once all its minutes are published.
    const first = Math.max(0, Math.ceil((query.from - start) / step));
    const out: MetricPoint[] = [];
    for (let k = first; ; k++) {
      const at = start + k * step;
      if (at >= query.to || (k + 1) * minutes > visible) break;
      let acc = 0;
      for (let m = k * minutes; m < (k + 1) * minutes; m++) acc += this.store.value(metric, m);
      out.push({ at, value: SUMMED.has(metric) ? acc : acc / minutes });
    }
    return out;
  }
}
