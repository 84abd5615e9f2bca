import { createHash, createSign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { DataScienceClient } from 'oci-datascience';
import { clientConfiguration, createOciClients } from '../src/clients';
import { createTestIdentity } from '@autoscaler/sandbox-oci';
import { MODEL_ID_PATH, dig, harness, quietSdk, type Harness } from './support';

/** The fake as the real SDK clients see it: signatures, ETags, work requests, lifecycle, faults. */
quietSdk();

let h: Harness;
beforeEach(async () => {
  h = await harness({ updateDelayMs: 60_000, pageSize: 2 });
});
afterEach(() => h.close());

function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(h.fake.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sign like the SDK does, so individual parts can be broken on purpose. */
function signedHeaders(
  method: string,
  path: string,
  body: string,
  privateKeyPem: string,
  keyId: string,
  tamper?: (lines: string[]) => void,
): Record<string, string> {
  const url = new URL(h.fake.url);
  const headers: Record<string, string> = { host: url.host, 'x-date': new Date().toUTCString() };
  const names = ['x-date', '(request-target)', 'host'];
  if (method === 'PUT' || method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
    headers['x-content-sha256'] = createHash('sha256').update(body).digest('base64');
    names.push('content-type', 'content-length', 'x-content-sha256');
  }
  const lines = names.map((n) => (n === '(request-target)' ? `(request-target): ${method.toLowerCase()} ${path}` : `${n}: ${headers[n]}`));
  tamper?.(lines);
  const signature = createSign('RSA-SHA256').update(lines.join('\n')).sign(privateKeyPem, 'base64');
  headers['authorization'] = `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`;
  return headers;
}

describe('createOciClients', () => {
  it('builds each client when first read, keeps it, and takes a replacement', () => {
    const clients = createOciClients({ authProvider: h.id.authProvider(), endpoint: h.fake.url });
    const first = clients.dataScience;
    expect(first).toBeInstanceOf(DataScienceClient);
    expect(first.endpoint).toBe(`${h.fake.url}/20190101`);
    expect(clients.dataScience).toBe(first);
    expect(clients.topics).not.toBe(clients.notifications);
    const replacement = new DataScienceClient({ authenticationDetailsProvider: h.id.authProvider() });
    clients.dataScience = replacement;
    expect(clients.dataScience).toBe(replacement);
    expect(Object.keys(clients).sort()).toEqual(['dataScience', 'monitoring', 'notifications', 'topics']);
  });
});

describe('signatures (every request)', () => {
  it.each(['keyobject', 'sdk'] as const)('accepts %s signatures on GET and PUT and records the keyId', async (signer) => {
    const clients = createOciClients({ authProvider: h.id.authProvider(), endpoint: h.fake.url, signer, retry: { maxAttempts: 1 } });
    const id = h.fake.dataScience.seedDeployment();
    const res = await clients.dataScience.getModelDeployment({ modelDeploymentId: id });
    expect(res.modelDeployment.id).toBe(id);
    await clients.dataScience.updateModelDeployment({
      modelDeploymentId: id,
      ifMatch: res.etag,
      updateModelDeploymentDetails: { freeformTags: { 'autoscaler-managed': 'true', note: 'ünïcødé' } },
    });
    expect(h.fake.requests.slice(-2)).toMatchObject([
      { op: 'GetModelDeployment', status: 200, keyId: h.id.keyId },
      { op: 'UpdateModelDeployment', status: 202, keyId: h.id.keyId },
    ]);
    expect(h.fake.dataScience.tags(id)['note']).toBe('ünïcødé');
  });

  it('rejects an unsigned request with 401 NotAuthenticated', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const res = await raw('GET', `/20190101/modelDeployments/${id}`, {});
    expect(res.status).toBe(401);
    expect(res.body['code']).toBe('NotAuthenticated');
  });

  it('rejects a key the fake does not trust, even through the SDK', async () => {
    const stranger = createTestIdentity({ userId: 'ocid1.user.oc1..aaaaaaaastranger', modulusLength: 1024 });
    const client = new DataScienceClient({ authenticationDetailsProvider: stranger.authProvider() }, clientConfiguration({ retry: { maxAttempts: 1 } }));
    client.endpoint = h.fake.url;
    const id = h.fake.dataScience.seedDeployment();
    await expect(client.getModelDeployment({ modelDeploymentId: id })).rejects.toMatchObject({ statusCode: 401, serviceCode: 'NotAuthenticated' });
  });

  it('rejects a signature over a different path, a tampered body and a forged keyId', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const path = `/20190101/modelDeployments/${id}`;
    const otherPath = await raw(
      'GET',
      path,
      signedHeaders('GET', path, '', h.id.privateKeyPem, h.id.keyId, (l) => (l[1] = '(request-target): get /20190101/modelDeployments/other')),
    );
    expect(otherPath.status).toBe(401);
    const body = JSON.stringify({ freeformTags: { a: 'b' } });
    const headers = signedHeaders('PUT', path, body, h.id.privateKeyPem, h.id.keyId);
    const tampered = await raw('PUT', path, headers, body.replace('b', 'c'));
    expect(tampered.status).toBe(401);
    expect(String(tampered.body['message'])).toMatch(/x-content-sha256/);
    const forged = await raw('GET', path, signedHeaders('GET', path, '', h.id.privateKeyPem, `${h.id.tenancyId}/${h.id.userId}/00:11`));
    expect(forged.status).toBe(401);
    const good = await raw('GET', path, signedHeaders('GET', path, '', h.id.privateKeyPem, h.id.keyId));
    expect(good.status).toBe(200);
  });

  it('requires the body headers to be signed on PUT', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const path = `/20190101/modelDeployments/${id}`;
    const url = new URL(h.fake.url);
    const headers: Record<string, string> = { host: url.host, date: new Date().toUTCString(), 'content-type': 'application/json' };
    const sig = createSign('RSA-SHA256')
      .update(`date: ${headers['date']}\n(request-target): put ${path}\nhost: ${url.host}`)
      .sign(h.id.privateKeyPem, 'base64');
    headers['authorization'] = `Signature version="1",keyId="${h.id.keyId}",algorithm="rsa-sha256",headers="date (request-target) host",signature="${sig}"`;
    const res = await raw('PUT', path, headers, '{}');
    expect(res.status).toBe(401);
    expect(String(res.body['message'])).toMatch(/content-type|x-content-sha256|content-length/);
  });
});

