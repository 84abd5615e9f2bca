import fc from 'fast-check';
import { MemoryStateStore } from '@autoscaler/core';
import { handleAlarm, type FunctionResult } from '../src';
import { functionWorld, lastDelivery, outcomes, seedPayloadText, seedPolicyDoc, settle, type FunctionWorld } from './support';

/**
 * The function end to end: alarm bodies through `handleAlarm`, real SDK
 * clients, the wire fake. Each of the seed sample's bugs has its own test.
 */
beforeAll(() => {
  // The SDK logs each non-retried error (404, 412) with console.warn.
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

let w: FunctionWorld & { deploymentIds: string[] };
afterEach(() => w.close());

/**
 * The seed payload with real OCIDs, stamped now, for an alarm that Monitoring has FIRING
 * (the function checks both: an old message, or one for an alarm that is not firing, is refused).
 */
const seedFor = (deploymentId: string, alarmId: string): string => {
  if (w.fake.monitoring.alarm(alarmId)) w.fake.monitoring.setAlarmState(alarmId, true);
  const doc = JSON.parse(
    seedPayloadText().replaceAll('<YOUR_MODEL_DEPLOYMENT_OCID>', deploymentId).replaceAll('<YOUR_HIGH_CPU_ALARM_OCID>', alarmId),
  ) as Record<string, unknown>;
  doc['timestampEpochMillis'] = w.clock.now();
  return JSON.stringify(doc);
};

describe('the seed scenario', () => {
  it('the seed payload (real OCIDs substituted) scales 1 -> 2 and creates the low-CPU alarm; the result is plain JSON', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    const high = w.alarmsOf(dep)['model_deployment_high_cpu']!;
    const result = await w.invoke(seedFor(dep, high));
    expect(result.errors).toEqual([]);
    expect(result.records).toMatchObject([
      { outcome: 'scaled', from: { replicas: 1 }, to: { replicas: 2 }, rule: 'high-cpu', handle: expect.stringMatching(/^ocid1\.datascienceworkrequest\./) },
    ]);
    expect(w.fake.dataScience.capacity(dep)).toMatchObject({ instanceCount: 2, lifecycleState: 'UPDATING' });
    expect(result.alarms).toContainEqual(expect.objectContaining({ action: 'created', name: 'model_deployment_low_cpu', target: dep }));
    expect(Object.keys(w.alarmsOf(dep)).sort()).toEqual(['model_deployment_high_cpu', 'model_deployment_high_mem', 'model_deployment_low_cpu']);
    // Sample bug 1: it crashed serializing the created alarm (json.dumps of an SDK object) after creating it.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    const audit = w.logger.records.filter((r) => r.msg === 'audit');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'scaled' });
  });

  it('the seed payload as printed (placeholders) is refused naming the fields, with no call that changes anything', async () => {
    w = await functionWorld();
    const result = await w.invoke(seedPayloadText());
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'alarmMetaData[0].id' }, { path: 'alarmMetaData[0].dimensions[0].resourceId' }],
    });
    expect(outcomes(result)).toEqual(['rejected']);
    expect(w.fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('alarm -> Notifications -> function: high CPU through the real delivery path, then the low alarm steps back down and deletes itself at 1', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    await w.subscribe();
    await w.fake.monitoring.fire(w.alarmsOf(dep)['model_deployment_high_cpu']!);
    expect(lastDelivery(w).records[0]).toMatchObject({ outcome: 'scaled', to: { replicas: 2 } });
    settle(w);
    const low = w.alarmsOf(dep)['model_deployment_low_cpu']!;
    await w.fake.monitoring.fire(low);
    const down = lastDelivery(w);
    expect(down.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 2 }, to: { replicas: 1 }, rule: 'low-cpu' });
    expect(down.alarms).toContainEqual(expect.objectContaining({ action: 'deleted', name: 'model_deployment_low_cpu' }));
    expect(w.alarmsOf(dep)['model_deployment_low_cpu']).toBeUndefined();
  });

  it('a low alarm firing at 1 instance changes nothing and deletes itself', async () => {
    w = await functionWorld({ deployments: [{ instanceCount: 2 }] });
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    const low = w.alarmsOf(dep)['model_deployment_low_cpu']!;
    w.fake.dataScience.tamper(dep, { instanceCount: 1 });
    await w.subscribe();
    await w.fake.monitoring.fire(low);
    const r = lastDelivery(w);
    expect(r.records[0]).toMatchObject({ outcome: 'no-action', decision: { blockedBy: 'limits' } });
    expect(r.alarms).toContainEqual(expect.objectContaining({ action: 'deleted', id: low }));
    expect(w.fake.dataScience.configUpdates.get(dep)).toBeUndefined();
  });
});

