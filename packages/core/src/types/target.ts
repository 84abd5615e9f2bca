/** Which provider owns a target, and the provider-specific id (validated by that provider). */
export interface TargetRef {
  /** Registry name of the provider: `oci-data-science`, `aws-sagemaker`, `kubernetes`, `simulator`, `memory`, ... */
  provider: string;
  /** An OCID, `endpoint/<name>/variant/<variant>`, or `<namespace>/<kind>/<name>`. */
  id: string;
  region?: string;
}

/** How much of the target runs: instance count, which rung of the size ladder, optional LB bandwidth. */
export interface Capacity {
  replicas: number;
  /** A rung of the target's `SizeLadder` (shape, instance type, requests/limits tier). */
  size?: string;
  bandwidthMbps?: number;
  /** Share of its endpoint's traffic (SageMaker `DesiredWeight` of a variant in a multi-variant endpoint); absent where traffic is not split. */
  weight?: number;
}

/** Ordered sizes, smallest first. A policy's `limits.sizes` narrows the provider's ladder. */
export type SizeLadder = readonly string[];

export type TargetStatus = 'ready' | 'updating' | 'failed' | 'missing';

/** One past scaling action in one direction, as persisted on the target. */
export interface ActionMark {
  /** Epoch milliseconds. */
  at: number;
  /** Replicas before the action; unknown for state written by hand. */
  from?: number;
  to?: number;
}

/** A past replica recommendation, kept for stabilization windows (HPA semantics). */
export interface Recommendation {
  at: number;
  replicas: number;
}

/**
 * The autoscaler's own memory of a target, persisted on the target itself
 * (freeform tags, endpoint tags, annotations) so any container can pick it up.
 */
export interface PersistedState {
  lastScaleOut?: ActionMark;
  lastScaleIn?: ActionMark;
  lastResize?: ActionMark;
  /** Most recent dedupe keys handled, newest last, bounded. */
  dedupeKeys: string[];
  /** Recommendations inside the longest stabilization window, oldest first. */
  recommendations: Recommendation[];
  /**
   * Failed metric reads in a row (for `policy.fallback`); absent means none. Optional so that
   * a provider whose codec does not store it yet keeps working (the count then restarts).
   */
  metricFailures?: number;
}

export interface TargetState {
  ref: TargetRef;
  capacity: Capacity;
  status: TargetStatus;
  /** Why the target is not ready (provider lifecycle state, message). */
  reason?: string;
  /** ETag / resourceVersion / endpoint config name, for `apply({ ifMatch })`. */
  version?: string;
  /** True when the target carries the provider's "managed by autoscaler" tag or annotation. */
  managed: boolean;
  persisted: PersistedState;
}

export function emptyPersistedState(): PersistedState {
  return { dedupeKeys: [], recommendations: [] };
}

export function formatTarget(ref: TargetRef): string {
  return `${ref.provider}:${ref.id}`;
}

export function sameTarget(a: TargetRef, b: TargetRef): boolean {
  return a.provider === b.provider && a.id === b.id;
}
