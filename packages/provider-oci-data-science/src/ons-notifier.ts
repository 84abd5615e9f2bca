import { summarize, type AuditRecord, type Notifier } from '@autoscaler/core';
import type { NotificationDataPlaneClient } from 'oci-ons';
import { call } from './errors';
import { requireOcid } from './ocid';

/** Publishes each action to a Notifications topic (its email/Slack/PagerDuty subscriptions fan it out). */
export class OnsNotifier implements Notifier {
  readonly name = 'ons';

  constructor(
    private readonly client: NotificationDataPlaneClient,
    private readonly topicId: string,
  ) {
    requireOcid('onstopic', topicId, 'notifications.topicId');
  }

  async notify(record: AuditRecord): Promise<void> {
    const title = summarize(record).slice(0, 250);
    // The body is the audit record; subscribers that want text read the title.
    const body = JSON.stringify(record, null, 2);
    await call(`PublishMessage ${this.topicId}`, () => this.client.publishMessage({ topicId: this.topicId, messageDetails: { title, body } }));
  }
}