describe('model deployments', () => {
  it('returns the SDK model shape with an ETag', async () => {
    const id = h.fake.dataScience.seedDeployment({ shape: 'VM.Standard.E4.Flex', ocpus: 2, memoryInGBs: 32, instanceCount: 3, bandwidthMbps: 20 });
    const res = await h.clients.dataScience.getModelDeployment({ modelDeploymentId: id });
    expect(res.etag).toBe(h.fake.dataScience.etag(id));
    expect(dig(res.modelDeployment, 'modelDeploymentConfigurationDetails.deploymentType')).toBe('SINGLE_MODEL');
    expect(dig(res.modelDeployment, 'modelDeploymentConfigurationDetails.modelConfigurationDetails')).toMatchObject({
      instanceConfiguration: { instanceShapeName: 'VM.Standard.E4.Flex', modelDeploymentInstanceShapeConfigDetails: { ocpus: 2, memoryInGBs: 32 } },
      scalingPolicy: { policyType: 'FIXED_SIZE', instanceCount: 3 },
      bandwidthMbps: 20,
    });
    expect(res.modelDeployment.lifecycleState).toBe('ACTIVE');
  });

  it('updates with if-match: 202 + work request, UPDATING until the clock passes the delay, then ACTIVE', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const { modelDeployment: md, etag } = await h.clients.dataScience.getModelDeployment({ modelDeploymentId: id });
    const modelId = dig(md, MODEL_ID_PATH);
    const res = await h.clients.dataScience.updateModelDeployment({
      modelDeploymentId: id,
      ifMatch: etag,
      updateModelDeploymentDetails: {
        modelDeploymentConfigurationDetails: {
          deploymentType: 'SINGLE_MODEL',
          modelConfigurationDetails: { modelId, scalingPolicy: { policyType: 'FIXED_SIZE', instanceCount: 2 } },
        } as never,
      },
    });
    expect(res.opcWorkRequestId).toMatch(/^ocid1\.datascienceworkrequest\.oc1\./);
    expect(h.fake.dataScience.capacity(id)).toMatchObject({ instanceCount: 2, lifecycleState: 'UPDATING' });
    let wr = await h.clients.dataScience.getWorkRequest({ workRequestId: res.opcWorkRequestId });
    expect(wr.workRequest.status).toBe('ACCEPTED');
    h.clock.advance(30_000);
    wr = await h.clients.dataScience.getWorkRequest({ workRequestId: res.opcWorkRequestId });
    expect(wr.workRequest).toMatchObject({ status: 'IN_PROGRESS', percentComplete: 50 });
    h.clock.advance(30_000);
    wr = await h.clients.dataScience.getWorkRequest({ workRequestId: res.opcWorkRequestId });
    expect(wr.workRequest.status).toBe('SUCCEEDED');
    expect(wr.workRequest.timeFinished).toBeDefined();
    expect(h.fake.dataScience.capacity(id)).toMatchObject({ instanceCount: 2, lifecycleState: 'ACTIVE' });
  });

  it('answers a stale if-match with 412 NoEtagMatch and is not retried', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const { etag } = await h.clients.dataScience.getModelDeployment({ modelDeploymentId: id });
    h.fake.dataScience.tamper(id, { freeformTags: { other: 'actor' } });
    await expect(
      h.clients.dataScience.updateModelDeployment({ modelDeploymentId: id, ifMatch: etag, updateModelDeploymentDetails: { freeformTags: {} } }),
    ).rejects.toMatchObject({ statusCode: 412, serviceCode: 'NoEtagMatch' });
    expect(h.fake.count('UpdateModelDeployment')).toBe(1);
  });

  it('refuses a configuration change while UPDATING (409) but takes a tag-only update', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const modelId = dig(h.fake.dataScience.get(id), MODEL_ID_PATH);
    const scale = (n: number) => ({
      modelDeploymentConfigurationDetails: {
        deploymentType: 'SINGLE_MODEL',
        modelConfigurationDetails: { modelId, scalingPolicy: { policyType: 'FIXED_SIZE', instanceCount: n } },
      } as never,
    });
    await h.clients.dataScience.updateModelDeployment({ modelDeploymentId: id, updateModelDeploymentDetails: scale(2) });
    await expect(h.clients.dataScience.updateModelDeployment({ modelDeploymentId: id, updateModelDeploymentDetails: scale(3) })).rejects.toMatchObject({
      statusCode: 409,
      serviceCode: 'IncorrectState',
    });
    await h.clients.dataScience.updateModelDeployment({
      modelDeploymentId: id,
      updateModelDeploymentDetails: { freeformTags: { 'autoscaler-managed': 'true', x: 'y' } },
    });
    expect(h.fake.dataScience.tags(id)).toEqual({ 'autoscaler-managed': 'true', x: 'y' });
    expect(h.fake.dataScience.configUpdates.get(id)).toBe(1);
  });

  it('validates flex shapes and one option group per update', async () => {
    const id = h.fake.dataScience.seedDeployment({ shape: 'VM.Standard.E4.Flex', ocpus: 1, memoryInGBs: 16 });
    const modelId = dig(h.fake.dataScience.get(id), MODEL_ID_PATH);
    const update = (mcd: Record<string, unknown>) =>
      h.clients.dataScience.updateModelDeployment({
        modelDeploymentId: id,
        updateModelDeploymentDetails: {
          modelDeploymentConfigurationDetails: { deploymentType: 'SINGLE_MODEL', modelConfigurationDetails: { modelId, ...mcd } } as never,
        },
      });
    await expect(
      update({ instanceConfiguration: { instanceShapeName: 'VM.Standard.E4.Flex', modelDeploymentInstanceShapeConfigDetails: { ocpus: 2, memoryInGBs: 8 } } }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(update({ scalingPolicy: { policyType: 'FIXED_SIZE', instanceCount: 2 }, bandwidthMbps: 20 })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/one option group/),
    });
    await update({
      instanceConfiguration: { instanceShapeName: 'VM.Standard.E4.Flex', modelDeploymentInstanceShapeConfigDetails: { ocpus: 2, memoryInGBs: 32 } },
    });
    expect(h.fake.dataScience.capacity(id)).toMatchObject({ shape: 'VM.Standard.E4.Flex', ocpus: 2, memoryInGBs: 32 });
  });

  it('answers an unknown deployment with 404 NotAuthorizedOrNotFound', async () => {
    await expect(
      h.clients.dataScience.getModelDeployment({ modelDeploymentId: 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaanothere' }),
    ).rejects.toMatchObject({ statusCode: 404, serviceCode: 'NotAuthorizedOrNotFound' });
  });
});

