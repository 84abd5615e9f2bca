import { join } from 'node:path';
import { defaultPolicies, highResolutionPolicyFile, policiesDir } from '../../src/policy/baselines';
import { loadSimulationPolicy } from '../../src/policy/simulation-policy';
import { toReport } from '../../src/report/table';
import { syntheticTrace } from '../../src/trace/synthetic';
import { scaleToPeak } from '../../src/trace/load-trace';
import type { Load } from '../../src/trace/trace';
import { quantile, ReactionTracker, summarizeReaction } from '../../src/engine/reaction';
import { makeScenario } from '../../src/engine/scenario';
import { simulate } from '../../src/engine/simulate';
import { stepResponse } from '../../src/engine/step-response';

function load(rps: number[]): Load {
  const r = Float64Array.from(rps);
  return { trace: { name: 't', source: 't', requests: r.map((x) => x * 60), notes: [] }, rps: r, peakRps: Math.max(...rps), scale: 1 };
}

describe('quantile (nearest rank)', () => {
  it.each([
    [[], 0.5, undefined],
    [[7], 0.95, 7],
    [[40, 10, 30, 20], 0.5, 20],
    [[40, 10, 30, 20], 0.95, 40],
    [Array.from({ length: 20 }, (_, i) => i + 1), 0.95, 19],
  ])('%j at %d is %s', (values, p, expected) => {
    expect(quantile(values, p)).toBe(expected);
  });
});

describe('ReactionTracker', () => {
  const s = makeScenario({ load: load([10, 10, 40, 40, 40, 40, 40, 40]), provider: 'sagemaker' });
  const size = s.profile.sizes[0]!.name;
  const per = s.queues.get(size)!.maxRps;
  const t = (m: number, sec = 0): number => s.start + m * 60_000 + sec * 1000;

  it('times a demand step to the first scale-out and to the 10 s instant capacity meets the step', () => {
    const one = Math.ceil(10 / per);
    const enough = Math.ceil(40 / per);
    const tr = new ReactionTracker(s);
    const changes = [{ at: t(3, 40), from: { replicas: one, size }, to: { replicas: enough, size } }];
    // Capacity serves from 4 min 30 s on.
    const servingAt = (at: number): { replicas: number; size: string } => ({ replicas: at >= t(4, 30) ? enough : one, size });
    for (let m = 0; m < 8; m++) {
      tr.minuteStart(m, t(m), servingAt(t(m)));
      tr.minuteEnd(m, t(m), m >= 3 ? changes : [], servingAt);
    }
    // The step is minute 2 (rate 10 -> 40 above one instance's MAX_RPS): decision 100 s later, capacity 150 s later.
    expect(tr.finish()).toEqual({ steps: 1, decisionSeconds: [100], capacitySeconds: [150], undecided: 0, unmet: 0 });
  });

  it('a step met by capacity already under way counts a 0 s decision; a step never met is unmet and undecided', () => {
    const one = Math.ceil(10 / per);
    const tr = new ReactionTracker(s);
    for (let m = 0; m < 8; m++) {
      tr.minuteStart(m, t(m), { replicas: one, size });
      tr.minuteEnd(m, t(m), [], () => ({ replicas: one, size }));
    }
    expect(tr.finish()).toEqual({ steps: 1, decisionSeconds: [], capacitySeconds: [], undecided: 1, unmet: 1 });
    const early = new ReactionTracker(s);
    for (let m = 0; m < 8; m++) {
      early.minuteStart(m, t(m), { replicas: one, size });
      early.minuteEnd(m, t(m), [], (at) => ({ replicas: at >= t(2, 20) ? 10 : one, size }));
    }
    expect(summarizeReaction(early.finish())).toEqual({
      steps: 1,
      decisionP50: 0,
      decisionP95: 0,
      capacityP50: 20,
      capacityP95: 20,
      undecided: 0,
      unmet: 0,
    });
  });
});

describe('10 s ConcurrentRequestsPerModel against 60 s InvocationsPerInstance (sagemaker)', () => {
  const s = makeScenario({ load: scaleToPeak(syntheticTrace('flash-crowd', 1), 400), provider: 'sagemaker', seed: 1 });

  it('the step test: the 10 s alarm decides 40 s after a 4x step (3 x 10 s + 10 s delay), the 60 s alarm 240 s (3 x 1 min + 1 min delay)', async () => {
    const [minute, tenSeconds] = defaultPolicies('sagemaker').filter((p) => p.policy.name.startsWith('aws-target-tracking'));
    const a = await stepResponse(s, minute!);
    const b = await stepResponse(s, tenSeconds!);
    expect([a.decisionSeconds, b.decisionSeconds]).toEqual([240, 40]);
    // Capacity follows each decision by the provisioning delay (300 s +/- 20%).
    expect(a.capacitySeconds! - a.decisionSeconds!).toBeGreaterThanOrEqual(240);
    expect(b.capacitySeconds! - b.decisionSeconds!).toBeGreaterThanOrEqual(240);
    expect(b.capacitySeconds!).toBeLessThan(a.capacitySeconds!);
  });

  it('the report carries the signal period and the reaction figures in the table and --json', async () => {
    const hr = loadSimulationPolicy(join(policiesDir, highResolutionPolicyFile), 'sagemaker');
    const short = makeScenario({ load: scaleToPeak(syntheticTrace('on-off', 2), 300), provider: 'sagemaker', seed: 2 });
    const report = toReport(await simulate(short, [hr]));
    const p = report.policies[0]!;
    expect(p.signalSeconds).toBe(10);
    expect(p.stepDecisionSeconds).toBe(40);
    expect(p.reaction.steps).toBeGreaterThan(0);
    expect(p.reaction.decisionP50).not.toBeNull();
    expect(p.reaction.decisionP50!).toBeLessThanOrEqual(p.reaction.decisionP95!);
  });
});
