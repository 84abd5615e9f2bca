import type { SizeQueue } from '../model/service';
import { minuteMeets } from './minute';
import type { Scenario } from './scenario';

export interface OracleResult {
  /** USD over the whole trace. */
  cost: number;
  /** Cheapest instances per minute (of `sizes[m]`). */
  replicas: Int32Array;
  /** Index into the profile's size ladder, per minute. */
  sizes: Int8Array;
  /** USD per minute. */
  costPerMinute: Float64Array;
}

/**
 * The lower bound: for every minute on its own, the cheapest fleet of one size
 * that meets the objective, as if capacity appeared the instant it was wanted
 * and was billed only while used. Never below the platform's minimum instances
 * (one, or zero on a scale-to-zero target).
 */
export function oracle(s: Scenario): OracleResult {
  const minutes = s.load.rps.length;
  const qs = [...s.queues.values()];
  const replicas = new Int32Array(minutes);
  const sizes = new Int8Array(minutes);
  const costPerMinute = new Float64Array(minutes);
  // At least one instance, except where the platform scales to zero (then an idle minute costs nothing).
  const floor = Math.max(0, s.profile.minReplicas);
  let cost = 0;
  for (let m = 0; m < minutes; m++) {
    let best = Infinity;
    for (let k = 0; k < qs.length; k++) {
      const q = qs[k]!;
      const n = cheapestReplicas(s, q, m, floor);
      const c = (n * q.size.hourly) / 60;
      if (c < best) {
        best = c;
        replicas[m] = n;
        sizes[m] = k;
      }
    }
    costPerMinute[m] = best;
    cost += best;
  }
  return { cost, replicas, sizes, costPerMinute };
}

/** Fewest instances of one size that meet the objective in minute m (at least `floor`). */
export function cheapestReplicas(s: Scenario, q: SizeQueue, m: number, floor: number): number {
  let n = Math.max(floor, Math.ceil(s.load.rps[m]! / q.maxRps - 1e-9));
  while (!minuteMeets(s, q, m, n)) n++;
  return n;
}
