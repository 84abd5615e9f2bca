import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '@autoscaler/core';
import {
  DEFAULT_PEAK_RPS,
  DEFAULT_SEED,
  DEFAULT_SLO_MS,
  defaultTracePath,
  formatTable,
  loadSimulationPolicy,
  loadTraceFile,
  makeScenario,
  allProviderKinds,
  defaultPolicies,
  renderHtmlReport,
  scaleToPeak,
  simulate,
  syntheticScenarioNames,
  syntheticScenarios,
  syntheticTrace,
  toReport,
} from '@autoscaler/simulator';
import type { ProviderKind, Scenario, SimulationPolicy, SimulationReport, SimulationResult } from '@autoscaler/simulator';
import { clouds, namesOf } from '../clouds';
import { type CliIO, processIO, progress } from '../io';

/** Flags shared by simulate, backtest and tune. */
export interface ScenarioFlags {
  trace?: string;
  /** A synthetic scenario instead of a trace file. */
  scenario?: string;
  /** Start every policy at its minimum instead of the oracle's first-minute capacity. */
  coldStart?: boolean;
  provider?: string;
  sloP95Ms?: string;
  peakRps?: string;
  seed?: string;
  serviceTimeMs?: string;
}

function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw ValidationError.field(flag, `"${value}" must be a positive number`);
  return n;
}

/**
 * The names the other commands and policies use for the same clouds (`aws`, `aws-sagemaker` for
 * `sagemaker`), from the cloud registry: a cloud added there is named the same way here.
 */
function providerAliases(): Readonly<Record<string, ProviderKind>> {
  const out: Record<string, ProviderKind> = {};
  for (const kind of allProviderKinds) {
    const cloud = clouds.find((c) => namesOf(c).includes(kind));
    for (const name of cloud ? namesOf(cloud) : []) if (name !== kind && !(name in out)) out[name] = kind;
  }
  return out;
}
const PROVIDER_ALIASES = providerAliases();

export function parseProvider(value: string | undefined, fallback: ProviderKind | undefined = 'oci'): ProviderKind {
  const v = value ?? fallback;
  const valid = `${allProviderKinds.join(', ')} (or ${Object.keys(PROVIDER_ALIASES).join(', ')})`;
  if (v === undefined) throw ValidationError.field('--provider', `is required: one of ${valid}`);
  if ((allProviderKinds as readonly string[]).includes(v)) return v as ProviderKind;
  const alias = PROVIDER_ALIASES[v];
  if (alias) return alias;
  throw ValidationError.field('--provider', `unknown provider "${v}": use one of ${valid}`);
}

/** `--scenario` help: each synthetic scenario with what it is. */
export const scenarioHelp = `synthetic scenario instead of --trace (seeded by --seed): ${syntheticScenarios.map((x) => `${x.name} (${x.description})`).join('; ')}`;

/**
 * The scenario the flags describe. `--peak-rps recorded` (the default when
 * `recordedByDefault`) keeps the trace's own rates: a user's real traffic.
 */
export function scenarioFromFlags(flags: ScenarioFlags, recordedByDefault: boolean): Scenario {
  const provider = parseProvider(flags.provider);
  const seed = flags.seed === undefined ? DEFAULT_SEED : Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0) throw ValidationError.field('--seed', `"${flags.seed}" must be a whole number >= 0`);
  const sloMs = positive(flags.sloP95Ms, '--slo-p95-ms', DEFAULT_SLO_MS);
  const serviceTimeMs = positive(flags.serviceTimeMs, '--service-time-ms', 50);
  if (flags.scenario !== undefined && flags.trace !== undefined) throw ValidationError.field('--scenario', 'give either --trace or --scenario, not both');
  // Scale to zero pays only where the load stops: without a trace, sagemaker-ic replays the business-hours week.
  const scenario = flags.scenario ?? (flags.trace === undefined && provider === 'sagemaker-ic' ? 'business-hours' : undefined);
  const trace = scenario !== undefined ? syntheticTrace(scenario, seed, '--scenario') : loadTraceFile(flags.trace ?? defaultTracePath, '--trace');
  let peak: number;
  if (flags.peakRps === 'recorded' || (flags.peakRps === undefined && recordedByDefault)) {
    peak = Math.max(...trace.requests) / 60;
    if (!(peak > 0)) throw ValidationError.field('--trace', `${trace.name} has no requests at all`);
  } else {
    peak = positive(flags.peakRps, '--peak-rps', DEFAULT_PEAK_RPS);
  }
  return makeScenario({ load: scaleToPeak(trace, peak), provider, sloMs, seed, model: { serviceTimeMs }, coldStart: flags.coldStart === true });
}

