import { createHash } from 'node:crypto';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import type { AlarmState, MetricAlarm } from './cloudwatch-service';
import { createSnsSigningIdentity, signSnsFields, type SnsSigningIdentity } from './sns-signing';
import { AwsApiError, optString, reqString, type Input } from './wire';
import { REGION_NAMES, type FakeWorld } from './world';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

interface Topic {
  arn: string;
  name: string;
  attributes: Map<string, string>;
}

export interface PublishedMessage {
  topicArn: string;
  messageId: string;
  subject?: string;
  message: string;
  at: number;
}

/** Amazon SNS (query protocol): topics, Publish, and signed deliveries to in-process subscribers. */
export class FakeSns {
  private readonly topics = new Map<string, Topic>();
  private readonly listeners: Array<(event: SNSEvent) => void> = [];
  readonly published: PublishedMessage[] = [];
  private identity?: SnsSigningIdentity;

  constructor(private readonly world: FakeWorld) {}

  /** The RSA key and certificate deliveries are signed with (made on first use: key generation costs ~100 ms). */
  get signing(): SnsSigningIdentity {
    this.identity ??= createSnsSigningIdentity();
    return this.identity;
  }

  get signingCertUrl(): string {
    const id = createHash('md5').update(this.signing.certificatePem).digest('hex');
    return `https://sns.${this.world.region}.amazonaws.com/SimpleNotificationService-${id}.pem`;
  }

  /** Hands out the fake's certificate for its own URL only, like the real host would. */
  readonly certificateFetcher: (url: string) => Promise<string> = async (url) => {
    if (url !== this.signingCertUrl) throw new Error(`404 Not Found: ${url}`);
    return this.signing.certificatePem;
  };

  /** Receive every delivery as the Lambda SNS event it would be. */
  subscribe(listener: (event: SNSEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  createTopic(name: string): string {
    if (!TOPIC_NAME.test(name)) throw new AwsApiError('InvalidParameter', 'Invalid parameter: Topic Name', 400);
    const arn = `arn:aws:sns:${this.world.region}:${this.world.accountId}:${name}`;
    if (!this.topics.has(arn)) this.topics.set(arn, { arn, name, attributes: new Map([['SignatureVersion', '1']]) });
    return arn;
  }

  handle(operation: string, input: Input): unknown {
    switch (operation) {
      case 'CreateTopic':
        return { TopicArn: this.createTopic(reqString(input, 'Name')) };
      case 'DeleteTopic':
        this.topics.delete(reqString(input, 'TopicArn'));
        return undefined;
      case 'ListTopics':
        return { Topics: [...this.topics.values()].map((t) => ({ TopicArn: t.arn })) };
      case 'GetTopicAttributes': {
        const t = this.topic(reqString(input, 'TopicArn'));
        return { Attributes: [...t.attributes, ['TopicArn', t.arn]].map(([key, value]) => ({ key, value })) };
      }
      case 'SetTopicAttributes': {
        const t = this.topic(reqString(input, 'TopicArn'));
        const name = reqString(input, 'AttributeName');
        const value = optString(input, 'AttributeValue') ?? '';
        if (name === 'SignatureVersion' && value !== '1' && value !== '2')
          throw new AwsApiError('InvalidParameter', 'Invalid parameter: SignatureVersion', 400);
        t.attributes.set(name, value);
        return undefined;
      }
      case 'Publish': {
        const arn = optString(input, 'TopicArn') ?? optString(input, 'TargetArn');
        if (arn === undefined)
          throw new AwsApiError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter', 400);
        const message = reqString(input, 'Message');
        if (Buffer.byteLength(message) > 262_144) throw new AwsApiError('InvalidParameter', 'Invalid parameter: Message too long', 400);
        const subject = optString(input, 'Subject');
        if (subject !== undefined && (subject.length > 100 || /[\r\n]/.test(subject)))
          throw new AwsApiError('InvalidParameter', 'Invalid parameter: Subject', 400);
        return { MessageId: this.publish(arn, message, subject) };
      }
      default:
        throw new AwsApiError('InvalidAction', `The action ${operation} is not valid for this web service.`, 400);
    }
  }

  publish(topicArn: string, message: string, subject?: string): string {
    const topic = this.topic(topicArn);
    const messageId = this.world.newId();
    const at = this.world.clock.now();
    this.published.push({ topicArn, messageId, message, at, ...(subject !== undefined ? { subject } : {}) });
    const event: SNSEvent = { Records: [this.record(topic, messageId, message, subject, at)] };
    for (const l of this.listeners) l(event);
    return messageId;
  }

  /** What CloudWatch publishes for an alarm state change (the JSON `Message` of an alarm notification). */
  notifyAlarm(topicArn: string, alarm: MetricAlarm, oldState: AlarmState): void {
    if (!this.topics.has(topicArn)) return;
    const region = REGION_NAMES[this.world.region] ?? this.world.region;
    const message = {
      AlarmName: alarm.AlarmName,
      AlarmDescription: alarm.AlarmDescription ?? null,
      AWSAccountId: this.world.accountId,
      NewStateValue: alarm.StateValue,
      NewStateReason: alarm.StateReason,
      StateChangeTime: new Date(alarm.StateUpdatedTimestamp).toISOString().replace('Z', '+0000'),
      Region: region,
      AlarmArn: alarm.AlarmArn,
      OldStateValue: oldState,
      Trigger: {
        MetricName: alarm.MetricName,
        Namespace: alarm.Namespace,
        StatisticType: 'Statistic',
        Statistic: (alarm.Statistic ?? 'Average').toUpperCase(),
        Unit: alarm.Unit ?? null,
        Dimensions: alarm.Dimensions.map((d) => ({ value: d.Value, name: d.Name })),
        Period: alarm.Period,
        EvaluationPeriods: alarm.EvaluationPeriods,
        ComparisonOperator: alarm.ComparisonOperator,
        Threshold: alarm.Threshold,
        TreatMissingData: alarm.TreatMissingData ?? '',
        EvaluateLowSampleCountPercentile: '',
      },
    };
    this.publish(topicArn, JSON.stringify(message), `${alarm.StateValue}: "${alarm.AlarmName}" in ${region}`.slice(0, 100));
  }

  private record(topic: Topic, messageId: string, message: string, subject: string | undefined, at: number): SNSEventRecord {
    const version = topic.attributes.get('SignatureVersion') === '2' ? '2' : '1';
    const fields = {
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topic.arn,
      Message: message,
      Timestamp: new Date(at).toISOString(),
      ...(subject !== undefined ? { Subject: subject } : {}),
    };
    const subscription = `${topic.arn}:${this.world.newId()}`;
    return {
      EventVersion: '1.0',
      EventSubscriptionArn: subscription,
      EventSource: 'aws:sns',
      Sns: {
        SignatureVersion: version,
        Timestamp: fields.Timestamp,
        Signature: signSnsFields(fields, this.signing.privateKey, version),
        SigningCertUrl: this.signingCertUrl,
        MessageId: messageId,
        Message: message,
        MessageAttributes: {},
        Type: 'Notification',
        UnsubscribeUrl: `https://sns.${this.world.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscription}`,
        TopicArn: topic.arn,
        Subject: subject ?? (null as unknown as string),
      },
    };
  }

  private topic(arn: string): Topic {
    const t = this.topics.get(arn);
    if (!t) throw new AwsApiError('NotFound', 'Topic does not exist', 404);
    return t;
  }
}
