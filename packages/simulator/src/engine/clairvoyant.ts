import { cheapestReplicas, type OracleResult } from './oracle';
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
  /**
   * True on clouds that refuse a change while one is in flight (OCI, SageMaker): the bound is
   * then the cheapest plan for a fleet of one size that also makes one change at a time. A
   * policy that changes size is held to `relaxedCost` instead.
   */
  oneChangeAtATime: boolean;
  /** Any size in any minute, changes at will: a bound for every policy, size changes included. */
  relaxedCost: number;
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

/** Sliding maximum of `c` over [t, t + lead], per t. */
function windowMax(c: ArrayLike<number>, lead: number): Float64Array {
  const n = c.length;
  const out = new Float64Array(n);
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let t = n - 1; t >= 0; t--) {
    while (tail > head && c[dq[tail - 1]!]! <= c[t]!) tail--;
    dq[tail++] = t;
    while (dq[head]! > t + lead) head++;
    out[t] = c[dq[head]!]!;
  }
  return out;
}

const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);

/** Largest fleet the one-change-at-a-time plan is computed for exactly (memory: minutes x fleet). */
const PLAN_MAX_FLEET = 400;

/**
 * The cheapest plan for a fleet of one size that meets `need` every minute when every change
 * blocks the next: an order placed in minute k is billed from minute k + 1 and serves (and
 * unblocks) from minute k + L; a scale-in takes effect in minute k + 1 and unblocks at k + B.
 * The first fleet is free to choose (the clairvoyant could have had it before the trace).
 * Dynamic programming over (minute, fleet) with prefix/suffix minima: O(minutes x fleet).
 */
export function oneChangePlan(need: Int32Array, price: number, L: number, B: number): Float64Array {
  const T = need.length;
  let N = 1;
  for (let m = 0; m < T; m++) N = Math.max(N, need[m]!);
  const W = N + 1;
  const R = Math.max(L, B) + 1;
  const rows = Array.from({ length: R }, () => new Float64Array(W));
  const zero = new Float64Array(W);
  const row = (k: number): Float64Array => (k >= T ? zero : rows[k % R]!);
  /** 0 hold, +n' scale out to n', -n' scale in to n'. */
  const act = new Int16Array(T * W);
  const g = new Float64Array(W + 1);
  const gArg = new Int32Array(W + 1);
  const h = new Float64Array(W + 1);
  const hArg = new Int32Array(W + 1);
  for (let k = T - 1; k >= 0; k--) {
    const cur = rows[k % R]!;
    const f1 = row(k + 1);
    const fL = row(k + L);
    const fB = row(k + B);
    let ahead = 0;
    for (let j = k; j < Math.min(T, k + L); j++) ahead = Math.max(ahead, need[j]!);
    let inNeed = 0;
    for (let j = k + 1; j < Math.min(T, k + B); j++) inNeed = Math.max(inNeed, need[j]!);
    const c1 = Math.min(L - 1, T - 1 - k);
    const c2 = Math.min(B - 1, T - 1 - k);
    // Suffix minimum over n' > n of the scale-out continuation; prefix minimum over n' < n of the scale-in one.
    g[W] = Infinity;
    for (let n = N; n >= 1; n--) {
      const here = n + 1 <= N ? c1 * (n + 1) * price + fL[n + 1]! : Infinity;
      if (here < g[n + 1]!) {
        g[n] = here;
        gArg[n] = n + 1;
      } else {
        g[n] = g[n + 1]!;
        gArg[n] = gArg[n + 1]!;
      }
    }
    h[0] = Infinity;
    h[1] = Infinity;
    for (let n = 2; n <= N; n++) {
      const v = n - 1;
      const here = k + 1 < T && v >= inNeed ? c2 * v * price + fB[v]! : Infinity;
      if (here < h[n - 1]!) {
        h[n] = here;
        hArg[n] = v;
      } else {
        h[n] = h[n - 1]!;
        hArg[n] = hArg[n - 1]!;
      }
    }
    cur[0] = Infinity;
    for (let n = 1; n <= N; n++) {
      if (n < need[k]!) {
        cur[n] = Infinity;
        continue;
      }
      let best = f1[n]!;
      let a = 0;
      if (h[n]! < best) {
        best = h[n]!;
        a = -hArg[n]!;
      }
      if (n >= ahead && g[n]! < best) {
        best = g[n]!;
        a = gArg[n]!;
      }
      cur[n] = n * price + best;
      act[k * W + n] = a;
    }
  }
  // Walk the plan from the cheapest first fleet.
  const first = rows[0]!;
  let n = 1;
  for (let v = 2; v <= N; v++) if (first[v]! < first[n]!) n = v;
  const perMinute = new Float64Array(T);
  for (let k = 0; k < T;) {
    const a = act[k * W + n]!;
    perMinute[k] = n * price;
    if (a === 0) {
      k++;
    } else if (a > 0) {
      for (let j = 1; j < L && k + j < T; j++) perMinute[k + j] = a * price;
      k += L;
      n = a;
    } else {
      for (let j = 1; j < B && k + j < T; j++) perMinute[k + j] = -a * price;
      k += B;
      n = -a;
    }
  }
  return perMinute;
}

