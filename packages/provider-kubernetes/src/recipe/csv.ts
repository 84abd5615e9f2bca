import { ValidationError } from '@autoscaler/core';

/** Columns of `autoscaler monitor --out usage.csv`, one row per sample. */
export const USAGE_COLUMNS = [
  'seconds',
  'containers',
  'cpu_requested_cores',
  'memory_requested_mib',
  'cpu_limit_cores',
  'memory_limit_mib',
  'cpu_used_cores',
  'memory_used_mib',
] as const;

/** Columns of `autoscaler loadtest --out load.csv`, one row per stage (a minute by default). */
export const LOAD_COLUMNS = [
  'minute',
  'start_s',
  'duration_s',
  'transactions',
  'availability_pct',
  'mean_response_ms',
  'p95_response_ms',
  'transaction_rate_per_s',
  'throughput_kb_per_s',
  'concurrency',
  'failures',
] as const;

export interface UsageRow {
  seconds: number;
  containers: number;
  cpuRequestedCores: number;
  memoryRequestedMiB: number;
  /** Undefined when no selected container sets a limit. */
  cpuLimitCores?: number;
  memoryLimitMiB?: number;
  /** Undefined when metrics-server had no sample for any selected pod. */
  cpuUsedCores?: number;
  memoryUsedMiB?: number;
}

export interface LoadRow {
  minute: number;
  startSeconds: number;
  durationSeconds: number;
  transactions: number;
  availabilityPct: number;
  meanResponseMs: number;
  p95ResponseMs: number;
  transactionRate: number;
  throughputKBps: number;
  concurrency: number;
  failures: number;
}

const fmt = (v: number | undefined, digits: number): string =>
  v === undefined || !Number.isFinite(v) ? '' : String(Math.round(v * 10 ** digits) / 10 ** digits);

export function usageHeader(): string {
  return USAGE_COLUMNS.join(',');
}

export function formatUsageRow(r: UsageRow): string {
  return [
    fmt(r.seconds, 1),
    String(r.containers),
    fmt(r.cpuRequestedCores, 3),
    fmt(r.memoryRequestedMiB, 1),
    fmt(r.cpuLimitCores, 3),
    fmt(r.memoryLimitMiB, 1),
    fmt(r.cpuUsedCores, 4),
    fmt(r.memoryUsedMiB, 1),
  ].join(',');
}

export function loadHeader(): string {
  return LOAD_COLUMNS.join(',');
}

export function formatLoadRow(r: LoadRow): string {
  return [
    String(r.minute),
    fmt(r.startSeconds, 1),
    fmt(r.durationSeconds, 1),
    String(r.transactions),
    fmt(r.availabilityPct, 2),
    fmt(r.meanResponseMs, 2),
    fmt(r.p95ResponseMs, 2),
    fmt(r.transactionRate, 2),
    fmt(r.throughputKBps, 2),
    fmt(r.concurrency, 2),
    String(r.failures),
  ].join(',');
}

/** Rows of a numeric CSV with a known header; every problem names the file, line and column. */
function parseNumericCsv<C extends readonly string[]>(
  text: string,
  columns: C,
  file: string,
  optional: ReadonlySet<string>,
): Array<Record<C[number], number | undefined>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw ValidationError.field(file, 'is empty');
  const header = lines[0]!.split(',').map((h) => h.trim());
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) throw ValidationError.field(`${file} header`, `missing column(s) ${missing.join(', ')} (expected ${columns.join(',')})`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const row = {} as Record<C[number], number | undefined>;
    for (const c of columns) {
      const raw = (cells[header.indexOf(c)] ?? '').trim();
      if (raw === '') {
        if (!optional.has(c)) throw ValidationError.field(`${file} line ${i + 2} column ${c}`, 'is empty');
        row[c as C[number]] = undefined;
        continue;
      }
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw ValidationError.field(`${file} line ${i + 2} column ${c}`, `"${raw.slice(0, 20)}" is not a number >= 0`);
      row[c as C[number]] = n;
    }
    return row;
  });
}

export function parseUsageCsv(text: string, file = 'usage.csv'): UsageRow[] {
  const rows = parseNumericCsv(text, USAGE_COLUMNS, file, new Set(['cpu_limit_cores', 'memory_limit_mib', 'cpu_used_cores', 'memory_used_mib']));
  return rows.map((r) => {
    const u: UsageRow = {
      seconds: r.seconds!,
      containers: r.containers!,
      cpuRequestedCores: r.cpu_requested_cores!,
      memoryRequestedMiB: r.memory_requested_mib!,
    };
    if (r.cpu_limit_cores !== undefined) u.cpuLimitCores = r.cpu_limit_cores;
    if (r.memory_limit_mib !== undefined) u.memoryLimitMiB = r.memory_limit_mib;
    if (r.cpu_used_cores !== undefined) u.cpuUsedCores = r.cpu_used_cores;
    if (r.memory_used_mib !== undefined) u.memoryUsedMiB = r.memory_used_mib;
    return u;
  });
}

export function parseLoadCsv(text: string, file = 'load.csv'): LoadRow[] {
  return parseNumericCsv(text, LOAD_COLUMNS, file, new Set()).map((r) => ({
    minute: r.minute!,
    startSeconds: r.start_s!,
    durationSeconds: r.duration_s!,
    transactions: r.transactions!,
    availabilityPct: r.availability_pct!,
    meanResponseMs: r.mean_response_ms!,
    p95ResponseMs: r.p95_response_ms!,
    transactionRate: r.transaction_rate_per_s!,
    throughputKBps: r.throughput_kb_per_s!,
    concurrency: r.concurrency!,
    failures: r.failures!,
  }));
}
