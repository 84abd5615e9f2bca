import { ManualClock, MemoryLogger } from '@autoscaler/core';
import { createAwsClients, type AwsClients } from '@autoscaler/provider-aws-sagemaker';
import { FakeAws } from '@autoscaler/provider-aws-sagemaker/testing';
import { buildDeps, type LambdaDeps } from '../src';

export const ENDPOINT = 'my-endpoint';
export const VARIANT = 'AllTraffic';
export const TARGET_ID = `endpoint/${ENDPOINT}/variant/${VARIANT}`;
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:autoscaler-alarms';

export const POLICY = {
  name: 'e2e',
  targets: [{ provider: 'aws-sagemaker', id: TARGET_ID }],
  limits: { minReplicas: 1, maxReplicas: 6, cooldown: { scaleOut: 0, scaleIn: 300 } },
  rules: [{ name: 'cpu-high', threshold: { metric: 'CPUUtilization', above: 80, change: 1 } }],
};

export interface LambdaWorld {
  fake: FakeAws;
  clock: ManualClock;
  clients: AwsClients;
  logger: MemoryLogger;
  /** A fresh container (its own in-process dedupe store), sharing the fake. */
  container(env?: Record<string, string>): Promise<LambdaDeps>;
  close(): Promise<void>;
}

export async function startLambdaWorld(options: { maxAttempts?: number; unmanaged?: string[] } = {}): Promise<LambdaWorld> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const fake = await FakeAws.start({
    clock,
    endpoints: [
      { name: ENDPOINT, variants: [{ name: VARIANT, instanceType: 'ml.m5.large', instances: 2 }], tags: { 'autoscaler:managed': 'true' } },
      ...(options.unmanaged ?? []).map((name) => ({ name, variants: [{ name: VARIANT, instances: 1 }] })),
    ],
    topics: ['autoscaler-alarms'],
  });
  const clients = createAwsClients({ ...fake.clientConfig(), maxAttempts: options.maxAttempts ?? 3, backoff: () => 0 });
  const logger = new MemoryLogger();
  const made: LambdaDeps[] = [];
  return {
    fake,
    clock,
    clients,
    logger,
    async container(env = {}) {
      const deps = await buildDeps(
        { AWS_REGION: 'us-east-1', AUTOSCALER_POLICY: JSON.stringify(POLICY), AUTOSCALER_SNS_TOPIC_ARNS: TOPIC, AUTOSCALER_RETRY_ATTEMPTS: '2', ...env },
        { clients, clock, logger, fetchCertificate: fake.sns.certificateFetcher },
      );
      made.push(deps);
      return deps;
    },
    async close() {
      for (const c of Object.values(clients)) c.destroy();
      await fake.close();
    },
  };
}
