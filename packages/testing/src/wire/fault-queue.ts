import type { FakeRequest } from './fake-request';

/**
 * One injected misbehaviour. With `status` the fake answers it instead of the
 * real handler; with only `delayMs` the request is slowed and then served;
 * with `drop` the connection is destroyed without an answer.
 */
export interface Fault {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long (on the server's clock) before answering or serving. */
  delayMs?: number;
  /** Destroy the socket without a response (the SDK sees a reset / hang-up). */
  drop?: boolean;
  /** Only requests this accepts consume the fault (e.g. only the update call). */
  match?: (req: FakeRequest) => boolean;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

/** Faults queued for the next matching requests, first in first out. */
export class FaultQueue {
  private readonly queue: Array<{ fault: Fault; left: number }> = [];

  /** Queue a fault for the next matching request (or `times` of them). */
  next(fault: Fault): this {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('fault.times must be a whole number >= 1');
    this.queue.push({ fault, left: times });
    return this;
  }

  /** The fault for this request, if any, consuming one use of it. */
  take(req: FakeRequest): Fault | undefined {
    const i = this.queue.findIndex((q) => q.fault.match === undefined || q.fault.match(req));
    if (i === -1) return undefined;
    const entry = this.queue[i]!;
    entry.left--;
    if (entry.left === 0) this.queue.splice(i, 1);
    return entry.fault;
  }

  /** Faults not yet consumed (a test can assert its faults were actually hit). */
  get pending(): number {
    return this.queue.reduce((n, q) => n + q.left, 0);
  }

  clear(): void {
    this.queue.length = 0;
  }
}
