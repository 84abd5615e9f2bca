import { CreateEndpointConfigCommand, DescribeEndpointConfigCommand, UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeScalableTargetsCommand, DescribeScalingPoliciesCommand, PutScalingPolicyCommand } from '@aws-sdk/client-application-auto-scaling';
import { ConflictError, NotFoundError, ProviderError, TransientError, ValidationError } from '@autoscaler/core';
import { runProviderConformance } from '@autoscaler/testing';
import { sageMakerAlarmRequest } from '@autoscaler/sandbox-aws';
import { SageMakerProvider, versionOf } from '../src/provider';
import { ENDPOINT, kitLifecycle, MANAGED, putUserStepPolicy, REF, REF_TARGET, registerByHand, startWorld, VARIANT, type TestWorld } from './world';

let w: TestWorld;
afterEach(async () => w?.close());

async function world(options: Parameters<typeof startWorld>[0] = {}): Promise<{ w: TestWorld; provider: SageMakerProvider }> {
  w = await startWorld(options);
  return { w, provider: new SageMakerProvider(w.clients, { region: 'us-east-1', clock: w.clock }) };
}

runProviderConformance('aws-sagemaker against the wire fake', async () => {
  const tw = await startWorld({
    moreEndpoints: [{ name: 'busy-endpoint', variants: [{ name: VARIANT, instanceType: 'ml.m5.large', instances: 1 }], tags: MANAGED }],
  });
  tw.fake.sagemaker.setStatus('busy-endpoint', 'Updating');
  const provider = new SageMakerProvider(tw.clients, { clock: tw.clock });
  // The kit's probe policy has a floor of 0 (limits.minReplicas), which checkPolicy refuses for a
  // real-time variant (tested in core-adoption.int.test.ts); the kit checks the rest of the contract.
  Object.defineProperty(provider, 'checkPolicy', { value: undefined });
  let n = 0;
  return {
    provider,
    ready: { ...REF },
    updating: { provider: 'aws-sagemaker', id: `endpoint/busy-endpoint/variant/${VARIANT}` },
    missing: { provider: 'aws-sagemaker', id: `endpoint/no-such-endpoint/variant/${VARIANT}` },
    invalidIds: [
      '',
      'my-endpoint',
      'endpoint/my-endpoint',
      'endpoint/-bad/variant/x',
      'endpoint/a_b/variant/AllTraffic',
      `endpoint/${'a'.repeat(64)}/variant/v`,
      'endpoint/x/variant/y/extra',
      '../endpoint/x/variant/y',
    ],
    async tamper() {
      // Another actor deploys a new endpoint config (blue/green), as the console would.
      const cfg = await tw.clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: tw.fake.sagemaker.snapshot(ENDPOINT)!.configName }));
      const name = `tampered-${++n}`;
      await tw.clients.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: name, ProductionVariants: cfg.ProductionVariants }));
      await tw.clients.sagemaker.send(new UpdateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: name, RetainAllVariantProperties: true }));
    },
    ...kitLifecycle(tw),
  };
});

