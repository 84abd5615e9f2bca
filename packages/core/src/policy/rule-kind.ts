import { ValidationError } from '../errors';
import type { Rule, RuleKind } from './schema';

/**
 * The kind of a parsed rule: the one kind key it sets. A rule built by hand with none (never
 * one that came through the schema) is a `ValidationError` naming it.
 */
export function ruleKind(rule: Rule): RuleKind {
  if (rule.threshold !== undefined) return 'threshold';
  if (rule.step !== undefined) return 'step';
  if (rule.targetTracking !== undefined) return 'targetTracking';
  if (rule.schedule !== undefined) return 'schedule';
  if (rule.predictive !== undefined) return 'predictive';
  const none: never = rule;
  const name: unknown = (none as { name?: unknown } | null)?.name;
  throw ValidationError.field(`rules[${typeof name === 'string' ? name : '?'}]`, 'sets no rule kind (threshold, step, targetTracking, schedule or predictive)');
}
