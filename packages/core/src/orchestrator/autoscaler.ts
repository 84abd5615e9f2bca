import { decide } from '../engine/decide';
import { applyMetricsFallback } from '../engine/fallback';
import { AutoscalerError, ConflictError, NotManagedError, TransientError, ValidationError } from '../errors';
import type { Policy, PredictiveRule } from '../policy/schema';
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
  type MetricPoint,
  type ScaleDecision,
  type Signal,
  type StateStore,
  type TargetRef,
  type TargetState,
} from '../types';
import { Forecaster, forecastLookbackSeconds } from '../forecast';
import { redactSecrets } from '../ports/redact';
import { hashDedupeKey } from '../persisted-state/hash';
import type { CallOptions, Forecast, MetricSource } from '../types';
import { Budget } from './budget';
import { KeyedLock } from './keyed-lock';
import { MetricHistoryCache } from './metric-history';
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
  /** The pull side: metric history for predictive rules, one source per provider name. */
  metricSources?: readonly MetricSource[];
  /** Longest a notification may take, after the scaling work (default 3 s, never past the deadline). */
  notifyTimeoutMs?: number;
}

/** Time budget of one invocation or pass. */
export interface RunOptions {
  /** Epoch milliseconds (of the injected clock) by which the work must be done: the platform's deadline minus a margin. */
  deadline?: number;
  /**
   * Why the caller's own metric read failed (e.g. the CronJob's metrics-server poll), so the
   * evaluation counts it toward `policy.fallback` instead of being skipped. `evaluate` and
   * `evaluateAll` only.
   */
  metricsFailed?: string;
}

/** What an evaluation learnt about the target's metrics: a failure (why), a good read, or nothing. */
interface MetricsReport {
  failed?: string;
  /** The caller read metrics and handed them over as signals. */
  read: boolean;
}

export interface PassOptions extends RunOptions {
  /** Targets handled at once (default 4). Each gets its own share of the remaining budget. */
  concurrency?: number;
  /**
   * Per-target samples a source polls for this pass (the Kubernetes metrics API), read inside the
   * target's own share of the budget. A throw, or `metricsFailed`, counts as a failed metrics read
   * for `policy.fallback`; the target is still evaluated (schedules, bounds, predictive rules).
   */
  signals?: (ref: TargetRef, options: CallOptions) => Promise<{ signals: readonly Signal[]; metricsFailed?: string }>;
}

/** A notification owed once the scaling work is done. */
interface PendingNotice {
  policy: Policy;
  record: AuditRecord;
}

export interface HandleResult {
  /** One audit record per target (or one for the whole event when it could not be parsed). */
  records: AuditRecord[];
  /** False when any record is an error, rejection or conflict. */
  ok: boolean;
  /** True when every signal of the delivery asked for a periodic evaluation (`state: 'evaluate'`, a heartbeat). */
  periodic?: boolean;
}

const FAILED: ReadonlySet<Outcome> = new Set(['error', 'rejected', 'conflict']);

/** Whether the target remembers a dedupe key: verbatim, or hashed where the cloud could not store it as is. */
function seenOn(persisted: PersistedState, key: string): boolean {
  return persisted.dedupeKeys.includes(key) || persisted.dedupeKeys.includes(hashDedupeKey(key));
}

