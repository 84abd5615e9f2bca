import {
  Autoscaler,
  ConflictError,
  InstantClock,
  ManualClock,
  MemoryLogger,
  MemoryMetricSource,
  MemoryProvider,
  StaticPolicies,
  TransientError,
  validatePolicy,
} from '../../src/index';
import type { AutoscalerOptions, Signal, TargetRef } from '../../src/index';

// Orchestrator edges found by the confirming Stryker run (`--all-tests`) over autoscaler.ts:
// options left out, when a pass counts as a good metrics read, a heartbeat ending in a conflict,
// and the texts a caller sees. Each case was checked against its mutant by hand.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;
const A: TargetRef = { provider: 'memory', id: 'model-a' };
const B: TargetRef = { provider: 'memory', id: 'model-b' };

function world(metricFailures?: number, extra: Partial<AutoscalerOptions> = {}) {
  const clock = new ManualClock(NOW);
  const persisted = { dedupeKeys: [], recommendations: [], ...(metricFailures === undefined ? {} : { metricFailures }) };
  const provider = new MemoryProvider(
    [
      { id: 'model-a', capacity: { replicas: 3 }, persisted },
      { id: 'model-b', capacity: { replicas: 3 }, persisted },
    ],
    { clock },
  );
  const policy = validatePolicy({
    name: 'p',
    targets: [A, B],
    limits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 0 } },
    fallback: { failureThreshold: 5 },
    rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 50 } }],
  });
  const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock, retry: { attempts: 1, baseDelayMs: 0 }, ...extra });
  return { clock, provider, autoscaler };
}

const cpu = (target: TargetRef, value: number): Signal => ({
  target,
  source: 'test',
  metric: 'cpu',
  state: 'value',
  value,
  dedupeKey: `cpu-${value}`,
  at: NOW - MIN,
});
const heartbeat = (target: TargetRef, dedupeKey = 'hb-1'): Signal => ({ target, source: 'test', metric: 'heartbeat', state: 'evaluate', dedupeKey, at: NOW });

describe('an Autoscaler built without the optional lists', () => {
  it('without sources a delivery is refused as having no alarm source (nothing made up stands in for one)', async () => {
    const { autoscaler, provider } = world();
    const result = await autoscaler.handle({ anything: true });
    expect(result.ok).toBe(false);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ outcome: 'rejected', code: 'VALIDATION', reason: 'no alarm source registered' });
    expect(provider.calls.describe).toBe(0);
  });
});

describe('the failure count: only a pass that read metrics resets it', () => {
  it('evaluate without signals (and no failure) keeps the count of earlier failed reads', async () => {
    const { autoscaler, provider } = world(2);
    const record = await autoscaler.evaluate(A);
    expect(record.outcome).toBe('no-action');
    expect((await provider.readState(A)).metricFailures).toBe(2);
    expect(provider.calls.writeState).toBe(0);
  });

  it('evaluate with a signal is a good read: the count is reset', async () => {
    const { autoscaler, provider } = world(2);
    await autoscaler.evaluate(A, [cpu(A, 50)]);
    expect((await provider.readState(A)).metricFailures).toBeUndefined();
  });

  it('evaluateAll without a poll keeps the count; a poll that returned signals resets it, one that returned none keeps it', async () => {
    const none = world(2);
    await none.autoscaler.evaluateAll([A]);
    expect((await none.provider.readState(A)).metricFailures).toBe(2);
    const polled = world(2);
    await polled.autoscaler.evaluateAll([A, B], { signals: async (ref) => ({ signals: ref.id === 'model-a' ? [cpu(A, 50)] : [] }) });
    expect((await polled.provider.readState(A)).metricFailures).toBeUndefined();
    expect((await polled.provider.readState(B)).metricFailures).toBe(2);
  });
});