describe('SageMakerProvider', () => {
  it('describes replicas, instance type (from the endpoint config), status, version and the managed tag', async () => {
    const { provider } = await world();
    const s = await provider.describe(REF);
    expect(s).toMatchObject({
      capacity: { replicas: 2, size: 'ml.m5.large' },
      status: 'ready',
      managed: true,
      persisted: { dedupeKeys: [], recommendations: [] },
    });
    expect(s.version).toBe(`${ENDPOINT}-config@${Date.UTC(2026, 0, 1, 12)}`);
    w.fake.sagemaker.setStatus(ENDPOINT, 'Updating');
    expect(await provider.describe(REF)).toMatchObject({ status: 'updating', reason: 'EndpointStatus Updating' });
    w.fake.sagemaker.setStatus(ENDPOINT, 'Failed');
    expect((await provider.describe(REF)).status).toBe('failed');
  });

  it('caches endpoint configs (immutable): one DescribeEndpointConfig for many describes', async () => {
    const { provider } = await world();
    for (let i = 0; i < 3; i++) await provider.describe(REF);
    expect(w.fake.calls('DescribeEndpointConfig')).toHaveLength(1);
    expect(w.fake.calls('DescribeEndpoint')).toHaveLength(3);
  });

  it('scales horizontally with UpdateEndpointWeightsAndCapacities and refuses while Updating (ConflictError, no retry)', async () => {
    const { provider } = await world();
    const s = await provider.describe(REF);
    const h = await provider.apply(REF, { replicas: 3, size: 'ml.m5.large' }, { ifMatch: s.version! });
    expect(h).toEqual({ kind: 'endpoint', id: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}` });
    expect(w.fake.sagemaker.snapshot(ENDPOINT)).toMatchObject({ status: 'Updating', variants: [{ desired: 3, current: 2 }] });
    const again = provider.apply(REF, { replicas: 4 }, {});
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    expect(w.fake.calls('UpdateEndpointWeightsAndCapacities')).toHaveLength(1);
  });

  it('maps "Cannot update in-progress endpoint" from SageMaker itself (a race after describe) to ConflictError', async () => {
    const { provider } = await world();
    const s = await provider.describe(REF);
    // Another container starts an update between our DescribeEndpoint and UpdateEndpointWeightsAndCapacities.
    const sm = w.fake.sagemaker;
    const original = sm.handle.bind(sm);
    let raced = false;
    sm.handle = (op, input) => {
      const out = original(op, input);
      if (op === 'DescribeEndpoint' && !raced) {
        raced = true;
        sm.scaleVariant(ENDPOINT, VARIANT, 5);
      }
      return out;
    };
    await expect(provider.apply(REF, { replicas: 3 }, { ifMatch: s.version! })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('update in progress'),
    });
  });

  it('refuses a stale version, bad capacities and foreign regions with typed errors', async () => {
    const { provider } = await world();
    await expect(provider.apply(REF, { replicas: 3 }, { ifMatch: 'old-config@1' })).rejects.toBeInstanceOf(ConflictError);
    await expect(provider.apply(REF, { replicas: -1 }, {})).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'capacity.replicas' }] });
    await expect(provider.apply(REF, { replicas: 2, size: 'm5.large; rm -rf' }, {})).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'capacity.size' }],
    });
    await expect(provider.describe({ ...REF, region: 'eu-west-1' })).rejects.toMatchObject({ issues: [{ path: 'target.region' }] });
    await expect(provider.describe({ provider: 'aws-sagemaker', id: 'endpoint/my-endpoint/variant/Missing' })).rejects.toBeInstanceOf(NotFoundError);
    expect(w.fake.calls('UpdateEndpointWeightsAndCapacities')).toHaveLength(0);
  });

  it('translates SDK failures: throttling past the SDK retries -> TransientError, auth -> ProviderError', async () => {
    const { provider } = await world({ maxAttempts: 2 });
    w.fake.inject({ kind: 'throttle', service: 'sagemaker', times: 2 });
    await expect(provider.describe(REF)).rejects.toBeInstanceOf(TransientError);
    expect(w.fake.calls('DescribeEndpoint')).toHaveLength(2);
    const { createAwsClients } = await import('../src');
    const bad = createAwsClients({
      ...w.fake.clientConfig(),
      credentials: { accessKeyId: w.fake.credentials.accessKeyId, secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    const e = await new SageMakerProvider(bad).describe(REF).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as Error).message).toMatch(/InvalidSignatureException.*check the credentials/);
    bad.sagemaker.destroy();
  });

  it('resizes blue/green: new endpoint config, UpdateEndpoint retaining variant properties; AAS registration, policies and alarm actions are restored', async () => {
    const { provider } = await world();
    const aas = await w.clients.autoscalingClient();
    await registerByHand(w, 1, 6);
    const stepArn = await putUserStepPolicy(w, 'user-step');
    await aas.send(
      new PutScalingPolicyCommand({
        ...REF_TARGET,
        PolicyName: 'user-tt',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 10,
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        },
      }),
    );
    await w.clients.cloudwatch.send(
      new PutMetricAlarmCommand(
        sageMakerAlarmRequest({ name: 'user-latency', metric: 'OverheadLatency', statistic: 'Average', threshold: 100, actions: [stepArn] }),
      ),
    );

    const before = await provider.describe(REF);
    await provider.apply(REF, { replicas: 2, size: 'ml.m5.xlarge' }, { ifMatch: before.version! });
    const snap = w.fake.sagemaker.snapshot(ENDPOINT)!;
    expect(snap.status).toBe('Updating');
    expect(w.fake.calls('UpdateEndpoint')).toHaveLength(1);
    w.clock.advance(10 * 60_000);
    const after = await provider.describe(REF);
    expect(after.capacity).toEqual({ replicas: 2, size: 'ml.m5.xlarge' });
    expect(after.version).not.toBe(before.version);

    const targets = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }));
    expect(targets.ScalableTargets).toMatchObject([{ ResourceId: REF.id, MinCapacity: 1, MaxCapacity: 6 }]);
    const policies = (await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }))).ScalingPolicies ?? [];
    expect(policies.map((p) => p.PolicyName).sort()).toEqual(['user-step', 'user-tt']);
    const newStep = policies.find((p) => p.PolicyName === 'user-step')!;
    expect(newStep.PolicyARN).not.toBe(stepArn);
    const alarm = (await w.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['user-latency'] }))).MetricAlarms?.[0];
    expect(alarm?.AlarmActions).toEqual([newStep.PolicyARN]);
  });

  it('restores the AAS registration and removes its new config when the UpdateEndpoint fails', async () => {
    const { provider } = await world();
    await registerByHand(w, 2, 5);
    w.fake.inject({ kind: 'server-error', service: 'sagemaker', operation: 'UpdateEndpoint', times: 3 });
    const before = await provider.describe(REF);
    await expect(provider.apply(REF, { replicas: 2, size: 'ml.m5.xlarge' }, { ifMatch: before.version! })).rejects.toBeInstanceOf(TransientError);
    expect(w.fake.autoscaling.isRegistered(REF.id)).toBe(true);
    expect(w.fake.calls('DeleteEndpointConfig').map((r) => r.status)).toEqual([200]);
    expect((await provider.describe(REF)).capacity).toEqual({ replicas: 2, size: 'ml.m5.large' });
  });

  it('without the deregistration SageMaker (the fake) refuses an instance-type change of a registered variant', async () => {
    await world();
    await registerByHand(w, 1, 5);
    await w.clients.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'bigger',
        ProductionVariants: [{ VariantName: VARIANT, ModelName: 'm', InitialInstanceCount: 2, InstanceType: 'ml.m5.xlarge' }],
      }),
    );
    await expect(w.clients.sagemaker.send(new UpdateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: 'bigger' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Deregister the scalable target'),
    });
  });

  it('keeps its memory in compact autoscaler:* tags and never touches the user tag autoscaler:managed or other tags', async () => {
    const { provider } = await world();
    const t = Date.UTC(2026, 0, 1, 11);
    const keys = Array.from({ length: 20 }, (_, i) => `sns:0b8a3f5e-6c1d-5f2a-9e47-3d2c1b0a9f${String(i).padStart(2, '0')}`);
    await provider.writeState(REF, { lastScaleOut: { at: t, from: 2, to: 3 }, dedupeKeys: keys, recommendations: [{ at: t, replicas: 3 }] });
    const tags = w.fake.sagemaker.snapshot(ENDPOINT)!.tags;
    expect(tags['autoscaler:managed']).toBe('true');
    for (const v of Object.values(tags)) expect(v.length).toBeLessThanOrEqual(256);
    expect(Object.keys(tags).filter((k) => k.startsWith('autoscaler:dedupe'))).toHaveLength(4);
    expect((await provider.readState(REF)).dedupeKeys).toEqual(keys);
    expect(versionOf({ EndpointConfigName: 'c', LastModifiedTime: new Date(5) })).toBe('c@5');
    const e = await provider.apply({ provider: 'other', id: REF.id }, { replicas: 1 }, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
  });
});
