import {
  Autoscaler,
  ConflictError,
  InstantClock,
  ManualClock,
  MemoryAlarmSource,
  MemoryLogger,
  MemoryMetricSource,
  MemoryProvider,
  StaticPolicies,
  TransientError,
  validatePolicy,
} from '../../src/index';
import type { AlarmSource, ApplyHandle, ApplyOptions, Capacity, Clock, Notifier, Policy, TargetRef, TargetState } from '../../src/index';

// What the Autoscaler logs (message, level and fields) and the name each step gives the time
// budget, which is what a caller reads when that step hangs past the deadline or finds no time
// left. Each case was written against a surviving Stryker mutant of orchestrator/autoscaler.ts.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const DEADLINE = NOW + 10_000;
const A: TargetRef = { provider: 'memory', id: 'model-a' };

/** An InstantClock (no backstop timer in the budget) that a test can also jump forward. */
class JumpClock extends InstantClock {
  jumpTo(t: number): void {
    void this.sleep(t - this.now());
  }
}

/** A MemoryProvider whose calls can run a hook first (spend the budget, throw), numbered from 1. */
class HookedProvider extends MemoryProvider {
  onDescribe?: (n: number) => void;
  onApply?: (n: number) => void;
  /** False: apply reports the state as not written, so the autoscaler writes it on its own. */
  writesState = true;

  override async describe(ref: TargetRef): Promise<TargetState> {
    const state = await super.describe(ref);
    this.onDescribe?.(this.calls.describe);
    return state;
  }

  override async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    this.onApply?.(this.calls.apply + 1);
    const handle = await super.apply(ref, to, options);
    return this.writesState ? handle : { ...handle, stateWritten: false };
  }
}

function policyOf(extra: Record<string, unknown> = {}): Policy {
  return validatePolicy({
    name: 'p',
    targets: [A],
    limits: { minReplicas: 1, maxReplicas: 100, cooldown: { scaleOut: 0, scaleIn: 0 } },
    rules: [{ name: 'hot', threshold: { alarm: 'hot', change: 1 } }],
    ...extra,
  });
}

