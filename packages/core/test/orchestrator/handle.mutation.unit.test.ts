import {
  Autoscaler,
  InstantClock,
  MemoryAlarmSource,
  MemoryLogger,
  MemoryProvider,
  StaticPolicies,
  TransientError,
  validatePolicy,
  ValidationError,
} from '../../src/index';
import type { AlarmSource, MemoryTargetSeed, TargetRef } from '../../src/index';

// Autoscaler.handle at its edges: which source, what prepare's failures mean, what a refused
// delivery keeps, and how many dedupe keys travel with the target. Each case was written against
// a surviving Stryker mutant of orchestrator/autoscaler.ts.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const A: TargetRef = { provider: 'memory', id: 'model-a' };

function world(sources: AlarmSource[] = [new MemoryAlarmSource()], options: { persistedDedupeKeys?: number } = {}) {
  const clock = new InstantClock(NOW);
  const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock });
  const logger = new MemoryLogger();
  const policy = validatePolicy({
    name: 'p',
    targets: [A],
    limits: { minReplicas: 1, maxReplicas: 100, cooldown: { scaleOut: 0, scaleIn: 0 } },
    rules: [{ name: 'hot', threshold: { alarm: 'hot', change: 1 } }],
  });
  const autoscaler = new Autoscaler({ providers: [provider], sources, policies: new StaticPolicies([policy]), clock, logger, ...options });
  return { clock, provider, logger, autoscaler };
}

const hot = (dedupeKey: string): Record<string, unknown> => ({ target: A, metric: 'cpu', alarm: 'hot', state: 'firing', at: NOW, dedupeKey });

describe('Autoscaler.handle: which alarm source', () => {
  it('a named source that is not registered is refused naming it; no call is made', async () => {
    const { autoscaler, provider } = world();
    const result = await autoscaler.handle(hot('k1'), 'nope');
    expect(result.ok).toBe(false);
    expect(result.records).toEqual([expect.objectContaining({ outcome: 'rejected', code: 'VALIDATION', reason: 'no alarm source nope registered' })]);
    expect(provider.calls.describe).toBe(0);
  });

  it('with no source at all the refusal reads cleanly', async () => {
    const { autoscaler } = world([]);
    const result = await autoscaler.handle(hot('k1'));
    expect(result.records[0]).toMatchObject({ outcome: 'rejected', reason: 'no alarm source registered' });
  });

  it('without a name the first registered source parses; a name picks that source', async () => {
    const second: AlarmSource = { name: 'second', parse: () => [] };
    const { autoscaler } = world([new MemoryAlarmSource(), second]);
    expect((await autoscaler.handle(hot('k1'))).records[0]).toMatchObject({ outcome: 'scaled' });
    expect((await autoscaler.handle(hot('k2'), 'second')).records[0]).toMatchObject({ outcome: 'no-action', reason: 'the delivery carried no signals' });
  });
});

describe("Autoscaler.handle: a source's prepare step", () => {
  function preparing(fault: Error) {
    const parsed: unknown[] = [];
    const source: AlarmSource = {
      name: 'prep',
      prepare: () => Promise.reject(fault),
      parse: (raw) => (parsed.push(raw), new MemoryAlarmSource().parse(raw)),
    };
    return { source, parsed };
  }

  it('a transient failure fails the delivery (the platform retries it) without parsing it', async () => {
    const { source, parsed } = preparing(new TransientError('certificate host timed out'));
    const { autoscaler, provider } = world([source]);
    const result = await autoscaler.handle(hot('k1'));
    expect(result.ok).toBe(false);
    expect(result.records[0]).toMatchObject({ outcome: 'error', code: 'TRANSIENT', reason: 'certificate host timed out' });
    expect(parsed).toHaveLength(0);
    expect(provider.calls.apply).toBe(0);
  });

  it('a refusal is logged and parse decides (here the delivery is fine and acted on)', async () => {
    const { source, parsed } = preparing(ValidationError.field('SigningCertURL', 'is not an allowed host'));
    const { autoscaler, logger } = world([source]);
    const result = await autoscaler.handle(hot('k1'));
    expect(parsed).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ outcome: 'scaled' });
    const warned = logger.records.find((r) => r.msg === 'alarm source prep could not prepare the delivery');
    expect(warned?.level).toBe('warn');
    expect(warned?.['error']).toMatch(/SigningCertURL/);
  });
});

