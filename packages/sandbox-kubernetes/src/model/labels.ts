// One implementation, shared with the sandbox's fake apiserver: @autoscaler/cloud-semantics.
export { matches, selectorRequirements, formatSelector, parseSelector, type LabelSelector, type Requirement, type Labels } from '@autoscaler/cloud-semantics';
