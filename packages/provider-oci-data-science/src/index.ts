/**
 * @autoscaler/provider-oci-data-science: OCI Data Science model deployments, Monitoring alarms via
 * Notifications. The public API only; tests reach internals through their modules, the wire fake is
 * in the private @autoscaler/sandbox-oci, MQL in @autoscaler/cloud-semantics.
 */
export { OciDataScienceProvider, PROVIDER_NAME, MODEL_DEPLOYMENT_NAMESPACE, type OciDataScienceProviderOptions } from './provider';
export { OciMonitoringAlarmSource, type OciMonitoringAlarmSourceOptions } from './alarm-source';
export { OciMonitoringMetricSource, type OciMetricSourceOptions } from './metric-source';
export { HEARTBEAT_ALARM_NAME } from './heartbeat';
export { callWithin } from './deadline';
export { FUNCTION_GRANTS, POLICY_OBJECT_GRANT, functionOperations, functionPolicyStatements, functionDynamicGroupRule, type IamGrant } from './iam';
export { exportNativePolicy } from './native-export';
export { checkModelDeploymentPolicy } from './policy-check';
export { importNativePolicy, type NativeImport } from './native-import';
export { OnsNotifier, onsNotificationKind, type OnsNotificationDeps } from './ons-notifier';
export { createOciClients, configFileAuth, resourcePrincipalAuth, type OciAuth, type OciClients, type OciClientOptions } from './clients';
export { signedHeaders } from './request-signer';
export { SEED_SAMPLE_RULES, seedSamplePolicy } from './seed-policy';
export { type RetryPolicy } from './retry';
export { isOcid, requireOcid, ocidProblem, type OcidKind } from './ocid';
export { parseRung, formatRung, STANDARD2_LADDER, GPU_LADDERS, FLEX_SHAPES, type ShapeRung, type FlexShapeLimits } from './shapes';
export { MANAGED_TAG, TAG_PREFIX } from './state-tags';
