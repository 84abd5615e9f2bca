import { ValidationError } from '@autoscaler/core';
import type { Trace } from './trace';

interface Point {
  at: number;
  value: number;
}

function bad(path: string, message: string): never {
  const e = new ValidationError(`metric export: ${path}: ${message}`, [{ path, message }]);
  e.message = `invalid metric export at ${path}: ${message}`;
  throw e;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function time(v: unknown, path: string): number {
  const t = typeof v === 'number' ? (v < 1e11 ? v * 1000 : v) : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) bad(path, `"${String(v)}" is not a timestamp (ISO-8601 or epoch)`);
  return t;
}

function count(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(path, `${JSON.stringify(v)} is not a number`);
  if (v < 0) bad(path, `negative count ${v}`);
  return v;
}

/** `aws cloudwatch get-metric-statistics` output: Datapoints[] with Timestamp and Sum. */
function fromGetMetricStatistics(doc: Record<string, unknown>): Point[] {
  const dps = doc['Datapoints'];
  if (!Array.isArray(dps)) bad('Datapoints', 'must be a list');
  return dps.map((d, i) => {
    if (!isObject(d)) bad(`Datapoints[${i}]`, 'must be an object');
    const value = d['Sum'] ?? d['SampleCount'];
    if (value === undefined) bad(`Datapoints[${i}].Sum`, 'missing: export the Sum statistic of a request count (Invocations, RequestCount), not Average');
    return { at: time(d['Timestamp'], `Datapoints[${i}].Timestamp`), value: count(value, `Datapoints[${i}].Sum`) };
  });
}

/** `aws cloudwatch get-metric-data` output: MetricDataResults[] with parallel Timestamps/Values. */
function fromGetMetricData(doc: Record<string, unknown>): Point[] {
  const results = doc['MetricDataResults'];
  if (!Array.isArray(results) || results.length === 0) bad('MetricDataResults', 'must be a non-empty list');
  const points: Point[] = [];
  results.forEach((r, i) => {
    if (!isObject(r)) bad(`MetricDataResults[${i}]`, 'must be an object');
    const ts = r['Timestamps'];
    const vs = r['Values'];
    if (!Array.isArray(ts)) bad(`MetricDataResults[${i}].Timestamps`, 'must be a list');
    if (!Array.isArray(vs)) bad(`MetricDataResults[${i}].Values`, 'must be a list');
    if (ts.length !== vs.length) bad(`MetricDataResults[${i}].Values`, `has ${vs.length} values for ${ts.length} timestamps`);
    ts.forEach((t, j) => points.push({ at: time(t, `MetricDataResults[${i}].Timestamps[${j}]`), value: count(vs[j], `MetricDataResults[${i}].Values[${j}]`) }));
  });
  return points;
}

/** OCI Monitoring SummarizeMetricsData: a list of series (SDK/REST `aggregatedDatapoints`, CLI `{ data: [...] }` with `aggregated-datapoints`). */
function fromOciSummarize(series: unknown[], base: string): Point[] {
  const points: Point[] = [];
  series.forEach((s, i) => {
    if (!isObject(s)) bad(`${base}[${i}]`, 'must be an object');
    const key = s['aggregatedDatapoints'] !== undefined ? 'aggregatedDatapoints' : 'aggregated-datapoints';
    const dps = s[key];
    if (!Array.isArray(dps)) bad(`${base}[${i}].aggregatedDatapoints`, 'must be a list of { timestamp, value }');
    dps.forEach((d, j) => {
      if (!isObject(d)) bad(`${base}[${i}].${key}[${j}]`, 'must be an object');
      points.push({ at: time(d['timestamp'], `${base}[${i}].${key}[${j}].timestamp`), value: count(d['value'], `${base}[${i}].${key}[${j}].value`) });
    });
  });
  return points;
}

/**
 * A request-count metric exported from CloudWatch (get-metric-statistics or
 * get-metric-data) or OCI Monitoring (SummarizeMetricsData, SDK or CLI JSON)
 * as a per-minute trace. Series with the same timestamp are summed (one series
 * per instance or dimension); coarser periods are spread evenly over their
 * minutes; missing periods count as zero requests (both services omit empty
 * periods), and the notes say so.
 */
export function parseMetricExport(raw: unknown, name: string, source = name): Trace {
  let doc = raw;
  if (typeof raw === 'string') {
    try {
      doc = JSON.parse(raw);
    } catch (e) {
      bad('(document)', `not valid JSON: ${(e as Error).message}`);
    }
  }
  let points: Point[];
  let kind: string;
  if (Array.isArray(doc)) {
    points = fromOciSummarize(doc, '');
    kind = 'OCI Monitoring SummarizeMetricsData';
  } else if (isObject(doc) && Array.isArray(doc['data'])) {
    points = fromOciSummarize(doc['data'] as unknown[], 'data');
    kind = 'OCI CLI summarize-metrics-data';
  } else if (isObject(doc) && doc['MetricDataResults'] !== undefined) {
    points = fromGetMetricData(doc);
    kind = 'CloudWatch GetMetricData';
  } else if (isObject(doc) && doc['Datapoints'] !== undefined) {
    points = fromGetMetricStatistics(doc);
    kind = 'CloudWatch GetMetricStatistics';
  } else {
    bad(
      '(document)',
      'not a recognised export: expected CloudWatch { Datapoints } or { MetricDataResults }, or OCI Monitoring summarize-metrics-data ([...] or { data: [...] })',
    );
  }
  if (points.length === 0) bad('(document)', 'the export holds no datapoints');

  // Sum series per timestamp, then find the period.
  const byTime = new Map<number, number>();
  for (const p of points) byTime.set(p.at, (byTime.get(p.at) ?? 0) + p.value);
  const times = [...byTime.keys()].sort((a, b) => a - b);
  // The period is the greatest common divisor of the spacings (empty periods are omitted by both services).
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let period = 0;
  for (let i = 1; i < times.length; i++) period = gcd(period, times[i]! - times[i - 1]!);
  if (period === 0) period = 60_000;
  if (period % 60_000 !== 0) bad('(document)', `datapoints are ${period / 1000} s apart: only whole-minute periods (60 s, 300 s, ...) make a per-minute trace`);
  const perPeriod = period / 60_000;
  const start = times[0]!;
  const periods = Math.round((times[times.length - 1]! - start) / period) + 1;
  const requests = new Float64Array(periods * perPeriod);
  let missing = 0;
  for (let k = 0; k < periods; k++) {
    const v = byTime.get(start + k * period);
    if (v === undefined) {
      missing++;
      continue;
    }
    for (let m = 0; m < perPeriod; m++) requests[k * perPeriod + m] = v / perPeriod;
  }
  const notes = [`read as ${kind}, ${times.length} period(s) of ${period / 1000} s from ${new Date(start).toISOString()}`];
  if (perPeriod > 1) notes.push(`each ${period / 1000} s period was spread evenly over its ${perPeriod} minutes`);
  if (missing > 0) notes.push(`${missing} missing period(s) counted as zero requests (the services omit empty periods)`);
  return { name, source, requests, notes };
}
