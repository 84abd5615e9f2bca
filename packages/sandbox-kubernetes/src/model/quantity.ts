// One implementation, shared with the sandbox's fake apiserver: @autoscaler/cloud-semantics.
export { isQuantity, parseQuantity, formatCpu, formatMemory, parseGoDuration } from '@autoscaler/cloud-semantics';
