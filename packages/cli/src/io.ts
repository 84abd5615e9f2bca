import { AutoscalerError, ValidationError } from '@autoscaler/core';
import { plainValidationError } from './issues';

/** Where a command writes: injected so tests capture output without spawning. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars redraw in place). */
  isTTY: boolean;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Thrown by commands to end with an exit code after printing. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Print an error the way every command does: the message, then one line per field problem. */
export function reportError(io: CliIO, e: unknown, json = false): number {
  if (e instanceof CliExit) return e.exitCode;
  if (e instanceof AutoscalerError) {
    const v = e instanceof ValidationError ? plainValidationError(e) : undefined;
    if (json) io.out(JSON.stringify({ error: { code: e.code, message: (v ?? e).message.split('\n')[0], issues: v?.issues ?? [] } }, null, 2));
    else if (v && v.issues.length > 1) {
      const joined = v.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      io.err(`error (${e.code}): ${v.message.endsWith(joined) ? v.message.slice(0, -joined.length - 2) : 'invalid input'}`);
      for (const i of v.issues) io.err(`  ${i.path}: ${i.message}`);
    } else io.err(`error (${e.code}): ${(v ?? e).message}`);
    return 1;
  }
  io.err(`internal error: ${(e as Error)?.stack ?? String(e)}`);
  return 2;
}

/** A simple progress line on stderr, redrawn in place on a TTY, sparse otherwise. */
export function progress(io: CliIO, label: string, total: number): { tick(done: number): void; done(): void } {
  let lastPct = -1;
  return {
    tick(done: number) {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (pct === lastPct || (!io.isTTY && pct % 10 !== 0)) return;
      lastPct = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}%`;
      if (io.isTTY) process.stderr.write(`\r${bar}`);
      else io.err(bar);
    },
    done() {
      if (io.isTTY) process.stderr.write('\n');
    },
  };
}
