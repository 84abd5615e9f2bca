import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { summarize, type AuditRecord, type Notifier } from '@autoscaler/core';
import { call } from '../aws-errors';

/** Publishes each action's audit record to an SNS topic (subject: the one-line summary). */
export class SnsNotifier implements Notifier {
  readonly name = 'sns';
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(record: AuditRecord): Promise<void> {
    // SNS subjects: at most 100 characters, no line breaks.
    const subject = summarize(record).replace(/[\r\n]+/g, ' ').slice(0, 100);
    await call(`Publish ${this.topicArn}`, () => this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: JSON.stringify(record) })));
  }
}
