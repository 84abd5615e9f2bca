import { decide } from '../engine/decide';
import { AutoscalerError, ConflictError, NotManagedError, TransientError, ValidationError } from '../errors';
import type { Policy } from '../policy/schema';
import { silentLogger } from '../ports/logger';
import { systemClock } from '../ports/clock';
import { MemoryStateStore } from '../ports/state-store';
import {
  formatTarget,
  type AlarmSource,
  type ApplyHandle,
  type ApplyOptions,
  type AuditRecord,
  type Clock,
  type Logger,
  type Notifier,
  type Outcome,
  type PersistedState,
  type Provider,
  type ScaleDecision,
  type Signal,
  type StateStore,
  type TargetRef,
  type TargetState,
} from '../types';
import { KeyedLock } from './keyed-lock';
import { listsTarget, type PolicyResolver } from './policy-resolver';

export interface RetryOptions {
  /** Attempts for a call failing with `TransientError` (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
}

export interface AutoscalerOptions {
  providers: readonly Provider[];
  sources?: readonly AlarmSource[];
  policies: PolicyResolver;
  clock?: Clock;
  logger?: Logger;
  notifiers?: readonly Notifier[];
  /** Builds notifiers a policy asks for (`notifications:`); apps pass their cloud's. */
  notifiersFor?: (policy: Policy) => readonly Notifier[];
  store?: StateStore;
  /** How long a dedupe key is remembered in process. */
  dedupeTtlMs?: number;
  /** How many dedupe keys are persisted on the target. */
  persistedDedupeKeys?: number;
  retry?: RetryOptions;
}

export interface HandleResult {
  /** One audit record per target (or one for the whole event when it could not be parsed). */
  records: AuditRecord[];
  /** False when any record is an error, rejection or conflict. */
  ok: boolean;
}

const FAILED: ReadonlySet<Outcome> = new Set(['error', 'rejected', 'conflict']);

/**
 * The orchestrator every app calls:
 * parse -> resolve policy -> dedupe -> describe -> skip unless ready -> decide ->
 * guard -> apply with ifMatch (re-decide once on conflict) -> write state -> notify -> audit.
 * It never throws for bad input: every outcome is an audit record.
 */
export class Autoscaler {
  private readonly providers = new Map<string, Provider>();
  private readonly sources = new Map<string, AlarmSource>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly store: StateStore;
  private readonly lock = new KeyedLock();
  private readonly dedupeTtlMs: number;
  private readonly persistedDedupeKeys: number;
  private readonly retry: RetryOptions;

  constructor(private readonly options: AutoscalerOptions) {
    for (const p of options.providers) this.providers.set(p.name, p);
    for (const s of options.sources ?? []) this.sources.set(s.name, s);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.store = options.store ?? new MemoryStateStore();
    this.dedupeTtlMs = options.dedupeTtlMs ?? 6 * 3_600_000;
    this.persistedDedupeKeys = options.persistedDedupeKeys ?? 20;
    this.retry = options.retry ?? { attempts: 3, baseDelayMs: 200 };
  }

  /** Parse a raw delivery with an alarm source (the first registered unless named) and act on it. */
  async handle(raw: unknown, sourceName?: string): Promise<HandleResult> {
    const started = this.clock.now();
    const source = sourceName === undefined ? this.sources.values().next().value : this.sources.get(sourceName);
    if (source === undefined) {
      return this.finish([this.record('rejected', started, { reason: `no alarm source ${sourceName ?? ''} registered`.trim(), code: 'VALIDATION' })]);
    }
    let signals: Signal[];
    try {
      await source.prepare?.(raw);
    } catch (e) {
      // e.g. a signing certificate that cannot be fetched: parse() then refuses the envelope clearly.
      this.logger.log('warn', `alarm source ${source.name} could not prepare the delivery`, { error: (e as Error).message });
    }
    try {
      signals = source.parse(raw);
      if (source.verify) signals = await source.verify(signals);
    } catch (e) {
      return this.finish([this.errorRecord(e, started, {})]);
    }
    return this.handleSignals(signals);
  }

  /** Act on already-parsed signals, grouped by target (targets are handled concurrently). */
  async handleSignals(signals: readonly Signal[]): Promise<HandleResult> {
    if (signals.length === 0) {
      return this.finish([this.record('no-action', this.clock.now(), { reason: 'the delivery carried no signals' })]);
    }
    const groups = new Map<string, { ref: TargetRef; signals: Signal[] }>();
    for (const s of signals) {
      const key = formatTarget(s.target);
      const g = groups.get(key);
      if (g) g.signals.push(s);
      else groups.set(key, { ref: s.target, signals: [s] });
    }
    const records = await Promise.all([...groups.values()].map((g) => this.lock.run(formatTarget(g.ref), () => this.handleTarget(g.ref, g.signals))));
    return this.finish(records);
  }

