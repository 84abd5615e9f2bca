import type { SNSEvent } from 'aws-lambda';
import { ValidationError, type Signal } from '@autoscaler/core';
import { CloudWatchAlarmSource, SnsSignatureVerifier } from '../src';
import { alarmEventShape } from '../src/alarms/cloudwatch-source';
import { fixture, fixtureCertFetcher, onVariant, resign } from './fixtures';

/** The parsing edge of the CloudWatch source: which field a refusal names, what a signal carries (kills survivors of the mutation run). */

type Json = Record<string, unknown>;
const VARIANT_DIMS = { EndpointName: 'my-endpoint', VariantName: 'AllTraffic' };
const open = (): CloudWatchAlarmSource => new CloudWatchAlarmSource({ verifySns: false });

/** The golden SNS alarm with its message (and record) changed; unsigned unless re-signed. */
function snsWith(message: (m: Json & { Trigger: Json }) => void = () => undefined, record: Json = {}): SNSEvent {
  const e = fixture<SNSEvent>('sns-cloudwatch-alarm.json');
  const m = JSON.parse(e.Records[0]!.Sns.Message) as Json & { Trigger: Json };
  message(m);
  Object.assign(e.Records[0]!.Sns, { Message: JSON.stringify(m) }, record);
  return e;
}

/** The same notification as SNS's HTTP(S) body (`...URL` spelling). */
function httpBody(event: SNSEvent): Json {
  const { SigningCertUrl, UnsubscribeUrl, ...rest } = event.Records[0]!.Sns;
  return { ...rest, SigningCertURL: SigningCertUrl, UnsubscribeURL: UnsubscribeUrl };
}

type Detail = { alarmName: string; state: Json; configuration: { metrics: unknown[] } };
function eventBridgeWith(change: (d: Detail) => void): Json {
  const e = onVariant(fixture<{ detail: Detail } & Json>('eventbridge-alarm-state-change.json'));
  change(e.detail);
  return e;
}

const stat = (dimensions: Record<string, string>, name?: string) => ({ id: 'm', metricStat: { metric: { ...(name ? { name } : {}), dimensions } } });

function refused(fn: () => unknown): { message: string; paths: string[]; messages: string[] } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { message: e.message, paths: e.issues.map((i) => i.path), messages: e.issues.map((i) => i.message) };
  }
  throw new Error('accepted');
}

