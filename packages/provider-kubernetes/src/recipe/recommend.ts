import { ValidationError } from '@autoscaler/core';
import { formatCpu, formatMemory } from '../model/quantity';
import type { LoadRow, UsageRow } from './csv';

export interface RecipeOptions {
  /** HPA CPU target, percent of the request (default 70). */
  targetUtilization?: number;
  /** maxReplicas covers the peak rate times this (default 1.25). */
  headroom?: number;
  /** Never recommend fewer replicas than this (default 1; 2 keeps serving through a pod restart). */
  minReplicasFloor?: number;
  /** p95 latency above this marks a stage as saturated; its per-replica rate caps the capacity estimate. */
  latencySloMs?: number;
  /** Seconds to add to the load stages' start times to line them up with the usage samples (default 0). */
  offsetSeconds?: number;
  /** Plan for this peak rate instead of the highest measured one (transactions/s). */
  peakRate?: number;
}

/** One load stage with the usage measured during it. */
export interface StageUsage {
  minute: number;
  transactionRate: number;
  p95ResponseMs: number;
  availabilityPct: number;
  containers: number;
  cpuUsedCores: number;
  memoryUsedMiB: number;
}

export interface Recipe {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  hpa: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
  evidence: {
    samples: number;
    loadedSamples: number;
    cpuPerContainerP90: number;
    memoryPerContainerP95MiB: number;
    memoryPerContainerMaxMiB: number;
    /** Cores per transaction/s (the slope of CPU used against the transaction rate). */
    coresPerTransactionPerSecond: number;
    /** Intercept of that fit: cores used at no load, all containers. */
    idleCores: number;
    fitR2?: number;
    /** Transactions/s one replica sustains at the HPA target. */
    ratePerReplica: number;
    peakRate: number;
    lowRate: number;
    latencyLimitedRatePerReplica?: number;
    stages: StageUsage[];
  };
  notes: string[];
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const roundUp = (v: number, step: number): number => Math.max(step, Math.ceil(v / step - 1e-9) * step);

function linearFit(points: ReadonlyArray<[number, number]>): { slope: number; intercept: number } | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) return undefined;
  // A flat series leaves rounding noise in sxy: its slope is 0, not 1e-18.
  const slope = isNoise(syy, my, n) ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** A sum of squares that is only floating-point rounding of values around `mean`. */
const isNoise = (sumSquares: number, mean: number, n: number): boolean => sumSquares <= 1e-20 * n * (mean * mean + 1);

/**
 * How much of the spread of the measured points the line explains: 1 - SSres/SStot over every
 * sample (not the per-stage means, which two stages always fit exactly), 0 when the points do
 * not vary at all (a flat CPU explains nothing about load) or the line does worse than their mean.
 */
function rSquared(points: ReadonlyArray<[number, number]>, line: { slope: number; intercept: number }): number {
  const my = points.reduce((a, p) => a + p[1], 0) / points.length;
  let res = 0;
  let tot = 0;
  for (const [x, y] of points) {
    res += (y - (line.intercept + line.slope * x)) ** 2;
    tot += (y - my) ** 2;
  }
  return isNoise(tot, my, points.length) ? 0 : Math.max(0, 1 - res / tot);
}

/**
 * Turns a monitor run (usage.csv) and a load test run (load.csv) into
 * requests/limits and HPA min/max/target:
 * - CPU request: p90 of per-container CPU under load (what the VPA recommender
 *   targets); CPU limit: 2x the request. Memory request: p95 per container;
 *   memory limit: 1.25x the highest seen.
 * - Capacity: CPU used against the transaction rate, fitted per stage; one
 *   replica sustains `request x target / slope` transactions/s, capped by the
 *   per-replica rate of any stage whose p95 broke the latency SLO.
 * - maxReplicas covers the peak rate with headroom; minReplicas the lowest loaded rate.
 */
