import { ValidationError } from '../errors';
import { zodIssues } from './issues';
import { checkNotifications, type NotificationKindSchema } from './notifications';
import { PolicySchema, type Policy } from './schema';

export interface ValidatePolicyOptions {
  /** Names the document in the error (`AUTOSCALER_POLICY`, a file path). Default `policy`. */
  source?: string;
  /**
   * The notification kinds the app can deliver (each provider package exports its own), checked
   * by their schemas; any other type is an error. Without them, an entry other than `webhook`
   * is checked for its shape only (a type and string fields) and meets its kind's schema when
   * the app builds its notifiers (`buildNotifiers`).
   */
  notificationKinds?: readonly NotificationKindSchema[];
  /**
   * With `notificationKinds`: `allow` lets a type none of them has through with its shape checked
   * (the app's `buildNotifiers` warns and skips it), for one policy file shared by several clouds'
   * apps. Default `refuse`: an unknown type is an error naming `notifications[i].type`.
   */
  otherNotificationTypes?: 'refuse' | 'allow';
}

/** Validate an already-parsed document. Throws `ValidationError` listing every problem by path. */
export function validatePolicy(doc: unknown, sourceOrOptions: string | ValidatePolicyOptions = 'policy'): Policy {
  const options: ValidatePolicyOptions = typeof sourceOrOptions === 'string' ? { source: sourceOrOptions } : sourceOrOptions;
  const source = options.source ?? 'policy';
  const result = PolicySchema.safeParse(doc);
  const raw = doc !== null && typeof doc === 'object' ? (doc as { notifications?: unknown }).notifications : undefined;
  const kinds = options.notificationKinds
    ? checkNotifications(raw, options.notificationKinds, options.otherNotificationTypes)
    : { issues: [], parsed: new Map<number, unknown>() };
  const issues = result.success ? [] : zodIssues(result.error);
  // The shape check above and the kind's schema may name the same field: report it once.
  const named = new Set(issues.map((i) => i.path));
  issues.push(...kinds.issues.filter((i) => !named.has(i.path)));
  if (issues.length > 0 || !result.success) throw new ValidationError(`${source}: invalid policy`, issues);
  const policy = result.data;
  if (kinds.parsed.size > 0) policy.notifications = policy.notifications.map((n, i) => (kinds.parsed.get(i) as typeof n | undefined) ?? n);
  return policy;
}
