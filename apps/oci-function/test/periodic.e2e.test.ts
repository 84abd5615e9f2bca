import { MemoryStateStore } from '@autoscaler/core';
import { HEARTBEAT_ALARM_NAME } from '@autoscaler/provider-oci-data-science';
import { alarmSourceFor, functionWorld, lastDelivery, predictivePolicyDoc, type FunctionWorld } from './support';

/**
 * Periodic evaluation in the function: the heartbeat alarm (one per deployment, firing while
 * it serves, repeating every minute) and the evaluate request, each running
 * `Autoscaler.evaluateAll`, where predictive rules pull PredictRequestCount from Monitoring.
 */
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

const MIN = 60_000;
let w: FunctionWorld & { deploymentIds: string[] };
afterEach(() => w.close());

/**
 * A world running the predictive policy on its one deployment, with that deployment's heartbeat
 * alarm created and the function subscribed; Monitoring serves `load` PredictRequestCount a minute.
 */
async function heartbeatWorld(load?: number): Promise<{ dep: string; hb: string }> {
  w = await functionWorld();
  const dep = w.deploymentIds[0]!;
  w.config['AUTOSCALER_POLICY'] = JSON.stringify(predictivePolicyDoc(dep));
  if (load !== undefined) w.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', () => load);
  const hb = (await alarmSourceFor(w).ensureHeartbeat({ provider: 'oci-data-science', id: dep })).id;
  await w.subscribe();
  return { dep, hb };
}

describe('the heartbeat alarm', () => {
  it('is a 1-minute repeating INFO alarm on the deployment, tagged as ours, and policy alarm maintenance leaves it alone', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    const change = await alarmSourceFor(w).ensureHeartbeat({ provider: 'oci-data-science', id: dep });
    expect(change).toMatchObject({ action: 'created', name: HEARTBEAT_ALARM_NAME });
    expect(w.fake.monitoring.alarm(change.id)).toMatchObject({
      query: `CpuUtilization[1m]{resourceId = "${dep}"}.grouping().count() > 0`,
      repeatNotificationDuration: 'PT1M',
      pendingDuration: 'PT1M',
      severity: 'INFO',
      messageFormat: 'RAW',
      destinations: [w.topicId],
      freeformTags: { 'autoscaler-managed': 'true', 'autoscaler-target': dep, 'autoscaler-rule': 'autoscaler:heartbeat' },
    });
    expect(await alarmSourceFor(w).ensureHeartbeat({ provider: 'oci-data-science', id: dep })).toMatchObject({ action: 'unchanged', id: change.id });
    await w.setupAlarms(dep);
    expect(w.alarmsOf(dep)[HEARTBEAT_ALARM_NAME]).toBe(change.id);
  });

  it('each notification runs one periodic evaluation that pulls PredictRequestCount and scales to the load; a duplicate delivery does not', async () => {
    // Three days of 600 requests a minute: 6 instances of 100.
    const { dep, hb } = await heartbeatWorld(600);
    const message = await w.fake.monitoring.fire(hb);
    const r = lastDelivery(w);
    expect(r).toMatchObject({ ok: true, kind: 'periodic', errors: [] });
    expect(r.records).toEqual([
      expect.objectContaining({ outcome: 'scaled', target: { provider: 'oci-data-science', id: dep }, from: expect.objectContaining({ replicas: 1 }) }),
    ]);
    expect(r.records[0]!.to!.replicas).toBeGreaterThanOrEqual(6);
    const asked = w.fake.monitoring.summarizeCalls.filter((c) => c.query.startsWith('PredictRequestCount'));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.query).toBe(`PredictRequestCount[1m]{resourceId = "${dep}"}.grouping().sum()`);

    // The same notification delivered again (Notifications retries) evaluates nothing.
    const again = await w.invoke(JSON.stringify(message));
    expect(again.records).toEqual([expect.objectContaining({ outcome: 'duplicate', target: { provider: 'oci-data-science', id: dep } })]);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(1);
  });

  it('a warm container asks Monitoring only for the minutes it has not seen', async () => {
    const { hb } = await heartbeatWorld(50);
    await w.fake.monitoring.fire(hb);
    w.clock.advance(MIN);
    await w.fake.monitoring.fire(hb, { type: 'REPEAT' });
    const calls = w.fake.monitoring.summarizeCalls.filter((c) => c.query.startsWith('PredictRequestCount'));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.endTime - calls[1]!.startTime).toBeLessThan(30 * MIN);
    expect(calls[0]!.endTime - calls[0]!.startTime).toBeGreaterThan(24 * 60 * MIN);
  });

  it('a heartbeat message for a heartbeat that is not firing in Monitoring evaluates nothing', async () => {
    const { hb } = await heartbeatWorld();
    const message = await w.fake.monitoring.fire(hb);
    w.fake.monitoring.setAlarmState(hb, false);
    const forged = await w.invoke(JSON.stringify({ ...message, dedupeKey: 'forged', timestampEpochMillis: w.clock.now() }), { store: new MemoryStateStore() });
    expect(forged).toMatchObject({
      ok: false,
      errors: [{ code: 'VALIDATION', issues: [expect.objectContaining({ path: expect.stringMatching(/\.status$/) })] }],
    });
    expect(w.fake.monitoring.summarizeCalls.filter((c) => c.query.startsWith('PredictRequestCount'))).toHaveLength(1);
  });
});

describe('the evaluate request (Resource Scheduler or fn invoke)', () => {
  it('{"autoscaler":"evaluate","version":1} evaluates every deployment the policy lists', async () => {
    w = await functionWorld({ deployments: [{}, {}] });
    const [a, b] = w.deploymentIds as [string, string];
    w.config['AUTOSCALER_POLICY'] = JSON.stringify({ ...predictivePolicyDoc(a), targets: [a, b].map((id) => ({ provider: 'oci-data-science', id })) });
    w.fake.monitoring.serveDeploymentMetric(a, 'PredictRequestCount', () => 250);
    w.fake.monitoring.serveDeploymentMetric(b, 'PredictRequestCount', () => 40);
    const r = await w.invoke('{"autoscaler":"evaluate","version":1}');
    expect(r.kind).toBe('periodic');
    const byTarget = Object.fromEntries(r.records.map((x) => [x.target!.id, x]));
    expect(byTarget[a]).toMatchObject({ outcome: 'scaled' });
    expect(byTarget[a]!.to!.replicas).toBeGreaterThanOrEqual(3);
    expect(byTarget[b]!.outcome).toBe('no-action');
  });

  it.each([
    ['{"autoscaler":"evaluate"}', 'version'],
    ['{"autoscaler":"evaluate","version":2}', 'version'],
    ['{"autoscaler":"scale","version":1}', 'autoscaler'],
    ['{"autoscaler":"evaluate","version":1,"targets":["x"]}', 'targets'],
  ])('a malformed evaluate request %s is refused naming %s, with no call', async (body, field) => {
    w = await functionWorld();
    const before = w.fake.requests.length;
    const r = await w.invoke(body);
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'VALIDATION', issues: expect.arrayContaining([expect.objectContaining({ path: field })]) }] });
    expect(w.fake.requests.length).toBe(before);
  });
});
