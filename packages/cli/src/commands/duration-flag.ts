import { ValidationError } from '@autoscaler/core';

const UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `250ms`, `5s`, `1.5m`, `30m`, `2h` (a bare number is seconds) in milliseconds; errors name the flag. */
export function parseDurationFlag(value: string, flag: string, limits: { minMs?: number; maxMs?: number } = {}): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw ValidationError.field(flag, `"${value}" is not a duration like 250ms, 5s, 30m or 2h`);
  const ms = Number(m[1]) * UNIT[m[2] ?? 's']!;
  if (limits.minMs !== undefined && ms < limits.minMs) throw ValidationError.field(flag, `must be at least ${limits.minMs} ms, got ${value}`);
  if (limits.maxMs !== undefined && ms > limits.maxMs) throw ValidationError.field(flag, `must be at most ${limits.maxMs / 1000} s, got ${value}`);
  return ms;
}
