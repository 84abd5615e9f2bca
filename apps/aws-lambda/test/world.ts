import { ManualClock, MemoryLogger, type Clock } from '@autoscaler/core';
import { createAwsClients, InvocationBudget, type AwsClients } from '@autoscaler/provider-aws-sagemaker';
import { FakeAws, type FakeInferenceComponentSeed } from '@autoscaler/sandbox-aws';
import { buildDeps, type LambdaDeps } from '../src';

export const ENDPOINT = 'my-endpoint';
export const VARIANT = 'AllTraffic';
export const TARGET_ID = `endpoint/${ENDPOINT}/variant/${VARIANT}`;
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:autoscaler-alarms';

/** The EventBridge schedule's event, as the stack's rule delivers it (the periodic evaluation). */
export function scheduledEvent(time = '2026-01-01T12:00:00Z'): Record<string, unknown> {
  return {
    version: '0',
    id: 'tick',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

/** Run `p`, moving the manual clock whenever the orchestrator sleeps between retries. */
export async function driven<T>(world: Pick<LambdaWorld, 'clock'>, p: Promise<T>): Promise<T> {
  let done = false;
  const out = p.finally(() => (done = true));
  while (!done) {
    await new Promise((r) => setImmediate(r));
    if (world.clock.pending > 0) world.clock.advance(1_000);
  }
  return out;
}

export const POLICY = {
  name: 'e2e',
  targets: [{ provider: 'aws-sagemaker', id: TARGET_ID }],
  limits: { minReplicas: 1, maxReplicas: 6, cooldown: { scaleOut: 0, scaleIn: 300 } },
  rules: [{ name: 'cpu-high', threshold: { metric: 'CPUUtilization', above: 80, change: 1 } }],
};

export interface LambdaWorld {
  fake: FakeAws;
  /** A ManualClock unless the world was started on another clock (hung-call scenarios use real time). */
  clock: ManualClock;
  clients: AwsClients;
  logger: MemoryLogger;
  /** A fresh container (its own in-process dedupe store), sharing the fake. */
  container(env?: Record<string, string>): Promise<LambdaDeps>;
  close(): Promise<void>;
}

export interface LambdaWorldOptions {
  maxAttempts?: number;
  unmanaged?: string[];
  /** Default: a ManualClock at 2026-01-01T12:00Z. */
  clock?: Clock;
  policy?: unknown;
  /** Per-request timeout of each container's SDK clients. */
  requestTimeoutMs?: number;
  /** Inference components the fake serves beside the endpoint. */
  inferenceComponents?: FakeInferenceComponentSeed[];
}

export async function startLambdaWorld(options: LambdaWorldOptions = {}): Promise<LambdaWorld> {
  const clock = (options.clock ?? new ManualClock(Date.UTC(2026, 0, 1, 12))) as ManualClock;
  const fake = await FakeAws.start({
    clock,
    endpoints: [
      { name: ENDPOINT, variants: [{ name: VARIANT, instanceType: 'ml.m5.large', instances: 2 }], tags: { 'autoscaler:managed': 'true' } },
      ...(options.unmanaged ?? []).map((name) => ({ name, variants: [{ name: VARIANT, instances: 1 }] })),
    ],
    topics: ['autoscaler-alarms'],
    ...(options.inferenceComponents ? { inferenceComponents: options.inferenceComponents } : {}),
  });
  const clients = createAwsClients({ ...fake.clientConfig(), maxAttempts: options.maxAttempts ?? 3, backoff: () => 0 });
  const logger = new MemoryLogger();
  const made: AwsClients[] = [];
  return {
    fake,
    clock,
    clients,
    logger,
    async container(env = {}) {
      // Each container has its own SDK clients, whose retries see its invocation's deadline.
      const budget = new InvocationBudget(clock);
      const own = createAwsClients({
        ...fake.clientConfig(),
        maxAttempts: options.maxAttempts ?? 3,
        backoff: () => 0,
        remainingMs: () => budget.remainingMs(),
        ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      });
      made.push(own);
      return buildDeps(
        {
          AWS_REGION: 'us-east-1',
          AUTOSCALER_POLICY: JSON.stringify(options.policy ?? POLICY),
          AUTOSCALER_SNS_TOPIC_ARNS: TOPIC,
          AUTOSCALER_RETRY_ATTEMPTS: '2',
          ...env,
        },
        { clients: own, clock, logger, budget, fetchCertificate: fake.sns.certificateFetcher },
      );
    },
    async close() {
      for (const c of [clients, ...made]) c.destroy();
      await fake.close();
    },
  };
}