  /** A periodic evaluation with no new signal: schedules and bounds still apply. */
  async evaluate(ref: TargetRef, signals: readonly Signal[] = []): Promise<AuditRecord> {
    return this.lock.run(formatTarget(ref), () => this.handleTarget(ref, signals));
  }

  private async handleTarget(ref: TargetRef, incoming: readonly Signal[]): Promise<AuditRecord> {
    const started = this.clock.now();
    const dedupeKey = incoming.map((s) => s.dedupeKey).join(',') || undefined;
    const base = { target: ref, ...(dedupeKey ? { dedupeKey } : {}) };
    const claimed: string[] = [];
    try {
      const provider = this.providers.get(ref.provider);
      if (!provider) throw ValidationError.field('target.provider', `no provider "${ref.provider}" is registered (have: ${[...this.providers.keys()].join(', ')})`);
      provider.validateId(ref.id);
      const policy = await this.options.policies.resolve(ref);
      if (!policy) throw new NotManagedError(`no policy governs ${formatTarget(ref)}: refusing to act`);

      // In-process dedupe: of N concurrent copies exactly one claims each key. Keys are per
      // target, as on the target itself: one alarm delivery may name several targets.
      const fresh: Signal[] = [];
      for (const s of incoming) {
        const key = `${formatTarget(ref)} ${s.dedupeKey}`;
        if (await this.store.claim(key, this.dedupeTtlMs, started)) {
          claimed.push(key);
          fresh.push(s);
        }
      }
      if (incoming.length > 0 && fresh.length === 0) {
        return this.record('duplicate', started, { ...base, reason: 'every signal was already handled (dedupe key seen)' });
      }

      let state = await this.withRetry(() => provider.describe(ref));
      if (!listsTarget(policy, ref) && !state.managed) {
        throw new NotManagedError(`${formatTarget(ref)} is not listed by policy "${policy.name}" nor tagged as managed: refusing to act`);
      }
      let signals = fresh.filter((s) => !state.persisted.dedupeKeys.includes(s.dedupeKey));
      if (fresh.length > 0 && signals.length === 0) {
        return this.record('duplicate', started, { ...base, reason: 'every signal was already handled (dedupe key persisted on the target)' });
      }
      if (state.status !== 'ready') {
        await this.releaseAll(claimed);
        return this.record('skipped', started, { ...base, from: state.capacity, reason: `target ${state.status}${state.reason ? `: ${state.reason}` : ''}; not acting until it is ready` });
      }

      let decision = decide(policy, state, signals, {}, started);
      let handle: ApplyHandle | undefined;
      let next: PersistedState | undefined;
      if (decision.action !== 'none' && !policy.dryRun) {
        // The memory travels with the change, so a provider that can write both in one call
        // (OCI freeform tags, Kubernetes annotations) never leaves a change without its dedupe keys.
        next = this.nextState(state, decision, signals, policy, true);
        try {
          handle = await this.withRetry(() => provider.apply(ref, decision.to, this.applyOptions(state, next!)));
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e;
          // Someone changed the target since describe: look again and decide once more.
          state = await this.withRetry(() => provider.describe(ref));
          if (!listsTarget(policy, ref) && !state.managed) throw new NotManagedError(`${formatTarget(ref)} stopped being managed during the update: refusing to act`);
          signals = signals.filter((s) => !state.persisted.dedupeKeys.includes(s.dedupeKey));
          if (signals.length === 0 && fresh.length > 0) return this.record('duplicate', started, { ...base, reason: 'handled by a concurrent delivery (seen after a version conflict)' });
          if (state.status !== 'ready') {
            await this.releaseAll(claimed);
            return this.record('skipped', started, { ...base, from: state.capacity, reason: `target ${state.status} after a version conflict; not acting until it is ready` });
          }
          decision = decide(policy, state, signals, {}, this.clock.now());
          next = undefined;
          if (decision.action !== 'none') {
            next = this.nextState(state, decision, signals, policy, true);
            handle = await this.withRetry(() => provider.apply(ref, decision.to, this.applyOptions(state, next!)));
          }
        }
      }

      const outcome: Outcome = decision.action === 'none' ? 'no-action' : policy.dryRun ? 'dry-run' : decision.action === 'resize' ? 'resized' : 'scaled';
      if (next && !handle?.stateWritten) {
        await this.persist(provider, ref, next);
      } else if (outcome === 'no-action' && this.wantsRecommendations(policy) && decision.recommendation !== undefined && !this.recentlyRecorded(state, decision.recommendation, policy)) {
        await this.persist(provider, ref, this.nextState(state, decision, signals, policy, false));
      }
      const record = this.record(outcome, started, {
        ...base,
        from: decision.from,
        to: decision.to,
        reason: decision.reason,
        decision,
        ...(decision.rule ? { rule: decision.rule } : {}),
        ...(handle ? { handle: handle.id } : {}),
        ...(policy.dryRun ? { dryRun: true } : {}),
      });
      if (outcome !== 'no-action') await this.notify(policy, record);
      return record;
    } catch (e) {
      if (e instanceof TransientError || e instanceof ConflictError) await this.releaseAll(claimed);
      return this.errorRecord(e, started, base);
    }
  }

