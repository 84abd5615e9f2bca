import { defineNotificationKind, type AuditRecord, type CallOptions, type Clock, type Notifier } from '@autoscaler/core';
import * as z from 'zod';
import type { AwsClients } from '../clients';

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** What the `sns` kind needs from the app: its clients (the SNS one is loaded on first use). */
export interface SnsNotificationDeps {
  clients: Pick<AwsClients, 'snsClient'>;
  /** The clock deadlines are measured on (the system clock when absent). */
  clock?: Clock;
}

export const SnsNotificationEntrySchema = z.strictObject({
  type: z.literal('sns'),
  topicArn: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:autoscaler-ops'),
});

/**
 * `notifications: [{ type: sns, topicArn }]`: each action's audit record published to the topic.
 * The notifier and the SNS SDK are imported when the first record is sent, so a Lambda that
 * never notifies never loads them.
 */
export const snsNotificationKind = defineNotificationKind({
  type: 'sns',
  schema: SnsNotificationEntrySchema,
  create: (entry, deps: SnsNotificationDeps): Notifier => ({
    name: 'sns',
    async notify(record: AuditRecord, options?: CallOptions): Promise<void> {
      const [{ SnsNotifier }, client] = await Promise.all([import('./sns-notifier'), deps.clients.snsClient()]);
      await new SnsNotifier(client, entry.topicArn, deps.clock).notify(record, options);
    },
  }),
});
