import type { HpaPod } from '../hpa/replica-calculator';
import type { TargetRef } from './target';

/**
 * `firing`/`ok` for alarm transitions, `value` for a sampled metric; `evaluate` when the cloud asks
 * for one periodic evaluation of the target (a heartbeat alarm's delivery): the orchestrator
 * evaluates the target once per delivery, as a periodic pass does, and no rule sees the signal.
 */
export type SignalState = 'firing' | 'ok' | 'value' | 'evaluate';

/** A normalized event from any alarm source. */
export interface Signal {
  target: TargetRef;
  /** Which alarm source produced it: `oci-monitoring`, `cloudwatch`, `metrics-server`, `simulator`, ... */
  source: string;
  /** Metric name (`CpuUtilization`, `InvocationsPerInstance`, `cpu`). */
  metric: string;
  /** Alarm identity when it came from an alarm: an OCID, ARN or name. Rules may match on it. */
  alarm?: string;
  /** Alarm display name / title, kept for audit; never trusted to pick a target. */
  alarmName?: string;
  state: SignalState;
  /** The metric value that breached (or was sampled). */
  value?: number;
  /** The alarm's threshold, when known. */
  threshold?: number;
  /** Identity of this delivery: the same key arriving twice must scale at most once. */
  dedupeKey: string;
  /** Epoch milliseconds. */
  at: number;
  dimensions?: Record<string, string>;
  /**
   * The per-pod samples behind a utilization value (Kubernetes metrics API). A targetTracking rule
   * with `algorithm: hpa` then computes replicas with the HPA's own arithmetic (`hpaReplicas`:
   * readiness, CPU initialization, missing pods, tolerance) instead of from the mean alone.
   */
  samples?: readonly HpaPod[];
  /** Only scale-out proposals may come from this signal (a reading that can justify more capacity, never less). */
  scaleOutOnly?: boolean;
}
