import { InstantClock, MemoryProvider, NotReadyError, TransientError, applyAndWait, type TargetRef } from '../../src/index';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const A: TargetRef = { provider: 'memory', id: 'model-a' };

describe('applyAndWait: the one "scale and wait" of every cloud', () => {
  it('applies with the version, then describes until ready at the new capacity', async () => {
    const clock = new InstantClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2, size: 's' }, ladder: ['s', 'm'] }], { clock, updateDelayMs: 7_000 });
    const seen: string[] = [];
    const r = await applyAndWait(provider, A, { replicas: 4 }, { clock, pollMs: 2_000, onProgress: (s) => seen.push(s.status) });
    expect(r).toMatchObject({ status: 'done', from: { replicas: 2, size: 's' }, to: { replicas: 4, size: 's' }, state: { status: 'ready' } });
    expect(seen).toEqual(['updating', 'updating', 'updating', 'updating', 'ready']);
    expect(provider.capacityOf('model-a')).toEqual({ replicas: 4, size: 's' });
  });

  it('already there is unchanged, with no apply', async () => {
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }]);
    expect((await applyAndWait(provider, A, { replicas: 2 })).status).toBe('unchanged');
    expect(provider.calls.apply).toBe(0);
  });

  it('a busy target is NotReadyError saying why, not an invalid id', async () => {
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 }, status: 'updating' }]);
    await expect(applyAndWait(provider, A, { replicas: 3 })).rejects.toThrow(NotReadyError);
    await expect(applyAndWait(provider, A, { replicas: 3 })).rejects.toThrow(
      /memory:model-a is updating \(an update is in progress\); try again once it is ready/,
    );
  });

  it('gives up at the deadline with a transient error', async () => {
    const clock = new InstantClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }], { clock, updateDelayMs: 600_000 });
    await expect(applyAndWait(provider, A, { replicas: 3 }, { clock, deadline: NOW + 10_000 })).rejects.toThrow(TransientError);
  });

  it('wait: false returns once accepted, with the handle', async () => {
    const clock = new InstantClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }], { clock, updateDelayMs: 60_000 });
    const r = await applyAndWait(provider, A, { replicas: 5 }, { clock, wait: false });
    expect(r.status).toBe('accepted');
    expect(r.handle?.kind).toBe('work-request');
  });
});

describe('normalizeId: case-insensitive clouds', () => {
  /** Ids like Azure's: any case on the wire, one target. */
  class CaseInsensitive extends MemoryProvider {
    override validateId(id: string): void {
      super.validateId(id.toLowerCase());
    }
    normalizeId(id: string): string {
      return id.toLowerCase();
    }
  }

  it('a lowercase alarm for a mixed-case policy target is handled once, as that target', async () => {
    const { Autoscaler, MemoryAlarmSource, StaticPolicies, validatePolicy } = await import('../../src/index');
    const provider = new CaseInsensitive([{ id: 'model-a', capacity: { replicas: 1 } }]);
    const p = validatePolicy({
      name: 'p',
      targets: [{ provider: 'memory', id: 'Model-A' }],
      limits: { maxReplicas: 5 },
      rules: [{ name: 'up', threshold: { alarm: 'high', change: 1 } }],
    });
    const autoscaler = new Autoscaler({
      providers: [provider],
      sources: [new MemoryAlarmSource()],
      policies: new StaticPolicies([p], undefined, (id) => provider.normalizeId(id)),
    });
    const signal = (id: string, key: string) => ({
      target: { provider: 'memory', id },
      source: 'memory',
      metric: 'cpu',
      alarm: 'high',
      state: 'firing',
      at: NOW,
      dedupeKey: key,
    });
    const r = await autoscaler.handle([signal('MODEL-A', 'k1'), signal('model-a', 'k1')]);
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({ outcome: 'scaled', target: { id: 'model-a' } });
    expect(provider.capacityOf('model-a').replicas).toBe(2);
  });
});
