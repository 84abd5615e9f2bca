import type { SizeLadder } from '@autoscaler/core';

/**
 * Sizes of common SageMaker real-time instance families, smallest first. No
 * API lists them, so this is a table; a policy's `limits.sizes` is what the
 * engine actually moves along, this only answers `sizes()` for display.
 */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  t2: ['medium', 'large', 'xlarge', '2xlarge'],
  m5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  m5d: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  m6i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  m7i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  c5: ['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '18xlarge'],
  c6i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  c7i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  r5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  g4dn: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  g5: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  g6: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  inf2: ['xlarge', '8xlarge', '24xlarge', '48xlarge'],
};

export function sizeLadderFor(instanceType: string | undefined): SizeLadder {
  if (instanceType === undefined) return [];
  const m = /^ml\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceType);
  const sizes = m ? FAMILIES[m[1]!] : undefined;
  if (!m || !sizes || !sizes.includes(m[2]!)) return [instanceType];
  return sizes.map((s) => `ml.${m[1]}.${s}`);
}