describe('heartbeats', () => {
  it('a redelivered heartbeat is a duplicate, and says why', async () => {
    const { autoscaler } = world();
    await autoscaler.handleSignals([heartbeat(A)]);
    const again = await autoscaler.handleSignals([heartbeat(A)]);
    expect(again.records).toHaveLength(1);
    expect(again.records[0]).toMatchObject({
      outcome: 'duplicate',
      target: A,
      reason: 'this request for an evaluation was already handled (dedupe key seen)',
    });
  });

  it('a heartbeat whose evaluation ends in a conflict gives its claim back: the redelivery is a retry', async () => {
    const { autoscaler, provider } = world();
    provider.injectFault(new ConflictError('model-a: changed meanwhile'));
    const failed = await autoscaler.handleSignals([heartbeat(A)]);
    expect(failed.records.map((r) => [r.outcome, r.code])).toEqual([['conflict', 'CONFLICT']]);
    const retried = await autoscaler.handleSignals([heartbeat(A)]);
    expect(retried.records.map((r) => r.outcome)).toEqual(['no-action']);
  });
});

/** A MemoryProvider whose apply fails first with the given errors, and which may leave the state write to the autoscaler. */
class Scripted extends MemoryProvider {
  applyErrors: Error[] = [];
  writeStateErrors: Error[] = [];
  stateWithChange = true;
  override async apply(ref: TargetRef, to: Parameters<MemoryProvider['apply']>[1], options: Parameters<MemoryProvider['apply']>[2] = {}) {
    const e = this.applyErrors.shift();
    if (e) {
      this.calls.apply++;
      throw e;
    }
    return super.apply(ref, to, this.stateWithChange ? options : { ...options, state: undefined });
  }
  override async writeState(ref: TargetRef, state: Parameters<MemoryProvider['writeState']>[1]) {
    const e = this.writeStateErrors.shift();
    if (e) {
      this.calls.writeState++;
      throw e;
    }
    return super.writeState(ref, state);
  }
}

const firing = (alarm: string, dedupeKey = `${alarm}-1`): Signal => ({ target: A, source: 'test', metric: alarm, alarm, state: 'firing', dedupeKey, at: NOW });

function scripted(rules: unknown[], limits: Record<string, unknown> = {}, extra: Partial<AutoscalerOptions> = {}) {
  const clock = new ManualClock(NOW);
  const provider = new Scripted([{ id: 'model-a', capacity: { replicas: 2, size: 'S' }, ladder: ['S', 'M', 'L'] }], { clock });
  const logger = new MemoryLogger();
  const policy = validatePolicy({
    name: 'p',
    targets: [A],
    limits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 0 }, ...limits },
    rules,
  });
  const autoscaler = new Autoscaler({
    providers: [provider],
    policies: new StaticPolicies([policy]),
    clock,
    logger,
    retry: { attempts: 1, baseDelayMs: 0 },
    ...extra,
  });
  return { clock, provider, logger, autoscaler };
}

const OUT = { name: 'out', threshold: { alarm: 'hot', change: 2 } };
const BIGGER = { name: 'bigger', threshold: { alarm: 'mem', size: 'next' } };

