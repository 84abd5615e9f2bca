// The apiserver's naming rules, one implementation shared with the provider: @autoscaler/cloud-semantics.
export { dns1123LabelProblem, dns1123SubdomainProblem } from '@autoscaler/cloud-semantics';
