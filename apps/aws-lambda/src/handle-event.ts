import { TransientError, type AuditRecord, type TargetRef } from '@autoscaler/core';
import { PROVIDER_NAME } from '@autoscaler/provider-aws-sagemaker';
import type { LambdaDeps } from './deps';

export interface HandlerResult {
  ok: boolean;
  /** `alarm` for an alarm delivery, `recheck` for the periodic re-evaluation. */
  kind: 'alarm' | 'recheck';
  records: AuditRecord[];
}

/** EventBridge's scheduled rule (the stack's re-check timer). */
function isScheduledEvent(event: unknown): boolean {
  const e = event as { source?: unknown; 'detail-type'?: unknown } | null;
  return e !== null && typeof e === 'object' && e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

/**
 * The Lambda's logic with its dependencies passed in. An alarm delivery (SNS,
 * EventBridge or a direct alarm action) goes through the orchestrator; the
 * scheduled event re-checks every managed variant: alarms still in ALARM
 * (CloudWatch will not say so again) and schedules/bounds. Transient failures
 * throw, so Lambda retries the invocation; bad input does not (a retry would
 * fail the same way).
 */
export async function handleEvent(event: unknown, deps: LambdaDeps): Promise<HandlerResult> {
  let result: HandlerResult;
  if (isScheduledEvent(event)) {
    const records: AuditRecord[] = [];
    for (const ref of managedTargets(deps)) {
      try {
        const signals = await deps.source.poll(ref, deps.clock.now());
        if (signals.length > 0) records.push(...(await deps.autoscaler.handleSignals(signals)).records);
        else records.push(await deps.autoscaler.evaluate(ref));
      } catch (e) {
        records.push({ type: 'audit', outcome: 'error', target: ref, reason: `re-check failed: ${(e as Error).message}`, code: (e as { code?: string }).code ?? 'INTERNAL', at: deps.clock.now(), durationMs: 0 });
      }
    }
    result = { ok: records.every((r) => r.outcome !== 'error' && r.outcome !== 'rejected' && r.outcome !== 'conflict'), kind: 'recheck', records };
  } else {
    // The orchestrator awaits source.prepare (the SNS signing certificate) before parse.
    const out = await deps.autoscaler.handle(event, deps.source.name);
    result = { ok: out.ok, kind: 'alarm', records: out.records };
  }
  const transient = result.records.find((r) => r.outcome === 'error' && r.code === 'TRANSIENT');
  if (transient) throw new TransientError(`transient failure, asking Lambda to retry: ${transient.reason}`);
  return result;
}

function managedTargets(deps: LambdaDeps): TargetRef[] {
  return deps.policies.flatMap((p) => p.targets.filter((t) => t.provider === PROVIDER_NAME));
}