describe('resizes', () => {
  it("a resize is 'resized' and leaves a lastResize mark (not a scale-out one)", async () => {
    const { autoscaler, provider } = scripted([BIGGER], { sizes: ['S', 'M', 'L'] });
    const result = await autoscaler.handleSignals([firing('mem')]);
    expect(result.records.map((r) => [r.outcome, r.to?.size])).toEqual([['resized', 'M']]);
    const state = await provider.readState(A);
    expect(state.lastResize).toEqual({ at: NOW, from: 2, to: 2 });
    expect(state.lastScaleOut).toBeUndefined();
  });

  it('a resize under stabilization windows stores no replica recommendation (it has none)', async () => {
    const { autoscaler, provider } = scripted([BIGGER], { sizes: ['S', 'M', 'L'], stabilization: { scaleIn: 300, scaleOut: 60 } });
    const [record] = (await autoscaler.handleSignals([firing('mem')])).records;
    expect(record!.outcome).toBe('resized');
    expect((await provider.readState(A)).recommendations).toEqual([]);
  });

  it("a resize whose state write is lost says 'resized' in its error", async () => {
    const { autoscaler, provider } = scripted([BIGGER], { sizes: ['S', 'M', 'L'] });
    provider.stateWithChange = false;
    provider.writeStateErrors.push(new TransientError('tags throttled'));
    const [record] = (await autoscaler.handleSignals([firing('mem')])).records;
    expect(record!.outcome).toBe('error');
    expect(record!.reason).toMatch(/^resized 2 -> 2, but the autoscaler's state \(dedupe keys, cooldown mark\) could not be written: tags throttled\. /);
  });
});

describe('the state write after the change', () => {
  const fallback = (dryRun: boolean) => {
    const clock = new ManualClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 }, persisted: { dedupeKeys: [], recommendations: [], metricFailures: 2 } }], {
      clock,
    });
    const policy = validatePolicy({
      name: 'p',
      targets: [A],
      dryRun,
      limits: { maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 0 } },
      fallback: { failureThreshold: 5 },
      rules: [OUT],
    });
    return { provider, autoscaler: new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock }) };
  };

  it('a change written with its state is not followed by a second write (which would drop the mark), even when the failure count changed', async () => {
    const { autoscaler, provider } = fallback(false);
    const record = await autoscaler.evaluate(A, [firing('hot')]);
    expect(record.outcome).toBe('scaled');
    expect(provider.calls.writeState).toBe(0);
    const state = await provider.readState(A);
    expect(state.lastScaleOut).toEqual({ at: NOW, from: 2, to: 4 });
    expect(state.metricFailures).toBeUndefined();
  });

  it('a dry run writes nothing, not even a changed failure count', async () => {
    const { autoscaler, provider } = fallback(true);
    const record = await autoscaler.evaluate(A, [firing('hot')]);
    expect(record.outcome).toBe('dry-run');
    expect(provider.calls.writeState).toBe(0);
    expect((await provider.readState(A)).metricFailures).toBe(2);
  });

  it('a provider that leaves the state to the autoscaler: written afterwards, and the outcome stays scaled', async () => {
    const { autoscaler, provider } = scripted([OUT]);
    provider.stateWithChange = false;
    const [record] = (await autoscaler.handleSignals([firing('hot')])).records;
    expect(record!.outcome).toBe('scaled');
    expect(provider.calls.writeState).toBe(1);
    expect((await provider.readState(A)).lastScaleOut).toEqual({ at: NOW, from: 2, to: 4 });
  });
});

describe('apply failures', () => {
  it('a transient apply failure is an error (only a version conflict is looked at again)', async () => {
    const { autoscaler, provider } = scripted([OUT]);
    provider.applyErrors.push(new TransientError('UpdateEndpoint timed out'));
    const [record] = (await autoscaler.handleSignals([firing('hot')])).records;
    expect([record!.outcome, record!.code]).toEqual(['error', 'TRANSIENT']);
    expect(provider.calls.describe).toBe(1);
    expect(provider.capacityOf('model-a').replicas).toBe(2);
  });

  it('a periodic evaluation (no signals) that meets a conflict decides again and acts, marking the change', async () => {
    const { autoscaler, provider } = scripted([{ name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 5 } }]);
    provider.applyErrors.push(new ConflictError('model-a: version 1 is stale'));
    const record = await autoscaler.evaluate(A);
    expect([record.outcome, record.to?.replicas]).toEqual(['scaled', 5]);
    expect(provider.calls.describe).toBe(2);
    expect((await provider.readState(A)).lastScaleOut).toEqual({ at: NOW, from: 2, to: 5 });
  });
});

describe('retries at the edge of the budget', () => {
  it('a retry that fits exactly (its backoff + 250 ms for the call) is made', async () => {
    const clock = new InstantClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }], { clock });
    const policy = validatePolicy({ name: 'p', targets: [A], limits: { maxReplicas: 20 }, rules: [OUT] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock, retry: { attempts: 2, baseDelayMs: 100 } });
    provider.injectFault(new TransientError('describe timed out'));
    const record = await autoscaler.evaluate(A, [], { deadline: NOW + 350 });
    expect(record.outcome).toBe('no-action');
    expect(provider.calls.describe).toBe(2);
  });
});

