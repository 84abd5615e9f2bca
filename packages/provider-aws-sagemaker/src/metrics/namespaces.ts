const CONTAINER_METRICS = new Set(['CPUUtilization', 'MemoryUtilization', 'DiskUtilization', 'GPUUtilization', 'GPUMemoryUtilization', 'CPUReservation', 'MemoryReservation', 'GPUReservation']);

/** Where SageMaker publishes a metric: invocation metrics in AWS/SageMaker, instance metrics in /aws/sagemaker/Endpoints. */
export function metricNamespace(metric: string): string {
  return CONTAINER_METRICS.has(metric) ? '/aws/sagemaker/Endpoints' : 'AWS/SageMaker';
}
