import type { Issue, Policy, TargetRef } from '@autoscaler/core';
import { parseVariantId } from './ids';

/**
 * What a SageMaker target cannot do, by policy field, decided from the policy and the id alone
 * (the orchestrator refuses the target before any AWS call). A real-time endpoint variant
 * keeps at least one instance: UpdateEndpointWeightsAndCapacities refuses 0.
 */
export function checkSageMakerPolicy(policy: Policy, ref: TargetRef): Issue[] {
  const issues: Issue[] = [];
  parseVariantId(ref.id);
  const why = `${ref.id} is a real-time endpoint variant, which keeps at least one instance (needs >= 1)`;
  if (policy.limits.minReplicas === 0) issues.push({ path: 'limits.minReplicas', message: why });
  policy.rules.forEach((rule, i) => {
    if (rule.schedule?.minReplicas === 0) issues.push({ path: `rules[${i}].schedule.minReplicas`, message: why });
  });
  return issues;
}
