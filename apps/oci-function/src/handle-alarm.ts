import {
  Autoscaler,
  AutoscalerError,
  JsonLogger,
  MemoryStateStore,
  StaticPolicies,
  TransientError,
  ValidationError,
  buildNotifiers,
  redactSecrets,
  systemClock,
} from '@autoscaler/core';
import type { AlarmChange, AuditRecord, Clock, FetchLike, Issue, Logger, LogLevel, Notifier, Policy, StateStore, TargetRef } from '@autoscaler/core';
import {
  OciDataScienceProvider,
  OciMonitoringAlarmSource,
  OciMonitoringMetricSource,
  onsNotificationKind,
  PROVIDER_NAME,
  callWithin,
  configFileAuth,
  createOciClients,
  resourcePrincipalAuth,
} from '@autoscaler/provider-oci-data-science';
import type { OciAuth, OciClients } from '@autoscaler/provider-oci-data-science';
import { loadConfig, type FunctionConfig } from './config';
import { isEvaluateRequest } from './evaluate-request';
import { PolicySource, type FetchText } from './policy-source';

/** What the function answers: JSON, always, whatever came in. */
export interface FunctionResult {
  ok: boolean;
  /** What the invocation was: an alarm delivery, a heartbeat or evaluate request (periodic), or unreadable. */
  kind?: 'alarm' | 'periodic';
  /** One audit record per target (or one for a delivery that could not be parsed). */
  records: AuditRecord[];
  /** What alarm maintenance did per target. */
  alarms: Array<AlarmChange & { target: string }>;
  errors: Array<{ code: string; message: string; issues?: Issue[] }>;
}

/** The parts of the fdk context we use (plain data, so tests and the bench pass their own). */
export interface FunctionContext {
  /** Function config variables (`ctx.config`). */
  config?: Readonly<Record<string, string | undefined>>;
  /** Invocation deadline (fdk); the whole invocation answers before it. */
  deadline?: Date | null;
  /** Notifications message id (`x-oci-ns-messageid`), for the audit trail. */
  messageId?: string;
}

export interface HandlerDeps {
  /** SDK clients (tests point them at the fake); built from config and auth otherwise, once per container. */
  clients?: OciClients;
  authProvider?: OciAuth;
  clock?: Clock;
  logger?: Logger;
  /** Dedupe claims; the container-wide store by default, so duplicate deliveries to a warm container are caught. */
  store?: StateStore;
  fetchText?: FetchText;
  webhookFetch?: FetchLike;
  /** Allow webhook hosts on loopback/private networks (as AUTOSCALER_ALLOW_PRIVATE_WEBHOOKS=true does). */
  allowPrivateWebhooks?: boolean;
}

/** The function's timeout when the fdk gives no deadline (func.yaml: 60 s). */
const DEFAULT_TIMEOUT_MS = 60_000;
/** The scaling work stops this long before the fdk deadline; the answer goes out after it. */
const WORK_MARGIN_MS = 2_000;
/** The answer itself is sent this long before the deadline at the latest. */
const ANSWER_MARGIN_MS = 500;
/** Alarm maintenance is skipped with less than this left. */
const MAINTENANCE_MIN_MS = 3_000;

const UNHANDLED: ReadonlySet<string> = new Set(['rejected', 'error', 'duplicate', 'conflict']);

/** A logger the warm Autoscaler keeps, pointed at the current invocation's logger. */
class CurrentLogger implements Logger {
  target: Logger = new JsonLogger(() => undefined);
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    this.target.log(level, msg, fields);
  }
}

interface WarmAutoscaler {
  autoscaler: Autoscaler;
  source: OciMonitoringAlarmSource;
  parts: readonly unknown[];
}

/** Container-wide state: a warm function keeps its clients, dedupe claims, parsed policy and metric history. */
const container = {
  store: new MemoryStateStore(),
  policies: new PolicySource(systemClock),
  clients: undefined as undefined | { key: string; clients: OciClients; auth?: OciAuth },
  /** The current invocation's deadline (clients outlive invocations, so retries read it here). */
  deadline: undefined as number | undefined,
  logger: new CurrentLogger(),
  warm: undefined as WarmAutoscaler | undefined,
};

function authFor(config: FunctionConfig): OciAuth {
  if (config.auth === 'config_file') return configFileAuth(config.configFile, config.configProfile);
  // Functions inject OCI_RESOURCE_PRINCIPAL_* into the environment.
  return resourcePrincipalAuth();
}

