import * as z from 'zod';
import { TransientError, ValidationError } from '@autoscaler/core';
import type { WorkloadId } from '../model/ids';
import { renderWorkloadQuery } from './prometheus-range';

/** One Prometheus instant query, evaluated per target; `$namespace`, `$name` and `$kind` are substituted. */
export interface PrometheusQuery {
  /** The metric name signals carry (what policy rules and alarms refer to). */
  metric: string;
  query: string;
}

export interface PrometheusOptions {
  /** Base URL of the Prometheus HTTP API (`http://prometheus.monitoring:9090`). */
  url: string;
  queries: readonly PrometheusQuery[];
  /** Extra headers (e.g. `Authorization: Bearer ...`). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

// https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
const SampleValue = z.tuple([z.number(), z.string()]);
const ResponseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: SampleValue })) }),
      z.object({ resultType: z.literal('scalar'), result: SampleValue }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: SampleValue }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

/** A query for one workload: `$namespace`, `$name`, `$kind` and `$pods` (its pod-name regex) substituted. */
export function renderQuery(query: string, id: WorkloadId): string {
  return renderWorkloadQuery(query, id);
}

/** `vllm:*` selector of one workload's pods. */
const VLLM = (name: string): string => `vllm:${name}{namespace="$namespace",pod=~"$pods"}`;

/**
 * Named instant queries for LLM serving (vLLM's Prometheus metrics), usable by name in
 * `targetTracking`, `threshold` and `step` rules once enabled (`AUTOSCALER_PROMETHEUS_METRICS`):
 * - `vllm_requests_waiting`: requests queued over all the workload's pods (`statistic: total`);
 * - `vllm_requests_running`: requests being served over all pods;
 * - `vllm_kv_cache_usage`: mean KV-cache usage per pod, percent;
 * - `vllm_ttft_p95_seconds`: 95th percentile time to first token over the last 2 minutes.
 */
export const LLM_PROMETHEUS_QUERIES: Readonly<Record<string, string>> = {
  vllm_requests_waiting: `sum(${VLLM('num_requests_waiting')})`,
  vllm_requests_running: `sum(${VLLM('num_requests_running')})`,
  vllm_kv_cache_usage: `100 * avg(${VLLM('gpu_cache_usage_perc')})`,
  vllm_ttft_p95_seconds: `histogram_quantile(0.95, sum by (le) (rate(${VLLM('time_to_first_token_seconds_bucket')}[2m])))`,
};

/** The named queries for `names` (each must be a key of LLM_PROMETHEUS_QUERIES); `field` names the setting in errors. */
export function namedPrometheusQueries(names: readonly string[], field: string): PrometheusQuery[] {
  return names.map((metric, i) => {
    const query = LLM_PROMETHEUS_QUERIES[metric];
    if (query === undefined)
      throw ValidationError.field(`${field}[${i}]`, `"${metric}" is not a named metric (known: ${Object.keys(LLM_PROMETHEUS_QUERIES).join(', ')})`);
    return { metric, query };
  });
}

/** The instant value of a query: the sum over a vector's series, a scalar as is; undefined for an empty result. */
export function parsePrometheusResponse(raw: unknown, query: string): { value: number; at: number } | undefined {
  const r = ResponseSchema.safeParse(raw);
  if (!r.success) throw ValidationError.field('prometheus.response', `not a Prometheus API response for ${query}`);
  if (r.data.status === 'error') throw ValidationError.field('prometheus.query', `${query}: ${r.data.errorType ?? 'error'}: ${r.data.error ?? ''}`);
  const d = r.data.data;
  if (d.resultType === 'vector') {
    if (d.result.length === 0) return undefined;
    const values = d.result.map((s) => Number(s.value[1]));
    if (values.some((v) => !Number.isFinite(v))) return undefined;
    return { value: values.reduce((a, b) => a + b, 0), at: Math.max(...d.result.map((s) => s.value[0])) * 1000 };
  }
  if (d.resultType === 'scalar') {
    const v = Number(d.result[1]);
    return Number.isFinite(v) ? { value: v, at: d.result[0] * 1000 } : undefined;
  }
  throw ValidationError.field('prometheus.query', `${query} returned a ${d.resultType}; use an instant vector or scalar`);
}

/** `GET /api/v1/query?query=...&time=...` for each configured query. */
export async function queryPrometheus(
  options: PrometheusOptions,
  id: WorkloadId,
  now: number,
  signal?: AbortSignal,
): Promise<Array<{ metric: string; value: number; at: number }>> {
  const doFetch = options.fetch ?? fetch;
  const out: Array<{ metric: string; value: number; at: number }> = [];
  for (const q of options.queries) {
    const query = renderQuery(q.query, id);
    const url = `${options.url.replace(/\/+$/, '')}/api/v1/query?${new URLSearchParams({ query, time: (now / 1000).toFixed(3) }).toString()}`;
    let res: Response;
    try {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000);
      res = await doFetch(url, {
        headers: { accept: 'application/json', ...options.headers },
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        redirect: 'manual',
      });
    } catch (e) {
      throw new TransientError(
        `prometheus query ${q.metric}: ${signal?.aborted ? 'aborted at the deadline' : (e as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed'}`,
        { cause: e },
      );
    }
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400))
      throw new TransientError(`prometheus query ${q.metric}: HTTP ${res.status} redirect refused (only the configured URL is called)`);
    if (res.status === 429 || res.status >= 500) throw new TransientError(`prometheus query ${q.metric}: HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw ValidationError.field('prometheus.response', `${q.metric}: HTTP ${res.status}, body is not JSON`);
    }
    const v = parsePrometheusResponse(body, query);
    if (v) out.push({ metric: q.metric, ...v });
  }
  return out;
}