describe('faults and deliberate retries', () => {
  it('retries 429 and 500 up to the attempt limit, then gives up', async () => {
    const id = h.fake.dataScience.seedDeployment();
    h.fake.inject({ op: 'GetModelDeployment', status: 429 }).inject({ op: 'GetModelDeployment', status: 500 });
    const res = await h.clients.dataScience.getModelDeployment({ modelDeploymentId: id });
    expect(res.modelDeployment.id).toBe(id);
    expect(h.fake.count('GetModelDeployment')).toBe(3);
    h.fake.inject({ op: 'GetModelDeployment', status: 503, times: 3 });
    await expect(h.clients.dataScience.getModelDeployment({ modelDeploymentId: id })).rejects.toMatchObject({ statusCode: 503 });
    expect(h.fake.count('GetModelDeployment')).toBe(6);
  });

  it('never retries a 412 or a 409 (the SDK default would retry 409 IncorrectState)', async () => {
    const id = h.fake.dataScience.seedDeployment();
    h.fake.inject({ op: 'UpdateModelDeployment', status: 409, code: 'IncorrectState' });
    await expect(
      h.clients.dataScience.updateModelDeployment({ modelDeploymentId: id, updateModelDeploymentDetails: { freeformTags: {} } }),
    ).rejects.toMatchObject({ statusCode: 409 });
    expect(h.fake.count('UpdateModelDeployment')).toBe(1);
  });

  it('retries a dropped connection', async () => {
    const id = h.fake.dataScience.seedDeployment();
    h.fake.inject({ op: 'GetModelDeployment', kind: 'drop' });
    const res = await h.clients.dataScience.getModelDeployment({ modelDeploymentId: id });
    expect(res.modelDeployment.id).toBe(id);
    expect(h.fake.requests.filter((r) => r.op === 'GetModelDeployment').map((r) => r.fault ?? 'ok')).toEqual(['drop', 'ok']);
  });

  it('times out a request that gets no answer and retries it', async () => {
    await h.close();
    h = await harness({ requestTimeoutMs: 100 });
    const id = h.fake.dataScience.seedDeployment();
    h.fake.inject({ op: 'GetModelDeployment', kind: 'hang' });
    const res = await h.clients.dataScience.getModelDeployment({ modelDeploymentId: id });
    expect(res.modelDeployment.id).toBe(id);
    expect(h.fake.requests.filter((r) => r.op === 'GetModelDeployment').map((r) => r.fault ?? 'ok')).toEqual(['hang', 'ok']);
  });
});

