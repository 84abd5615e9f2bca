import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ValidationError } from '@autoscaler/core';
import { parseTraceCsv } from './csv';
import { parseMetricExport } from './metric-export';
import type { Load, Trace } from './trace';

/** The traces shipped in the repo (see traces/README.md for their provenance). */
export const tracesDir = join(__dirname, '..', '..', 'traces');

export const embeddedTraces: readonly string[] = ['nasa_http_1995-07-01_14d_1min.csv', 'azure_llm_code_2023_1min.csv', 'azure_llm_code_2023_1s.csv'];

/**
 * The default for `autoscaler simulate`: 14 days of real diurnal web traffic with
 * a flash crowd. Long enough that a seasonal forecast has history to learn from,
 * and it still simulates in about a second.
 */
export const defaultTracePath = join(tracesDir, 'nasa_http_1995-07-01_14d_1min.csv');

/** Parse trace text: JSON (a CloudWatch/OCI metric export) or CSV. */
export function parseTrace(text: string, name: string, source = name): Trace {
  const head = text.trimStart()[0];
  return head === '{' || head === '[' ? parseMetricExport(text, name, source) : parseTraceCsv(text, name, source);
}

/** Read a trace file; a missing file is a `ValidationError` naming `flag`. */
export function loadTraceFile(path: string, flag = '--trace'): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw ValidationError.field(flag, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const name = basename(path, extname(path));
  try {
    return parseTrace(text, name, path);
  } catch (e) {
    if (e instanceof ValidationError) {
      const wrapped = new ValidationError(
        `${flag} ${path}`,
        e.issues.map((i) => ({ path: i.path, message: i.message })),
      );
      wrapped.message = `${flag} ${path}: ${e.message}`;
      throw wrapped;
    }
    throw e;
  }
}

/** Scale a trace so its busiest minute arrives at `peakRps` requests per second. */
export function scaleToPeak(trace: Trace, peakRps: number): Load {
  if (!(peakRps > 0) || !Number.isFinite(peakRps)) throw ValidationError.field('--peak-rps', `must be a positive number, got ${peakRps}`);
  let peak = 0;
  for (const r of trace.requests) if (r > peak) peak = r;
  if (peak === 0) throw ValidationError.field('trace', `${trace.name} has no requests at all: nothing to scale to a peak`);
  const scale = (peakRps * 60) / peak;
  const rps = new Float64Array(trace.requests.length);
  for (let i = 0; i < rps.length; i++) rps[i] = (trace.requests[i]! * scale) / 60;
  return { trace, rps, peakRps, scale };
}
