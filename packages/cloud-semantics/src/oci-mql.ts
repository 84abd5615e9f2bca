import { ValidationError } from '@autoscaler/core';
import { compare } from './comparison';
import type { Comparison } from './comparison';

/**
 * OCI Monitoring Query Language (MQL), the part alarms and autoscaling queries use
 * (https://docs.oracle.com/iaas/Content/Monitoring/Reference/mql.htm):
 * `Metric[interval]{dim = "value", ...}.grouping().statistic() <op> <threshold>`.
 *
 * - interval: `1m`..`60m` (or `1h`) for alarms and model-deployment autoscaling; summary
 *   queries also take hours and days (`[1d]`). Data points are aggregated per interval.
 * - statistic: the last function of the chain; `mean`, `max`, `min`, `sum`, `count` here
 *   (OCI also has `rate`, `percentile(p)`, `absent`... which the parser keeps as functions).
 * - `grouping()` aggregates the time series of every resource the dimensions match into one.
 * - comparison: `>`, `>=`, `<`, `<=`, `==`, `!=` against a number; an alarm fires while true.
 */
export type MqlStatistic = 'mean' | 'max' | 'min' | 'sum' | 'count';
export type MqlComparison = Comparison;

export const MQL_STATISTICS: readonly MqlStatistic[] = ['mean', 'max', 'min', 'sum', 'count'];

/** A parsed query. `functions` is the chain without dots, e.g. `['grouping()', 'mean()']`. */
export interface MqlQuery {
  metric: string;
  /** As written: `5m`, `1h`, `1d`. */
  interval: string;
  intervalSeconds: number;
  dimensions: Record<string, string>;
  functions: string[];
  /** The last function when it is one of MQL_STATISTICS. */
  statistic?: MqlStatistic;
  /** True when the chain has `grouping()`. */
  grouping: boolean;
  operator?: MqlComparison;
  threshold?: number;
}

const QUERY = /^\s*([A-Za-z][A-Za-z0-9_]*)\[(\d+)([mhd])\]\s*(\{[^}]*\})?\s*((?:\.[a-zA-Z]+\([^)]*\))*)\s*(?:(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?))?\s*$/;
const DIMENSION = /^\s*([A-Za-z][A-Za-z0-9_.-]*)\s*=\s*"([^"]*)"\s*$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400 };
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Parse one metric query, with or without a threshold; undefined when it is not of the form
 * above (joined queries with `&&`/`||`, arithmetic, or a malformed dimension). Never throws.
 */
export function parseMql(query: unknown): MqlQuery | undefined {
  if (typeof query !== 'string' || query.length > 4000) return undefined;
  const m = QUERY.exec(query);
  if (!m) return undefined;
  const dimensions: Record<string, string> = {};
  if (m[4]) {
    const inner = m[4].slice(1, -1).trim();
    if (inner.length > 0) {
      for (const part of inner.split(',')) {
        const d = DIMENSION.exec(part);
        if (!d) return undefined;
        dimensions[d[1]!] = d[2]!;
      }
    }
  }
  // Split on the function boundaries, not on every dot: `percentile(0.9)` is one function.
  const functions = [...(m[5] ?? '').matchAll(/\.([a-zA-Z]+\([^)]*\))/g)].map((f) => f[1]!);
  const last = functions.at(-1)?.replace(/\(\)$/, '');
  const out: MqlQuery = {
    metric: m[1]!,
    interval: `${m[2]}${m[3]}`,
    intervalSeconds: Number(m[2]) * UNIT_SECONDS[m[3]!]!,
    dimensions,
    functions,
    grouping: functions.includes('grouping()'),
  };
  if (last !== undefined && (MQL_STATISTICS as readonly string[]).includes(last) && functions.at(-1) === `${last}()`) out.statistic = last as MqlStatistic;
  if (m[6] !== undefined) {
    out.operator = m[6] as MqlComparison;
    out.threshold = Number(m[7]);
  }
  return out;
}

