import { defineNotificationKind, summarize, systemClock, type AuditRecord, type CallOptions, type Clock, type Notifier } from '@autoscaler/core';
import * as z from 'zod';
import type { NotificationDataPlaneClient } from 'oci-ons';
import { callWithin } from './deadline';
import { requireOcid } from './ocid';

/** Publishes each action to a Notifications topic (its email/Slack/PagerDuty subscriptions fan it out). */
export class OnsNotifier implements Notifier {
  readonly name = 'ons';

  constructor(
    private readonly client: NotificationDataPlaneClient,
    private readonly topicId: string,
    /** The clock `CallOptions.deadline` is on. */
    private readonly clock: Clock = systemClock,
  ) {
    requireOcid('onstopic', topicId, 'notifications.topicId');
  }

  /** Bounded by `options` (deadline / abort): a hung Notifications endpoint never holds the invocation. */
  async notify(record: AuditRecord, options: CallOptions = {}): Promise<void> {
    const title = summarize(record).slice(0, 250);
    // The body is the audit record; subscribers that want text read the title.
    const body = JSON.stringify(record, null, 2);
    await callWithin(
      `PublishMessage ${this.topicId}`,
      options,
      () => this.client.publishMessage({ topicId: this.topicId, messageDetails: { title, body } }),
      this.clock,
    );
  }
}

/** What the `ons` kind needs from the app: the Notifications data-plane client and the clock deadlines are on. */
export interface OnsNotificationDeps {
  notifications: NotificationDataPlaneClient;
  clock?: Clock;
}

/** `notifications: [{ type: ons, topicId }]`; the topic OCID is checked where the notifier is built (a bad one is a warning, not a refused policy). */
export const OnsNotificationEntrySchema = z.strictObject({
  type: z.literal('ons'),
  topicId: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
});

/** The OCI package's notification kind: each action's audit record published to a Notifications topic. */
export const onsNotificationKind = defineNotificationKind({
  type: 'ons',
  schema: OnsNotificationEntrySchema,
  create: (entry, deps: OnsNotificationDeps): Notifier => new OnsNotifier(deps.notifications, entry.topicId, deps.clock),
});
