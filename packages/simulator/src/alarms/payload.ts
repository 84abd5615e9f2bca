import { ValidationError } from '@autoscaler/core';

/** Small readers for untrusted JSON: each failure is a ValidationError naming the field. */
export type Bag = Record<string, unknown>;

export function isBag(v: unknown): v is Bag {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function bag(v: unknown, path: string): Bag {
  if (!isBag(v)) throw ValidationError.field(path, 'must be an object');
  return v;
}

export function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) throw ValidationError.field(path, 'must be a non-empty string');
  return v;
}

export function epochMs(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw ValidationError.field(path, 'must be epoch milliseconds >= 0');
  return v;
}

export function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** JSON text or a value. */
export function jsonDocument(raw: unknown, path: string): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw ValidationError.field(path, 'is not valid JSON');
  }
}
