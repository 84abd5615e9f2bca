import { UpdateInferenceComponentRuntimeConfigCommand } from '@aws-sdk/client-sagemaker';
import { ConflictError, NotFoundError, ValidationError, validatePolicy, type TargetRef } from '@autoscaler/core';
import { runProviderConformance } from '@autoscaler/testing';
import fc from 'fast-check';
import { parseTargetId } from '../src/ids';
import { SageMakerProvider } from '../src/provider';
import { kitLifecycle, MANAGED, REF, startWorld, type TestWorld } from './world';

const IC = 'llama-ic';
const IC_REF: TargetRef = { provider: 'aws-sagemaker', id: `inference-component/${IC}` };
const seed = {
  inferenceComponents: [
    { name: IC, endpoint: 'shared-endpoint', copies: 2, tags: MANAGED },
    { name: 'busy-ic', copies: 1, tags: MANAGED },
  ],
};

let w: TestWorld;
afterEach(async () => w?.close());

async function world(): Promise<{ w: TestWorld; provider: SageMakerProvider }> {
  w = await startWorld(seed);
  return { w, provider: new SageMakerProvider(w.clients, { region: 'us-east-1', clock: w.clock }) };
}

const BAD_IDS = [
  'inference-component/',
  'inference-component/-bad',
  'inference-component/a_b',
  `inference-component/${'a'.repeat(64)}`,
  'inference-component/x/extra',
  'inference-components/x',
  '../inference-component/x',
  'inference-component',
];

runProviderConformance('aws-sagemaker inference component against the wire fake', async () => {
  const tw = await startWorld(seed);
  tw.fake.sagemaker.setComponentStatus('busy-ic', 'Updating');
  const provider = new SageMakerProvider(tw.clients, { clock: tw.clock });
  return {
    provider,
    ready: { ...IC_REF },
    capabilities: { resize: false },
    updating: { provider: 'aws-sagemaker', id: 'inference-component/busy-ic' },
    missing: { provider: 'aws-sagemaker', id: 'inference-component/no-such-ic' },
    invalidIds: BAD_IDS,
    async tamper() {
      // Another actor (the console, Application Auto Scaling) changes the copy count.
      const copies = tw.fake.sagemaker.componentSnapshot(IC)!.desired;
      await tw.clients.sagemaker.send(
        new UpdateInferenceComponentRuntimeConfigCommand({ InferenceComponentName: IC, DesiredRuntimeConfig: { CopyCount: copies + 1 } }),
      );
      tw.clock.advance(10 * 60_000);
    },
    ...kitLifecycle(tw),
  };
});

