import type { StateStore } from '../types';

/**
 * Dedupe claims held in process memory: enough for one warm Lambda/Function
 * container or one CronJob pass. Across containers the target's persisted
 * dedupe keys and `ifMatch` catch what this cannot.
 */
export class MemoryStateStore implements StateStore {
  private readonly claims = new Map<string, number>();
  constructor(private readonly maxEntries = 10_000) {}

  async claim(key: string, ttlMs: number, now: number): Promise<boolean> {
    return this.claimSync(key, ttlMs, now);
  }

  /** Synchronous core of `claim`: check-and-set with no await in between, so it is atomic. */
  claimSync(key: string, ttlMs: number, now: number): boolean {
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    // Re-inserted, not updated in place: a renewed claim must count as the newest for eviction.
    if (until !== undefined) this.claims.delete(key);
    this.claims.set(key, now + ttlMs);
    if (this.claims.size > this.maxEntries) this.evict(now);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }

  /**
   * Drops expired claims, then the oldest insertions down to 90 % of the limit: evicting to just
   * under the limit made every claim of a full store scan all of it.
   */
  private evict(now: number): void {
    for (const [k, until] of this.claims) if (until <= now) this.claims.delete(k);
    const keep = Math.max(1, Math.floor(this.maxEntries * 0.9));
    for (const k of this.claims.keys()) {
      if (this.claims.size <= keep) break;
      this.claims.delete(k);
    }
  }
}
