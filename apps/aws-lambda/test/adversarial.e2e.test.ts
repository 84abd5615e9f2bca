import { badInputs, duplicateDeliveries, forgedMessages, hungDependency, lostStateWrite, secretsIn, webhookSecrets } from './adversarial-scenarios';

// Real handler (buildDeps + handleEvent, deadline from Lambda's context) against the wire fakes.
jest.setTimeout(60_000);

describe('the Lambda under attack', () => {
  it('100 identical deliveries, one container each, concurrently: exactly one scaling call', async () => {
    const r = await duplicateDeliveries(100);
    expect(r).toMatchObject({ deliveries: 100, containers: 100, scalingCalls: 1 });
  });

  it('forged, altered, foreign-topic, future and replayed messages cause no action, each refused', async () => {
    const r = await forgedMessages();
    expect(r.tried).toBe(8);
    expect(r.actions).toBe(0);
    for (const line of r.refused) expect(line).toMatch(/: rejected\/(VALIDATION|NOT_MANAGED)$/);
  });

  it("a hung AWS API: the invocation ends before Lambda's deadline; a hung change or check fails (Lambda retries), a hung input leaves the rest its time", async () => {
    // 6 s of Lambda time: half may go to the hung history, the rest must fit a scale on a loaded CI machine.
    const r = await hungDependency(6_000);
    expect(r.cases).toHaveLength(5);
    // Alarms that cannot be read do not starve the evaluation: it still ran, inside the budget.
    expect(r.cases.find((c) => c.what.startsWith('DescribeAlarms (re-check)'))!.outcome).not.toMatch(/threw/);
    for (const c of r.cases) expect(c.overDeadlineMs).toBeLessThanOrEqual(0);
    const outcome = (prefix: string): string => r.cases.find((c) => c.what.startsWith(prefix))!.outcome;
    for (const p of ['DescribeEndpoint', 'UpdateEndpointWeightsAndCapacities', 'DescribeAlarms (verification)']) expect(outcome(p)).toBe('threw: TRANSIENT');
    // History may take half the time left: when it hangs, the predictive rule falls back and the
    // alarm still in ALARM is acted on with the time that remains.
    expect(outcome('GetMetricData')).toBe('scaled');
    expect(r.worstOverDeadlineMs).toBeLessThanOrEqual(0);
  });

  it('a dropped or lost state write, then a redelivery 90 s later to a new container: no second scaling call', async () => {
    const r = await lostStateWrite();
    expect(r.redeliveries).toBe(4);
    for (const c of r.cases) expect(c.scalingCalls).toBe(1);
    expect(r.extraScalingCalls).toBe(0);
    // When the first delivery could not write its state it did not scale, and said so.
    expect(r.cases.find((c) => c.what === 'every AddTags dropped during the first delivery')!.first).toMatch(/^threw/);
  });

  it('fuzzed and mangled events: never an uncaught error, never an action', async () => {
    const r = await badInputs(150);
    expect(r.tried).toBe(150);
    expect(r.uncaught).toBe(0);
    expect(r.actionsBy).toEqual([]);
    expect(r.actions).toBe(0);
  });

  it('no secret (webhook token, AWS secret key, SNS signature) in any log line or result', async () => {
    const r = await webhookSecrets();
    // The failing webhook was logged (so redaction was exercised), without its token.
    expect(r.logs.some((l) => l.includes('hooks.example.invalid'))).toBe(true);
    expect(secretsIn(r.logs, r.secrets)).toBe(0);
    // The check itself finds a planted secret.
    expect(secretsIn([...r.logs, `oops ${r.secrets[0]}`], r.secrets)).toBe(1);
  });
});
