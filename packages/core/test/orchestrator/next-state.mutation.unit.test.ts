import { Autoscaler, emptyPersistedState, InstantClock, MemoryAlarmSource, MemoryProvider, StaticPolicies, validatePolicy } from '../../src/index';
import type { PersistedState, TargetRef } from '../../src/index';

// What the target remembers after a decision (Autoscaler's nextState): the action marks by
// direction, and the stabilization recommendations kept (the window's edge, the longer window of
// the two, at most 64). Each case was written against a surviving Stryker mutant.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const SEC = 1000;
const A: TargetRef = { provider: 'memory', id: 'model-a' };

function world(options: { replicas?: number; persisted?: Partial<PersistedState>; stabilization?: Record<string, number> } = {}) {
  const clock = new InstantClock(NOW);
  const provider = new MemoryProvider(
    [{ id: 'model-a', capacity: { replicas: options.replicas ?? 4 }, persisted: { ...emptyPersistedState(), ...options.persisted } }],
    {
      clock,
    },
  );
  const policy = validatePolicy({
    name: 'p',
    targets: [A],
    limits: {
      minReplicas: 1,
      maxReplicas: 20,
      cooldown: { scaleOut: 0, scaleIn: 0 },
      ...(options.stabilization ? { stabilization: options.stabilization } : {}),
    },
    rules: [
      { name: 'hot', threshold: { alarm: 'hot', change: 2 } },
      { name: 'cold', threshold: { alarm: 'cold', change: -1 } },
      { name: 'cpu', targetTracking: { metric: 'cpu', target: 50 } },
    ],
  });
  const autoscaler = new Autoscaler({ providers: [provider], sources: [new MemoryAlarmSource()], policies: new StaticPolicies([policy]), clock });
  return { provider, autoscaler };
}

const alarm = (name: string, key: string): Record<string, unknown> => ({ target: A, metric: 'cpu', alarm: name, state: 'firing', at: NOW, dedupeKey: key });
const cpu = (value: number, key: string): Record<string, unknown> => ({ target: A, metric: 'cpu', state: 'value', value, at: NOW, dedupeKey: key });

describe('the action mark', () => {
  it('a scale-out is remembered as lastScaleOut (when, from, to), nothing else', async () => {
    const { provider, autoscaler } = world();
    await autoscaler.handle(alarm('hot', 'k1'));
    const persisted = (await provider.describe(A)).persisted;
    expect(persisted.lastScaleOut).toEqual({ at: NOW, from: 4, to: 6 });
    expect(persisted.lastScaleIn).toBeUndefined();
    expect(persisted.lastResize).toBeUndefined();
  });

  it('a scale-in as lastScaleIn', async () => {
    const { provider, autoscaler } = world();
    await autoscaler.handle(alarm('cold', 'k1'));
    const persisted = (await provider.describe(A)).persisted;
    expect(persisted.lastScaleIn).toEqual({ at: NOW, from: 4, to: 3 });
    expect(persisted.lastScaleOut).toBeUndefined();
  });
});

describe('stabilization recommendations kept on the target', () => {
  it('only those inside the window (strictly), plus the new one', async () => {
    const { provider, autoscaler } = world({
      stabilization: { scaleIn: 300 },
      persisted: {
        recommendations: [
          { at: NOW - 400 * SEC, replicas: 9 },
          { at: NOW - 300 * SEC, replicas: 8 },
          { at: NOW - 299 * SEC, replicas: 7 },
        ],
      },
    });
    // cpu at the target: the recommendation is the current 4 (held by the window's 7).
    await autoscaler.handle(cpu(50, 'k1'));
    expect((await provider.describe(A)).persisted.recommendations).toEqual([
      { at: NOW - 299 * SEC, replicas: 7 },
      { at: NOW, replicas: 4 },
    ]);
  });

  it('the window is the longer of the two stabilization windows', async () => {
    const { provider, autoscaler } = world({
      stabilization: { scaleIn: 300, scaleOut: 600 },
      persisted: { recommendations: [{ at: NOW - 500 * SEC, replicas: 3 }] },
    });
    await autoscaler.handle(cpu(50, 'k1'));
    expect((await provider.describe(A)).persisted.recommendations).toEqual([
      { at: NOW - 500 * SEC, replicas: 3 },
      { at: NOW, replicas: 4 },
    ]);
  });

  it('at most 64 are kept, the newest', async () => {
    const recommendations = Array.from({ length: 70 }, (_, i) => ({ at: NOW - (70 - i) * SEC, replicas: 4 + (i % 2) }));
    const { provider, autoscaler } = world({ stabilization: { scaleIn: 300 }, persisted: { recommendations } });
    await autoscaler.handle(cpu(50, 'k1'));
    const kept = (await provider.describe(A)).persisted.recommendations;
    expect(kept).toHaveLength(64);
    expect(kept.at(-1)).toEqual({ at: NOW, replicas: 4 });
    expect(kept[0]).toEqual(recommendations[7]);
  });
});
