/**
 * @autoscaler/cloud-semantics: what a cloud's services mean, without their SDKs, for the
 * providers (which talk to the cloud) and the simulator (which plays it) to share.
 */
export * from './oci-mql';
export * from './oci-resources';
export * from './kubernetes-labels';
export * from './kubernetes-quantity';
export * from './cloudwatch-alarms';
export * from './kubernetes-names';
export * from './kubernetes-qos';
export * from './kubernetes-yaml';
export * from './aws-sns-signing';