describe('the memory ladder', () => {
  it('walks up VM.Standard2.1 -> 2.2 -> 2.4 and back down, creating and deleting the low-memory alarm', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    await w.subscribe();
    const high = w.alarmsOf(dep)['model_deployment_high_mem']!;
    await w.fake.monitoring.fire(high);
    expect(lastDelivery(w).records[0]).toMatchObject({ outcome: 'resized', from: { size: 'VM.Standard2.1' }, to: { size: 'VM.Standard2.2' } });
    expect(w.alarmsOf(dep)['model_deployment_low_mem']).toBeDefined();
    settle(w);
    await w.fake.monitoring.fire(high, { type: 'REPEAT' });
    expect(lastDelivery(w).records[0]).toMatchObject({ outcome: 'resized', to: { size: 'VM.Standard2.4' } });
    settle(w);
    const low = w.alarmsOf(dep)['model_deployment_low_mem']!;
    await w.fake.monitoring.fire(low);
    expect(lastDelivery(w).records[0]).toMatchObject({ outcome: 'resized', from: { size: 'VM.Standard2.4' }, to: { size: 'VM.Standard2.2' } });
    settle(w);
    await w.fake.monitoring.fire(low, { type: 'REPEAT' });
    const last = lastDelivery(w);
    expect(last.records[0]).toMatchObject({ outcome: 'resized', to: { size: 'VM.Standard2.1' } });
    // At the smallest shape the low-memory alarm has nothing left to do.
    expect(last.alarms).toContainEqual(expect.objectContaining({ action: 'deleted', name: 'model_deployment_low_mem' }));
    expect(w.fake.dataScience.capacity(dep)).toMatchObject({ shape: 'VM.Standard2.1', instanceCount: 1 });
  });

  it('sample bug 2 (off-by-one): at VM.Standard2.24 a high-memory alarm changes nothing, with a clear reason', async () => {
    w = await functionWorld({ deployments: [{ shape: 'VM.Standard2.24' }] });
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    await w.subscribe();
    await w.fake.monitoring.fire(w.alarmsOf(dep)['model_deployment_high_mem']!);
    const r = lastDelivery(w);
    expect(r.records[0]).toMatchObject({ outcome: 'no-action', reason: expect.stringContaining('already at the largest size VM.Standard2.24') });
    expect(r.ok).toBe(true);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBeUndefined();
  });

  it('moves along a flex ladder with OCPUs and memory', async () => {
    const ladder = ['VM.Standard.E4.Flex:1x16', 'VM.Standard.E4.Flex:2x32', 'VM.Standard.E4.Flex:4x64'];
    w = await functionWorld({ deployments: [{ shape: 'VM.Standard.E4.Flex', ocpus: 2, memoryInGBs: 32 }] });
    const dep = w.deploymentIds[0]!;
    w.config['AUTOSCALER_POLICY'] = JSON.stringify(seedPolicyDoc([dep], ladder));
    await w.setupAlarms(dep);
    expect(w.alarmsOf(dep)['model_deployment_low_mem']).toBeDefined();
    await w.subscribe();
    await w.fake.monitoring.fire(w.alarmsOf(dep)['model_deployment_high_mem']!);
    expect(lastDelivery(w).records[0]).toMatchObject({
      outcome: 'resized',
      from: { size: 'VM.Standard.E4.Flex:2x32' },
      to: { size: 'VM.Standard.E4.Flex:4x64' },
    });
    expect(w.fake.dataScience.capacity(dep)).toMatchObject({ shape: 'VM.Standard.E4.Flex', ocpus: 4, memoryInGBs: 64 });
    settle(w);
    await w.fake.monitoring.fire(w.alarmsOf(dep)['model_deployment_high_mem']!, { type: 'REPEAT' });
    expect(lastDelivery(w).records[0]).toMatchObject({ outcome: 'no-action', reason: expect.stringContaining('largest') });
  });
});