describe('stabilization recommendations', () => {
  const cpuRule = { name: 'cpu', targetTracking: { metric: 'cpu', target: 50 } };
  const load = (value: number, at: number): Signal => ({ target: A, source: 'test', metric: 'cpu', state: 'value', value, dedupeKey: `cpu-${at}`, at });

  it('kept when only the scale-out window is set; stored again after half the shorter window', async () => {
    const { autoscaler, provider, clock } = scripted([cpuRule], { stabilization: { scaleIn: 300, scaleOut: 60 } });
    await autoscaler.evaluate(A, [load(50, NOW)]);
    expect((await provider.readState(A)).recommendations).toEqual([{ at: NOW, replicas: 2 }]);
    clock.advance(40_000);
    await autoscaler.evaluate(A, [load(50, clock.now())]);
    expect((await provider.readState(A)).recommendations).toEqual([
      { at: NOW, replicas: 2 },
      { at: NOW + 40_000, replicas: 2 },
    ]);
    const outOnly = scripted([cpuRule], { stabilization: { scaleIn: 0, scaleOut: 60 } });
    await outOnly.autoscaler.evaluate(A, [load(50, NOW)]);
    expect((await outOnly.provider.readState(A)).recommendations).toEqual([{ at: NOW, replicas: 2 }]);
  });

  it('none kept without stabilization windows, even by a scale-out', async () => {
    const { autoscaler, provider } = scripted([cpuRule], { stabilization: { scaleIn: 0, scaleOut: 0 } });
    const record = await autoscaler.evaluate(A, [load(100, NOW)]);
    expect(record.outcome).toBe('scaled');
    expect((await provider.readState(A)).recommendations).toEqual([]);
  });

  it('a decision with no replica recommendation (a resize blocked at the top of the ladder) writes nothing', async () => {
    const { autoscaler, provider } = scripted([BIGGER], { sizes: ['S'], stabilization: { scaleIn: 300, scaleOut: 60 } });
    const record = await autoscaler.evaluate(A, [firing('mem')]);
    expect(record.outcome).toBe('no-action');
    expect(record.decision?.recommendation).toBeUndefined();
    expect(provider.calls.writeState).toBe(0);
  });
});

describe('who lists the target', () => {
  class CaseInsensitive extends MemoryProvider {
    normalizeId(id: string): string {
      return id.toLowerCase();
    }
  }
  const unmanaged = (targets: TargetRef[]) => {
    const clock = new ManualClock(NOW);
    const provider = new CaseInsensitive([{ id: 'model-a', capacity: { replicas: 2 }, managed: false }], { clock });
    const policy = validatePolicy({ name: 'p', targets, limits: { maxReplicas: 20 }, rules: [OUT] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: { resolve: async () => policy }, clock });
    return { provider, autoscaler };
  };

  it('a policy listing the target in another spelling among other targets lists it', async () => {
    const { autoscaler } = unmanaged([{ provider: 'memory', id: 'MODEL-A' }, B]);
    const record = await autoscaler.evaluate(A, [firing('hot')]);
    expect(record.outcome).toBe('scaled');
  });

  it('the same id under another provider does not list it: an unmanaged target is refused', async () => {
    const { autoscaler, provider } = unmanaged([{ provider: 'other', id: 'model-a' }]);
    const record = await autoscaler.evaluate(A, [firing('hot')]);
    expect(record.outcome).toBe('rejected');
    expect(record.reason).toContain('is not listed by policy "p" nor tagged as managed');
    expect(provider.calls.apply).toBe(0);
  });
});

