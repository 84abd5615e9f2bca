import type { FakeRequest } from './fake-request';

/** What every queued fault says: how many requests it applies to (default 1; `Infinity` until cleared). */
export interface QueuedFault {
  times?: number;
}

/**
 * One injected misbehaviour. With `status` the fake answers it instead of the
 * real handler; with only `delayMs` the request is slowed and then served;
 * with `drop` the connection is destroyed without an answer.
 */
export interface Fault extends QueuedFault {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long (on the server's clock) before answering or serving. */
  delayMs?: number;
  /** Destroy the socket without a response (the SDK sees a reset / hang-up). */
  drop?: boolean;
  /** Only requests this accepts consume the fault (e.g. only the update call). */
  match?: (req: FakeRequest) => boolean;
}

/**
 * Faults queued for the next matching requests, first in first out. `F` is the fake's own fault
 * shape when it matches on more than the raw request (e.g. AWS: service and operation, after auth).
 */
export class FaultQueue<F extends QueuedFault = Fault> {
  private readonly queue: Array<{ fault: F; left: number }> = [];

  /** Queue a fault for the next matching request (or `times` of them). */
  next(fault: F): this {
    const times = fault.times ?? 1;
    if (!(Number.isInteger(times) || times === Infinity) || times < 1) throw new RangeError('fault.times must be a whole number >= 1 or Infinity');
    this.queue.push({ fault, left: times });
    return this;
  }

  /** The first queued fault `accepts` takes, consuming one use of it. */
  takeFirst(accepts: (fault: F) => boolean): F | undefined {
    const i = this.queue.findIndex((q) => accepts(q.fault));
    if (i === -1) return undefined;
    const entry = this.queue[i]!;
    entry.left--;
    if (entry.left === 0) this.queue.splice(i, 1);
    return entry.fault;
  }

  /** The fault for this request, if any, consuming one use of it. */
  take(this: FaultQueue<Fault>, req: FakeRequest): Fault | undefined {
    return this.takeFirst((f) => f.match === undefined || f.match(req));
  }

  /** Faults not yet consumed (a test can assert its faults were actually hit). */
  get pending(): number {
    return this.queue.reduce((n, q) => n + q.left, 0);
  }

  clear(): void {
    this.queue.length = 0;
  }
}
