import {
  Autoscaler,
  ManualClock,
  MemoryLogger,
  MemoryMetricSource,
  MemoryProvider,
  StaticPolicies,
  TransientError,
  ProviderError,
  validatePolicy,
  WebhookNotifier,
} from '../../src/index';
import type { AuditRecord, CallOptions, Notifier, PersistedState, Policy, TargetRef, TargetState } from '../../src/index';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;
const A: TargetRef = { provider: 'memory', id: 'model-a' };

/** Drive a ManualClock forward in steps until `work` settles; returns it and the clock time it took. */
async function runOnClock<T>(clock: ManualClock, work: Promise<T>, stepMs = 500, maxMs = 10 * MIN): Promise<{ value: T; tookMs: number }> {
  const start = clock.now();
  let done = false;
  let value!: T;
  let error: Error | undefined;
  work.then(
    (v) => {
      done = true;
      value = v;
    },
    (e: unknown) => {
      done = true;
      error = e instanceof Error ? e : new Error(String(e));
    },
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  while (!done && clock.now() - start < maxMs) {
    clock.advance(stepMs);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
  if (!done) throw new Error(`work did not settle within ${maxMs} ms of clock time`);
  if (error) throw error;
  return { value, tookMs: clock.now() - start };
}

class HangingNotifier implements Notifier {
  readonly name = 'hangs';
  aborted = 0;
  notify(_record: AuditRecord, options?: CallOptions): Promise<void> {
    return new Promise((_, reject) => options?.signal?.addEventListener('abort', () => (this.aborted++, reject(new Error('aborted')))));
  }
}

/** Hangs on describe for ids that start with `tenant-`, until aborted. */
class PartlyHungProvider extends MemoryProvider {
  override async describe(ref: TargetRef, options?: CallOptions): Promise<TargetState> {
    if (ref.id.startsWith('tenant-'))
      return new Promise((_, reject) => options?.signal?.addEventListener('abort', () => reject(new TransientError('aborted'))));
    return super.describe(ref);
  }
}

/** Applies the change but loses every state write. */
class LosesStateWrites extends MemoryProvider {
  override async writeState(_ref: TargetRef, _state: PersistedState): Promise<void> {
    throw new ProviderError('AddTags was dropped on the floor');
  }
}

function policy(doc: Record<string, unknown>): Policy {
  return validatePolicy({ name: 'p', targets: [A], limits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 300 } }, ...doc });
}

