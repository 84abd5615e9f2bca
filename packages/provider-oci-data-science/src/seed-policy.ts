import { validatePolicy, type Policy, type PolicyInput } from '@autoscaler/core';
import { STANDARD2_LADDER } from './shapes';

/** The sample's four alarms as rules: CPU adds or removes an instance, memory moves along the shape ladder. */
export const SEED_SAMPLE_RULES: Readonly<NonNullable<PolicyInput['rules']>> = [
  { name: 'high-cpu', threshold: { alarm: 'model_deployment_high_cpu', metric: 'CpuUtilization', above: 80, change: 1 } },
  { name: 'low-cpu', threshold: { alarm: 'model_deployment_low_cpu', metric: 'CpuUtilization', below: 10, change: -1 } },
  { name: 'high-mem', threshold: { alarm: 'model_deployment_high_mem', metric: 'MemoryUtilization', above: 80, size: 'next' } },
  { name: 'low-mem', threshold: { alarm: 'model_deployment_low_mem', metric: 'MemoryUtilization', below: 10, size: 'previous' } },
];

/**
 * Oracle's sample function as a policy: high CPU (> 80) adds an instance, low
 * CPU (< 10) removes one, 1 to 10 instances; high memory (> 80) moves to the
 * next VM.Standard2 shape, low memory (< 10) to the previous one. The alarm
 * names are the sample's, so its existing high alarms keep working.
 */
export function seedSamplePolicy(deploymentId: string, sizes: readonly string[] = STANDARD2_LADDER): Policy {
  return validatePolicy({
    name: 'oci-seed-sample',
    description: "Oracle's model deployment autoscaling sample, with its bugs fixed",
    targets: [{ provider: 'oci-data-science', id: deploymentId }],
    limits: { minReplicas: 1, maxReplicas: 10, sizes: [...sizes], cooldown: { scaleOut: 300, scaleIn: 600 } },
    rules: [...SEED_SAMPLE_RULES],
  });
}
