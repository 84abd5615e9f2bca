import type { Clock } from '../types';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A clock tests and the simulator move by hand. `sleep` resolves when `advance`
 * passes its deadline, so retry/backoff code runs without real waiting.
 */
export class ManualClock implements Clock {
  private t: number;
  private sleepers: Array<{ until: number; resolve: () => void }> = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.sleepers.push({ until: this.t + ms, resolve }));
  }

  /** Move time forward, waking sleepers whose deadline passed. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(t: number): void {
    this.t = t;
    const due = this.sleepers.filter((s) => s.until <= t);
    this.sleepers = this.sleepers.filter((s) => s.until > t);
    for (const s of due) s.resolve();
  }

  /** Sleepers still waiting (lets tests advance exactly when code is blocked). */
  get pending(): number {
    return this.sleepers.length;
  }
}

/** A clock that never waits: sleep advances its own time at once. For retries in tests. */
export class InstantClock implements Clock {
  constructor(private t = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += Math.max(0, ms);
  }
}
