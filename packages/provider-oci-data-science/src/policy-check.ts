import { ValidationError, type Issue, type Policy } from '@autoscaler/core';
import { parseRung } from './shapes';

/**
 * What a model deployment cannot do, as issues naming the policy field (`Provider.checkPolicy`):
 * the orchestrator refuses such a policy before any cloud call.
 * - A floor of zero: a model deployment always runs at least one instance (there is no scale to
 *   zero; deactivating it stops serving and is not a scaling action).
 * - A size on the ladder that is not a shape model deployments take (`limits.sizes`).
 */
export function checkModelDeploymentPolicy(policy: Policy): Issue[] {
  const issues: Issue[] = [];
  const noZero = 'a model deployment runs at least 1 instance and cannot scale to zero; use 1 (or deactivate the deployment outside the autoscaler)';
  if (policy.limits.minReplicas < 1) issues.push({ path: 'limits.minReplicas', message: `is ${policy.limits.minReplicas}: ${noZero}` });
  const shape = (size: string, path: string): void => {
    try {
      parseRung(size, path);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...e.issues);
    }
  };
  policy.limits.sizes?.forEach((s, i) => shape(s, `limits.sizes[${i}]`));
  policy.rules.forEach((rule, i) => {
    if (rule.schedule?.minReplicas !== undefined && rule.schedule.minReplicas < 1) {
      issues.push({ path: `rules[${i}].schedule.minReplicas`, message: `is ${rule.schedule.minReplicas}: ${noZero}` });
    }
  });
  return issues;
}
