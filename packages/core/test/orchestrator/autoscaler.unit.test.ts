import {
  Autoscaler,
  emptyPersistedState,
  InstantClock,
  ManualClock,
  MemoryAlarmSource,
  MemoryLogger,
  MemoryProvider,
  StaticPolicies,
  TransientError,
  ValidationError,
  validatePolicy,
} from '../../src/index';
import type {
  ApplyHandle,
  ApplyOptions,
  AuditRecord,
  AutoscalerError,
  Capacity,
  Clock,
  MemoryTargetSeed,
  Notifier,
  Policy,
  TargetRef,
  TargetState,
} from '../../src/index';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const A: TargetRef = { provider: 'memory', id: 'model-a' };

/** MemoryProvider plus scripted trouble on `apply` and a clocked `describe`, like a real cloud's latency. */
class ScriptedProvider extends MemoryProvider {
  /** Run (once each, in order) just before an apply: another actor changing the target. */
  readonly beforeApply: Array<() => void> = [];
  /** Thrown (once each, in order) by apply. */
  readonly applyFaults: AutoscalerError[] = [];
  describeLatencyMs = 0;
  /** Like a cloud whose tags are a separate API: apply ignores the state, writeState must follow. */
  stateApart = false;

  constructor(
    seeds: readonly MemoryTargetSeed[],
    private readonly clock: Clock,
  ) {
    super(seeds, { clock });
  }

  override async describe(ref: TargetRef): Promise<TargetState> {
    if (this.describeLatencyMs > 0) await this.clock.sleep(this.describeLatencyMs);
    return super.describe(ref);
  }

  override async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    this.beforeApply.shift()?.();
    const fault = this.applyFaults.shift();
    if (fault) {
      this.calls.apply++;
      throw fault;
    }
    if (this.stateApart) {
      const { state: _dropped, ...rest } = options;
      return super.apply(ref, to, rest);
    }
    return super.apply(ref, to, options);
  }
}

class RecordingNotifier implements Notifier {
  readonly records: AuditRecord[] = [];
  constructor(readonly name = 'recording') {}
  async notify(record: AuditRecord): Promise<void> {
    this.records.push(record);
  }
}

class BrokenNotifier implements Notifier {
  readonly name = 'broken';
  async notify(): Promise<void> {
    throw new Error('webhook answered 500');
  }
}

const RULES = [
  { name: 'high-cpu', threshold: { alarm: 'high-cpu', change: 1 } },
  { name: 'high-latency', threshold: { alarm: 'high-latency', change: 1 } },
  { name: 'low-cpu', threshold: { alarm: 'low-cpu', change: -1 } },
];

interface Setup {
  autoscaler: Autoscaler;
  provider: ScriptedProvider;
  logger: MemoryLogger;
  notifier: RecordingNotifier;
  policy: Policy;
}

function setup(
  options: {
    seeds?: MemoryTargetSeed[];
    policy?: Record<string, unknown>;
    limits?: Record<string, unknown>;
    fallback?: boolean;
    clock?: Clock;
    notifiers?: Notifier[];
  } = {},
): Setup {
  const clock = options.clock ?? new InstantClock(NOW);
  const provider = new ScriptedProvider(options.seeds ?? [{ id: 'model-a', capacity: { replicas: 2 } }], clock);
  const logger = new MemoryLogger();
  const notifier = new RecordingNotifier();
  const policy = validatePolicy({
    name: 'p',
    targets: [A],
    limits: { minReplicas: 1, maxReplicas: 10, cooldown: { scaleOut: 300, scaleIn: 300 }, ...options.limits },
    rules: RULES,
    ...options.policy,
  });
  const autoscaler = new Autoscaler({
    providers: [provider],
    sources: [new MemoryAlarmSource()],
    policies: new StaticPolicies([policy], options.fallback ? policy : undefined),
    clock,
    logger,
    notifiers: options.notifiers ?? [notifier],
  });
  return { autoscaler, provider, logger, notifier, policy };
}