describe('concurrency and duplicates', () => {
  it('sample bug 4: 5 concurrent copies of one delivery make one update (one warm container)', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    const body = seedFor(dep, w.alarmsOf(dep)['model_deployment_high_cpu']!);
    const results = await Promise.all(Array.from({ length: 5 }, () => w.invoke(body)));
    expect(results.flatMap(outcomes).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'scaled']);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(1);
  });

  it('5 concurrent copies in 5 containers still make one update (ETag), and a redelivery later is a duplicate (persisted key)', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    const body = seedFor(dep, w.alarmsOf(dep)['model_deployment_high_cpu']!);
    const results = await Promise.all(Array.from({ length: 5 }, () => w.invoke(body, { store: new MemoryStateStore() })));
    const all = results.flatMap(outcomes);
    expect(all.filter((o) => o === 'scaled')).toHaveLength(1);
    expect(all.every((o) => ['scaled', 'skipped', 'duplicate'].includes(o))).toBe(true);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(1);
    settle(w);
    const later = await w.invoke(body, { store: new MemoryStateStore() });
    expect(outcomes(later)).toEqual(['duplicate']);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(1);
  });

  it('sample bug 3: two different alarms at once make one update, the other re-decides after the conflict; its repeat acts on the new state', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    await w.subscribe();
    const alarms = w.alarmsOf(dep);
    const [a, b] = await Promise.all([
      w.fake.monitoring.fire(alarms['model_deployment_high_cpu']!),
      w.fake.monitoring.fire(alarms['model_deployment_high_mem']!),
    ]);
    expect([a['type'], b['type']]).toEqual(['OK_TO_FIRING', 'OK_TO_FIRING']);
    expect(w.fake.notifications.deliveries).toHaveLength(2);
    const results = w.fake.notifications.deliveries.map((d) => d.result as FunctionResult);
    const records = results.flatMap((r) => r.records);
    const acted = records.filter((r) => r.outcome === 'scaled' || r.outcome === 'resized');
    expect(acted).toHaveLength(1);
    const other = records.find((r) => r !== acted[0])!;
    expect(other.outcome).toBe('skipped');
    expect(other.reason).toMatch(/updating/);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(1);
    settle(w);
    const pending = acted[0]!.rule === 'high-cpu' ? alarms['model_deployment_high_mem']! : alarms['model_deployment_high_cpu']!;
    await w.fake.monitoring.fire(pending, { type: 'REPEAT' });
    const again = lastDelivery(w).records[0]!;
    expect(['scaled', 'resized']).toContain(again.outcome);
    expect(again.from).toEqual(acted[0]!.to);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(2);
  });

  it('concurrent deliveries in separate containers: the loser of the ETag race re-describes and skips', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    const alarms = w.alarmsOf(dep);
    const cpu = JSON.parse(seedFor(dep, alarms['model_deployment_high_cpu']!)) as Record<string, unknown>;
    const mem = { ...JSON.parse(seedFor(dep, alarms['model_deployment_high_mem']!)), dedupeKey: 'other-alarm', title: 'model_deployment_high_mem' } as Record<
      string,
      unknown
    >;
    (mem['alarmMetaData'] as Array<Record<string, unknown>>)[0]!['query'] = `MemoryUtilization[5m]{resourceId = "${dep}"}.max() > 80`;
    const [r1, r2] = await Promise.all([w.invoke(cpu, { store: new MemoryStateStore() }), w.invoke(mem, { store: new MemoryStateStore() })]);
    const recs = [...r1.records, ...r2.records];
    expect(recs.filter((r) => r.outcome === 'scaled' || r.outcome === 'resized')).toHaveLength(1);
    expect(recs.find((r) => r.outcome === 'skipped')?.reason).toMatch(/after a version conflict|updating/);
    expect(w.fake.count('UpdateModelDeployment', 412)).toBeGreaterThanOrEqual(1);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(1);
  });
});

