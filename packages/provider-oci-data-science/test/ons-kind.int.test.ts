import { MemoryLogger, ValidationError, buildNotifiers, validatePolicy, type AuditRecord } from '@autoscaler/core';
import { onsNotificationKind } from '../src';
import { harness, quietSdk, type Harness } from './support';

quietSdk();

const base = { name: 'p', limits: { maxReplicas: 3 }, rules: [{ name: 'up', threshold: { alarm: 'hot', change: 1 } }] };
const record: AuditRecord = {
  type: 'audit',
  outcome: 'scaled',
  reason: 'hot',
  at: Date.UTC(2026, 0, 5, 12),
  durationMs: 5,
  from: { replicas: 1 },
  to: { replicas: 2 },
};

function issuesOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
    throw e;
  }
  throw new Error('no ValidationError');
}

describe('onsNotificationKind: `ons` entries are the OCI package’s, not core’s', () => {
  it('checks the entry by path, in the wording core used before (a misspelt field is named)', () => {
    const kinds = [onsNotificationKind];
    expect(validatePolicy({ ...base, notifications: [{ type: 'ons', topicId: 'ocid1.onstopic.oc1..x' }] }, { notificationKinds: kinds }).notifications).toEqual(
      [{ type: 'ons', topicId: 'ocid1.onstopic.oc1..x' }],
    );
    expect(issuesOf(() => validatePolicy({ ...base, notifications: [{ type: 'ons', topicId: '' }] }, { notificationKinds: kinds }))).toEqual({
      'notifications[0].topicId': 'must not be empty',
    });
    expect(issuesOf(() => validatePolicy({ ...base, notifications: [{ type: 'ons', topicId: 'x', topic: 'y' }] }, { notificationKinds: kinds }))).toEqual({
      'notifications[0].topic': 'unknown field',
    });
    expect(issuesOf(() => validatePolicy({ ...base, notifications: [{ type: 'ons', topicId: 'x'.repeat(257) }] }, { notificationKinds: kinds }))).toEqual({
      'notifications[0].topicId': 'must be at most 256 characters',
    });
  });

  describe('over the wire', () => {
    let h: Harness;
    afterEach(async () => h.close());

    it("built by core's buildNotifiers, publishes the audit record to the topic; a topic that is not an OCID is a warning, not a notifier", async () => {
      h = await harness();
      const topicId = h.fake.notifications.seedTopic('ops');
      const policy = validatePolicy(
        {
          ...base,
          notifications: [
            { type: 'ons', topicId },
            { type: 'ons', topicId: 'not-an-ocid' },
            { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:ops' },
          ],
        },
        { notificationKinds: [onsNotificationKind], otherNotificationTypes: 'allow' },
      );
      const logger = new MemoryLogger();
      const notifiers = buildNotifiers(policy, { kinds: [onsNotificationKind], deps: { notifications: h.clients.notifications, clock: h.clock }, logger });
      expect(notifiers.map((n) => n.name)).toEqual(['ons']);
      expect(logger.records.map((r) => [r.msg, r['kind']])).toEqual([
        ['notification skipped', 'ons'],
        ['notification type not available here, ignored', 'sns'],
      ]);
      await notifiers[0]!.notify(record, { deadline: h.clock.now() + 5_000 });
      const published = h.fake.notifications.published.filter((m) => m.topicId === topicId);
      expect(published).toHaveLength(1);
      expect(JSON.parse(published[0]!.body)).toMatchObject({ outcome: 'scaled', to: { replicas: 2 } });
    });
  });
});