describe('time budgets', () => {
  it('a notifier that never answers does not hold the evaluation past its short timeout, and is aborted', async () => {
    const clock = new ManualClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock });
    const hang = new HangingNotifier();
    const logger = new MemoryLogger();
    const p = policy({ rules: [{ name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 3 } }] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock, logger, notifiers: [hang], notifyTimeoutMs: 2_000 });
    const { value, tookMs } = await runOnClock(clock, autoscaler.evaluate(A, [], { deadline: NOW + 30_000 }));
    expect(value.outcome).toBe('scaled');
    expect(provider.capacityOf('model-a').replicas).toBe(3);
    expect(tookMs).toBeLessThanOrEqual(2_500);
    expect(hang.aborted).toBe(1);
    expect(logger.records.some((r) => r.msg === 'notification failed' && r['notifier'] === 'hangs')).toBe(true);
  });

  it('a hung dependency ends the work at the deadline with a transient error, not later', async () => {
    const clock = new ManualClock(NOW);
    const provider = new PartlyHungProvider([{ id: 'tenant-1', capacity: { replicas: 1 } }], { clock });
    const p = validatePolicy({
      name: 'p',
      targets: [{ provider: 'memory', id: 'tenant-1' }],
      limits: { maxReplicas: 5 },
      rules: [{ name: 'r', threshold: { alarm: 'x', change: 1 } }],
    });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock });
    const { value, tookMs } = await runOnClock(clock, autoscaler.evaluate({ provider: 'memory', id: 'tenant-1' }, [], { deadline: NOW + 10_000 }), 250);
    expect(value.outcome).toBe('error');
    expect(value.code).toBe('TRANSIENT');
    expect(tookMs).toBeLessThanOrEqual(10_000);
  });

  it('evaluateAll: twenty hung tenants cannot starve a victim in another namespace; all within the deadline', async () => {
    const clock = new ManualClock(NOW);
    const seeds = [...Array.from({ length: 20 }, (_, i) => ({ id: `tenant-${i}`, capacity: { replicas: 1 } })), { id: 'victim', capacity: { replicas: 2 } }];
    const provider = new PartlyHungProvider(seeds, { clock });
    const refs = seeds.map((s) => ({ provider: 'memory', id: s.id }));
    const p = validatePolicy({
      name: 'p',
      targets: refs,
      limits: { maxReplicas: 20 },
      rules: [{ name: 'busy', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 10 } }],
    });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock });
    const deadline = NOW + 60_000;
    const { value, tookMs } = await runOnClock(clock, autoscaler.evaluateAll(refs, { deadline, concurrency: 4 }), 250);
    expect(provider.capacityOf('victim').replicas).toBe(10);
    expect(value.records.filter((r) => r.outcome === 'error')).toHaveLength(20);
    expect(value.ok).toBe(false);
    expect(tookMs).toBeLessThanOrEqual(60_000);
  });

  it('no retry starts that the budget cannot fit', async () => {
    const clock = new ManualClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock });
    for (let i = 0; i < 5; i++) provider.injectFault(new TransientError('throttled'));
    const p = policy({ rules: [{ name: 'r', threshold: { alarm: 'x', change: 1 } }] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock, retry: { attempts: 5, baseDelayMs: 1_000 } });
    const { value, tookMs } = await runOnClock(clock, autoscaler.evaluate(A, [], { deadline: NOW + 2_000 }), 100);
    expect(value.code).toBe('TRANSIENT');
    // 1 s backoff fits (first retry), the 2 s one would end past the deadline: two describes, no more.
    expect(provider.calls.describe).toBe(2);
    expect(tookMs).toBeLessThan(2_000);
  });
});

describe('a lost state write', () => {
  it('is an error outcome naming what was lost, although the change happened', async () => {
    const clock = new ManualClock(NOW);
    const provider = new LosesStateWrites([{ id: 'model-a', capacity: { replicas: 2 } }], { clock });
    // A provider that cannot carry the state with the change: apply drops it.
    const apply = provider.apply.bind(provider);
    provider.apply = (ref, to, o) => apply(ref, to, { ...o, state: undefined }).then((h) => ({ ...h, stateWritten: false }));
    const p = policy({ rules: [{ name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 4 } }] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock, retry: { attempts: 1, baseDelayMs: 1 } });
    const record = await autoscaler.evaluate(A);
    expect(provider.capacityOf('model-a').replicas).toBe(4);
    expect(record.outcome).toBe('error');
    expect(record.code).toBe('PROVIDER');
    expect(record.reason).toMatch(/scaled 2 -> 4, but the autoscaler's state .* could not be written: AddTags was dropped/);
  });
});

