import type { Clock } from '@autoscaler/core';
import { HttpError, startFakeServer, type FakeRequest, type FakeServer, type FaultQueue } from '@autoscaler/testing';

/** One series the fake serves: every query `match` accepts gets it, evaluated at each step. */
export interface FakeSeries {
  /** A substring of the PromQL, or a regular expression over it. */
  match: string | RegExp;
  labels?: Record<string, string>;
  /** The value at an evaluation time (epoch seconds); undefined = no sample; NaN is sent as "NaN". */
  value: (evaluationSeconds: number) => number | undefined;
}

export interface FakePrometheusOptions {
  series?: FakeSeries[];
  clock?: Pick<Clock, 'sleep'>;
  faults?: FaultQueue;
}

export interface FakePrometheus extends FakeServer {
  /** Replace the served series. */
  series: FakeSeries[];
  /** Every PromQL the fake was asked, in order. */
  queries: string[];
}

/** The body Prometheus sends with a 400 (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview). */
function badData(message: string): HttpError {
  return new HttpError(400, { status: 'error', errorType: 'bad_data', error: message });
}

/** Prometheus accepts a Unix timestamp (seconds, fractional) or RFC 3339. */
function parseTime(text: string | undefined, name: string): number {
  if (text === undefined || text === '') throw badData(`invalid parameter "${name}": cannot parse "" to a valid timestamp`);
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw badData(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
  return t / 1000;
}

/** A duration in seconds (`60`, `1.5`) or a Prometheus duration (`1m`, `15s`). */
function parseStep(text: string | undefined): number {
  if (text === undefined || text === '') throw badData('invalid parameter "step": cannot parse "" to a valid duration');
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw badData(`invalid parameter "step": cannot parse "${text}" to a valid duration`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}

const formatValue = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

/**
 * A Prometheus HTTP API on 127.0.0.1 serving `GET|POST /api/v1/query_range` (and the instant
 * `/api/v1/query`) from configurable series, with Prometheus' parameter checks and error
 * bodies (400 `bad_data`, the 11,000-points limit). Faults (latency, 5xx, redirects, drops)
 * come from the shared fault queue.
 */
export async function startFakePrometheus(options: FakePrometheusOptions = {}): Promise<FakePrometheus> {
  const queries: string[] = [];
  const state: { fake?: FakePrometheus } = {};
  const matching = (query: string): FakeSeries[] =>
    (state.fake?.series ?? []).filter((s) => (typeof s.match === 'string' ? query.includes(s.match) : s.match.test(query)));

  const handler = (req: FakeRequest): { status: number; body: unknown } => {
    if (req.method !== 'GET' && req.method !== 'POST') throw new HttpError(405, { status: 'error', errorType: 'bad_data', error: 'method not allowed' });
    const params = new URLSearchParams(req.url.split('?')[1] ?? '');
    if (req.method === 'POST') for (const [k, v] of new URLSearchParams(req.text())) params.set(k, v);
    const query = params.get('query') ?? '';
    if (req.path === '/api/v1/query_range') {
      if (query === '') throw badData('invalid parameter "query": unknown position: parse error: no expression found in input');
      const start = parseTime(params.get('start') ?? undefined, 'start');
      const end = parseTime(params.get('end') ?? undefined, 'end');
      if (end < start) throw badData('invalid parameter "end": end timestamp must not be before start time');
      const step = parseStep(params.get('step') ?? undefined);
      if (step <= 0) throw badData('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      if ((end - start) / step > 11_000)
        throw badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      queries.push(query);
      const result = matching(query).map((s) => {
        const values: Array<[number, string]> = [];
        for (let t = start; t <= end + 1e-9; t += step) {
          const v = s.value(t);
          if (v !== undefined) values.push([Math.round(t * 1000) / 1000, formatValue(v)]);
        }
        return { metric: s.labels ?? {}, values };
      });
      return { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: result.filter((r) => r.values.length > 0) } } };
    }
    if (req.path === '/api/v1/query') {
      if (query === '') throw badData('invalid parameter "query": unknown position: parse error: no expression found in input');
      const time = params.has('time') ? parseTime(params.get('time') ?? undefined, 'time') : Date.now() / 1000;
      queries.push(query);
      const result = matching(query).flatMap((s) => {
        const v = s.value(time);
        return v === undefined ? [] : [{ metric: s.labels ?? {}, value: [time, formatValue(v)] }];
      });
      return { status: 200, body: { status: 'success', data: { resultType: 'vector', result } } };
    }
    throw new HttpError(404, '404 page not found\n');
  };
  const server = await startFakeServer(handler, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    bugBody: (message) => ({ status: 'error', errorType: 'internal', error: message }),
  });
  state.fake = Object.assign(server, { queries, series: options.series ?? [] });
  return state.fake;
}
