import type { SNSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { AutoscalerError, ValidationError } from '@autoscaler/core';
import { runAlarmSourceConformance } from '@autoscaler/testing';
import { CloudWatchAlarmSource, SnsSignatureVerifier } from '../src';
import { alarmEventShape } from '../src/alarms/cloudwatch-source';
import { createSnsSigningIdentity } from '@autoscaler/sandbox-aws';
import { fixture, fixtureCertFetcher, onVariant, resign } from './fixtures';

const sns = (): SNSEvent => fixture<SNSEvent>('sns-cloudwatch-alarm.json');

async function source(): Promise<CloudWatchAlarmSource> {
  return new CloudWatchAlarmSource({ verifier: new SnsSignatureVerifier({ fetchCertificate: fixtureCertFetcher }) });
}

async function parsed(src: CloudWatchAlarmSource, raw: unknown): Promise<ReturnType<CloudWatchAlarmSource['parse']>> {
  await src.prepare(raw);
  return src.parse(raw);
}

function validationPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => i.path);
    throw e;
  }
  throw new Error('did not throw');
}

describe('CloudWatchAlarmSource: SNS', () => {
  it.each(['1', '2'] as const)('parses the golden SNS alarm re-signed with SignatureVersion %s', async (v) => {
    const src = await source();
    const signals = await parsed(src, resign(sns(), v));
    expect(signals).toEqual([
      {
        target: { provider: 'aws-sagemaker', id: 'endpoint/my-endpoint/variant/AllTraffic', region: 'us-east-2' },
        source: 'cloudwatch',
        metric: 'InvocationsPerInstance',
        alarm: 'arn:aws:cloudwatch:us-east-2:123456789012:alarm:sagemaker-my-endpoint-invocations-high',
        alarmName: 'sagemaker-my-endpoint-invocations-high',
        state: 'firing',
        value: 118,
        threshold: 70,
        dedupeKey: 'sns:95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        at: Date.parse('2024-05-01T12:00:27.123Z'),
        dimensions: { EndpointName: 'my-endpoint', VariantName: 'AllTraffic' },
      },
    ]);
  });

  it('parses the OK notification as an ok signal with its own dedupe key', async () => {
    const [s] = await parsed(await source(), resign(fixture<SNSEvent>('sns-cloudwatch-alarm-ok.json')));
    expect(s).toMatchObject({ state: 'ok', value: 42, dedupeKey: 'sns:0b8a3f5e-6c1d-5f2a-9e47-3d2c1b0a9f88' });
  });

  it('rejects the fixture as shipped (its signature is a truncated doc example)', async () => {
    const src = await source();
    await src.prepare(sns());
    expect(validationPaths(() => src.parse(sns()))).toEqual(['Records[0].Sns.Signature']);
  });

  it('rejects a message altered after signing, and one signed by another key', async () => {
    const src = await source();
    const altered = resign(sns());
    altered.Records[0]!.Sns.Message = altered.Records[0]!.Sns.Message.replace('my-endpoint', 'victim-endpoint');
    await src.prepare(altered);
    expect(() => src.parse(altered)).toThrow(/forged or altered/);
    const forged = resign(sns(), '2', createSnsSigningIdentity().privateKey);
    expect(() => src.parse(forged)).toThrow(/forged or altered/);
  });

  it.each([
    ['http://sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem', 'not https'],
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem', 'another region than the topic'],
    ['https://sns.us-east-2.amazonaws.com.evil.example/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem', 'a look-alike host'],
    ['https://evil.example/sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem', 'host in the path'],
    ['https://sns.us-east-2.amazonaws.com:8443/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem', 'a port'],
    ['https://sns.us-east-2.amazonaws.com/other.pem', 'another path'],
  ])('never fetches a certificate from %s (%s)', async (url) => {
    const fetched: string[] = [];
    const src = new CloudWatchAlarmSource({ verifier: new SnsSignatureVerifier({ fetchCertificate: async (u) => (fetched.push(u), fixtureCertFetcher(u)) }) });
    const event = resign(sns());
    event.Records[0]!.Sns.SigningCertUrl = url;
    await expect(src.prepare(event)).rejects.toMatchObject({ issues: [{ path: 'Records[0].Sns.SigningCertUrl' }] });
    expect(() => src.parse(event)).toThrow(ValidationError);
    expect(fetched).toEqual([]);
  });

  it('accepts only allowed topics when told, and SNS HTTP bodies (SigningCertURL spelling)', async () => {
    const src = new CloudWatchAlarmSource({
      verifier: new SnsSignatureVerifier({ fetchCertificate: fixtureCertFetcher }),
      topicArns: ['arn:aws:sns:us-east-2:123456789012:other'],
    });
    const event = resign(sns());
    await src.prepare(event);
    expect(validationPaths(() => src.parse(event))).toEqual(['Records[0].Sns.TopicArn']);
    const { SigningCertUrl, UnsubscribeUrl, ...rest } = event.Records[0]!.Sns;
    const http = { ...rest, SigningCertURL: SigningCertUrl, UnsubscribeURL: UnsubscribeUrl };
    const open = await source();
    expect(alarmEventShape(http)).toBe('sns-http');
    expect(await parsed(open, JSON.stringify(http))).toHaveLength(1);
  });

  it('names the field when the alarm is not about a SageMaker variant', async () => {
    const src = await source();
    const event = sns();
    const msg = JSON.parse(event.Records[0]!.Sns.Message);
    msg.Trigger.Dimensions = [{ value: 'i-123', name: 'InstanceId' }];
    event.Records[0]!.Sns.Message = JSON.stringify(msg);
    const signed = resign(event);
    await src.prepare(signed);
    expect(validationPaths(() => src.parse(signed))).toEqual(['Records[0].Sns.Message.Trigger.Dimensions']);
  });
});

