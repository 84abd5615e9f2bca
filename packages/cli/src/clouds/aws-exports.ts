/** What the light registry line of aws needs from the provider package, imported only when used. */
export { compileNative, parseTargetId, parseVariantId, snsNotificationKind } from '@autoscaler/provider-aws-sagemaker';
