import type { KubeConfig } from '@kubernetes/client-node';
import { Autoscaler, JsonLogger, WebhookNotifier, systemClock, type AuditRecord, type Clock, type Logger, type Notifier, type Outcome, type Policy } from '@autoscaler/core';
import { ConfigMapAlarmHistory, KubeApi, KubernetesProvider, MemoryAlarmHistory, MetricsServerAlarmSource } from '@autoscaler/provider-kubernetes';
import type { CronJobConfig } from './config';
import { PassPolicies, runPass } from './pass';

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
}

const FAILED: ReadonlySet<Outcome> = new Set(['error', 'rejected', 'conflict']);

/** Webhook notifications a policy asks for; ONS/SNS topics are other clouds' and are ignored here. */
function notifiersFor(policy: Policy): Notifier[] {
  return policy.notifications.flatMap((n) => (n.type === 'webhook' ? [new WebhookNotifier(n.url, n.format)] : []));
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
  const history = config.history === 'configmap' && config.namespace ? new ConfigMapAlarmHistory(api, config.namespace) : new MemoryAlarmHistory();
  const policies = new PassPolicies();
  const provider = new KubernetesProvider({ kube: api, logger, ...(config.tiers ? { tiers: config.tiers } : {}) });
  const source = new MetricsServerAlarmSource({ kube: api, policies, history, logger, ...(config.alarms ? { alarms: config.alarms } : {}), ...(config.prometheus ? { prometheus: config.prometheus } : {}) });
  const autoscaler = new Autoscaler({ providers: [provider], sources: [source], policies, clock, logger, notifiersFor, retry: { attempts: 3, baseDelayMs: 500 } });
  const all: AuditRecord[] = [];
  let passes = 0;
  let targets = 0;
  let error: string | undefined;
  try {
    if (history instanceof ConfigMapAlarmHistory) await history.load();
    const deadline = startedAt + config.loopSeconds * 1000;
    for (;;) {
      const passStart = clock.now();
      const r = await runPass({ api, provider, source, autoscaler, policies, clock, logger, namespaces: config.namespaces, concurrency: config.concurrency, ...(config.namespace ? { policyNamespace: config.namespace } : {}), ...(config.defaultPolicy ? { defaultPolicy: config.defaultPolicy } : {}) });
      passes++;
      targets = Math.max(targets, r.targets);
      all.push(...r.records);
      const next = passStart + config.intervalSeconds * 1000;
      if (config.loopSeconds === 0 || next >= deadline) break;
      await clock.sleep(next - clock.now());
    }
    if (history instanceof ConfigMapAlarmHistory) await history.save();
  } catch (e) {
    error = (e as Error).message;
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
