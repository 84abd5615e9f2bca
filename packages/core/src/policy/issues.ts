import type { z } from 'zod';
import { ValidationError, type Issue } from '../errors';

/** `['rules', 2, 'step']` -> `rules[2].step` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'empty',
  undefined: 'missing',
  nan: 'not a number',
};
const typeName = (t: string): string => TYPE_NAMES[t.toLowerCase()] ?? t;

/**
 * Zod's raw wording as one plain sentence fragment that follows the field path:
 * `Invalid input: expected number, received undefined` -> `is required (a number)`.
 * Messages our schemas already word well pass through unchanged.
 */
export function plainMessage(message: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message))) {
    return m[2] === 'undefined' ? `is required (${typeName(m[1]!)})` : `must be ${typeName(m[1]!)}, not ${typeName(m[2]!)}`;
  }
  if ((m = /^Invalid (?:option|input): expected one of (.+)$/.exec(message))) return `must be one of ${m[1]!.split('|').join(', ')}`;
  if ((m = /^Invalid input: expected (.+)$/.exec(message))) return `must be ${m[1]}`;
  if ((m = /^Too small: expected \w+ to have >=?(\d+) (items?|characters?)$/.exec(message))) return `needs at least ${m[1]} ${m[2]}`;
  if ((m = /^Too big: expected \w+ to have <=?(\d+) (items?|characters?)$/.exec(message))) return `may have at most ${m[1]} ${m[2]}`;
  if ((m = /^Too small: expected \w+ to be (>=?)(-?[\d.e+]+)$/.exec(message))) return `must be ${m[1]} ${m[2]}`;
  if ((m = /^Too big: expected \w+ to be (<=?)(-?[\d.e+]+)$/.exec(message))) return `must be ${m[1]} ${m[2]}`;
  if ((m = /^Invalid string: must match pattern (.+)$/.exec(message))) return `has the wrong format (must match ${m[1]})`;
  if (message === 'Invalid input') return 'is not valid here';
  return message;
}

/** One issue per field: zod's wording made plain, repeated messages dropped, several problems of one field joined. */
export function plainIssues(issues: readonly Issue[]): Issue[] {
  const byPath = new Map<string, string[]>();
  for (const i of issues) {
    const path = i.path || '(document)';
    const msg = plainMessage(i.message);
    const list = byPath.get(path) ?? [];
    if (!list.includes(msg)) list.push(msg);
    byPath.set(path, list);
  }
  return [...byPath].map(([path, msgs]) => ({ path, message: msgs.join('; ') }));
}

/** Zod issues -> our issues: one per bad field in plain words (unknown keys get one issue each). */
export function zodIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...base, key]), message: 'unknown field' });
    } else {
      out.push({ path: formatPath(base), message: issue.message });
    }
  }
  return plainIssues(out);
}

/** Parse with a zod schema at the edge; on failure a `ValidationError` lists every problem by path. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(`invalid ${what}`, zodIssues(result.error));
  return result.data;
}
