import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SNSClient } from '@aws-sdk/client-sns';
import { BoundedRetryStrategy, type BackoffFn } from './retry';

/** The SDK clients the provider, alarm source and notifier use: created once (per container) and injected. */
export interface AwsClients {
  readonly sagemaker: SageMakerClient;
  /** Application Auto Scaling: only native exports and resizes of registered variants need it, so it loads on first use. */
  autoscalingClient(): Promise<ApplicationAutoScalingClient>;
  readonly cloudwatch: CloudWatchClient;
  /**
   * SNS is needed only to send a notification: its SDK (the only one on the query/XML protocol)
   * is loaded on first use, never at a Lambda cold start.
   */
  snsClient(): Promise<SNSClient>;
  /** Closes the sockets of every client made so far (tests, the CLI). */
  destroy(): void;
}

export interface AwsClientOptions {
  region: string;
  /** A local fake or a VPC endpoint; the SDK's default resolution when absent. */
  endpoint?: string;
  /** Static credentials (tests, sandbox); the default provider chain when absent (Lambda role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Calls per operation, first one included (default 3). */
  maxAttempts?: number;
  backoff?: BackoffFn;
  /** Per-request socket timeout in ms (default 5000): a hung call must not eat the Lambda's time. */
  requestTimeoutMs?: number;
  /** Milliseconds left of the invocation in progress (the Lambda's budget): the SDK starts no retry past it. */
  remainingMs?: () => number;
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const maxAttempts = options.maxAttempts ?? 3;
  const config = {
    region: options.region,
    maxAttempts,
    retryStrategy: new BoundedRetryStrategy(maxAttempts, options.backoff, options.remainingMs),
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? 5_000,
      connectionTimeout: Math.min(options.requestTimeoutMs ?? 5_000, 3_000),
      throwOnRequestTimeout: true,
    },
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  };
  // Each client is built on first use (and kept): a Lambda handling one alarm talks to SageMaker
  // only, and every SDK client costs about a millisecond to build at a cold start.
  let sagemaker: SageMakerClient | undefined;
  let autoscaling: Promise<ApplicationAutoScalingClient> | undefined;
  let cloudwatch: CloudWatchClient | undefined;
  let sns: Promise<SNSClient> | undefined;
  return {
    get sagemaker() {
      return (sagemaker ??= new SageMakerClient(config));
    },
    autoscalingClient() {
      return (autoscaling ??= import('@aws-sdk/client-application-auto-scaling').then((m) => new m.ApplicationAutoScalingClient(config)));
    },
    get cloudwatch() {
      return (cloudwatch ??= new CloudWatchClient(config));
    },
    snsClient() {
      return (sns ??= import('@aws-sdk/client-sns').then((m) => new m.SNSClient(config)));
    },
    destroy() {
      for (const c of [sagemaker, cloudwatch]) c?.destroy();
      for (const c of [sns, autoscaling])
        void c?.then(
          (x) => x.destroy(),
          () => undefined,
        );
    },
  };
}
