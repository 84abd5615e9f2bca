import { ValidationError, systemClock } from '@autoscaler/core';
import type { CallOptions, Clock, HistoryQuery, MetricPoint, MetricSource, TargetRef } from '@autoscaler/core';
import { parseWorkloadId, type WorkloadId } from '../model/ids';
import type { MemoryAlarmHistory } from './alarm-history';
import { PROMETHEUS_MAX_POINTS, parsePrometheusUrl, queryRange, renderWorkloadQuery, type PrometheusEndpoint } from './prometheus-range';

const PROVIDER = 'kubernetes';

/**
 * Default PromQL per canonical metric. `$namespace`, `$name`, `$kind`, `$pods` (an anchored
 * regex of exactly the workload's pod names), `$period` (`60s`) and `$periodSeconds` (`60`)
 * are substituted; the namespace and name come from the validated target id, escaped.
 * - `requests`: requests per period, from a request counter the model server exports;
 * - `cpu`, `memory`: usage over requests in percent (cAdvisor and kube-state-metrics series).
 */
export const DEFAULT_PROMETHEUS_TEMPLATES: Readonly<Record<string, string>> = {
  requests: 'sum(rate(http_requests_total{namespace="$namespace",pod=~"$pods"}[$period])) * $periodSeconds',
  cpu: '100 * sum(rate(container_cpu_usage_seconds_total{namespace="$namespace",pod=~"$pods",container!="",container!="POD"}[$period])) / sum(kube_pod_container_resource_requests{namespace="$namespace",pod=~"$pods",resource="cpu"})',
  // LLM serving (vLLM): per-period history for predictive rules.
  vllm_requests: 'sum(increase(vllm:request_success_total{namespace="$namespace",pod=~"$pods"}[$period]))',
  vllm_requests_waiting: 'sum(avg_over_time(vllm:num_requests_waiting{namespace="$namespace",pod=~"$pods"}[$period]))',
  vllm_kv_cache_usage: '100 * avg(avg_over_time(vllm:gpu_cache_usage_perc{namespace="$namespace",pod=~"$pods"}[$period]))',
  vllm_ttft_p95_seconds: 'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="$namespace",pod=~"$pods"}[$period])))',
  memory:
    '100 * sum(container_memory_working_set_bytes{namespace="$namespace",pod=~"$pods",container!="",container!="POD"}) / sum(kube_pod_container_resource_requests{namespace="$namespace",pod=~"$pods",resource="memory"})',
};

function idOf(ref: TargetRef): WorkloadId {
  if (ref.provider !== PROVIDER) throw ValidationError.field('target.provider', `"${ref.provider}" is not ${PROVIDER}`);
  return parseWorkloadId(ref.id, 'target.id');
}

function checkQuery(q: HistoryQuery): void {
  if (!Number.isInteger(q.periodSeconds) || q.periodSeconds < 1)
    throw ValidationError.field('periodSeconds', `must be a whole number of seconds >= 1, got ${String(q.periodSeconds)}`);
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to)) throw ValidationError.field('from', 'from and to must be epoch milliseconds');
}

export interface PrometheusMetricSourceOptions extends PrometheusEndpoint {
  /** Metric name -> PromQL template, over the defaults for `requests`, `cpu` and `memory`. */
  templates?: Record<string, string>;
  /** Seconds from a period's end until Prometheus has it: a scrape interval (default 30). */
  publishDelaySeconds?: number;
  /** The clock deadlines are measured on (default: the system clock). */
  clock?: Clock;
}

/**
 * History from Prometheus: one `query_range` per target, metric and evaluation (more only
 * beyond 11,000 points). The period starting at `at` is the query evaluated at `at + period`
 * (a `rate(...[period])` then covers exactly that period).
 */
export class PrometheusMetricSource implements MetricSource {
  readonly name = 'prometheus';
  readonly provider = PROVIDER;
  readonly periodSeconds = 60;
  readonly publishDelaySeconds: number;
  private readonly base: string;
  private readonly templates: Record<string, string>;
  private readonly clock: Clock;

  constructor(private readonly options: PrometheusMetricSourceOptions) {
    this.base = parsePrometheusUrl(options.url, 'prometheus.url');
    this.templates = { ...DEFAULT_PROMETHEUS_TEMPLATES, ...options.templates };
    for (const [metric, t] of Object.entries(this.templates)) if (t.trim() === '') throw ValidationError.field(`prometheus.templates.${metric}`, 'is empty');
    this.publishDelaySeconds = options.publishDelaySeconds ?? 30;
    this.clock = options.clock ?? systemClock;
  }

