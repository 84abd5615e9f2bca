import type { Issue } from '../errors';
import type { Policy } from '../policy/schema';
import type { Signal } from './signal';
import type { CallOptions } from './metrics';
import type { Capacity, PersistedState, TargetRef, TargetState } from './target';

/** What `apply` returns: something to track the change with. */
export interface ApplyHandle {
  kind: 'work-request' | 'endpoint' | 'rollout' | 'immediate';
  id: string;
  /** True when the provider wrote `ApplyOptions.state` in the same call as the change; otherwise the orchestrator calls `writeState`. */
  stateWritten?: boolean;
}

export interface ApplyOptions extends CallOptions {
  /** Version from `describe`; the provider must refuse with `ConflictError` if it changed. */
  ifMatch?: string;
  /**
   * The autoscaler's memory after this change. A provider that can store it in the same
   * request as the change (tags/annotations on the updated resource) should, and return
   * `stateWritten: true`: then no second container can see the change without its dedupe keys.
   */
  state?: PersistedState;
}

/** @deprecated a periodic evaluation reads history through a `MetricSource`. */
export interface MetricQuery {
  metric: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** Resolution in seconds. */
  intervalSeconds?: number;
  statistic?: 'mean' | 'max' | 'min' | 'sum' | 'count';
}

/** A policy compiled to a cloud's own autoscaling, and what it could not express. */
export interface NativeExport {
  provider: string;
  /** Provider-native documents/requests (JSON-serialisable). */
  resources: unknown[];
  /** One line per policy feature the native autoscaler cannot express. */
  unsupported: string[];
}

/** A cloud (or simulated) place where scalable targets live. */
export interface Provider {
  /** Registry name, as used in `TargetRef.provider`. */
  readonly name: string;
  /** Throws `ValidationError` naming the field if `id` is not a valid id for this provider. */
  validateId(id: string): void;
  /**
   * The canonical spelling of an id, for clouds whose ids are case-insensitive (alerts may send
   * them lowercase). The orchestrator compares, groups, dedupes and allow-lists canonical ids.
   */
  normalizeId?(id: string): string;
  /**
   * Typical seconds from `apply` until added capacity serves traffic. The predictive rule's
   * default horizon is this plus the metric source's publishing delay.
   */
  readonly provisioningSeconds?: number;
  describe(ref: TargetRef, options?: CallOptions): Promise<TargetState>;
  apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle>;
  /** Where the cloud cannot carry the state with the change (`ApplyHandle.stateWritten` false), and for stabilization hints. */
  writeState(ref: TargetRef, state: PersistedState, options?: CallOptions): Promise<void>;
  exportNative?(policy: Policy, ref: TargetRef): NativeExport | Promise<NativeExport>;
  /**
   * What this target kind cannot do, by policy field: a zero floor on a kind that cannot reach
   * zero (`limits.minReplicas`), a weight on a single-variant endpoint, an in-place resize a pod
   * forbids. Pure: no I/O, decided from the policy and the id alone. The orchestrator calls it
   * before any cloud call and turns issues into a rejected outcome (`ValidationError`), so no
   * call is made; `autoscaler validate` may show them too. Return `[]` when all is well.
   */
  checkPolicy?(policy: Policy, ref: TargetRef): Issue[];
}

/** What `ensureAlarms` did to one alarm. */
export interface AlarmChange {
  action: 'created' | 'updated' | 'deleted' | 'unchanged';
  id: string;
  name: string;
}

/** Turns raw deliveries (alarm messages, metric samples) into `Signal`s. */
export interface AlarmSource {
  readonly name: string;
  /**
   * Async groundwork before `parse`, e.g. fetching the certificate an SNS signature is
   * checked against. The orchestrator awaits it; `parse` stays synchronous.
   */
  prepare?(raw: unknown, options?: CallOptions): Promise<void>;
  /** Clear `ValidationError` naming the field on bad input; never a TypeError. */
  parse(raw: unknown): Signal[];
  /**
   * Check parsed signals against the cloud (does the alarm exist, watch this metric and
   * target?) and return the ones to trust, or throw `ValidationError`/`NotManagedError`.
   * A message title is free text anyone who can publish to the topic can write.
   */
  verify?(signals: readonly Signal[], options?: CallOptions): Promise<Signal[]>;
  ensureAlarms?(target: TargetRef, policy: Policy): Promise<AlarmChange[]>;
  /** For sources without push (Kubernetes metrics API). */
  poll?(target: TargetRef, now: number, options?: CallOptions): Promise<Signal[]>;
}
