import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parsePolicy } from '@autoscaler/core';
import { defaultTracePath } from '@autoscaler/simulator';
import { reportError, type CliIO } from '../../src/io';
import { captureIO } from '../support';
import { registerBacktestCommand, runBacktest } from '../../src/commands/backtest';
import { registerSimulateCommand, runSimulate } from '../../src/commands/simulate';
import { registerTuneCommand, runTune } from '../../src/commands/tune';
import { checkPolicy } from '../../src/commands/validate';

/** The three commands on a bare program, run in-process; resolves to the exit code. */
async function cli(args: string[], io: CliIO): Promise<number> {
  const program = new Command('autoscaler').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerSimulateCommand(program, io);
  registerBacktestCommand(program, io);
  registerTuneCommand(program, io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof Error && 'exitCode' in e) return (e as { exitCode: number }).exitCode;
    return reportError(io, e, args.includes('--json'));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'autoscaler-sim-cli-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
// Six hours of the NASA trace: fast, still real.
const nasaLines = readFileSync(defaultTracePath, 'utf8').split('\n');
const shortTrace = write('nasa-6h.csv', nasaLines.slice(0, 361).join('\n'));

describe('autoscaler simulate / backtest / tune', () => {
  it('our best is a deployable policy: `autoscaler validate` accepts it, and it needs nothing but the request history every app pulls', async () => {
    const file = join(__dirname, '..', '..', '..', 'simulator', 'policies', 'our-best.yaml');
    const check = await checkPolicy(readFileSync(file, 'utf8'), file);
    expect(check.valid).toBe(true);
    if (!check.valid) return;
    const predictive = check.policy.rules.filter((r) => r.predictive);
    expect(predictive.map((r) => r.predictive!.metric)).toEqual(['requests']);
    for (const r of check.policy.rules) {
      if (r.predictive) continue;
      expect(r.targetTracking).toMatchObject({ metric: 'requests', statistic: 'total' });
    }
  });

  it('every command has help', async () => {
    for (const cmd of ['simulate', 'backtest', 'tune']) {
      const io = captureIO();
      expect(await cli([cmd, '--help'], io)).toBe(0);
      expect(io.stdout.join('\n')).toMatch(new RegExp(`Usage: autoscaler ${cmd}`));
    }
  });

  it('simulate --json prints the comparison of the four baselines and ours, writes index.html, and reports progress on stderr', async () => {
    const io = captureIO();
    const out = join(dir, 'report');
    expect(await cli(['simulate', '--trace', shortTrace, '--provider', 'kubernetes', '--slo-p95-ms', '300', '--out', out, '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout.join('\n')) as { trace: string; sloP95Ms: number; oracleCost: number; policies: Array<Record<string, unknown>> };
    expect(report).toMatchObject({ trace: 'nasa-6h', sloP95Ms: 300 });
    expect(report.oracleCost).toBeGreaterThan(0);
    expect(report.policies.map((p) => [p['name'], p['baseline']])).toEqual([
      ['OCI sample function', true],
      ['AWS target tracking', true],
      ['AWS step scaling', true],
      ['Kubernetes HPA default', true],
      ['our best (predictive + load now)', false],
    ]);
    for (const p of report.policies) for (const k of ['cost', 'costRatio', 'sloViolationRate', 'p95Ms', 'actions']) expect(typeof p[k]).toBe('number');
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(io.stderr.join('\n')).toMatch(/simulating \[#+\] 100%/);
  });

  it('simulate --json reports the clairvoyant bound beside the oracle; --scenario runs a synthetic scenario; --cold-start starts at the minimum', async () => {
    const io = captureIO();
    const sample = join(__dirname, '..', '..', '..', 'simulator', 'policies', 'oci-sample.yaml');
    expect(await cli(['simulate', '--scenario', 'on-off', '--provider', 'k8s', '--policy', sample, '--out', join(dir, 'sc'), '--json'], io)).toBe(0);
    const warm = JSON.parse(io.stdout.join('\n')) as {
      trace: string;
      provider: string;
      coldStart: boolean;
      oracleCost: number;
      clairvoyantCost: number;
      policies: Array<{ cost: number; clairvoyantRatio: number }>;
    };
    expect(warm).toMatchObject({ trace: 'on-off', provider: 'kubernetes', coldStart: false });
    expect(warm.clairvoyantCost).toBeGreaterThanOrEqual(warm.oracleCost);
    expect(warm.policies[0]!.clairvoyantRatio).toBeCloseTo(warm.policies[0]!.cost / warm.clairvoyantCost, 3);
    const cold = captureIO();
    expect(
      await cli(['simulate', '--scenario', 'on-off', '--provider', 'kubernetes', '--policy', sample, '--out', join(dir, 'sc'), '--json', '--cold-start'], cold),
    ).toBe(0);
    expect(JSON.parse(cold.stdout.join('\n'))).toMatchObject({ coldStart: true });
    const help = captureIO();
    await cli(['simulate', '--help'], help);
    expect(help.stdout.join('\n')).toMatch(/--scenario <name>[\s\S]*flash-crowd[\s\S]*ramp-10x[\s\S]*weekly-holiday[\s\S]*on-off/);
    const bad = captureIO();
    expect(await cli(['simulate', '--scenario', 'tsunami', '--out', join(dir, 'sc')], bad)).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/--scenario.*unknown scenario "tsunami".*flash-crowd/);
  });

  it('simulate --provider sagemaker-ic compares scale to zero with the same policy at a floor of one on the business-hours week, and says what the idle hours cost in failed requests', async () => {
    const io = captureIO();
    expect(await cli(['simulate', '--provider', 'sagemaker-ic', '--out', join(dir, 'ic')], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/trace business-hours/);
    expect(text).toMatch(/our best, scale to zero \(floor 1\)/);
    expect(text).toMatch(
      /scale to zero: our best, scale to zero saves \d+\.\d\d USD \(\d+\.\d%\) against .* over \d+\.\d hours at zero copies, for \d+ requests .* failed with no copy serving in \d+ minutes/,
    );
    expect(text).toMatch(/copy start 120 s[\s\S]*scale from zero 420 s/);
    expect(readFileSync(join(dir, 'ic', 'index.html'), 'utf8')).toMatch(/scale to zero: /);
  });

  it('a trace under an hour prints a warning, and a policy below a bound is explained', async () => {
    const io = captureIO();
    const tiny = write('nasa-20m.csv', nasaLines.slice(0, 21).join('\n'));
    expect(await cli(['simulate', '--trace', tiny, '--peak-rps', '200', '--out', join(dir, 'tiny')], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/warning: the trace is only 20 minutes long/);
    const json = captureIO();
    expect(await cli(['simulate', '--trace', tiny, '--peak-rps', '200', '--out', join(dir, 'tiny'), '--json'], json)).toBe(0);
    expect((JSON.parse(json.stdout.join('\n')) as { warnings: string[] }).warnings[0]).toMatch(/only 20 minutes/);
    expect(json.stderr.join('\n')).toMatch(/warning: the trace is only 20 minutes/);
  });

  it('simulate prints a table with the oracle row and the estimates', async () => {
    const io = captureIO();
    const r = await runSimulate(io, {
      trace: shortTrace,
      provider: 'oci',
      policy: [join(__dirname, '..', '..', '..', 'simulator', 'policies', 'oci-sample.yaml')],
      out: join(dir, 'table'),
    });
    const text = io.stdout.join('\n');
    expect(text).toMatch(/OCI sample function\s+baseline/);
    expect(text).toContain('oracle (instant, per-minute cheapest)');
    expect(text).toMatch(/clairvoyant \(ordered 3 min ahead, one change at a time\)\s+bound/);
    expect(text).toMatch(/x oracle\s+x clairvoyant/);
    expect(text).toMatch(/Estimates, not measurements/);
    expect(r.policies).toHaveLength(1);
  });

  it.each([
    ['malformed', 't_seconds,requests\n0,12\n60,x\n', /line 3, column 2 \(requests\)/],
    ['empty', '', /empty/],
    ['negative', 't_seconds,requests\n0,12\n60,-4\n', /line 3, column 2 \(requests\).*negative count/],
    ['gap', 't_seconds,requests\n0,12\n60,4\n240,5\n', /line 4, column 1 \(t_seconds\).*gap in timestamps/],
  ])('a %s trace is a clear error naming the line, exit 1', async (name, text, message) => {
    const io = captureIO();
    expect(await cli(['simulate', '--trace', write(`${name}.csv`, text), '--out', join(dir, name)], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stderr.join('\n')).toContain('--trace');
  });

  it.each([
    [
      ['simulate', '--provider', 'azure'],
      /--provider.*unknown provider "azure".*oci, sagemaker, kubernetes, sagemaker-ic, oci-gpu \(or oci-data-science, aws, aws-sagemaker, k8s\)/,
    ],
    [['simulate', '--trace', 'x.csv', '--scenario', 'on-off'], /--scenario.*either --trace or --scenario/],
    [['simulate', '--trace', join(dir, 'missing.csv')], /--trace.*cannot read/],
    [['simulate', '--slo-p95-ms', 'fast'], /--slo-p95-ms/],
    [['simulate', '--slo-p95-ms', '20'], /--slo-p95-ms.*below what even an idle/],
    [['tune', '--trace', 'x.csv', '--provider', 'gcp'], /--provider/],
    [['tune', '--trace', 'x.csv', '--provider', 'oci', '--budget', '0'], /--budget/],
  ])('bad flags are a ValidationError naming the flag, exit 1 (%j)', async (args, message) => {
    const io = captureIO();
    expect(await cli([...args, '--out', join(dir, 'bad')], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it('backtest takes a CloudWatch metric export and one policy', async () => {
    const t0 = Date.parse('2024-05-01T00:00:00Z');
    const counts = nasaLines.slice(1, 181).map((l) => Number(l.split(',')[1]) * 20);
    const doc = { Label: 'Invocations', Datapoints: counts.map((c, i) => ({ Timestamp: new Date(t0 + i * 60_000).toISOString(), Sum: c, Unit: 'None' })) };
    const trace = write('export.json', JSON.stringify(doc));
    const io = captureIO();
    const r = await runBacktest(io, {
      trace,
      policy: join(__dirname, '..', '..', '..', 'simulator', 'policies', 'aws-target-tracking.yaml'),
      provider: 'sagemaker',
      out: join(dir, 'bt'),
      json: true,
    });
    expect(r.policies.map((p) => p.name)).toEqual(['AWS target tracking']);
    expect(r.minutes).toBe(180);
    expect(JSON.parse(io.stdout.join('\n')).policies).toHaveLength(1);
    await expect(runBacktest(captureIO(), { policy: 'p.yaml' })).rejects.toThrow(/--trace/);
  });

  it('tune writes a valid policy and its wiring, deterministically', async () => {
    const a = join(dir, 'tuned-a.yaml');
    const b = join(dir, 'tuned-b.yaml');
    const io = captureIO();
    const r = await runTune(io, { trace: shortTrace, provider: 'kubernetes', budget: '4', peakRps: '150', out: a });
    await runTune(captureIO(), { trace: shortTrace, provider: 'kubernetes', budget: '4', peakRps: '150', out: b });
    expect(r.trials).toHaveLength(4);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    expect(parsePolicy(readFileSync(a, 'utf8')).name).toBe('tuned');
    expect(existsSync(join(dir, 'tuned-a.sim.yaml'))).toBe(true);
    expect(io.stdout.join('\n')).toMatch(/best: cost .* SLO-violating minutes/);
    expect(io.stderr.join('\n')).toMatch(/tuning \[#+\] 100%/);
  });

  it('tune --holdout-days tunes on the first days and reports the score of the days it never saw, beside the default', async () => {
    const twoDays = write('nasa-2d.csv', nasaLines.slice(0, 2 * 1440 + 1).join('\n'));
    const io = captureIO();
    expect(
      await cli(
        [
          'tune',
          '--trace',
          twoDays,
          '--provider',
          'kubernetes',
          '--budget',
          '3',
          '--peak-rps',
          '150',
          '--holdout-days',
          '1',
          '--out',
          join(dir, 'held.yaml'),
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const r = JSON.parse(io.stdout.join('\n')) as {
      trials: number;
      holdout: { days: number; from: number; minutes: number; tuned: Record<string, number>; default: Record<string, number> };
    };
    expect(r.trials).toBe(3);
    expect(r.holdout).toMatchObject({ days: 1, from: 1440, minutes: 1440 });
    for (const w of [r.holdout.tuned, r.holdout.default])
      for (const k of ['cost', 'costRatio', 'clairvoyantRatio', 'sloViolationRate']) expect(typeof w[k]).toBe('number');
    const bad = captureIO();
    expect(await cli(['tune', '--trace', twoDays, '--provider', 'oci', '--holdout-days', '2', '--out', join(dir, 'held.yaml')], bad)).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/--holdout-days.*keep at least a day/);
  });
});
