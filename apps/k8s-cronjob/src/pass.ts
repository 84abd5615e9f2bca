import {
  Autoscaler,
  AutoscalerError,
  TransientError,
  silentLogger,
  type AuditRecord,
  type Clock,
  type Logger,
  type Outcome,
  type Policy,
  type PolicyResolver,
  type TargetRef,
} from '@autoscaler/core';
import { ClusterSnapshot, KubernetesProvider, MetricsServerAlarmSource, discoverTargets, type DiscoveredPolicies, type KubeApi } from '@autoscaler/provider-kubernetes';

/** The policies of the current pass (discovery runs again on every pass). */
export class PassPolicies implements PolicyResolver {
  current: DiscoveredPolicies | undefined;
  resolve(ref: TargetRef): Policy | undefined {
    return this.current?.resolve(ref);
  }
}

export interface PassContext {
  api: KubeApi;
  provider: KubernetesProvider;
  source: MetricsServerAlarmSource;
  autoscaler: Autoscaler;
  policies: PassPolicies;
  clock: Clock;
  logger?: Logger;
  namespaces: readonly string[];
  /** Where central policy ConfigMaps live (the CronJob's namespace). */
  policyNamespace?: string;
  defaultPolicy?: Policy;
  concurrency: number;
}

export interface PassResult {
  startedAt: number;
  durationMs: number;
  targets: number;
  records: AuditRecord[];
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The snapshot is the pass: a throttled or failing list is retried with backoff before the run gives up. */
async function withRetry<T>(clock: Clock, logger: Logger, fn: () => Promise<T>, attempts = 3, baseDelayMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof TransientError) || attempt >= attempts) throw e;
      logger.log('warn', 'listing the cluster failed; retrying', { attempt, error: e.message });
      await clock.sleep(baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

function failure(outcome: Outcome, target: TargetRef, started: number, clock: Clock, reason: string, code: string): AuditRecord {
  return { type: 'audit', outcome, target, reason, code, at: started, durationMs: clock.now() - started };
}

/**
 * One pass: snapshot the cluster (a constant number of list calls), discover
 * annotated workloads and their policies, poll each one's metrics from the
 * snapshot, and hand the signals to the orchestrator, which decides, applies
 * with the resourceVersion, re-reads on 409 and records the outcome.
 */
export async function runPass(ctx: PassContext): Promise<PassResult> {
  const startedAt = ctx.clock.now();
  const logger = ctx.logger ?? silentLogger;
  const scope = ctx.namespaces.length > 0 ? { namespaces: ctx.namespaces, ...(ctx.policyNamespace ? { policyNamespaces: [ctx.policyNamespace] } : {}) } : {};
  const snapshot = await withRetry(ctx.clock, logger, () => ClusterSnapshot.take(ctx.api, scope));
  const discovery = discoverTargets(snapshot, { provider: ctx.provider.name, ...(ctx.defaultPolicy ? { defaultPolicy: ctx.defaultPolicy } : {}) });
  ctx.policies.current = discovery.policies;
  ctx.provider.usePass(snapshot);
  ctx.source.usePass(snapshot);
  try {
    const records = await pool(discovery.targets, ctx.concurrency, async (t) => {
      const started = ctx.clock.now();
      if (t.problem !== undefined) return failure('rejected', t.ref, started, ctx.clock, t.problem, 'VALIDATION');
      let signals;
      try {
        signals = await ctx.source.poll(t.ref, ctx.clock.now());
      } catch (e) {
        const code = e instanceof AutoscalerError ? e.code : 'INTERNAL';
        logger.log('warn', 'poll failed', { target: t.ref, error: (e as Error).message });
        return failure(code === 'VALIDATION' ? 'rejected' : 'error', t.ref, started, ctx.clock, `metrics poll failed: ${(e as Error).message}`, code);
      }
      return ctx.autoscaler.evaluate(t.ref, signals);
    });
    return { startedAt, durationMs: ctx.clock.now() - startedAt, targets: discovery.targets.length, records };
  } finally {
    ctx.provider.usePass(undefined);
    ctx.source.usePass(undefined);
  }
}
