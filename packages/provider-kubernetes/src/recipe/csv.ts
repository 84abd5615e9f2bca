import { ValidationError } from '@autoscaler/core';

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

/**
 * One CSV column: its header, the row field it holds, the decimals it is written with (none: written as it is),
 * and whether a cell may be empty (the field is then undefined). One table per file serves the writer and the parser.
 */
interface CsvColumn<R> {
  header: string;
  field: keyof R & string;
  digits?: number;
  optional?: true;
}

/** `autoscaler monitor --out usage.csv`, one row per sample. */
const USAGE_COLUMNS: ReadonlyArray<CsvColumn<UsageRow>> = [
  { header: 'seconds', field: 'seconds', digits: 1 },
  { header: 'containers', field: 'containers' },
  { header: 'cpu_requested_cores', field: 'cpuRequestedCores', digits: 3 },
  { header: 'memory_requested_mib', field: 'memoryRequestedMiB', digits: 1 },
  { header: 'cpu_limit_cores', field: 'cpuLimitCores', digits: 3, optional: true },
  { header: 'memory_limit_mib', field: 'memoryLimitMiB', digits: 1, optional: true },
  { header: 'cpu_used_cores', field: 'cpuUsedCores', digits: 4, optional: true },
  { header: 'memory_used_mib', field: 'memoryUsedMiB', digits: 1, optional: true },
];

/** `autoscaler loadtest --out load.csv`, one row per stage (a minute by default). */
const LOAD_COLUMNS: ReadonlyArray<CsvColumn<LoadRow>> = [
  { header: 'minute', field: 'minute' },
  { header: 'start_s', field: 'startSeconds', digits: 1 },
  { header: 'duration_s', field: 'durationSeconds', digits: 1 },
  { header: 'transactions', field: 'transactions' },
  { header: 'availability_pct', field: 'availabilityPct', digits: 2 },
  { header: 'mean_response_ms', field: 'meanResponseMs', digits: 2 },
  { header: 'p95_response_ms', field: 'p95ResponseMs', digits: 2 },
  { header: 'transaction_rate_per_s', field: 'transactionRate', digits: 2 },
  { header: 'throughput_kb_per_s', field: 'throughputKBps', digits: 2 },
  { header: 'concurrency', field: 'concurrency', digits: 2 },
  { header: 'failures', field: 'failures' },
];

function formatCell(v: unknown, digits: number | undefined): string {
  if (typeof v !== 'number') return '';
  if (digits === undefined) return String(v);
  return Number.isFinite(v) ? String(Math.round(v * 10 ** digits) / 10 ** digits) : '';
}

const formatRow = <R>(columns: ReadonlyArray<CsvColumn<R>>, row: R): string => columns.map((c) => formatCell(row[c.field], c.digits)).join(',');

/** Rows of a numeric CSV with a known header; every problem names the file, line and column. */
function parseRows<R>(text: string, columns: ReadonlyArray<CsvColumn<R>>, file: string): R[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw ValidationError.field(file, 'is empty');
  const header = lines[0]!.split(',').map((h) => h.trim());
  const missing = columns.filter((c) => !header.includes(c.header)).map((c) => c.header);
  if (missing.length > 0)
    throw ValidationError.field(`${file} header`, `missing column(s) ${missing.join(', ')} (expected ${columns.map((c) => c.header).join(',')})`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const row: Record<string, number> = {};
    for (const c of columns) {
      const raw = (cells[header.indexOf(c.header)] ?? '').trim();
      if (raw === '') {
        if (!c.optional) throw ValidationError.field(`${file} line ${i + 2} column ${c.header}`, 'is empty');
        continue;
      }
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw ValidationError.field(`${file} line ${i + 2} column ${c.header}`, `"${raw.slice(0, 20)}" is not a number >= 0`);
      row[c.field] = n;
    }
    // Every required column was set above, and every column is a number field of R.
    return row as R;
  });
}

export function usageHeader(): string {
  return USAGE_COLUMNS.map((c) => c.header).join(',');
}

export function formatUsageRow(r: UsageRow): string {
  return formatRow(USAGE_COLUMNS, r);
}

export function loadHeader(): string {
  return LOAD_COLUMNS.map((c) => c.header).join(',');
}

export function formatLoadRow(r: LoadRow): string {
  return formatRow(LOAD_COLUMNS, r);
}

export function parseUsageCsv(text: string, file = 'usage.csv'): UsageRow[] {
  return parseRows(text, USAGE_COLUMNS, file);
}

export function parseLoadCsv(text: string, file = 'load.csv'): LoadRow[] {
  return parseRows(text, LOAD_COLUMNS, file);
}
