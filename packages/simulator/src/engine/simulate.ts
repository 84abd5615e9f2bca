import type { SimulationPolicy } from '../policy/simulation-policy';
import { runQuantiles } from './latency';
import { clairvoyant, type ClairvoyantResult } from './clairvoyant';
import { oracle, type OracleResult } from './oracle';
import { summarizeReaction, type ReactionSummary } from './reaction';
import { runPolicy, type PolicyRun } from './run-policy';
import type { Scenario } from './scenario';
import { stepResponse, type StepResponse } from './step-response';

/** One row of the comparison. */
export interface PolicySummary {
  name: string;
  baseline: boolean;
  /** USD over the trace. */
  cost: number;
  /** cost / oracle cost. */
  costRatio: number;
  /** cost / clairvoyant cost (the bound with provisioning delays). */
  clairvoyantRatio: number;
  violatingMinutes: number;
  /** violating minutes / minutes. */
  sloViolationRate: number;
  /** Request-weighted p95 / p99 over the run, ms. */
  p95Ms: number;
  p99Ms: number;
  actions: number;
  /** Minutes to meet the objective again after a 4x load step (null: never within 3 h). */
  reactMinutes: number | null;
  /** The same step: seconds to the scale-out decision and to enough serving capacity (null: none, or no step test). */
  stepDecisionSeconds: number | null;
  stepCapacitySeconds: number | null;
  droppedRequests: number;
  /** Requests that failed because no copy served (cold starts after scaling to zero), and in how many minutes. */
  noCapacityRequests: number;
  noCapacityMinutes: number;
  /** Hours with nothing billed (scaled to zero). */
  zeroHours: number;
  /** Seconds between the policy's freshest signals (10 on a high-resolution alarm, 60 on minute metrics). */
  signalSeconds: number;
  /** Demand steps in the run: median and p95 seconds to the scaling decision and to capacity. */
  reaction: ReactionSummary;
  notes: string[];
}

/** Scale to zero against the same policy with a floor of one: what the cheaper idle hours cost. */
export interface ScaleToZeroComparison {
  policy: string;
  floorOne: string;
  /** USD saved over the trace (floor-one cost - scale-to-zero cost), and as a share of the floor-one cost. */
  savedUsd: number;
  savedShare: number;
  /** Hours the scale-to-zero policy billed nothing. */
  zeroHours: number;
  /** Requests that failed with no copy serving (cold-start failures), and in how many minutes. */
  failedRequests: number;
  failedMinutes: number;
  /** Share of all requests that failed that way. */
  failedShare: number;
  /** SLO-violating minutes more than the floor of one. */
  extraViolatingMinutes: number;
}

/** The forecast's wake from zero against the same policy waking only on its reactive rule. */
export interface ForecastWakeComparison {
  policy: string;
  reactive: string;
  /** Cold-start failures (requests, minutes) the forecast wake avoided; negative: it had more. */
  fewerFailedRequests: number;
  fewerFailedMinutes: number;
  /** USD the forecast wake cost more (early and false wakes); negative: it saved. */
  extraUsd: number;
  /** SLO-violating minutes fewer than the reactive wake. */
  fewerViolatingMinutes: number;
}

/** Pair every policy whose twin `<name> (reactive wake)` also ran. */
export function forecastWakeComparisons(summaries: readonly PolicySummary[]): ForecastWakeComparison[] {
  const out: ForecastWakeComparison[] = [];
  for (const f of summaries) {
    const r = summaries.find((p) => p.name === `${f.name} (reactive wake)`);
    if (!r) continue;
    out.push({
      policy: f.name,
      reactive: r.name,
      fewerFailedRequests: r.noCapacityRequests - f.noCapacityRequests,
      fewerFailedMinutes: r.noCapacityMinutes - f.noCapacityMinutes,
      extraUsd: f.cost - r.cost,
      fewerViolatingMinutes: r.violatingMinutes - f.violatingMinutes,
    });
  }
  return out;
}

export interface SimulationResult {
  scenario: Scenario;
  oracle: OracleResult;
  clairvoyant: ClairvoyantResult;
  /** What a reader must know before trusting the comparison (short trace, a policy below a bound). */
  warnings: string[];
  summaries: PolicySummary[];
  runs: PolicyRun[];
  /** Each scale-to-zero policy run beside its floor-of-one twin (`<name> (floor 1)`). */
  scaleToZero: ScaleToZeroComparison[];
  /** Each policy beside its reactive-wake twin (`<name> (reactive wake)`). */
  forecastWake: ForecastWakeComparison[];
}

/** Pair every policy whose twin `<name> (floor 1)` also ran. */
export function scaleToZeroComparisons(s: Scenario, summaries: readonly PolicySummary[]): ScaleToZeroComparison[] {
  let total = 0;
  for (const r of s.load.rps) total += r * 60;
  const out: ScaleToZeroComparison[] = [];
  for (const z of summaries) {
    const one = summaries.find((p) => p.name === `${z.name} (floor 1)`);
    if (!one) continue;
    out.push({
      policy: z.name,
      floorOne: one.name,
      savedUsd: one.cost - z.cost,
      savedShare: one.cost > 0 ? (one.cost - z.cost) / one.cost : 0,
      zeroHours: z.zeroHours,
      failedRequests: z.noCapacityRequests,
      failedMinutes: z.noCapacityMinutes,
      failedShare: total > 0 ? z.noCapacityRequests / total : 0,
      extraViolatingMinutes: z.violatingMinutes - one.violatingMinutes,
    });
  }
  return out;
}

