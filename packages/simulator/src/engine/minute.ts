import { minuteState, type MinuteState, type SizeQueue } from '../model/service';
import type { Scenario } from './scenario';

/**
 * The SLO verdict for one minute on `replicas` of one size: the per-instance rate
 * must stay within the SLO-safe maximum. Per-second traces are judged on their
 * minute totals too: each minute is taken in steady state, and a transient queue
 * model for bursts inside a minute is future work.
 */
export function minuteMeets(s: Scenario, q: SizeQueue, m: number, replicas: number): boolean {
  const lambda = s.load.rps[m]!;
  if (lambda <= 0) return true;
  if (replicas <= 0) return false;
  return lambda / replicas <= q.maxRps;
}

/** The minute's published metrics and verdict. */
export function serveMinute(s: Scenario, q: SizeQueue, m: number, replicas: number): MinuteState {
  return minuteState(s.model, q, s.load.rps[m]!, replicas);
}
