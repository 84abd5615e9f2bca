import {
  Autoscaler,
  AutoscalerError,
  JsonLogger,
  MemoryStateStore,
  StaticPolicies,
  ValidationError,
  WebhookNotifier,
  systemClock,
  type AlarmChange,
  type AuditRecord,
  type Clock,
  type FetchLike,
  type Issue,
  type Logger,
  type Notifier,
  type Policy,
  type Signal,
  type StateStore,
  type TargetRef,
} from '@autoscaler/core';
import { OciDataScienceProvider, OciMonitoringAlarmSource, OnsNotifier, configFileAuth, createOciClients, resourcePrincipalAuth, type OciAuth, type OciClients } from '@autoscaler/provider-oci-data-science';
import { loadConfig, type FunctionConfig } from './config';
import { PolicySource, type FetchText } from './policy-source';

/** What the function answers: JSON, always, whatever came in. */
export interface FunctionResult {
  ok: boolean;
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
  /** Invocation deadline; SDK retries stop before it. */
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
}

const UNHANDLED: ReadonlySet<string> = new Set(['rejected', 'error', 'duplicate', 'conflict']);

/** Container-wide state: a warm function keeps its clients, dedupe claims and parsed policy. */
const container = {
  store: new MemoryStateStore(),
  policies: new PolicySource(systemClock),
  clients: undefined as undefined | { key: string; clients: OciClients; auth?: OciAuth },
  /** The current invocation's deadline (clients outlive invocations, so retries read it here). */
  deadline: undefined as number | undefined,
};

function authFor(config: FunctionConfig): OciAuth {
  if (config.auth === 'config_file') return configFileAuth(config.configFile, config.configProfile);
  // Functions inject OCI_RESOURCE_PRINCIPAL_* into the environment.
  return resourcePrincipalAuth();
}

function clientsFor(config: FunctionConfig, deps: HandlerDeps, ctx: FunctionContext): { clients: OciClients; auth?: OciAuth } {
  container.deadline = ctx.deadline ? ctx.deadline.getTime() - 2_000 : undefined;
  if (deps.clients) return { clients: deps.clients, ...(deps.authProvider ? { auth: deps.authProvider } : {}) };
  const key = JSON.stringify([config.auth, config.configFile, config.configProfile, config.region, config.endpoint]);
  if (container.clients?.key === key) return container.clients;
  const auth = deps.authProvider ?? authFor(config);
  const clients = createOciClients({
    authProvider: auth,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
    // Bounded by the invocation: no retry starts within 2 s of the deadline.
    retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000, deadline: () => container.deadline },
    requestTimeoutMs: 8_000,
  });
  container.clients = { key, clients, auth };
  return container.clients;
}

function notifiersFor(policy: Policy, clients: OciClients, deps: HandlerDeps, logger: Logger): Notifier[] {
  const out: Notifier[] = [];
  for (const n of policy.notifications) {
    if (n.type === 'ons') out.push(new OnsNotifier(clients.notifications, n.topicId));
    else if (n.type === 'webhook') out.push(new WebhookNotifier(n.url, n.format, deps.webhookFetch));
    else logger.log('warn', 'notification type not available in the OCI function', { type: n.type });
  }
  return out;
}

function errorOf(e: unknown): FunctionResult['errors'][number] {
  if (e instanceof AutoscalerError) return { code: e.code, message: e.message.split('\n')[0]!, ...(e instanceof ValidationError ? { issues: e.issues } : {}) };
  return { code: 'INTERNAL', message: `internal error: ${(e as Error)?.message ?? String(e)}` };
}

/**
 * The function: parse the alarm delivery, run it through the one `Autoscaler`
 * every app uses, then keep the alarms the policy needs in step with the new
 * capacity (the sample's dynamic low alarms). Never throws: bad configuration
 * or input is a clear error in the result and one audit line in the log.
 */
export async function handleAlarm(body: unknown, ctx: FunctionContext = {}, deps: HandlerDeps = {}): Promise<FunctionResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  let logger: Logger = deps.logger ?? new JsonLogger((line) => process.stdout.write(`${line}\n`));
  const result: FunctionResult = { ok: true, records: [], alarms: [], errors: [] };
  const reject = (e: unknown): void => {
    const err = errorOf(e);
    result.ok = false;
    result.errors.push(err);
    const record: AuditRecord = { type: 'audit', outcome: err.code === 'VALIDATION' || err.code === 'NOT_MANAGED' ? 'rejected' : 'error', reason: err.message, code: err.code, at: started, durationMs: clock.now() - started };
    result.records.push(record);
    logger.log('warn', 'audit', { ...record, ...(err.issues ? { issues: err.issues } : {}) });
  };
  try {
    const config = loadConfig(ctx.config ?? process.env);
    if (!deps.logger) logger = new JsonLogger((line) => process.stdout.write(`${line}\n`), config.logLevel, ctx.messageId ? { messageId: ctx.messageId } : {});
    const { clients, auth } = clientsFor(config, deps, ctx);
    const policy = await container.policies.load(config, auth, deps.fetchText);

    const provider = new OciDataScienceProvider({ dataScience: clients.dataScience, monitoring: clients.monitoring });
    const source = new OciMonitoringAlarmSource({
      monitoring: clients.monitoring,
      ...(config.compartmentId ? { compartmentId: config.compartmentId } : {}),
      ...(config.topicId ? { topicId: config.topicId } : {}),
      capacity: async (ref) => (await provider.describe(ref)).capacity,
    });
    const autoscaler = new Autoscaler({
      providers: [provider],
      sources: [source],
      // Listed targets, and any deployment tagged autoscaler-managed=true.
      policies: new StaticPolicies([policy], policy),
      clock,
      logger,
      store: deps.store ?? container.store,
      notifiersFor: (p) => notifiersFor(p, clients, deps, logger),
      // The SDK clients retry (bounded by the deadline); a second layer would multiply attempts.
      retry: { attempts: 1, baseDelayMs: 0 },
    });

    // Parse, then check each signal against its alarm's definition in Monitoring
    // (the title of a message is never trusted), then the one orchestrator.
    let signals: Signal[];
    try {
      signals = await source.verify(source.parse(body));
    } catch (e) {
      reject(e);
      return plain(result);
    }
    const handled = await autoscaler.handleSignals(signals);
    result.records = handled.records;
    result.ok = handled.ok;

    if (config.manageAlarms && !policy.dryRun) {
      const targets = new Map<string, TargetRef>();
      for (const r of handled.records) if (r.target && !UNHANDLED.has(r.outcome)) targets.set(r.target.id, r.target);
      for (const target of targets.values()) {
        try {
          for (const change of await source.ensureAlarms(target, policy)) {
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
  } catch (e) {
    reject(e);
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
}
