/** @autoscaler/k8s-cronjob: the Kubernetes CronJob that scales annotated workloads. */
export { loadConfig, type CronJobConfig } from './config';
export { runPass, PassPolicies, type PassContext, type PassResult } from './pass';
export { runCronJob, type RunSummary, type RunOptions } from './run';
export { DeferredNotifications, NOTIFY_TIMEOUT_MS } from './notifications';
