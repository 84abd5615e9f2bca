import { buildDeps, type LambdaDeps } from './deps';
import { handleEvent, type HandlerResult } from './handle-event';

// Built once per container: SDK clients, the provider, the policy, the orchestrator.
let deps: Promise<LambdaDeps> | undefined;

/** The Lambda entry point for SNS, EventBridge, direct alarm-action and scheduled re-check events. */
export const handler = async (event: unknown): Promise<HandlerResult> => {
  deps ??= buildDeps(process.env).catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  return handleEvent(event, await deps);
};