describe('SageMakerProvider: inference components', () => {
  it('describes copies as replicas, no size, status, version from LastModifiedTime and the managed tag', async () => {
    const { provider } = await world();
    const s = await provider.describe(IC_REF);
    expect(s).toMatchObject({ capacity: { replicas: 2 }, status: 'ready', managed: true, version: `ic@${Date.UTC(2026, 0, 1, 12)}` });
    expect(s.capacity.size).toBeUndefined();
    w.fake.sagemaker.setComponentStatus(IC, 'Failed');
    expect(await provider.describe(IC_REF)).toMatchObject({ status: 'failed', reason: 'InferenceComponentStatus Failed' });
  });

  it('scales to zero copies and back, Updating until the fake clock passes, with the state in the component tags', async () => {
    const { provider } = await world();
    const d = await provider.describe(IC_REF);
    const handle = await provider.apply(
      IC_REF,
      { replicas: 0 },
      { ifMatch: d.version!, state: { dedupeKeys: ['k-zero'], recommendations: [], lastScaleIn: { at: w.clock.now(), from: 2, to: 0 } } },
    );
    expect(handle).toMatchObject({ kind: 'endpoint', stateWritten: true });
    expect(await provider.describe(IC_REF)).toMatchObject({ status: 'updating', capacity: { replicas: 0 } });
    expect(w.fake.sagemaker.componentSnapshot(IC)).toMatchObject({ status: 'Updating', current: 2, desired: 0 });
    w.clock.advance(60_000);
    const zero = await provider.describe(IC_REF);
    expect(zero).toMatchObject({ status: 'ready', capacity: { replicas: 0 }, persisted: { dedupeKeys: ['k-zero'], lastScaleIn: { from: 2, to: 0 } } });
    expect(w.fake.sagemaker.componentSnapshot(IC)).toMatchObject({ current: 0, desired: 0 });
    expect(Object.keys(w.fake.sagemaker.componentSnapshot(IC)!.tags).filter((k) => k.startsWith('autoscaler:')).length).toBeGreaterThan(1);
    // The endpoint variant's tags are untouched: the state lives on the component's ARN.
    expect(w.fake.sagemaker.snapshot('my-endpoint')!.tags).toEqual({ 'autoscaler:managed': 'true' });

    await provider.apply(IC_REF, { replicas: 1 }, { ifMatch: zero.version! });
    w.clock.advance(60_000);
    expect(await provider.describe(IC_REF)).toMatchObject({ status: 'ready', capacity: { replicas: 1 } });
    expect(await provider.instanceCounts(IC_REF)).toEqual({ desired: 1, current: 1 });
    expect(await provider.readState(IC_REF)).toMatchObject({ dedupeKeys: ['k-zero'] });
  });

  it('refuses a change while the component is Updating, and the wire fake refuses it too (in progress)', async () => {
    const { provider } = await world();
    await provider.apply(IC_REF, { replicas: 3 }, {});
    const before = w.fake.sagemaker.componentSnapshot(IC)!;
    await expect(provider.apply(IC_REF, { replicas: 4 }, { state: { dedupeKeys: ['k-busy'], recommendations: [] } })).rejects.toBeInstanceOf(ConflictError);
    const err = await w.clients.sagemaker
      .send(new UpdateInferenceComponentRuntimeConfigCommand({ InferenceComponentName: IC, DesiredRuntimeConfig: { CopyCount: 4 } }))
      .catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/^Cannot update in-progress inference component/) });
    expect(w.fake.sagemaker.componentSnapshot(IC)).toMatchObject({ desired: before.desired, status: 'Updating' });
    expect(w.fake.sagemaker.componentSnapshot(IC)!.tags).toEqual(before.tags);
  });

  it('refuses bad ids naming target.id, a size change naming capacity.size, a missing component as NotFound, each with no update call', async () => {
    const { provider } = await world();
    for (const id of BAD_IDS) {
      expect(() => provider.validateId(id)).toThrow(ValidationError);
      await expect(provider.describe({ provider: 'aws-sagemaker', id })).rejects.toMatchObject({ message: expect.stringContaining('target.id') });
    }
    expect(() => provider.validateId('inference-component/ok-name-1')).not.toThrow();
    await expect(provider.apply(IC_REF, { replicas: 2, size: 'ml.g5.xlarge' }, {})).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('capacity.size'),
    });
    await expect(provider.apply(IC_REF, { replicas: -1 }, {})).rejects.toMatchObject({ message: expect.stringContaining('capacity.replicas') });
    await expect(provider.describe({ provider: 'aws-sagemaker', id: 'inference-component/nope' })).rejects.toBeInstanceOf(NotFoundError);
    expect(w.fake.requests.filter((r) => r.operation === 'UpdateInferenceComponentRuntimeConfig')).toEqual([]);
    expect(w.fake.sagemaker.componentSnapshot(IC)).toMatchObject({ desired: 2, status: 'InService' });
  });

  it('checkPolicy: a zero floor is fine on a component and refused on a variant; limits.sizes is refused on a component', async () => {
    const { provider } = await world();
    const policy = (limits: Record<string, unknown>) =>
      validatePolicy({
        name: 'p',
        targets: [{ ...IC_REF }],
        limits,
        rules: [{ name: 'tt', targetTracking: { metric: 'ConcurrentRequestsPerCopy', target: 4 } }],
      });
    expect(provider.checkPolicy(policy({ minReplicas: 0, maxReplicas: 4 }), IC_REF)).toEqual([]);
    expect(provider.checkPolicy(policy({ minReplicas: 0, maxReplicas: 4 }), REF).map((i) => i.path)).toEqual(expect.arrayContaining(['limits.minReplicas']));
    expect(provider.checkPolicy(policy({ minReplicas: 1, maxReplicas: 4, sizes: ['ml.g5.xlarge', 'ml.g5.2xlarge'] }), IC_REF)).toEqual([
      expect.objectContaining({ path: 'limits.sizes' }),
    ]);
  });

  it('exports the copy-count scalable target and, with a zero floor, the documented wake-from-zero step policy on NoCapacityInvocationFailures', async () => {
    const { provider } = await world();
    const doc = (min: number) =>
      validatePolicy({
        name: 'ic',
        targets: [{ ...IC_REF }],
        limits: { minReplicas: min, maxReplicas: 4 },
        rules: [{ name: 'tt', targetTracking: { metric: 'ConcurrentRequestsPerCopy', target: 4 } }],
      });
    const out = await provider.exportNative(doc(0), IC_REF);
    expect(out.resources[0]).toMatchObject({
      kind: 'ScalableTarget',
      request: { ResourceId: IC_REF.id, ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 0, MaxCapacity: 4 },
    });
    expect(out.resources).toContainEqual(
      expect.objectContaining({
        kind: 'ScalingPolicy',
        rule: 'tt',
        request: expect.objectContaining({
          TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
            PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' },
          }),
        }),
      }),
    );
    const wake = out.resources.filter((r) => 'rule' in r && r.rule === 'wake-from-zero');
    expect(wake).toEqual([
      expect.objectContaining({
        kind: 'ScalingPolicy',
        request: expect.objectContaining({
          PolicyType: 'StepScaling',
          ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
          StepScalingPolicyConfiguration: expect.objectContaining({
            AdjustmentType: 'ChangeInCapacity',
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
          }),
        }),
      }),
      expect.objectContaining({
        kind: 'Alarm',
        request: expect.objectContaining({
          MetricName: 'NoCapacityInvocationFailures',
          Namespace: 'AWS/SageMaker',
          Dimensions: [{ Name: 'InferenceComponentName', Value: IC }],
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
        }),
      }),
    ]);
    const floorOne = await provider.exportNative(doc(1), IC_REF);
    expect(floorOne.resources.filter((r) => 'rule' in r && r.rule === 'wake-from-zero')).toEqual([]);
  });
});

describe('parseTargetId (ids from policies and alarms)', () => {
  it('fuzz: any string is either a well-formed variant/component id or a ValidationError naming target.id, never another throw', () => {
    const names = fc.stringMatching(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,20}$/);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          names.map((n) => `inference-component/${n}`),
          fc.tuple(names, names).map(([e, v]) => `endpoint/${e}/variant/${v}`),
          fc.string().map((x) => `inference-component/${x}`),
        ),
        (id) => {
          try {
            const parsed = parseTargetId(id);
            const back = parsed.kind === 'component' ? `inference-component/${parsed.component}` : `endpoint/${parsed.endpoint}/variant/${parsed.variant}`;
            expect(back).toBe(id);
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
            expect((e as ValidationError).issues[0]!.path).toBe('target.id');
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the wire fake checks the signature on the inference-component operations too', async () => {
    await world();
    const res = await fetch(w.fake.clientConfig().endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.UpdateInferenceComponentRuntimeConfig' },
      body: JSON.stringify({ InferenceComponentName: IC, DesiredRuntimeConfig: { CopyCount: 9 } }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(w.fake.sagemaker.componentSnapshot(IC)).toMatchObject({ desired: 2, status: 'InService' });
  });
});
