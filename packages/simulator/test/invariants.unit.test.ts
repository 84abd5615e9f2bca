import fc from 'fast-check';
import { join } from 'node:path';
import { loadTraceFile, tracesDir } from '../src/trace/load-trace';
import { scaleToPeak } from '../src/trace/load-trace';
import type { Trace } from '../src/trace/trace';
import { syntheticTrace } from '../src/trace/synthetic';
import { makeScenario } from '../src/engine/scenario';
import { oracle } from '../src/engine/oracle';
import { clairvoyant, leadMinutes } from '../src/engine/clairvoyant';
import { runPolicy, type PolicyRun } from '../src/engine/run-policy';
import { simulate } from '../src/engine/simulate';
import { shippedPolicies } from '../src/policy/baselines';
import { providerKinds, type ProviderKind } from '../src/profiles/profile';
import type { Scenario } from '../src/engine/scenario';

const nasa = loadTraceFile(join(tracesDir, 'nasa_http_1995-07-01_14d_1min.csv'));

/** A slice of a trace (30 h of NASA: the last 6 h have a day of seasonal history). */
function slice(t: Trace, from: number, minutes: number): Trace {
  return { ...t, name: `${t.name}[${from}+${minutes}]`, requests: t.requests.slice(from, from + minutes), notes: [] };
}

/** The invariants every run must keep, whatever the policy does (problems listed, one expect). */
function checkRun(s: Scenario, run: PolicyRun, perMinuteOracle: Float64Array): void {
  const limits = run.prepared.policy.limits;
  const problems: string[] = [];
  for (let m = 0; m < run.minutes; m++) {
    // A minute that met the objective cannot have been cheaper than the cheapest fleet that meets it.
    if (!run.series.violated[m] && run.series.cost[m]! + 1e-12 < perMinuteOracle[m]!)
      problems.push(`minute ${m}: met the objective for ${run.series.cost[m]} < oracle ${perMinuteOracle[m]}`);
    if (run.series.serving[m]! > Math.max(limits.maxReplicas, run.prepared.initialReplicas))
      problems.push(`minute ${m}: ${run.series.serving[m]} serving > max ${limits.maxReplicas}`);
  }
  // The clairvoyant bound, minute by minute: what serves in minute m was billed in each of the
  // `lead` minutes before it, so a minute costs at least the oracle of any later minute in its
  // window that met the objective.
  const lead = leadMinutes(s);
  for (let t = 0; t < run.minutes; t++) {
    for (let m = t; m <= Math.min(run.minutes - 1, t + lead); m++) {
      if (!run.series.violated[m] && run.series.cost[t]! + 1e-12 < perMinuteOracle[m]!)
        problems.push(`minute ${t}: billed ${run.series.cost[t]} < oracle ${perMinuteOracle[m]} of minute ${m}, which it served within the objective`);
    }
  }
  // The one-change-at-a-time plan bounds a policy that keeps one size; a size change is held to the relaxed form.
  const c = clairvoyant(s, oracle(s));
  const bound = run.changes.every((x) => x.to.size === run.prepared.size) ? c.cost : c.relaxedCost;
  if (run.violatingMinutes === 0 && run.cost < bound - 1e-9) problems.push(`met the objective every minute for ${run.cost} < clairvoyant bound ${bound}`);
  const ladder = s.profile.sizes.map((x) => x.name);
  for (const c of run.changes) {
    if (c.to.replicas < limits.minReplicas || c.to.replicas > limits.maxReplicas)
      problems.push(`change at ${c.at} to ${c.to.replicas} outside [${limits.minReplicas}, ${limits.maxReplicas}]`);
    if (!ladder.includes(c.to.size!)) problems.push(`change at ${c.at} to size ${c.to.size} off the ladder`);
  }
  if (run.violatingMinutes === 0 && run.cost < oracle(s).cost - 1e-9)
    problems.push(`met the objective every minute for ${run.cost} < oracle ${oracle(s).cost}`);
  // Shipped policies are wired right: the orchestrator never rejected a delivery.
  problems.push(...run.problems);
  expect(problems).toEqual([]);
}

