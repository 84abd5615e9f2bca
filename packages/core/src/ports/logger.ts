import type { LogLevel, Logger } from '../types';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Plain JSON lines to a sink (stdout/stderr in apps, an array in tests). */
export class JsonLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void,
    private readonly level: LogLevel = 'info',
    private readonly base: Record<string, unknown> = {},
    private readonly now: () => number = Date.now,
  ) {}

  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.level]) return;
    this.write(JSON.stringify({ time: new Date(this.now()).toISOString(), level, msg, ...this.base, ...fields }));
  }
}

/** Keeps records in memory; tests assert on them. */
export class MemoryLogger implements Logger {
  readonly records: Array<{ level: LogLevel; msg: string } & Record<string, unknown>> = [];
  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    this.records.push({ level, msg, ...fields });
  }
}

export const silentLogger: Logger = { log: () => undefined };
