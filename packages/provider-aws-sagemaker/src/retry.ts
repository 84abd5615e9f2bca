/** What the SDK's retry middleware hands a strategy (structurally `RetryErrorInfo` of @smithy/types). */
export interface RetryErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** Delay before retry number `retry` (1-based) of an error of this type, in ms. */
export type BackoffFn = (retry: number, errorType: RetryErrorInfo['errorType']) => number;

/** Full-jitter exponential backoff, 100 ms base (500 ms when throttled), capped at 5 s. */
export const jitteredBackoff: BackoffFn = (retry, type) => Math.random() * Math.min(5_000, (type === 'THROTTLING' ? 500 : 100) * 2 ** (retry - 1));

const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay });

/**
 * SDK retries, deliberately bounded: at most `maxAttempts` calls per operation,
 * only for throttling, transient (network/timeout) and 5xx errors, with an
 * injectable backoff so tests never wait. The orchestrator retries
 * `TransientError` on top with its own clock, so keep this small.
 */
export class BoundedRetryStrategy {
  readonly mode = 'standard';
  constructor(
    readonly maxAttempts: number,
    private readonly backoff: BackoffFn = jitteredBackoff,
    /** Milliseconds left of the invocation in progress: no retry starts that could not finish in it. */
    private readonly remainingMs: () => number = () => Infinity,
    /** The time one attempt needs at least (the request timeout, when shorter than what is left). */
    private readonly attemptMs = 250,
  ) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number >= 1');
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = previous.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || retry >= this.maxAttempts) throw new Error('no more retries');
    const hinted = info.retryAfterHint ? Math.max(0, info.retryAfterHint.getTime() - Date.now()) : 0;
    const delay = Math.max(hinted === 0 ? 0 : Math.min(hinted, 20_000), this.backoff(retry, info.errorType));
    if (this.remainingMs() < delay + this.attemptMs) throw new Error('no retry: it could not finish before the deadline');
    return token(retry, delay);
  }

  recordSuccess(_token: RetryToken): void {
    // No retry quota to refill: attempts are bounded per call.
  }
}
