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

/**
 * AWS target tracking on the 10 s ConcurrentRequestsPerModel metric: shown beside the 60 s
 * InvocationsPerInstance baseline on SageMaker kinds (not part of the cross-cloud benchmark set).
 */
export const highResolutionPolicyFile = 'aws-target-tracking-high-res.yaml';

/** The scale-to-zero policy for inference components (`--provider sagemaker-ic`). */
export const scaleToZeroPolicyFile = 'sagemaker-ic-scale-to-zero.yaml';

/**
 * The same policy with a floor of one (`limits.minReplicas: 1`, rules unchanged): what scale to
 * zero is compared against. Named `<name> (floor 1)`.
 */
export function withFloorOfOne(sp: SimulationPolicy): SimulationPolicy {
  const policy = { ...sp.policy, name: `${sp.policy.name}-floor-1`, limits: { ...sp.policy.limits, minReplicas: Math.max(1, sp.policy.limits.minReplicas) } };
  const name = `${sp.name} (floor 1)`;
  return { ...sp, name, policy, settings: { ...sp.settings, label: name } };
}

/**
 * The same policy with its predictive rules' forecast wake turned off (`wakeFromIdle: false`): a
 * target at zero then wakes only on its reactive rule (the NoCapacityInvocationFailures alarm), as
 * AWS documents it. Named `<name> (reactive wake)`.
 */
export function withReactiveWake(sp: SimulationPolicy): SimulationPolicy {
  const rules = sp.policy.rules.map((r) => (r.predictive ? { ...r, predictive: { ...r.predictive, wakeFromIdle: false } } : r));
  const policy = { ...sp.policy, name: `${sp.policy.name}-reactive-wake`, rules };
  const name = `${sp.name} (reactive wake)`;
  return { ...sp, name, policy, settings: { ...sp.settings, label: name } };
}

/**
 * What `simulate --provider <kind>` runs by default: the four baselines and our best (on sagemaker
 * also target tracking on the 10 s metric), or on a scale-to-zero kind the scale-to-zero policy, the
 * same policy with a floor of one, and the same policy waking only reactively.
 */
export function defaultPolicies(provider: ProviderKind): SimulationPolicy[] {
  if (provider === 'sagemaker') {
    const all = shippedPolicies(provider);
    const at = all.findIndex((p) => p.policy.name === 'aws-target-tracking') + 1;
    return [...all.slice(0, at), loadSimulationPolicy(join(policiesDir, highResolutionPolicyFile), provider), ...all.slice(at)];
  }
  if (provider !== 'sagemaker-ic') return shippedPolicies(provider);
  const zero = loadSimulationPolicy(join(policiesDir, scaleToZeroPolicyFile), provider);
  return [withFloorOfOne(zero), zero, withReactiveWake(zero)];
}
