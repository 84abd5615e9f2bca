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

/** Zod issues -> our issues, one per bad field (unknown keys get one issue each). */
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
  return out;
}

/** Parse with a zod schema at the edge; on failure a `ValidationError` lists every problem by path. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(`invalid ${what}`, zodIssues(result.error));
  return result.data;
}
