import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { summarize, systemClock, type AuditRecord, type CallOptions, type Clock, type Notifier } from '@autoscaler/core';
import { callWithin } from '../aws-errors';

/** Publishes each action's audit record to an SNS topic (subject: the one-line summary), within the caller's deadline. */
export class SnsNotifier implements Notifier {
  readonly name = 'sns';
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async notify(record: AuditRecord, options?: CallOptions): Promise<void> {
    // SNS subjects: at most 100 characters, no line breaks.
    const subject = summarize(record)
      .replace(/[\r\n]+/g, ' ')
      .slice(0, 100);
    await callWithin(`Publish ${this.topicArn}`, options, this.clock, (http) =>
      this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: JSON.stringify(record) }), http),
    );
  }
}
