/**
 * Simulator benchmark: 14 days of the NASA trace at 1-minute resolution through 6 policies
 * (the four baselines, our best, and a user-style policy wired by derivation), each through
 * the real orchestrator, plus the oracle and the run summaries. Next to it, in the same run,
 * a baseline: reading and scaling the trace, and the load model alone (the per-minute
 * M/M/c arithmetic for 6 policies with no control loop), so the figure reads as a ratio.
 * Run: `npx tsx bench/simulator.ts`. Writes bench/results/simulator.json.
 *
 * The simulator is measured as it ships: bundled by esbuild (one module, no dev transform).
 * The bundle is written two folders below packages/simulator (.bench/bundle/), as the modules
 * are in src/ and dist/, so their `__dirname/../..` paths to traces, profiles and policies resolve.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { validatePolicy } from '@autoscaler/core';
import type * as Simulator from '@autoscaler/simulator';
import { loadBundled } from './shared';

type Sim = typeof Simulator;

function shippedSimulator(): Sim {
  return loadBundled<Sim>(join(__dirname, '../packages/simulator/src/index.ts'), join(__dirname, '..', 'packages', 'simulator', '.bench', 'bundle'));
}

const ROUNDS = 3;

async function main(): Promise<void> {
  const sim = shippedSimulator();
  const provider = 'oci' as const;
  const userPolicy = validatePolicy({
    name: 'user-cpu-target',
    limits: { minReplicas: 1, maxReplicas: 40, cooldown: { scaleOut: 120, scaleIn: 300 } },
    rules: [{ name: 'cpu-60', targetTracking: { metric: 'CpuUtilization', target: 60 } }],
  });
  const policies = [
    ...sim.shippedPolicies(provider),
    { name: 'user-cpu-target (derived wiring)', policy: userPolicy, settings: sim.deriveSettings(userPolicy, provider), derived: true },
  ];

  // Baseline 1: read and scale the trace.
  let readScaleMs = Infinity;
  let load!: Simulator.Load;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    load = sim.scaleToPeak(sim.loadTraceFile(sim.defaultTracePath), sim.DEFAULT_PEAK_RPS);
    readScaleMs = Math.min(readScaleMs, performance.now() - t0);
  }
  const scenario = sim.makeScenario({ load, provider });
  const minutes = load.rps.length;

  // Baseline 2: the load model alone, 6 policies x every minute, no control loop.
  let modelOnlyMs = Infinity;
  const q = [...scenario.queues.values()][0]!;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    let acc = 0;
    for (let p = 0; p < policies.length; p++) for (let m = 0; m < minutes; m++) acc += sim.serveMinute(scenario, q, m, 1 + (m % 7)).p95Ms > 0 ? 1 : 0;
    modelOnlyMs = Math.min(modelOnlyMs, performance.now() - t0);
    if (acc < 0) throw new Error('unreachable');
  }

  // The measured run: oracle + 6 policies through the orchestrator + summaries.
  let wallMs = Infinity;
  let summaries: Simulator.PolicySummary[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const result = await sim.simulate(scenario, policies, { stepTest: false });
    wallMs = Math.min(wallMs, performance.now() - t0);
    summaries = result.summaries;
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const policyMinutes = policies.length * minutes;
  const result = {
    policyMinutesPerSecond: Math.round(policyMinutes / (wallMs / 1000)),
    wallMs14d6p: Math.round(wallMs),
    peakRssMb: Math.round(peakRssMb),
    minutes,
    policies: policies.length,
    baseline: {
      readAndScaleTraceMs: Math.round(readScaleMs * 10) / 10,
      loadModelOnlyMs: Math.round(modelOnlyMs * 10) / 10,
      wallOverReadScale: Math.round((wallMs / readScaleMs) * 10) / 10,
      wallOverLoadModelOnly: Math.round((wallMs / modelOnlyMs) * 10) / 10,
    },
    aims: { wallMs14d6p: 2000, peakRssMb: 300, met: wallMs < 2000 && peakRssMb < 300 },
    check: summaries.map((s) => ({
      name: s.name,
      costRatio: Math.round(s.costRatio * 1000) / 1000,
      sloViolationRate: Math.round(s.sloViolationRate * 10_000) / 10_000,
      actions: s.actions,
    })),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadavg1m: Math.round(loadavg()[0]! * 100) / 100, node: process.version },
    rounds: ROUNDS,
    note: 'best of rounds; the machine is shared, so read the ratios to the baselines measured in the same run',
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'simulator.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
