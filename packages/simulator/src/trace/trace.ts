/** A request trace: requests per minute, plus the per-second counts when the source had them. */
export interface Trace {
  /** Short name for tables (file name without extension). */
  name: string;
  /** Where it came from (path or label). */
  source: string;
  /** Requests that arrived in each minute [60 i, 60 (i + 1)) seconds from the start. */
  requests: Float64Array;
  /** Requests per second, when the source had 1 s resolution (length = 60 x minutes). */
  perSecond?: Float64Array;
  /** Things a user should know about how the file was read (dropped partial minute, filled gaps). */
  notes: string[];
}

/** The trace scaled to a chosen peak: the arrival rate (requests per second) of each minute. */
export interface Load {
  trace: Trace;
  /** Arrival rate per minute, requests per second. */
  rps: Float64Array;
  /** Requests per second at the busiest minute. */
  peakRps: number;
  /** Factor applied to every count. */
  scale: number;
}

export function minutesOf(trace: Trace): number {
  return trace.requests.length;
}
