import { Autoscaler, JsonLogger, StaticPolicies, buildNotifiers, systemClock, type Clock, type Logger, type Notifier, type Policy } from '@autoscaler/core';
import {
  CloudWatchAlarmSource,
  CloudWatchMetricSource,
  InvocationBudget,
  PROVIDER_NAME,
  SageMakerProvider,
  SnsSignatureVerifier,
  createAwsClients,
  snsNotificationKind,
} from '@autoscaler/provider-aws-sagemaker';
import type { AwsClients, CertificateFetcher } from '@autoscaler/provider-aws-sagemaker';
import { httpsCertificateGetter, rebasedCertificateGetter } from './certificate-fetch';
import { parseEnv, type LambdaConfig } from './config';
import { loadPolicy } from './policy-source';

/** Everything one Lambda container builds once and reuses across invocations. */
export interface LambdaDeps {
  config: LambdaConfig;
  policies: readonly Policy[];
  clients: AwsClients;
  source: CloudWatchAlarmSource;
  metrics: CloudWatchMetricSource;
  provider: SageMakerProvider;
  autoscaler: Autoscaler;
  /** The invocation in progress's deadline: every AWS call and SDK retry fits in it (one invocation per container at a time). */
  budget: InvocationBudget;
  clock: Clock;
  logger: Logger;
}

export interface DepsOverrides {
  clients?: AwsClients;
  clock?: Clock;
  logger?: Logger;
  fetchCertificate?: CertificateFetcher;
  /** Static credentials (sandbox); the Lambda role otherwise. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Shared with `clients` when the test builds them (so their SDK retries see the deadline). */
  budget?: InvocationBudget;
}

export async function buildDeps(env: Readonly<Record<string, string | undefined>>, overrides: DepsOverrides = {}): Promise<LambdaDeps> {
  // The pinned SDK prints a Node-version notice at the first client: noise in every cold start's logs.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const config = parseEnv(env);
  const clock = overrides.clock ?? systemClock;
  const budget = overrides.budget ?? new InvocationBudget(clock);
  const logger = overrides.logger ?? new JsonLogger((line) => process.stdout.write(`${line}\n`), config.AUTOSCALER_LOG_LEVEL);
  const endpoint = config.AUTOSCALER_AWS_ENDPOINT_URL;
  const clients =
    overrides.clients ??
    createAwsClients({
      region: config.AWS_REGION,
      maxAttempts: config.AUTOSCALER_SDK_MAX_ATTEMPTS,
      remainingMs: () => budget.remainingMs(),
      ...(endpoint ? { endpoint } : {}),
      ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    });
  const policy = await loadPolicy(config, {
    region: config.AWS_REGION,
    ...(endpoint ? { endpoint } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
  });
  const fetchCertificate =
    overrides.fetchCertificate ??
    (config.AUTOSCALER_SNS_CERT_BASE_URL ? rebasedCertificateGetter(config.AUTOSCALER_SNS_CERT_BASE_URL) : httpsCertificateGetter());
  const topics = config.AUTOSCALER_SNS_TOPIC_ARNS.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const current = (): ReturnType<InvocationBudget['get']> => budget.get();
  const source = new CloudWatchAlarmSource({
    // The signed SNS Timestamp gets the same window: an old envelope is refused before any AWS call.
    verifier: new SnsSignatureVerifier({ fetchCertificate, now: () => clock.now(), maxMessageAgeMs: config.AUTOSCALER_MAX_MESSAGE_AGE_SECONDS * 1000 }),
    clients,
    topicArns: topics,
    clock,
    maxMessageAgeMs: config.AUTOSCALER_MAX_MESSAGE_AGE_SECONDS * 1000,
    budget: current,
    // An alarm on a per-endpoint metric (no VariantName) maps to the policy's one variant of that endpoint.
    targets: policy.targets.filter((t) => t.provider === PROVIDER_NAME).map((t) => t.id),
  });
  const provider = new SageMakerProvider(clients, { region: config.AWS_REGION, clock, budget: current });
  const metrics = new CloudWatchMetricSource(clients, { clock, budget: current });
  // Webhooks from core, `sns` from the provider package; another cloud's kind is a warning.
  const notifiersFor = (p: Policy): Notifier[] => buildNotifiers(p, { kinds: [snsNotificationKind], deps: { clients, clock }, logger });
  const autoscaler = new Autoscaler({
    providers: [provider],
    sources: [source],
    metricSources: [metrics],
    policies: new StaticPolicies([policy]),
    clock,
    logger,
    notifiersFor,
    retry: { attempts: config.AUTOSCALER_RETRY_ATTEMPTS, baseDelayMs: 200 },
  });
  return { config, policies: [policy], clients, source, metrics, provider, autoscaler, budget, clock, logger };
}
