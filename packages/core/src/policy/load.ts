import { ValidationError } from '../errors';
import { zodIssues } from './issues';
import { PolicySchema, type Policy } from './schema';

/** Validate an already-parsed document. Throws `ValidationError` listing every problem by path. */
export function validatePolicy(doc: unknown, source = 'policy'): Policy {
  const result = PolicySchema.safeParse(doc);
  if (!result.success) throw new ValidationError(`${source}: invalid policy`, zodIssues(result.error));
  return result.data;
}
