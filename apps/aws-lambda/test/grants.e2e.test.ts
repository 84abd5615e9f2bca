import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { SNSEvent } from 'aws-lambda';
import { validatePolicy } from '@autoscaler/core';
import { applyNative, compileNative } from '@autoscaler/provider-aws-sagemaker';
import { handleEvent, type LambdaDeps } from '../src';
import { AutoscalerStack } from '../src/stack/autoscaler-stack';
import { driven, ENDPOINT, startLambdaWorld, TARGET_ID, TOPIC, VARIANT, type LambdaWorld, scheduledEvent } from './world';
import { alarmFiringRequest, sageMakerAlarmRequest, variantAlarmRequest } from '@autoscaler/sandbox-aws';

jest.setTimeout(60_000);

const OPS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops';
/** Everything the function can do: scale, resize an endpoint registered with Application Auto Scaling, pull history, notify. */
const POLICY = {
  name: 'prod',
  targets: [{ provider: 'aws-sagemaker', id: TARGET_ID }],
  limits: { minReplicas: 1, maxReplicas: 6, sizes: ['ml.m5.large', 'ml.m5.xlarge', 'ml.m5.2xlarge'], cooldown: { scaleOut: 0, scaleIn: 300 } },
  rules: [
    { name: 'cpu-high', threshold: { metric: 'CPUUtilization', above: 80, change: 1 } },
    { name: 'memory-high', threshold: { metric: 'MemoryUtilization', above: 90, size: 'next' } },
    { name: 'weekdays', schedule: { start: '0 8 * * 1-5', durationMinutes: 600, minReplicas: 1 } },
    { name: 'forecast', predictive: { metric: 'requests', target: 600 } },
  ],
  notifications: [{ type: 'sns', topicArn: OPS_TOPIC }],
};

const SERVICE_PREFIX: Record<string, string> = { sagemaker: 'sagemaker', autoscaling: 'application-autoscaling', cloudwatch: 'cloudwatch', sns: 'sns' };

/** The IAM actions the stack grants the function (its own logs aside). */
function granted(policy: unknown = POLICY): Set<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'autoscaler-grants-'));
  try {
    const app = new App({ outdir });
    const stack = new AutoscalerStack(app, 'Autoscaler', {
      policyText: JSON.stringify(policy),
      code: Code.fromInline('export const handler = async () => ({})'),
      env: { account: '123456789012', region: 'us-east-1' },
    });
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as Array<{
      Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } };
    }>;
    return new Set(policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s) => [s.Action].flat())).filter((a) => !a.startsWith('logs:')));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs events through the handler (moving the manual clock past its retry sleeps) and collects the IAM actions of the AWS calls they made. */
function recorder(world: LambdaWorld, deps: LambdaDeps): { run: (event: unknown) => Promise<void>; called: Set<string> } {
  const called = new Set<string>();
  const run = async (event: unknown): Promise<void> => {
    const from = world.fake.requests.length;
    await driven(world, handleEvent(event, deps)).catch(() => undefined);
    for (const r of world.fake.requests.slice(from)) if (r.service !== 'unknown') called.add(`${SERVICE_PREFIX[r.service]}:${r.operation}`);
  };
  return { run, called };
}

let w: LambdaWorld;
afterEach(async () => w?.close());