/** Write `<out>/index.html`; returns its path. */
export function writeHtml(result: SimulationResult, out: string): string {
  const dir = resolve(out);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw ValidationError.field('--out', `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const file = join(dir, 'index.html');
  writeFileSync(file, renderHtmlReport(result));
  return file;
}

/** Run the policies with a progress bar on stderr, print the table (or JSON), write the HTML report. */
export async function runComparison(
  io: CliIO,
  s: Scenario,
  policies: SimulationPolicy[],
  opts: { out: string; json?: boolean; label: string },
): Promise<SimulationReport & { report: string }> {
  const bar = progress(io, opts.label, 1000);
  const result = await simulate(s, policies, { onProgress: (f) => bar.tick(Math.round(f * 1000)) });
  bar.done();
  const file = writeHtml(result, opts.out);
  const report = { ...toReport(result), report: file };
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2));
    for (const w of result.warnings) io.err(`warning: ${w}`);
  } else {
    io.out(formatTable(result));
    io.out('');
    io.out('Estimates, not measurements (profiles.json nulls and modelling choices):');
    for (const e of s.profile.estimates) io.out(`  - ${e}`);
    const notes = result.summaries.flatMap((p) => p.notes.map((n) => `  - ${p.name}: ${n}`));
    if (notes.length > 0) {
      io.out('Notes:');
      for (const n of notes) io.out(n);
    }
    io.out(`\nReport: ${file}`);
  }
  return report;
}

export interface SimulateFlags extends ScenarioFlags {
  policy?: string[];
  out?: string;
  json?: boolean;
}

/** `autoscaler simulate`: every policy (default: the baselines and ours) on one trace and provider. */
export async function runSimulate(io: CliIO, flags: SimulateFlags): Promise<SimulationReport & { report: string }> {
  const s = scenarioFromFlags(flags, false);
  const policies =
    flags.policy && flags.policy.length > 0 ? flags.policy.map((p) => loadSimulationPolicy(p, s.profile.kind, '--policy')) : defaultPolicies(s.profile.kind);
  return runComparison(io, s, policies, { out: flags.out ?? join('out', 'simulate'), json: flags.json ?? false, label: 'simulating' });
}

export function registerSimulateCommand(program: Command, io: CliIO = processIO): void {
  program
    .command('simulate')
    .description(
      'Replay a real request trace (or a synthetic scenario) against autoscaling policies on a simulated cloud, through the same orchestrator the apps use: cost, cost vs an instant oracle and vs a clairvoyant bound that obeys provisioning delays, SLO-violating minutes, latency; writes an HTML report. With no arguments: 14 days of NASA web traffic, the four published baselines and our best policy.',
    )
    .option(
      '--trace <file>',
      'trace CSV (t_seconds,requests per minute or per second) or a CloudWatch/OCI Monitoring metric export (JSON); default: the embedded NASA trace',
    )
    .option('--scenario <name>', `${scenarioHelp}; one of ${syntheticScenarioNames.join(', ')}`)
    .option('--cold-start', 'start every policy at its minimum instead of the capacity the oracle needs in the first minute')
    .option('--policy <file...>', 'policy files (YAML/JSON; a <name>.sim.yaml next to one wires its alarms); default: the shipped baselines and our best')
    .option('--provider <name>', `simulated cloud: ${allProviderKinds.join(' | ')} (aliases ${Object.keys(PROVIDER_ALIASES).join(', ')})`, 'oci')
    .option('--slo-p95-ms <n>', 'latency objective: p95 per minute, ms', String(DEFAULT_SLO_MS))
    .option('--peak-rps <n>', 'scale the trace so its busiest minute is n requests/s, or "recorded"', String(DEFAULT_PEAK_RPS))
    .option('--service-time-ms <n>', 'mean service time of one request on one vCPU, ms', '50')
    .option('--seed <n>', 'seed for provisioning-time jitter', String(DEFAULT_SEED))
    .option('--out <dir>', 'directory for index.html', join('out', 'simulate'))
    .option('--json', 'print the comparison as JSON')
    .action(async (opts: SimulateFlags) => {
      await runSimulate(io, opts);
    });
}
