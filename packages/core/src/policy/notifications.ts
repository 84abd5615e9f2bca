import * as z from 'zod';
import type { Issue } from '../errors';
import { webhookUrlProblem } from '../ports/webhook-url';
import type { Notifier } from '../types/ports';
import { zodIssues } from './issues';

/**
 * Notifications: core knows only the webhook. Every other `type` is a kind that a provider
 * package registers (`NotificationKind`): its own strict schema, and how to build its notifier.
 */

/** What a notification `type` may look like: `ons`, `sns`, `azure-event-grid`. */
export const NOTIFICATION_TYPE = /^[a-z][a-z0-9-]*$/;

export const WebhookNotificationSchema = z.strictObject({
  type: z.literal('webhook'),
  // Scheme and credentials here; private and metadata hosts are refused where the notifier is made,
  // unless the operator allows them in the app's own configuration.
  url: z.url('must be an https URL').superRefine((u, ctx) => {
    const problem = webhookUrlProblem(u, { allowPrivateNetworks: true });
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  format: z.enum(['json', 'slack']).default('json'),
});
export type WebhookNotification = z.output<typeof WebhookNotificationSchema>;

/** Any other kind, as the policy schema sees it before the kind's own schema checks it: a type and string fields. */
export const ProviderNotificationSchema = z
  .object({ type: z.string().regex(NOTIFICATION_TYPE, 'must be a notification type: lowercase letters, digits and -, starting with a letter') })
  .catchall(z.string('must be a string').max(2048, 'must be at most 2048 characters'))
  .refine((n) => Object.keys(n).length <= 32, 'at most 32 fields');
/** A notification of a kind registered by a provider package: its fields are checked by the kind's schema. */
export interface ProviderNotification {
  type: string;
  [field: string]: string;
}

/** What an entry of `policy.notifications` is at run time. */
export type NotificationEntry = WebhookNotification | ProviderNotification;

/**
 * One entry of `notifications`: `webhook` checked strictly here; any other type only for its
 * shape (a type and string fields). `validatePolicy` then checks it with the kind's schema.
 */
export const NotificationSchema = z.unknown().transform((entry, ctx): NotificationEntry => {
  const schema =
    entry !== null && typeof entry === 'object' && (entry as { type?: unknown }).type === 'webhook' ? WebhookNotificationSchema : ProviderNotificationSchema;
  const result = schema.safeParse(entry);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue, input: undefined });
  return z.NEVER;
});

/** The part of a kind validation needs: its type and its strict schema. */
export interface NotificationKindSchema {
  /** The `type` users write (`ons`, `sns`, ...); never `webhook`. */
  readonly type: string;
  /** A `z.strictObject({ type: z.literal(type), ... })`: a misspelt field is an error naming it. */
  readonly schema: z.ZodType<{ type: string }>;
}

/**
 * A notification kind a provider package registers: e.g. the OCI package exports
 * `onsNotificationKind` ({ type: 'ons', schema, create: (entry, { client, clock }) => new OnsNotifier(...) }).
 * `Deps` is what the app hands over to build it (its SDK client, clock).
 */
export interface NotificationKind<Schema extends z.ZodType<{ type: string }> = z.ZodType<{ type: string }>, Deps = never> extends NotificationKindSchema {
  readonly schema: Schema;
  /** Build the notifier for one entry, already checked by `schema`. May throw `ValidationError` (a forbidden topic). */
  create(entry: z.output<Schema>, deps: Deps): Notifier;
}

/** Infers the entry type of `create` from the schema. */
export function defineNotificationKind<Schema extends z.ZodType<{ type: string }>, Deps>(kind: NotificationKind<Schema, Deps>): NotificationKind<Schema, Deps> {
  if (!NOTIFICATION_TYPE.test(kind.type) || kind.type === 'webhook')
    throw new Error(`notification kind type "${kind.type}" must match ${NOTIFICATION_TYPE} and not be webhook`);
  return kind;
}

/**
 * Checks every non-webhook entry of a policy document's `notifications` against the registered
 * kinds: an unknown type, or a field the kind refuses, is an issue naming it
 * (`notifications[1].topicId: ...`). Returns the issues and the entries as the kinds parsed them
 * (defaults applied), by index. Entries that are not objects with a string type are left to the
 * policy schema; with `otherTypes: 'allow'`, so are types none of the kinds has.
 */
export function checkNotifications(
  notifications: unknown,
  kinds: readonly NotificationKindSchema[],
  otherTypes: 'refuse' | 'allow' = 'refuse',
): { issues: Issue[]; parsed: Map<number, unknown> } {
  const issues: Issue[] = [];
  const parsed = new Map<number, unknown>();
  if (!Array.isArray(notifications)) return { issues, parsed };
  const byType = new Map(kinds.map((k) => [k.type, k]));
  notifications.forEach((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object') return;
    const type = (entry as { type?: unknown }).type;
    if (typeof type !== 'string' || type === 'webhook' || !NOTIFICATION_TYPE.test(type)) return;
    const kind = byType.get(type);
    if (kind === undefined) {
      if (otherTypes === 'allow') return;
      issues.push({ path: `notifications[${i}].type`, message: `unknown notification type "${type}" (have: ${['webhook', ...byType.keys()].join(', ')})` });
      return;
    }
    const result = kind.schema.safeParse(entry);
    if (result.success) parsed.set(i, result.data);
    else issues.push(...zodIssues(result.error, ['notifications', i]));
  });
  return { issues, parsed };
}
