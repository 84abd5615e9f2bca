import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { systemClock } from '@autoscaler/core';
import { FakeAws } from '@autoscaler/sandbox-aws';

const run = promisify(execFile);

/** The fake must be faithful enough for the standard AWS CLI (botocore, i.e. what boto3 speaks), signatures included. */
async function awsCliAvailable(): Promise<boolean> {
  try {
    await run('aws', ['--version'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

describe('the AWS CLI against the fake', () => {
  let fake: FakeAws;
  let available = false;
  const env = (secret?: string): NodeJS.ProcessEnv => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: fake.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret ?? fake.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: fake.region,
    AWS_REGION: fake.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  });
  const aws = async (args: string[], secret?: string): Promise<unknown> => {
    const { stdout } = await run('aws', [...args, '--endpoint-url', fake.url, '--output', 'json'], { env: env(secret), timeout: 60_000 });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };

  beforeAll(async () => {
    available = await awsCliAvailable();
    // Real time: the CLI signs with the wall clock and the fake checks clock skew like AWS.
    fake = await FakeAws.start({
      clock: systemClock,
      endpoints: [{ name: 'my-endpoint', variants: [{ name: 'AllTraffic', instanceType: 'ml.m5.large', instances: 1 }] }],
      topics: ['autoscaler-alarms'],
    });
    if (!available) console.warn('SKIPPED: the `aws` CLI is not installed on this machine; the fake was not checked against it');
  }, 60_000);
  afterAll(async () => {
    await fake.close();
  });

  it('describes and scales an endpoint, lists targets, alarms and topics, and rejects a bad signature', async () => {
    if (!available) return; // reported above: nothing to run against
    const described = (await aws(['sagemaker', 'describe-endpoint', '--endpoint-name', 'my-endpoint'])) as {
      EndpointStatus: string;
      ProductionVariants: Array<{ CurrentInstanceCount: number }>;
    };
    expect(described.EndpointStatus).toBe('InService');
    expect(described.ProductionVariants[0]!.CurrentInstanceCount).toBe(1);
    await aws([
      'sagemaker',
      'update-endpoint-weights-and-capacities',
      '--endpoint-name',
      'my-endpoint',
      '--desired-weights-and-capacities',
      'VariantName=AllTraffic,DesiredInstanceCount=3',
    ]);
    const after = (await aws(['sagemaker', 'describe-endpoint', '--endpoint-name', 'my-endpoint'])) as {
      EndpointStatus: string;
      ProductionVariants: Array<{ DesiredInstanceCount: number }>;
    };
    expect(after.EndpointStatus).toBe('Updating');
    expect(after.ProductionVariants[0]!.DesiredInstanceCount).toBe(3);
    expect(await aws(['application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'sagemaker'])).toEqual({ ScalableTargets: [] });
    expect(await aws(['cloudwatch', 'describe-alarms'])).toMatchObject({ MetricAlarms: [] });
    expect(await aws(['sns', 'list-topics'])).toEqual({ Topics: [{ TopicArn: `arn:aws:sns:${fake.region}:${fake.accountId}:autoscaler-alarms` }] });
    await expect(aws(['sagemaker', 'describe-endpoint', '--endpoint-name', 'my-endpoint'], 'not-the-secret')).rejects.toThrow(/InvalidSignatureException/);
  }, 120_000);
});
