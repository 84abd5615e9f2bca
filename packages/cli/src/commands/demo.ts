import type { Command } from 'commander';
import { Autoscaler, ManualClock, MemoryAlarmSource, MemoryProvider, StaticPolicies, validatePolicy, type AuditRecord } from '@autoscaler/core';
import type { CliIO } from '../io';

/** A short, real run of the orchestrator on the in-memory provider: the same code path the cloud apps take. */
export async function runDemo(io: CliIO, json = false): Promise<AuditRecord[]> {
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 9, 0));
  const target = { provider: 'memory', id: 'model-deployment-demo' };
  const policy = validatePolicy({
    name: 'seed-style',
    targets: [target],
    limits: { minReplicas: 1, maxReplicas: 10, sizes: ['small', 'medium', 'large'], cooldown: { scaleOut: 300, scaleIn: 600 } },
    rules: [
      { name: 'high-cpu', threshold: { alarm: 'high-cpu', change: 1 } },
      { name: 'low-cpu', threshold: { alarm: 'low-cpu', change: -1 } },
      { name: 'high-memory', threshold: { alarm: 'high-memory', size: 'next' } },
    ],
  });
  const provider = new MemoryProvider([{ id: target.id, capacity: { replicas: 1, size: 'small' }, ladder: ['small', 'medium', 'large'] }]);
  const autoscaler = new Autoscaler({ providers: [provider], sources: [new MemoryAlarmSource()], policies: new StaticPolicies([policy]), clock });
  const events: Array<{ label: string; advanceMin: number; body: unknown }> = [
    {
      label: 'high-cpu fires',
      advanceMin: 0,
      body: { target, metric: 'CpuUtilization', alarm: 'high-cpu', state: 'firing', value: 91, dedupeKey: 'e1', at: clock.now() },
    },
    {
      label: 'the same delivery again',
      advanceMin: 0,
      body: { target, metric: 'CpuUtilization', alarm: 'high-cpu', state: 'firing', value: 91, dedupeKey: 'e1', at: clock.now() },
    },
    {
      label: 'high-cpu repeats 2 min later (cooldown)',
      advanceMin: 2,
      body: { target, metric: 'CpuUtilization', alarm: 'high-cpu', state: 'firing', value: 88, dedupeKey: 'e2', at: clock.now() + 120_000 },
    },
    {
      label: 'high-memory fires',
      advanceMin: 4,
      body: { target, metric: 'MemoryUtilization', alarm: 'high-memory', state: 'firing', value: 93, dedupeKey: 'e3', at: clock.now() + 360_000 },
    },
    {
      label: 'low-cpu fires 20 min later',
      advanceMin: 20,
      body: { target, metric: 'CpuUtilization', alarm: 'low-cpu', state: 'firing', value: 4, dedupeKey: 'e4', at: clock.now() + 1_560_000 },
    },
    {
      label: 'an alarm for an unmanaged target',
      advanceMin: 1,
      body: {
        target: { provider: 'memory', id: 'someone-elses' },
        metric: 'CpuUtilization',
        alarm: 'high-cpu',
        state: 'firing',
        dedupeKey: 'e5',
        at: clock.now() + 1_620_000,
      },
    },
    { label: 'a malformed alarm', advanceMin: 0, body: { metric: 'CpuUtilization', state: 'burning' } },
  ];
  const records: AuditRecord[] = [];
  if (!json) io.out('Demo: the orchestrator on the in-memory provider (policy: +1 on high CPU, -1 on low CPU, next size on high memory)\n');
  for (const e of events) {
    clock.advance(e.advanceMin * 60_000);
    const result = await autoscaler.handle(e.body);
    for (const r of result.records) {
      records.push(r);
      if (!json) {
        const change = r.from && r.to ? ` ${r.from.replicas}x${r.from.size ?? '-'} -> ${r.to.replicas}x${r.to.size ?? '-'}` : '';
        io.out(`${e.label.padEnd(42)} ${r.outcome.padEnd(10)}${change}  ${r.reason.split('\n')[0]}`);
      }
    }
  }
  if (json) io.out(JSON.stringify(records, null, 2));
  return records;
}

export function registerDemoCommand(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('Replay a few alarms through the orchestrator on the in-memory provider and print what it decided')
    .option('--json', 'print the audit records as JSON')
    .action(async (opts: { json?: boolean }) => {
      await runDemo(io, opts.json);
    });
}
