/**
 * Policy comparison on every trace in the repo, every provider profile and every synthetic
 * scenario, at two scales: today's default peak (400 req/s, a fleet of 1-2 large or a handful of
 * small instances) and 10x that (a fleet of tens). For each: the default (untuned) policies
 * against the oracle and the clairvoyant bound, and whether our best meets its aims there:
 * <= 1% SLO-violating minutes, cheaper than every baseline that meets the same 1%, and on the
 * 14-day traces <= 1.15x the clairvoyant bound. On the 14-day traces also a rolling-origin test:
 * `tune` on days 1-7 (budget capped), then the tuned policy and the default replayed over all 14
 * days and scored on days 8-14 only (the tuned week is never scored). Nothing here tunes the
 * defaults. Run: `npx tsx bench/policies.ts [--budget N]`. Writes bench/results/policies.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_PEAK_RPS,
  DEFAULT_SLO_MS,
  embeddedTraces,
  loadTraceFile,
  makeScenario,
  providerKinds,
  scaleToPeak,
  shippedPolicies,
  simulate,
  comparisonScenarios,
  tracesDir,
  tune,
} from '@autoscaler/simulator';
import type { Trace } from '@autoscaler/simulator';

const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;
const budgetArg = process.argv.indexOf('--budget');
const TUNE_BUDGET = budgetArg > 0 ? Number(process.argv[budgetArg + 1]) : 10;
const SEED = 1;
const SCALES = [1, 10];

interface Input {
  trace: Trace;
  kind: 'trace' | 'scenario';
}

async function main(): Promise<void> {
  const started = performance.now();
  const inputs: Input[] = [
    ...embeddedTraces.map((f): Input => ({ trace: loadTraceFile(join(tracesDir, f)), kind: 'trace' })),
    ...comparisonScenarios.map((s): Input => ({ trace: s.generate(SEED), kind: 'scenario' })),
  ];
  const rows = [];
  const rolling = [];
  for (const { trace, kind } of inputs) {
    const days = trace.requests.length / 1440;
    for (const provider of providerKinds) {
      for (const scale of SCALES) {
        const peakRps = DEFAULT_PEAK_RPS * scale;
        const s = makeScenario({ load: scaleToPeak(trace, peakRps), provider, seed: SEED });
        const t0 = performance.now();
        const result = await simulate(s, shippedPolicies(provider), { stepTest: false });
        const policies = result.summaries.map((p) => ({
          name: p.name,
          baseline: p.baseline,
          costRatio: r4(p.costRatio),
          clairvoyantRatio: r4(p.clairvoyantRatio),
          sloViolationRate: r4(p.sloViolationRate),
          violatingMinutes: p.violatingMinutes,
          actions: p.actions,
        }));
        const ours = result.summaries.find((p) => !p.baseline)!;
        const meeting = result.summaries.filter((p) => p.baseline && p.sloViolationRate <= 0.01);
        const aims = {
          atMost1PercentViolatingMinutes: ours.sloViolationRate <= 0.01,
          cheaperThanEveryBaselineMeetingSlo: ours.sloViolationRate <= 0.01 && meeting.every((b) => ours.cost < b.cost),
          ...(days >= 14 ? { atMost115xClairvoyant: ours.clairvoyantRatio <= 1.15 } : {}),
          baselinesMeetingSlo: meeting.map((b) => b.name),
        };
        rows.push({
          trace: trace.name,
          kind,
          provider,
          peakRps,
          minutes: s.load.rps.length,
          oracleCost: r4(result.oracle.cost),
          clairvoyantCost: r4(result.clairvoyant.cost),
          clairvoyantOverOracle: r4(result.clairvoyant.cost / result.oracle.cost),
          policies,
          aims,
          wallMs: Math.round(performance.now() - t0),
        });
        process.stderr.write(
          `${trace.name} ${provider} x${scale}: ours ${ours.costRatio.toFixed(2)}x oracle, ${ours.clairvoyantRatio.toFixed(2)}x clairvoyant, ${(100 * ours.sloViolationRate).toFixed(2)}% violating\n`,
        );

        if (days >= 14) {
          const t1 = performance.now();
          const tuned = await tune(s, { budget: TUNE_BUDGET, holdoutDays: days - 7 });
          const h = tuned.holdout!;
          const w = (x: typeof h.tuned) => ({
            costRatio: r4(x.costRatio),
            clairvoyantRatio: r4(x.clairvoyantRatio),
            sloViolationRate: r4(x.sloViolationRate),
            violatingMinutes: x.violatingMinutes,
            cost: r4(x.cost),
          });
          rolling.push({
            trace: trace.name,
            provider,
            peakRps,
            tunedOnMinutes: h.from,
            scoredMinutes: h.minutes,
            trials: tuned.trials.length,
            params: tuned.best.params,
            tuned: w(h.tuned),
            default: w(h.default),
            aims: { tunedAtMost1PercentHeldOut: h.tuned.sloViolationRate <= 0.01, tunedCheaperThanDefault: h.tuned.cost < h.default.cost },
            wallMs: Math.round(performance.now() - t1),
          });
          process.stderr.write(
            `  rolling origin: tuned ${h.tuned.costRatio.toFixed(2)}x, ${(100 * h.tuned.sloViolationRate).toFixed(2)}% held out; default ${h.default.costRatio.toFixed(2)}x, ${(100 * h.default.sloViolationRate).toFixed(2)}%\n`,
          );
        }
      }
    }
  }
  const out = {
    scenario: {
      peakRps: SCALES.map((x) => DEFAULT_PEAK_RPS * x),
      sloP95Ms: DEFAULT_SLO_MS,
      seed: SEED,
      start: 'warm',
      serviceModel: 'M/M/c per instance, 50 ms mean service time per vCPU worker',
      tuneBudget: TUNE_BUDGET,
    },
    note: 'default policies untuned (our best: trace-independent defaults, targets from the load test of the simulated instance); azure_llm_code_2023_1s is summed into minutes, so it repeats the 1min rows; rolling origin: tune on days 1-7, score days 8-14 of a replay of all 14 days',
    wallMs: Math.round(performance.now() - started),
    rows,
    rolling,
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'policies.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stderr.write(`done in ${(out.wallMs / 1000).toFixed(0)} s\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
