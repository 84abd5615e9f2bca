import { runOciAdversarialDetailed, type OciAdversarialDetails, type OciAdversarialSummary } from './adversarial-scenarios';

/**
 * Issue 13 against the OCI function: the real handler, real SDK clients, the wire fake.
 * One run of every scenario (the same code bench/adversarial.ts runs), then the aims.
 */
jest.setTimeout(120_000);

let summary: OciAdversarialSummary;
let details: OciAdversarialDetails;
beforeAll(async () => {
  ({ summary, details } = await runOciAdversarialDetailed());
});

describe('the OCI function under attack', () => {
  it('100 identical deliveries, each in a fresh container, make exactly one scaling call', () => {
    expect(summary.duplicateDeliveries).toEqual({ deliveries: 100, containers: 100, scalingCalls: 1 });
  });

  it('forged FIRING messages for alarms that never fired, stale, future and replayed messages: no action', () => {
    expect(summary.forgedMessages.tried).toBe(details.forged.length);
    expect(summary.forgedMessages.tried).toBeGreaterThanOrEqual(12);
    for (const f of details.forged) {
      expect({ name: f.name, actions: f.actions }).toEqual({ name: f.name, actions: 0 });
      expect(f.errors.length).toBeGreaterThan(0);
    }
    expect(summary.forgedMessages.actions).toBe(0);
  });

  it('each refusal says why', () => {
    const reason = (name: string): string => details.forged.find((f) => f.name === name)!.errors.join(' | ');
    expect(reason('FIRING for an alarm that never fired')).toMatch(/says FIRING but Monitoring has the alarm "model_deployment_high_cpu" not firing/);
    expect(reason('an alarm that does not exist')).toMatch(/no such alarm in Monitoring/);
    expect(reason('an alarm watching another deployment')).toMatch(/the alarm watches ocid1\.datasciencemodeldeployment/);
    expect(reason('timestamp 0')).toMatch(/timestampEpochMillis: the message is from 1970-01-01T00:00:00\.000Z, more than 15 minutes ago/);
    expect(reason('timestamp beyond year 275760')).toMatch(/timestampEpochMillis: the message is from epoch 8640000000000001 \(not a date\)/);
    expect(reason('timestamp 10 minutes in the future')).toMatch(/in the future \(more than 120 s ahead/);
    expect(reason('a real message replayed 20 minutes later')).toMatch(/more than 15 minutes ago: refusing an old or replayed delivery/);
  });

  it('a dependency that never answers cannot hold the invocation past its deadline (measured on the injected clock)', () => {
    expect(details.hung.map((h) => h.name)).toHaveLength(9);
    for (const h of details.hung) expect({ name: h.name, over: h.overDeadlineMs <= 0 }).toEqual({ name: h.name, over: true });
    expect(summary.hungDependency.worstOverDeadlineMs).toBeLessThanOrEqual(0);
    // The hung calls are reported, not hidden.
    for (const h of details.hung.filter((x) => !/webhook|PublishMessage/.test(x.name))) expect(h.ok).toBe(false);
    // A notification that never answers neither holds the scaling nor the alarm maintenance after it.
    for (const h of details.hung.filter((x) => /webhook|PublishMessage/.test(x.name))) {
      expect({ name: h.name, outcomes: h.outcomes, maintained: h.alarmChanges > 0 }).toEqual({ name: h.name, outcomes: ['scaled'], maintained: true });
    }
  });

  it('no secret (pre-authenticated request token, webhook token) in any log line or result', () => {
    expect(details.secrets).toEqual([]);
    expect(summary.secretsInLogs).toBe(0);
  });

  it('arbitrary bodies are all answered, none with an internal error', () => {
    expect(summary.badInputs.tried).toBe(200);
    expect(summary.badInputs.uncaught).toBe(0);
  });
});
