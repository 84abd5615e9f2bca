import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ValidationError } from '../errors';
import { validatePolicy, type ValidatePolicyOptions } from './load';
import type { Policy } from './schema';

// Its own module so that a bundle which only validates JSON documents (validatePolicy) leaves the YAML parser out.

/** Parse a policy from YAML or JSON text (JSON is YAML). */
export function parsePolicy(text: string, sourceOrOptions: string | ValidatePolicyOptions = 'policy'): Policy {
  const source = typeof sourceOrOptions === 'string' ? sourceOrOptions : (sourceOrOptions.source ?? 'policy');
  if (typeof text !== 'string') throw ValidationError.field('policy', 'must be text (YAML or JSON)');
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'error' });
  } catch (e) {
    const line = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    // What is wrong, not only where: the parser's first line, without the position it repeats.
    const what = (e as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const err = new ValidationError(`${source}: not valid YAML/JSON`, [{ path: '(document)', message: `not valid YAML/JSON${line}: ${what}` }]);
    err.message = `${source}: not valid YAML/JSON${line}: ${what}`;
    throw err;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ValidationError(`${source}: a policy is a mapping (object) at the top level`, [{ path: '(document)', message: 'must be a mapping' }]);
  }
  return validatePolicy(doc, sourceOrOptions);
}