describe('what a refused target is told', () => {
  it('an unknown provider is named with the ones registered', async () => {
    const clock = new ManualClock(NOW);
    const one = new MemoryProvider([], { clock });
    const two = new MemoryProvider([], { clock, name: 'second' });
    const policy = validatePolicy({ name: 'p', targets: [A], limits: { maxReplicas: 20 }, rules: [OUT] });
    const autoscaler = new Autoscaler({ providers: [one, two], policies: new StaticPolicies([policy]), clock });
    const record = await autoscaler.evaluate({ provider: 'nope', id: 'x' });
    expect(record.reason).toContain(`no provider "nope" is registered (have: ${[one.name, two.name].join(', ')})`);
  });

  it('a policy the target cannot follow is named with the target', async () => {
    class Picky extends MemoryProvider {
      checkPolicy() {
        return [{ path: 'rules[0]', message: 'cannot change size' }];
      }
    }
    const clock = new ManualClock(NOW);
    const provider = new Picky([{ id: 'model-a', capacity: { replicas: 2 } }], { clock });
    const policy = validatePolicy({ name: 'p', targets: [A], limits: { maxReplicas: 20 }, rules: [OUT] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock });
    const record = await autoscaler.evaluate(A, [firing('hot')]);
    expect(record.outcome).toBe('rejected');
    expect(record.reason).toBe('policy "p" asks what memory:model-a cannot do: rules[0]: cannot change size');
  });

  it('a redelivered signal is a duplicate of its target and key, and says why', async () => {
    const { autoscaler } = scripted([OUT]);
    await autoscaler.handleSignals([firing('hot')]);
    const [again] = (await autoscaler.handleSignals([firing('hot')])).records;
    expect(again).toMatchObject({ outcome: 'duplicate', target: A, dedupeKey: 'hot-1', reason: 'every signal was already handled (dedupe key seen)' });
  });

  it('a target not ready says what it is doing', async () => {
    class Busy extends MemoryProvider {
      override async describe(ref: TargetRef) {
        return { ...(await super.describe(ref)), status: 'updating' as const, reason: 'work request wr-1 in progress' };
      }
    }
    const clock = new ManualClock(NOW);
    const provider = new Busy([{ id: 'model-a', capacity: { replicas: 2 } }], { clock });
    const policy = validatePolicy({ name: 'p', targets: [A], limits: { maxReplicas: 20 }, rules: [OUT] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock });
    const record = await autoscaler.evaluate(A, [firing('hot')]);
    expect(record.reason).toBe('target updating: work request wr-1 in progress; not acting until it is ready');
  });
});

describe('notifications', () => {
  it('with no notifiers configured nothing is sent and nothing fails', async () => {
    const { autoscaler, logger } = scripted([OUT]);
    await autoscaler.handleSignals([firing('hot')]);
    await autoscaler.evaluateAll([A]);
    expect(logger.records.filter((r) => r.level === 'warn')).toEqual([]);
  });

  it('a pass notifies once per action, with the record', async () => {
    const sent: unknown[] = [];
    const { autoscaler } = scripted(
      [{ name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 5 } }],
      {},
      {
        notifiers: [{ name: 'capture', notify: async (record) => void sent.push(record) }],
      },
    );
    await autoscaler.evaluateAll([A]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ outcome: 'scaled', target: A });
  });

  it('a policy whose notifiers cannot be built is one warning, and nothing is sent', async () => {
    const { autoscaler, logger } = scripted(
      [OUT],
      {},
      {
        notifiersFor: () => {
          throw new Error('webhook host not allowed');
        },
      },
    );
    await autoscaler.handleSignals([firing('hot')]);
    expect(logger.records.filter((r) => r.level === 'warn').map((r) => r.msg)).toEqual(['notification refused']);
  });
});

describe('canonical ids', () => {
  it('an id that is not a string is never normalized (it stays as given, and is refused as it is)', async () => {
    class Stringly extends MemoryProvider {
      normalizeId(id: string): string {
        return String(id).toLowerCase();
      }
    }
    const clock = new ManualClock(NOW);
    const provider = new Stringly([{ id: 'model-a', capacity: { replicas: 2 } }], { clock });
    const policy = validatePolicy({ name: 'p', targets: [A], limits: { maxReplicas: 20 }, rules: [OUT] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock });
    const record = await autoscaler.evaluate({ provider: 'memory', id: 123 as unknown as string });
    expect(record.target).toEqual({ provider: 'memory', id: 123 });
  });
});

describe("a pass's budget shares", () => {
  it('the last target of a pass gets all that is left, not a share meant for more targets', async () => {
    class HangsOnB extends MemoryProvider {
      override async describe(ref: TargetRef) {
        if (ref.id === 'model-b') return new Promise<never>(() => undefined);
        return super.describe(ref);
      }
    }
    const clock = new ManualClock(NOW);
    const provider = new HangsOnB(
      [
        { id: 'model-a', capacity: { replicas: 2 } },
        { id: 'model-b', capacity: { replicas: 2 } },
      ],
      { clock },
    );
    const policy = validatePolicy({ name: 'p', targets: [A, B], limits: { maxReplicas: 20 }, rules: [OUT] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([policy]), clock });
    let done = false;
    const pass = autoscaler.evaluateAll([A, B], { concurrency: 1, deadline: NOW + 900 }).then((r) => {
      done = true;
      return r;
    });
    const turns = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    await turns();
    // A took no time: B's share is the whole 900 ms (a share for 3 targets would end at 300).
    clock.advance(400);
    await turns();
    expect(done).toBe(false);
    clock.advance(500);
    await turns();
    expect(done).toBe(true);
    const result = await pass;
    expect(result.records.map((r) => [r.target?.id, r.outcome])).toEqual([
      ['model-a', 'no-action'],
      ['model-b', 'error'],
    ]);
  });
});

