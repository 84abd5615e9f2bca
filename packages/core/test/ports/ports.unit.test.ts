import { InstantClock, JsonLogger, ManualClock, MemoryStateStore, WebhookNotifier, summarize, type AuditRecord, type FetchLike } from '../../src/index';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('MemoryStateStore', () => {
  it('of 10 concurrent claims of one key, exactly one wins', async () => {
    const store = new MemoryStateStore();
    const wins = await Promise.all(Array.from({ length: 10 }, () => store.claim('k', 1000, 0)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('a claim holds until its TTL passes, or until released', async () => {
    const store = new MemoryStateStore();
    expect(await store.claim('k', 1000, 0)).toBe(true);
    expect(await store.claim('k', 1000, 999)).toBe(false);
    expect(await store.claim('k', 1000, 1000)).toBe(true);
    await store.release('k');
    expect(await store.claim('k', 1000, 1001)).toBe(true);
  });

  it('when full, forgets the oldest tenth at once (not one per claim) and keeps the newest', async () => {
    const store = new MemoryStateStore(10);
    for (let i = 0; i <= 10; i++) expect(await store.claim(`k${i}`, 60_000, i)).toBe(true);
    // The 11th claim overflowed the store: it went down to 9, dropping k0 and k1.
    expect(await store.claim('k2', 60_000, 20)).toBe(false);
    expect(await store.claim('k10', 60_000, 20)).toBe(false);
    expect(await store.claim('k1', 60_000, 20)).toBe(true); // back to 10 entries: no eviction
    expect(await store.claim('k3', 60_000, 20)).toBe(false);
  });

  it('a renewed claim counts as new: eviction does not drop it first', async () => {
    const store = new MemoryStateStore(10);
    expect(await store.claim('renewed', 1, 0)).toBe(true); // expires at 1
    for (let i = 0; i < 8; i++) await store.claim(`k${i}`, 60_000, 2);
    expect(await store.claim('renewed', 60_000, 3)).toBe(true); // expired, claimed again
    for (let i = 8; i < 12; i++) await store.claim(`k${i}`, 60_000, 4); // overflow: evicts the oldest
    expect(await store.claim('renewed', 60_000, 5)).toBe(false);
  });
});

describe('clocks', () => {
  it('ManualClock: a sleeper wakes only when time passes its deadline', async () => {
    const clock = new ManualClock(1000);
    let woke = false;
    const sleeping = clock.sleep(500).then(() => (woke = true));
    expect(clock.pending).toBe(1);
    clock.advance(499);
    await settle();
    expect(woke).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(1500);
    expect(clock.pending).toBe(0);
  });

  it('ManualClock: set() wakes every sleeper it passes, and sleep(0) does not wait', async () => {
    const clock = new ManualClock(0);
    const order: number[] = [];
    const a = clock.sleep(300).then(() => order.push(300));
    const b = clock.sleep(100).then(() => order.push(100));
    const c = clock.sleep(900).then(() => order.push(900));
    clock.set(500);
    await Promise.all([a, b]);
    expect(order.sort()).toEqual([100, 300]);
    expect(clock.pending).toBe(1);
    await clock.sleep(0);
    clock.set(900);
    await c;
  });

  it('InstantClock: sleeping moves its own time forward at once', async () => {
    const clock = new InstantClock(10);
    await clock.sleep(250);
    await clock.sleep(-5);
    expect(clock.now()).toBe(260);
  });
});

describe('JsonLogger', () => {
  it('writes one JSON object per line with the time from its clock, and drops lower levels', () => {
    const lines: string[] = [];
    const logger = new JsonLogger(
      (l) => lines.push(l),
      'info',
      { app: 'test' },
      () => Date.UTC(2026, 0, 1),
    );
    logger.log('debug', 'hidden');
    logger.log('warn', 'audit', { outcome: 'scaled', target: { provider: 'memory', id: 'x' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-01-01T00:00:00.000Z',
      level: 'warn',
      msg: 'audit',
      app: 'test',
      outcome: 'scaled',
      target: { provider: 'memory', id: 'x' },
    });
  });
});

describe('WebhookNotifier', () => {
  const record: AuditRecord = {
    type: 'audit',
    outcome: 'scaled',
    target: { provider: 'memory', id: 'model-a' },
    from: { replicas: 2, size: 'S' },
    to: { replicas: 3, size: 'S' },
    reason: 'high-cpu firing: +1 replica',
    at: 0,
    durationMs: 3,
    dryRun: false,
  };

  /** Stands in for `fetch`: records what would go on the wire. */
  function recordingFetch(status = 200): { fetchFn: FetchLike; sent: Array<{ url: string; method: string; headers: Record<string, string>; body: string }> } {
    const sent: Array<{ url: string; method: string; headers: Record<string, string>; body: string }> = [];
    return { sent, fetchFn: async (url, init) => (sent.push({ url, ...init }), { ok: status < 300, status }) };
  }

  it('posts the audit record as JSON', async () => {
    const { fetchFn, sent } = recordingFetch();
    await new WebhookNotifier('https://hooks.example.com/a', 'json', fetchFn).notify(record);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: 'https://hooks.example.com/a', method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(sent[0]!.body)).toEqual(record);
  });

  it('posts a Slack-compatible { text } summary', async () => {
    const { fetchFn, sent } = recordingFetch();
    await new WebhookNotifier('https://hooks.slack.com/services/x', 'slack', fetchFn).notify(record);
    expect(JSON.parse(sent[0]!.body)).toEqual({ text: '[autoscaler] scaled memory:model-a 2xS -> 3xS: high-cpu firing: +1 replica' });
  });

  it('fails on a non-2xx answer so the orchestrator can log it', async () => {
    const { fetchFn } = recordingFetch(500);
    await expect(new WebhookNotifier('https://hooks.example.com/a', 'json', fetchFn).notify(record)).rejects.toThrow('answered 500');
  });

  it('summarize marks dry runs and events without a target', () => {
    expect(summarize({ ...record, outcome: 'dry-run', dryRun: true })).toMatch(/^\[autoscaler\] dry-run \(dry run\) memory:model-a/);
    expect(summarize({ type: 'audit', outcome: 'rejected', reason: 'invalid body', at: 0, durationMs: 0 })).toBe(
      '[autoscaler] rejected (no target): invalid body',
    );
  });
});