function clientsFor(config: FunctionConfig, deps: HandlerDeps, ctx: FunctionContext): { clients: OciClients; auth?: OciAuth } {
  container.deadline = ctx.deadline ? ctx.deadline.getTime() - WORK_MARGIN_MS : undefined;
  if (deps.clients) return { clients: deps.clients, ...(deps.authProvider ? { auth: deps.authProvider } : {}) };
  const key = JSON.stringify([config.auth, config.configFile, config.configProfile, config.region, config.endpoint]);
  if (container.clients?.key === key) return container.clients;
  const auth = deps.authProvider ?? authFor(config);
  const clients = createOciClients({
    authProvider: auth,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
    // Bounded by the invocation: no retry starts, and no request outlives, the work deadline.
    retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000, deadline: () => container.deadline },
    requestTimeoutMs: 8_000,
  });
  container.clients = { key, clients, auth };
  return container.clients;
}

/** Webhooks (core) and ONS topics (the OCI package's kind); any other type is a warning. */
function notifiersFor(policy: Policy, clients: OciClients, deps: HandlerDeps, logger: Logger, allowPrivate: boolean, clock: Clock): Notifier[] {
  return buildNotifiers(policy, {
    kinds: [onsNotificationKind],
    deps: { notifications: clients.notifications, clock },
    webhook: { ...(deps.webhookFetch ? { fetch: deps.webhookFetch } : {}), ...(allowPrivate ? { allowPrivateNetworks: true } : {}) },
    logger,
  });
}

function errorOf(e: unknown): FunctionResult['errors'][number] {
  if (e instanceof AutoscalerError) {
    const issues = e instanceof ValidationError ? e.issues.map((i) => ({ path: i.path, message: redactSecrets(i.message) })) : undefined;
    return { code: e.code, message: redactSecrets(e.message.split('\n')[0]!), ...(issues ? { issues } : {}) };
  }
  return { code: 'INTERNAL', message: `internal error: ${redactSecrets((e as Error)?.message ?? String(e))}` };
}

/** The Autoscaler, kept across invocations of a warm container so its metric-history cache fetches only new points. */
function autoscalerFor(policy: Policy, clients: OciClients, config: FunctionConfig, deps: HandlerDeps, clock: Clock, store: StateStore): WarmAutoscaler {
  const parts = [
    policy,
    clients,
    clock,
    store,
    config.compartmentId,
    config.topicId,
    config.allowPrivateWebhooks,
    deps.webhookFetch,
    deps.allowPrivateWebhooks,
  ];
  const warm = container.warm;
  if (warm && warm.parts.length === parts.length && warm.parts.every((p, i) => p === parts[i])) return warm;
  const provider = new OciDataScienceProvider({ dataScience: clients.dataScience, clock });
  const source = new OciMonitoringAlarmSource({
    monitoring: clients.monitoring,
    clock,
    ...(config.compartmentId ? { compartmentId: config.compartmentId } : {}),
    ...(config.topicId ? { topicId: config.topicId } : {}),
    capacity: async (ref) => (await provider.describe(ref)).capacity,
  });
  const logger = container.logger;
  const autoscaler = new Autoscaler({
    providers: [provider],
    sources: [source],
    metricSources: [new OciMonitoringMetricSource({ monitoring: clients.monitoring, dataScience: clients.dataScience, clock })],
    // Listed targets, and any deployment tagged autoscaler-managed=true.
    policies: new StaticPolicies([policy], policy),
    clock,
    logger,
    store,
    notifiersFor: (p) => notifiersFor(p, clients, deps, logger, deps.allowPrivateWebhooks === true || config.allowPrivateWebhooks, clock),
    // The SDK clients retry (bounded by the deadline); a second layer would multiply attempts.
    retry: { attempts: 1, baseDelayMs: 0 },
  });
  container.warm = { autoscaler, source, parts };
  return container.warm;
}

/**
 * The function. Three kinds of invocation:
 * - an alarm delivery: parsed, checked against Monitoring (the alarm must be FIRING, the
 *   message recent; values come from Monitoring), then the one `Autoscaler`;
 * - a heartbeat alarm delivery (set up by `setup oci`): checked the same way, then one
 *   periodic evaluation of its deployment (`evaluateAll`), where predictive rules pull
 *   their metric history from Monitoring;
 * - the evaluate request `{"autoscaler":"evaluate","version":1}` (Resource Scheduler,
 *   `fn invoke`): one periodic evaluation of every deployment the policy lists.
 * Then the alarms the policy needs are kept in step with the new capacity. The whole
 * invocation answers before the fdk deadline, whatever hangs. Never throws: bad
 * configuration or input is a clear error in the result and one audit line in the log.
 */