/**
 * The clairvoyant bound: a fleet that knows the whole trace, obeys the profile's provisioning
 * delay (its fastest draw) and pays for instances while they provision.
 *
 * Relaxed form (every cloud): every instance that serves in minute m was billed in each of the
 * `lead` minutes before m, so the fleet billed in minute t is at least the fleet serving in any
 * minute of [t, t + lead], and that fleet, since it meets the objective, costs at least the
 * oracle's cheapest fleet of that minute: cost(t) >= max over [t, t + lead] of oracle(m). A true
 * lower bound on any policy that meets the objective every minute. On Kubernetes (pods ready
 * well within a minute, changes accepted at any time) the lead is 0 and it equals the oracle.
 *
 * On clouds that refuse a change while one is in flight (OCI, SageMaker) it also makes one
 * change at a time: the cheapest plan of `oneChangePlan` for each size (orders serve and unblock
 * after the fastest provisioning time, a scale-in unblocks after the profile's scale-in update),
 * the cheapest size's plan. That is a lower bound for a policy that keeps one size; a size change
 * (blue/green, slower still) is held to the relaxed form. A size whose peak needs more than
 * `PLAN_MAX_FLEET` instances is bounded by its relaxed single-size form instead (still a bound).
 */
export function clairvoyant(s: Scenario, o: OracleResult): ClairvoyantResult {
  const lead = leadMinutes(s);
  const relaxed = windowMax(o.costPerMinute, lead);
  const relaxedCost = sum(relaxed);
  const p = s.profile;
  // The one-change plan keeps a fleet of at least one; a scale-to-zero target gets the relaxed form.
  if (!p.blocksWhileUpdating || p.minReplicas === 0 || o.costPerMinute.length === 0)
    return { cost: relaxedCost, costPerMinute: relaxed, leadMinutes: lead, oneChangeAtATime: false, relaxedCost };
  const L = Math.max(1, Math.floor((p.scaleOutSeconds * 1000 * (1 - p.jitter)) / 60_000));
  const B = Math.max(1, Math.floor(p.scaleInSeconds / 60));
  const floor = Math.max(1, p.minReplicas);
  let best: Float64Array | undefined;
  let bestCost = Infinity;
  for (const q of s.queues.values()) {
    const need = Int32Array.from(s.load.rps, (_, m) => cheapestReplicas(s, q, m, floor));
    const price = q.size.hourly / 60;
    const peak = need.reduce((a, b) => Math.max(a, b), 0);
    const plan =
      peak <= PLAN_MAX_FLEET
        ? oneChangePlan(need, price, L, B)
        : windowMax(
            Float64Array.from(need, (n) => n * price),
            lead,
          );
    const c = sum(plan);
    if (c < bestCost) {
      bestCost = c;
      best = plan;
    }
  }
  // Never below the relaxed form (it bounds every plan above; this guards rounding).
  if (!best || bestCost < relaxedCost) return { cost: relaxedCost, costPerMinute: relaxed, leadMinutes: lead, oneChangeAtATime: true, relaxedCost };
  return { cost: bestCost, costPerMinute: best, leadMinutes: lead, oneChangeAtATime: true, relaxedCost };
}
