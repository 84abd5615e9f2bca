import { ValidationError } from '@autoscaler/core';
import type { Trace } from './trace';

/** `line 12, column 2 (requests)`: where a problem is, as a user opens the file. */
function at(line: number, column: number, name: string): string {
  return `line ${line}, column ${column} (${name})`;
}

function fail(line: number, column: number, name: string, message: string): never {
  const path = at(line, column, name);
  const e = new ValidationError(`trace: ${path}: ${message}`, [{ path, message }]);
  e.message = `invalid trace at ${path}: ${message}`;
  throw e;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse `t_seconds,requests[,...]` (the repo's trace format; extra columns such as
 * tokens are ignored). The step is 60 s (per minute) or 1 s (per second, summed
 * into minutes). Rows must be consecutive: a gap, a repeated or backwards time,
 * a negative or malformed count is a `ValidationError` naming line and column.
 */
export function parseTraceCsv(text: string, name: string, source = name): Trace {
  if (typeof text !== 'string') throw ValidationError.field('trace', 'must be text');
  const lines = text.split(/\r?\n/);
  let headerLine = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '') {
      headerLine = i;
      break;
    }
  }
  if (headerLine < 0)
    throw new ValidationError('trace: the file is empty', [
      { path: 'line 1', message: 'the file is empty: expected a header t_seconds,requests and one row per minute or second' },
    ]);
  const header = lines[headerLine]!.split(',').map((h) => h.trim().toLowerCase());
  if (header[0] !== 't_seconds')
    fail(headerLine + 1, 1, header[0] ?? '', `expected the header "t_seconds,requests", got "${lines[headerLine]!.trim().slice(0, 60)}"`);
  if (header[1] !== 'requests') fail(headerLine + 1, 2, header[1] ?? '', `expected the second column to be "requests", got "${header[1] ?? ''}"`);

  const times: number[] = [];
  const counts: number[] = [];
  let step = 0;
  for (let i = headerLine + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const cells = raw.split(',');
    if (cells.length < 2) fail(lineNo, 2, 'requests', `expected at least 2 columns (t_seconds,requests), got ${cells.length}`);
    const tText = cells[0]!.trim();
    const rText = cells[1]!.trim();
    if (!/^\d+$/.test(tText)) fail(lineNo, 1, 't_seconds', `"${tText}" is not a whole number of seconds >= 0`);
    if (!NUMBER.test(rText)) fail(lineNo, 2, 'requests', `"${rText}" is not a number`);
    const t = Number(tText);
    const r = Number(rText);
    if (!Number.isFinite(r)) fail(lineNo, 2, 'requests', `"${rText}" is not finite`);
    if (r < 0) fail(lineNo, 2, 'requests', `negative count ${rText}`);
    const prev = times[times.length - 1];
    if (prev !== undefined) {
      if (t <= prev) fail(lineNo, 1, 't_seconds', `time ${t} is not after the previous row's ${prev} (rows must be in increasing time order)`);
      if (step === 0) {
        step = t - prev;
        if (step !== 1 && step !== 60)
          fail(lineNo, 1, 't_seconds', `step of ${step} s between the first two rows: traces are per minute (60 s) or per second (1 s)`);
      } else if (t !== prev + step) {
        fail(
          lineNo,
          1,
          't_seconds',
          `gap in timestamps: expected ${prev + step} after ${prev}, got ${t} (${Math.round((t - prev) / step) - 1} missing row(s))`,
        );
      }
    }
    times.push(t);
    counts.push(r);
  }
  if (counts.length === 0)
    throw new ValidationError('trace: no data rows after the header', [{ path: `line ${headerLine + 2}`, message: 'no data rows after the header' }]);
  if (step === 0) step = 60;
  const notes: string[] = [];
  if (step === 60) return { name, source, requests: Float64Array.from(counts), notes };

  const minutes = Math.floor(counts.length / 60);
  if (minutes === 0)
    throw new ValidationError('trace: a per-second trace needs at least 60 rows', [
      { path: `line ${headerLine + 2 + counts.length}`, message: `only ${counts.length} per-second rows: less than one minute` },
    ]);
  const dropped = counts.length - minutes * 60;
  if (dropped > 0) notes.push(`dropped the last ${dropped} second(s): they do not fill a whole minute`);
  notes.push('per-second counts summed into minutes: the load model takes each minute in steady state');
  const perSecond = Float64Array.from(counts.slice(0, minutes * 60));
  const requests = new Float64Array(minutes);
  for (let i = 0; i < perSecond.length; i++) requests[Math.floor(i / 60)]! += perSecond[i]!;
  return { name, source, requests, perSecond, notes };
}
