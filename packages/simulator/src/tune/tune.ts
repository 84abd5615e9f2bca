import { stringify } from 'yaml';
import { join } from 'node:path';
import { ValidationError } from '@autoscaler/core';
import { clairvoyant } from '../engine/clairvoyant';
import { oracle } from '../engine/oracle';
import { preparePolicy } from '../engine/prepare';
import { runPolicy, type PolicyRun } from '../engine/run-policy';
import { cheapestSizeFor, type Scenario } from '../engine/scenario';
import { policiesDir, bestPolicyFile } from '../policy/baselines';
import { loadSimulationPolicy, type SimulationPolicy } from '../policy/simulation-policy';

/** The knobs `tune` searches, on the shape of our best policy (its predictive rule included). */
export interface TuneParams {
  /** The predictive rule's per-instance target as a share of the load-test MAX_RPS x 60. */
  targetFactor: number;
  /** Predictive rule: scale in only when the forecast needs less than this share of the fleet. */
  scaleInRatio: number;
  scaleInCooldown: number;
  /** Predictive rule: quantile of actual/forecast used as headroom. */
  headroomQuantile: number;
  /** Predictive rule: past days shaping the forecast (0 = trend only). */
  seasonDays: number;
  /** Predictive rule: minutes averaged for the current level. */
  levelMinutes: number;
  /** Predictive rule: minutes the trend is fitted on. */
  trendMinutes: number;
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

/** The tuned policy's score on days it never saw, beside the shipped default's on the same days. */
export interface HoldoutScore {
  days: number;
  /** First scored minute (the tuning window ends here) and how many were scored. */
  from: number;
  minutes: number;
  tuned: WindowScore;
  default: WindowScore;
}

export interface WindowScore {
  cost: number;
  costRatio: number;
  clairvoyantRatio: number;
  violatingMinutes: number;
  sloViolationRate: number;
}

export interface TuneResult {
  best: TuneTrial;
  trials: TuneTrial[];
  policy: SimulationPolicy;
  oracleCost: number;
  /** Set when tuned with `holdoutDays`. */
  holdout?: HoldoutScore;
  /** The tuned policy and its wiring, as files. */
  policyYaml: string;
  settingsYaml: string;
}

export interface TuneOptions {
  /** Most simulations to run (default 40). */
  budget?: number;
  /** Largest share of SLO-violating minutes a winner may have (default 0.01). */
  maxViolationRate?: number;
  /** Tune on all but the last N days, then score the tuned policy and the default on those days only. */
  holdoutDays?: number;
  onProgress?: (done: number, total: number, best: TuneTrial | undefined) => void;
}

const DAY = 1440;

/** Our best policy with `p` applied. */
export function policyWith(template: SimulationPolicy, p: TuneParams, name = 'tuned'): SimulationPolicy {
  const sp = structuredClone(template);
  sp.name = name;
  sp.policy.name = name;
  const rule = sp.policy.rules.find((r) => r.predictive !== undefined);
  if (!rule) throw new Error(`${template.name} has no predictive rule to tune`);
  const pr = rule.predictive;
  pr.scaleInRatio = p.scaleInRatio;
  pr.headroomQuantile = p.headroomQuantile;
  pr.seasonDays = p.seasonDays;
  pr.levelMinutes = p.levelMinutes;
  pr.trendMinutes = p.trendMinutes;
  sp.policy.limits.cooldown.scaleIn = p.scaleInCooldown;
  sp.policy.limits.minReplicas = p.minReplicas;
  sp.policy.limits.maxReplicas = p.maxReplicas;
  sp.settings.size = p.size;
  sp.settings.label = name;
  const lts =
    sp.settings.loadTestTarget === undefined ? [] : Array.isArray(sp.settings.loadTestTarget) ? sp.settings.loadTestTarget : [sp.settings.loadTestTarget];
  sp.settings.loadTestTarget = lts.map((lt) => (lt.rule === rule.name ? { ...lt, safetyFactor: p.targetFactor } : lt));
  return sp;
}

function better(a: TuneTrial, b: TuneTrial | undefined): boolean {
  if (!b) return true;
  if (a.feasible !== b.feasible) return a.feasible;
  if (a.feasible) return a.cost < b.cost - 1e-9;
  return a.sloViolationRate < b.sloViolationRate - 1e-12 || (a.sloViolationRate === b.sloViolationRate && a.cost < b.cost);
}

/** The first `minutes` of a scenario. */
function head(s: Scenario, minutes: number): Scenario {
  const trace = { ...s.load.trace, requests: s.load.trace.requests.slice(0, minutes) };
  return { ...s, load: { ...s.load, trace, rps: s.load.rps.slice(0, minutes) } };
}

/** A run's score over minutes [from, to) against the bounds of the same minutes. */
function windowScore(run: PolicyRun, from: number, to: number, oracleMinute: Float64Array, boundMinute: Float64Array): WindowScore {
  let cost = 0;
  let o = 0;
  let c = 0;
  let violating = 0;
  for (let m = from; m < to; m++) {
    cost += run.series.cost[m]!;
    o += oracleMinute[m]!;
    c += boundMinute[m]!;
    violating += run.series.violated[m]!;
  }
  return {
    cost,
    costRatio: o > 0 ? cost / o : Infinity,
    clairvoyantRatio: c > 0 ? cost / c : Infinity,
    violatingMinutes: violating,
    sloViolationRate: to > from ? violating / (to - from) : 0,
  };
}

/**
 * Coordinate search over our best policy's knobs (the predictive rule's headroom quantile,
 * season, level and trend windows, scale-in ratio and target; the size, scale-in cooldown and
 * minimum) on the user's own trace: minimise cost subject to at most 1% SLO-violating minutes
 * (or, if nothing meets that, the fewest violations). Deterministic: fixed start (the shipped
 * defaults), fixed order, the scenario's seed; bounded by `budget` simulations. With
 * `holdoutDays` it tunes on the days before the last N, then replays the whole trace with the
 * tuned policy and the shipped default and scores only the last N days (the forecaster has the
 * earlier days as history, as it would in production; the tuned days are never scored).
 */
export async function tune(s: Scenario, options: TuneOptions = {}): Promise<TuneResult> {
  const budget = options.budget ?? 40;
  const limit = options.maxViolationRate ?? 0.01;
  const total = s.load.rps.length;
  const holdoutDays = options.holdoutDays ?? 0;
  const cut = total - Math.round(holdoutDays * DAY);
  if (holdoutDays > 0 && cut < DAY)
    throw ValidationError.field(
      '--holdout-days',
      `${holdoutDays} leaves ${Math.max(0, cut)} minutes to tune on (the trace has ${total}): keep at least a day before the held-out days`,
    );
  const fit = holdoutDays > 0 ? head(s, cut) : s;
  const template = loadSimulationPolicy(join(policiesDir, bestPolicyFile), s.profile.kind);
  const o = oracle(fit);
  const sizes = s.profile.sizes.map((x) => x.name);
  let peakNeed = 1;
  const q0 = fit.queues.get(sizes[0]!)!;
  for (let m = 0; m < fit.load.rps.length; m++) peakNeed = Math.max(peakNeed, Math.ceil(fit.load.rps[m]! / q0.maxRps));
  const space: { [K in keyof TuneParams]?: Array<TuneParams[K]> } = {
    headroomQuantile: [0.9, 0.93, 0.95, 0.96, 0.98, 0.99],
    targetFactor: [0.8, 0.85, 0.9, 0.95, 1],
    scaleInRatio: [0.7, 0.8, 0.85, 0.9, 0.95],
    seasonDays: [0, 1, 3, 7],
    levelMinutes: [10, 20, 30, 60],
    trendMinutes: [30, 60, 120],
    scaleInCooldown: [120, 300, 600],
    size: sizes,
    minReplicas: [1, 2],
  };
  const trials: TuneTrial[] = [];
  const seen = new Map<string, TuneTrial>();
  const evaluate = async (p: TuneParams): Promise<TuneTrial> => {
    const key = JSON.stringify(p);
    const hit = seen.get(key);
    if (hit) return hit;
    const run = await runPolicy(fit, policyWith(template, p));
    const rate = run.violatingMinutes / Math.max(1, run.minutes);
    const t: TuneTrial = { params: p, cost: run.cost, costRatio: o.cost > 0 ? run.cost / o.cost : Infinity, sloViolationRate: rate, feasible: rate <= limit };
    seen.set(key, t);
    trials.push(t);
    return t;
  };
  // Start from the shipped policy's own settings, so a small budget can only improve on it.
  const pr = template.policy.rules.find((r) => r.predictive !== undefined)!.predictive;
  const lts =
    template.settings.loadTestTarget === undefined
      ? []
      : Array.isArray(template.settings.loadTestTarget)
        ? template.settings.loadTestTarget
        : [template.settings.loadTestTarget];
  const start: TuneParams = {
    targetFactor: lts.find((lt) => template.policy.rules.find((r) => r.name === lt.rule)?.predictive)?.safetyFactor ?? 1,
    scaleInRatio: pr.scaleInRatio,
    scaleInCooldown: template.policy.limits.cooldown.scaleIn,
    headroomQuantile: pr.headroomQuantile,
    seasonDays: pr.seasonDays,
    levelMinutes: pr.levelMinutes,
    trendMinutes: pr.trendMinutes,
    size: cheapestSizeFor(fit),
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
        const p = { ...best.params, [key]: value };
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
  let holdout: HoldoutScore | undefined;
  if (holdoutDays > 0) {
    const full = oracle(s);
    const bound = clairvoyant(s, full);
    const tunedRun = await runPolicy(s, policy);
    const defaultRun = await runPolicy(s, template);
    holdout = {
      days: holdoutDays,
      from: cut,
      minutes: total - cut,
      tuned: windowScore(tunedRun, cut, total, full.costPerMinute, bound.costPerMinute),
      default: windowScore(defaultRun, cut, total, full.costPerMinute, bound.costPerMinute),
    };
  }
  // The file holds the numbers the simulator ran (targets from its load test), ready to deploy.
  const prepared = preparePolicy(policy, fit);
  const { targets: _targets, ...doc } = prepared.policy;
  const header = `# Tuned by \`autoscaler tune\` on ${s.load.trace.name}${holdoutDays > 0 ? ` (first ${cut} of ${total} minutes; the last ${holdoutDays} days held out)` : ''} (${s.profile.kind}, p95 <= ${s.sloMs} ms, peak ${s.load.peakRps} req/s, seed ${s.seed}).\n# ${(100 * best.sloViolationRate).toFixed(2)}% SLO-violating minutes, ${best.costRatio.toFixed(3)}x the oracle; ${trials.length} simulations.\n`;
  const { loadTestTarget: _lt, ...settings } = { ...policy.settings, size: best.params.size };
  return {
    best,
    trials,
    policy,
    oracleCost: o.cost,
    ...(holdout ? { holdout } : {}),
    policyYaml: header + stringify(doc),
    settingsYaml: `# How the simulator runs tuned.yaml: the periodic evaluation only (no alarms), at the size it was tuned at.\n${stringify(settings)}`,
  };
}