  /** The PromQL a history call for `ref` and `metric` sends. */
  queryFor(ref: TargetRef, metric: string, periodSeconds: number): string {
    const id = idOf(ref);
    const template = this.templates[metric];
    if (template === undefined)
      throw ValidationError.field('metric', `"${metric}" has no Prometheus query (known: ${Object.keys(this.templates).sort().join(', ')})`);
    return renderWorkloadQuery(template, id)
      .replace(/\$periodSeconds\b/g, String(periodSeconds))
      .replace(/\$period\b/g, `${periodSeconds}s`);
  }

  async history(ref: TargetRef, q: HistoryQuery, options: CallOptions = {}): Promise<MetricPoint[]> {
    checkQuery(q);
    const query = this.queryFor(ref, q.metric, q.periodSeconds);
    const stepMs = q.periodSeconds * 1000;
    const first = Math.ceil(q.from / stepMs) * stepMs;
    const last = Math.ceil(q.to / stepMs) * stepMs - stepMs;
    const out: MetricPoint[] = [];
    for (let start = first; start <= last; start += PROMETHEUS_MAX_POINTS * stepMs) {
      const end = Math.min(last, start + (PROMETHEUS_MAX_POINTS - 1) * stepMs);
      const points = await queryRange(
        this.options,
        this.base,
        { query, startSeconds: (start + stepMs) / 1000, endSeconds: (end + stepMs) / 1000, stepSeconds: q.periodSeconds, what: `${q.metric} of ${ref.id}` },
        this.clock,
        options,
      );
      for (const p of points) {
        const at = p.at - stepMs;
        if (at >= start && at <= end && at >= q.from && at < q.to) out.push({ at, value: p.value });
      }
    }
    return out;
  }
}

/** What the recorded (metrics-server) history serves, per minute. */
export const RECORDED_METRICS = ['cpu', 'memory', 'cpu_cores_total', 'memory_bytes_total'] as const;

/**
 * History without Prometheus: the per-minute means the CronJob records from metrics-server
 * samples (`MetricsServerAlarmSource.poll`, for the metrics a target's predictive rules name)
 * and keeps in its history ConfigMap. `cpu`/`memory` are utilization in percent of requests;
 * `cpu_cores_total`/`memory_bytes_total` the workload's summed usage, a load metric.
 * `requests` needs Prometheus. A period longer than a minute is the mean of its minutes.
 */
export class RecordedMetricSource implements MetricSource {
  readonly name = 'metrics-server-history';
  readonly provider = PROVIDER;
  readonly periodSeconds = 60;
  /** metrics-server's resolution in its upstream manifest. */
  readonly publishDelaySeconds = 15;

  constructor(private readonly store: MemoryAlarmHistory) {}

  history(ref: TargetRef, q: HistoryQuery): Promise<MetricPoint[]> {
    try {
      checkQuery(q);
      const id = idOf(ref);
      if (!(RECORDED_METRICS as readonly string[]).includes(q.metric)) {
        throw ValidationError.field(
          'metric',
          `"${q.metric}" is not recorded from metrics-server (have: ${RECORDED_METRICS.join(', ')})${q.metric === 'requests' ? '; request counts need Prometheus (AUTOSCALER_PROMETHEUS_URL)' : ''}`,
        );
      }
      if (q.periodSeconds % 60 !== 0) throw ValidationError.field('periodSeconds', `must be a multiple of 60 for recorded history, got ${q.periodSeconds}`);
      const minutes = this.store.minutePoints(`${id.namespace}/${id.kind}/${id.name}`, q.metric, q.from, q.to);
      if (q.periodSeconds === 60) return Promise.resolve(minutes);
      const periodMs = q.periodSeconds * 1000;
      const buckets = new Map<number, { sum: number; n: number }>();
      for (const m of minutes) {
        const at = Math.floor(m.at / periodMs) * periodMs;
        if (at < q.from || at + periodMs > q.to) continue;
        const b = buckets.get(at) ?? { sum: 0, n: 0 };
        b.sum += m.value;
        b.n++;
        buckets.set(at, b);
      }
      return Promise.resolve([...buckets].map(([at, b]) => ({ at, value: b.sum / b.n })));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** The metric names a policy's predictive rules forecast that the recorded history can serve. */
export function recordedMetricsOf(rules: ReadonlyArray<{ predictive?: { metric: string } | undefined }>): string[] {
  const wanted = new Set<string>();
  for (const r of rules) if (r.predictive && (RECORDED_METRICS as readonly string[]).includes(r.predictive.metric)) wanted.add(r.predictive.metric);
  return [...wanted];
}
