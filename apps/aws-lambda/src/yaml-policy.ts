import { parsePolicy, type Policy } from '@autoscaler/core';
import { policyOptions } from './policy-source';

/** YAML policies: loaded on demand so a JSON policy never pays for the YAML parser at cold start. */
export function parseYamlPolicy(text: string, source: string): Policy {
  return parsePolicy(text, policyOptions(source));
}
