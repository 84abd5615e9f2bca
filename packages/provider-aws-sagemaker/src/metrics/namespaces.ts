const CONTAINER_METRICS = new Set([
  'CPUUtilization',
  'MemoryUtilization',
  'DiskUtilization',
  'GPUUtilization',
  'GPUMemoryUtilization',
  'CPUReservation',
  'MemoryReservation',
  'GPUReservation',
]);

/** Where SageMaker publishes a metric: invocation metrics in AWS/SageMaker, instance metrics in /aws/sagemaker/Endpoints. */
export function metricNamespace(metric: string): string {
  return CONTAINER_METRICS.has(metric) ? '/aws/sagemaker/Endpoints' : 'AWS/SageMaker';
}

/** Asynchronous-endpoint metrics: published per endpoint (EndpointName only), not per variant. */
export const ENDPOINT_METRICS: ReadonlySet<string> = new Set([
  'ApproximateBacklogSize',
  'ApproximateBacklogSizePerInstance',
  'ApproximateAgeOfOldestRequest',
  'HasBacklogWithoutCapacity',
]);

/** The asynchronous endpoint's wake-up metric: 1 while requests wait and no instance runs. */
export const ASYNC_WAKE_METRIC = 'HasBacklogWithoutCapacity';

/** Published only by inference components (per copy); a variant target has no such metric. */
export const INFERENCE_COMPONENT_METRICS: ReadonlySet<string> = new Set(['ConcurrentRequestsPerCopy', 'InvocationsPerCopy']);