describe('refusals', () => {
  /** An alarm on a deployment the policy does not own, titled like ours. */
  const highCpuAlarmTitledLikeOurs = (deploymentId: string): ReturnType<FunctionWorld['fake']['monitoring']['seedAlarm']> =>
    w.fake.monitoring.seedAlarm({
      displayName: 'model_deployment_high_cpu',
      compartmentId: w.fake.ocids.compartment,
      metricCompartmentId: w.fake.ocids.compartment,
      namespace: 'oci_datascience_modeldeploy',
      query: `CpuUtilization[5m]{resourceId = "${deploymentId}"}.max() > 80`,
      severity: 'CRITICAL',
      destinations: [w.topicId],
      isEnabled: true,
    });

  it('sample bug 5: a deployment neither listed nor tagged is refused, whatever the title says', async () => {
    w = await functionWorld({ deployments: [{}, { managed: false }] });
    const [ours, theirs] = w.deploymentIds as [string, string];
    w.config['AUTOSCALER_POLICY'] = JSON.stringify(seedPolicyDoc([ours]));
    const alarm = highCpuAlarmTitledLikeOurs(theirs);
    const result = await w.invoke(seedFor(theirs, alarm));
    expect(result.records).toMatchObject([{ outcome: 'rejected', code: 'NOT_MANAGED' }]);
    expect(result.ok).toBe(false);
    expect(w.fake.dataScience.configUpdates.size).toBe(0);
    expect(result.alarms).toEqual([]);
  });

  it.each([['false'], [''], ['no']])('a deployment tagged autoscaler-managed=%j (and not listed) is not managed', async (value) => {
    w = await functionWorld({ deployments: [{}, { managed: false, freeformTags: { 'autoscaler-managed': value } }] });
    const [ours, theirs] = w.deploymentIds as [string, string];
    w.config['AUTOSCALER_POLICY'] = JSON.stringify(seedPolicyDoc([ours]));
    const alarm = highCpuAlarmTitledLikeOurs(theirs);
    const result = await w.invoke(seedFor(theirs, alarm));
    expect(result.records).toMatchObject([{ outcome: 'rejected', code: 'NOT_MANAGED' }]);
    expect(w.fake.dataScience.configUpdates.size).toBe(0);
  });

  it('sample bug 5: the rule comes from the alarm in Monitoring, not from the message title', async () => {
    w = await functionWorld({ deployments: [{ instanceCount: 2 }] });
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    // The high-CPU alarm's message, retitled as the low-CPU alarm: it must still scale out.
    const forged = { ...JSON.parse(seedFor(dep, w.alarmsOf(dep)['model_deployment_high_cpu']!)), title: 'model_deployment_low_cpu' };
    const result = await w.invoke(forged);
    expect(result.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 2 }, to: { replicas: 3 }, rule: 'high-cpu' });
  });

  it('refuses a message whose deployment differs from what its alarm watches', async () => {
    w = await functionWorld({ deployments: [{}, {}] });
    const [a, b] = w.deploymentIds as [string, string];
    await w.setupAlarms(a);
    const msg = JSON.parse(seedFor(b, w.alarmsOf(a)['model_deployment_high_cpu']!)) as Record<string, unknown>;
    const result = await w.invoke(msg);
    expect(result.errors[0]).toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ message: expect.stringContaining(`the alarm watches ${a}`) })],
    });
    expect(w.fake.dataScience.configUpdates.size).toBe(0);
  });

  it("refuses a deleted alarm's late REPEAT", async () => {
    w = await functionWorld({ deployments: [{ instanceCount: 2 }] });
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    const low = w.alarmsOf(dep)['model_deployment_low_cpu']!;
    const body = { ...JSON.parse(seedFor(dep, low)), type: 'REPEAT', title: 'model_deployment_low_cpu' } as Record<string, unknown>;
    (body['alarmMetaData'] as Array<Record<string, unknown>>)[0]!['query'] = `CpuUtilization[5m]{resourceId = "${dep}"}.grouping().mean() < 10`;
    await w.clients.monitoring.deleteAlarm({ alarmId: low });
    const result = await w.invoke(body);
    expect(result.errors[0]!.issues![0]!.message).toMatch(/no such alarm/);
    expect(w.fake.dataScience.configUpdates.size).toBe(0);
  });

  it('bad configuration is a clear error and an audit line, never a crash', async () => {
    w = await functionWorld();
    delete w.config['AUTOSCALER_POLICY'];
    w.config['AUTOSCALER_TOPIC_ID'] = 'not-a-topic';
    w.config['AUTOSCALER_POLCY'] = 'typo';
    const result = await w.invoke(seedPayloadText());
    expect(result.ok).toBe(false);
    expect(result.errors[0]!.issues!.map((i) => i.path).sort()).toEqual(['AUTOSCALER_POLCY', 'AUTOSCALER_POLICY', 'AUTOSCALER_TOPIC_ID']);
    expect(w.logger.records.filter((r) => r.msg === 'audit')).toEqual([expect.objectContaining({ outcome: 'rejected', code: 'VALIDATION' })]);
    w.config['AUTOSCALER_POLICY'] = 'name: x\nlimits: {maxReplicas: 0}\nrules: []';
    w.config['AUTOSCALER_TOPIC_ID'] = w.topicId;
    delete w.config['AUTOSCALER_POLCY'];
    const bad = await w.invoke(seedPayloadText());
    expect(bad.errors[0]).toMatchObject({
      code: 'VALIDATION',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'limits.maxReplicas' }), expect.objectContaining({ path: 'rules' })]),
    });
  });

  it('fuzzed bodies get clear errors and never an update', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    const printed = JSON.parse(seedPayloadText()) as Record<string, unknown>;
    const keys = ['dedupeKey', 'type', 'timestampEpochMillis', 'timestamp', 'alarmMetaData', 'title', 'version'];
    const arb = fc.oneof(
      fc.anything(),
      fc.json(),
      fc.record({ key: fc.constantFrom(...keys), value: fc.jsonValue() }).map(({ key, value }) => ({ ...printed, [key]: value })),
      fc.string().map((s) => seedPayloadText().replace('OK_TO_FIRING', s)),
      fc.string().map((s) => ({ title: 'ons', body: s })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async (body) => {
        const result = await w.invoke(body);
        expect(result.ok).toBe(false);
        expect(result.errors.length).toBeGreaterThan(0);
        for (const e of result.errors) {
          expect(e.code).toBe('VALIDATION');
          expect(e.message.length).toBeGreaterThan(0);
        }
        expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      }),
      { numRuns: 150 },
    );
    expect(w.fake.dataScience.configUpdates.size).toBe(0);
    expect(w.fake.requests.filter((r) => r.method !== 'GET' && r.op !== 'SummarizeMetricsData')).toEqual([]);
    expect(w.fake.dataScience.capacity(dep)).toMatchObject({ instanceCount: 1, lifecycleState: 'ACTIVE' });
  });
});

