import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { SNSEvent } from 'aws-lambda';
import { alarmFiringRequest, sageMakerAlarmRequest } from '@autoscaler/sandbox-aws';
import { handleEvent } from '../src';
import { ENDPOINT, startLambdaWorld, TARGET_ID, TOPIC, VARIANT, type LambdaWorld } from './world';

let w: LambdaWorld;
afterEach(async () => w?.close());

/** An alarm wired to the topic, put into ALARM; returns the signed SNS events the fake delivered. */
async function fireAlarm(world: LambdaWorld, name: string, metric: string, dimensions: Record<string, string>): Promise<SNSEvent[]> {
  const events: SNSEvent[] = [];
  world.fake.sns.subscribe((e) => events.push(e));
  await world.clients.cloudwatch.send(new PutMetricAlarmCommand(sageMakerAlarmRequest({ name, metric, dimensions, actions: [TOPIC] })));
  await world.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(name, 2, 0)));
  return events;
}

describe("the Lambda on today's serving shapes (SNS from the fake, real handler)", () => {
  it("an endpoint-only alarm (asynchronous endpoint, no VariantName) scales the policy's variant of that endpoint", async () => {
    w = await startLambdaWorld({
      policy: {
        name: 'async',
        targets: [{ provider: 'aws-sagemaker', id: TARGET_ID }],
        limits: { minReplicas: 1, maxReplicas: 6, cooldown: { scaleOut: 0, scaleIn: 300 } },
        rules: [{ name: 'wake', threshold: { metric: 'HasBacklogWithoutCapacity', above: 0, change: 1 } }],
      },
    });
    const deps = await w.container();
    const [event] = await fireAlarm(w, `autoscaler-app-${ENDPOINT}-${VARIANT}-wake`, 'HasBacklogWithoutCapacity', { EndpointName: ENDPOINT });
    const out = await handleEvent(event, deps);
    expect(out.records).toEqual([expect.objectContaining({ outcome: 'scaled', target: expect.objectContaining({ id: TARGET_ID }) })]);
    expect(w.fake.sagemaker.desiredCount(ENDPOINT, VARIANT)).toBe(3);
  });

  it('a NoCapacityInvocationFailures alarm on InferenceComponentName wakes the component from zero copies', async () => {
    w = await startLambdaWorld({
      inferenceComponents: [{ name: 'llama-ic', endpoint: ENDPOINT, copies: 0, tags: { 'autoscaler:managed': 'true' } }],
      policy: {
        name: 'ic',
        targets: [{ provider: 'aws-sagemaker', id: 'inference-component/llama-ic' }],
        limits: { minReplicas: 0, maxReplicas: 4, cooldown: { scaleOut: 0, scaleIn: 300 } },
        rules: [{ name: 'wake', threshold: { metric: 'NoCapacityInvocationFailures', above: 0, change: 1 } }],
      },
    });
    const deps = await w.container();
    const [event] = await fireAlarm(w, 'autoscaler-app-ic-llama-ic-wake', 'NoCapacityInvocationFailures', { InferenceComponentName: 'llama-ic' });
    const out = await handleEvent(event, deps);
    expect(out.records).toEqual([expect.objectContaining({ outcome: 'scaled', target: expect.objectContaining({ id: 'inference-component/llama-ic' }) })]);
    expect(w.fake.sagemaker.componentSnapshot('llama-ic')).toMatchObject({ desired: 1 });
  });

  it('an endpoint-only alarm for an endpoint the policy does not manage is refused naming VariantName, and nothing scales', async () => {
    w = await startLambdaWorld({ unmanaged: ['other'] });
    const deps = await w.container();
    const [event] = await fireAlarm(w, 'autoscaler-app-other-AllTraffic-wake', 'HasBacklogWithoutCapacity', { EndpointName: 'other' });
    const out = await handleEvent(event, deps);
    expect(out.ok).toBe(false);
    expect(out.records).toEqual([expect.objectContaining({ outcome: 'rejected', reason: expect.stringContaining('VariantName') })]);
    expect(w.fake.calls('UpdateEndpointWeightsAndCapacities')).toHaveLength(0);
  });
});
