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
/** How long an abandoned call may take to wind down after its abort (within the deadline). */
const SETTLE_MS = 25;

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
  // The timer fires SETTLE_MS early: after the abort, the SDK call gets that long to wind
  // down (its fetch rejects at once, no retry follows), so nothing of it outlives the deadline.
  const ms = Math.max(0, Math.min(left, capMs) - SETTLE_MS);
  if (!Number.isFinite(ms) && !signal) return call(what, fn);
  // Aborted once the call is settled or given up: the request it made (if any) stops too.
  const controller = new AbortController();
  const running = callSignal.run(controller.signal, () => call(what, fn));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const giveUp = (error: TransientError): void => {
      if (done) return;
      done = true;
      cleanup();
      controller.abort();
      const grace = setTimeout(() => reject(error), SETTLE_MS);
      grace.unref?.();
      running
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          clearTimeout(grace);
          reject(error);
        });
    };
    const onAbort = (): void => giveUp(new TransientError(`${what}: aborted`));
    const timer = Number.isFinite(ms)
      ? setTimeout(() => giveUp(new TransientError(`${what}: no answer within ${Math.round(ms + SETTLE_MS)} ms`)), ms)
      : undefined;
    timer?.unref?.();
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    running.then(
      (v) => {
        if (done) return;
        done = true;
        cleanup();
        controller.abort();
        resolve(v);
      },
      (e: unknown) => {
        if (done) return;
        done = true;
        cleanup();
        controller.abort();
        // The SDK's rejection passes through unchanged: the error translator reads its fields.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(e);
      },
    );
  });
}
