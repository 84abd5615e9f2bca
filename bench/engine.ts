/**
 * Engine benchmark: `decide` on a mixed rule set and `Autoscaler.handle` against the in-memory
 * provider, each next to a trivial baseline measured in the same run (figures from different
 * machines compare only as ratios). Run: `npx tsx bench/engine.ts`. Writes bench/results/engine.json.
 *
 * Core is measured as it ships: bundled by esbuild, as the apps deploy it. Under tsx each source
 * file is its own esbuild CommonJS module (every cross-module call goes through an export
 * getter) and names are kept (`__name` calls); that dev transform costs decide about half its
 * speed, so the source-under-tsx figure is reported too, for comparison, not as the result.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as source from '@autoscaler/core';
import { loadBundled } from './shared';
import type { Signal, TargetState } from '@autoscaler/core';

type Core = typeof source;

/** `@autoscaler/core` bundled the way the apps bundle it, loaded from a temporary file. */
function shippedCore(): Core {
  return loadBundled<Core>(join(__dirname, '../packages/core/src/index.ts'), join(tmpdir(), `autoscaler-bench-${process.pid}`));
}

const ROUNDS = 5;
const ROUND_MS = 1000;
const START = Date.parse('2026-03-09T00:00:00Z'); // a Monday

/** The mixed rule set: every rule kind, with limits, cooldowns, stabilization and a time-zoned schedule. */
const POLICY = {
  name: 'bench',
  targets: [],
  limits: { minReplicas: 1, maxReplicas: 40, maxStep: 6, cooldown: { scaleOut: 120, scaleIn: 300 }, stabilization: { scaleIn: 300 } },
  rules: [
    { name: 'high-cpu', threshold: { alarm: 'high-cpu', change: 2 } },
    { name: 'low-cpu', threshold: { metric: 'CpuUtilization', below: 10, change: -1 } },
    {
      name: 'latency',
      step: {
        metric: 'ModelLatency',
        threshold: 200,
        adjustmentType: 'PercentChangeInCapacity',
        minAdjustmentMagnitude: 1,
        adjustments: [
          { lower: 0, upper: 100, change: 10 },
          { lower: 100, upper: 300, change: 25 },
          { lower: 300, change: 50 },
        ],
      },
    },
    { name: 'invocations', targetTracking: { metric: 'InvocationsPerInstance', target: 100 } },
    { name: 'business-hours', schedule: { start: '0 8 * * mon-fri', end: '0 20 * * mon-fri', timezone: 'Europe/Berlin', minReplicas: 4 } },
  ],
};

interface Case {
  state: TargetState;
  signals: Signal[];
  now: number;
}

/** Deterministic pseudo-random cases (a fixed LCG), so every run decides the same inputs. */
function makeCases(n: number, emptyPersistedState: Core['emptyPersistedState']): Case[] {
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const ref = { provider: 'memory', id: 'model' };
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const now = START + Math.floor(rnd() * 7 * 86_400_000);
    const replicas = 1 + Math.floor(rnd() * 30);
    const persisted = emptyPersistedState();
    if (rnd() < 0.3) persisted.lastScaleOut = { at: now - Math.floor(rnd() * 300_000), from: Math.max(0, replicas - 2), to: replicas };
    if (rnd() < 0.3) persisted.lastScaleIn = { at: now - Math.floor(rnd() * 600_000) };
    for (let k = 0; k < 3; k++) persisted.recommendations.push({ at: now - Math.floor(rnd() * 400_000), replicas: 1 + Math.floor(rnd() * 30) });
    const at = now;
    const signals: Signal[] = [
      { target: ref, source: 'bench', metric: 'InvocationsPerInstance', state: 'value', value: rnd() * 200, dedupeKey: `i${i}`, at },
      rnd() < 0.5
        ? { target: ref, source: 'bench', metric: 'ModelLatency', state: 'firing', value: 200 + rnd() * 500, threshold: 200, dedupeKey: `l${i}`, at }
        : {
            target: ref,
            source: 'bench',
            metric: 'CpuUtilization',
            alarm: rnd() < 0.5 ? 'high-cpu' : 'other',
            state: 'firing',
            value: rnd() * 100,
            dedupeKey: `c${i}`,
            at,
          },
    ];
    out.push({ state: { ref, capacity: { replicas }, status: 'ready', managed: true, persisted }, signals, now });
  }
  return out;
}

/** Median ops/s of `ROUNDS` rounds of about ROUND_MS each; `batch` calls per clock read. */
function measureSync(batch: number, run: (i: number) => number): { perSecond: number; sink: number } {
  let sink = 0;
  const rates: number[] = [];
  for (let i = 0; i < batch * 20; i++) sink += run(i); // warm-up: let the JIT settle
  for (let r = 0; r < ROUNDS; r++) {
    let ops = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      for (let i = 0; i < batch; i++) sink += run(ops + i);
      ops += batch;
      elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    rates.push((ops / elapsed) * 1000);
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[Math.floor(rates.length / 2)]!, sink };
}

