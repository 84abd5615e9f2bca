import type { KubeConfig } from '@kubernetes/client-node';
import { Autoscaler, JsonLogger, buildNotifiers, redactSecrets, systemClock } from '@autoscaler/core';
import type { AuditRecord, Clock, Logger, MetricSource, Notifier, Outcome, Policy } from '@autoscaler/core';
import {
  ConfigMapAlarmHistory,
  ConfigMapStateStore,
  KubeApi,
  KubernetesProvider,
  MemoryAlarmHistory,
  MetricsServerAlarmSource,
  PrometheusMetricSource,
  RecordedMetricSource,
  recordedMetricsOf,
} from '@autoscaler/provider-kubernetes';
import type { CronJobConfig } from './config';
import { PassPolicies, runPass, within } from './pass';

/** The JSON line a run prints last (and the exit code it implies). */
export interface RunSummary {
  ok: boolean;
  passes: number;
  targets: number;
  startedAt: string;
  durationMs: number;
  outcomes: Partial<Record<Outcome, number>>;
  records: Array<Pick<AuditRecord, 'outcome' | 'reason'> & { target?: string; from?: number; to?: number; size?: string; code?: string }>;
  error?: string;
}

export interface RunOptions {
  config: CronJobConfig;
  kubeConfig: KubeConfig;
  clock?: Clock;
  logger?: Logger;
  /** Test seam: how webhook notifiers reach the network (default: fetch, public https hosts only). */
  fetch?: typeof fetch;
}

/** Longest a notification may take, after a pass's scaling work (never past the deadline). */
export const NOTIFY_TIMEOUT_MS = 3_000;

/** Time kept after the last pass to save the alarm history before the deadline. */
const SAVE_RESERVE_MS = 2_000;

const FAILED: ReadonlySet<Outcome> = new Set(['error', 'rejected', 'conflict']);

/**
 * The notifiers a policy asks for (only the operator's policies may: discovery refuses them in
 * annotations), built by core (webhook; no other kind is delivered from Kubernetes), queued until
 * the end of the pass by the orchestrator. A URL the notifier refuses (not https, a private or
 * metadata address) is a warning.
 */
function notifiersOf(logger: Logger, fetchFn: typeof fetch | undefined): (policy: Policy) => Notifier[] {
  return (policy) => buildNotifiers(policy, { kinds: [], deps: undefined, logger, ...(fetchFn ? { webhook: { fetch: fetchFn } } : {}) });
}

/**
 * A CronJob run: one pass, or passes every `intervalSeconds` for `loopSeconds`
 * (on the injected clock). Alarm history is loaded once and saved once.
 */
export async function runCronJob(options: RunOptions): Promise<RunSummary> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? new JsonLogger((line) => process.stderr.write(`${line}\n`), config.logLevel);
  const startedAt = clock.now();
  const api = new KubeApi(options.kubeConfig);
  // The run's deadline: the Job's activeDeadlineSeconds (counted from the Job's start, which is
  // before this process's) minus a margin; the passes stop in time to save the history.
  const runDeadline = config.jobDeadlineSeconds === undefined ? Infinity : startedAt + (config.jobDeadlineSeconds - config.deadlineMarginSeconds) * 1000;
  const passDeadline = runDeadline - SAVE_RESERVE_MS;
  const history = config.history === 'configmap' && config.namespace ? new ConfigMapAlarmHistory(api, config.namespace) : new MemoryAlarmHistory();
  const stateStore = config.state === 'configmap' && config.namespace ? new ConfigMapStateStore(api, config.namespace) : undefined;
  const policies = new PassPolicies();
  const provider = new KubernetesProvider({
    kube: api,
    logger,
    ...(config.tiers ? { tiers: config.tiers } : {}),
    ...(stateStore ? { stateStore } : {}),
    ...(config.provisioningSeconds !== undefined ? { provisioningSeconds: config.provisioningSeconds } : {}),
  });
  const prometheus = config.prometheus;
  const source = new MetricsServerAlarmSource({
    kube: api,
    history,
    logger,
    record: (ref) => recordedMetricsOf(policies.resolve(ref)?.rules ?? []),
    ...(config.alarms ? { alarms: config.alarms } : {}),
    ...(prometheus && prometheus.queries.length > 0
      ? { prometheus: { url: prometheus.url, queries: prometheus.queries, ...(prometheus.headers ? { headers: prometheus.headers } : {}) } }
      : {}),
  });
  // Metric history for predictive rules: Prometheus range queries when configured, else the per-minute history recorded from metrics-server.
  const metricSource: MetricSource = prometheus
    ? new PrometheusMetricSource({
        url: prometheus.url,
        templates: prometheus.templates,
        clock,
        ...(prometheus.headers ? { headers: prometheus.headers } : {}),
      })
    : new RecordedMetricSource(history);
  const autoscaler = new Autoscaler({
    providers: [provider],
    sources: [source],
    metricSources: [metricSource],
    policies,
    clock,
    logger,
    notifiersFor: notifiersOf(logger, options.fetch),
    notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
    retry: { attempts: 3, baseDelayMs: 500 },
  });
  const all: AuditRecord[] = [];
  let passes = 0;
  let targets = 0;
  let error: string | undefined;
  try {
    // A hung apiserver must not keep the Job past its deadline: every call of the run is bounded by it.
    if (history instanceof ConfigMapAlarmHistory) await within(clock, passDeadline, 'reading the history ConfigMap', () => history.load());
    if (stateStore) await within(clock, passDeadline, 'reading the state ConfigMap', (o) => stateStore.load(o.signal));
    const loopEnd = startedAt + config.loopSeconds * 1000;
    for (;;) {
      const passStart = clock.now();
      const r = await runPass({
        api,
        provider,
        source,
        autoscaler,
        policies,
        clock,
        logger,
        namespaces: config.namespaces,
        concurrency: config.concurrency,
        ...(Number.isFinite(passDeadline) ? { deadline: passDeadline } : {}),
        ...(config.namespace ? { policyNamespace: config.namespace } : {}),
        ...(config.defaultPolicy ? { defaultPolicy: config.defaultPolicy } : {}),
      });
      passes++;
      targets = Math.max(targets, r.targets);
      all.push(...r.records);
      const next = passStart + config.intervalSeconds * 1000;
      // Another pass only when it starts inside the loop and has at least an interval before the deadline.
      if (config.loopSeconds === 0 || next >= loopEnd || next + config.intervalSeconds * 1000 > passDeadline) break;
      await clock.sleep(next - clock.now());
    }
    if (history instanceof ConfigMapAlarmHistory) await within(clock, runDeadline, 'saving the history ConfigMap', () => history.save());
  } catch (e) {
    error = redactSecrets((e as Error).message);
    logger.log('error', 'run failed', { error });
  }
  const outcomes: Partial<Record<Outcome, number>> = {};
  for (const r of all) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  return {
    ok: error === undefined && all.every((r) => !FAILED.has(r.outcome)),
    passes,
    targets,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: clock.now() - startedAt,
    outcomes,
    records: all
      .filter((r) => r.outcome !== 'no-action')
      .map((r) => ({
        outcome: r.outcome,
        reason: r.reason,
        ...(r.target ? { target: r.target.id } : {}),
        ...(r.from ? { from: r.from.replicas } : {}),
        ...(r.to ? { to: r.to.replicas } : {}),
        ...(r.to?.size ? { size: r.to.size } : {}),
        ...(r.code ? { code: r.code } : {}),
      })),
    ...(error !== undefined ? { error } : {}),
  };
}
