import type { Policy } from '../policy/schema';
import { sameTarget, type TargetRef } from '../types';

/** Finds the policy that governs a target. */
export interface PolicyResolver {
  resolve(ref: TargetRef): Policy | undefined | Promise<Policy | undefined>;
}

export function listsTarget(policy: Policy, ref: TargetRef): boolean {
  return policy.targets.some((t) => sameTarget(t, ref));
}

/**
 * Policies known up front. A target listed by a policy gets that policy; any
 * other target gets `fallback` (if given), and must then be tagged as managed.
 */
export class StaticPolicies implements PolicyResolver {
  constructor(
    private readonly policies: readonly Policy[],
    private readonly fallback?: Policy,
  ) {}

  resolve(ref: TargetRef): Policy | undefined {
    return this.policies.find((p) => listsTarget(p, ref)) ?? this.fallback;
  }
}