export async function handleAlarm(body: unknown, ctx: FunctionContext = {}, deps: HandlerDeps = {}): Promise<FunctionResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const hardDeadline = ctx.deadline ? ctx.deadline.getTime() : started + DEFAULT_TIMEOUT_MS;
  const deadline = hardDeadline - WORK_MARGIN_MS;
  let logger: Logger = deps.logger ?? new JsonLogger((line) => process.stdout.write(`${line}\n`));
  container.logger.target = logger;
  const result: FunctionResult = { ok: true, records: [], alarms: [], errors: [] };
  const reject = (e: unknown): void => {
    const err = errorOf(e);
    result.ok = false;
    result.errors.push(err);
    const record: AuditRecord = {
      type: 'audit',
      outcome: err.code === 'VALIDATION' || err.code === 'NOT_MANAGED' ? 'rejected' : 'error',
      reason: err.message,
      code: err.code,
      at: started,
      durationMs: clock.now() - started,
    };
    result.records.push(record);
    logger.log('warn', 'audit', { ...record, ...(err.issues ? { issues: err.issues } : {}) });
  };

  const work = async (): Promise<void> => {
    const config = loadConfig(ctx.config ?? process.env);
    if (!deps.logger) {
      logger = new JsonLogger((line) => process.stdout.write(`${line}\n`), config.logLevel, ctx.messageId ? { messageId: ctx.messageId } : {});
      container.logger.target = logger;
    }
    const { clients, auth } = clientsFor(config, deps, ctx);
    const policy = await container.policies.load(config, auth, deps.fetchText, deadline - clock.now());
    const store = deps.store ?? container.store;
    const { autoscaler, source } = autoscalerFor(policy, clients, config, deps, clock, store);

    let records: AuditRecord[] = [];
    let ok = true;
    if (isEvaluateRequest(body)) {
      result.kind = 'periodic';
      const refs = policy.targets.filter((t) => t.provider === PROVIDER_NAME);
      if (refs.length === 0)
        throw ValidationError.field(
          'AUTOSCALER_POLICY.targets',
          'lists no oci-data-science deployment: the evaluate request has nothing to evaluate (tagged deployments are evaluated by their heartbeat alarm)',
        );
      const pass = await autoscaler.evaluateAll(refs, { deadline });
      records = pass.records;
      ok = pass.ok;
    } else {
      // The one orchestrator parses, checks against Monitoring (the title, type, values and
      // timestamp of a message are never trusted) and acts; a heartbeat delivery comes back
      // from verify as one periodic evaluation of its deployment (deduped per notification).
      const handled = await autoscaler.handle(body, source.name, { deadline });
      result.kind = handled.periodic ? 'periodic' : 'alarm';
      records = handled.records;
      ok = handled.ok;
      // A delivery refused as a whole (unreadable, forged, stale) is the invocation's error too.
      for (const r of records)
        if (r.target === undefined && r.code !== undefined) result.errors.push({ code: r.code, message: r.reason, ...(r.issues ? { issues: r.issues } : {}) });
    }
    result.records = records;
    result.ok = ok;

    if (config.manageAlarms && !policy.dryRun) {
      const targets = new Map<string, TargetRef>();
      for (const r of records) if (r.target && !UNHANDLED.has(r.outcome) && r.outcome !== 'skipped') targets.set(r.target.id, r.target);
      for (const target of targets.values()) {
        if (deadline - clock.now() < MAINTENANCE_MIN_MS) {
          logger.log('warn', 'alarm maintenance skipped: too little time left before the deadline', { target: target.id });
          break;
        }
        try {
          for (const change of await callWithin(`alarm maintenance ${target.id}`, { deadline }, () => source.ensureAlarms(target, policy), clock)) {
            result.alarms.push({ ...change, target: target.id });
            if (change.action !== 'unchanged') logger.log('info', 'alarm', { ...change, target: target.id });
          }
        } catch (e) {
          result.ok = false;
          result.errors.push(errorOf(e));
          logger.log('warn', 'alarm maintenance failed', { target: target.id, error: errorOf(e) });
        }
      }
    }
  };

  const answerIn = Math.max(0, hardDeadline - ANSWER_MARGIN_MS - clock.now());
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      work(),
      new Promise<never>((_, fail) => {
        // Real milliseconds from the injected clock's view of the time left.
        timer = setTimeout(
          () => fail(new TransientError(`the invocation reached its deadline (${Math.round(answerIn)} ms); answering now, unfinished work is abandoned`)),
          answerIn,
        );
        timer.unref?.();
      }),
    ]);
  } catch (e) {
    reject(e);
  } finally {
    if (timer) clearTimeout(timer);
  }
  return plain(result);
}

/** Only plain JSON leaves the function (the sample crashed serializing an SDK object). */
function plain(result: FunctionResult): FunctionResult {
  return JSON.parse(JSON.stringify(result)) as FunctionResult;
}

/** Forget container-wide state (tests model a cold start with it). */
export function resetContainer(): void {
  container.store = new MemoryStateStore();
  container.policies = new PolicySource(systemClock);
  container.clients = undefined;
  container.deadline = undefined;
  container.warm = undefined;
}
