import { decide, hpaReplicas, validatePolicy, type HpaPod, type Signal, type TargetState } from '../../src/index';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const REF = { provider: 'kubernetes', id: 'ml/deployment/model' };

const policy = (extra: Record<string, unknown> = {}) =>
  validatePolicy({
    name: 'hpa',
    targets: [REF],
    limits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 0 } },
    rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 100, algorithm: 'hpa', ...extra } }],
  });

const state = (replicas: number): TargetState => ({
  ref: REF,
  capacity: { replicas },
  status: 'ready',
  managed: true,
  persisted: { dedupeKeys: [], recommendations: [] },
});

/** `n` running, ready pods requesting `request` millicores and using `usage` each (undefined: no sample). */
const pods = (n: number, request: number, usage: number | undefined): HpaPod[] =>
  Array.from({ length: n }, (_, i) => ({ name: `p${i}`, phase: 'Running' as const, request, ...(usage !== undefined ? { usage } : {}), sampleTime: NOW }));

const signal = (samples: HpaPod[], extra: Partial<Signal> = {}): Signal => {
  const measured = samples.filter((p) => p.usage !== undefined);
  const mean = measured.length ? measured.reduce((s, p) => s + (p.usage! / p.request!) * 100, 0) / measured.length : 0;
  return { target: REF, source: 'metrics-server', metric: 'cpu', state: 'value', value: mean, dedupeKey: `k${NOW}`, at: NOW, samples, ...extra };
};

describe('targetTracking algorithm hpa over per-pod samples: the HPA arithmetic, not a fabricated value', () => {
  it('doubles the fleet at 200% of the target, as hpaReplicas does', () => {
    const s = pods(2, 1000, 2000);
    const d = decide(policy(), state(2), [signal(s)], {}, NOW);
    expect(d.to.replicas).toBe(4);
    expect(d.to.replicas).toBe(
      hpaReplicas({ currentReplicas: 2, target: { type: 'Utilization', averageUtilization: 100, resource: 'cpu' }, tolerance: 0.1, pods: s, now: NOW })
        .replicas,
    );
    expect(d.reason).toMatch(/HPA arithmetic/);
  });

  it('the tolerance edge: 3 pods requesting 1000m and using 1100m at a 100% target stay at 3', () => {
    const d = decide(policy(), state(3), [signal(pods(3, 1000, 1100))], {}, NOW);
    expect(d.action).toBe('none');
    expect(d.to.replicas).toBe(3);
  });

  it('just past the tolerance it scales: 1120m of 1000m on 3 pods -> 4', () => {
    expect(decide(policy(), state(3), [signal(pods(3, 1000, 1120))], {}, NOW).to.replicas).toBe(4);
  });

  it('a pod without a sample never lets it scale in', () => {
    const s = [...pods(3, 1000, 100), ...pods(1, 1000, undefined).map((p) => ({ ...p, name: 'silent' }))];
    const d = decide(policy(), state(4), [signal(s)], {}, NOW);
    expect(d.action).toBe('none');
    expect(d.reason).toMatch(/no metrics sample: no scale-in on missing data/);
  });

  it('scales in when every pod reports low usage, unless disableScaleIn', () => {
    expect(decide(policy(), state(4), [signal(pods(4, 1000, 200))], {}, NOW).to.replicas).toBe(1);
    expect(decide(policy({ disableScaleIn: true }), state(4), [signal(pods(4, 1000, 200))], {}, NOW).action).toBe('none');
  });

  it('a scaleOutOnly reading proposes more capacity but never less', () => {
    expect(decide(policy(), state(4), [signal(pods(4, 1000, 200), { scaleOutOnly: true })], {}, NOW).action).toBe('none');
    expect(decide(policy(), state(2), [signal(pods(2, 1000, 2000), { scaleOutOnly: true })], {}, NOW).to.replicas).toBe(4);
  });

  it('samples of a metric that is neither cpu nor memory are a remark naming the fix, not a guess', () => {
    const p = validatePolicy({
      name: 'q',
      targets: [REF],
      limits: { maxReplicas: 9 },
      rules: [{ name: 'q', targetTracking: { metric: 'queue', target: 5, algorithm: 'hpa' } }],
    });
    const d = decide(p, state(2), [{ ...signal(pods(2, 1000, 2000)), metric: 'queue' }], {}, NOW);
    expect(d.action).toBe('none');
    expect(d.reason).toMatch(/needs a cpu or memory utilization; queue is neither/);
  });
});
