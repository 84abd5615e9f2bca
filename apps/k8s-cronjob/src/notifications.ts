import { redactSecrets, systemClock, type AuditRecord, type Clock, type Logger, type Notifier } from '@autoscaler/core';

/** Longest a notification may take (after the pass's scaling work). */
export const NOTIFY_TIMEOUT_MS = 3_000;

/**
 * Notifications held back until a pass's scaling work is done, then sent all at once with a
 * short timeout that never runs past the deadline: a webhook that never answers costs the
 * pass at most NOTIFY_TIMEOUT_MS, once, and never a workload's share of the time.
 */
export class DeferredNotifications {
  private pending: Array<{ notifier: Notifier; record: AuditRecord }> = [];

  /** A notifier that only queues; `flush` sends. */
  wrap(notifier: Notifier): Notifier {
    return {
      name: notifier.name,
      notify: (record: AuditRecord): Promise<void> => {
        this.pending.push({ notifier, record });
        return Promise.resolve();
      },
    };
  }

  get size(): number {
    return this.pending.length;
  }

  /** Sends what is queued; a failure or a timeout is a log line. Returns how many failed. */
  async flush(clock: Clock, logger: Logger, deadline = Infinity, timeoutMs = NOTIFY_TIMEOUT_MS): Promise<number> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return 0;
    const limit = Math.max(0, Math.min(timeoutMs, deadline - clock.now()));
    const controller = new AbortController();
    const expired = new Promise<'timeout'>((resolve) => {
      const done = (): void => {
        controller.abort();
        resolve('timeout');
      };
      if (clock === systemClock) setTimeout(done, limit).unref();
      else void clock.sleep(limit).then(done);
    });
    let failed = 0;
    await Promise.all(
      batch.map(async ({ notifier, record }) => {
        const outcome = await Promise.race([notifier.notify(record, { deadline: clock.now() + limit, signal: controller.signal }).then(() => 'ok' as const, (e: unknown) => e), expired]);
        if (outcome === 'ok') return;
        failed++;
        const error = outcome === 'timeout' ? `no answer within ${limit} ms` : redactSecrets((outcome as Error)?.message ?? String(outcome));
        logger.log('warn', 'notification failed', { type: 'notification', notifier: redactSecrets(notifier.name), target: record.target, outcome: record.outcome, error });
      }),
    );
    controller.abort();
    return failed;
  }
}
