/** @autoscaler/provider-kubernetes: Deployments and StatefulSets through the real Kubernetes API, and the metrics-server alarm source. Public API only. */
export { KubernetesProvider, DEFAULT_PROVISIONING_SECONDS, type KubernetesProviderOptions } from './provider';
export { KubeApi } from './kube/kube-api';
export { ConfigMapStateStore } from './kube/state-configmap';
export { ClusterSnapshot, type SnapshotScope, type ListedWorkload } from './kube/cluster-snapshot';
export { discoverTargets, DiscoveredPolicies, type DiscoveredTarget, type Discovery, type DiscoveryOptions } from './discovery';
export { ANNOTATION, POLICY_CONFIGMAP_LABEL, persistedStatePatch, readPersistedState, isManaged } from './model/annotations';
export { parseWorkloadId, formatWorkloadId, WORKLOAD_KINDS, type WorkloadId, type WorkloadKind } from './model/ids';
export { parseQuantity, formatCpu, formatMemory, parseGoDuration, isQuantity } from './model/quantity';
export { parseSelector, formatSelector, selectorRequirements, type LabelSelector, type Requirement } from './model/labels';
export { parseTiers, type ResourceTier } from './model/tiers';
export { exportHpa } from './model/hpa-export';
export { exportKeda } from './model/keda-export';
export type { WorkloadView, WorkloadObject } from './model/workload';
export type { PodUsageSample, PodMetricsList } from './metrics/pod-metrics';
export { MetricsServerAlarmSource, type MetricsServerSourceOptions } from './metrics/metrics-server-source';
export { parseAlarmRules, type AlarmRule, type AlarmRuleInput, type AlarmEvaluation, type Sample } from './metrics/alarm-rules';
export { MemoryAlarmHistory, ConfigMapAlarmHistory, DEFAULT_HISTORY_MINUTES, DEFAULT_HISTORY_BYTES, type AlarmHistory } from './metrics/alarm-history';
export {
  PrometheusMetricSource,
  RecordedMetricSource,
  DEFAULT_PROMETHEUS_TEMPLATES,
  recordedMetricsOf,
  type PrometheusMetricSourceOptions,
} from './metrics/metric-sources';
export { parsePrometheusUrl, parseRangeResponse, type PrometheusEndpoint } from './metrics/prometheus-range';
export { LLM_PROMETHEUS_QUERIES, namedPrometheusQueries, type PrometheusOptions, type PrometheusQuery } from './metrics/prometheus';
export type { WorkloadUsage, PodUsage, Utilization, ResourceName } from './metrics/workload-usage';
export { usageHeader, formatUsageRow, loadHeader, formatLoadRow, parseUsageCsv, parseLoadCsv, type UsageRow, type LoadRow } from './recipe/csv';
export { sampleUsage } from './recipe/sample';
export { recommendRecipe, type Recipe, type RecipeOptions, type StageUsage } from './recipe/recommend';
export { recipeHtml } from './recipe/report-html';
