import { TransientError, silentLogger, systemClock } from '@autoscaler/core';
import type { Autoscaler, AuditRecord, CallOptions, Clock, Logger, Outcome, Policy, PolicyResolver, TargetRef } from '@autoscaler/core';
import { ClusterSnapshot, discoverTargets } from '@autoscaler/provider-kubernetes';
import type { KubernetesProvider, MetricsServerAlarmSource, DiscoveredPolicies, KubeApi } from '@autoscaler/provider-kubernetes';

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
  /** Where the operator's policy ConfigMaps live (the CronJob's namespace): the only ConfigMaps an annotation may name. */
  policyNamespace?: string;
  defaultPolicy?: Policy;
  concurrency: number;
  /** Epoch ms (of `clock`) by which the pass must be done: the Job's deadline minus a margin. */
  deadline?: number;
}

export interface PassResult {
  startedAt: number;
  durationMs: number;
  targets: number;
  records: AuditRecord[];
}

/** The snapshot is the pass: a throttled or failing list is retried with backoff, never past the deadline. */
async function withRetry<T>(clock: Clock, logger: Logger, deadline: number, fn: () => Promise<T>, attempts = 3, baseDelayMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const delay = baseDelayMs * 2 ** (attempt - 1);
      if (!(e instanceof TransientError) || attempt >= attempts || clock.now() + delay + MIN_CALL_MS > deadline) throw e;
      logger.log('warn', 'listing the cluster failed; retrying', { attempt, error: e.message });
      await clock.sleep(delay);
    }
  }
}

/** Least time worth starting a target's work (or a retry) with. */
const MIN_CALL_MS = 250;

/** `fn` raced against `deadline` on `clock`: its I/O gets an abort signal, and the caller gets a TransientError when time is up. */
export async function within<T>(clock: Clock, deadline: number, what: string, fn: (options: CallOptions) => Promise<T>): Promise<T> {
  if (!Number.isFinite(deadline)) return fn({});
  const remaining = deadline - clock.now();
  if (remaining < 1) throw new TransientError(`no time left for ${what}`);
  const controller = new AbortController();
  let expired = false;
  // On the system clock the timer must not keep the process alive after the pass.
  const alarm = clock === systemClock ? new Promise<void>((r) => setTimeout(r, remaining).unref()) : clock.sleep(remaining);
  const timer = alarm.then(() => {
    expired = true;
    controller.abort(new TransientError(`${what} did not finish before the deadline`));
  });
  const timeout = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new TransientError(`${what} did not finish before the deadline`)), { once: true });
  });
  timeout.catch(() => undefined);
  try {
    return await Promise.race([fn({ deadline, signal: controller.signal }), timeout]);
  } finally {
    if (!expired) controller.abort();
    void timer;
  }
}

/** A signal that aborts after `ms` of `clock` (none for an unbounded wait). */
function abortAfter(clock: Clock, ms: number): AbortSignal | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const controller = new AbortController();
  const alarm = clock === systemClock ? new Promise<void>((r) => setTimeout(r, Math.max(0, ms)).unref()) : clock.sleep(Math.max(0, ms));
  void alarm.then(() => controller.abort());
  return controller.signal;
}

function failure(outcome: Outcome, target: TargetRef, started: number, clock: Clock, reason: string, code: string): AuditRecord {
  return { type: 'audit', outcome, target, reason, code, at: started, durationMs: clock.now() - started };
}

/**
 * One pass: snapshot the cluster (a constant number of list calls), discover
 * annotated workloads and their policies, then hand them to the orchestrator's
 * `evaluateAll`: each workload gets its own share of what is left of the
 * deadline (one hung workload never starves the others), its metrics are polled
 * from the snapshot inside at most half of that share (a failed read counts for
 * `policy.fallback`), then it decides, pulls history for predictive rules,
 * applies with the resourceVersion, re-reads on 409 and records the outcome.
 * Notifications go out after all the scaling work.
 */
export async function runPass(ctx: PassContext): Promise<PassResult> {
  const startedAt = ctx.clock.now();
  const logger = ctx.logger ?? silentLogger;
  const deadline = ctx.deadline ?? Infinity;
  // With the CronJob's namespace known, policy ConfigMaps are read there only (its Role); without it (a local run), where the workloads are.
  const scope = {
    ...(ctx.namespaces.length > 0 ? { namespaces: ctx.namespaces } : {}),
    ...(ctx.policyNamespace ? { policyNamespaces: [ctx.policyNamespace] } : {}),
  };
  const snapshot = await withRetry(ctx.clock, logger, deadline, () =>
    within(ctx.clock, deadline, 'listing the cluster', () => ClusterSnapshot.take(ctx.api, scope)),
  );
  const discovery = discoverTargets(snapshot, {
    provider: ctx.provider.name,
    ...(ctx.policyNamespace ? { policyNamespace: ctx.policyNamespace } : {}),
    ...(ctx.defaultPolicy ? { defaultPolicy: ctx.defaultPolicy } : {}),
  });
  ctx.policies.current = discovery.policies;
  ctx.provider.usePass(snapshot);
  ctx.source.usePass(snapshot);
  try {
    const refused = discovery.targets
      .filter((t) => t.problem !== undefined)
      .map((t) => failure('rejected', t.ref, ctx.clock.now(), ctx.clock, t.problem!, 'VALIDATION'));
    const work = discovery.targets.filter((t) => t.problem === undefined).map((t) => t.ref);
    // The poll gets at most half the workload's share (the orchestrator's cap); a hung metrics.k8s.io four fifths
    // of that, then the poll goes on without samples (Prometheus readings and alarms still count).
    const poll = (ref: TargetRef, o: CallOptions): ReturnType<MetricsServerAlarmSource['pollReport']> => {
      const metricsSignal = o.deadline === undefined ? undefined : abortAfter(ctx.clock, ((o.deadline - ctx.clock.now()) * 4) / 5);
      return ctx.source.pollReport(ref, ctx.clock.now(), { ...o, ...(metricsSignal ? { metricsSignal } : {}) });
    };
    const result =
      work.length === 0
        ? { records: [] }
        : await ctx.autoscaler.evaluateAll(work, { concurrency: ctx.concurrency, signals: poll, ...(Number.isFinite(deadline) ? { deadline } : {}) });
    return { startedAt, durationMs: ctx.clock.now() - startedAt, targets: discovery.targets.length, records: [...refused, ...result.records] };
  } finally {
    ctx.provider.usePass(undefined);
    ctx.source.usePass(undefined);
  }
}
