import { join } from 'node:path';
import type { ProviderKind } from '../profiles/profile';
import { loadSimulationPolicy, type SimulationPolicy } from './simulation-policy';

/** The shipped policy files (each with its `.sim.yaml`). */
export const policiesDir = join(__dirname, '..', '..', 'policies');

/** Published defaults we compare against, then ours. */
export const baselinePolicyFiles: readonly string[] = ['oci-sample.yaml', 'aws-target-tracking.yaml', 'aws-step-scaling.yaml', 'k8s-hpa-default.yaml'];
export const bestPolicyFile = 'our-best.yaml';

/** The four baselines and our best, ready to simulate on `provider`. */
export function shippedPolicies(provider: ProviderKind): SimulationPolicy[] {
  return [...baselinePolicyFiles, bestPolicyFile].map((f) => loadSimulationPolicy(join(policiesDir, f), provider));
}
