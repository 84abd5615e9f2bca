// One implementation, shared with the provider: @autoscaler/cloud-semantics.
export { parseYamlDocuments, parseYamlDocument, toYaml } from '@autoscaler/cloud-semantics';