function world(
  options: {
    clock?: Clock;
    policy?: Policy;
    sources?: AlarmSource[];
    notifiers?: Notifier[];
    notifiersFor?: (policy: Policy) => readonly Notifier[];
    notifyTimeoutMs?: number;
    metricSource?: MemoryMetricSource;
    retry?: { attempts: number; baseDelayMs: number };
  } = {},
) {
  const jump = new JumpClock(NOW);
  const clock = options.clock ?? jump;
  const provider = new HookedProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock });
  const logger = new MemoryLogger();
  const autoscaler = new Autoscaler({
    providers: [provider],
    sources: options.sources ?? [new MemoryAlarmSource()],
    policies: new StaticPolicies([options.policy ?? policyOf()]),
    clock,
    logger,
    ...(options.notifiers ? { notifiers: options.notifiers } : {}),
    ...(options.notifiersFor ? { notifiersFor: options.notifiersFor } : {}),
    ...(options.notifyTimeoutMs !== undefined ? { notifyTimeoutMs: options.notifyTimeoutMs } : {}),
    ...(options.metricSource ? { metricSources: [options.metricSource] } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return { jump, provider, logger, autoscaler };
}

const hot = (dedupeKey: string): Record<string, unknown> => ({ target: A, metric: 'cpu', alarm: 'hot', state: 'firing', at: NOW, dedupeKey });
const noTime = (what: string): string => `no time left for ${what} (0 ms of the budget remain)`;
const lines = (logger: MemoryLogger, msg: string): Array<Record<string, unknown>> => logger.records.filter((r) => r.msg === msg);

describe("the step names an alarm source's work gives the budget", () => {
  it('a prepare step hung past the deadline is named "<source> prepare"', async () => {
    const clock = new ManualClock(NOW);
    let called = false;
    const source: AlarmSource = {
      name: 'certs',
      prepare: () => ((called = true), new Promise<never>(() => undefined)),
      parse: (raw) => new MemoryAlarmSource().parse(raw),
    };
    const { autoscaler, provider } = world({ clock, sources: [source] });
    const pending = autoscaler.handle(hot('k1'), undefined, { deadline: NOW + 1000 });
    await Promise.resolve();
    expect(called).toBe(true);
    clock.advance(1000);
    const result = await pending;
    expect(result.records).toEqual([
      expect.objectContaining({ outcome: 'error', code: 'TRANSIENT', reason: 'certs prepare did not finish before the deadline' }),
    ]);
    expect(provider.calls.describe).toBe(0);
  });

  it('a verify step with no time left is named "<source> verify"', async () => {
    const source: AlarmSource = {
      name: 'signed',
      parse: (raw) => new MemoryAlarmSource().parse(raw),
      verify: async (signals) => [...signals],
    };
    const { autoscaler } = world({ sources: [source] });
    const result = await autoscaler.handle(hot('k1'), undefined, { deadline: NOW });
    expect(result.records).toEqual([expect.objectContaining({ outcome: 'error', code: 'TRANSIENT', reason: noTime('signed verify') })]);
  });
});

describe('the step names of the scaling work', () => {
  it('a describe hung past the deadline is named "describe"', async () => {
    const clock = new ManualClock(NOW);
    const { autoscaler, provider } = world({ clock });
    let called = false;
    provider.describe = () => ((called = true), new Promise<never>(() => undefined));
    const pending = autoscaler.evaluate(A, [], { deadline: NOW + 1000 });
    for (let i = 0; i < 10 && !called; i++) await Promise.resolve();
    expect(called).toBe(true);
    clock.advance(1000);
    const record = await pending;
    expect(record).toMatchObject({ outcome: 'error', code: 'TRANSIENT', reason: 'describe did not finish before the deadline' });
  });

  it('an apply with no time left after describe is named "apply"', async () => {
    const { autoscaler, provider, jump } = world();
    provider.onDescribe = () => jump.jumpTo(DEADLINE);
    const result = await autoscaler.handle(hot('k1'), undefined, { deadline: DEADLINE });
    expect(result.records).toEqual([expect.objectContaining({ outcome: 'error', code: 'TRANSIENT', reason: noTime('apply') })]);
    expect(provider.calls.apply).toBe(0);
  });

  it('the second describe after a version conflict, with no time left, is named "describe"', async () => {
    const { autoscaler, provider, jump } = world();
    provider.onApply = () => {
      jump.jumpTo(DEADLINE);
      throw new ConflictError('version 1 is stale');
    };
    const result = await autoscaler.handle(hot('k1'), undefined, { deadline: DEADLINE });
    expect(result.records).toEqual([expect.objectContaining({ outcome: 'error', code: 'TRANSIENT', reason: noTime('describe') })]);
    expect(provider.calls.describe).toBe(1);
  });

  it('the second apply after a version conflict, with no time left, is named "apply"', async () => {
    const { autoscaler, provider, jump } = world();
    provider.onApply = (n) => {
      if (n === 1) throw new ConflictError('version 1 is stale');
    };
    provider.onDescribe = (n) => {
      if (n === 2) jump.jumpTo(DEADLINE);
    };
    const result = await autoscaler.handle(hot('k1'), undefined, { deadline: DEADLINE });
    expect(result.records).toEqual([expect.objectContaining({ outcome: 'error', code: 'TRANSIENT', reason: noTime('apply') })]);
    expect(provider.calls.describe).toBe(2);
  });

  it('a state write with no time left is named "writeState", logged with the target and the error', async () => {
    const { autoscaler, provider, jump, logger } = world();
    provider.writesState = false;
    provider.onApply = () => jump.jumpTo(DEADLINE);
    const result = await autoscaler.handle(hot('k1'), undefined, { deadline: DEADLINE });
    expect(result.records[0]).toMatchObject({ outcome: 'error', code: 'TRANSIENT' });
    expect(result.records[0]!.reason).toContain(`could not be written: ${noTime('writeState')}.`);
    expect(lines(logger, 'could not persist autoscaler state on the target')).toEqual([
      { level: 'warn', msg: 'could not persist autoscaler state on the target', target: A, error: noTime('writeState') },
    ]);
    expect(provider.calls.writeState).toBe(0);
  });
});

describe('the pull side: a history read', () => {
  it('with no time left is named "history <metric>" and logged with the target, rule and error', async () => {
    const source = new MemoryMetricSource();
    const policy = validatePolicy({
      name: 'p',
      targets: [A],
      limits: { minReplicas: 1, maxReplicas: 50, cooldown: { scaleOut: 0, scaleIn: 300 } },
      rules: [{ name: 'forecast', predictive: { metric: 'requests', target: 100, seasonDays: 0 } }],
    });
    const { autoscaler, provider, jump, logger } = world({ policy, metricSource: source });
    provider.onDescribe = () => jump.jumpTo(DEADLINE);
    const record = await autoscaler.evaluate(A, [], { deadline: DEADLINE });
    expect(record.reason).toContain(`forecast: forecast unavailable (history read failed: ${noTime('history requests')}); reactive rules only`);
    expect(lines(logger, 'metric history read failed; predictive rule falls back')).toEqual([
      { level: 'warn', msg: 'metric history read failed; predictive rule falls back', target: A, rule: 'forecast', error: noTime('history requests') },
    ]);
    expect(source.queries).toHaveLength(0);
  });
});

describe('notifications', () => {
  it('a notifier with no time left is named "notification <name>"; the failure is logged with its fields', async () => {
    const notified: unknown[] = [];
    const slack: Notifier = { name: 'slack', notify: async (r) => void notified.push(r) };
    const { autoscaler, logger } = world({ notifiers: [slack], notifyTimeoutMs: 0 });
    const result = await autoscaler.handle(hot('k1'));
    expect(result.records[0]).toMatchObject({ outcome: 'scaled' });
    expect(notified).toHaveLength(0);
    expect(lines(logger, 'notification failed')).toEqual([
      { level: 'warn', msg: 'notification failed', type: 'notification', notifier: 'slack', target: A, outcome: 'scaled', error: noTime('notification slack') },
    ]);
  });

  it('a notifier hung past its timeout is named "notification <name>"', async () => {
    const clock = new ManualClock(NOW);
    let called = false;
    const hung: Notifier = { name: 'teams', notify: () => ((called = true), new Promise<never>(() => undefined)) };
    const { autoscaler, logger } = world({ clock, notifiers: [hung], notifyTimeoutMs: 500 });
    const pending = autoscaler.handle(hot('k1'));
    for (let i = 0; i < 50 && !called; i++) await new Promise((r) => setImmediate(r));
    expect(called).toBe(true);
    clock.advance(500);
    await pending;
    expect(lines(logger, 'notification failed')).toEqual([
      expect.objectContaining({ type: 'notification', notifier: 'teams', error: 'notification teams did not finish before the deadline' }),
    ]);
  });

  it('a notifier the app refuses to build is logged as refused, with the policy and the error', async () => {
    const { autoscaler, logger } = world({
      notifiersFor: () => {
        throw new Error('webhook URL is not allowed');
      },
    });
    const result = await autoscaler.handle(hot('k1'));
    expect(result.ok).toBe(true);
    expect(lines(logger, 'notification refused')).toEqual([
      { level: 'warn', msg: 'notification refused', type: 'notification', policy: 'p', error: 'webhook URL is not allowed' },
    ]);
  });
});

describe('other log lines', () => {
  it('a retried transient failure is a debug line with the attempt, the delay and the error', async () => {
    const { autoscaler, provider, logger } = world({ retry: { attempts: 2, baseDelayMs: 200 } });
    provider.injectFault(new TransientError('throttled'));
    const result = await autoscaler.handle(hot('k1'));
    expect(result.records[0]).toMatchObject({ outcome: 'scaled' });
    expect(lines(logger, 'retrying after a transient error')).toEqual([
      { level: 'debug', msg: 'retrying after a transient error', attempt: 1, delayMs: 200, error: 'throttled' },
    ]);
  });

  it('a failed metrics poll of a pass is logged with the target and the error', async () => {
    const { autoscaler, logger } = world();
    await autoscaler.evaluateAll([A], {
      signals: () => Promise.reject(new Error('metrics API unavailable')),
    });
    expect(lines(logger, 'metrics poll failed')).toEqual([{ level: 'warn', msg: 'metrics poll failed', target: A, error: 'metrics API unavailable' }]);
  });

  it('every record is also an "audit" log line, warn for a failure', async () => {
    const { autoscaler, logger } = world();
    const result = await autoscaler.handle(hot('k1'), 'nope');
    expect(logger.records).toEqual([{ level: 'warn', msg: 'audit', ...result.records[0] }]);
    expect(result.records[0]).toMatchObject({ type: 'audit', outcome: 'rejected', reason: 'no alarm source nope registered' });
  });
});

describe('an unexpected throw (a bug) is an "internal error" record', () => {
  function throwing(value: unknown) {
    const w = world();
    w.provider.describe = () => {
      throw value;
    };
    return w;
  }

  it('an Error: its message', async () => {
    const { autoscaler } = throwing(new RangeError('index 7 out of range'));
    await expect(autoscaler.evaluate(A)).resolves.toMatchObject({ outcome: 'error', code: 'INTERNAL', reason: 'internal error: index 7 out of range' });
  });

  it('a thrown string: the string itself', async () => {
    const { autoscaler } = throwing('kaput');
    await expect(autoscaler.evaluate(A)).resolves.toMatchObject({ outcome: 'error', code: 'INTERNAL', reason: 'internal error: kaput' });
  });

  it('a thrown undefined: still a record, never an escaped exception', async () => {
    const { autoscaler } = throwing(undefined);
    await expect(autoscaler.evaluate(A)).resolves.toMatchObject({ outcome: 'error', code: 'INTERNAL', reason: 'internal error: undefined' });
  });
});
