import type { z } from 'zod';
import type { NotificationEntry, NotificationKind } from '../policy/notifications';
import type { Policy } from '../policy/schema';
import type { Logger, Notifier } from '../types';
import { silentLogger } from './logger';
import { WebhookNotifier, type WebhookNotifierOptions } from './notifier';
import { redactSecrets } from './redact';

export interface BuildNotifiersOptions<Deps> {
  /** The kinds this app can deliver (from its provider package). */
  kinds: ReadonlyArray<NotificationKind<z.ZodType<{ type: string }>, Deps>>;
  /** What the kinds need to build their notifiers (SDK clients, clock). */
  deps: Deps;
  /** How webhooks are sent (fetch, private networks allowed by the operator). */
  webhook?: WebhookNotifierOptions;
  logger?: Logger;
}

/**
 * The notifiers a policy asks for, built by core (webhook) and the registered kinds: the one
 * `notifiersFor` every app passes to the `Autoscaler`. An entry of a kind this app does not
 * have, or one its kind refuses to build (a forbidden URL or topic), is a warning, never a throw.
 */
export function buildNotifiers<Deps>(policy: Policy, options: BuildNotifiersOptions<Deps>): Notifier[] {
  const logger = options.logger ?? silentLogger;
  const kinds = new Map(options.kinds.map((k) => [k.type, k]));
  const out: Notifier[] = [];
  (policy.notifications as readonly NotificationEntry[]).forEach((entry, i) => {
    try {
      if (entry.type === 'webhook') {
        const webhook = entry as Extract<NotificationEntry, { type: 'webhook' }>;
        out.push(new WebhookNotifier(webhook.url, webhook.format, options.webhook ?? {}));
        return;
      }
      const kind = kinds.get(entry.type);
      if (kind === undefined) {
        logger.log('warn', 'notification type not available here, ignored', { type: 'notification', kind: entry.type, have: ['webhook', ...kinds.keys()] });
        return;
      }
      // A policy validated without this registry has not met the kind's schema yet.
      const parsed = kind.schema.safeParse(entry);
      if (!parsed.success) {
        logger.log('warn', 'notification refused by its kind', {
          type: 'notification',
          kind: entry.type,
          path: `notifications[${i}]`,
          error: redactSecrets(parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')),
        });
        return;
      }
      out.push(kind.create(parsed.data, options.deps));
    } catch (e) {
      logger.log('warn', 'notification skipped', { type: 'notification', kind: entry.type, error: redactSecrets((e as Error).message) });
    }
  });
  return out;
}
