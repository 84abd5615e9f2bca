/** @autoscaler/k8s-cronjob: the Kubernetes CronJob that scales annotated workloads. */
export { loadConfig, type CronJobConfig } from './config';
export { runPass, PassPolicies, type PassContext, type PassResult } from './pass';
export { runCronJob, NOTIFY_TIMEOUT_MS, type RunSummary, type RunOptions } from './run';
