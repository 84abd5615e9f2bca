/**
 * OCI resource facts the provider (to check input), its wire fake (to answer as the service
 * does) and the simulator share: the OCID grammar and the flex shapes model deployments take.
 */

/** The resource kinds an OCID names here (its second field). */
export type OcidKind =
  | 'datasciencemodeldeployment'
  | 'datasciencemodel'
  | 'datascienceproject'
  | 'datascienceworkrequest'
  | 'alarm'
  | 'compartment'
  | 'tenancy'
  | 'user'
  | 'onstopic'
  | 'onssubscription'
  | 'fnfunc'
  | 'dynamicgroup';

const UNIQUE = '[a-z0-9]{1,255}';
const REGION = '[a-z0-9-]{0,40}';
const PATTERNS = new Map<string, RegExp>();

/** `ocid1.<kind>.<realm>.[region][.future use].<unique id>`, lowercase, as OCI documents it. */
export function ocidPattern(kind: OcidKind): RegExp {
  let p = PATTERNS.get(kind);
  if (!p) {
    p = new RegExp(`^ocid1\\.${kind}\\.oc[0-9]{1,3}\\.${REGION}(\\.[a-z0-9-]{1,40})?\\.${UNIQUE}$`);
    PATTERNS.set(kind, p);
  }
  return p;
}

export function isOcid(kind: OcidKind, value: unknown): value is string {
  return typeof value === 'string' && value.length <= 255 && ocidPattern(kind).test(value);
}

export interface FlexShapeLimits {
  ocpus: readonly [number, number];
  /** Memory per OCPU for model deployments. */
  memoryPerOcpuGB: readonly [number, number];
}

/**
 * Flex shapes model deployments take, with their documented ranges (Data Science "Supported
 * Compute Shapes"; 6-64 GB per OCPU for model deployments). They change by region and over
 * time: the service has the last word.
 */
export const FLEX_SHAPES: Readonly<Record<string, FlexShapeLimits>> = {
  'VM.Standard.E3.Flex': { ocpus: [1, 64], memoryPerOcpuGB: [6, 64] },
  'VM.Standard.E4.Flex': { ocpus: [1, 64], memoryPerOcpuGB: [6, 64] },
  'VM.Standard.E5.Flex': { ocpus: [1, 94], memoryPerOcpuGB: [6, 64] },
  'VM.Standard3.Flex': { ocpus: [1, 32], memoryPerOcpuGB: [6, 64] },
  'VM.Optimized3.Flex': { ocpus: [1, 18], memoryPerOcpuGB: [6, 64] },
  'VM.Standard.A1.Flex': { ocpus: [1, 80], memoryPerOcpuGB: [6, 64] },
};

export function isFlexShape(shape: string): boolean {
  return shape.endsWith('.Flex');
}
