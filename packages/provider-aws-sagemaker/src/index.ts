/** @autoscaler/provider-aws-sagemaker: SageMaker endpoint variants, CloudWatch alarms, Application Auto Scaling as code. */
export { SageMakerProvider, type SageMakerProviderOptions } from './provider';
export { createAwsClients, type AwsClients, type AwsClientOptions } from './clients';
export { BoundedRetryStrategy, jitteredBackoff, type BackoffFn } from './retry';
export { parseVariantId, variantId, PROVIDER_NAME, VARIANT_DIMENSION, SAGEMAKER_NAME, OWNER_TAG, type VariantId } from './ids';
export { metricNamespace } from './metrics/namespaces';
export { toCoreError, isInProgressError } from './aws-errors';
export { decodeState, encodeState, storableDedupeKey, isManaged, MANAGED_TAG, TAG_PREFIX, STATE_CODEC } from './state-tags';
export { sizeLadderFor } from './instance-types';
// Native export and apply (the CLI's): the Lambda's build leaves these two lines out (apps/aws-lambda/build.mjs).
export { compileNative, awsCron, type NativeResource, type SageMakerNativeExport } from './native/compile';
export { applyNative, teardownNative, nativeStatus, type NativeChange, type NativeStatus } from './native/apply';
export { CloudWatchAlarmSource, alarmEventShape, type AlarmEventShape, type CloudWatchAlarmSourceOptions } from './alarms/cloudwatch-source';
export { alarmsForPolicy, appAlarmPrefix } from './alarms/alarm-specs';
export { SnsSignatureVerifier, vetSigningCertUrl, snsStringToSign, httpsCertificateFetcher, type CertificateFetcher, type SnsSignedFields, type SnsVerifierOptions } from './alarms/sns-signature';
export { snsNotificationKind, SnsNotificationEntrySchema, type SnsNotificationDeps } from './notify/sns-kind';
export { checkSageMakerPolicy } from './policy-checks';
export { CloudWatchMetricSource, CLOUDWATCH_METRIC_NAMES, type CloudWatchMetricSourceOptions } from './metrics/cloudwatch-metric-source';
export { withinBudget, mergeBudgets, InvocationBudget, MIN_CALL_MS, type HttpCallOptions } from './budget';
