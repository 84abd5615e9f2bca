import * as z from 'zod';
import { ProviderError, TransientError, ValidationError, type CallOptions, type Clock } from '@autoscaler/core';
import type { WorkloadId } from '../model/ids';

/**
 * Prometheus range queries (`GET /api/v1/query_range?query&start&end&step`,
 * https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries) for a
 * workload's metric history. Only the configured base URL is ever called: redirects are
 * refused, not followed; the body is read up to a byte limit; every call fits the caller's
 * deadline or is not made.
 */
export interface PrometheusEndpoint {
  /** Base URL of the HTTP API, `http(s)://host[:port][/prefix]`, without credentials, query or fragment. */
  url: string;
  /** Extra headers (e.g. `authorization: Bearer ...`); never logged. */
  headers?: Record<string, string>;
  /** Per-request timeout when the deadline leaves more (default 5000). */
  timeoutMs?: number;
  /** Largest response body read, bytes (default 4 MiB). */
  maxResponseBytes?: number;
  fetch?: typeof fetch;
}

/** Prometheus refuses a range query with more points per series than this. */
export const PROMETHEUS_MAX_POINTS = 11_000;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** A call with less time than this left before the deadline is not started. */
const MIN_CALL_MS = 50;

/** The base URL, checked: http(s) only, no userinfo (a secret in a URL ends up in logs), no query or fragment. */
export function parsePrometheusUrl(raw: string, field = 'prometheus.url'): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw ValidationError.field(field, 'is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw ValidationError.field(field, `must be http or https, got ${u.protocol}`);
  if (u.username || u.password) throw ValidationError.field(field, 'must not carry credentials; pass an authorization header instead');
  if (u.search || u.hash) throw ValidationError.field(field, 'must not have a query or fragment');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** Escapes text for a PromQL double-quoted string literal. */
export function promStringContent(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes text for an RE2 regular expression (Prometheus `=~` matchers are fully anchored RE2). */
export function re2Literal(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

// Pod names the controllers generate (see attribution.ts): Deployment `<name>-<hash>-<5>`, StatefulSet `<name>-<ordinal>`.
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';

/** An anchored RE2 pattern for exactly the workload's pods: `model-server` does not match `model-server-v2`'s pods. */
export function podPattern(id: WorkloadId): string {
  return `${re2Literal(id.name)}-${id.kind === 'deployment' ? `${SAFE}{6,10}-${SAFE}{5}` : '(0|[1-9][0-9]*)'}`;
}

/**
 * A query template for one workload: `$namespace`, `$name`, `$kind` and `$pods` (the pod-name
 * regex) are replaced by the id's values, escaped for use inside a PromQL double-quoted string
 * (the template writes the quotes: `{namespace="$namespace",pod=~"$pods"}`).
 */
export function renderWorkloadQuery(template: string, id: WorkloadId): string {
  const values: Record<string, string> = { namespace: id.namespace, name: id.name, kind: id.kind, pods: podPattern(id) };
  return template.replace(/\$(namespace|name|kind|pods)\b/g, (_, k: string) => promStringContent(values[k]!));
}

const Sample = z.tuple([z.number(), z.string()]);
const RangeResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({ resultType: z.string(), result: z.array(z.unknown()) }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);
const MatrixSeries = z.object({ metric: z.record(z.string(), z.string()).optional(), values: z.array(Sample) });

/**
 * The points of a range response, series summed per timestamp (ms), oldest first. Values
 * Prometheus reports as `NaN` or `±Inf` (a division by zero) leave their timestamp absent.
 */
export function parseRangeResponse(raw: unknown, what: string): Array<{ at: number; value: number }> {
  const r = RangeResponse.safeParse(raw);
  if (!r.success) throw new ProviderError(`prometheus ${what}: not a Prometheus API response`);
  if (r.data.status === 'error') throw ValidationError.field('prometheus.query', `${what}: ${r.data.errorType ?? 'error'}: ${r.data.error ?? ''}`);
  const d = r.data.data;
  if (d.resultType !== 'matrix') throw ValidationError.field('prometheus.query', `${what} returned a ${d.resultType}, not a range (matrix)`);
  const sums = new Map<number, number>();
  const bad = new Set<number>();
  d.result.forEach((s, i) => {
    const series = MatrixSeries.safeParse(s);
    if (!series.success) throw new ProviderError(`prometheus ${what}: result[${i}] is not a matrix series`);
    for (const [t, text] of series.data.values) {
      const at = Math.round(t * 1000);
      const v = Number(text);
      if (!Number.isFinite(v) || !Number.isFinite(at)) bad.add(at);
      else sums.set(at, (sums.get(at) ?? 0) + v);
    }
  });
  return [...sums]
    .filter(([at]) => !bad.has(at))
    .sort((a, b) => a[0] - b[0])
    .map(([at, value]) => ({ at, value }));
}

/** Reads at most `limit` bytes of a response body; more is refused without reading it all. */
async function readLimited(res: Response, limit: number, what: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new ProviderError(`prometheus ${what}: response of ${declared} bytes is over the ${limit}-byte limit`);
  }
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new ProviderError(`prometheus ${what}: response is over the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface RangeRequest {
  query: string;
  /** Evaluation times, epoch seconds (inclusive). */
  startSeconds: number;
  endSeconds: number;
  stepSeconds: number;
  /** For messages (never the URL or headers). */
  what: string;
}

/**
 * One `query_range` call within `options.deadline` (on `clock`): not started when less than
 * 50 ms remain; aborted at the deadline or the endpoint's timeout. Network errors, timeouts,
 * 429 and 5xx are `TransientError`; a redirect, an oversized or malformed body `ProviderError`;
 * a query Prometheus refuses (400/422) `ValidationError`.
 */
export async function queryRange(
  endpoint: PrometheusEndpoint,
  base: string,
  request: RangeRequest,
  clock: Pick<Clock, 'now'>,
  options: CallOptions = {},
): Promise<Array<{ at: number; value: number }>> {
  const points = Math.floor((request.endSeconds - request.startSeconds) / request.stepSeconds) + 1;
  if (points > PROMETHEUS_MAX_POINTS)
    throw ValidationError.field('history', `${request.what}: ${points} points per series is over Prometheus' ${PROMETHEUS_MAX_POINTS}`);
  const remaining = options.deadline === undefined ? Infinity : options.deadline - clock.now();
  if (remaining < MIN_CALL_MS) throw new TransientError(`prometheus ${request.what}: no time left before the deadline; not calling`);
  const timeout = Math.max(1, Math.min(endpoint.timeoutMs ?? 5000, remaining));
  const signals = [AbortSignal.timeout(timeout), ...(options.signal ? [options.signal] : [])];
  const signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
  const url = new URL(`${base}/api/v1/query_range`);
  url.search = new URLSearchParams({
    query: request.query,
    start: String(request.startSeconds),
    end: String(request.endSeconds),
    step: String(request.stepSeconds),
  }).toString();
  const doFetch = endpoint.fetch ?? fetch;
  let text: string;
  let res: Response;
  try {
    res = await doFetch(url, { headers: { accept: 'application/json', ...endpoint.headers }, signal, redirect: 'manual' });
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      await res.body?.cancel().catch(() => undefined);
      throw new ProviderError(`prometheus ${request.what}: HTTP ${res.status} redirect refused (only the configured URL is called)`);
    }
    text = await readLimited(res, endpoint.maxResponseBytes ?? DEFAULT_MAX_BYTES, request.what);
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    const reason = signal.aborted ? (options.signal?.aborted ? 'aborted' : `timed out after ${timeout} ms`) : 'connection failed';
    throw new TransientError(`prometheus ${request.what}: ${reason}`, { cause: e });
  }
  if (res.status === 429 || res.status >= 500) throw new TransientError(`prometheus ${request.what}: HTTP ${res.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProviderError(`prometheus ${request.what}: HTTP ${res.status}, body is not JSON`);
  }
  if (res.status !== 200 && !(typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'error'))
    throw new ProviderError(`prometheus ${request.what}: HTTP ${res.status}`);
  return parseRangeResponse(body, request.what);
}
