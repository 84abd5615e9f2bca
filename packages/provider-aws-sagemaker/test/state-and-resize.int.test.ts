import { DescribeScheduledActionsCommand, ListTagsForResourceCommand, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { ManualClock, TransientError, ProviderError, validatePolicy, type PersistedState, type PolicyInput } from '@autoscaler/core';
import { applyNative, compileNative, OWNER_TAG, teardownNative } from '../src';
import { SageMakerProvider } from '../src/provider';
import { ENDPOINT, REF, startWorld, type TestWorld } from './world';

let w: TestWorld;
afterEach(async () => w?.close());

const T = Date.UTC(2026, 0, 1, 12);
const state = (keys: string[], outAt = T): PersistedState => ({ dedupeKeys: keys, recommendations: [], lastScaleOut: { at: outAt, from: 2, to: 3 } });
const writes = (world: TestWorld): string[] =>
  world.fake.requests
    .filter((r) => ['AddTags', 'UpdateEndpointWeightsAndCapacities', 'UpdateEndpoint'].includes(r.operation) && r.status === 200)
    .map((r) => r.operation);

describe('SageMakerProvider: the autoscaler state survives lost writes and concurrent writers', () => {
  it('writes the dedupe keys and the action mark BEFORE the change, and says so (stateWritten)', async () => {
    w = await startWorld();
    const provider = new SageMakerProvider(w.clients, { clock: w.clock });
    const before = await provider.describe(REF);
    const handle = await provider.apply(REF, { replicas: 3 }, { ifMatch: before.version!, state: state(['sns:m1']) });
    expect(handle.stateWritten).toBe(true);
    expect(writes(w)).toEqual(['AddTags', 'UpdateEndpointWeightsAndCapacities']);
    expect((await provider.readState(REF)).dedupeKeys).toEqual(['sns:m1']);
  });

  it('a write that silently vanished is written again; one that never sticks is an error and nothing changes', async () => {
    w = await startWorld();
    const provider = new SageMakerProvider(w.clients, { clock: w.clock });
    w.fake.inject({ kind: 'lose', service: 'sagemaker', operation: 'AddTags', times: 1 });
    await provider.writeState(REF, state(['sns:a']));
    expect((await provider.readState(REF)).dedupeKeys).toEqual(['sns:a']);
    expect(w.fake.calls('AddTags')).toHaveLength(2);

    w.fake.inject({ kind: 'lose', service: 'sagemaker', operation: 'AddTags', times: Infinity });
    const before = await provider.describe(REF);
    await expect(provider.apply(REF, { replicas: 4 }, { ifMatch: before.version!, state: state(['sns:a', 'sns:b']) })).rejects.toBeInstanceOf(TransientError);
    expect(w.fake.calls('UpdateEndpointWeightsAndCapacities')).toHaveLength(0);
    expect(w.fake.sagemaker.snapshot(ENDPOINT)!.variants[0]!.desired).toBe(2);
  });

  it('read-merge-write: a concurrent writer keeps its dedupe keys and its newer mark; a write can still clear what it read', async () => {
    w = await startWorld();
    const a = new SageMakerProvider(w.clients, { clock: w.clock });
    const b = new SageMakerProvider(w.clients, { clock: w.clock });
    const seenByA = await a.describe(REF);
    const seenByB = await b.describe(REF);
    await b.writeState(REF, { ...seenByB.persisted, dedupeKeys: ['sns:from-b'], lastScaleOut: { at: T + 5_000, from: 2, to: 3 } });
    await a.writeState(REF, { ...seenByA.persisted, dedupeKeys: ['sns:from-a'], lastScaleOut: { at: T, from: 2, to: 3 } });
    const after = await a.readState(REF);
    expect(after.dedupeKeys.sort()).toEqual(['sns:from-a', 'sns:from-b']);
    expect(after.lastScaleOut?.at).toBe(T + 5_000);
    await a.writeState(REF, { dedupeKeys: [], recommendations: [] });
    expect(await a.readState(REF)).toEqual({ dedupeKeys: [], recommendations: [] });
  });

  it("a failed change takes back its own mark and keys (version unchanged), never another writer's", async () => {
    w = await startWorld();
    const provider = new SageMakerProvider(w.clients, { clock: w.clock });
    await provider.writeState(REF, { dedupeKeys: ['sns:older'], recommendations: [] });
    const before = await provider.describe(REF);
    w.fake.inject({ kind: 'throttle', service: 'sagemaker', operation: 'UpdateEndpointWeightsAndCapacities', times: Infinity });
    await expect(provider.apply(REF, { replicas: 3 }, { ifMatch: before.version!, state: state(['sns:older', 'sns:new']) })).rejects.toBeInstanceOf(
      TransientError,
    );
    expect(await provider.readState(REF)).toEqual({ dedupeKeys: ['sns:older'], recommendations: [] });
  });

  it('the post-change check rewrites keys erased right after the change; when it cannot, the change is reported as an error', async () => {
    w = await startWorld();
    const provider = new SageMakerProvider(w.clients, { clock: w.clock });
    const sagemaker = w.clients.sagemaker;
    const send = sagemaker.send.bind(sagemaker);
    let afterChange: () => void = () => undefined;
    // Between our change and our read-back, a stale concurrent writer erases the dedupe tag.
    sagemaker.send = (async (command: object, options?: object) => {
      const out = await send(command as never, options as never);
      if (command.constructor.name === 'UpdateEndpointWeightsAndCapacitiesCommand') afterChange();
      return out;
    }) as typeof sagemaker.send;
    afterChange = () => w.fake.sagemaker.eraseTags(ENDPOINT, ['autoscaler:dedupe']);
    const s1 = await provider.describe(REF);
    await expect(provider.apply(REF, { replicas: 3 }, { ifMatch: s1.version!, state: state(['sns:x']) })).resolves.toMatchObject({ stateWritten: true });
    expect((await provider.readState(REF)).dedupeKeys).toEqual(['sns:x']);

    w.clock.advance(120_000);
    afterChange = () => {
      w.fake.sagemaker.eraseTags(ENDPOINT, ['autoscaler:dedupe']);
      w.fake.inject({ kind: 'lose', service: 'sagemaker', operation: 'AddTags', times: Infinity });
    };
    const s2 = await provider.describe(REF);
    await expect(provider.apply(REF, { replicas: 4 }, { ifMatch: s2.version!, state: state(['sns:x', 'sns:y'], T + 120_000) })).rejects.toBeInstanceOf(
      ProviderError,
    );
    expect(w.fake.sagemaker.snapshot(ENDPOINT)!.variants[0]!.desired).toBe(4);
  });
});

const SCHEDULED: PolicyInput = {
  name: 'nightly',
  targets: [{ ...REF }],
  limits: { minReplicas: 1, maxReplicas: 4, sizes: ['ml.m5.large', 'ml.m5.xlarge'] },
  rules: [
    { name: 'cpu', targetTracking: { metric: 'CPUUtilization', target: 70 } },
    { name: 'weekdays', schedule: { start: '0 8 * * 1-5', durationMinutes: 600, minReplicas: 2 } },
  ],
};

describe('a resize keeps the Application Auto Scaling registration whole', () => {
  it('owner tag and both scheduled actions survive a size change; teardown then removes the target and setup works again', async () => {
    w = await startWorld({ clock: new ManualClock(T), capacityUpdateMs: 1_000, configUpdateMs: 1_000 });
    const policy = validatePolicy(SCHEDULED);
    await applyNative(w.clients, compileNative(policy, REF));
    const scheduled = async (): Promise<string[]> =>
      (
        (await (await w.clients.autoscalingClient()).send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'sagemaker', ResourceId: REF.id })))
          .ScheduledActions ?? []
      )
        .map((a) => a.ScheduledActionName!)
        .sort();
    const owner = async (): Promise<string | undefined> => {
      const t = (await (await w.clients.autoscalingClient()).send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: [REF.id] })))
        .ScalableTargets?.[0];
      return t
        ? (await (await w.clients.autoscalingClient()).send(new ListTagsForResourceCommand({ ResourceARN: t.ScalableTargetARN }))).Tags?.[OWNER_TAG]
        : undefined;
    };
    const before = await scheduled();
    expect(before).toHaveLength(2);
    expect(await owner()).toBe('nightly');

    const provider = new SageMakerProvider(w.clients, { clock: w.clock });
    const s = await provider.describe(REF);
    await provider.apply(REF, { replicas: 2, size: 'ml.m5.xlarge' }, { ifMatch: s.version! });
    expect(await scheduled()).toEqual(before);
    expect(await owner()).toBe('nightly');

    w.clock.advance(5_000);
    const removed = await teardownNative(w.clients, REF, 'nightly');
    expect(removed.map((c) => c.kind)).toContain('ScalableTarget');
    expect(w.fake.autoscaling.isRegistered(REF.id)).toBe(false);
    const again = await applyNative(w.clients, compileNative(policy, REF));
    expect(again.find((c) => c.kind === 'ScalableTarget')?.action).toBe('created');
  });
});