describe('Autoscaler.handle: a delivery refused as a whole', () => {
  it('keeps every issue by path, secrets redacted', async () => {
    const source: AlarmSource = {
      name: 'strict',
      parse: () => {
        throw new ValidationError('bad delivery', [
          { path: 'Type', message: 'must be Notification' },
          { path: 'url', message: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET is not allowed' },
        ]);
      },
    };
    const { autoscaler } = world([source]);
    const record = (await autoscaler.handle('{}')).records[0]!;
    expect(record).toMatchObject({ outcome: 'rejected', code: 'VALIDATION' });
    expect(record.issues).toHaveLength(2);
    expect(record.issues![0]).toEqual({ path: 'Type', message: 'must be Notification' });
    expect(record.issues![1]!.path).toBe('url');
    expect(record.issues![1]!.message).not.toMatch(/XXXXSECRET/);
  });

  it('a failure that is not bad input carries no issues field', async () => {
    const source: AlarmSource = {
      name: 'down',
      parse: (raw) => new MemoryAlarmSource().parse(raw),
      verify: () => Promise.reject(new TransientError('DescribeAlarms throttled')),
    };
    const { autoscaler } = world([source]);
    const record = (await autoscaler.handle(hot('k1'))).records[0]!;
    expect(record).toMatchObject({ outcome: 'error', code: 'TRANSIENT' });
    expect('issues' in record).toBe(false);
  });
});

describe('dedupe keys kept on the target', () => {
  it('the newest 20 by default: older keys drop off', async () => {
    const { autoscaler, provider } = world();
    for (let i = 1; i <= 21; i++) expect((await autoscaler.handle(hot(`k${i}`))).records[0]?.outcome).toBe('scaled');
    const keys = (await provider.describe(A)).persisted.dedupeKeys;
    expect(keys).toHaveLength(20);
    expect(keys).not.toContain('k1');
    expect(keys.at(-1)).toBe('k21');
  });

  it('persistedDedupeKeys sets how many', async () => {
    const { autoscaler, provider } = world([new MemoryAlarmSource()], { persistedDedupeKeys: 3 });
    for (let i = 1; i <= 4; i++) await autoscaler.handle(hot(`k${i}`));
    expect((await provider.describe(A)).persisted.dedupeKeys).toEqual(['k2', 'k3', 'k4']);
  });
});

describe('signals for one target in one delivery', () => {
  it('are acted on together: every dedupe key is kept with the one change', async () => {
    const { autoscaler, provider } = world();
    const result = await autoscaler.handle(JSON.stringify([hot('k1'), hot('k2')]));
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', dedupeKey: 'k1,k2' });
    expect((await provider.describe(A)).persisted.dedupeKeys).toEqual(['k1', 'k2']);
  });
});

describe('targets the policy does not list', () => {
  /** A cloud whose ids are case-insensitive (like OCIDs or SageMaker endpoint names). */
  class CaseInsensitive extends MemoryProvider {
    normalizeId(id: string): string {
      return id.toLowerCase();
    }
  }
  function unlisted(seed: MemoryTargetSeed, listed: string) {
    const clock = new InstantClock(NOW);
    const provider = new CaseInsensitive([seed], { clock });
    const policy = validatePolicy({
      name: 'p',
      targets: [{ provider: 'memory', id: listed }],
      limits: { minReplicas: 1, maxReplicas: 100, cooldown: { scaleOut: 0, scaleIn: 0 } },
      rules: [{ name: 'hot', threshold: { alarm: 'hot', change: 1 } }],
    });
    const policies = new StaticPolicies([policy], policy, (id) => id.toLowerCase());
    const autoscaler = new Autoscaler({ providers: [provider], sources: [new MemoryAlarmSource()], policies, clock });
    return { provider, autoscaler };
  }

  it('a target listed in another spelling of its id is listed: acted on although it is not tagged managed', async () => {
    const { autoscaler, provider } = unlisted({ id: 'model-a', capacity: { replicas: 1 }, managed: false }, 'MODEL-A');
    const result = await autoscaler.handle(hot('k1'));
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', to: { replicas: 2 } });
    expect(provider.capacityOf('model-a').replicas).toBe(2);
  });

  it('an unlisted, unmanaged target is refused, and the refusal keeps its claim (a redelivery is a duplicate)', async () => {
    const { autoscaler, provider } = unlisted({ id: 'model-a', capacity: { replicas: 1 }, managed: false }, 'model-b');
    const first = await autoscaler.handle(hot('k1'));
    expect(first.records[0]).toMatchObject({ outcome: 'rejected', code: 'NOT_MANAGED' });
    const again = await autoscaler.handle(hot('k1'));
    expect(again.records[0]).toMatchObject({ outcome: 'duplicate' });
    expect(provider.calls.apply).toBe(0);
  });
});