describe('monitoring', () => {
  const details = (h: Harness, name: string, resourceId: string) => ({
    displayName: name,
    compartmentId: h.fake.ocids.compartment,
    metricCompartmentId: h.fake.ocids.compartment,
    namespace: 'oci_datascience_modeldeploy',
    query: `CpuUtilization[1m]{resourceId = "${resourceId}"}.grouping().mean() > 80`,
    severity: 'CRITICAL',
    destinations: [h.fake.notifications.seedTopic(`t-${name}`)],
    isEnabled: true,
    repeatNotificationDuration: 'PT5M',
    freeformTags: { 'autoscaler-managed': 'true' },
  });

  it('creates, lists page by page, updates with if-match and deletes alarms', async () => {
    const dep = h.fake.dataScience.seedDeployment();
    for (const n of ['a', 'b', 'c']) await h.clients.monitoring.createAlarm({ createAlarmDetails: details(h, n, dep) });
    const first = await h.clients.monitoring.listAlarms({ compartmentId: h.fake.ocids.compartment });
    expect(first.items).toHaveLength(2);
    expect(first.opcNextPage).toBeDefined();
    const second = await h.clients.monitoring.listAlarms({ compartmentId: h.fake.ocids.compartment, page: first.opcNextPage });
    expect(second.items.map((a) => a.displayName)).toEqual(['c']);
    expect(second.opcNextPage).toBeUndefined();
    const id = first.items[0]!.id;
    const got = await h.clients.monitoring.getAlarm({ alarmId: id });
    expect(got.alarm.repeatNotificationDuration).toBe('PT5M');
    await expect(h.clients.monitoring.updateAlarm({ alarmId: id, ifMatch: 'stale', updateAlarmDetails: { severity: 'INFO' } })).rejects.toMatchObject({
      statusCode: 412,
    });
    const upd = await h.clients.monitoring.updateAlarm({ alarmId: id, ifMatch: got.etag, updateAlarmDetails: { severity: 'INFO' } });
    expect(upd.alarm.severity).toBe('INFO');
    await h.clients.monitoring.deleteAlarm({ alarmId: id });
    await expect(h.clients.monitoring.getAlarm({ alarmId: id })).rejects.toMatchObject({ statusCode: 404 });
    expect(h.fake.monitoring.liveAlarms()).toHaveLength(2);
  });

  it('rejects an alarm with an invalid query or duration', async () => {
    const dep = h.fake.dataScience.seedDeployment();
    await expect(h.clients.monitoring.createAlarm({ createAlarmDetails: { ...details(h, 'x', dep), query: 'CpuUtilization > "' } })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      h.clients.monitoring.createAlarm({ createAlarmDetails: { ...details(h, 'y', dep), repeatNotificationDuration: 'PT0M' } }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('makes a retried create idempotent with opc-retry-token', async () => {
    const dep = h.fake.dataScience.seedDeployment();
    const d = details(h, 'once', dep) as never;
    const a = await h.clients.monitoring.createAlarm({ createAlarmDetails: d, opcRetryToken: 'tok-1' });
    const b = await h.clients.monitoring.createAlarm({ createAlarmDetails: d, opcRetryToken: 'tok-1' });
    expect(b.alarm.id).toBe(a.alarm.id);
    expect(h.fake.monitoring.liveAlarms()).toHaveLength(1);
  });

  it('summarizes metric data per interval', async () => {
    const dep = h.fake.dataScience.seedDeployment();
    const t0 = h.clock.now() - 5 * 60_000;
    h.fake.monitoring.putMetric({
      compartmentId: h.fake.ocids.compartment,
      name: 'CpuUtilization',
      dimensions: { resourceId: dep, instanceId: 'i1' },
      points: [0, 1, 2, 3, 4].map((k) => ({ at: t0 + k * 60_000, value: 10 * k })),
    });
    h.fake.monitoring.putMetric({
      compartmentId: h.fake.ocids.compartment,
      name: 'CpuUtilization',
      dimensions: { resourceId: dep, instanceId: 'i2' },
      points: [0, 1, 2, 3, 4].map((k) => ({ at: t0 + k * 60_000, value: 30 })),
    });
    const res = await h.clients.monitoring.summarizeMetricsData({
      compartmentId: h.fake.ocids.compartment,
      summarizeMetricsDataDetails: {
        namespace: 'oci_datascience_modeldeploy',
        query: `CpuUtilization[1m]{resourceId = "${dep}"}.grouping().mean()`,
        startTime: new Date(t0),
        endTime: new Date(h.clock.now()),
      },
    });
    expect(res.items).toHaveLength(1);
    expect(res.items[0]!.aggregatedDatapoints.map((p) => p.value)).toEqual([15, 20, 25, 30, 35]);
  });
});

describe('notifications', () => {
  it('creates a topic and a function subscription, and delivers alarm messages to the function', async () => {
    const t = await h.clients.topics.createTopic({ createTopicDetails: { name: 'autoscaler', compartmentId: h.fake.ocids.compartment } });
    const fn = 'ocid1.fnfunc.oc1.iad.amaaaaaafunction';
    const sub = await h.clients.notifications.createSubscription({
      createSubscriptionDetails: { topicId: t.notificationTopic.topicId, compartmentId: h.fake.ocids.compartment, protocol: 'ORACLE_FUNCTIONS', endpoint: fn },
    });
    expect(sub.subscription.lifecycleState).toBe('ACTIVE');
    const received: Array<{ body: string; headers: Record<string, string> }> = [];
    h.fake.notifications.onFunction(fn, async (body, headers) => received.push({ body, headers }));
    const pub = await h.clients.notifications.publishMessage({ topicId: t.notificationTopic.topicId, messageDetails: { title: 'hello', body: '{"x":1}' } });
    expect(pub.publishResult.messageId).toBeDefined();
    await h.fake.notifications.settled();
    expect(received).toEqual([{ body: '{"x":1}', headers: { 'x-oci-ns-messageid': pub.publishResult.messageId } }]);
    await expect(h.clients.topics.createTopic({ createTopicDetails: { name: 'autoscaler', compartmentId: h.fake.ocids.compartment } })).rejects.toMatchObject({
      statusCode: 409,
    });
    await h.clients.notifications.deleteSubscription({ subscriptionId: sub.subscription.id });
    await h.clients.topics.deleteTopic({ topicId: t.notificationTopic.topicId });
    expect(h.fake.notifications.liveTopics()).toHaveLength(0);
  });
});
