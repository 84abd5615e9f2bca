import type { Capacity, TargetRef } from './target';
import type { ScaleDecision } from './decision';
import type { CallOptions } from './metrics';
import type { Issue } from '../errors';

/** Time is injected so tests and the simulator never sleep. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolve after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured logging: one JSON object per line. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export type Outcome = 'scaled' | 'resized' | 'no-action' | 'dry-run' | 'skipped' | 'duplicate' | 'rejected' | 'conflict' | 'error';

/** One structured record per outcome of handling one target's signals. */
export interface AuditRecord {
  type: 'audit';
  outcome: Outcome;
  target?: TargetRef;
  rule?: string;
  from?: Capacity;
  to?: Capacity;
  reason: string;
  dedupeKey?: string;
  /** Stable error code when the outcome is an error or rejection. */
  code?: string;
  /** For a delivery refused as a whole (`VALIDATION`): each field it got wrong, by path. */
  issues?: Issue[];
  /** Provider handle of the change (work request id, endpoint ARN, rollout). */
  handle?: string;
  dryRun?: boolean;
  /** Epoch milliseconds when handling started. */
  at: number;
  durationMs: number;
  decision?: ScaleDecision;
}

/** Tells people about actions: webhook/Slack, ONS topic, SNS topic. */
export interface Notifier {
  readonly name: string;
  /** Called after the scaling work, outside the per-target lock, within a short budget (`options.signal` aborts it). */
  notify(record: AuditRecord, options?: CallOptions): Promise<void>;
}

/**
 * Process-wide store for dedupe claims. `claim` must be atomic: of N concurrent
 * claims of one key, exactly one resolves true.
 */
export interface StateStore {
  claim(key: string, ttlMs: number, now: number): Promise<boolean>;
  release(key: string): Promise<void>;
}
