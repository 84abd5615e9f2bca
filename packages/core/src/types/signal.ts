import type { TargetRef } from './target';

/** `firing`/`ok` for alarm transitions, `value` for a sampled metric. */
export type SignalState = 'firing' | 'ok' | 'value';

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
}
