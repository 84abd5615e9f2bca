import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '@autoscaler/core';
import { DEFAULT_SEED, DEFAULT_SLO_MS, allProviderKinds, settingsPathFor, tune, type TuneResult } from '@autoscaler/simulator';
import { type CliIO, processIO, progress } from '../io';
import { parseProvider, scenarioFromFlags, type ScenarioFlags } from './simulate';

export interface TuneFlags extends ScenarioFlags {
  out?: string;
  budget?: string;
  json?: boolean;
  holdoutDays?: string;
}

/** `autoscaler tune`: fit our best policy's knobs to the user's trace; write the winner and its wiring. */
export async function runTune(io: CliIO, flags: TuneFlags): Promise<TuneResult & { files: string[] }> {
  if (!flags.trace) throw ValidationError.field('--trace', 'is required: the trace to fit the policy to');
  parseProvider(flags.provider, undefined);
  const budget = flags.budget === undefined ? 40 : Number(flags.budget);
  if (!Number.isInteger(budget) || budget < 1 || budget > 1000)
    throw ValidationError.field('--budget', `"${flags.budget}" must be a whole number of simulations between 1 and 1000`);
  const holdoutDays = flags.holdoutDays === undefined ? 0 : Number(flags.holdoutDays);
  if (!Number.isFinite(holdoutDays) || holdoutDays < 0 || holdoutDays > 365)
    throw ValidationError.field('--holdout-days', `"${flags.holdoutDays}" must be a number of days between 0 and 365`);
  const s = scenarioFromFlags(flags, true);
  const bar = progress(io, 'tuning', budget);
  const result = await tune(s, { budget, holdoutDays, onProgress: (done) => bar.tick(done) });
  bar.done();
  const out = resolve(flags.out ?? 'tuned-policy.yaml');
  const sidecar = settingsPathFor(out);
  try {
    writeFileSync(out, result.policyYaml);
    writeFileSync(sidecar, result.settingsYaml);
  } catch (e) {
    throw ValidationError.field('--out', `cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const b = result.best;
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          trace: s.load.trace.name,
          provider: s.profile.kind,
          sloP95Ms: s.sloMs,
          oracleCost: result.oracleCost,
          best: b,
          trials: result.trials.length,
          ...(result.holdout ? { holdout: result.holdout } : {}),
          files: [out, sidecar],
        },
        null,
        2,
      ),
    );
  } else {
    io.out(`tuned on ${s.load.trace.name} (${s.profile.kind}, p95 <= ${s.sloMs} ms): ${result.trials.length} simulations`);
    io.out(
      `best: cost ${b.cost.toFixed(2)} USD = ${b.costRatio.toFixed(3)}x the oracle, ${(100 * b.sloViolationRate).toFixed(2)}% SLO-violating minutes${b.feasible ? '' : ' (nothing met <= 1%: this is the fewest violations found)'}`,
    );
    io.out(`params: ${JSON.stringify(b.params)}`);
    const h = result.holdout;
    if (h) {
      const line = (w: typeof h.tuned): string =>
        `${w.costRatio.toFixed(3)}x the oracle, ${w.clairvoyantRatio.toFixed(3)}x the clairvoyant bound, ${(100 * w.sloViolationRate).toFixed(2)}% SLO-violating minutes`;
      io.out(`held out (last ${h.days} days, never tuned on): tuned ${line(h.tuned)}; default ${line(h.default)}`);
    }
    io.out(`wrote ${out} and ${sidecar}`);
  }
  return { ...result, files: [out, sidecar] };
}

export function registerTuneCommand(program: Command, io: CliIO = processIO): void {
  program
    .command('tune')
    .description(
      "Fit a policy to your own traffic: search our best policy's predictive rule (headroom quantile, season, level and trend windows, target, scale-in ratio), size, scale-in cooldown and minimum to minimise cost with at most 1% SLO-violating minutes, then write the winning policy file (and its .sim.yaml); --holdout-days scores it on days it never saw",
    )
    .requiredOption('--trace <file>', 'trace CSV (t_seconds,requests) or a CloudWatch / OCI Monitoring metric export (JSON)')
    .requiredOption('--provider <name>', `simulated cloud: ${allProviderKinds.join(' | ')}`)
    .option('--slo-p95-ms <n>', 'latency objective: p95 per minute, ms', String(DEFAULT_SLO_MS))
    .option('--peak-rps <n>', 'scale the trace so its busiest minute is n requests/s (default: as recorded)', 'recorded')
    .option('--service-time-ms <n>', 'mean service time of one request on one vCPU, ms', '50')
    .option('--seed <n>', 'seed for provisioning-time jitter', String(DEFAULT_SEED))
    .option('--cold-start', "start at the policy's minimum instead of the capacity the oracle needs in the first minute")
    .option('--budget <n>', 'most simulations to run', '40')
    .option('--holdout-days <n>', 'tune on all but the last n days, then score the tuned policy and the default on those days only', '0')
    .option('--out <file>', 'where to write the tuned policy', 'tuned-policy.yaml')
    .option('--json', 'print the result as JSON')
    .action(async (opts: TuneFlags) => {
      await runTune(io, opts);
    });
}
