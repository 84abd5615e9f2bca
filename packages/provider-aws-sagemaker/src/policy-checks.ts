import type { Issue, Policy, TargetRef } from '@autoscaler/core';
import { parseTargetId } from './ids';
import { ASYNC_WAKE_METRIC, INFERENCE_COMPONENT_METRICS } from './metrics/namespaces';

/**
 * What a SageMaker target cannot do, by policy field, decided from the policy and the id alone
 * (the orchestrator refuses the target before any AWS call):
 * - a zero floor on a variant: a real-time variant keeps at least one instance. An asynchronous
 *   endpoint may go to zero (its requests queue), and then needs a step or threshold rule on
 *   `HasBacklogWithoutCapacity` to wake it: without one nothing would ever scale it out again;
 * - a size ladder on an inference component (`limits.sizes`): it scales by copies only (a zero
 *   floor is fine there: AWS documents scale to zero for inference components);
 * - a per-copy metric (`ConcurrentRequestsPerCopy`, `InvocationsPerCopy`) on a variant: only
 *   inference components publish it.
 */
export function checkSageMakerPolicy(policy: Policy, ref: TargetRef): Issue[] {
  const issues: Issue[] = [];
  if (parseTargetId(ref.id).kind === 'component') return checkComponentPolicy(policy, ref);
  const wakes = policy.rules.some((r) => (r.step?.metric ?? r.threshold?.metric) === ASYNC_WAKE_METRIC);
  const why = `${ref.id} is an endpoint variant: it keeps at least one instance (needs >= 1) unless it is an asynchronous endpoint with a step or threshold rule on ${ASYNC_WAKE_METRIC} to wake it from zero`;
  if (!wakes) {
    if (policy.limits.minReplicas === 0) issues.push({ path: 'limits.minReplicas', message: why });
    policy.rules.forEach((rule, i) => {
      if (rule.schedule?.minReplicas === 0) issues.push({ path: `rules[${i}].schedule.minReplicas`, message: why });
    });
  }
  policy.rules.forEach((rule, i) => {
    const metric = rule.targetTracking?.metric ?? rule.step?.metric ?? rule.threshold?.metric ?? rule.predictive?.metric;
    const kind = rule.targetTracking ? 'targetTracking' : rule.step ? 'step' : rule.threshold ? 'threshold' : 'predictive';
    if (metric !== undefined && INFERENCE_COMPONENT_METRICS.has(metric)) {
      issues.push({
        path: `rules[${i}].${kind}.metric`,
        message: `${metric} is published per inference-component copy; ${ref.id} is an endpoint variant (use ConcurrentRequestsPerModel or InvocationsPerInstance)`,
      });
    }
  });
  return issues;
}

function checkComponentPolicy(policy: Policy, ref: TargetRef): Issue[] {
  const issues: Issue[] = [];
  if (policy.limits.sizes !== undefined)
    issues.push({ path: 'limits.sizes', message: `${ref.id} is an inference component: it scales by copy count only and has no instance type to resize` });
  return issues;
}
