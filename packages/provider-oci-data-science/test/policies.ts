import { validatePolicy, type Policy } from '@autoscaler/core';

/** The seed sample's behaviour as a policy: +1/-1 instance on CPU, next/previous shape on memory, 1..10 instances. */
export function seedPolicy(deploymentId: string, overrides: { highCpu?: number } = {}): Policy {
  return validatePolicy({
    name: 'seed',
    targets: [{ provider: 'oci-data-science', id: deploymentId }],
    limits: { minReplicas: 1, maxReplicas: 10, sizes: ['VM.Standard2.1', 'VM.Standard2.2', 'VM.Standard2.4'] },
    rules: [
      { name: 'high-cpu', threshold: { alarm: 'model_deployment_high_cpu', metric: 'CpuUtilization', above: overrides.highCpu ?? 80, change: 1 } },
      { name: 'low-cpu', threshold: { alarm: 'model_deployment_low_cpu', metric: 'CpuUtilization', below: 10, change: -1 } },
      { name: 'high-mem', threshold: { alarm: 'model_deployment_high_mem', metric: 'MemoryUtilization', above: 80, size: 'next' } },
      { name: 'low-mem', threshold: { alarm: 'model_deployment_low_mem', metric: 'MemoryUtilization', below: 10, size: 'previous' } },
      { name: 'user-alarm', threshold: { alarm: 'ocid1.alarm.oc1.iad.amaaaaaauserowned', change: 1 } },
    ],
  });
}
