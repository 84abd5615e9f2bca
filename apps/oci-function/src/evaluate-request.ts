import { ValidationError, type Issue } from '@autoscaler/core';

/**
 * The periodic-evaluation payload, for a Resource Scheduler schedule or a manual
 * `fn invoke`: exactly `{"autoscaler": "evaluate", "version": 1}`. It asks for one
 * evaluation of every deployment the policy lists; it carries no target, metric or value,
 * so whoever can invoke the function can only make it look again (cooldowns and
 * if-match still hold). A body with an `autoscaler` key that is not exactly this is
 * refused, naming the field; any other body is an alarm delivery.
 */
export const EVALUATE_REQUEST = { autoscaler: 'evaluate', version: 1 } as const;

function asObject(body: unknown): Record<string, unknown> | undefined {
  let doc = body;
  if (doc instanceof Uint8Array) doc = Buffer.from(doc).toString('utf8');
  if (typeof doc === 'string') {
    if (!/^\s*\{/.test(doc)) return undefined;
    try {
      doc = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
}

/** True for the evaluate payload; false for anything that is not one; throws for a malformed one. */
export function isEvaluateRequest(body: unknown): boolean {
  const doc = asObject(body);
  if (!doc || !Object.prototype.hasOwnProperty.call(doc, 'autoscaler')) return false;
  const issues: Issue[] = [];
  if (doc['autoscaler'] !== 'evaluate')
    issues.push({ path: 'autoscaler', message: `must be "evaluate", got ${JSON.stringify(doc['autoscaler'])?.slice(0, 60)}` });
  if (doc['version'] !== 1) issues.push({ path: 'version', message: `must be 1, got ${JSON.stringify(doc['version'])?.slice(0, 60) ?? 'nothing'}` });
  for (const k of Object.keys(doc))
    if (k !== 'autoscaler' && k !== 'version')
      issues.push({ path: k.slice(0, 60), message: 'unknown field (the evaluate request is exactly {"autoscaler":"evaluate","version":1})' });
  if (issues.length > 0) throw new ValidationError('not a valid evaluate request: nothing was evaluated', issues);
  return true;
}
