import { ManualClock } from '@autoscaler/core';
import { createAwsClients, type AwsClients } from '../src';
import { FakeAws, type FakeAwsOptions } from '@autoscaler/sandbox-aws';

export const ENDPOINT = 'my-endpoint';
export const VARIANT = 'AllTraffic';
export const REF = { provider: 'aws-sagemaker', id: `endpoint/${ENDPOINT}/variant/${VARIANT}` } as const;

export interface TestWorld {
  fake: FakeAws;
  clock: ManualClock;
  clients: AwsClients;
  close(): Promise<void>;
}

/** A fake AWS on a manual clock, real SDK clients with bounded, zero-delay retries. */
export async function startWorld(options: FakeAwsOptions & { maxAttempts?: number; requestTimeoutMs?: number } = {}): Promise<TestWorld> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const fake = await FakeAws.start({
    clock,
    endpoints: [{ name: ENDPOINT, variants: [{ name: VARIANT, instanceType: 'ml.m5.large', instances: 2 }], tags: { 'autoscaler:managed': 'true' } }],
    topics: ['autoscaler-alarms'],
    ...options,
  });
  const clients = createAwsClients({
    ...fake.clientConfig(),
    maxAttempts: options.maxAttempts ?? 3,
    backoff: () => 0,
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  return {
    fake,
    clock,
    clients,
    async close() {
      clients.destroy();
      await fake.close();
    },
  };
}