async function measureAsync(batch: number, run: (i: number) => Promise<number>): Promise<{ perSecond: number; sink: number }> {
  let sink = 0;
  const rates: number[] = [];
  for (let i = 0; i < batch * 5; i++) sink += await run(i);
  let n = batch * 5;
  for (let r = 0; r < ROUNDS; r++) {
    let ops = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      for (let i = 0; i < batch; i++) sink += await run(n++);
      ops += batch;
      elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    rates.push((ops / elapsed) * 1000);
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[Math.floor(rates.length / 2)]!, sink };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const core = shippedCore();
  const { Autoscaler, InstantClock, MemoryAlarmSource, MemoryProvider, StaticPolicies, validatePolicy } = core;
  const policy = core.validatePolicy(POLICY);
  const cases = makeCases(4096, core.emptyPersistedState);
  const mask = cases.length - 1;

  // --- decide ----------------------------------------------------------------------------------
  // The floor: the proportional formula alone, on the same inputs.
  const proportional = (current: number, value: number, target: number): number => Math.ceil((current * value) / target);
  const baselineDecide = measureSync(4096, (i) => {
    const c = cases[i & mask]!;
    return proportional(c.state.capacity.replicas, c.signals[0]!.value!, 100);
  });
  const decisions = measureSync(1024, (i) => {
    const c = cases[i & mask]!;
    return core.decide(policy, c.state, c.signals, {}, c.now).to.replicas;
  });
  const sourcePolicy = source.validatePolicy(POLICY);
  const decisionsUnderTsx = measureSync(1024, (i) => {
    const c = cases[i & mask]!;
    return source.decide(sourcePolicy, c.state, c.signals, {}, c.now).to.replicas;
  });

  // --- Autoscaler.handle -------------------------------------------------------------------------
  const TARGETS = 64;
  const clock = new InstantClock(START);
  const provider = new MemoryProvider(Array.from({ length: TARGETS }, (_, i) => ({ id: `model-${i}`, capacity: { replicas: 5 } })));
  const handlePolicy = validatePolicy({
    name: 'bench-handle',
    targets: Array.from({ length: TARGETS }, (_, i) => ({ provider: 'memory', id: `model-${i}` })),
    limits: { minReplicas: 1, maxReplicas: 40, cooldown: { scaleOut: 0, scaleIn: 0 } },
    rules: policy.rules,
  });
  const autoscaler = new Autoscaler({ providers: [provider], sources: [new MemoryAlarmSource()], policies: new StaticPolicies([handlePolicy]), clock });
  // Fresh dedupe key each time; alternating load so targets scale both ways instead of parking at a limit.
  const event = (n: number): Record<string, unknown> => ({
    target: { provider: 'memory', id: `model-${n % TARGETS}` },
    source: 'memory',
    metric: 'InvocationsPerInstance',
    state: 'value',
    value: (Math.floor(n / TARGETS) % 2 === 0 ? 160 : 40) + (n % 7),
    at: START,
    dedupeKey: `evt-${n}`,
  });
  const events = Array.from({ length: 8192 }, (_, n) => event(n));
  const baselineHandle = await measureAsync(1024, async (n) => {
    // The floor of an async handler: await once, compute the formula on the event.
    const e = events[n & 8191]!;
    await Promise.resolve();
    return proportional(5, e.value as number, 100);
  });
  let outcomes = new Map<string, number>();
  const handled = await measureAsync(256, async (n) => {
    const r = await autoscaler.handle(n < 8192 ? events[n]! : event(n));
    const outcome = r.records[0]!.outcome;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    return r.ok ? 1 : 0;
  });
  const badOutcomes = [...outcomes.keys()].filter((o) => o !== 'scaled' && o !== 'no-action');
  if (badOutcomes.length > 0) throw new Error(`unexpected outcomes while benchmarking handle: ${badOutcomes.join(', ')}`);
  outcomes = new Map([...outcomes.entries()].sort());

  const result = {
    decisionsPerSecond: Math.round(decisions.perSecond),
    handledPerSecond: Math.round(handled.perSecond),
    sourceUnderTsx: {
      decisionsPerSecond: Math.round(decisionsUnderTsx.perSecond),
      what: 'the same decide loop on the TypeScript sources as tsx runs them (dev transform), for comparison',
    },
    baseline: {
      proportionalPerSecond: Math.round(baselineDecide.perSecond),
      asyncProportionalPerSecond: Math.round(baselineHandle.perSecond),
      what: 'proportional: Math.ceil(current * value / target) on the same inputs; asyncProportional: the same after one await, on the same events',
    },
    ratios: {
      decideVsProportional: Number((decisions.perSecond / baselineDecide.perSecond).toFixed(4)),
      decideSourceUnderTsxVsShipped: Number((decisionsUnderTsx.perSecond / decisions.perSecond).toFixed(4)),
      handleVsAsyncProportional: Number((handled.perSecond / baselineHandle.perSecond).toFixed(4)),
      handleVsDecide: Number((handled.perSecond / decisions.perSecond).toFixed(4)),
    },
    aims: { decisionsPerSecond: 500_000, handledPerSecond: 20_000, decisionsMet: decisions.perSecond >= 500_000, handledMet: handled.perSecond >= 20_000 },
    workload: {
      core: 'packages/core/src bundled with esbuild (platform node, cjs, target node20), as the apps ship it',
      decide: `${cases.length} cases cycled; rules: threshold x2, step (percent), targetTracking, schedule (Europe/Berlin); 2 signals per decision`,
      handle: `${TARGETS} MemoryProvider targets, one signal per event, fresh dedupe key each, sequential awaits, InstantClock`,
      handleOutcomes: Object.fromEntries(outcomes),
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      statistic: 'median of rounds',
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      // Other work on the machine slows every figure alike; the ratios hold better than the rates.
      loadAverage1m: { before: Number(loadBefore[0]!.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
    },
    at: new Date().toISOString(),
    sink: (decisions.sink + decisionsUnderTsx.sink + baselineDecide.sink + handled.sink + baselineHandle.sink) % 1000,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'engine.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