describe('notifications', () => {
  it("publishes each action to the policy's ONS topic and posts it to a Slack webhook", async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    const opsTopic = w.fake.notifications.seedTopic('ops-notifications');
    w.config['AUTOSCALER_POLICY'] = JSON.stringify(
      seedPolicyDoc([dep], undefined, {
        notifications: [
          { type: 'ons', topicId: opsTopic },
          { type: 'webhook', url: 'https://hooks.example.com/T000/B000', format: 'slack' },
        ],
      }),
    );
    await w.setupAlarms(dep);
    const posted: Array<{ url: string; body: string }> = [];
    const webhookFetch = async (url: string, init: { body: string }) => {
      posted.push({ url, body: init.body });
      return { ok: true, status: 200 };
    };
    const result = await handleAlarm(
      seedFor(dep, w.alarmsOf(dep)['model_deployment_high_cpu']!),
      { config: w.config },
      { clients: w.clients, clock: w.clock, logger: w.logger, webhookFetch },
    );
    expect(result.records[0]!.outcome).toBe('scaled');
    const published = w.fake.notifications.published.filter((m) => m.topicId === opsTopic);
    expect(published).toHaveLength(1);
    expect(published[0]!.title).toMatch(/scaled oci-data-science:.* 1xVM\.Standard2\.1 -> 2xVM\.Standard2\.1/);
    expect(JSON.parse(published[0]!.body)).toMatchObject({ outcome: 'scaled', to: { replicas: 2 } });
    expect(posted).toEqual([{ url: 'https://hooks.example.com/T000/B000', body: expect.stringContaining('"text":"[autoscaler] scaled') }]);
  });
});

describe('configuration sources', () => {
  it('reads the policy from Object Storage (signed GET) and from a pre-authenticated request', async () => {
    w = await functionWorld();
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    const path = w.fake.objectStorage.put('ns', 'policies', 'seed.json', JSON.stringify(seedPolicyDoc([dep])));
    delete w.config['AUTOSCALER_POLICY'];
    w.config['AUTOSCALER_POLICY_URL'] = `${w.fake.url}${path}`;
    const result = await handleAlarm(
      seedFor(dep, w.alarmsOf(dep)['model_deployment_high_cpu']!),
      { config: w.config },
      { clients: w.clients, clock: w.clock, logger: w.logger, authProvider: w.auth, store: new MemoryStateStore() },
    );
    expect(result.records[0]).toMatchObject({ outcome: 'scaled' });
    expect(w.fake.count('GetObject', 200)).toBe(1);

    const par = w.fake.objectStorage.preauthenticate('ns', 'policies', 'seed.json', 'tok123');
    w.config['AUTOSCALER_POLICY_URL'] = `${w.fake.url}${par}`;
    const viaPar = await handleAlarm('{}', { config: w.config }, { clients: w.clients, clock: w.clock, logger: w.logger });
    expect(viaPar.errors[0]).toMatchObject({ code: 'VALIDATION' });
    expect(w.fake.count('GetObjectPar', 200)).toBe(1);
  });
});
