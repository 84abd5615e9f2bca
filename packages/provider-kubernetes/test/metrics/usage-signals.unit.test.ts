import fc from 'fast-check';
import { decide, hpaReplicas, validatePolicy, type TargetState } from '@autoscaler/core';
import { usageSignals } from '../../src/metrics/metrics-server-source';
import { hpaPods, type PodUsage, type WorkloadUsage } from '../../src/metrics/workload-usage';

const NOW = Date.UTC(2026, 2, 1, 12);
const ref = { provider: 'kubernetes', id: 'ns/deployment/x' };

const podArb = fc.record({
  phase: fc.constantFrom<PodUsage['phase']>('Running', 'Running', 'Running', 'Pending', 'Failed'),
  ready: fc.boolean(),
  deleting: fc.constantFrom(false, false, false, true),
  startedAgoS: fc.integer({ min: 0, max: 3600 }),
  request: fc.integer({ min: 50, max: 4000 }),
  usage: fc.option(fc.integer({ min: 0, max: 8000 }), { nil: undefined, freq: 5 }),
});

type GenPod = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function usageOf(pods: readonly GenPod[]): WorkloadUsage {
  const out: PodUsage[] = pods.map((p, i) => ({
    name: `p${i}`,
    phase: p.phase,
    ready: p.ready,
    deleting: p.deleting,
    startTime: NOW - p.startedAgoS * 1000,
    readyTransitionTime: NOW - p.startedAgoS * 1000 + 5_000,
    request: { cpu: p.request, memory: p.request * 1_000_000 },
    ...(p.usage !== undefined ? { usage: { cpu: p.usage, memory: p.usage * 1_000_000 }, sampleTime: NOW - 15_000, sampleWindowSeconds: 30 } : {}),
  }));
  const counted = out.filter((p) => !p.deleting && p.phase !== 'Failed' && p.phase !== 'Succeeded');
  return { pods: out, active: counted.length, sampled: counted.filter((p) => p.usage).length, sampledAt: NOW - 15_000 };
}

describe('metrics-server signals through decide: HPA-style target tracking agrees with hpaReplicas', () => {
  it('decide() lands on the HPA replica count, except that it never scales in while an active pod has no sample', () => {
    fc.assert(
      fc.property(
        fc.array(podArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 10, max: 150 }),
        fc.constantFrom(0, 0.05, 0.1, 0.2),
        (pods, current, target, tolerance) => {
          const usage = usageOf(pods);
          const signals = usageSignals(ref, usage, NOW);
          const policy = validatePolicy({
            name: 'p',
            limits: { minReplicas: 0, maxReplicas: 100_000, cooldown: { scaleOut: 0, scaleIn: 0 } },
            rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target, algorithm: 'hpa', tolerance } }],
          });
          const state: TargetState = {
            ref,
            capacity: { replicas: current },
            status: 'ready',
            managed: true,
            persisted: { dedupeKeys: [], recommendations: [] },
          };
          const got = decide(policy, state, signals, {}, NOW).to.replicas;
          let hpa: number;
          try {
            hpa = hpaReplicas({
              currentReplicas: current,
              target: { type: 'Utilization', averageUtilization: target, resource: 'cpu' },
              tolerance,
              pods: hpaPods(usage, 'cpu'),
              now: NOW,
            }).replicas;
          } catch {
            hpa = current; // the calculator cannot answer (no usable sample): no change
          }
          const cpu = signals.find((s) => s.metric === 'cpu');
          if (cpu === undefined) hpa = current; // no pod sampled: nothing to act on
          if (hpa < current && usage.sampled < usage.active) hpa = current; // missing data never scales in
          expect(got).toBe(hpa);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a reading with unsampled pods is scale-out only and carries its samples', () => {
    const usage = usageOf([
      { phase: 'Running', ready: true, deleting: false, startedAgoS: 900, request: 500, usage: 900 },
      { phase: 'Running', ready: true, deleting: false, startedAgoS: 900, request: 500, usage: undefined },
    ]);
    const cpu = usageSignals(ref, usage, NOW).find((s) => s.metric === 'cpu')!;
    expect(cpu).toMatchObject({ value: 90, scaleOutOnly: true, dimensions: { pods: '1/2', resource: 'cpu' } });
    expect(cpu.samples?.map((p) => p.usage)).toEqual([900, undefined]);
  });
});
