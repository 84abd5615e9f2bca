import { request } from 'node:http';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, UpdateEndpointWeightsAndCapacitiesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeScalingActivitiesCommand,
  PutScalingPolicyCommand,
  DescribeScalingPoliciesCommand,
  DeregisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { PublishCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { sageMakerAlarmRequest, variantAlarmRequest } from '@autoscaler/sandbox-aws';
import { SnsSignatureVerifier } from '../src';
import { ENDPOINT, REF_TARGET, registerByHand, startWorld, VARIANT, type TestWorld } from './world';

const toBytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 (HMAC when keyed) in the shape SignatureV4 wants, from node:crypto. */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

let w: TestWorld;
afterEach(async () => w?.close());

const resourceId = `endpoint/${ENDPOINT}/variant/${VARIANT}`;

/** A raw HTTP request (what boto3 / the AWS CLI send), optionally signed with SigV4. */
async function raw(
  url: string,
  opts: { body: string; headers: Record<string, string>; service?: string; secret?: string; region?: string },
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  let headers: Record<string, string> = { host: u.host, ...opts.headers };
  if (opts.service) {
    const signer = new SignatureV4({
      service: opts.service,
      region: opts.region ?? 'us-east-1',
      sha256: Sha256,
      credentials: { accessKeyId: w.fake.credentials.accessKeyId, secretAccessKey: opts.secret ?? w.fake.credentials.secretAccessKey },
    });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers, body: opts.body });
    headers = signed.headers;
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('fake AWS: SageMaker over JSON 1.1 with the real SDK', () => {
  it('moves an endpoint Updating -> InService on the injected clock, and refuses changes in between', async () => {
    w = await startWorld();
    const sm = w.clients.sagemaker;
    await sm.send(
      new UpdateEndpointWeightsAndCapacitiesCommand({
        EndpointName: ENDPOINT,
        DesiredWeightsAndCapacities: [{ VariantName: VARIANT, DesiredInstanceCount: 3 }],
      }),
    );
    const during = await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(during.EndpointStatus).toBe('Updating');
    expect(during.ProductionVariants?.[0]).toMatchObject({ CurrentInstanceCount: 2, DesiredInstanceCount: 3 });
    await expect(
      sm.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({
          EndpointName: ENDPOINT,
          DesiredWeightsAndCapacities: [{ VariantName: VARIANT, DesiredInstanceCount: 4 }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: `Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}".`,
    });
    w.clock.advance(60_000);
    const after = await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(after.EndpointStatus).toBe('InService');
    expect(after.ProductionVariants?.[0]).toMatchObject({ CurrentInstanceCount: 3, DesiredInstanceCount: 3 });
    expect(after.LastModifiedTime?.getTime()).toBe(Date.UTC(2026, 0, 1, 12, 1));
  });

  it('answers unknown endpoints and configs with the ValidationException messages SageMaker uses', async () => {
    w = await startWorld();
    await expect(w.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'nope' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/nope".',
    });
    await expect(w.clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'nope' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Could not find endpoint configuration'),
    });
    await expect(
      w.clients.sagemaker.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({
          EndpointName: ENDPOINT,
          DesiredWeightsAndCapacities: [{ VariantName: 'Other', DesiredInstanceCount: 1 }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('fake AWS: SigV4 is verified on every request', () => {
  it('rejects a wrong secret, an unknown key, a foreign region and a missing signature with AWS error shapes', async () => {
    w = await startWorld();
    const base = { endpoint: w.fake.url, region: 'us-east-1', maxAttempts: 1 };
    const wrongSecret = new SageMakerClient({ ...base, credentials: { accessKeyId: w.fake.credentials.accessKeyId, secretAccessKey: 'not-the-secret' } });
    await expect(wrongSecret.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('does not match'),
    });
    const unknownKey = new SageMakerClient({ ...base, credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' } });
    await expect(unknownKey.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const otherRegion = new SageMakerClient({ ...base, region: 'eu-west-1', credentials: w.fake.credentials });
    await expect(otherRegion.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining("not 'eu-west-1'"),
    });
    const snsBad = new SNSClient({ ...base, credentials: { accessKeyId: w.fake.credentials.accessKeyId, secretAccessKey: 'nope' } });
    await expect(snsBad.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:autoscaler-alarms', Message: 'x' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    for (const c of [wrongSecret, unknownKey, otherRegion, snsBad]) c.destroy();

    const unsigned = await raw(w.fake.url, {
      body: '{"EndpointName":"my-endpoint"}',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.DescribeEndpoint' },
    });
    expect(unsigned.status).toBe(400);
    expect(JSON.parse(unsigned.body)).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const truncated = await raw(w.fake.url, {
      body: '{}',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'SageMaker.DescribeEndpoint',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIAFAKEAUTOSCALER01/20260101/us-east-1/sagemaker/aws4_request',
      },
    });
    expect(JSON.parse(truncated.body).__type).toBe('IncompleteSignatureException');
    expect(w.fake.requests.filter((r) => r.status === 200)).toEqual([]);
  });

  it('accepts an independently signed raw request (as boto3 would send) and rejects it once the body is altered after signing', async () => {
    w = await startWorld();
    const body = JSON.stringify({ EndpointName: ENDPOINT });
    const ok = await raw(w.fake.url, {
      body,
      service: 'sagemaker',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.DescribeEndpoint' },
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ EndpointName: ENDPOINT, EndpointStatus: 'InService' });
    // The same signature over a different body: the payload hash no longer matches.
    const u = new URL(w.fake.url);
    const signer = new SignatureV4({ service: 'sagemaker', region: 'us-east-1', sha256: Sha256, credentials: w.fake.credentials });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: u.hostname,
      port: Number(u.port),
      path: '/',
      headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.DescribeEndpoint' },
      body,
    });
    const tampered = await raw(w.fake.url, { body: JSON.stringify({ EndpointName: 'other' }), headers: signed.headers });
    expect(tampered.status).toBe(400);
    expect(JSON.parse(tampered.body).__type).toBe('InvalidSignatureException');
  });

  it('speaks the query protocol for CloudWatch too (older AWS CLI / boto3), XML in and out', async () => {
    w = await startWorld();
    const put = new URLSearchParams({
      Action: 'PutMetricAlarm',
      Version: '2010-08-01',
      AlarmName: 'q1',
      MetricName: 'CPUUtilization',
      Namespace: '/aws/sagemaker/Endpoints',
      Statistic: 'Average',
      Period: '60',
      EvaluationPeriods: '1',
      Threshold: '90',
      ComparisonOperator: 'GreaterThanThreshold',
      'Dimensions.member.1.Name': 'EndpointName',
      'Dimensions.member.1.Value': ENDPOINT,
    });
    const r1 = await raw(w.fake.url, {
      body: put.toString(),
      service: 'monitoring',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(r1.status).toBe(200);
    expect(r1.body).toContain('<PutMetricAlarmResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">');
    const r2 = await raw(w.fake.url, {
      body: new URLSearchParams({ Action: 'DescribeAlarms', Version: '2010-08-01', 'AlarmNames.member.1': 'q1' }).toString(),
      service: 'monitoring',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r2.body).toMatch(
      /<MetricAlarms><member>.*<AlarmName>q1<\/AlarmName>.*<Dimensions><member><Name>EndpointName<\/Name><Value>my-endpoint<\/Value><\/member><\/Dimensions>.*<StateUpdatedTimestamp>2026-01-01T12:00:00.000Z<\/StateUpdatedTimestamp>/,
    );
    const r3 = await raw(w.fake.url, {
      body: new URLSearchParams({ Action: 'DeleteAlarms', 'AlarmNames.member.1': 'missing' }).toString(),
      service: 'monitoring',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r3.status).toBe(404);
    expect(r3.body).toContain('<Code>ResourceNotFound</Code>');
  });
});

describe('fake AWS: faults', () => {
  it('throttling and 5xx are retried by the SDK up to maxAttempts, then surface', async () => {
    w = await startWorld({ maxAttempts: 3 });
    w.fake.inject({ kind: 'throttle', service: 'sagemaker', operation: 'DescribeEndpoint', times: 2 });
    const ok = await w.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(ok.$metadata.attempts).toBe(3);
    w.fake.inject({ kind: 'server-error', status: 503, service: 'sagemaker', times: 3 });
    await expect(w.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503, attempts: 3 },
    });
    expect(w.fake.calls('DescribeEndpoint').map((r) => r.errorCode ?? r.status)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      200,
      'ServiceUnavailable',
      'ServiceUnavailable',
      'ServiceUnavailable',
    ]);
  });

  it('a dropped connection is retried; a hung request times out on the client', async () => {
    w = await startWorld({ maxAttempts: 2, requestTimeoutMs: 200 });
    w.fake.inject({ kind: 'drop', service: 'sagemaker' });
    expect((await w.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).$metadata.attempts).toBe(2);
    w.fake.inject({ kind: 'hang', service: 'sagemaker', times: 2 });
    await expect(w.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});

describe('fake AWS: alarms, SNS and Application Auto Scaling work together', () => {
  it('an alarm going to ALARM publishes a signed SNS notification that verifies against the fake certificate', async () => {
    w = await startWorld();
    const topic = 'arn:aws:sns:us-east-1:123456789012:autoscaler-alarms';
    await (await w.clients.snsClient()).send(new SetTopicAttributesCommand({ TopicArn: topic, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    const events: SNSEvent[] = [];
    w.fake.sns.subscribe((e) => events.push(e));
    await w.clients.cloudwatch.send(
      new PutMetricAlarmCommand(variantAlarmRequest({ name: 'hi', endpoint: ENDPOINT, variant: VARIANT, threshold: 90, topicArn: topic })),
    );
    await w.clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: 'hi',
        StateValue: 'ALARM',
        StateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [97.5 (01/01/26 12:00:00)] was greater than the threshold (90.0).',
        StateReasonData: JSON.stringify({ version: '1.0', recentDatapoints: [97.5], threshold: 90 }),
      }),
    );
    // Same state again: CloudWatch acts on transitions only.
    await w.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'hi', StateValue: 'ALARM', StateReason: 'still' }));
    expect(events).toHaveLength(1);
    const sns = events[0]!.Records[0]!.Sns;
    expect(sns.SignatureVersion).toBe('2');
    expect(JSON.parse(sns.Message)).toMatchObject({
      AlarmName: 'hi',
      NewStateValue: 'ALARM',
      OldStateValue: 'INSUFFICIENT_DATA',
      Region: 'US East (N. Virginia)',
      Trigger: {
        Dimensions: [
          { value: ENDPOINT, name: 'EndpointName' },
          { value: VARIANT, name: 'VariantName' },
        ],
      },
    });
    const verifier = new SnsSignatureVerifier({ fetchCertificate: w.fake.sns.certificateFetcher });
    await verifier.load(sns.SigningCertUrl, sns.TopicArn, 'SigningCertUrl');
    expect(() => verifier.verify(sns, { url: sns.SigningCertUrl, path: 'SigningCertUrl' }, 'Sns')).not.toThrow();
    expect(() => verifier.verify({ ...sns, Message: sns.Message.replace('ALARM', 'OK') }, { url: sns.SigningCertUrl, path: 'SigningCertUrl' }, 'Sns')).toThrow(
      /forged or altered/,
    );
    const described = await w.clients.cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(described.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['hi']);
  });

  it('a step policy fires from its alarm, scales the variant, and shows up in DescribeScalingActivities; deregistering deletes policies', async () => {
    w = await startWorld();
    const aas = await w.clients.autoscalingClient();
    await registerByHand(w, 1, 4);
    const policy = await aas.send(
      new PutScalingPolicyCommand({
        ...REF_TARGET,
        PolicyName: 'latency-step',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          Cooldown: 300,
          MetricAggregationType: 'Average',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 100, ScalingAdjustment: 2 },
          ],
        },
      }),
    );
    await w.clients.cloudwatch.send(
      new PutMetricAlarmCommand(
        sageMakerAlarmRequest({
          name: 'latency',
          metric: 'OverheadLatency',
          statistic: 'Average',
          threshold: 100,
          comparison: 'GreaterThanOrEqualToThreshold',
          actions: [policy.PolicyARN!],
        }),
      ),
    );
    await w.clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: 'latency',
        StateValue: 'ALARM',
        StateReason: 'test',
        StateReasonData: JSON.stringify({ recentDatapoints: [250] }),
      }),
    );
    expect(w.fake.sagemaker.desiredCount(ENDPOINT, VARIANT)).toBe(4);
    const acts = await aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId }));
    expect(acts.ScalingActivities?.[0]).toMatchObject({ StatusCode: 'Successful', Description: 'Setting desired instance count to 4.' });
    await aas.send(new DeregisterScalableTargetCommand(REF_TARGET));
    expect((await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }))).ScalingPolicies).toEqual([]);
    await expect(aas.send(new DeregisterScalableTargetCommand(REF_TARGET))).rejects.toMatchObject({ name: 'ObjectNotFoundException' });
  });
});