describe('the pull side, as the record shows it', () => {
  const history = (rules: unknown[], options: { source?: boolean; failures?: number; fallback?: Record<string, unknown> } = {}) => {
    const clock = new ManualClock(NOW);
    const persisted = { dedupeKeys: [], recommendations: [], ...(options.failures === undefined ? {} : { metricFailures: options.failures }) };
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 }, persisted }], { clock });
    const source = new MemoryMetricSource({ publishDelaySeconds: 0 });
    const policy = validatePolicy({
      name: 'p',
      targets: [A],
      limits: { maxReplicas: 50, cooldown: { scaleOut: 0, scaleIn: 300 } },
      fallback: options.fallback ?? { failureThreshold: 5 },
      rules,
    });
    const autoscaler = new Autoscaler({
      providers: [provider],
      ...(options.source === false ? {} : { metricSources: [source] }),
      policies: new StaticPolicies([policy]),
      clock,
    });
    return { provider, source, autoscaler };
  };
  const flat = (metric: string, value: number) => Array.from({ length: 300 }, (_, i) => ({ at: NOW - (300 - i) * MIN, value }));
  const predictive = (name: string, metric: string) => ({ name, predictive: { metric, target: 100, seasonDays: 0 } });

  it('without a metric source the forecast is named unavailable once, and the failure count is kept (nothing was read)', async () => {
    const { autoscaler, provider } = history([predictive('forecast', 'requests')], { source: false, failures: 2 });
    const record = await autoscaler.evaluate(A);
    // The engine's reason names it already: the record does not repeat it.
    expect(record.reason).toBe('forecast: forecast unavailable (no metric source is registered for provider memory); reactive rules only');
    expect((await provider.readState(A)).metricFailures).toBe(2);
  });

  it('a reason that does not name the unavailable forecasts (the metrics fallback decided) gets each of them, in rule order', async () => {
    const { autoscaler } = history([predictive('f1', 'requests'), predictive('f2', 'tokens')], {
      source: false,
      fallback: { failureThreshold: 1, replicas: 6 },
    });
    const record = await autoscaler.evaluate(A, [], { metricsFailed: 'metrics API down' });
    expect(record.rule).toBe('fallback');
    const unavailable = (rule: string) => `${rule}: forecast unavailable (no metric source is registered for provider memory); reactive rules only`;
    expect(record.reason.endsWith(`; ${unavailable('f1')}; ${unavailable('f2')}`)).toBe(true);
    expect(record.reason.split(unavailable('f1'))).toHaveLength(2);
  });

  it('a good forecast adds nothing to the reason; each metric is read once, whatever the rules on it', async () => {
    const { autoscaler, source } = history([predictive('a', 'requests'), predictive('b', 'requests'), predictive('c', 'tokens')]);
    source.set('model-a', 'requests', flat('requests', 500));
    source.set('model-a', 'tokens', flat('tokens', 50));
    const record = await autoscaler.evaluate(A);
    expect(record.reason).not.toContain('unavailable');
    expect(source.queries.map((q) => q.metric).sort()).toEqual(['requests', 'tokens']);
  });

  it("the history's newest point is a value a threshold rule acts on", async () => {
    const quiet = { name: 'forecast', predictive: { metric: 'requests', target: 1e9, seasonDays: 0 } };
    const { autoscaler, source } = history([quiet, { name: 'busy', threshold: { metric: 'requests', above: 1000, change: 3 } }]);
    source.set('model-a', 'requests', [...flat('requests', 10).slice(0, -1), { at: NOW - MIN, value: 5000 }]);
    const record = await autoscaler.evaluate(A);
    expect(record.rule).toBe('busy');
  });
});
