/** @autoscaler/provider-oci-data-science: OCI Data Science model deployments, Monitoring alarms via Notifications. */
export { OciDataScienceProvider, PROVIDER_NAME, MODEL_DEPLOYMENT_NAMESPACE, type OciDataScienceProviderOptions } from './provider';
export { OciMonitoringAlarmSource, SOURCE_NAME, ALARM_TARGET_TAG, ALARM_RULE_TAG, ALARM_POLICY_TAG, type OciMonitoringAlarmSourceOptions } from './alarm-source';
export { parseAlarmMessage, unwrapAlarmMessage, messageTime, type AlarmMessage, type AlarmMetaData } from './alarm-message';
export { OciMonitoringMetricSource, METRIC_SOURCE_NAME, toPoints, type OciMetricSourceOptions } from './metric-source';
export { planAlarms, type AlarmSpec, type AlarmPlan, type AlarmPlanOptions } from './alarm-plan';
export { parseQuery, buildAlarmQuery, type ParsedQuery, type AlarmQuerySpec } from './alarm-query';
export { exportNativePolicy } from './native-export';
export { OnsNotifier } from './ons-notifier';
export { waitForWorkRequest, type WorkRequestProgress } from './work-request';
export { createOciClients, clientConfiguration, configFileAuth, resourcePrincipalAuth, type OciAuth, type OciClients, type OciClientOptions } from './clients';
export { KeyObjectRequestSigner, signedHeaders } from './request-signer';
export { seedSamplePolicy } from './seed-policy';
export { retryConfiguration, isRetryableStatus, DEFAULT_RETRY, type RetryPolicy } from './retry';
export { translateOciError } from './errors';
export { isOcid, requireOcid, ocidProblem, ocidPattern, type OcidKind } from './ocid';
export { parseRung, formatRung, defaultLadder, STANDARD2_LADDER, FLEX_SHAPES, type ShapeRung, type FlexShapeLimits } from './shapes';
export { encodeState, decodeState, mergeStateTags, isManaged, MANAGED_TAG, TAG_PREFIX } from './state-tags';
export { capacityOf, statusOf, viewOf, updateFor, type DeploymentView } from './deployment-config';
