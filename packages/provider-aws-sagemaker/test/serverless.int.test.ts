import { RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { ValidationError, applyAndWait, validatePolicy, type PolicyInput, type TargetRef } from '@autoscaler/core';
import { applyNative, nativeStatus, teardownNative } from '../src';
import { SageMakerProvider } from '../src/provider';
import { MANAGED, REF, startWorld, type TestWorld } from './world';

const SLS: TargetRef = { provider: 'aws-sagemaker', id: 'endpoint/sls-endpoint/variant/AllTraffic' };
const PC = 'sagemaker:variant:DesiredProvisionedConcurrency';

let w: TestWorld;
afterEach(async () => w?.close());

async function world(): Promise<SageMakerProvider> {
  w = await startWorld({
    moreEndpoints: [
      {
        name: 'sls-endpoint',
        variants: [{ name: 'AllTraffic', serverless: { memorySizeInMB: 2048, maxConcurrency: 20, provisionedConcurrency: 2 } }],
        tags: MANAGED,
      },
    ],
  });
  return new SageMakerProvider(w.clients, { clock: w.clock });
}

const updates = (): number => w.fake.calls('UpdateEndpointWeightsAndCapacities').length;

const POLICY: PolicyInput = {
  name: 'sls',
  targets: [{ ...SLS }],
  limits: { minReplicas: 1, maxReplicas: 10, cooldown: { scaleOut: 60, scaleIn: 300 } },
  rules: [
    { name: 'pc', targetTracking: { metric: 'ProvisionedConcurrencyUtilization', target: 0.7 } },
    { name: 'business-hours', schedule: { start: '0 8 * * 1-5', end: '0 18 * * 1-5', minReplicas: 5 } },
  ],
};

describe('serverless endpoints: provisioned concurrency is the capacity', () => {
  it('describe: replicas are the provisioned concurrency, no instance type; isServerless tells the kinds apart', async () => {
    const provider = await world();
    expect(await provider.describe(SLS)).toMatchObject({ status: 'ready', capacity: { replicas: 2 } });
    expect((await provider.describe(SLS)).capacity.size).toBeUndefined();
    expect(await provider.isServerless(SLS)).toBe(true);
    expect(await provider.isServerless(REF)).toBe(false);
    expect(await provider.sizes(SLS)).toEqual([]);
    expect(await provider.instanceCounts(SLS)).toEqual({ desired: 2, current: 2 });
  });

  it('apply sends ServerlessUpdateConfig.ProvisionedConcurrency (core applyAndWait waits for InService)', async () => {
    const provider = await world();
    const pending = applyAndWait(provider, SLS, { replicas: 5 }, { clock: w.clock, pollMs: 1_000 });
    for (let i = 0; i < 20 && w.clock.pending === 0; i++) await new Promise((r) => setImmediate(r));
    w.clock.advance(60_000);
    expect(await pending).toMatchObject({ status: 'done', from: { replicas: 2 }, to: { replicas: 5 } });
    expect(w.fake.sagemaker.provisionedConcurrency('sls-endpoint', 'AllTraffic')).toBe(5);
    expect(await provider.instanceCounts(SLS)).toEqual({ desired: 5, current: 5 });
  });

  it.each([
    ['zero', { replicas: 0 }, 'capacity.replicas'],
    ['above MaxConcurrency', { replicas: 21 }, 'capacity.replicas'],
    ['a fraction', { replicas: 2.5 }, 'capacity.replicas'],
    ['an instance type', { replicas: 2, size: 'ml.m5.large' }, 'capacity.size'],
  ])('refuses %s naming the field, with no update call', async (_what, to, path) => {
    const provider = await world();
    const s = await provider.describe(SLS);
    const e = await provider.apply(SLS, to, { ifMatch: s.version! }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues[0]!.path).toBe(path);
    expect(updates()).toBe(0);
  });

  it('the fake refuses what SageMaker refuses: an instance count on a serverless variant, a serverless update on an instance variant, PC above the cap', async () => {
    await world();
    const send = (endpoint: string, member: Record<string, unknown>) =>
      w.clients.sagemaker.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: endpoint, DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', ...member }] }),
      );
    await expect(send('sls-endpoint', { DesiredInstanceCount: 2 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(send('my-endpoint', { ServerlessUpdateConfig: { ProvisionedConcurrency: 2 } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(send('sls-endpoint', { ServerlessUpdateConfig: { ProvisionedConcurrency: 30 } })).rejects.toMatchObject({
      message: expect.stringContaining('MaxConcurrency'),
    });
    expect(w.fake.sagemaker.provisionedConcurrency('sls-endpoint', 'AllTraffic')).toBe(2);
  });

  it('export and setup: DesiredProvisionedConcurrency target, target tracking on SageMakerVariantProvisionedConcurrencyUtilization, the schedule; it acts, status shows it, teardown removes it', async () => {
    const provider = await world();
    const exported = await provider.exportNative(validatePolicy(POLICY), SLS);
    expect(exported.resources.map((r) => [r.kind, 'ScalableDimension' in r.request ? r.request.ScalableDimension : null])).toEqual([
      ['ScalableTarget', PC],
      ['ScalingPolicy', PC],
      ['ScheduledAction', PC],
      ['ScheduledAction', PC],
    ]);
    expect(exported.resources[1]).toMatchObject({
      request: {
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 0.7,
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantProvisionedConcurrencyUtilization' },
        },
      },
    });
    const changes = await applyNative(w.clients, exported);
    expect(changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'created ScalableTarget',
      'created ScalingPolicy',
      'created ScheduledAction',
      'created ScheduledAction',
    ]);
    expect(w.fake.autoscaling.isRegistered(SLS.id, PC)).toBe(true);
    expect(w.fake.autoscaling.isRegistered(SLS.id)).toBe(false);
    // The service's high alarm fires (utilization 0.95 vs 0.7): 2 -> ceil(2 x 0.95 / 0.7) = 3.
    const high = w.fake.cloudwatch.names().find((n) => n.startsWith(`TargetTracking-${SLS.id}-AlarmHigh`))!;
    await w.clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: high, StateValue: 'ALARM', StateReason: 't', StateReasonData: JSON.stringify({ recentDatapoints: [0.95] }) }),
    );
    expect(w.fake.sagemaker.provisionedConcurrency('sls-endpoint', 'AllTraffic')).toBe(3);
    const status = await nativeStatus(w.clients, SLS);
    expect(status.target).toMatchObject({ ScalableDimension: PC, MinCapacity: 1, MaxCapacity: 10 });
    expect(status.activities[0]).toMatchObject({ StatusCode: 'Successful', Description: 'Setting desired provisioned concurrency to 3.' });
    const removed = await teardownNative(w.clients, SLS, 'sls');
    expect(removed.map((c) => `${c.action} ${c.kind}`).sort()).toEqual([
      'deleted ScalableTarget',
      'deleted ScalingPolicy',
      'deleted ScheduledAction',
      'deleted ScheduledAction',
    ]);
    expect(w.fake.autoscaling.isRegistered(SLS.id, PC)).toBe(false);
  });

  it('the App Auto Scaling fake refuses the provisioned-concurrency dimension on an instance-based variant', async () => {
    await world();
    await expect(
      (await w.clients.autoscalingClient()).send(
        new RegisterScalableTargetCommand({ ServiceNamespace: 'sagemaker', ResourceId: REF.id, ScalableDimension: PC, MinCapacity: 1, MaxCapacity: 4 }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('not a serverless variant') });
  });
});