describe('least privilege is exactly the work', () => {
  it('the IAM actions the stack grants equal the AWS calls the function makes across scale, resize (registered target), a failed resize, a periodic pass and a notification', async () => {
    w = await startLambdaWorld({ policy: POLICY });
    w.fake.sns.createTopic('ops');
    const events: SNSEvent[] = [];
    w.fake.sns.subscribe((e) => events.push(e));
    // setup aws: the registration (owner-tagged), step alarms and scheduled actions a resize must move aside.
    await applyNative(w.clients, compileNative(validatePolicy(POLICY), { provider: 'aws-sagemaker', id: TARGET_ID }));
    const alarm = async (rule: string, metric: string): Promise<string> => {
      const name = `autoscaler-app-${ENDPOINT}-${VARIANT}-${rule}`;
      await w.clients.cloudwatch.send(
        new PutMetricAlarmCommand(variantAlarmRequest({ name: name, metric: metric, endpoint: ENDPOINT, variant: VARIANT, topicArn: TOPIC })),
      );
      return name;
    };
    const fire = async (name: string): Promise<SNSEvent> => {
      await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(name, 95)));
      return events.at(-1)!;
    };
    const cpu = await alarm('cpu-high', 'CPUUtilization');
    const memory = await alarm('memory-high', 'MemoryUtilization');

    const { run, called } = recorder(w, await w.container());

    await run(await fire(cpu)); // scale out + notify
    w.clock.advance(5 * 60_000);
    w.fake.inject({ kind: 'throttle', service: 'sagemaker', operation: 'UpdateEndpoint', times: Infinity });
    await run(await fire(memory)); // a resize that fails: its config deleted, its tags taken back, the registration restored
    w.fake.clearFaults();
    w.clock.advance(5 * 60_000);
    await w.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: memory, StateValue: 'OK', StateReason: 'back' }));
    await run(await fire(memory)); // the resize
    w.clock.advance(30 * 60_000);
    for (const name of [cpu, memory])
      await w.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'quiet again' }));
    await run(scheduledEvent('2026-01-01T13:00:00Z'));

    expect(w.fake.calls('UpdateEndpoint').filter((r) => r.status === 200)).toHaveLength(1);
    expect(w.fake.sagemaker.snapshot(ENDPOINT)!.tags).toBeDefined();
    // Registering a target with Tags needs TagResource too (tag on create).
    if (called.has('application-autoscaling:RegisterScalableTarget')) called.add('application-autoscaling:TagResource');
    expect([...called].sort()).toEqual([...granted()].sort());
  });

  it('the same for an inference component: wake from zero, a failed update taken back, a periodic pass', async () => {
    const IC_POLICY = {
      name: 'ic',
      targets: [{ provider: 'aws-sagemaker', id: 'inference-component/llama-ic' }],
      limits: { minReplicas: 0, maxReplicas: 4, cooldown: { scaleOut: 0, scaleIn: 300 } },
      rules: [
        { name: 'wake', threshold: { metric: 'NoCapacityInvocationFailures', above: 0, change: 1 } },
        { name: 'forecast', predictive: { metric: 'InvocationsPerCopy', target: 600 } },
      ],
    };
    w = await startLambdaWorld({
      policy: IC_POLICY,
      inferenceComponents: [{ name: 'llama-ic', endpoint: ENDPOINT, copies: 0, tags: { 'autoscaler:managed': 'true' } }],
    });
    const events: SNSEvent[] = [];
    w.fake.sns.subscribe((e) => events.push(e));
    const name = 'autoscaler-app-ic-llama-ic-wake';
    await w.clients.cloudwatch.send(
      new PutMetricAlarmCommand(
        sageMakerAlarmRequest({ name, metric: 'NoCapacityInvocationFailures', dimensions: { InferenceComponentName: 'llama-ic' }, actions: [TOPIC] }),
      ),
    );
    const fire = async (): Promise<SNSEvent> => {
      await w.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'quiet' }));
      await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(name, 2, 0)));
      return events.at(-1)!;
    };
    const { run, called } = recorder(w, await w.container());
    w.fake.inject({ kind: 'throttle', service: 'sagemaker', operation: 'UpdateInferenceComponentRuntimeConfig', times: Infinity });
    await run(await fire()); // the update fails: the state tags written first are taken back
    w.fake.clearFaults();
    w.clock.advance(5 * 60_000);
    await run(await fire()); // wakes: one copy
    expect(w.fake.sagemaker.componentSnapshot('llama-ic')).toMatchObject({ desired: 1 });
    w.clock.advance(30 * 60_000);
    await w.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'quiet again' }));
    await run(scheduledEvent('2026-01-01T13:00:00Z'));
    expect([...called].sort()).toEqual([...granted(IC_POLICY)].sort());
  });
});