const event = (alarm = 'high-cpu', dedupeKey = 'evt-1', target: unknown = A): Record<string, unknown> => ({
  target,
  source: 'memory',
  metric: 'CpuUtilization',
  alarm,
  state: 'firing',
  at: NOW,
  dedupeKey,
});

/** Let pending promise callbacks run (not a sleep: no time passes on any clock). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Autoscaler.handle: the happy path', () => {
  it('parses, decides, applies, persists, notifies and writes one audit record', async () => {
    const { autoscaler, provider, logger, notifier } = setup();
    provider.describeLatencyMs = 25;
    const result = await autoscaler.handle(event());

    expect(result.ok).toBe(true);
    expect(result.records).toHaveLength(1);
    const record = result.records[0]!;
    expect(record).toMatchObject({
      type: 'audit',
      outcome: 'scaled',
      target: A,
      rule: 'high-cpu',
      from: { replicas: 2 },
      to: { replicas: 3 },
      dedupeKey: 'evt-1',
      handle: 'memory-change-1',
      at: NOW,
      durationMs: 25, // measured on the injected clock
    });
    expect(record.reason).toMatch(/high-cpu firing: \+1 replica/);
    expect(record.decision?.action).toBe('scale');

    expect(provider.capacityOf('model-a')).toEqual({ replicas: 3 });
    expect(provider.calls.apply).toBe(1);
    const persisted = await provider.readState(A);
    expect(persisted.lastScaleOut).toEqual({ at: NOW + 25, from: 2, to: 3 });
    expect(persisted.dedupeKeys).toEqual(['evt-1']);

    expect(notifier.records).toEqual([record]);
    const audits = logger.records.filter((r) => r.msg === 'audit');
    expect(audits).toHaveLength(1);
    // The audit line is plain JSON with the same content.
    expect(JSON.parse(JSON.stringify(audits[0]))).toMatchObject({
      level: 'info',
      outcome: 'scaled',
      dedupeKey: 'evt-1',
      rule: 'high-cpu',
      from: { replicas: 2 },
      to: { replicas: 3 },
    });
  });

  it('accepts the event as a JSON string body', async () => {
    const { autoscaler, provider } = setup();
    const result = await autoscaler.handle(JSON.stringify(event()));
    expect(result.records[0]!.outcome).toBe('scaled');
    expect(provider.capacityOf('model-a').replicas).toBe(3);
  });

  it('a delivery that asks for nothing is one no-action record, not notified', async () => {
    const { autoscaler, provider, notifier } = setup();
    const result = await autoscaler.handle(event('someone-elses-alarm'));
    expect(result.records).toEqual([expect.objectContaining({ outcome: 'no-action', dedupeKey: 'evt-1' })]);
    expect(provider.calls.apply).toBe(0);
    expect(notifier.records).toHaveLength(0);
  });

  it('a delivery with no signals at all is still one audit record', async () => {
    const { autoscaler, provider } = setup();
    const result = await autoscaler.handleSignals([]);
    expect(result).toEqual({ ok: true, records: [expect.objectContaining({ outcome: 'no-action', reason: 'the delivery carried no signals' })] });
    expect(provider.calls.describe).toBe(0);
  });

  it('evaluate() with no signal brings a target back inside its bounds', async () => {
    const { autoscaler, provider } = setup({ seeds: [{ id: 'model-a', capacity: { replicas: 14 } }] });
    const record = await autoscaler.evaluate(A);
    expect(record).toMatchObject({ outcome: 'scaled', from: { replicas: 14 }, to: { replicas: 10 } });
    expect(record.dedupeKey).toBeUndefined();
    expect(provider.capacityOf('model-a').replicas).toBe(10);
  });
});

describe('Autoscaler.handle: duplicates and concurrency', () => {
  it('5 concurrent copies of one event scale once', async () => {
    const { autoscaler, provider, notifier } = setup();
    const results = await Promise.all(Array.from({ length: 5 }, () => autoscaler.handle(event())));
    const outcomes = results.map((r) => r.records[0]!.outcome).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'scaled']);
    expect(provider.calls.apply).toBe(1);
    expect(provider.capacityOf('model-a').replicas).toBe(3);
    expect(notifier.records.map((r) => r.outcome)).toEqual(['scaled']);
    // A duplicate is not a failure: the delivery system must not retry it.
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('a copy delivered to another container is caught by the key persisted on the target', async () => {
    const first = setup();
    await first.autoscaler.handle(event());
    // Same provider (same cloud target), a fresh Autoscaler with its own in-process store.
    const second = new Autoscaler({
      providers: [first.provider],
      sources: [new MemoryAlarmSource()],
      policies: new StaticPolicies([first.policy]),
      clock: new InstantClock(NOW + 1000),
    });
    const result = await second.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'duplicate', reason: expect.stringMatching(/persisted on the target/) });
    expect(first.provider.calls.apply).toBe(1);
  });

  it('two different alarms at once: one apply, then the second decides on the new state', async () => {
    // Within the scale-out cooldown the second +1 is counted as already done (AWS semantics).
    const { autoscaler, provider } = setup();
    const [a, b] = await Promise.all([autoscaler.handle(event('high-cpu', 'k1')), autoscaler.handle(event('high-latency', 'k2'))]);
    expect(a.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 2 }, to: { replicas: 3 } });
    expect(b.records[0]).toMatchObject({ outcome: 'no-action', from: { replicas: 3 }, to: { replicas: 3 } });
    expect(b.records[0]!.decision?.blockedBy).toBe('cooldown');
    expect(provider.calls.apply).toBe(1);
  });

  it('two different alarms at once without a cooldown: applied one after the other, no conflict', async () => {
    const { autoscaler, provider } = setup({ limits: { cooldown: { scaleOut: 0, scaleIn: 0 } } });
    const [a, b] = await Promise.all([autoscaler.handle(event('high-cpu', 'k1')), autoscaler.handle(event('high-latency', 'k2'))]);
    expect(a.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 2 }, to: { replicas: 3 } });
    expect(b.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 3 }, to: { replicas: 4 } });
    expect(provider.calls.apply).toBe(2);
    expect(provider.capacityOf('model-a').replicas).toBe(4);
  });

  it('one alarm delivery naming two targets with one delivery id scales both (dedupe is per target)', async () => {
    const B = { provider: 'memory', id: 'model-b' };
    const { autoscaler, provider } = setup({
      seeds: [
        { id: 'model-a', capacity: { replicas: 2 } },
        { id: 'model-b', capacity: { replicas: 5 } },
      ],
      policy: { targets: [A, B] },
    });
    const result = await autoscaler.handle([event('high-cpu', 'msg-1'), event('high-cpu', 'msg-1', B)]);
    expect(result.records.map((r) => [r.target?.id, r.outcome])).toEqual([
      ['model-a', 'scaled'],
      ['model-b', 'scaled'],
    ]);
    // ...and a second copy of that delivery is a duplicate for both.
    const again = await autoscaler.handle([event('high-cpu', 'msg-1'), event('high-cpu', 'msg-1', B)]);
    expect(again.records.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(provider.calls.apply).toBe(2);
  });

  it('signals for two targets in one delivery give one record each', async () => {
    const { autoscaler, provider } = setup({
      seeds: [
        { id: 'model-a', capacity: { replicas: 2 } },
        { id: 'model-b', capacity: { replicas: 5 } },
      ],
      policy: { targets: [A, { provider: 'memory', id: 'model-b' }] },
    });
    const result = await autoscaler.handle([event('high-cpu', 'k1'), event('low-cpu', 'k2', { provider: 'memory', id: 'model-b' })]);
    expect(result.records.map((r) => [r.target?.id, r.outcome, r.to?.replicas])).toEqual([
      ['model-a', 'scaled', 3],
      ['model-b', 'scaled', 4],
    ]);
    expect(provider.capacityOf('model-b').replicas).toBe(4);
  });
});

describe('Autoscaler.handle: guards', () => {
  const B: TargetRef = { provider: 'memory', id: 'model-b' };

  it.each([
    ['with a fallback policy, untagged', true],
    ['with no policy at all', false],
  ])('refuses a target the policy does not list and that is not tagged as managed (%s)', async (_what, fallback) => {
    const { autoscaler, provider } = setup({
      seeds: [
        { id: 'model-a', capacity: { replicas: 2 } },
        { id: 'model-b', capacity: { replicas: 2 }, managed: false },
      ],
      fallback,
    });
    const result = await autoscaler.handle(event('high-cpu', 'forged', B));
    expect(result.ok).toBe(false);
    expect(result.records[0]).toMatchObject({ outcome: 'rejected', code: 'NOT_MANAGED', target: B });
    expect(result.records[0]!.reason).toMatch(/memory:model-b/);
    expect(provider.calls.apply).toBe(0);
    expect(provider.capacityOf('model-b').replicas).toBe(2);
  });

  it('acts on an unlisted target that carries the managed tag, under the fallback policy', async () => {
    const { autoscaler, provider } = setup({
      seeds: [
        { id: 'model-a', capacity: { replicas: 2 } },
        { id: 'model-b', capacity: { replicas: 2 }, managed: true },
      ],
      fallback: true,
    });
    expect((await autoscaler.handle(event('high-cpu', 'k', B))).records[0]!.outcome).toBe('scaled');
    expect(provider.capacityOf('model-b').replicas).toBe(3);
  });

  it('skips a target that is not ready, and acts on the same event once it is', async () => {
    const { autoscaler, provider } = setup({ seeds: [{ id: 'model-a', capacity: { replicas: 2 }, status: 'updating' }] });
    const first = await autoscaler.handle(event());
    expect(first.records[0]).toMatchObject({ outcome: 'skipped', from: { replicas: 2 }, dedupeKey: 'evt-1' });
    expect(first.records[0]!.reason).toMatch(/target updating/);
    expect(first.ok).toBe(true);
    expect(provider.calls.apply).toBe(0);

    provider.tamper('model-a', { status: 'ready' });
    const again = await autoscaler.handle(event());
    expect(again.records[0]!.outcome).toBe('scaled');
  });

  it('dryRun decides, audits and notifies, and changes nothing', async () => {
    const { autoscaler, provider, notifier } = setup({ policy: { dryRun: true } });
    const result = await autoscaler.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'dry-run', dryRun: true, from: { replicas: 2 }, to: { replicas: 3 }, rule: 'high-cpu' });
    expect(result.records[0]!.handle).toBeUndefined();
    expect(provider.calls.apply).toBe(0);
    expect(provider.calls.writeState).toBe(0);
    expect(provider.capacityOf('model-a').replicas).toBe(2);
    expect(notifier.records.map((r) => r.outcome)).toEqual(['dry-run']);
  });
});

describe('Autoscaler.handle: provider trouble', () => {
  it('on a version conflict, looks again and decides once more on the new state', async () => {
    const { autoscaler, provider } = setup();
    // Between our describe and our apply, someone else scales the target to 5.
    provider.beforeApply.push(() => provider.tamper('model-a', { capacity: { replicas: 5 } }));
    const result = await autoscaler.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 5 }, to: { replicas: 6 } });
    expect(provider.calls.describe).toBe(2);
    expect(provider.calls.apply).toBe(2);
    expect(provider.capacityOf('model-a').replicas).toBe(6);
  });

  it('a second conflict is reported, and the event can be delivered again', async () => {
    const { autoscaler, provider } = setup();
    provider.beforeApply.push(
      () => provider.tamper('model-a', { capacity: { replicas: 5 } }),
      () => provider.tamper('model-a', { capacity: { replicas: 7 } }),
    );
    const result = await autoscaler.handle(event());
    expect(result.ok).toBe(false);
    expect(result.records[0]).toMatchObject({ outcome: 'conflict', code: 'CONFLICT', dedupeKey: 'evt-1' });
    expect(provider.capacityOf('model-a').replicas).toBe(7);

    const redelivered = await autoscaler.handle(event());
    expect(redelivered.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 7 }, to: { replicas: 8 } });
  });

  it('a target that stops being managed during the conflict is refused, with no second apply', async () => {
    // model-b is not listed: only the fallback policy and its managed flag let the autoscaler act.
    const B: TargetRef = { provider: 'memory', id: 'model-b' };
    const { autoscaler, provider } = setup({ fallback: true, seeds: [{ id: 'model-b', capacity: { replicas: 2 }, managed: true }] });
    provider.beforeApply.push(() => provider.tamper('model-b', { capacity: { replicas: 5 }, managed: false }));
    const result = await autoscaler.handle(event('high-cpu', 'evt-1', B));
    expect(result.records[0]).toMatchObject({ outcome: 'rejected', code: 'NOT_MANAGED' });
    expect(result.records[0]?.reason).toMatch(/memory:model-b stopped being managed during the update/);
    expect(provider.calls.apply).toBe(1);
    expect(provider.capacityOf('model-b').replicas).toBe(5);
  });

  it('a listed target is still acted on after a conflict even when it reports itself unmanaged', async () => {
    const { autoscaler, provider } = setup();
    provider.beforeApply.push(() => provider.tamper('model-a', { capacity: { replicas: 5 }, managed: false }));
    const result = await autoscaler.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 5 }, to: { replicas: 6 } });
  });

  it('a conflict caused by a concurrent copy of the same delivery is a duplicate: no second change', async () => {
    const { autoscaler, provider } = setup();
    // The other copy scaled and wrote our dedupe key with its change.
    provider.beforeApply.push(() => {
      const persisted = { ...emptyPersistedState(), dedupeKeys: ['evt-1'] };
      provider.tamper('model-a', { capacity: { replicas: 3 }, persisted });
    });
    const result = await autoscaler.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'duplicate', reason: 'handled by a concurrent delivery (seen after a version conflict)' });
    expect(provider.calls.apply).toBe(1);
    expect(provider.capacityOf('model-a').replicas).toBe(3);
  });

  it('a target that starts updating during the conflict is skipped, and its claim is released for a redelivery', async () => {
    const { autoscaler, provider } = setup();
    provider.beforeApply.push(() => provider.tamper('model-a', { capacity: { replicas: 5 }, status: 'updating' }));
    const result = await autoscaler.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'skipped', from: { replicas: 5 } });
    expect(result.records[0]?.reason).toMatch(/^target updating after a version conflict; not acting until it is ready$/);
    expect(provider.calls.apply).toBe(1);
    provider.tamper('model-a', { status: 'ready' });
    const redelivered = await autoscaler.handle(event());
    expect(redelivered.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 5 }, to: { replicas: 6 } });
  });

  it('when the fresh decision after a conflict is to do nothing, nothing is applied', async () => {
    const { autoscaler, provider } = setup();
    // Someone else scaled to the policy's maximum: a scale-out has nowhere to go.
    provider.beforeApply.push(() => provider.tamper('model-a', { capacity: { replicas: 10 } }));
    const result = await autoscaler.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'no-action', from: { replicas: 10 }, to: { replicas: 10 } });
    expect(provider.calls.apply).toBe(1);
    expect(provider.capacityOf('model-a').replicas).toBe(10);
  });

  it('retries a transient describe failure with backoff on the injected clock', async () => {
    const { autoscaler, provider, logger } = setup();
    provider.injectFault(new TransientError('429 Too Many Requests'));
    provider.injectFault(new TransientError('503 Service Unavailable'));
    const result = await autoscaler.handle(event());
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', durationMs: 600 }); // 200 ms + 400 ms of InstantClock time
    expect(provider.calls.describe).toBe(3);
    expect(logger.records.filter((r) => r.msg === 'retrying after a transient error').map((r) => r.delayMs)).toEqual([200, 400]);
  });

  it('retries a transient apply failure', async () => {
    const { autoscaler, provider } = setup();
    provider.applyFaults.push(new TransientError('connection reset'));
    const result = await autoscaler.handle(event());
    expect(result.records[0]!.outcome).toBe('scaled');
    expect(provider.calls.apply).toBe(2);
    expect(provider.capacityOf('model-a').replicas).toBe(3);
  });

  it('gives up after the bounded number of attempts, and lets the event be delivered again', async () => {
    const { autoscaler, provider } = setup();
    for (let i = 0; i < 3; i++) provider.injectFault(new TransientError(`503 #${i}`));
    const result = await autoscaler.handle(event());
    expect(result.ok).toBe(false);
    expect(result.records[0]).toMatchObject({ outcome: 'error', code: 'TRANSIENT', reason: '503 #2' });
    expect(provider.calls.describe).toBe(3);
    expect(provider.calls.apply).toBe(0);

    expect((await autoscaler.handle(event())).records[0]!.outcome).toBe('scaled');
  });

  it('waits on the clock between attempts, never on real time', async () => {
    const clock = new ManualClock(NOW);
    const { autoscaler, provider } = setup({ clock });
    provider.injectFault(new TransientError('429'));
    let done = false;
    const pending = autoscaler.handle(event()).then((r) => {
      done = true;
      return r;
    });
    await settle();
    expect(clock.pending).toBe(1);
    clock.advance(199);
    await settle();
    expect(done).toBe(false);
    clock.advance(1);
    const result = await pending;
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', durationMs: 200 });
  });

  it('a failing notifier does not fail the handling', async () => {
    const good = new RecordingNotifier('good');
    const { autoscaler, provider, logger } = setup({ notifiers: [new BrokenNotifier(), good] });
    const result = await autoscaler.handle(event());
    expect(result.ok).toBe(true);
    expect(result.records[0]!.outcome).toBe('scaled');
    expect(provider.capacityOf('model-a').replicas).toBe(3);
    expect(good.records).toHaveLength(1);
    expect(logger.records).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'notification failed', notifier: 'broken', error: 'webhook answered 500' }),
    );
  });

  it('the memory travels with the change when the provider can write both at once', async () => {
    const { autoscaler, provider } = setup();
    await autoscaler.handle(event());
    expect(provider.calls.writeState).toBe(0);
    expect((await provider.readState(A)).dedupeKeys).toEqual(['evt-1']);
  });

  it('a provider that keeps state apart gets a separate state write after the change', async () => {
    const { autoscaler, provider } = setup();
    provider.stateApart = true;
    await autoscaler.handle(event());
    expect(provider.calls.writeState).toBe(1);
    expect(await provider.readState(A)).toMatchObject({ dedupeKeys: ['evt-1'], lastScaleOut: { from: 2, to: 3 } });
  });

  it('a state write that keeps failing is logged and makes the outcome an error; the change itself stands', async () => {
    const { autoscaler, provider, logger } = setup();
    provider.stateApart = true;
    const realWrite = provider.writeState.bind(provider);
    let writes = 0;
    provider.writeState = async (ref, s) => {
      writes++;
      if (writes <= 3) throw new TransientError('tags API throttled');
      return realWrite(ref, s);
    };
    const result = await autoscaler.handle(event());
    // Without its dedupe keys a redelivery could scale again: never reported as ok.
    expect(result.records[0]!.outcome).toBe('error');
    expect(result.records[0]!.code).toBe('TRANSIENT');
    expect(result.ok).toBe(false);
    expect(provider.capacityOf('model-a').replicas).toBe(3);
    expect(writes).toBe(3);
    expect(logger.records).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'could not persist autoscaler state on the target' }));
  });
});

describe('Autoscaler.handle: bad input is a rejection naming the field, never a throw', () => {
  it.each([
    ['a body that is not JSON', '{"metric": ', /body: is not valid JSON/],
    ['an empty list', [], /body: holds no signal/],
    ['null', null, /invalid signal/],
    ['a number', 42, /invalid signal/],
    ['an unknown state', { ...event(), state: 'burning' }, /state: /],
    ['a missing metric', (({ metric: _m, ...rest }) => rest)(event()), /metric: /],
    ['an unknown field', { ...event(), priority: 'high' }, /priority: unknown field/],
    ['a time that is not a time', { ...event(), at: 'yesterday' }, /at: /],
    ['a value that is not a number', { ...event(), value: '90' }, /value: /],
    ['a bad item in a list', [event('high-cpu', 'k1'), { ...event(), state: 'x' }], /\[1\]\.state/],
    ['an invalid target id', event('high-cpu', 'k', { provider: 'memory', id: 'Model A; DROP' }), /target\.id/],
    ['an unknown provider', event('high-cpu', 'k', { provider: 'gcp', id: 'model-a' }), /target\.provider: no provider "gcp"/],
    ['a target with an extra field', event('high-cpu', 'k', { provider: 'memory', id: 'model-a', zone: 'x' }), /target\.zone: unknown field/],
  ])('%s', async (_what, raw, reason) => {
    const { autoscaler, provider } = setup();
    const result = await autoscaler.handle(raw);
    expect(result.ok).toBe(false);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ type: 'audit', outcome: 'rejected', code: 'VALIDATION' });
    expect(result.records[0]!.reason).toMatch(reason);
    expect(provider.calls.apply).toBe(0);
    expect(provider.capacityOf('model-a').replicas).toBe(2);
  });

  it('an unregistered alarm source', async () => {
    const { autoscaler } = setup();
    expect((await autoscaler.handle(event(), 'sns')).records[0]).toMatchObject({
      outcome: 'rejected',
      code: 'VALIDATION',
      reason: expect.stringMatching(/no alarm source sns/),
    });
  });

  it('a well-formed id for a target that does not exist', async () => {
    const { autoscaler } = setup({ fallback: true });
    expect((await autoscaler.handle(event('high-cpu', 'k', { provider: 'memory', id: 'model-zz' }))).records[0]).toMatchObject({
      outcome: 'error',
      code: 'NOT_FOUND',
    });
  });

  it('a source that crashes is an audited internal error, not an exception', async () => {
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }]);
    const autoscaler = new Autoscaler({
      providers: [provider],
      sources: [
        {
          name: 'buggy',
          parse: () => {
            throw new TypeError("Cannot read properties of undefined (reading 'Records')");
          },
        },
      ],
      policies: new StaticPolicies([]),
      clock: new InstantClock(NOW),
    });
    const result = await autoscaler.handle({});
    expect(result.records[0]).toMatchObject({ outcome: 'error', code: 'INTERNAL' });
  });
});

describe('Autoscaler: stabilization across deliveries', () => {
  /** 10 replicas, target tracking at cpu 50 with a 300 s scale-in window and no cooldowns. */
  function setupStabilized(targetTracking: Record<string, unknown> = {}) {
    const clock = new InstantClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 10 } }]);
    const policy = validatePolicy({
      name: 'tt',
      targets: [A],
      limits: { maxReplicas: 50, cooldown: { scaleOut: 0, scaleIn: 0 }, stabilization: { scaleIn: 300 } },
      rules: [{ name: 'tt', targetTracking: { metric: 'cpu', target: 50, ...targetTracking } }],
    });
    const autoscaler = new Autoscaler({ providers: [provider], sources: [new MemoryAlarmSource()], policies: new StaticPolicies([policy]), clock });
    const cpu = (value: number, key: string): Record<string, unknown> => ({ target: A, metric: 'cpu', state: 'value', value, at: clock.now(), dedupeKey: key });
    return { clock, provider, autoscaler, cpu };
  }
  it('keeps recommendations on the target and scales in only when the window has passed', async () => {
    const { clock, provider, autoscaler, cpu } = setupStabilized();

    expect((await autoscaler.handle(cpu(60, 's1'))).records[0]).toMatchObject({ outcome: 'scaled', to: { replicas: 12 } });
    await clock.sleep(60_000);
    const held = (await autoscaler.handle(cpu(20, 's2'))).records[0]!;
    expect(held).toMatchObject({ outcome: 'no-action', to: { replicas: 12 } });
    expect(held.decision?.blockedBy).toBe('stabilization');
    expect((await provider.readState(A)).recommendations.map((r) => r.replicas)).toEqual([12, 5]);
    await clock.sleep(240_000);
    // 300 s after the first: its 12 has left the window, the 5 of 240 s ago has not, so 3 is held up to 5.
    const stabilized = (await autoscaler.handle(cpu(10, 's3'))).records[0]!;
    expect(stabilized).toMatchObject({ outcome: 'scaled', to: { replicas: 5 } });
    expect(stabilized.decision?.recommendation).toBe(3);
  });

  it('a steady recommendation is written at most twice per window, and still holds a later scale-in', async () => {
    const { clock, provider, autoscaler, cpu } = setupStabilized({ algorithm: 'hpa' });
    // Ten passes 30 s apart at the target: each recommends the current 10 replicas.
    for (let i = 0; i < 10; i++) {
      const r = (await autoscaler.handle(cpu(50, `p${i}`))).records[0]!;
      expect(r.outcome).toBe('no-action');
      await clock.sleep(30_000);
    }
    expect(provider.calls.writeState).toBe(2);
    expect((await provider.readState(A)).recommendations.map((r) => r.at - NOW)).toEqual([0, 150_000]);
    // Load drops: the stored 10s are still inside the window, so the scale-in is held.
    const held = (await autoscaler.handle(cpu(10, 'drop'))).records[0]!;
    expect(held).toMatchObject({ outcome: 'no-action', to: { replicas: 10 } });
    expect(held.decision?.blockedBy).toBe('stabilization');
  });
});

