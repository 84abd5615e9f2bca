import { join } from 'node:path';
import { runCli } from '../src/program';
import { captureIO } from './support';

const fixture = (name: string): string => join(__dirname, 'fixtures', name);

describe('autoscaler CLI', () => {
  it('prints help for the program and for every command', async () => {
    const io = captureIO();
    expect(await runCli(['--help'], io)).toBe(0);
    const help = io.stdout.join('\n');
    for (const cmd of ['validate', 'decide', 'demo', 'scale', 'setup', 'teardown', 'sandbox', 'status']) expect(help).toContain(cmd);
    for (const cmd of ['validate', 'decide', 'demo', 'scale']) {
      const sub = captureIO();
      expect(await runCli([cmd, '--help'], sub)).toBe(0);
      expect(sub.stdout.join('\n')).toMatch(/Usage: autoscaler/);
    }
  });

  it('validate accepts a good policy', async () => {
    const io = captureIO();
    expect(await runCli(['validate', fixture('policy.yaml')], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('valid policy "seed-style" with 2 rule(s)');
  });

  it('validate lists every problem by path and exits 1', async () => {
    const io = captureIO();
    expect(await runCli(['validate', fixture('bad-policy.yaml')], io)).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toContain('rules[0].step.adjustments[0].lower: must be <= upper');
    expect(err).toContain('limits.maxReplica: unknown field');
    expect(err).toContain('limits.minReplicas: must be <= maxReplicas (2)');
  });

  it('validate --json reports issues as data', async () => {
    const io = captureIO();
    expect(await runCli(['validate', fixture('bad-policy.yaml'), '--json'], io)).toBe(1);
    const doc = JSON.parse(io.stdout.join('\n')) as { valid: boolean; issues: Array<{ path: string }> };
    expect(doc.valid).toBe(false);
    expect(doc.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['limits.maxReplica', 'rules[0].step.adjustments[0].lower']));
  });

  it('decide --json prints the ScaleDecision (AWS step: 70 above the threshold -> +3)', async () => {
    const io = captureIO();
    const code = await runCli(
      [
        'decide',
        '--policy',
        fixture('policy.yaml'),
        '--state',
        fixture('state.json'),
        '--signal',
        fixture('signal.json'),
        '--now',
        '2026-11-23T09:00:00Z',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const d = JSON.parse(io.stdout.join('\n')) as { action: string; from: { replicas: number }; to: { replicas: number }; rule: string };
    expect(d).toMatchObject({ action: 'scale', from: { replicas: 2 }, to: { replicas: 5 }, rule: 'latency-steps' });
  });

  it('decide names the flag of a missing file and of a bad state', async () => {
    const io = captureIO();
    expect(await runCli(['decide', '--policy', fixture('policy.yaml'), '--state', fixture('nope.json')], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('--state');
    const io2 = captureIO();
    expect(await runCli(['decide', '--policy', fixture('policy.yaml'), '--state', fixture('signal.json')], io2)).toBe(1);
    expect(io2.stderr.join('\n')).toMatch(/capacity/);
  });

  it('scale refuses an id no cloud claims', async () => {
    const io = captureIO();
    expect(await runCli(['scale', 'not-an-id', '--replicas', '2'], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('invalid id');
  });

  it('demo runs the orchestrator and shows dedupe, cooldown and refusals', async () => {
    const io = captureIO();
    expect(await runCli(['demo', '--json'], io)).toBe(0);
    const records = JSON.parse(io.stdout.join('\n')) as Array<{ outcome: string; to?: { replicas: number; size?: string } }>;
    expect(records.map((r) => r.outcome)).toEqual(['scaled', 'duplicate', 'no-action', 'resized', 'scaled', 'rejected', 'rejected']);
    expect(records[0]!.to).toEqual({ replicas: 2, size: 'small' });
    expect(records[3]!.to).toEqual({ replicas: 2, size: 'medium' });
  });
});
