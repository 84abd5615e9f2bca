import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '@autoscaler/core';

/** Read a file for a flag; a missing file is a validation error naming the flag. */
export function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw ValidationError.field(flag, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Read a JSON (or YAML) document for a flag. */
export function readDocument(path: string, flag: string): unknown {
  const text = readText(path, flag);
  try {
    return parseYaml(text);
  } catch (e) {
    throw ValidationError.field(flag, `${path} is not valid JSON/YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function parseTime(value: string, flag: string): number {
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(t)) throw ValidationError.field(flag, `"${value}" is not an ISO-8601 time or epoch milliseconds`);
  return t;
}

export function parseIntFlag(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw ValidationError.field(flag, `"${value}" must be a whole number >= ${min}`);
  return n;
}
