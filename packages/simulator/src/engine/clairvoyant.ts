import type { OracleResult } from './oracle';
import type { Scenario } from './scenario';

/** The second bound: what the cheapest fleet costs when every instance must be ordered in advance and is billed while it provisions. */
export interface ClairvoyantResult {
  /** USD over the whole trace. */
  cost: number;
  /** USD per minute. */
  costPerMinute: Float64Array;
  /**
   * Minutes an instance is billed before the first minute it serves, besides that minute:
   * ceil(fastest provisioning / 60 s) - 1 (the fastest draw of the profile's jitter).
   */
  leadMinutes: number;
}

/**
 * Minutes from an order until the first minute its capacity can serve, minus one: how many
 * minutes before a served minute its instances must already be billed. The simulation bills
 * at the start of each minute and an order placed in minute k is first billed in minute k + 1;
 * capacity ordered in minute k serves in minute m only if m - k >= ceil(delay / 60 s). So an
 * instance serving in minute m is billed in every minute of [m - L + 1, m], L = ceil(delay / 60).
 */
export function leadMinutes(s: Scenario): number {
  const p = s.profile;
  const fastestMs = Math.round(p.scaleOutSeconds * 1000 * (1 - p.jitter));
  return Math.max(0, Math.ceil(fastestMs / 60_000) - 1);
}

/**
 * The clairvoyant bound: a fleet that knows the whole trace, obeys the profile's provisioning
 * delay (its fastest draw) and pays for instances while they provision. Every instance that
 * serves in minute m was billed in each of the `lead` minutes before m, so the fleet billed in
 * minute t is at least the fleet serving in any minute of [t, t + lead], and that fleet, since
 * it meets the objective, costs at least the oracle's cheapest fleet of that minute. Hence
 * cost(t) >= max over [t, t + lead] of oracle(m): a true lower bound on any policy that meets
 * the objective every minute (one change at a time is relaxed, which keeps it a bound; a real
 * policy on OCI or SageMaker pays a little more for that rule). On Kubernetes (pods ready in
 * well under a minute) the lead is 0 and the bound equals the oracle at this resolution.
 */
export function clairvoyant(s: Scenario, o: OracleResult): ClairvoyantResult {
  const lead = leadMinutes(s);
  const c = o.costPerMinute;
  const n = c.length;
  const costPerMinute = new Float64Array(n);
  // Sliding-window maximum over [t, t + lead] (monotone deque, scanned from the end).
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let cost = 0;
  for (let t = n - 1; t >= 0; t--) {
    while (tail > head && c[dq[tail - 1]!]! <= c[t]!) tail--;
    dq[tail++] = t;
    while (dq[head]! > t + lead) head++;
    costPerMinute[t] = c[dq[head]!]!;
  }
  for (let t = 0; t < n; t++) cost += costPerMinute[t]!;
  return { cost, costPerMinute, leadMinutes: lead };
}
