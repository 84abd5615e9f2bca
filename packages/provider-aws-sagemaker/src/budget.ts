import { TransientError, systemClock, type CallOptions, type Clock } from '@autoscaler/core';

/** What one SDK `send` gets: an abort signal that fires at the deadline and a per-attempt request timeout. */
export interface HttpCallOptions {
  abortSignal?: AbortSignal;
  requestTimeout?: number;
}

/** Below this much time left no call is started: it could not finish. */
export const MIN_CALL_MS = 100;
/** Per-attempt request timeout when no deadline is closer. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** The earlier of two budgets (either may be absent); both signals abort the call. */
export function mergeBudgets(a: CallOptions | undefined, b: CallOptions | undefined): CallOptions | undefined {
  if (!a) return b;
  if (!b) return a;
  const deadline = a.deadline === undefined ? b.deadline : b.deadline === undefined ? a.deadline : Math.min(a.deadline, b.deadline);
  const signals = [a.signal, b.signal].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 2 ? AbortSignal.any(signals) : signals[0];
  return { ...(deadline !== undefined ? { deadline } : {}), ...(signal ? { signal } : {}) };
}

/**
 * Run one SDK call inside a budget: refuse to start it when the deadline (epoch ms of the
 * injected clock) is too close, give each attempt a request timeout no longer than the time
 * left, and abort it (all its SDK retries included) when the time is up. The abort timer is
 * real time and unref'd, and cleared when the call ends.
 */
export async function withinBudget<T>(what: string, budget: CallOptions | undefined, clock: Clock, fn: (http: HttpCallOptions) => Promise<T>): Promise<T> {
  if (budget?.signal?.aborted) throw new TransientError(`${what}: not started, the invocation was aborted`);
  if (budget?.deadline === undefined) return fn(budget?.signal ? { abortSignal: budget.signal } : {});
  const left = budget.deadline - clock.now();
  if (left < MIN_CALL_MS) throw new TransientError(`${what}: not started, only ${Math.max(0, Math.round(left))} ms left before the deadline`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TransientError(`${what}: aborted at the invocation's deadline`)), left);
  timer.unref?.();
  const signal = budget.signal ? AbortSignal.any([budget.signal, controller.signal]) : controller.signal;
  try {
    return await fn({ abortSignal: signal, requestTimeout: Math.max(MIN_CALL_MS, Math.min(DEFAULT_REQUEST_TIMEOUT_MS, left)) });
  } finally {
    clearTimeout(timer);
  }
}

/** A per-invocation budget holder: the app sets it when an invocation starts (one invocation per Lambda container at a time). */
export class InvocationBudget {
  private current: CallOptions | undefined;
  constructor(readonly clock: Clock = systemClock) {}
  set(options: CallOptions | undefined): void {
    this.current = options;
  }
  get(): CallOptions | undefined {
    return this.current;
  }
  /** Milliseconds left (Infinity without a deadline). */
  remainingMs(): number {
    const d = this.current?.deadline;
    return d === undefined ? Infinity : d - this.clock.now();
  }
}
