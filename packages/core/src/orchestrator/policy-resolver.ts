import type { Policy } from '../policy/schema';
import { sameTarget, type TargetRef } from '../types';

/** Finds the policy that governs a target. */
export interface PolicyResolver {
  resolve(ref: TargetRef): Policy | undefined | Promise<Policy | undefined>;
}

/** Whether `policy` lists `ref`; `normalizeId` compares canonical ids (case-insensitive clouds). */
export function listsTarget(policy: Policy, ref: TargetRef, normalizeId?: (id: string) => string): boolean {
  if (normalizeId === undefined) return policy.targets.some((t) => sameTarget(t, ref));
  return policy.targets.some((t) => t.provider === ref.provider && normalizeId(t.id) === normalizeId(ref.id));
}

/**
 * Policies known up front. A target listed by a policy gets that policy; any
 * other target gets `fallback` (if given), and must then be tagged as managed.
 */
export class StaticPolicies implements PolicyResolver {
  constructor(
    private readonly policies: readonly Policy[],
    private readonly fallback?: Policy,
    /** The provider's `normalizeId`, for clouds whose ids are case-insensitive. */
    private readonly normalizeId?: (id: string) => string,
  ) {}

  resolve(ref: TargetRef): Policy | undefined {
    return this.policies.find((p) => listsTarget(p, ref, this.normalizeId)) ?? this.fallback;
  }
}
