import { parseDocument } from 'yaml';
import { ValidationError, type Issue } from '@autoscaler/core';

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

/** One line per field: zod's wording made plain, repeated messages dropped, several problems of one field joined. */
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

/** The same error with plain issues (its message rebuilt the way `ValidationError` builds it). */
export function plainValidationError(e: ValidationError): ValidationError {
  if (e.issues.length === 0) return e;
  const joined = e.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  const head = e.message.endsWith(`: ${joined}`) ? e.message.slice(0, -joined.length - 2) : undefined;
  const issues = plainIssues(e.issues);
  if (head === undefined) {
    // `ValidationError.field`: "invalid <path>: <message>".
    const only = issues.length === 1 ? issues[0]! : undefined;
    if (only && e.message === `invalid ${e.issues[0]!.path}: ${e.issues[0]!.message}`) return ValidationError.field(only.path, only.message);
    return e;
  }
  return new ValidationError(head, issues, { cause: e });
}

/**
 * What is wrong with a YAML/JSON text, or undefined when it parses: the first syntax error
 * in words, where it is, and the line it is on.
 */
export function yamlSyntaxProblem(text: string): string | undefined {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'error' });
  const e = doc.errors[0];
  if (!e) {
    try {
      // Parsed, but may not resolve: an alias to no anchor, an alias bomb.
      doc.toJS();
      return undefined;
    } catch (err) {
      return (err as Error).message.split('\n')[0]!.replace(/^\w/, (c) => c.toLowerCase());
    }
  }
  const pos = e.linePos?.[0];
  const lineText = pos ? (text.split(/\r?\n/)[pos.line - 1] ?? '') : '';
  let what = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^\s*-?\s*([^:#]+?)\s*:/.exec(lineText)?.[1];
    what = `${key ? `the key "${key}"` : 'a key'} appears twice in the same mapping (keys must be unique)`;
  } else if (e.code === 'TAB_AS_INDENT') {
    what = 'a tab is used for indentation (YAML indents with spaces)';
  } else if (e.code === 'BLOCK_AS_IMPLICIT_KEY' || e.code === 'MULTILINE_IMPLICIT_KEY') {
    what = `${what.charAt(0).toLowerCase()}${what.slice(1)} (is a line indented under a plain value, or is a ": " missing its line break?)`;
  } else {
    what = `${what.charAt(0).toLowerCase()}${what.slice(1)}`;
  }
  return `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${what}${lineText.trim() ? ` — near "${lineText.trim().slice(0, 80)}"` : ''}`;
}
