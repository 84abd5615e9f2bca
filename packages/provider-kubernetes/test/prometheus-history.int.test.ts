import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { ManualClock, ProviderError, TransientError, ValidationError, type TargetRef } from '@autoscaler/core';
import { startFakePrometheus, type FakePrometheus } from '@autoscaler/sandbox-kubernetes';
import { PrometheusMetricSource, parseRangeResponse, parsePrometheusUrl, parseWorkloadId } from '../src';
import { promStringContent, re2Literal, renderWorkloadQuery } from '../src/metrics/prometheus-range';

const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);
const REF: TargetRef = { provider: 'kubernetes', id: 'ml/deployment/model-server' };
/** The fake does not evaluate PromQL: the series is the query's answer, 6000 requests per minute in ml/model-server. */
const REQUESTS = { match: /http_requests_total\{namespace="ml",pod=~"model-server-/, value: () => 6000 };

describe('PrometheusMetricSource against a Prometheus wire fake', () => {
  let prom: FakePrometheus;
  const clock = new ManualClock(T0);
  afterEach(async () => {
    expect(prom.errors).toEqual([]);
    await prom.close();
  });

  it('asks one query_range per history call and maps each evaluation at period end to the period that starts a step earlier', async () => {
    prom = await startFakePrometheus({ series: [REQUESTS] });
    const source = new PrometheusMetricSource({ url: `${prom.url}/`, clock });
    const points = await source.history(REF, { metric: 'requests', from: T0 - 10 * 60_000, to: T0, periodSeconds: 60 }, { deadline: T0 + 5000 });
    expect(points).toHaveLength(10);
    expect(points[0]).toEqual({ at: T0 - 10 * 60_000, value: 6000 });
    expect(points.at(-1)).toEqual({ at: T0 - 60_000, value: 6000 });
    expect(prom.log.entries).toHaveLength(1);
    const url = new URL(prom.log.entries[0]!.url, prom.url);
    expect(url.pathname).toBe('/api/v1/query_range');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      query:
        'sum(rate(http_requests_total{namespace="ml",pod=~"model-server-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}"}[60s])) * 60',
      start: String((T0 - 9 * 60_000) / 1000),
      end: String(T0 / 1000),
      step: '60',
    });
  });

  it('sums series per timestamp, leaves NaN periods and missing samples absent, serves configured native metrics and refuses unknown ones', async () => {
    prom = await startFakePrometheus({
      series: [
        { match: 'latency', labels: { pod: 'a' }, value: (t) => (t === (T0 - 2 * 60_000) / 1000 ? NaN : 1) },
        { match: 'latency', labels: { pod: 'b' }, value: (t) => (t === (T0 - 60_000) / 1000 ? undefined : 2) },
      ],
    });
    const source = new PrometheusMetricSource({ url: prom.url, clock, templates: { latency_p95: 'latency{namespace="$namespace"}' } });
    const points = await source.history(REF, { metric: 'latency_p95', from: T0 - 4 * 60_000, to: T0, periodSeconds: 60 });
    // Evaluated at T0-3m -> period T0-4m: 3; at T0-2m NaN in a -> T0-3m absent; at T0-1m b missing -> T0-2m: 1; at T0 -> T0-1m: 3.
    expect(points).toEqual([
      { at: T0 - 4 * 60_000, value: 3 },
      { at: T0 - 2 * 60_000, value: 1 },
      { at: T0 - 60_000, value: 3 },
    ]);
    await expect(source.history(REF, { metric: 'nope', from: T0 - 60_000, to: T0, periodSeconds: 60 })).rejects.toThrow(
      /"nope" has no Prometheus query \(known: cpu, latency_p95, memory, requests, vllm_kv_cache_usage, vllm_requests, vllm_requests_waiting, vllm_ttft_p95_seconds\)/,
    );
    await expect(source.history({ provider: 'aws', id: 'x' }, { metric: 'requests', from: 0, to: 1, periodSeconds: 60 })).rejects.toThrow(ValidationError);
  });

  it('splits a range over 11,000 points into several calls; a query Prometheus refuses is a ValidationError with its message', async () => {
    prom = await startFakePrometheus({ series: [REQUESTS] });
    const source = new PrometheusMetricSource({ url: prom.url, clock });
    const points = await source.history(REF, { metric: 'requests', from: T0 - 12_000 * 60_000, to: T0, periodSeconds: 60 });
    expect(points).toHaveLength(12_000);
    expect(prom.log.entries).toHaveLength(2);
    expect(new Set(points.map((p) => p.at)).size).toBe(12_000);
    prom.faults.next({ status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected "}"' } });
    await expect(source.history(REF, { metric: 'requests', from: T0 - 60_000, to: T0, periodSeconds: 60 })).rejects.toThrow(
      /invalid prometheus.query: requests of ml\/deployment\/model-server: bad_data: parse error/,
    );
  });

  it('429, 5xx, a dropped connection and a hang past the deadline are TransientErrors; no call is made without time left', async () => {
    prom = await startFakePrometheus({ series: [REQUESTS], clock });
    const source = new PrometheusMetricSource({ url: prom.url, clock, headers: { authorization: 'Bearer s3cret-token' } });
    const q = { metric: 'requests', from: T0 - 60_000, to: T0, periodSeconds: 60 };
    for (const fault of [{ status: 429 }, { status: 503 }, { drop: true }]) {
      prom.faults.next(fault);
      const e = await source.history(REF, q, { deadline: T0 + 5000 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TransientError);
      expect(String((e as Error).message)).not.toContain('s3cret');
    }
    // The fake waits on a manual clock that never moves: only the client's deadline ends the call.
    prom.faults.next({ delayMs: 60_000 });
    const started = Date.now();
    await expect(source.history(REF, q, { deadline: clock.now() + 300 })).rejects.toThrow(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    const calls = prom.log.entries.length;
    await expect(source.history(REF, q, { deadline: clock.now() + 10 })).rejects.toThrow(/no time left/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(source.history(REF, q, { signal: aborted.signal })).rejects.toThrow(/aborted/);
    expect(prom.log.entries.length).toBeLessThanOrEqual(calls + 1);
    prom.faults.clear();
  });

  it('refuses to follow a redirect to another host, and refuses an oversized body', async () => {
    let hits = 0;
    const other: Server = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      prom = await startFakePrometheus({ series: [REQUESTS] });
      const source = new PrometheusMetricSource({ url: prom.url, clock, maxResponseBytes: 2000 });
      prom.faults.next({ status: 302, headers: { location: `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v1/query_range` }, body: '' });
      await expect(source.history(REF, { metric: 'requests', from: T0 - 60_000, to: T0, periodSeconds: 60 })).rejects.toThrow(/redirect refused/);
      expect(hits).toBe(0);
      const big = await source.history(REF, { metric: 'requests', from: T0 - 600 * 60_000, to: T0, periodSeconds: 60 }).catch((e: unknown) => e);
      expect(big).toBeInstanceOf(ProviderError);
      expect((big as Error).message).toMatch(/over the 2000-byte limit/);
    } finally {
      other.closeAllConnections();
      await new Promise((r) => other.close(r));
    }
  });
});

describe('PromQL rendering and range parsing', () => {
  it('the base URL is checked: http(s), no credentials, no query', () => {
    expect(parsePrometheusUrl('http://prometheus.monitoring:9090/')).toBe('http://prometheus.monitoring:9090');
    expect(parsePrometheusUrl('https://p.example/prom/')).toBe('https://p.example/prom');
    expect(() => parsePrometheusUrl('file:///etc/passwd')).toThrow(/must be http or https/);
    expect(() => parsePrometheusUrl('http://user:pw@p:9090')).toThrow(/must not carry credentials/);
    expect(() => parsePrometheusUrl('http://p:9090/?x=1')).toThrow(/query or fragment/);
    expect(() => new PrometheusMetricSource({ url: 'gopher://x' })).toThrow(ValidationError);
  });
  it('escapes names for label matchers and matches exactly the workload pods', () => {
    const q = renderWorkloadQuery('{namespace="$namespace",pod=~"$pods",n="$name",k="$kind"}', parseWorkloadId('ml/statefulset/db.v1'));
    expect(q).toBe('{namespace="ml",pod=~"db\\\\.v1-(0|[1-9][0-9]*)",n="db.v1",k="statefulset"}');
    const deployment = renderWorkloadQuery('$pods', parseWorkloadId('ml/deployment/model-server'));
    const re = new RegExp(`^(?:${deployment})$`);
    expect(re.test('model-server-7d4b9c8f6-x2x4z')).toBe(true);
    expect(re.test('model-server-v2-7d4b9c8f6-x2x4z')).toBe(false);
  });

  it('fuzz: escaped text cannot leave its PromQL string literal nor widen its regex', () => {
    /** Reads a PromQL double-quoted string body the way the PromQL lexer does (\\, \", \n); undefined if a bare quote ends it early. */
    const unquote = (body: string): string | undefined => {
      let out = '';
      for (let i = 0; i < body.length; i++) {
        const c = body[i]!;
        if (c === '"') return undefined;
        if (c !== '\\') out += c;
        else {
          const n = body[++i];
          if (n === undefined) return undefined;
          out += n === 'n' ? '\n' : n;
        }
      }
      return out;
    };
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(unquote(promStringContent(text))).toBe(text);
        expect(new RegExp(`^(?:${re2Literal(text)})$`, 'u').test(text)).toBe(true);
        expect(new RegExp(`^(?:${re2Literal(text)})$`, 'u').test(`${text}x`)).toBe(false);
      }),
    );
  });

  it('fuzz: any JSON body parses to points or a typed error, never a crash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            status: fc.constant('success'),
            data: fc.record({
              resultType: fc.constantFrom('matrix', 'vector'),
              result: fc.array(
                fc.record({
                  metric: fc.dictionary(fc.string(), fc.string()),
                  values: fc.array(fc.tuple(fc.double(), fc.oneof(fc.string(), fc.constant('NaN'), fc.double().map(String)))),
                }),
              ),
            }),
          }),
        ),
        (body) => {
          try {
            const points = parseRangeResponse(body, 'q');
            for (const p of points) expect(Number.isFinite(p.value) && Number.isFinite(p.at)).toBe(true);
          } catch (e) {
            expect(e instanceof ValidationError || e instanceof ProviderError).toBe(true);
          }
        },
      ),
    );
  });
});