/** A threshold query an alarm (or OCI's model-deployment autoscaling) evaluates. */
export interface MqlThreshold extends MqlQuery {
  statistic: MqlStatistic;
  operator: MqlComparison;
  threshold: number;
  intervalMinutes: number;
}

/**
 * Parse a threshold query strictly: one metric, a statistic, a comparison and a number, an
 * interval of 1 minute up to `maxIntervalMinutes` (60 for alarms). Errors name `path`.
 */
export function parseMqlThreshold(query: unknown, path: string, options: { maxIntervalMinutes?: number } = {}): MqlThreshold {
  const max = options.maxIntervalMinutes ?? 60;
  const q = parseMql(query);
  const shown = typeof query === 'string' ? `"${query.slice(0, 200)}"` : 'the value';
  if (!q) throw ValidationError.field(path, `${shown} is not an MQL threshold query (Metric[5m]{resourceId = "..."}.grouping().max() > 80)`);
  if (q.statistic === undefined)
    throw ValidationError.field(path, `${shown} needs a statistic as its last function (${MQL_STATISTICS.map((s) => `${s}()`).join(', ')})`);
  if (q.operator === undefined || q.threshold === undefined) throw ValidationError.field(path, `${shown} needs a comparison with a number (> 80)`);
  const minutes = q.intervalSeconds / 60;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > max) throw ValidationError.field(path, `interval [${q.interval}] must be between 1m and ${max}m`);
  return { ...q, statistic: q.statistic, operator: q.operator, threshold: q.threshold, intervalMinutes: minutes };
}

/** Write a query back (the inverse of parseMql for what it accepts). Metric and dimension names are checked. */
export function formatMql(q: Pick<MqlQuery, 'metric' | 'interval' | 'dimensions' | 'functions'> & { operator?: MqlComparison; threshold?: number }): string {
  if (!METRIC_NAME.test(q.metric)) throw ValidationError.field('metric', `${q.metric} is not an MQL metric name`);
  const dims = Object.entries(q.dimensions).map(([k, v]) => {
    if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(k) || /["}]/.test(v)) throw ValidationError.field(`dimensions.${k}`, 'cannot be written in MQL');
    return `${k} = "${v}"`;
  });
  const head = `${q.metric}[${q.interval}]${dims.length > 0 ? `{${dims.join(', ')}}` : ''}${q.functions.map((f) => `.${f}`).join('')}`;
  if (q.operator === undefined) return head;
  if (q.threshold === undefined || !Number.isFinite(q.threshold)) throw ValidationError.field('threshold', 'must be a finite number');
  return `${head} ${q.operator} ${q.threshold}`;
}

/** A threshold query on one resource: `Metric[1m]{resourceId = "<id>"}.grouping().mean() > 80`. */
export function thresholdQuery(spec: {
  metric: string;
  resourceId: string;
  operator: MqlComparison;
  threshold: number;
  interval?: string;
  statistic?: MqlStatistic;
}): string {
  return formatMql({
    metric: spec.metric,
    interval: spec.interval ?? '1m',
    dimensions: { resourceId: spec.resourceId },
    functions: ['grouping()', `${spec.statistic ?? 'mean'}()`],
    operator: spec.operator,
    threshold: spec.threshold,
  });
}

/** Whether `value <op> threshold` holds: true means the alarm condition is met. */
export const compareMql: (value: number, op: MqlComparison, threshold: number) => boolean = compare;

/**
 * The statistic over `values[from..to)` (the data points in one interval window). An empty
 * window has no value (undefined) except `count`, which is 0.
 */
export function aggregateMql(values: ArrayLike<number>, from: number, to: number, statistic: MqlStatistic): number | undefined {
  const n = Math.max(0, to - from);
  if (statistic === 'count') return n;
  if (n === 0) return undefined;
  let acc = statistic === 'max' ? -Infinity : statistic === 'min' ? Infinity : 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (statistic === 'max') acc = Math.max(acc, v);
    else if (statistic === 'min') acc = Math.min(acc, v);
    else acc += v;
  }
  return statistic === 'mean' ? acc / n : acc;
}
