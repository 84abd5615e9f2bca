import { ValidationError } from '@autoscaler/core';
import { isOcid, type OcidKind } from '@autoscaler/cloud-semantics';

/**
 * OCIDs: `ocid1.<resource type>.<realm>.[region][.future use].<unique id>`
 * (https://docs.oracle.com/iaas/Content/General/Concepts/identifiers.htm).
 * The region is empty for tenancy-wide resources (`ocid1.compartment.oc1..aaaa...`).
 * Ids reach MQL queries and API paths, so they are checked against the whole
 * pattern, never with "contains" — a quote or brace can never get through.
 */
export type { OcidKind } from '@autoscaler/cloud-semantics';
export { ocidPattern, isOcid } from '@autoscaler/cloud-semantics';

/** A compartment id may also be the tenancy (the root compartment). */
export function isCompartmentOcid(value: unknown): value is string {
  return isOcid('compartment', value) || isOcid('tenancy', value);
}

function describeValue(value: unknown): string {
  if (typeof value !== 'string') return `a ${value === null ? 'null' : typeof value}`;
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  if (/^<YOUR_[A-Z0-9_]+>$/.test(value)) return `the placeholder "${shown}" (replace it with a real OCID)`;
  return `"${shown}"`;
}

/** Why `value` is not an OCID of `kind`, or undefined when it is one. */
export function ocidProblem(kind: OcidKind, value: unknown): string | undefined {
  const ok = kind === 'compartment' ? isCompartmentOcid(value) : isOcid(kind, value);
  return ok ? undefined : `${describeValue(value)} is not a ${kind} OCID (ocid1.${kind}.<realm>.<region>.<unique id>)`;
}

/** Throws a `ValidationError` naming `field` unless `value` is an OCID of `kind`. */
export function requireOcid(kind: OcidKind, value: unknown, field: string): string {
  const problem = ocidProblem(kind, value);
  if (problem !== undefined) throw ValidationError.field(field, problem);
  return value as string;
}

/** The region segment of an OCID (`iad`, `us-ashburn-1`, or '' for tenancy-wide resources). */
export function ocidRegion(ocid: string): string {
  return ocid.split('.')[3] ?? '';
}