describe('CloudWatchAlarmSource: EventBridge and direct alarm actions', () => {
  it('the verbatim EventBridge fixture (an EC2 alarm) is refused, naming the dimensions', async () => {
    const src = await source();
    expect(validationPaths(() => src.parse(fixture('eventbridge-alarm-state-change.json')))).toEqual(['detail.configuration.metrics']);
  });

  it('EventBridge on a SageMaker variant: value and threshold from reasonData, dedupe by event id', async () => {
    const [s] = (await source()).parse(onVariant(fixture('eventbridge-alarm-state-change.json')));
    expect(s).toMatchObject({
      target: { id: 'endpoint/my-endpoint/variant/AllTraffic', region: 'us-east-1' },
      metric: 'CPUUtilization',
      state: 'firing',
      value: 99.50160229693434,
      threshold: 50,
      dedupeKey: 'eventbridge:c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      alarmName: 'ServerCpuTooHigh',
    });
  });

  it('a direct Lambda alarm action: dedupe by alarm ARN + state timestamp (stable across redeliveries)', async () => {
    const src = await source();
    const event = onVariant(fixture('lambda-alarm-action.json'));
    const [a] = src.parse(event);
    const [b] = src.parse(structuredClone(event));
    expect(a).toMatchObject({ metric: 'CallCount', state: 'firing', alarm: 'arn:aws:cloudwatch:us-east-1:444455556666:alarm:lambda-demo-metric-alarm' });
    expect(a!.dedupeKey).toMatch(/^alarm:[A-Za-z0-9_-]{22}$/);
    expect(b!.dedupeKey).toBe(a!.dedupeKey);
  });

  it('INSUFFICIENT_DATA is no signal; garbage is a ValidationError naming the problem', async () => {
    const src = await source();
    const event = onVariant(fixture<{ detail: { state: { value: string } } }>('eventbridge-alarm-state-change.json'));
    event.detail.state.value = 'INSUFFICIENT_DATA';
    expect(src.parse(event)).toEqual([]);
    expect(validationPaths(() => src.parse({ hello: 'world' }))).toEqual(['event']);
    expect(validationPaths(() => src.parse('{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2"}'))).toEqual(
      expect.arrayContaining(['detail-type']),
    );
  });
});

describe('CloudWatchAlarmSource: fuzzing', () => {
  it('mutated, re-signed SNS alarm messages give a ValidationError or well-formed signals, never a TypeError', async () => {
    const src = await source();
    await src.prepare(resign(sns()));
    const message = JSON.parse(sns().Records[0]!.Sns.Message) as Record<string, unknown>;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(message), 'Trigger.Dimensions', 'Trigger.Threshold', 'Trigger'), fc.jsonValue(), (key, value) => {
        const m = structuredClone(message) as Record<string, Record<string, unknown>>;
        const [a, b] = key.split('.') as [string, string | undefined];
        if (b === undefined) (m as Record<string, unknown>)[a] = value;
        else if (typeof m[a] === 'object' && m[a] !== null) m[a][b] = value;
        const event = sns();
        event.Records[0]!.Sns.Message = JSON.stringify(m);
        try {
          const out = src.parse(resign(event));
          for (const s of out) expect(s.target.id).toMatch(/^endpoint\/[A-Za-z0-9-]+\/variant\/[A-Za-z0-9-]+$/);
        } catch (e) {
          if (!(e instanceof AutoscalerError)) throw e;
        }
      }),
      { numRuns: 150 },
    );
  });
});

runAlarmSourceConformance('cloudwatch (SNS re-signed, EventBridge, alarm action)', async () => {
  const src = await source();
  const valid = [
    resign(sns()),
    resign(fixture<SNSEvent>('sns-cloudwatch-alarm-ok.json'), '2'),
    onVariant(fixture('eventbridge-alarm-state-change.json')),
    onVariant(fixture('lambda-alarm-action.json')),
  ];
  for (const v of valid) await src.prepare(v);
  return { source: src, valid, invalid: [sns(), fixture('eventbridge-alarm-state-change.json'), { Records: [] }, 'just text'] };
});