export function recommendRecipe(usage: readonly UsageRow[], load: readonly LoadRow[], options: RecipeOptions = {}): Recipe {
  const target = options.targetUtilization ?? 70;
  const headroom = options.headroom ?? 1.25;
  const floor = options.minReplicasFloor ?? 1;
  const offset = options.offsetSeconds ?? 0;
  if (!(target > 0 && target <= 100)) throw ValidationError.field('--target', `must be a percentage in (0, 100], got ${target}`);
  if (!(headroom >= 1)) throw ValidationError.field('--headroom', `must be >= 1, got ${headroom}`);
  const measured = usage.filter((u) => u.containers > 0 && u.cpuUsedCores !== undefined && u.memoryUsedMiB !== undefined);
  if (measured.length === 0) throw ValidationError.field('--usage', 'has no row with containers and CPU/memory used (was metrics-server reachable?)');
  const loaded = load.filter((l) => l.transactions > 0);
  if (loaded.length === 0) throw ValidationError.field('--load', 'has no stage with completed transactions');

  const stages: StageUsage[] = [];
  for (const l of loaded) {
    const from = l.startSeconds + offset;
    const inside = measured.filter((u) => u.seconds >= from && u.seconds < from + l.durationSeconds);
    if (inside.length === 0) continue;
    const mean = (f: (u: UsageRow) => number): number => inside.reduce((a, u) => a + f(u), 0) / inside.length;
    stages.push({
      minute: l.minute,
      transactionRate: l.transactionRate,
      p95ResponseMs: l.p95ResponseMs,
      availabilityPct: l.availabilityPct,
      containers: mean((u) => u.containers),
      cpuUsedCores: mean((u) => u.cpuUsedCores!),
      memoryUsedMiB: mean((u) => u.memoryUsedMiB!),
    });
  }
  if (stages.length === 0)
    throw ValidationError.field('--load', 'no load stage overlaps the usage samples in time (start monitor and loadtest together, or pass --offset)');

  const notes: string[] = [];
  const loadedSamples = measured.filter((u) =>
    loaded.some((l) => u.seconds >= l.startSeconds + offset && u.seconds < l.startSeconds + offset + l.durationSeconds),
  );
  const basis = loadedSamples.length > 0 ? loadedSamples : measured;
  const cpuPer = basis.map((u) => u.cpuUsedCores! / u.containers);
  const memPer = measured.map((u) => u.memoryUsedMiB! / u.containers);
  const cpuP90 = quantile(cpuPer, 0.9);
  const memP95 = quantile(memPer, 0.95);
  const memMax = Math.max(...memPer);
  const cpuRequest = roundUp(cpuP90, 0.05);
  const memRequestMiB = roundUp(memP95, 16);
  const memLimitMiB = roundUp(Math.max(memMax * 1.25, memRequestMiB), 64);

  const fit = linearFit(stages.map((s) => [s.transactionRate, s.cpuUsedCores]));
  // Every loaded sample against its stage's rate: the points the fit is judged on.
  const samplePoints: Array<[number, number]> = [];
  for (const l of loaded) {
    const from = l.startSeconds + offset;
    for (const u of measured) if (u.seconds >= from && u.seconds < from + l.durationSeconds) samplePoints.push([l.transactionRate, u.cpuUsedCores!]);
  }
  const r2 = fit ? rSquared(samplePoints, fit) : undefined;
  let slope: number;
  let idle = 0;
  if (fit && fit.slope > 0) {
    slope = fit.slope;
    idle = Math.max(0, fit.intercept);
    if (r2! < 0.6) notes.push(`CPU follows the transaction rate only loosely (r² ${r2!.toFixed(2)}): run more stages at steady load`);
  } else {
    const s =
      stages.reduce((a, x) => a + x.cpuUsedCores, 0) /
      Math.max(
        1e-9,
        stages.reduce((a, x) => a + x.transactionRate, 0),
      );
    slope = s;
    const levels = new Set(stages.map((x) => x.transactionRate)).size;
    notes.push(
      fit
        ? `CPU did not rise with the transaction rate over ${levels} load levels (slope ${fit.slope.toExponential(2)} cores per tx/s): capacity estimated from the mean CPU per transaction; check that metrics-server samples the pods under load`
        : `fewer than two distinct load levels overlap the usage samples (${levels}): capacity estimated from the mean CPU per transaction`,
    );
  }
  let ratePerReplica = (cpuRequest * (target / 100)) / slope;
  let latencyLimited: number | undefined;
  if (options.latencySloMs !== undefined) {
    const breached = stages.filter((s) => s.p95ResponseMs > options.latencySloMs! || s.availabilityPct < 99);
    if (breached.length > 0) {
      latencyLimited = Math.min(...breached.map((s) => (s.transactionRate / Math.max(1, s.containers)) * 0.9));
      if (latencyLimited < ratePerReplica) {
        notes.push(
          `stage(s) ${breached.map((s) => s.minute).join(', ')} broke the ${options.latencySloMs} ms p95 SLO below the CPU target: capacity per replica capped at ${latencyLimited.toFixed(1)}/s`,
        );
        ratePerReplica = latencyLimited;
      }
    }
  }
  const peak = options.peakRate ?? Math.max(...stages.map((s) => s.transactionRate));
  const low = Math.min(...stages.map((s) => s.transactionRate));
  const maxReplicas = Math.max(floor, Math.ceil((peak * headroom) / ratePerReplica));
  const minReplicas = Math.min(maxReplicas, Math.max(floor, Math.ceil(low / ratePerReplica)));
  if (floor < 2) notes.push('minReplicas below 2 means a pod restart interrupts service; consider --min-replicas 2');

  const evidence: Recipe['evidence'] = {
    samples: measured.length,
    loadedSamples: loadedSamples.length,
    cpuPerContainerP90: cpuP90,
    memoryPerContainerP95MiB: memP95,
    memoryPerContainerMaxMiB: memMax,
    coresPerTransactionPerSecond: slope,
    idleCores: idle,
    ratePerReplica,
    peakRate: peak,
    lowRate: low,
    stages,
  };
  if (r2 !== undefined) evidence.fitR2 = r2;
  if (latencyLimited !== undefined) evidence.latencyLimitedRatePerReplica = latencyLimited;
  return {
    requests: { cpu: formatCpu(cpuRequest), memory: formatMemory(memRequestMiB * 2 ** 20) },
    limits: { cpu: formatCpu(cpuRequest * 2), memory: formatMemory(memLimitMiB * 2 ** 20) },
    hpa: { minReplicas, maxReplicas, targetCPUUtilizationPercentage: Math.round(target) },
    evidence,
    notes,
  };
}