describe('the raw event', () => {
  const event = snsWith();
  it.each([
    ['an object', event],
    ['a JSON string', JSON.stringify(event)],
    ['UTF-8 bytes (a Uint8Array, not a Buffer)', new TextEncoder().encode(JSON.stringify(event))],
  ])('%s gives the same signal', (_what, raw) => {
    expect(open().parse(raw)).toEqual(open().parse(event));
  });

  it.each([
    ['text that is not JSON', '{"Records":', 'is not valid JSON'],
    ['bytes that are not JSON', new TextEncoder().encode('{'), 'is not valid JSON'],
    ['null', null, 'must be a JSON object'],
    ['JSON null', 'null', 'must be a JSON object'],
    ['a JSON string', '"Records"', 'must be a JSON object'],
    ['a number', 42, 'must be a JSON object'],
    ['an array', [{ Records: [] }], 'must be a JSON object'],
    ['an object of no known kind', { Records2: [] }, 'is not an SNS, EventBridge ("CloudWatch Alarm State Change") or CloudWatch alarm-action event'],
  ])('%s is refused naming the event', (_what, raw, reason) => {
    expect(refused(() => open().parse(raw))).toMatchObject({ paths: ['event'], messages: [reason] });
  });

  it.each([
    [null, undefined],
    ['Records', undefined],
    [7, undefined],
    [Object.assign([], { Records: [] }), undefined],
    [{}, undefined],
    [{ Type: 'Notification' }, undefined],
    [{ TopicArn: 'arn:aws:sns:us-east-2:123456789012:t' }, undefined],
    [{ Type: 'SubscriptionConfirmation', TopicArn: 'arn:aws:sns:us-east-2:123456789012:t' }, undefined],
    [{ Records: 'x' }, 'sns'],
    [{ Type: 'Notification', TopicArn: 'x' }, 'sns-http'],
    [{ 'detail-type': 'x' }, 'eventbridge'],
    [{ alarmData: {} }, 'alarm-action'],
  ])('alarmEventShape(%j) is %s', (event, shape) => {
    expect(alarmEventShape(event)).toBe(shape);
  });

  it.each([
    [{ Records: 'x' }, 'invalid SNS event', ['Records']],
    [{ Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-2:123456789012:t', Message: '{}', Timestamp: 't' }, 'invalid SNS HTTP notification', ['MessageId']],
    [{ 'detail-type': 'CloudWatch Alarm State Change' }, 'invalid EventBridge alarm event', expect.arrayContaining(['detail'])],
    [{ alarmData: {} }, 'invalid CloudWatch alarm action event', expect.arrayContaining(['alarmArn', 'alarmData.alarmName'])],
  ])('a malformed envelope %j: "%s", the fields named from the root', (event, what, paths) => {
    const r = refused(() => open().parse(event));
    expect(r.message.startsWith(`${what}: `)).toBe(true);
    expect(r.paths).toEqual(paths);
  });
});

describe('SNS notifications', () => {
  it.each([
    [
      'a subscription confirmation',
      snsWith(undefined, { Type: 'SubscriptionConfirmation' }),
      'Records[0].Sns.Type',
      '"SubscriptionConfirmation" is not a Notification',
    ],
    ['a message that is not JSON', snsWith(undefined, { Message: 'hello' }), 'Records[0].Sns.Message', 'is not JSON: not a CloudWatch alarm notification'],
    [
      'a state-change time that is no time',
      snsWith((m) => (m.StateChangeTime = `yesterday ${'x'.repeat(100)}`)),
      'Records[0].Sns.Message.StateChangeTime',
      `"yesterday ${'x'.repeat(54)}" is not a timestamp`,
    ],
    [
      'an alarm on no SageMaker dimension',
      snsWith((m) => (m.Trigger.Dimensions = [{ name: 'InstanceId', value: 'i-1' }])),
      'Records[0].Sns.Message.Trigger.Dimensions',
      'names no SageMaker target (needs an InferenceComponentName dimension, EndpointName and VariantName, or an EndpointName whose variant this autoscaler manages)',
    ],
  ])('%s is refused naming the field', (_what, event, path, message) => {
    expect(refused(() => open().parse(event))).toMatchObject({ paths: [path], messages: [message] });
  });

  it('a message that is JSON but no alarm notification names its fields under Message', () => {
    const r = refused(() => open().parse(snsWith(undefined, { Message: '{"AlarmName":"a"}' })));
    expect(r.message.startsWith('invalid CloudWatch alarm notification: ')).toBe(true);
    expect(r.paths).toContain('Records[0].Sns.Message.AlarmArn');
    for (const p of r.paths) expect(p.startsWith('Records[0].Sns.Message.')).toBe(true);
  });

  it('a topic not listened to is refused naming it, in a Lambda record and in an HTTP body', () => {
    const src = new CloudWatchAlarmSource({ verifySns: false, topicArns: ['arn:aws:sns:us-east-2:123456789012:mine'] });
    const topic = snsWith().Records[0]!.Sns.TopicArn;
    const message = `${topic} is not a topic this autoscaler listens to`;
    expect(refused(() => src.parse(snsWith()))).toMatchObject({ paths: ['Records[0].Sns.TopicArn'], messages: [message] });
    expect(refused(() => src.parse(httpBody(snsWith())))).toMatchObject({ paths: ['TopicArn'], messages: [message] });
  });

  it('an HTTP body: a certificate never loaded and a forged signature are refused naming the body fields', async () => {
    const src = new CloudWatchAlarmSource({ verifier: new SnsSignatureVerifier({ fetchCertificate: fixtureCertFetcher }) });
    expect(refused(() => src.parse(httpBody(resign(snsWith()))))).toMatchObject({ paths: ['SigningCertURL'] });
    const forged = httpBody(resign(snsWith()));
    forged.Signature = resign(snsWith((m) => (m.AlarmName = 'other'))).Records[0]!.Sns.Signature;
    await src.prepare(forged);
    expect(refused(() => src.parse(forged)).paths).toEqual(['(body).Signature']);
    expect(src.parse(httpBody(resign(snsWith())))).toHaveLength(1);
  });

  it('verifySns: false takes an unsigned notification (a trusted transport); the default and verifySns: true refuse it', () => {
    expect(open().parse(snsWith())).toHaveLength(1);
    for (const verifySns of [undefined, true]) {
      const strict = new CloudWatchAlarmSource({
        verifier: new SnsSignatureVerifier({ fetchCertificate: fixtureCertFetcher }),
        ...(verifySns ? { verifySns } : {}),
      });
      expect(refused(() => strict.parse(snsWith())).paths).toEqual(['Records[0].Sns.SigningCertUrl']);
    }
  });

  it('INSUFFICIENT_DATA is no signal', () => {
    expect(open().parse(snsWith((m) => (m.NewStateValue = 'INSUFFICIENT_DATA')))).toEqual([]);
  });

  it.each([
    ['[118.0 (01/05/24 11:59:00)]', 118],
    ['[118 (01/05/24 11:59:00)]', 118],
    ['[-2.5 (01/05/24 11:59:00)]', -2.5],
    ['[1.25 (01/05/24 11:59:00)]', 1.25],
    ['[1.5e3 (01/05/24 11:59:00)]', 1500],
    ['[1e-3 (01/05/24 11:59:00)]', 0.001],
    ['[2E+10 (01/05/24 11:59:00)]', 2e10],
    ['[ 5(01/05/24 11:59:00)]', 5],
    ['[1e999 (01/05/24 11:59:00)]', undefined],
    ['no datapoint', undefined],
  ])('the datapoint in the reason %j is the value %s (none when absent or not finite)', (datapoint, value) => {
    const [s] = open().parse(snsWith((m) => (m.NewStateReason = `Threshold Crossed: 1 out of the last 1 datapoints ${datapoint} was greater`)));
    expect(Object.hasOwn(s!, 'value')).toBe(value !== undefined);
    expect(s!.value).toBe(value);
  });

  it('the state-change time keeps its offset; no threshold when the trigger has none', () => {
    const [s] = open().parse(
      snsWith((m) => {
        m.StateChangeTime = '2024-05-01T12:00:27.123+0200';
        m.Trigger.Threshold = null;
      }),
    );
    expect(s!.at).toBe(Date.UTC(2024, 4, 1, 10, 0, 27, 123));
    expect(Object.hasOwn(s!, 'threshold')).toBe(false);
  });

  it('a math alarm over two variants is one signal per variant, each with its own dedupe key', () => {
    const metric = (variant: string) => ({
      Id: variant,
      MetricStat: {
        Metric: {
          MetricName: 'CPUUtilization',
          Dimensions: [
            { name: 'EndpointName', value: 'my-endpoint' },
            { name: 'VariantName', value: variant },
          ],
        },
      },
    });
    const signals = open().parse(
      snsWith((m) => {
        m.Trigger = { Metrics: [metric('A'), metric('B'), { Id: 'e1' }], Threshold: 1 };
      }),
    );
    expect(signals.map((s) => [s.target.id, s.metric])).toEqual([
      ['endpoint/my-endpoint/variant/A', 'CPUUtilization'],
      ['endpoint/my-endpoint/variant/B', 'CPUUtilization'],
    ]);
    expect(new Set(signals.map((s) => s.dedupeKey)).size).toBe(2);
    for (const s of signals) expect(s.dedupeKey).toMatch(/^sns:[A-Za-z0-9_-]{22}$/);
  });
});

describe('EventBridge and alarm-action events', () => {
  it.each([
    ['reasonData that is not JSON', (d: Detail) => (d.state.reasonData = '{'), ['detail.state.reasonData'], ['is not JSON']],
    [
      'reasonData of another shape',
      (d: Detail) => (d.state.reasonData = '{"recentDatapoints":"x"}'),
      ['detail.state.reasonData.recentDatapoints'],
      [expect.any(String)],
    ],
    ['a timestamp that is no time', (d: Detail) => (d.state.timestamp = 'soon'), ['detail.state.timestamp'], ['"soon" is not a timestamp']],
  ])('%s is refused naming the field', (_what, change, paths, messages) => {
    const r = refused(() => open().parse(eventBridgeWith(change)));
    expect(r).toMatchObject({ paths, messages });
    if (paths[0] !== 'detail.state.reasonData.recentDatapoints') return;
    expect(r.message.startsWith('invalid alarm reasonData: ')).toBe(true);
  });

  it('a signal carries the value and threshold of reasonData and the dimensions of the first metric', () => {
    const [s] = open().parse(eventBridgeWith((d) => (d.state.reasonData = '{"recentDatapoints":[7.5],"threshold":3}')));
    expect(s).toMatchObject({ value: 7.5, threshold: 3, dimensions: VARIANT_DIMS });
  });

  it.each([
    ['an expression before the metric', [{ id: 'e1', expression: 'm1*2' }, stat(VARIANT_DIMS, 'CPUUtilization')], 'CPUUtilization'],
    ['metrics with no name', [stat(VARIANT_DIMS)], 'expression'],
  ])('the metric name with %s', (_what, metrics, name) => {
    const [s] = open().parse(eventBridgeWith((d) => (d.configuration.metrics = metrics)));
    expect(s!.metric).toBe(name);
  });

  it('an alarm over two variants is one signal per variant, each with its own dedupe key', () => {
    const signals = open().parse(
      eventBridgeWith((d) => (d.configuration.metrics = [stat({ ...VARIANT_DIMS, VariantName: 'A' }), stat({ ...VARIANT_DIMS, VariantName: 'B' })])),
    );
    expect(signals.map((s) => s.target.id)).toEqual(['endpoint/my-endpoint/variant/A', 'endpoint/my-endpoint/variant/B']);
    expect(new Set(signals.map((s) => s.dedupeKey)).size).toBe(2);
    for (const s of signals) expect(s.dedupeKey).toMatch(/^eventbridge:[A-Za-z0-9_-]{22}$/);
  });

  it('an alarm action: each state change has its own dedupe key; dimensions naming no target are refused under alarmData', () => {
    const at = (timestamp: string): Signal => {
      const e = onVariant(fixture<{ alarmData: Detail }>('lambda-alarm-action.json'));
      e.alarmData.state.timestamp = timestamp;
      return open().parse(e)[0]!;
    };
    expect(at('2024-05-01T12:00:00.000+0000').dedupeKey).not.toBe(at('2024-05-01T12:05:00.000+0000').dedupeKey);
    const foreign = fixture<{ alarmData: Detail }>('lambda-alarm-action.json');
    expect(refused(() => open().parse(foreign)).paths).toEqual(['alarmData.configuration.metrics']);
  });
});

describe('prepare: fetches the certificates an SNS delivery names, nothing else, and never throws on junk', () => {
  function counting(options: { verifySns?: boolean } = {}): { src: CloudWatchAlarmSource; fetched: string[] } {
    const fetched: string[] = [];
    const verifier = new SnsSignatureVerifier({ fetchCertificate: async (u) => (fetched.push(u), fixtureCertFetcher(u)) });
    return { src: new CloudWatchAlarmSource({ verifier, ...options }), fetched };
  }
  const certUrl = snsWith().Records[0]!.Sns.SigningCertUrl;
  const topic = snsWith().Records[0]!.Sns.TopicArn;

  it('loads the certificate of a Lambda record and of an HTTP body (verifySns by default or said), then parse verifies against it', async () => {
    for (const [event, verifySns] of [
      [resign(snsWith()), undefined],
      [httpBody(resign(snsWith())), true],
    ] as const) {
      const { src, fetched } = counting(verifySns === undefined ? {} : { verifySns });
      await src.prepare(event);
      expect(fetched).toEqual([certUrl]);
      expect(src.parse(event)).toHaveLength(1);
    }
  });

  it('verifySns: false fetches nothing', async () => {
    const { src, fetched } = counting({ verifySns: false });
    await src.prepare(resign(snsWith()));
    expect(fetched).toEqual([]);
  });

  it.each([
    ['text', 'just text'],
    ['Records that is no list', { Records: 'x' }],
    ['records without Sns or topic', { Records: [null, {}, { Sns: null }, { Sns: { TopicArn: 5, SigningCertUrl: certUrl } }] }],
    ['an HTTP body whose topic is no string', { Type: 'Notification', TopicArn: 5, SigningCertURL: certUrl }],
    ['an EventBridge event carrying SNS-looking keys', { ...eventBridgeWith(() => undefined), TopicArn: topic, SigningCertURL: certUrl }],
  ])('%s: nothing fetched, no throw (parse refuses it)', async (_what, event) => {
    const { src, fetched } = counting();
    await expect(src.prepare(event)).resolves.toBeUndefined();
    expect(fetched).toEqual([]);
  });

  it('a certificate URL off SNS in an HTTP body is refused naming SigningCertURL', async () => {
    const { src } = counting();
    await expect(src.prepare({ ...httpBody(resign(snsWith())), SigningCertURL: 'https://evil.example/x.pem' })).rejects.toMatchObject({
      issues: [{ path: 'SigningCertURL' }],
    });
  });
});