export interface SimulateOptions {
  /** Run the synthetic step test for the react-time column (default true). */
  stepTest?: boolean;
  /** Called with (policies done + fraction of the current one) / policies, in [0, 1]. */
  onProgress?: (fraction: number, label: string) => void;
}

export function summarize(s: Scenario, run: PolicyRun, oracleCost: number, step: StepResponse | number | null, clairvoyantCost = oracleCost): PolicySummary {
  const st: StepResponse = step === null || typeof step === 'number' ? { reactMinutes: step, decisionSeconds: null, capacitySeconds: null } : step;
  const [p95Ms, p99Ms] = runQuantiles(s, run.series, [0.95, 0.99]);
  return {
    name: run.name,
    baseline: run.baseline,
    cost: run.cost,
    costRatio: oracleCost > 0 ? run.cost / oracleCost : Infinity,
    clairvoyantRatio: clairvoyantCost > 0 ? run.cost / clairvoyantCost : Infinity,
    violatingMinutes: run.violatingMinutes,
    sloViolationRate: run.minutes > 0 ? run.violatingMinutes / run.minutes : 0,
    p95Ms: p95Ms!,
    p99Ms: p99Ms!,
    actions: run.actions,
    reactMinutes: st.reactMinutes,
    stepDecisionSeconds: st.decisionSeconds,
    stepCapacitySeconds: st.capacitySeconds,
    droppedRequests: run.droppedRequests,
    noCapacityRequests: run.noCapacityRequests,
    noCapacityMinutes: run.noCapacityMinutes,
    zeroHours: run.zeroMinutes / 60,
    signalSeconds: run.signalSeconds,
    reaction: summarizeReaction(run.reaction),
    notes: [...run.prepared.notes, ...run.problems],
  };
}

/** Every policy on the scenario, against the oracle. Deterministic for the scenario's seed. */
/** Shorter traces are judged mostly on their first provisioning delay and have no daily history to forecast from. */
export const SHORT_TRACE_MINUTES = 60;

/**
 * Warnings for the reader: a trace too short to judge a policy on, and every policy shown
 * cheaper than a lower bound (the bounds assume the objective is met every minute, so a
 * policy below one paid less by missing it; the warning says by how many minutes).
 */
export function simulationWarnings(s: Scenario, summaries: readonly PolicySummary[], oracleCost: number, clairvoyantCost: number): string[] {
  const out: string[] = [];
  const minutes = s.load.rps.length;
  if (minutes < SHORT_TRACE_MINUTES) {
    out.push(
      `the trace is only ${minutes} minute${minutes === 1 ? '' : 's'} long (under ${SHORT_TRACE_MINUTES}): the result is mostly the start-up and one provisioning delay, not a policy's steady behaviour; use a longer trace (days, to give a seasonal forecast history)`,
    );
  }
  for (const p of summaries) {
    const below = p.cost < oracleCost - 1e-9 ? 'the oracle' : p.cost < clairvoyantCost - 1e-9 ? 'the clairvoyant bound' : undefined;
    if (!below) continue;
    out.push(
      p.violatingMinutes > 0
        ? `${p.name} costs less than ${below} (${(below === 'the oracle' ? p.costRatio : p.clairvoyantRatio).toFixed(2)}x) only because it missed the objective in ${p.violatingMinutes} of ${minutes} minutes: the bounds are the cheapest fleets that meet it every minute`
        : `${p.name} costs less than ${below} while meeting the objective every minute: this is a simulator bug, please report it`,
    );
  }
  return out;
}

export async function simulate(s: Scenario, policies: readonly SimulationPolicy[], options: SimulateOptions = {}): Promise<SimulationResult> {
  const o = oracle(s);
  const c = clairvoyant(s, o);
  const runs: PolicyRun[] = [];
  const summaries: PolicySummary[] = [];
  const minutes = s.load.rps.length;
  for (const [i, sp] of policies.entries()) {
    const report = (m: number): void => options.onProgress?.((i + m / Math.max(1, minutes)) / policies.length, sp.name);
    report(0);
    const run = await runPolicy(s, sp, { onMinute: report });
    const step = options.stepTest === false ? null : await stepResponse(s, sp);
    runs.push(run);
    summaries.push(summarize(s, run, o.cost, step, c.cost));
  }
  options.onProgress?.(1, 'done');
  return {
    scenario: s,
    oracle: o,
    clairvoyant: c,
    warnings: simulationWarnings(s, summaries, o.cost, c.cost),
    summaries,
    runs,
    scaleToZero: scaleToZeroComparisons(s, summaries),
    forecastWake: forecastWakeComparisons(summaries),
  };
}
