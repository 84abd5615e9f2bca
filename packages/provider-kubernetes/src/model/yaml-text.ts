// One implementation, shared with the sandbox: @autoscaler/cloud-semantics.
export { parseYamlDocuments, parseYamlDocument, toYaml } from '@autoscaler/cloud-semantics';