/** Least time worth starting an outside call with. */
const MIN_CALL_MS = 250;

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
  private readonly metricSources = new Map<string, MetricSource>();
  private readonly history = new MetricHistoryCache();
  private readonly forecasters = new Map<string, { key: string; forecaster: Forecaster }>();

  constructor(private readonly options: AutoscalerOptions) {
    for (const p of options.providers) this.providers.set(p.name, p);
    for (const s of options.sources ?? []) this.sources.set(s.name, s);
    for (const m of options.metricSources ?? []) this.metricSources.set(m.provider, m);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.store = options.store ?? new MemoryStateStore();
    this.dedupeTtlMs = options.dedupeTtlMs ?? 6 * 3_600_000;
    this.persistedDedupeKeys = options.persistedDedupeKeys ?? 20;
    this.retry = options.retry ?? { attempts: 3, baseDelayMs: 200 };
  }

  /** Parse a raw delivery with an alarm source (the first registered unless named) and act on it. */
  async handle(raw: unknown, sourceName?: string, options: RunOptions = {}): Promise<HandleResult> {
    const started = this.clock.now();
    const budget = this.budget(options);
    const source = sourceName === undefined ? this.sources.values().next().value : this.sources.get(sourceName);
    if (source === undefined) {
      return this.finish([
        this.record('rejected', started, { reason: `no alarm source ${sourceName === undefined ? '' : `${sourceName} `}registered`, code: 'VALIDATION' }),
      ]);
    }
    let signals: Signal[];
    try {
      if (source.prepare) await budget.run(`${source.name} prepare`, (o) => source.prepare!(raw, o));
    } catch (e) {
      // A transient failure (a certificate host timing out) fails the delivery so the platform
      // retries it; a refusal (a certificate that does not exist) lets parse() refuse it clearly.
      if (!(e instanceof ValidationError)) return this.finish([this.errorRecord(e, started, {})]);
      this.logger.log('warn', `alarm source ${source.name} could not prepare the delivery`, { error: redactSecrets((e as Error).message) });
    }
    try {
      signals = source.parse(raw);
      if (source.verify) signals = await budget.run(`${source.name} verify`, (o) => source.verify!(signals, o));
    } catch (e) {
      const issues = e instanceof ValidationError ? e.issues.map((i) => ({ path: i.path, message: redactSecrets(i.message) })) : [];
      return this.finish([this.errorRecord(e, started, issues.length > 0 ? { issues } : {})]);
    }
    return this.handleSignals(signals, options);
  }

  /**
   * Act on already-parsed signals, grouped by target (targets are handled concurrently). A signal
   * with `state: 'evaluate'` (a heartbeat) asks for one periodic evaluation of its target instead:
   * once per dedupe key, after the other signals.
   */
  async handleSignals(signals: readonly Signal[], options: RunOptions = {}): Promise<HandleResult> {
    if (signals.length === 0) {
      return this.finish([this.record('no-action', this.clock.now(), { reason: 'the delivery carried no signals' })]);
    }
    const requests = signals.filter((s) => s.state === 'evaluate');
    if (requests.length === 0) return this.actOn(signals, options);
    const acted =
      requests.length < signals.length
        ? await this.actOn(
            signals.filter((s) => s.state !== 'evaluate'),
            options,
          )
        : undefined;
    const evaluated = await this.evaluateRequested(requests, options);
    return { ...this.finish([...(acted?.records ?? []), ...evaluated]), ...(acted === undefined ? { periodic: true } : {}) };
  }

  /** One periodic evaluation per target a heartbeat named; a delivery seen before is a duplicate. */
  private async evaluateRequested(requests: readonly Signal[], options: RunOptions): Promise<AuditRecord[]> {
    const started = this.clock.now();
    const fresh = new Map<string, { ref: TargetRef; claim: string }>();
    const records: AuditRecord[] = [];
    for (const s of requests) {
      const ref = this.canonical(s.target);
      const key = formatTarget(ref);
      if (fresh.has(key)) continue;
      const claim = `evaluate ${key} ${s.dedupeKey}`;
      if (await this.store.claim(claim, this.dedupeTtlMs, started)) fresh.set(key, { ref, claim });
      else records.push(this.record('duplicate', started, { target: ref, reason: 'this request for an evaluation was already handled (dedupe key seen)' }));
    }
    if (fresh.size === 0) return records;
    const claims = [...fresh.values()];
    const evaluated = (
      await this.evaluateAll(
        claims.map((c) => c.ref),
        options,
      )
    ).records;
    // An evaluation that ended in a transient error or a conflict gives its claim back, so a
    // redelivery of the same heartbeat is a retry rather than a duplicate (as for alarm signals).
    const retryable = claims.filter((_, i) => evaluated[i]?.code === 'TRANSIENT' || evaluated[i]?.code === 'CONFLICT');
    await this.releaseAll(retryable.map((c) => c.claim));
    return [...records, ...evaluated];
  }

  private async actOn(signals: readonly Signal[], options: RunOptions): Promise<HandleResult> {
    const budget = this.budget(options);
    const groups = new Map<string, { ref: TargetRef; signals: Signal[] }>();
    for (const raw of signals) {
      const s = { ...raw, target: this.canonical(raw.target) };
      const key = formatTarget(s.target);
      const g = groups.get(key);
      if (g) g.signals.push(s);
      else groups.set(key, { ref: s.target, signals: [s] });
    }
    const notices: PendingNotice[] = [];
    const records = await Promise.all(
      [...groups.values()].map((g) => this.lock.run(formatTarget(g.ref), () => this.handleTarget(g.ref, g.signals, budget, notices))),
    );
    await this.notifyAll(notices, budget);
    return this.finish(records);
  }

  /**
   * One periodic evaluation of one target with no new delivery: schedules and bounds apply,
   * and predictive rules pull their metric history (see `evaluateAll` for a whole pass).
   */
  async evaluate(target: TargetRef, signals: readonly Signal[] = [], options: RunOptions = {}): Promise<AuditRecord> {
    const budget = this.budget(options);
    const ref = this.canonical(target);
    const notices: PendingNotice[] = [];
    const metrics: MetricsReport = { read: signals.length > 0, ...(options.metricsFailed !== undefined ? { failed: options.metricsFailed } : {}) };
    const record = await this.lock.run(formatTarget(ref), () => this.handleTarget(ref, signals, budget, notices, metrics));
    await this.notifyAll(notices, budget);
    return record;
  }

  /**
   * A periodic pass over many targets: at most `concurrency` at once, each with its own share
   * of what is left of the budget, so one hung target never starves the others. Notifications
   * go out after all the scaling work.
   */
  async evaluateAll(refs: readonly TargetRef[], options: PassOptions = {}): Promise<HandleResult> {
    const budget = this.budget(options);
    const workers = Math.max(1, Math.min(options.concurrency ?? 4, refs.length));
    const records = new Array<AuditRecord>(refs.length);
    const notices: PendingNotice[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < refs.length) {
        const i = next++;
        const ref = this.canonical(refs[i]!);
        const share = budget.share(refs.length - i, workers);
        let signals: readonly Signal[] = [];
        let failed = options.metricsFailed;
        if (options.signals) {
          try {
            // At most half the share: a hung metrics API still leaves time to act on what is known.
            const half = new Budget(this.clock, this.clock.now() + Math.max(0, share.remaining()) / 2);
            const got = await half.run('poll', (o) => options.signals!(ref, o));
            signals = got.signals;
            if (got.metricsFailed !== undefined) failed = got.metricsFailed;
          } catch (e) {
            failed = redactSecrets((e as Error).message);
            this.logger.log('warn', 'metrics poll failed', { target: ref, error: failed });
          }
        }
        const metrics: MetricsReport = { read: signals.length > 0, ...(failed !== undefined ? { failed } : {}) };
        records[i] = await this.lock.run(formatTarget(ref), () => this.handleTarget(ref, signals, share, notices, metrics));
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    await this.notifyAll(notices, budget);
    return this.finish(records);
  }

  /** The provider's canonical spelling of the id (case-insensitive clouds); unchanged when it has none or rejects it. */
  private canonical(ref: TargetRef): TargetRef {
    const provider = this.providers.get(ref.provider);
    if (provider?.normalizeId === undefined || typeof ref.id !== 'string') return ref;
    try {
      const id = provider.normalizeId(ref.id);
      return id === ref.id ? ref : { ...ref, id };
    } catch {
      return ref;
    }
  }

  /** Whether the policy lists the target, comparing canonical ids. */
  private lists(policy: Policy, ref: TargetRef): boolean {
    return listsTarget(policy, ref) || policy.targets.some((t) => t.provider === ref.provider && this.canonical(t).id === ref.id);
  }

  private budget(options: RunOptions): Budget {
    return new Budget(this.clock, options.deadline ?? Infinity);
  }

  private async handleTarget(
    ref: TargetRef,
    incoming: readonly Signal[],
    budget: Budget,
    notices: PendingNotice[],
    metrics: MetricsReport = { read: false },
  ): Promise<AuditRecord> {
    const started = this.clock.now();
    const dedupeKey = incoming.map((s) => s.dedupeKey).join(',') || undefined;
    const base = { target: ref, ...(dedupeKey ? { dedupeKey } : {}) };
    const claimed: string[] = [];
    try {
      const provider = this.providers.get(ref.provider);
      if (!provider)
        throw ValidationError.field('target.provider', `no provider "${ref.provider}" is registered (have: ${[...this.providers.keys()].join(', ')})`);
      provider.validateId(ref.id);
      const policy = await this.options.policies.resolve(ref);
      if (!policy) throw new NotManagedError(`no policy governs ${formatTarget(ref)}: refusing to act`);
      // What this target kind cannot do is bad input: refused before any cloud call.
      const refused = provider.checkPolicy?.(policy, ref) ?? [];
      if (refused.length > 0) throw new ValidationError(`policy "${policy.name}" asks what ${formatTarget(ref)} cannot do`, refused);

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

      let state = await this.withRetry(budget, 'describe', (o) => provider.describe(ref, o));
      if (!this.lists(policy, ref) && !state.managed) {
        throw new NotManagedError(`${formatTarget(ref)} is not listed by policy "${policy.name}" nor tagged as managed: refusing to act`);
      }
      let signals = fresh.filter((s) => !seenOn(state.persisted, s.dedupeKey));
      if (fresh.length > 0 && signals.length === 0) {
        return this.record('duplicate', started, { ...base, reason: 'every signal was already handled (dedupe key persisted on the target)' });
      }
      // Not ready (updating, failed, ...): the claims are released so a redelivery is acted on later.
      const notReady = async (why: string): Promise<AuditRecord> => {
        await this.releaseAll(claimed);
        return this.record('skipped', started, { ...base, from: state.capacity, reason: `target ${state.status}${why}; not acting until it is ready` });
      };
      if (state.status !== 'ready') return notReady(state.reason ? `: ${state.reason}` : '');

      // The pull side: predictive rules read their metric history (never deduped: it is not a delivery).
      const pulled = await this.pull(provider, ref, policy, budget);
      const forecasts = pulled.forecasts;
      const failedWhy = metrics.failed ?? pulled.failed;
      // Consecutive failed metric reads, for policy.fallback; a good read resets it, no read leaves it.
      const failures =
        policy.fallback === undefined
          ? 0
          : failedWhy !== undefined
            ? (state.persisted.metricFailures ?? 0) + 1
            : metrics.read || pulled.read
              ? 0
              : (state.persisted.metricFailures ?? 0);
      const decideNow = (at: number): ScaleDecision =>
        applyMetricsFallback(policy, state, decide(policy, state, [...signals, ...pulled.signals], { forecasts }, at), failures, failedWhy ?? '', at);
      let decision = decideNow(started);
      let handle: ApplyHandle | undefined;
      let next: PersistedState | undefined;
      if (decision.action !== 'none' && !policy.dryRun) {
        // The memory travels with the change, so a provider that can write both in one call
        // (OCI freeform tags, Kubernetes annotations) never leaves a change without its dedupe keys.
        next = this.nextState(state, decision, signals, policy, true, failures);
        try {
          handle = await this.withRetry(budget, 'apply', (o) => provider.apply(ref, decision.to, this.applyOptions(state, next!, o)));
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e;
          // Someone changed the target since describe: look again and decide once more.
          state = await this.withRetry(budget, 'describe', (o) => provider.describe(ref, o));
          if (!this.lists(policy, ref) && !state.managed)
            throw new NotManagedError(`${formatTarget(ref)} stopped being managed during the update: refusing to act`);
          signals = signals.filter((s) => !seenOn(state.persisted, s.dedupeKey));
          if (signals.length === 0 && fresh.length > 0)
            return this.record('duplicate', started, { ...base, reason: 'handled by a concurrent delivery (seen after a version conflict)' });
          if (state.status !== 'ready') return notReady(' after a version conflict');
          decision = decideNow(this.clock.now());
          next = undefined;
          if (decision.action !== 'none') {
            next = this.nextState(state, decision, signals, policy, true, failures);
            handle = await this.withRetry(budget, 'apply', (o) => provider.apply(ref, decision.to, this.applyOptions(state, next!, o)));
          }
        }
      }

      let outcome: Outcome = decision.action === 'none' ? 'no-action' : policy.dryRun ? 'dry-run' : decision.action === 'resize' ? 'resized' : 'scaled';
      let lost: AutoscalerError | undefined;
      if (next && !handle?.stateWritten) {
        // The change happened; without its memory a redelivery could scale again: an error outcome, never ok.
        lost = await this.persist(provider, ref, next, budget);
        if (lost) outcome = 'error';
      } else if (
        (outcome === 'no-action' &&
          this.wantsRecommendations(policy) &&
          decision.recommendation !== undefined &&
          !this.recentlyRecorded(state, decision.recommendation, policy)) ||
        (next === undefined && !policy.dryRun && failures !== (state.persisted.metricFailures ?? 0))
      ) {
        // Only a stabilization hint or the failure count: losing it is a warning, nothing changed.
        await this.persist(provider, ref, this.nextState(state, decision, signals, policy, false, failures), budget);
      }
      const fallbacks = Object.entries(forecasts)
        .filter((e): e is [string, Extract<Forecast, { ok: false }>] => !e[1].ok)
        .map(([rule, f]) => `${rule}: forecast unavailable (${f.reason}); reactive rules only`);
      const reason = [decision.reason, ...fallbacks.filter((f) => !decision.reason.includes(f))].join('; ');
      const record = this.record(outcome, started, {
        ...base,
        from: decision.from,
        to: decision.to,
        reason: lost
          ? `${decision.action === 'resize' ? 'resized' : 'scaled'} ${decision.from.replicas} -> ${decision.to.replicas}, but the autoscaler's state (dedupe keys, cooldown mark) could not be written: ${lost.message}. ${reason}`
          : reason,
        ...(lost ? { code: lost.code } : {}),
        decision,
        ...(decision.rule ? { rule: decision.rule } : {}),
        ...(handle ? { handle: handle.id } : {}),
        ...(policy.dryRun ? { dryRun: true } : {}),
      });
      if (outcome !== 'no-action') notices.push({ policy, record });
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

  private applyOptions(state: TargetState, next: PersistedState, call: CallOptions): ApplyOptions {
    return state.version === undefined ? { ...call, state: next } : { ...call, ifMatch: state.version, state: next };
  }

  /** What the target should remember after this decision: dedupe keys, recommendations, the action mark. */
  private nextState(state: TargetState, decision: ScaleDecision, signals: readonly Signal[], policy: Policy, acted: boolean, failures: number): PersistedState {
    const now = this.clock.now();
    const { metricFailures: _previous, ...kept } = state.persisted;
    const next: PersistedState = {
      ...kept,
      dedupeKeys: [...state.persisted.dedupeKeys, ...signals.map((s) => s.dedupeKey)].slice(-this.persistedDedupeKeys),
      recommendations: state.persisted.recommendations,
      ...(failures > 0 ? { metricFailures: failures } : {}),
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

  /**
   * History for each predictive rule's metric (one source call per metric, only the periods not
   * cached), the forecast per rule, and the newest datapoint of each metric as a value signal.
   * Never throws: a failed or unusable history is a fallback the audit record names.
   */
  private async pull(
    provider: Provider,
    ref: TargetRef,
    policy: Policy,
    budget: Budget,
  ): Promise<{ forecasts: Record<string, Forecast>; signals: Signal[]; read: boolean; failed?: string }> {
    const forecasts: Record<string, Forecast> = {};
    const signals: Signal[] = [];
    const rules = policy.rules.filter((r) => r.predictive !== undefined);
    let gotHistory = false;
    let failed: string | undefined;
    if (rules.length === 0) return { forecasts, signals, read: false };
    const source = this.metricSources.get(ref.provider);
    const now = this.clock.now();
    const read = new Map<string, Promise<readonly MetricPoint[]>>();
    for (const rule of rules) {
      const p = rule.predictive;
      if (source === undefined) {
        forecasts[rule.name] = { ok: false, reason: `no metric source is registered for provider ${ref.provider}` };
        continue;
      }
      const horizonSeconds = p.horizonSeconds ?? (provider.provisioningSeconds ?? 300) + source.publishDelaySeconds + p.periodSeconds;
      const key = `${p.metric} ${p.periodSeconds}`;
      // What the forecast reads, plus the publishing lag: a warm cache then equals a cold read.
      const lookbackMs = (forecastLookbackSeconds(p, horizonSeconds) + source.publishDelaySeconds) * 1000;
      let points = read.get(key);
      if (points === undefined) {
        points = this.withRetry(budget, `history ${p.metric}`, (o) => this.history.read(source, ref, p.metric, p.periodSeconds, lookbackMs, now, o));
        read.set(key, points);
      }
      try {
        const series = await points;
        gotHistory = true;
        forecasts[rule.name] = this.forecaster(ref, rule.name, p).forecast(series, now, horizonSeconds);
        const newest = series.at(-1);
        const freshWithin = (2 * p.periodSeconds + source.publishDelaySeconds) * 1000;
        if (newest !== undefined && now - (newest.at + p.periodSeconds * 1000) <= freshWithin && !signals.some((s) => s.metric === p.metric)) {
          signals.push({
            target: ref,
            source: 'history',
            metric: p.metric,
            state: 'value',
            value: newest.value,
            dedupeKey: `history:${p.metric}:${newest.at}`,
            at: newest.at,
          });
        }
      } catch (e) {
        const message = redactSecrets((e as Error).message);
        forecasts[rule.name] = { ok: false, reason: `history read failed: ${message}` };
        failed ??= `history read failed: ${message}`;
        this.logger.log('warn', 'metric history read failed; predictive rule falls back', { target: ref, rule: rule.name, error: message });
      }
    }
    return { forecasts, signals, read: gotHistory && failed === undefined, ...(failed !== undefined ? { failed } : {}) };
  }

  /** One forecaster per target and rule, kept warm across evaluations; a changed rule gets a new one. */
  private forecaster(ref: TargetRef, rule: string, p: PredictiveRule): Forecaster {
    const id = `${formatTarget(ref)} ${rule}`;
    const key = JSON.stringify(p);
    const have = this.forecasters.get(id);
    if (have && have.key === key) return have.forecaster;
    const forecaster = new Forecaster(p);
    this.forecasters.set(id, { key, forecaster });
    return forecaster;
  }

  /** Writes the target's memory; returns the error when it could not (the caller decides what that means). */
  private async persist(provider: Provider, ref: TargetRef, next: PersistedState, budget: Budget): Promise<AutoscalerError | undefined> {
    try {
      await this.withRetry(budget, 'writeState', (o) => provider.writeState(ref, next, o));
      return undefined;
    } catch (e) {
      const message = redactSecrets((e as Error).message);
      this.logger.log('warn', 'could not persist autoscaler state on the target', { target: ref, error: message });
      return e instanceof AutoscalerError ? e : new AutoscalerError('INTERNAL', message);
    }
  }

  /**
   * Notifications after the scaling work, outside every per-target lock, each bounded by a short
   * timeout and the deadline. A failed one is a log line, never a failed outcome.
   */
  private async notifyAll(notices: readonly PendingNotice[], budget: Budget): Promise<void> {
    if (notices.length === 0) return;
    const limit = Math.min(this.options.notifyTimeoutMs ?? 3_000, Math.max(0, budget.remaining()));
    await Promise.all(
      notices.flatMap(({ policy, record }) =>
        [...(this.options.notifiers ?? []), ...this.policyNotifiers(policy)].map(async (n) => {
          const slot = new Budget(this.clock, this.clock.now() + limit);
          try {
            await slot.run(`notification ${n.name}`, (o) => n.notify(record, o));
          } catch (e) {
            this.logger.log('warn', 'notification failed', {
              type: 'notification',
              notifier: n.name,
              target: record.target,
              outcome: record.outcome,
              error: redactSecrets((e as Error).message),
            });
          }
        }),
      ),
    );
  }

  /** The notifiers a policy asks for; one the app refuses to build (a forbidden URL) is a log line, never a throw. */
  private policyNotifiers(policy: Policy): readonly Notifier[] {
    try {
      return this.options.notifiersFor?.(policy) ?? [];
    } catch (e) {
      this.logger.log('warn', 'notification refused', { type: 'notification', policy: policy.name, error: redactSecrets((e as Error).message) });
      return [];
    }
  }

  /** Retries transient failures with backoff, but never starts an attempt that the budget cannot fit. */
  private async withRetry<T>(budget: Budget, what: string, fn: (options: CallOptions) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await budget.run(what, fn);
      } catch (e) {
        if (!(e instanceof TransientError) || attempt >= this.retry.attempts) throw e;
        const delay = this.retry.baseDelayMs * 2 ** (attempt - 1);
        if (budget.remaining() < delay + MIN_CALL_MS) throw e;
        this.logger.log('debug', 'retrying after a transient error', { attempt, delayMs: delay, error: redactSecrets(e.message) });
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
      return this.record(outcome, started, { ...base, reason: redactSecrets(e.message), code: e.code });
    }
    // A bug, not bad input: still one audit line, never an escaped exception.
    return this.record('error', started, { ...base, reason: `internal error: ${redactSecrets((e as Error)?.message ?? String(e))}`, code: 'INTERNAL' });
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
