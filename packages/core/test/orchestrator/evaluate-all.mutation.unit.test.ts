import { Autoscaler, InstantClock, MemoryLogger, MemoryProvider, StaticPolicies, validatePolicy } from '../../src/index';
import type { TargetRef, TargetState } from '../../src/index';

// evaluateAll at its edges: how many targets at once, what a poll that answers "failed" (without
// throwing) means, and the poll's half of a target's share. Each case was written against a
// surviving Stryker mutant of orchestrator/autoscaler.ts.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const ids = ['t1', 't2', 't3', 't4', 't5', 't6'];
const refs: TargetRef[] = ids.map((id) => ({ provider: 'memory', id }));

/** Counts describes in flight; each one waits a few event-loop turns, like a network call. */
class CountingProvider extends MemoryProvider {
  inFlight = 0;
  most = 0;
  override async describe(ref: TargetRef): Promise<TargetState> {
    this.inFlight++;
    this.most = Math.max(this.most, this.inFlight);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    this.inFlight--;
    return super.describe(ref);
  }
}

function world(rules: unknown[] = [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 50 } }]) {
  const clock = new InstantClock(NOW);
  const provider = new CountingProvider(
    ids.map((id) => ({ id, capacity: { replicas: 2 } })),
    { clock },
  );
  const logger = new MemoryLogger();
  const policy = validatePolicy({
    name: 'p',
    targets: refs,
    limits: { maxReplicas: 10, cooldown: { scaleOut: 0, scaleIn: 0 } },
    fallback: { failureThreshold: 3 },
    rules,
  });
  const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock, logger });
  return { clock, provider, logger, autoscaler };
}

describe('evaluateAll: targets at once', () => {
  it('four by default', async () => {
    const { provider, autoscaler } = world();
    const result = await autoscaler.evaluateAll(refs);
    expect(result.records.map((r) => r.target?.id)).toEqual(ids);
    expect(provider.most).toBe(4);
  });

  it('concurrency sets it; never fewer than one, never more than the targets', async () => {
    const two = world();
    await two.autoscaler.evaluateAll(refs, { concurrency: 2 });
    expect(two.provider.most).toBe(2);
    const none = world();
    const result = await none.autoscaler.evaluateAll(refs, { concurrency: 0 });
    expect(result.records).toHaveLength(6);
    expect(none.provider.most).toBe(1);
    const many = world();
    await many.autoscaler.evaluateAll(refs.slice(0, 3), { concurrency: 10 });
    expect(many.provider.most).toBe(3);
  });
});

describe('evaluateAll: what a poll reports', () => {
  it('a poll that answers metricsFailed (no throw) counts for the fallback and says why', async () => {
    const { autoscaler } = world();
    const result = await autoscaler.evaluateAll(refs.slice(0, 1), {
      signals: () => Promise.resolve({ signals: [], metricsFailed: 'metrics.k8s.io answered 503' }),
    });
    expect(result.records[0]!.reason).toBe('no signals; metrics failed (metrics.k8s.io answered 503), 1 of 3 before the fallback');
  });

  it("a poll's metricsFailed wins over the pass's own", async () => {
    const { autoscaler } = world();
    const result = await autoscaler.evaluateAll(refs.slice(0, 1), {
      metricsFailed: 'the pass could not list pods',
      signals: () => Promise.resolve({ signals: [], metricsFailed: 'metrics.k8s.io answered 503' }),
    });
    expect(result.records[0]!.reason).toMatch(/metrics failed \(metrics\.k8s\.io answered 503\)/);
  });

  it("a poll that answers without metricsFailed keeps the pass's own", async () => {
    const { autoscaler } = world();
    const result = await autoscaler.evaluateAll(refs.slice(0, 1), {
      metricsFailed: 'the pass could not list pods',
      signals: () => Promise.resolve({ signals: [] }),
    });
    expect(result.records[0]!.reason).toMatch(/metrics failed \(the pass could not list pods\)/);
  });

  it('a hung poll gets half of the target share, is logged redacted, and the target is still evaluated', async () => {
    const { clock, autoscaler, logger, provider } = world([{ name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 4 } }]);
    let pollDeadline = 0;
    const result = await autoscaler.evaluateAll(refs.slice(0, 1), {
      deadline: NOW + 20_000,
      signals: (_ref, o) => {
        pollDeadline = o.deadline ?? 0;
        return Promise.reject(new Error('GET https://prom.example/api?token=abc123 timed out'));
      },
    });
    expect(pollDeadline).toBe(NOW + 10_000);
    expect(clock.now()).toBe(NOW);
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', to: { replicas: 4 } });
    expect(provider.capacityOf('t1').replicas).toBe(4);
    const warned = logger.records.find((r) => r.msg === 'metrics poll failed');
    expect(warned?.level).toBe('warn');
    expect(JSON.stringify(warned)).not.toMatch(/abc123/);
  });
});
