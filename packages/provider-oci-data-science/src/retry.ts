import type { RetryConfiguration } from 'oci-common';
import { callSignal } from './deadline';

/**
 * Deliberate retries for the SDK clients. The SDK's own default retries
 * UpdateModelDeployment 8 times with up to 30 s between tries — longer than a
 * function runs — and also retries 409. Here: 429, 500/502/503/504 and network
 * failures only, never 409/412 (a version conflict is for the orchestrator to
 * re-decide), a few attempts, and never past the caller's deadline.
 */
export interface RetryPolicy {
  /** Attempts per call including the first. Default 3. */
  maxAttempts: number;
  /** First back-off; doubles per attempt with jitter. Default 250 ms. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Epoch ms after which no retry starts (the function's deadline minus a margin). */
  deadline?: () => number | undefined;
  now?: () => number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 };

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(statusCode: unknown): boolean {
  if (typeof statusCode !== 'number' || !Number.isFinite(statusCode) || statusCode <= 0) return true; // no answer: network
  return RETRYABLE_STATUS.has(statusCode);
}

function ceilingMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

export function retryConfiguration(partial: Partial<RetryPolicy> = {}): RetryConfiguration {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...partial };
  const now = policy.now ?? Date.now;
  return {
    retryCondition: (e) => isRetryableStatus(e.statusCode),
    backupBinaryBody: false,
    terminationStrategy: {
      shouldTerminate(ctx) {
        if (ctx.attemptCount + 1 >= policy.maxAttempts) return true;
        // The call was given up (its deadline, or the caller aborted): no retry after that.
        if (callSignal.getStore()?.aborted) return true;
        const deadline = policy.deadline?.();
        return deadline !== undefined && now() + ceilingMs(policy, ctx.attemptCount) >= deadline;
      },
    },
    delayStrategy: {
      // Equal jitter; the SDK wants seconds.
      delay(ctx) {
        const ceiling = ceilingMs(policy, ctx.attemptCount);
        return (ceiling / 2 + (policy.random ?? Math.random)() * (ceiling / 2)) / 1000;
      },
    },
  };
}
