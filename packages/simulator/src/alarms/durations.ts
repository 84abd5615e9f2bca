import { ValidationError } from '@autoscaler/core';

/** ISO-8601 `PT5M` / `PT1H` / `P1D` or plain seconds, to seconds. */
export function durationSeconds(value: string | number, path: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw ValidationError.field(path, `must be seconds >= 0, got ${value}`);
    return value;
  }
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) throw ValidationError.field(path, `"${value}" is not an ISO-8601 duration like PT5M`);
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}