describe('Autoscaler.handle: an alarm source whose prepare() fails', () => {
  /** A source that must fetch something (a signing certificate) before parse can vouch for a delivery. */
  class PreparingSource extends MemoryAlarmSource {
    prepared = 0;
    parsed = 0;
    constructor(private readonly failure: Error) {
      super();
    }
    async prepare(): Promise<void> {
      this.prepared++;
      throw this.failure;
    }
    override parse(raw: unknown): ReturnType<MemoryAlarmSource['parse']> {
      this.parsed++;
      return super.parse(raw);
    }
  }

  it.each([
    [
      'a transient failure fails the delivery for the platform to retry, without parsing or scaling',
      new TransientError('certificate host timed out'),
      'error',
      0,
    ],
    [
      'a refusal lets parse judge the delivery (here it is well-formed, so it scales)',
      ValidationError.field('SigningCertUrl', 'certificate not found (HTTP 404)'),
      'scaled',
      1,
    ],
  ])('%s', async (_what, failure, outcome, parsed) => {
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }]);
    const source = new PreparingSource(failure);
    const policy = validatePolicy({ name: 'p', targets: [A], limits: { minReplicas: 1, maxReplicas: 10 }, rules: RULES });
    const autoscaler = new Autoscaler({ providers: [provider], sources: [source], policies: new StaticPolicies([policy]), clock: new InstantClock(NOW) });
    const result = await autoscaler.handle(event());
    expect(source.prepared).toBe(1);
    expect(source.parsed).toBe(parsed);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]!.outcome).toBe(outcome);
    if (outcome === 'error') expect(result.records[0]).toMatchObject({ code: 'TRANSIENT', reason: 'certificate host timed out' });
    expect(provider.calls.apply).toBe(outcome === 'scaled' ? 1 : 0);
  });
});