describe('the pull side: predictive rules read metric history', () => {
  const flat = (from: number, minutes: number, value: number) => Array.from({ length: minutes }, (_, i) => ({ at: from + i * MIN, value }));

  function pullSetup(points: Array<{ at: number; value: number }>, replicas = 2) {
    const clock = new ManualClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas } }], { clock });
    const source = new MemoryMetricSource();
    source.set('model-a', 'requests', points);
    const logger = new MemoryLogger();
    const p = policy({ rules: [{ name: 'forecast', predictive: { metric: 'requests', target: 100, seasonDays: 0 } }] });
    const autoscaler = new Autoscaler({ providers: [provider], metricSources: [source], policies: new StaticPolicies([p]), clock, logger });
    return { clock, provider, source, autoscaler, logger };
  }

  it('plans capacity from the forecast and asks only for the periods it has not seen', async () => {
    const { clock, provider, source, autoscaler } = pullSetup(flat(NOW - 240 * MIN, 240, 950));
    const first = await autoscaler.evaluate(A);
    expect(first.outcome).toBe('scaled');
    // 950 requests/min at 100 per instance needs at least 10 instances.
    expect(provider.capacityOf('model-a').replicas).toBeGreaterThanOrEqual(10);
    expect(first.reason).toMatch(/forecast/);
    expect(source.queries).toHaveLength(1);
    source.push('model-a', 'requests', { at: NOW, value: 950 });
    clock.advance(MIN);
    await autoscaler.evaluate(A);
    expect(source.queries).toHaveLength(2);
    expect(source.queries[1]!.from).toBe(source.queries[0]!.to);
    expect(source.queries[1]!.to - source.queries[1]!.from).toBe(MIN);
  });

  it('falls back to the reactive rules when the history cannot be read, says so, and never scales in', async () => {
    const { clock, provider, source, autoscaler, logger } = pullSetup(flat(NOW - 240 * MIN, 240, 10), 6);
    source.injectFault(new TransientError('ThrottlingException: Rate exceeded'));
    source.injectFault(new TransientError('ThrottlingException: Rate exceeded'));
    source.injectFault(new TransientError('ThrottlingException: Rate exceeded'));
    const { value: record, tookMs } = await runOnClock(clock, autoscaler.evaluate(A, [], { deadline: NOW + 30_000 }), 500);
    // Retried (three attempts, backoff on the clock) within the deadline, then left alone.
    expect(source.queries).toHaveLength(3);
    expect(tookMs).toBeLessThan(30_000);
    expect(record.outcome).toBe('no-action');
    expect(record.reason).toMatch(/forecast unavailable \(history read failed: ThrottlingException/);
    expect(provider.capacityOf('model-a').replicas).toBe(6);
    expect(logger.records.some((r) => r.msg === 'metric history read failed; predictive rule falls back')).toBe(true);
  });

  it('a history with a gap falls back instead of reading the gap as no load', async () => {
    const points = flat(NOW - 240 * MIN, 240, 500).filter((p) => p.at < NOW - 20 * MIN || p.at >= NOW - 5 * MIN);
    const { provider, autoscaler } = pullSetup(points, 6);
    const record = await autoscaler.evaluate(A);
    expect(record.reason).toMatch(/forecast unavailable/);
    expect(provider.capacityOf('model-a').replicas).toBe(6);
  });

  it('without a metric source for the provider the rule falls back by name', async () => {
    const clock = new ManualClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }], { clock });
    const p = policy({ rules: [{ name: 'forecast', predictive: { metric: 'requests', target: 100 } }] });
    const autoscaler = new Autoscaler({ providers: [provider], policies: new StaticPolicies([p]), clock });
    const record = await autoscaler.evaluate(A);
    expect(record.reason).toMatch(/forecast: forecast unavailable \(no metric source is registered for provider memory\)/);
  });
});

describe('notifications a policy asks for', () => {
  it('a notifier the app refuses to build (forbidden URL) is logged; the scaling outcome stands', async () => {
    const clock = new ManualClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock });
    const logger = new MemoryLogger();
    const p = policy({
      rules: [{ name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 2 } }],
      notifications: [{ type: 'webhook', url: 'https://169.254.169.254/latest' }],
    });
    const autoscaler = new Autoscaler({
      providers: [provider],
      policies: new StaticPolicies([p]),
      clock,
      logger,
      notifiersFor: (pol) => pol.notifications.map((n) => new WebhookNotifier((n as { url: string }).url)),
    });
    const record = await autoscaler.evaluate(A);
    expect(record.outcome).toBe('scaled');
    expect(logger.records.find((r) => r.msg === 'notification refused')?.['error']).toMatch(
      /notifications\.url: must not point at a loopback, private, link-local or metadata address/,
    );
  });
});
