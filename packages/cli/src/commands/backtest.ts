import { join } from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '@autoscaler/core';
import { DEFAULT_SEED, DEFAULT_SLO_MS, loadSimulationPolicy, allProviderKinds, type SimulationReport } from '@autoscaler/simulator';
import { type CliIO, processIO } from '../io';
import { runComparison, scenarioFromFlags, type ScenarioFlags } from './simulate';

export interface BacktestFlags extends ScenarioFlags {
  policy?: string;
  out?: string;
  json?: boolean;
}

/** `autoscaler backtest`: one policy on the user's own trace (CSV or metric export), against the oracle. */
export async function runBacktest(io: CliIO, flags: BacktestFlags): Promise<SimulationReport & { report: string }> {
  if (!flags.trace) throw ValidationError.field('--trace', 'is required: a trace CSV or a CloudWatch/OCI Monitoring metric export (JSON)');
  if (!flags.policy) throw ValidationError.field('--policy', 'is required: the policy file to backtest');
  const s = scenarioFromFlags(flags, true);
  const policy = loadSimulationPolicy(flags.policy, s.profile.kind, '--policy');
  return runComparison(io, s, [policy], { out: flags.out ?? join('out', 'backtest'), json: flags.json ?? false, label: 'backtesting' });
}

export function registerBacktestCommand(program: Command, io: CliIO = processIO): void {
  program
    .command('backtest')
    .description(
      'Replay your own traffic (trace CSV, or a CloudWatch / OCI Monitoring metric export as JSON) against one policy on a simulated cloud: cost vs the oracle, SLO-violating minutes, latency, actions; writes an HTML report',
    )
    .requiredOption(
      '--trace <file>',
      'trace CSV (t_seconds,requests) or a CloudWatch get-metric-statistics / get-metric-data or OCI summarize-metrics-data JSON of a request count',
    )
    .requiredOption('--policy <file>', 'the policy file (a <name>.sim.yaml next to it wires its alarms)')
    .option('--provider <name>', `simulated cloud: ${allProviderKinds.join(' | ')}`, 'oci')
    .option('--slo-p95-ms <n>', 'latency objective: p95 per minute, ms', String(DEFAULT_SLO_MS))
    .option('--peak-rps <n>', 'scale the trace so its busiest minute is n requests/s (default: as recorded)', 'recorded')
    .option('--service-time-ms <n>', 'mean service time of one request on one vCPU, ms', '50')
    .option('--seed <n>', 'seed for provisioning-time jitter', String(DEFAULT_SEED))
    .option('--cold-start', "start at the policy's minimum instead of the capacity the oracle needs in the first minute")
    .option('--out <dir>', 'directory for index.html', join('out', 'backtest'))
    .option('--json', 'print the result as JSON')
    .action(async (opts: BacktestFlags) => {
      await runBacktest(io, opts);
    });
}
