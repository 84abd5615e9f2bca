import { AsyncLocalStorage } from 'node:async_hooks';
import { TransientError, systemClock, type CallOptions, type Clock } from '@autoscaler/core';
import { call } from './errors';

/**
 * The abort signal of the `callWithin` a request runs in. The SDK clients' fetch options read
 * it (clients.ts), so a call given up at its deadline also closes its connection instead of
 * leaving it open until the client's own timeout.
 */
export const callSignal = new AsyncLocalStorage<AbortSignal>();

/** Least time worth starting an outside call with. */
export const MIN_CALL_MS = 200;

/**
 * One SDK call that cannot outlive the caller's budget: it is not started with less than
 * `MIN_CALL_MS` left before `options.deadline`, and it is given up (TransientError) when the
 * deadline passes or `options.signal` aborts. SDK errors are translated as `call` does.
 * The timer counts the time left on `clock` in real milliseconds and never keeps the
 * process alive.
 */
export function callWithin<T>(what: string, options: CallOptions | undefined, fn: () => Promise<T>, clock: Clock = systemClock, capMs = Infinity): Promise<T> {
  const deadline = options?.deadline;
  const signal = options?.signal;
  const left = deadline === undefined ? Infinity : deadline - clock.now();
  if (signal?.aborted) return Promise.reject(new TransientError(`${what}: aborted before the call`));
  if (left < MIN_CALL_MS) return Promise.reject(new TransientError(`${what}: not started, ${Math.max(0, Math.round(left))} ms left before the deadline`));
  const ms = Math.min(left, capMs);
  if (!Number.isFinite(ms) && !signal) return call(what, fn);
  // Aborted once the call is settled or given up: the request it made (if any) stops too.
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const onAbort = (): void => finish(() => reject(new TransientError(`${what}: aborted`)));
    const timer = Number.isFinite(ms) ? setTimeout(() => finish(() => reject(new TransientError(`${what}: no answer within ${Math.round(ms)} ms`))), Math.max(0, ms)) : undefined;
    timer?.unref?.();
    const finish = (then: () => void): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
      then();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    callSignal.run(controller.signal, () => call(what, fn)).then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
