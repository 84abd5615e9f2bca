import { dns1123LabelProblem, dns1123SubdomainProblem } from '@autoscaler/cloud-semantics';
import { ValidationError } from '@autoscaler/core';

/** The workload kinds this provider scales, as they appear in target ids. */
export type WorkloadKind = 'deployment' | 'statefulset';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['deployment', 'statefulset'];

/** A parsed `<namespace>/<kind>/<name>` target id. */
export interface WorkloadId {
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

// The apiserver's naming rules, shared with the sandbox's fake apiserver.
export { dns1123LabelProblem, dns1123SubdomainProblem };

/**
 * Parses and validates a target id. Ids reach API paths, so every part is
 * checked against the apiserver's own naming rules before any call is made.
 */
export function parseWorkloadId(id: unknown, field = 'target.id'): WorkloadId {
  if (typeof id !== 'string') throw ValidationError.field(field, `must be a string "<namespace>/<kind>/<name>", got ${typeof id}`);
  const parts = id.split('/');
  if (parts.length !== 3) throw ValidationError.field(field, `"${id}" is not "<namespace>/<kind>/<name>" (kind: ${WORKLOAD_KINDS.join(' | ')})`);
  const [namespace, kind, name] = parts as [string, string, string];
  const nsProblem = dns1123LabelProblem(namespace);
  if (nsProblem) throw ValidationError.field(field, `namespace "${namespace}" in "${id}" ${nsProblem}`);
  if (!(WORKLOAD_KINDS as readonly string[]).includes(kind))
    throw ValidationError.field(field, `kind "${kind}" in "${id}" must be one of ${WORKLOAD_KINDS.join(', ')}`);
  const nameProblem = dns1123SubdomainProblem(name);
  if (nameProblem) throw ValidationError.field(field, `name "${name}" in "${id}" ${nameProblem}`);
  return { namespace, kind: kind as WorkloadKind, name };
}

export function formatWorkloadId(w: WorkloadId): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

/** The apps/v1 kind name (`Deployment`) of an id kind (`deployment`). */
export function apiKindOf(kind: WorkloadKind): 'Deployment' | 'StatefulSet' {
  return kind === 'deployment' ? 'Deployment' : 'StatefulSet';
}

/** The REST resource (`deployments`) of an id kind. */
export function resourceOf(kind: WorkloadKind): 'deployments' | 'statefulsets' {
  return kind === 'deployment' ? 'deployments' : 'statefulsets';
}
