import { createHash } from 'node:crypto';

/**
 * Makes realistic OCIDs for fake resources: `ocid1.<kind>.oc1.<region key>.<60 lowercase chars>`,
 * deterministic per fake (a counter hashed), so runs are reproducible.
 */
export class OcidFactory {
  private seq = 0;
  readonly compartment: string;
  readonly user: string;

  constructor(
    readonly regionKey = 'iad',
    readonly region = 'us-ashburn-1',
    private readonly salt = 'oci-fake',
  ) {
    this.compartment = `ocid1.compartment.oc1..${this.unique('compartment')}`;
    this.user = `ocid1.user.oc1..${this.unique('user')}`;
  }

  next(kind: string): string {
    return `ocid1.${kind}.oc1.${this.regionKey}.${this.unique(kind)}`;
  }

  private unique(kind: string): string {
    const h = createHash('sha256').update(`${this.salt}:${kind}:${++this.seq}`).digest('hex');
    return `amaaaaaa${h.slice(0, 52)}`;
  }
}
