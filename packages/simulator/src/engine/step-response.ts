import type { SimulationPolicy } from '../policy/simulation-policy';
import type { Load } from '../trace/trace';
import { runPolicy } from './run-policy';
import type { Scenario } from './scenario';

export const STEP_AT = 120;
const STEP_MINUTES = 300;
const SETTLED = 10;

/** A synthetic load step: 2 h at 25% of the peak, then 3 h at the peak. */
export function stepLoad(peakRps: number): Load {
  const rps = new Float64Array(STEP_MINUTES);
  for (let m = 0; m < STEP_MINUTES; m++) rps[m] = m < STEP_AT ? 0.25 * peakRps : peakRps;
  const requests = Float64Array.from(rps, (r) => r * 60);
  return { trace: { name: 'step', source: 'synthetic 25% -> 100% step', requests, notes: [] }, rps, peakRps, scale: 1 };
}

/**
 * Minutes from a 4x load step until the objective holds for 10 minutes in a
 * row (0 if it never broke); null if it never recovers within 3 hours.
 */
export async function reactMinutes(s: Scenario, sp: SimulationPolicy): Promise<number | null> {
  return (await stepResponse(s, sp)).reactMinutes;
}

/** The 4x step test: minutes to meet the objective again, and seconds from the step to the decision and to capacity. */
export interface StepResponse {
  reactMinutes: number | null;
  /** Null when the policy never scaled out for the step (or capacity never arrived) within the test. */
  decisionSeconds: number | null;
  capacitySeconds: number | null;
}

export async function stepResponse(s: Scenario, sp: SimulationPolicy): Promise<StepResponse> {
  const step: Scenario = { ...s, load: stepLoad(s.load.peakRps) };
  const run = await runPolicy(step, sp);
  const v = run.series.violated;
  let react: number | null = null;
  for (let k = STEP_AT; k + SETTLED <= STEP_MINUTES && react === null; k++) {
    let ok = true;
    for (let j = k; j < k + SETTLED; j++) if (v[j]) ok = false;
    if (ok) react = k - STEP_AT;
  }
  // The load rises once (at STEP_AT), so the run has at most one demand step: a policy whose fleet already meets the peak has none.
  return { reactMinutes: react, decisionSeconds: run.reaction.decisionSeconds[0] ?? null, capacitySeconds: run.reaction.capacitySeconds[0] ?? null };
}
