import { TransientError, type AuditRecord, type Signal, type TargetRef } from '@autoscaler/core';
import { PROVIDER_NAME } from '@autoscaler/provider-aws-sagemaker';
import type { LambdaDeps } from './deps';

export interface HandlerResult {
  ok: boolean;
  /** `alarm` for an alarm delivery, `recheck` for the periodic evaluation. */
  kind: 'alarm' | 'recheck';
  records: AuditRecord[];
}

export interface InvocationOptions {
  /** Epoch ms of the deps' clock by which the invocation must be done (Lambda's remaining time minus a margin). */
  deadline?: number;
}

/** EventBridge's scheduled rule (the stack's periodic-evaluation timer). */
function isScheduledEvent(event: unknown): boolean {
  const e = event as { source?: unknown; 'detail-type'?: unknown } | null;
  return e !== null && typeof e === 'object' && e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

const FAILED = new Set(['error', 'rejected', 'conflict']);
const POLL_CONCURRENCY = 4;

/**
 * The Lambda's logic with its dependencies passed in. An alarm delivery (SNS, EventBridge or a
 * direct alarm action) goes through the orchestrator, which verifies it against CloudWatch. The
 * scheduled event is the periodic evaluation of every managed variant: alarms still in ALARM
 * (CloudWatch will not say so again) are acted on, and every other target gets
 * `evaluateAll` (schedules, bounds, predictive rules pulling CloudWatch history). Everything fits
 * in `options.deadline`. Transient failures throw, so Lambda retries the invocation; bad input
 * does not (a retry would fail the same way).
 */
export async function handleEvent(event: unknown, deps: LambdaDeps, options: InvocationOptions = {}): Promise<HandlerResult> {
  const run = options.deadline !== undefined ? { deadline: options.deadline } : {};
  deps.budget.set(options.deadline !== undefined ? { deadline: options.deadline } : undefined);
  try {
    let result: HandlerResult;
    if (isScheduledEvent(event)) {
      const records: AuditRecord[] = [];
      const targets = managedTargets(deps);
      const firing: Signal[] = [];
      const quiet: TargetRef[] = [];
      // Reading alarms may take at most a third of the budget (4 targets at a time): a hung
      // DescribeAlarms must leave the evaluations their time.
      const pollRun = options.deadline !== undefined ? { deadline: deps.clock.now() + Math.max(0, options.deadline - deps.clock.now()) / 3 } : {};
      for (let i = 0; i < targets.length; i += POLL_CONCURRENCY) {
        await Promise.all(
          targets.slice(i, i + POLL_CONCURRENCY).map(async (ref) => {
            try {
              const signals = await deps.source.poll(ref, deps.clock.now(), pollRun);
              if (signals.length > 0) firing.push(...signals);
              else quiet.push(ref);
            } catch (e) {
              // The alarms could not be read: the target still gets its periodic evaluation.
              deps.logger.log('warn', 're-check of alarms failed', { target: ref, error: (e as Error).message });
              quiet.push(ref);
            }
          }),
        );
      }
      if (firing.length > 0) records.push(...(await deps.autoscaler.handleSignals(firing, run)).records);
      if (quiet.length > 0) records.push(...(await deps.autoscaler.evaluateAll(quiet, run)).records);
      result = { ok: records.every((r) => !FAILED.has(r.outcome)), kind: 'recheck', records };
    } else {
      // The orchestrator awaits source.prepare (the SNS signing certificate) before parse, then verify.
      const out = await deps.autoscaler.handle(event, deps.source.name, run);
      result = { ok: out.ok, kind: 'alarm', records: out.records };
    }
    const transient = result.records.find((r) => r.outcome === 'error' && r.code === 'TRANSIENT');
    if (transient) throw new TransientError(`transient failure, asking Lambda to retry: ${transient.reason}`);
    return result;
  } finally {
    deps.budget.set(undefined);
  }
}

function managedTargets(deps: LambdaDeps): TargetRef[] {
  return deps.policies.flatMap((p) => p.targets.filter((t) => t.provider === PROVIDER_NAME));
}
