import { buildDeps, type LambdaDeps } from './deps';
import { handleEvent, type HandlerResult } from './handle-event';

// Built once per container: SDK clients, the provider, the policy, the orchestrator.
let deps: Promise<LambdaDeps> | undefined;

/** The part of Lambda's context object the handler reads. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/**
 * The deadline of this invocation on the deps' clock: Lambda's remaining time minus a margin
 * kept for the response and the last log lines.
 */
export function invocationDeadline(d: Pick<LambdaDeps, 'clock' | 'config'>, context: LambdaContextLike | undefined): number | undefined {
  const remaining = context?.getRemainingTimeInMillis();
  if (remaining === undefined || !Number.isFinite(remaining)) return undefined;
  return d.clock.now() + Math.max(0, remaining - d.config.AUTOSCALER_DEADLINE_MARGIN_MS);
}

/** The Lambda entry point for SNS, EventBridge, direct alarm-action and scheduled events. */
export const handler = async (event: unknown, context?: LambdaContextLike): Promise<HandlerResult> => {
  deps ??= buildDeps(process.env).catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  const d = await deps;
  const deadline = invocationDeadline(d, context);
  return handleEvent(event, d, deadline !== undefined ? { deadline } : {});
};
