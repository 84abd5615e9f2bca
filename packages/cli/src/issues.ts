import { parseDocument } from 'yaml';
import { plainIssues, plainMessage, ValidationError } from '@autoscaler/core';

// One wording for every surface: core's ValidationErrors already speak it; the CLI re-applies it
// to errors built elsewhere (a provider's own check) through the same functions.
export { plainIssues, plainMessage };

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
