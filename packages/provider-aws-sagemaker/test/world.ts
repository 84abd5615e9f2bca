import { PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { ManualClock } from '@autoscaler/core';
import { createAwsClients, type AwsClients } from '../src';
import { FakeAws, type FakeAwsOptions, type FakeEndpointSeed } from '@autoscaler/sandbox-aws';

export const ENDPOINT = 'my-endpoint';
export const VARIANT = 'AllTraffic';
export const REF = { provider: 'aws-sagemaker', id: `endpoint/${ENDPOINT}/variant/${VARIANT}` } as const;
/** The tag that lets the autoscaler act on an endpoint or inference component. */
export const MANAGED = { 'autoscaler:managed': 'true' } as const;
/** REF's instance count as Application Auto Scaling names it. */
export const REF_TARGET = { ServiceNamespace: 'sagemaker', ResourceId: REF.id, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' } as const;

export interface TestWorld {
  fake: FakeAws;
  clock: ManualClock;
  clients: AwsClients;
  close(): Promise<void>;
}

export interface WorldOptions extends FakeAwsOptions {
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** Endpoints served beside ENDPOINT (ignored when `endpoints` replaces the list). */
  moreEndpoints?: FakeEndpointSeed[];
}

/** A fake AWS on a manual clock, real SDK clients with bounded, zero-delay retries. */
export async function startWorld({ moreEndpoints = [], ...options }: WorldOptions = {}): Promise<TestWorld> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const fake = await FakeAws.start({
    clock,
    endpoints: [{ name: ENDPOINT, variants: [{ name: VARIANT, instanceType: 'ml.m5.large', instances: 2 }], tags: MANAGED }, ...moreEndpoints],
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

/** The provider conformance kit's `settle` (ten minutes on the manual clock: every fake update is done) and `close`. */
export function kitLifecycle(tw: TestWorld): { settle(): Promise<void>; close(): Promise<void> } {
  return {
    async settle() {
      tw.clock.advance(10 * 60_000);
    },
    close: () => tw.close(),
  };
}

/** Registers a scalable target as a user (or the console) would, outside the autoscaler. */
export async function registerByHand(w: TestWorld, min: number, max: number): Promise<void> {
  await (await w.clients.autoscalingClient()).send(new RegisterScalableTargetCommand({ ...REF_TARGET, MinCapacity: min, MaxCapacity: max }));
}

/** A user's own step policy (+1 at or above its alarm's threshold), put outside the autoscaler; returns its ARN. */
export async function putUserStepPolicy(w: TestWorld, name: string): Promise<string> {
  const out = await (
    await w.clients.autoscalingClient()
  ).send(
    new PutScalingPolicyCommand({
      ...REF_TARGET,
      PolicyName: name,
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
    }),
  );
  return out.PolicyARN!;
}
