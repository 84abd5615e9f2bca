import fc from 'fast-check';
import * as z from 'zod';
import { AutoscalerError, MemoryLogger, ValidationError, buildNotifiers, defineNotificationKind, parsePolicy, validatePolicy } from '../../src/index';
import type { AuditRecord, Notifier } from '../../src/index';
import { issuesByPath } from '../expect-validation-error';

const base = { name: 'p', limits: { maxReplicas: 3 }, rules: [{ name: 'r', threshold: { alarm: 'a', change: 1 } }] };

/** A kind as a provider package would export it (a chat tool with a channel and a region default). */
class ChatNotifier implements Notifier {
  readonly name: string;
  constructor(
    readonly channel: string,
    readonly region: string,
    readonly client: { sent: string[] },
  ) {
    this.name = `chat ${channel}`;
  }
  async notify(record: AuditRecord): Promise<void> {
    this.client.sent.push(`${this.channel}: ${record.outcome}`);
  }
}
const chatKind = defineNotificationKind({
  type: 'chat',
  schema: z.strictObject({
    type: z.literal('chat'),
    channel: z.string().regex(/^#[a-z0-9-]+$/, 'must be a #channel'),
    region: z.enum(['eu', 'us']).default('eu'),
  }),
  create: (entry, deps: { client: { sent: string[] } }) => {
    if (entry.channel === '#forbidden') throw new ValidationError('notifications.channel: #forbidden is not allowed here (token=abc123)');
    return new ChatNotifier(entry.channel, entry.region, deps.client);
  },
});
const pagerKind = defineNotificationKind({
  type: 'pager',
  schema: z.strictObject({ type: z.literal('pager'), service: z.string().min(1) }),
  create: (e, deps: { client: { sent: string[] } }) => new ChatNotifier(e.service, 'us', deps.client),
});

describe('notifications: core knows the webhook; other kinds are registered', () => {
  it('webhook stays strict', () => {
    expect(issuesByPath(() => validatePolicy({ ...base, notifications: [{ type: 'webhook', url: 'https://hooks.example.com/x', formt: 'slack' }] }))).toEqual({
      'notifications[0].formt': 'unknown field',
    });
  });

  it('without a registry: core knows no cloud; other kinds are checked for shape only (a type and string fields), by path', () => {
    const p = validatePolicy({
      ...base,
      notifications: [
        { type: 'ons', topicId: 'ocid1.onstopic.oc1..x' },
        { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:1:t' },
        { type: 'teams', to: 'x' },
      ],
    });
    expect(p.notifications).toEqual([
      { type: 'ons', topicId: 'ocid1.onstopic.oc1..x' },
      { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:1:t' },
      { type: 'teams', to: 'x' },
    ]);
    expect(issuesByPath(() => validatePolicy({ ...base, notifications: [{ type: 'ons', topicId: 5 }] }))).toEqual({
      'notifications[0].topicId': 'must be a string',
    });
    expect(issuesByPath(() => validatePolicy({ ...base, notifications: [{ type: 'Ons!', topicId: 'x' }] }))).toEqual({
      'notifications[0].type': 'must be a notification type: lowercase letters, digits and -, starting with a letter',
    });
  });

  it("with the registry and otherNotificationTypes 'allow': its kinds strictly, other types by shape only", () => {
    const options = { notificationKinds: [chatKind], otherNotificationTypes: 'allow' as const };
    const p = validatePolicy(
      {
        ...base,
        notifications: [
          { type: 'sns', topicArn: 'x' },
          { type: 'chat', channel: '#ops' },
        ],
      },
      options,
    );
    expect(p.notifications).toEqual([
      { type: 'sns', topicArn: 'x' },
      { type: 'chat', channel: '#ops', region: 'eu' },
    ]);
    expect(issuesByPath(() => validatePolicy({ ...base, notifications: [{ type: 'chat', chanel: '#ops' }] }, options))).toEqual({
      'notifications[0].chanel': 'unknown field',
      'notifications[0].channel': expect.any(String),
    });
  });

  it('with the registry: only its kinds, checked by their schemas by path, defaults applied', () => {
    const kinds = [chatKind, pagerKind];
    const p = validatePolicy(
      {
        ...base,
        notifications: [
          { type: 'webhook', url: 'https://h.example.com/x' },
          { type: 'chat', channel: '#ops' },
        ],
      },
      { notificationKinds: kinds },
    );
    expect(p.notifications[1]).toEqual({ type: 'chat', channel: '#ops', region: 'eu' });
    expect(
      issuesByPath(() =>
        validatePolicy({ ...base, notifications: [{ type: 'ons', topicId: 'x' }] }, { source: 'AUTOSCALER_POLICY', notificationKinds: kinds }),
      ),
    ).toEqual({
      'notifications[0].type': 'unknown notification type "ons" (have: webhook, chat, pager)',
    });
    expect(
      issuesByPath(() =>
        validatePolicy(
          {
            ...base,
            notifications: [
              { type: 'pager', service: 's' },
              { type: 'chat', channel: 'ops', chanel: '#x' },
            ],
          },
          { notificationKinds: kinds },
        ),
      ),
    ).toEqual({
      'notifications[1].channel': 'must be a #channel',
      'notifications[1].chanel': 'unknown field',
    });
    // YAML through parsePolicy takes the same options, and the message names the source.
    expect(() =>
      parsePolicy(
        'name: p\nlimits: {maxReplicas: 2}\nrules: [{name: r, threshold: {alarm: a, change: 1}}]\nnotifications: [{type: chat, channel: "#a", region: mars}]',
        { source: 'policy.yaml', notificationKinds: kinds },
      ),
    ).toThrow(/^policy\.yaml: invalid policy: notifications\[0\]\.region: /);
  });

  it.each([
    [{ type: 'Chat', channel: '#a' }, 'notifications[0].type'],
    [{ type: 'chat', channel: 5 }, 'notifications[0].channel'],
    [{ channel: '#a' }, 'notifications[0].type'],
    ['chat', 'notifications[0]'],
  ])('a malformed entry %j is named once by path', (entry, path) => {
    expect(Object.keys(issuesByPath(() => validatePolicy({ ...base, notifications: [entry] }, { notificationKinds: [chatKind] })))).toEqual([path]);
  });

  it('defineNotificationKind refuses a type that is not a notification type, or webhook', () => {
    expect(() => defineNotificationKind({ ...chatKind, type: 'webhook' })).toThrow(/not be webhook/);
    expect(() => defineNotificationKind({ ...chatKind, type: 'Chat Tool' })).toThrow(/must match/);
  });

  it('never throws anything but a ValidationError, whatever the entries', () => {
    const entry = fc.oneof(
      fc.anything(),
      fc.record(
        {
          type: fc.constantFrom('webhook', 'ons', 'sns', 'chat', 'pager', 'X', ''),
          channel: fc.oneof(fc.string(), fc.integer()),
          url: fc.string(),
          topicId: fc.string(),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), fc.boolean(), (notifications, registry) => {
        try {
          const p = validatePolicy({ ...base, notifications }, registry ? { notificationKinds: [chatKind, pagerKind] } : {});
          for (const n of p.notifications) expect(['webhook', 'ons', 'sns', 'chat', 'pager']).toContain(n.type);
        } catch (e) {
          expect(e).toBeInstanceOf(AutoscalerError);
          expect((e as ValidationError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('buildNotifiers: one notifiersFor for every app', () => {
  it('builds the webhook and each registered kind with the app deps; an unavailable or refused kind is a warning without secrets', async () => {
    const client = { sent: [] as string[] };
    const logger = new MemoryLogger();
    const policy = validatePolicy(
      {
        ...base,
        notifications: [
          { type: 'webhook', url: 'https://hooks.example.com/T0/B0/secret', format: 'slack' },
          { type: 'chat', channel: '#ops' },
          { type: 'chat', channel: '#forbidden' },
          { type: 'pager', service: 'db' },
        ],
      },
      { notificationKinds: [chatKind, pagerKind] },
    );
    const notifiers = buildNotifiers(policy, { kinds: [chatKind], deps: { client }, logger, webhook: { fetch: async () => ({ ok: true, status: 200 }) } });
    expect(notifiers.map((n) => n.name)).toEqual([expect.stringMatching(/^webhook https:\/\/hooks\.example\.com/), 'chat #ops']);
    await notifiers[1]!.notify({ type: 'audit', outcome: 'scaled', reason: 'r', at: 0, durationMs: 0 });
    expect(client.sent).toEqual(['#ops: scaled']);
    const warnings = logger.records.filter((r) => r.level === 'warn');
    expect(warnings.map((w) => [w.msg, w['kind']])).toEqual([
      ['notification skipped', 'chat'],
      ['notification type not available here, ignored', 'pager'],
    ]);
    expect(JSON.stringify(logger.records)).not.toContain('abc123');
  });

  it('an entry validated without the registry meets the kind schema before create', () => {
    const logger = new MemoryLogger();
    const policy = validatePolicy({ ...base, notifications: [{ type: 'ons', topicId: 'x' }] });
    const onsKind = defineNotificationKind({
      type: 'ons',
      schema: z.strictObject({ type: z.literal('ons'), topicId: z.string().startsWith('ocid1.onstopic.', 'must be an ONS topic OCID') }),
      create: () => ({ name: 'ons', notify: async () => undefined }),
    });
    expect(buildNotifiers(policy, { kinds: [onsKind], deps: undefined, logger })).toEqual([]);
    expect(logger.records[0]).toMatchObject({ msg: 'notification refused by its kind', path: 'notifications[0]', error: 'topicId: must be an ONS topic OCID' });
  });
});
