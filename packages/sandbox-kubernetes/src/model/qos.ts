// The pod QoS class, one implementation shared with the provider: @autoscaler/cloud-semantics.
export { qosClass, type ContainerResources } from '@autoscaler/cloud-semantics';