describe.each(providerKinds)('invariants on %s', (kind: ProviderKind) => {
  const s = makeScenario({ load: scaleToPeak(slice(nasa, 1440 * 5, 1800), 300), provider: kind });
  const o = oracle(s);

  it.each(shippedPolicies(kind).map((p) => [p.name, p] as const))(
    '%s: never beats the oracle or the clairvoyant bound in minutes it met the objective; stays within its bounds',
    async (_name, policy) => {
      checkRun(s, await runPolicy(s, policy), o.costPerMinute);
    },
  );
});

describe('invariants on a synthetic scenario at 10x the default peak (fleets of tens, bursts)', () => {
  const onOff = syntheticTrace('on-off', 3);
  const s = makeScenario({ load: scaleToPeak({ ...onOff, requests: onOff.requests.slice(0, 720) }, 4000), provider: 'sagemaker' });
  const o = oracle(s);

  it.each(shippedPolicies('sagemaker').map((p) => [p.name, p] as const))('%s', async (_name, policy) => {
    checkRun(s, await runPolicy(s, policy), o.costPerMinute);
  });
});

describe('invariants on random traces', () => {
  it('hold for arbitrary short traces (fast-check)', async () => {
    const policies = shippedPolicies('oci');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 30, maxLength: 90 }),
        fc.integer({ min: 0, max: policies.length - 1 }),
        async (counts, which) => {
          const requests = Float64Array.from(counts);
          if (counts.every((c) => c === 0)) requests[0] = 1;
          const trace: Trace = { name: 'random', source: 'fast-check', requests, notes: [] };
          const s = makeScenario({ load: scaleToPeak(trace, 200), provider: 'oci' });
          checkRun(s, await runPolicy(s, policies[which]!), oracle(s).costPerMinute);
        },
      ),
      { numRuns: 25, seed: 42 },
    );
  });
});

describe('determinism', () => {
  const load = scaleToPeak(slice(nasa, 600, 360), 300);
  const policies = shippedPolicies('kubernetes');

  it('the same seed gives the same result, series included', async () => {
    const a = await simulate(makeScenario({ load, provider: 'kubernetes', seed: 11 }), policies, { stepTest: false });
    const b = await simulate(makeScenario({ load, provider: 'kubernetes', seed: 11 }), policies, { stepTest: false });
    expect(b.summaries).toEqual(a.summaries);
    expect(b.runs.map((r) => r.series)).toEqual(a.runs.map((r) => r.series));
  });

  it('another seed changes the provisioning times, so the runs differ', async () => {
    const a = await simulate(makeScenario({ load, provider: 'kubernetes', seed: 11 }), policies, { stepTest: false });
    const c = await simulate(makeScenario({ load, provider: 'kubernetes', seed: 12 }), policies, { stepTest: false });
    expect(c.runs.map((r) => r.changes.map((x) => x.at))).not.toEqual(a.runs.map((r) => r.changes.map((x) => x.at)));
  });
});

describe('a throttled monitoring service', () => {
  it('leaves capacity unchanged while every history call fails, and the policy picks up again after', async () => {
    const s = makeScenario({ load: scaleToPeak(slice(nasa, 1440 * 4, 1440), 300), provider: 'oci' });
    const best = shippedPolicies('oci').find((p) => !p.settings.baseline)!;
    const from = 600;
    const to = 780;
    const run = await runPolicy(s, best, { throttleHistory: (m) => m >= from && m < to });
    const inWindow = run.changes.filter((c) => c.at >= s.start + from * 60_000 && c.at < s.start + to * 60_000);
    expect(inWindow).toEqual([]);
    expect(run.changes.some((c) => c.at >= s.start + to * 60_000)).toBe(true);
    expect(run.problems).toEqual([]);
  });
});