  /**
   * The same recommendation is stored again only once the stored copy is half a window old:
   * a window then always holds a copy of a value recommended throughout it, and a steady
   * target costs two writes per window instead of one per pass.
   */
  private recentlyRecorded(state: TargetState, replicas: number, policy: Policy): boolean {
    const last = state.persisted.recommendations.at(-1);
    const window = Math.min(...[policy.limits.stabilization.scaleIn, policy.limits.stabilization.scaleOut].filter((w) => w > 0)) * 1000;
    return last !== undefined && last.replicas === replicas && this.clock.now() - last.at < window / 2;
  }

  private wantsRecommendations(policy: Policy): boolean {
    return policy.limits.stabilization.scaleIn > 0 || policy.limits.stabilization.scaleOut > 0;
  }

  private applyOptions(state: TargetState, next: PersistedState): ApplyOptions {
    return state.version === undefined ? { state: next } : { ifMatch: state.version, state: next };
  }

  /** What the target should remember after this decision: dedupe keys, recommendations, the action mark. */
  private nextState(state: TargetState, decision: ScaleDecision, signals: readonly Signal[], policy: Policy, acted: boolean): PersistedState {
    const now = this.clock.now();
    const next: PersistedState = {
      ...state.persisted,
      dedupeKeys: [...state.persisted.dedupeKeys, ...signals.map((s) => s.dedupeKey)].slice(-this.persistedDedupeKeys),
      recommendations: state.persisted.recommendations,
    };
    if (this.wantsRecommendations(policy) && decision.recommendation !== undefined) {
      const window = Math.max(policy.limits.stabilization.scaleIn, policy.limits.stabilization.scaleOut) * 1000;
      next.recommendations = [...state.persisted.recommendations.filter((r) => r.at > now - window), { at: now, replicas: decision.recommendation }].slice(-64);
    }
    if (acted) {
      const mark = { at: now, from: decision.from.replicas, to: decision.to.replicas };
      if (decision.action === 'resize') next.lastResize = mark;
      else if (decision.direction === 'out') next.lastScaleOut = mark;
      else if (decision.direction === 'in') next.lastScaleIn = mark;
    }
    return next;
  }

  private async persist(provider: Provider, ref: TargetRef, next: PersistedState): Promise<void> {
    try {
      await this.withRetry(() => provider.writeState(ref, next));
    } catch (e) {
      // The change itself happened; losing the memory only weakens cooldowns and dedupe.
      this.logger.log('warn', 'could not persist autoscaler state on the target', { target: ref, error: (e as Error).message });
    }
  }

  private async notify(policy: Policy, record: AuditRecord): Promise<void> {
    const notifiers = [...(this.options.notifiers ?? []), ...(this.options.notifiersFor?.(policy) ?? [])];
    await Promise.all(
      notifiers.map(async (n) => {
        try {
          await n.notify(record);
        } catch (e) {
          this.logger.log('warn', 'notification failed', { notifier: n.name, error: (e as Error).message });
        }
      }),
    );
  }

  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!(e instanceof TransientError) || attempt >= this.retry.attempts) throw e;
        const delay = this.retry.baseDelayMs * 2 ** (attempt - 1);
        this.logger.log('debug', 'retrying after a transient error', { attempt, delayMs: delay, error: e.message });
        await this.clock.sleep(delay);
      }
    }
  }

  private async releaseAll(keys: readonly string[]): Promise<void> {
    for (const k of keys) await this.store.release(k);
  }

  private errorRecord(e: unknown, started: number, base: Partial<AuditRecord>): AuditRecord {
    if (e instanceof AutoscalerError) {
      const outcome: Outcome = e.code === 'VALIDATION' || e.code === 'NOT_MANAGED' ? 'rejected' : e.code === 'CONFLICT' ? 'conflict' : 'error';
      return this.record(outcome, started, { ...base, reason: e.message, code: e.code });
    }
    // A bug, not bad input: still one audit line, never an escaped exception.
    return this.record('error', started, { ...base, reason: `internal error: ${(e as Error)?.message ?? String(e)}`, code: 'INTERNAL' });
  }

  private record(outcome: Outcome, started: number, fields: Partial<AuditRecord> & { reason: string }): AuditRecord {
    const record: AuditRecord = { type: 'audit', outcome, at: started, durationMs: this.clock.now() - started, ...fields };
    this.logger.log(FAILED.has(outcome) ? 'warn' : 'info', 'audit', { ...record });
    return record;
  }

  private finish(records: AuditRecord[]): HandleResult {
    return { records, ok: records.every((r) => !FAILED.has(r.outcome)) };
  }
}
