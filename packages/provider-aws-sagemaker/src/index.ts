/**
 * @autoscaler/provider-aws-sagemaker: SageMaker endpoint variants, CloudWatch alarms and metric
 * history, Application Auto Scaling as code. The public API only; the wire fake is
 * @autoscaler/sandbox-aws, internals are imported from their modules by this package's tests.
 */
export { SageMakerProvider, type SageMakerProviderOptions } from './provider';
export { createAwsClients, type AwsClients, type AwsClientOptions } from './clients';
export { parseTargetId, parseVariantId, PROVIDER_NAME, SAGEMAKER_NAME, OWNER_TAG, type SageMakerTargetId, type VariantId } from './ids';
export { MANAGED_TAG, TAG_PREFIX } from './state-tags';
// Native export and apply (the CLI's): the Lambda's build leaves these two lines out (apps/aws-lambda/build.mjs).
export { compileNative, type NativeResource, type SageMakerNativeExport } from './native/compile';
export { applyNative, teardownNative, nativeStatus, type NativeChange, type NativeStatus } from './native/apply';
export { CloudWatchAlarmSource, type CloudWatchAlarmSourceOptions } from './alarms/cloudwatch-source';
export { alarmsForPolicy } from './alarms/alarm-specs';
export { CertificateHttpError, SnsSignatureVerifier, httpsCertificateFetcher, type CertificateFetcher, type SnsVerifierOptions } from './alarms/sns-signature';
export { snsNotificationKind, type SnsNotificationDeps } from './notify/sns-kind';
export { CloudWatchMetricSource, type CloudWatchMetricSourceOptions } from './metrics/cloudwatch-metric-source';
export { InvocationBudget } from './budget';
