import { Autoscaler, ManualClock, MemoryProvider, StaticPolicies, TransientError, validatePolicy } from '../../src/index';
import type { AlarmSource, Signal, TargetRef } from '../../src/index';

// A heartbeat delivery (`state: 'evaluate'`) asks for one periodic evaluation of its target:
// schedules apply, no rule sees the signal, and a redelivery is a duplicate.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const A: TargetRef = { provider: 'memory', id: 'model-a' };
const B: TargetRef = { provider: 'memory', id: 'model-b' };

function world(sources: AlarmSource[] = [], replicas = 1) {
  const clock = new ManualClock(NOW);
  const provider = new MemoryProvider(
    [
      { id: 'model-a', capacity: { replicas } },
      { id: 'model-b', capacity: { replicas } },
    ],
    { clock },
  );
  const policy = validatePolicy({
    name: 'p',
    targets: [A, B],
    limits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 300 } },
    rules: [
      { name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 3 } },
      { name: 'hot', threshold: { alarm: 'hot', change: 5 } },
    ],
  });
  const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), sources, clock, retry: { attempts: 1, baseDelayMs: 0 } });
  return { clock, provider, autoscaler };
}

const heartbeat = (target: TargetRef, dedupeKey = 'hb-1'): Signal => ({ target, source: 'test', metric: 'heartbeat', state: 'evaluate', dedupeKey, at: NOW });
const hot = (target: TargetRef, dedupeKey = 'cpu-1'): Signal => ({
  target,
  source: 'test',
  metric: 'cpu',
  alarm: 'hot',
  state: 'firing',
  value: 95,
  dedupeKey,
  at: NOW,
});

describe("signals with state 'evaluate' (heartbeats)", () => {
  it('evaluate the target once: the schedule floor applies and the result is marked periodic', async () => {
    const { provider, autoscaler } = world();
    const result = await autoscaler.handleSignals([heartbeat(A)]);
    expect(result.periodic).toBe(true);
    expect(result.ok).toBe(true);
    expect(result.records.map((r) => [r.target?.id, r.outcome, r.to?.replicas])).toEqual([['model-a', 'scaled', 3]]);
    expect((await provider.describe(A)).capacity.replicas).toBe(3);
    expect((await provider.describe(B)).capacity.replicas).toBe(1);
  });

  it('a redelivered heartbeat is a duplicate: no second evaluation', async () => {
    const { provider, autoscaler } = world();
    await autoscaler.handleSignals([heartbeat(A)]);
    const describes = provider.calls.describe;
    const again = await autoscaler.handleSignals([heartbeat(A)]);
    expect(again.records.map((r) => [r.target?.id, r.outcome])).toEqual([['model-a', 'duplicate']]);
    expect(provider.calls.describe).toBe(describes);
    // A new heartbeat (another dedupe key) is evaluated again.
    const next = await autoscaler.handleSignals([heartbeat(A, 'hb-2')]);
    expect(next.records.map((r) => r.outcome)).toEqual(['no-action']);
    expect(provider.calls.describe).toBe(describes + 1);
  });

  it('a heartbeat whose evaluation ends in a transient error gives its claim back: the redelivery is a retry', async () => {
    const { provider, autoscaler } = world();
    // The first describe fails (the world's autoscaler makes one attempt per call).
    provider.injectFault(new TransientError('describe timed out'));
    const failed = await autoscaler.handleSignals([heartbeat(A), heartbeat(B)]);
    expect(failed.records.map((r) => [r.target?.id, r.outcome, r.code]).sort()).toEqual([
      ['model-a', 'error', 'TRANSIENT'],
      ['model-b', 'scaled', undefined],
    ]);
    expect(failed.ok).toBe(false);
    const retried = await autoscaler.handleSignals([heartbeat(A), heartbeat(B)]);
    // A is evaluated again (and scaled to the schedule floor); B's evaluation succeeded, so its copy is a duplicate.
    expect(retried.records.map((r) => [r.target?.id, r.outcome, r.to?.replicas]).sort()).toEqual([
      ['model-a', 'scaled', 3],
      ['model-b', 'duplicate', undefined],
    ]);
    expect((await provider.describe(A)).capacity.replicas).toBe(3);
  });

  it('two heartbeats for one target in one delivery evaluate it once; each target is evaluated', async () => {
    const { provider, autoscaler } = world();
    const result = await autoscaler.handleSignals([heartbeat(A), heartbeat(A, 'hb-other'), heartbeat(B)]);
    expect(result.records.map((r) => [r.target?.id, r.outcome]).sort()).toEqual([
      ['model-a', 'scaled'],
      ['model-b', 'scaled'],
    ]);
    expect(provider.calls.apply).toBe(2);
  });

  it("only the first heartbeat of a target in a delivery is claimed: the other's own redelivery still evaluates", async () => {
    const { provider, autoscaler } = world();
    await autoscaler.handleSignals([heartbeat(A), heartbeat(A, 'hb-other')]);
    const describes = provider.calls.describe;
    const later = await autoscaler.handleSignals([heartbeat(A, 'hb-other')]);
    expect(later.records.map((r) => r.outcome)).toEqual(['no-action']);
    expect(provider.calls.describe).toBe(describes + 1);
  });

  it('a mixed delivery acts on the alarm signal and evaluates the heartbeat target; not marked periodic', async () => {
    const { provider, autoscaler } = world();
    const result = await autoscaler.handleSignals([hot(A), heartbeat(B)]);
    expect(result.periodic).toBeUndefined();
    expect(result.records.map((r) => [r.target?.id, r.outcome, r.to?.replicas])).toEqual([
      ['model-a', 'scaled', 6],
      ['model-b', 'scaled', 3],
    ]);
    expect((await provider.describe(A)).capacity.replicas).toBe(6);
  });

  it('through handle(): a source whose verify turns a delivery into a heartbeat gets one evaluation', async () => {
    const source: AlarmSource = {
      name: 'hb',
      parse: (raw) => [heartbeat(A, String(raw))],
      verify: (signals) => Promise.resolve(signals.filter((s) => s.dedupeKey !== 'forged')),
    };
    const { autoscaler: withSource, provider } = world([source]);
    expect((await withSource.handle('forged')).records.map((r) => r.outcome)).toEqual(['no-action']);
    const first = await withSource.handle('n-1');
    expect(first.periodic).toBe(true);
    expect(first.records.map((r) => [r.target?.id, r.outcome, r.to?.replicas])).toEqual([['model-a', 'scaled', 3]]);
    expect((await withSource.handle('n-1')).records.map((r) => r.outcome)).toEqual(['duplicate']);
    expect(provider.calls.apply).toBe(1);
  });
});
