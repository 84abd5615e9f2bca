import { TransientError } from '../errors';
import { InstantClock, systemClock } from '../ports/clock';
import type { CallOptions, Clock } from '../types';

/** Resolves after `ms` of `clock`; on the system clock the timer never keeps the process alive. */
function alarmAfter(clock: Clock, ms: number): Promise<void> {
  // An InstantClock's sleep jumps its time forward at once: a backstop there would spend the whole
  // budget before the call ran. On it calls finish or fail on their own; no backstop is armed.
  if (clock instanceof InstantClock) return new Promise<void>(() => undefined);
  if (clock !== systemClock) return clock.sleep(ms);
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The time an invocation (or one target's share of it) may still spend. Every outside call
 * gets the deadline and an abort signal; no retry starts that could end after it.
 */
export class Budget {
  private readonly controller = new AbortController();
  private timer: Promise<void> | undefined;

  constructor(
    private readonly clock: Clock,
    /** Epoch milliseconds of `clock`; Infinity when the caller gave none. */
    readonly deadline: number,
  ) {}

  remaining(): number {
    return this.deadline - this.clock.now();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A share of what is left: `parts` targets still to run on `workers` in parallel. */
  share(parts: number, workers: number): Budget {
    if (!Number.isFinite(this.deadline)) return new Budget(this.clock, Infinity);
    const waves = Math.max(1, Math.ceil(parts / Math.max(1, workers)));
    return new Budget(this.clock, this.clock.now() + Math.max(0, this.remaining()) / waves);
  }

  callOptions(): CallOptions {
    return Number.isFinite(this.deadline) ? { deadline: this.deadline, signal: this.signal } : { signal: this.signal };
  }

  /** Throws when less than `ms` is left: a call that cannot finish in time is not started. */
  ensure(ms: number, what: string): void {
    if (this.remaining() < ms) throw new TransientError(`no time left for ${what} (${Math.max(0, Math.round(this.remaining()))} ms of the budget remain)`);
  }

  /**
   * Runs `fn` but gives up when the deadline passes, aborting its I/O. A provider that honours
   * `CallOptions` returns on its own; this is the backstop for one that does not.
   */
  async run<T>(what: string, fn: (options: CallOptions) => Promise<T>): Promise<T> {
    if (!Number.isFinite(this.deadline)) return fn(this.callOptions());
    this.ensure(1, what);
    this.timer ??= alarmAfter(this.clock, Math.max(0, this.remaining())).then(() => this.controller.abort(new TransientError('deadline reached')));
    const expired = new Promise<never>((_, reject) => {
      const fail = (): void => reject(new TransientError(`${what} did not finish before the deadline`));
      if (this.controller.signal.aborted) fail();
      else this.controller.signal.addEventListener('abort', fail, { once: true });
    });
    expired.catch(() => undefined);
    return Promise.race([fn(this.callOptions()), expired]);
  }
}
