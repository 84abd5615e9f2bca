import { ConflictError, NotReadyError, TransientError } from '../errors';
import { systemClock } from '../ports/clock';
import { formatTarget, type ApplyHandle, type Capacity, type Clock, type PersistedState, type Provider, type TargetRef, type TargetState } from '../types';

export interface ApplyAndWaitOptions {
  clock?: Clock;
  /** Epoch ms by which the change must be done (default: 30 minutes from now). */
  deadline?: number;
  /** Time between describes while the change rolls out (default 2 s). */
  pollMs?: number;
  /** False: return once the cloud accepted the change. */
  wait?: boolean;
  /** Called after each describe while waiting. */
  onProgress?: (state: TargetState, elapsedMs: number) => void;
  /**
   * The autoscaler's memory after this change (e.g. an action mark, so the app's cooldowns and
   * `status` see a manual scale): sent with the change (`ApplyOptions.state`), or written right
   * after it where the cloud cannot carry it (`writeState`). Not called when nothing changes.
   */
  state?: (before: TargetState, to: Capacity, at: number) => PersistedState | undefined;
}

export interface ApplyAndWaitResult {
  target: TargetRef;
  from: Capacity;
  to: Capacity;
  /** `unchanged`: already there; `accepted`: applied, not waited for; `done`: ready at the new capacity. */
  status: 'unchanged' | 'accepted' | 'done';
  handle?: ApplyHandle;
  /** The last describe. */
  state: TargetState;
  /** From the first describe until this result, on the injected clock. */
  waitedMs: number;
}

const sameCapacity = (a: Capacity, b: Capacity): boolean =>
  a.replicas === b.replicas &&
  (b.size === undefined || a.size === b.size) &&
  (b.bandwidthMbps === undefined || a.bandwidthMbps === b.bandwidthMbps) &&
  (b.weight === undefined || a.weight === b.weight);

/**
 * The one "scale and wait" every cloud's CLI uses: describe, refuse unless ready (NotReadyError
 * says why: a busy target is not an invalid id), apply with the version, then describe until
 * the target is ready at the new capacity or the deadline passes. One error per situation on
 * every cloud: busy before or between read and write (ConflictError from the cloud) is
 * NotReadyError, failed or gone after the change is NotReadyError naming the status, and not
 * ready by the deadline is TransientError.
 */
export async function applyAndWait(
  provider: Provider,
  ref: TargetRef,
  change: Partial<Capacity>,
  options: ApplyAndWaitOptions = {},
): Promise<ApplyAndWaitResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const deadline = options.deadline ?? started + 30 * 60_000;
  provider.validateId(ref.id);
  const before = await provider.describe(ref, { deadline });
  if (before.status !== 'ready')
    throw new NotReadyError(`${formatTarget(ref)} is ${before.status}${before.reason ? ` (${before.reason})` : ''}; try again once it is ready`);
  const to: Capacity = { ...before.capacity, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
  const result = (status: ApplyAndWaitResult['status'], state: TargetState, handle?: ApplyHandle): ApplyAndWaitResult => ({
    target: ref,
    from: before.capacity,
    to,
    status,
    ...(handle ? { handle } : {}),
    state,
    waitedMs: clock.now() - started,
  });
  if (sameCapacity(before.capacity, to)) return result('unchanged', before);
  const memory = options.state?.(before, to, clock.now());
  const handle = await provider
    .apply(ref, to, { ...(before.version !== undefined ? { ifMatch: before.version } : {}), ...(memory ? { state: memory } : {}), deadline })
    .catch((e: unknown) => {
      if (e instanceof ConflictError)
        throw new NotReadyError(`${formatTarget(ref)} changed or started updating since it was read (${e.message}); try again once it is ready`);
      throw e;
    });
  if (memory && handle.stateWritten !== true) await provider.writeState(ref, memory, { deadline });
  if (options.wait === false) return result('accepted', before, handle);
  const pollMs = options.pollMs ?? 2_000;
  for (;;) {
    const state = await provider.describe(ref, { deadline });
    options.onProgress?.(state, clock.now() - started);
    if (state.status === 'ready' && sameCapacity(state.capacity, to)) return result('done', state, handle);
    if (state.status === 'failed' || state.status === 'missing')
      throw new NotReadyError(`${formatTarget(ref)} is ${state.status} after the change${state.reason ? ` (${state.reason})` : ''}`);
    if (clock.now() + pollMs > deadline)
      throw new TransientError(
        `${formatTarget(ref)} was not ready at ${to.replicas}${to.size ? ` x ${to.size}` : ''} before the deadline (still ${state.status})`,
      );
    await clock.sleep(pollMs);
  }
}
