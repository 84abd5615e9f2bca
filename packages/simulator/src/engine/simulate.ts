import type { SimulationPolicy } from '../policy/simulation-policy';
import { runQuantiles } from './latency';
import { oracle, type OracleResult } from './oracle';
import { runPolicy, type PolicyRun } from './run-policy';
import type { Scenario } from './scenario';
import { reactMinutes } from './step-response';

/** One row of the comparison. */
export interface PolicySummary {
  name: string;
  baseline: boolean;
  /** USD over the trace. */
  cost: number;
  /** cost / oracle cost. */
  costRatio: number;
  violatingMinutes: number;
  /** violating minutes / minutes. */
  sloViolationRate: number;
  /** Request-weighted p95 / p99 over the run, ms. */
  p95Ms: number;
  p99Ms: number;
  actions: number;
  /** Minutes to meet the objective again after a 4x load step (null: never within 3 h). */
  reactMinutes: number | null;
  droppedRequests: number;
  notes: string[];
}

export interface SimulationResult {
  scenario: Scenario;
  oracle: OracleResult;
  summaries: PolicySummary[];
  runs: PolicyRun[];
}

export interface SimulateOptions {
  /** Run the synthetic step test for the react-time column (default true). */
  stepTest?: boolean;
  /** Called with (policies done + fraction of the current one) / policies, in [0, 1]. */
  onProgress?: (fraction: number, label: string) => void;
}

export function summarize(s: Scenario, run: PolicyRun, oracleCost: number, react: number | null): PolicySummary {
  const [p95Ms, p99Ms] = runQuantiles(s, run.series, [0.95, 0.99]);
  return {
    name: run.name,
    baseline: run.baseline,
    cost: run.cost,
    costRatio: oracleCost > 0 ? run.cost / oracleCost : Infinity,
    violatingMinutes: run.violatingMinutes,
    sloViolationRate: run.minutes > 0 ? run.violatingMinutes / run.minutes : 0,
    p95Ms: p95Ms!,
    p99Ms: p99Ms!,
    actions: run.actions,
    reactMinutes: react,
    droppedRequests: run.droppedRequests,
    notes: [...run.prepared.notes, ...run.problems],
  };
}

/** Every policy on the scenario, against the oracle. Deterministic for the scenario's seed. */
export async function simulate(s: Scenario, policies: readonly SimulationPolicy[], options: SimulateOptions = {}): Promise<SimulationResult> {
  const o = oracle(s);
  const runs: PolicyRun[] = [];
  const summaries: PolicySummary[] = [];
  const minutes = s.load.rps.length;
  for (const [i, sp] of policies.entries()) {
    const report = (m: number): void => options.onProgress?.((i + m / Math.max(1, minutes)) / policies.length, sp.name);
    report(0);
    const run = await runPolicy(s, sp, { onMinute: report });
    const react = options.stepTest === false ? null : await reactMinutes(s, sp);
    runs.push(run);
    summaries.push(summarize(s, run, o.cost, react));
  }
  options.onProgress?.(1, 'done');
  return { scenario: s, oracle: o, summaries, runs };
}
