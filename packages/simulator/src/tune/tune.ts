import { stringify } from 'yaml';
import { join } from 'node:path';
import { oracle } from '../engine/oracle';
import { runPolicy } from '../engine/run-policy';
import { cheapestSizeFor, type Scenario } from '../engine/scenario';
import { defaultForecastOptions } from '../alarms/forecast';
import { policiesDir, bestPolicyFile } from '../policy/baselines';
import { loadSimulationPolicy, type SimulationPolicy } from '../policy/simulation-policy';

/** The knobs `tune` searches, on the shape of our best policy. */
export interface TuneParams {
  /** Forecast utilization target, percent of SLO-safe capacity. */
  target: number;
  /** Scale in only below this fraction of the target. */
  scaleInRatio: number;
  scaleInCooldown: number;
  /** Quantile of actual/forecast used as headroom. */
  headroomQuantile: number;
  /** Size rung name. */
  size: string;
  minReplicas: number;
  maxReplicas: number;
}

export interface TuneTrial {
  params: TuneParams;
  cost: number;
  costRatio: number;
  sloViolationRate: number;
  feasible: boolean;
}

export interface TuneResult {
  best: TuneTrial;
  trials: TuneTrial[];
  policy: SimulationPolicy;
  oracleCost: number;
  /** The tuned policy and its wiring, as files. */
  policyYaml: string;
  settingsYaml: string;
}

export interface TuneOptions {
  /** Most simulations to run (default 40). */
  budget?: number;
  /** Largest share of SLO-violating minutes a winner may have (default 0.01). */
  maxViolationRate?: number;
  onProgress?: (done: number, total: number, best: TuneTrial | undefined) => void;
}

/** Our best policy with `p` applied. */
export function policyWith(template: SimulationPolicy, p: TuneParams, name = 'tuned'): SimulationPolicy {
  const sp = structuredClone(template);
  sp.name = name;
  sp.policy.name = name;
  const tt = sp.policy.rules.find((r) => r.targetTracking?.metric === 'ForecastSloUtilization')!.targetTracking!;
  tt.target = p.target;
  tt.scaleInRatio = p.scaleInRatio;
  sp.policy.limits.cooldown.scaleIn = p.scaleInCooldown;
  sp.policy.limits.minReplicas = p.minReplicas;
  sp.policy.limits.maxReplicas = p.maxReplicas;
  sp.settings.size = p.size;
  sp.settings.label = name;
  for (const src of sp.settings.sources) if (src.kind === 'forecast') src.headroomQuantile = p.headroomQuantile;
  return sp;
}

function better(a: TuneTrial, b: TuneTrial | undefined): boolean {
  if (!b) return true;
  if (a.feasible !== b.feasible) return a.feasible;
  if (a.feasible) return a.cost < b.cost - 1e-9;
  return a.sloViolationRate < b.sloViolationRate - 1e-12 || (a.sloViolationRate === b.sloViolationRate && a.cost < b.cost);
}

/**
 * Coordinate search over our best policy's knobs on the user's own trace:
 * minimise cost subject to at most 1% SLO-violating minutes (or, if nothing
 * meets that, the fewest violations). Deterministic: fixed start, fixed order,
 * the scenario's seed; bounded by `budget` simulations.
 */
export async function tune(s: Scenario, options: TuneOptions = {}): Promise<TuneResult> {
  const budget = options.budget ?? 40;
  const limit = options.maxViolationRate ?? 0.01;
  const template = loadSimulationPolicy(join(policiesDir, bestPolicyFile), s.profile.kind);
  const o = oracle(s);
  const sizes = s.profile.sizes.map((x) => x.name);
  let peakNeed = 1;
  for (let m = 0; m < o.replicas.length; m++) {
    const q = s.queues.get(sizes[0]!)!;
    peakNeed = Math.max(peakNeed, Math.ceil(s.load.rps[m]! / q.maxRps));
  }
  const space: { [K in keyof TuneParams]?: Array<TuneParams[K]> } = {
    size: sizes,
    headroomQuantile: [0.9, 0.93, 0.95, 0.96, 0.98, 0.99],
    target: [85, 90, 95, 100, 110],
    scaleInRatio: [0.7, 0.8, 0.85, 0.9],
    scaleInCooldown: [120, 300, 600],
    minReplicas: [1, 2],
  };
  const trials: TuneTrial[] = [];
  const seen = new Map<string, TuneTrial>();
  const evaluate = async (p: TuneParams): Promise<TuneTrial> => {
    const key = JSON.stringify(p);
    const hit = seen.get(key);
    if (hit) return hit;
    const run = await runPolicy(s, policyWith(template, p));
    const rate = run.violatingMinutes / Math.max(1, run.minutes);
    const t: TuneTrial = { params: p, cost: run.cost, costRatio: o.cost > 0 ? run.cost / o.cost : Infinity, sloViolationRate: rate, feasible: rate <= limit };
    seen.set(key, t);
    trials.push(t);
    return t;
  };
  // Start from the shipped policy's own settings, so a small budget can only improve on it.
  const tt = template.policy.rules.find((r) => r.targetTracking?.metric === 'ForecastSloUtilization')!.targetTracking!;
  const start: TuneParams = {
    target: tt.target,
    scaleInRatio: tt.scaleInRatio,
    scaleInCooldown: template.policy.limits.cooldown.scaleIn,
    headroomQuantile: defaultForecastOptions.headroomQuantile,
    size: cheapestSizeFor(s),
    minReplicas: template.policy.limits.minReplicas,
    maxReplicas: Math.max(10, Math.ceil(peakNeed * 2)),
  };
  let best = await evaluate(start);
  options.onProgress?.(trials.length, budget, best);
  for (let round = 0; round < 3 && trials.length < budget; round++) {
    let improved = false;
    for (const key of Object.keys(space) as Array<keyof TuneParams>) {
      for (const value of space[key]!) {
        if (trials.length >= budget) break;
        const p = { ...best.params, [key]: value } as TuneParams;
        const t = await evaluate(p);
        if (better(t, best)) {
          best = t;
          improved = true;
        }
        options.onProgress?.(trials.length, budget, best);
      }
    }
    if (!improved) break;
  }
  const policy = policyWith(template, best.params, 'tuned');
  const { targets: _targets, ...doc } = policy.policy;
  const header = `# Tuned by \`autoscaler tune\` on ${s.load.trace.name} (${s.profile.kind}, p95 <= ${s.sloMs} ms, peak ${s.load.peakRps} req/s, seed ${s.seed}).\n# ${(100 * best.sloViolationRate).toFixed(2)}% SLO-violating minutes, ${best.costRatio.toFixed(3)}x the oracle; ${trials.length} simulations.\n`;
  const settings = { ...policy.settings, size: best.params.size };
  return {
    best,
    trials,
    policy,
    oracleCost: o.cost,
    policyYaml: header + stringify(doc),
    settingsYaml: `# How the simulator wires tuned.yaml: the forecast source and the size it was tuned at.\n${stringify(settings)}`,
  };
}
