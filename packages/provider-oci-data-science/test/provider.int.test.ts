import { ConflictError, NotFoundError, ProviderError, TransientError, ValidationError, emptyPersistedState, type TargetRef } from '@autoscaler/core';
import { runProviderConformance } from '@autoscaler/testing';
import { OciDataScienceProvider, STANDARD2_LADDER } from '../src';
import { INVALID_DEPLOYMENT_IDS, harness, quietSdk, type Harness } from './support';

quietSdk();

const UPDATE_DELAY = 60_000;

function providerFor(h: Harness): OciDataScienceProvider {
  return new OciDataScienceProvider({ dataScience: h.clients.dataScience });
}

runProviderConformance('oci-data-science against the wire fake', async () => {
  const h = await harness({ updateDelayMs: UPDATE_DELAY });
  const ready = h.fake.dataScience.seedDeployment({ shape: 'VM.Standard2.1', instanceCount: 1 });
  const updating = h.fake.dataScience.seedDeployment({ lifecycleState: 'UPDATING' });
  const ref = (id: string): TargetRef => ({ provider: 'oci-data-science', id });
  return {
    provider: providerFor(h),
    ready: ref(ready),
    updating: ref(updating),
    missing: ref('ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaadoesnotexist000000000000000000000000000000000000000'),
    invalidIds: [...INVALID_DEPLOYMENT_IDS, 'model-deployment', `ocid1.datasciencemodeldeployment.oc1.iad.${'a'.repeat(300)}`],
    tamper: async (r) => h.fake.dataScience.tamper(r.id, { freeformTags: { ...h.fake.dataScience.tags(r.id), 'touched-by': 'console' } }),
    settle: async () => h.clock.advance(UPDATE_DELAY),
    close: () => h.close(),
  };
});

describe('OciDataScienceProvider against the wire fake', () => {
  let h: Harness;
  let provider: OciDataScienceProvider;
  beforeEach(async () => {
    h = await harness({ updateDelayMs: UPDATE_DELAY });
    provider = providerFor(h);
  });
  afterEach(() => h.close());
  const ref = (id: string): TargetRef => ({ provider: 'oci-data-science', id });

  it('describes lifecycle states: ACTIVE ready, UPDATING/CREATING updating, FAILED/NEEDS_ATTENTION/INACTIVE failed, DELETED missing', async () => {
    const table: Array<[string, string]> = [
      ['ACTIVE', 'ready'],
      ['UPDATING', 'updating'],
      ['CREATING', 'updating'],
      ['FAILED', 'failed'],
      ['NEEDS_ATTENTION', 'failed'],
      ['INACTIVE', 'failed'],
      ['DELETED', 'missing'],
    ];
    for (const [lifecycleState, status] of table) {
      const s = await provider.describe(ref(h.fake.dataScience.seedDeployment({ lifecycleState })));
      expect({ lifecycleState, status: s.status }).toEqual({ lifecycleState, status });
      if (status !== 'ready') expect(s.reason).toContain(lifecycleState);
    }
  });

  it('reads instances, shape rung, bandwidth, ETag and the managed tag', async () => {
    const flex = h.fake.dataScience.seedDeployment({ shape: 'VM.Standard.E4.Flex', ocpus: 4, memoryInGBs: 64, instanceCount: 3, bandwidthMbps: 40 });
    const s = await provider.describe(ref(flex));
    expect(s.capacity).toEqual({ replicas: 3, size: 'VM.Standard.E4.Flex:4x64', bandwidthMbps: 40 });
    expect(s.version).toBe(h.fake.dataScience.etag(flex));
    expect(s.managed).toBe(true);
    const unmanaged = await provider.describe(ref(h.fake.dataScience.seedDeployment({ managed: false })));
    expect(unmanaged.managed).toBe(false);
  });

  it('applies an instance count with if-match and returns the work request', async () => {
    const id = h.fake.dataScience.seedDeployment({ instanceCount: 1 });
    const s = await provider.describe(ref(id));
    const handle = await provider.apply(ref(id), { ...s.capacity, replicas: 2 }, { ifMatch: s.version! });
    expect(handle.kind).toBe('work-request');
    expect(handle.id).toMatch(/^ocid1\.datascienceworkrequest\./);
    const body = h.fake.dataScience.updateLog.at(-1)!.body;
    // Only the compute group, only what changed: the scaling policy (the sample's request shape).
    expect(body).toEqual({
      modelDeploymentConfigurationDetails: {
        deploymentType: 'SINGLE_MODEL',
        modelConfigurationDetails: {
          modelId: expect.stringMatching(/^ocid1\.datasciencemodel\./),
          scalingPolicy: { policyType: 'FIXED_SIZE', instanceCount: 2 },
        },
      },
    });
    expect((await provider.describe(ref(id))).status).toBe('updating');
  });

  it('moves a fixed shape and a flex rung, keeping the rest of the instance configuration', async () => {
    const fixed = h.fake.dataScience.seedDeployment({ shape: 'VM.Standard2.4' });
    let s = await provider.describe(ref(fixed));
    await provider.apply(ref(fixed), { ...s.capacity, size: 'VM.Standard2.8' }, { ifMatch: s.version! });
    expect(h.fake.dataScience.capacity(fixed)).toMatchObject({ shape: 'VM.Standard2.8', instanceCount: 1 });
    const flex = h.fake.dataScience.seedDeployment({ shape: 'VM.Standard.E4.Flex', ocpus: 1, memoryInGBs: 16 });
    s = await provider.describe(ref(flex));
    await provider.apply(ref(flex), { ...s.capacity, size: 'VM.Standard.E4.Flex:2x32' }, { ifMatch: s.version! });
    expect(h.fake.dataScience.capacity(flex)).toMatchObject({ shape: 'VM.Standard.E4.Flex', ocpus: 2, memoryInGBs: 32 });
  });

  it('refuses bad capacities before calling the service', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const s = await provider.describe(ref(id));
    const before = h.fake.count('UpdateModelDeployment');
    await expect(provider.apply(ref(id), { ...s.capacity, replicas: 0 }, { ifMatch: s.version! })).rejects.toThrow(ValidationError);
    await expect(provider.apply(ref(id), { ...s.capacity, size: 'VM.Standard.E4.Flex' }, { ifMatch: s.version! })).rejects.toThrow(/2x32/);
    await expect(provider.apply(ref(id), { ...s.capacity, size: 'VM.Standard.E4.Flex:2x4' }, { ifMatch: s.version! })).rejects.toThrow(/GB of memory per OCPU/);
    await expect(provider.apply(ref(id), { replicas: 2, size: s.capacity.size!, bandwidthMbps: 20 }, { ifMatch: s.version! })).rejects.toThrow(
      /one option group/,
    );
    expect(h.fake.count('UpdateModelDeployment')).toBe(before);
  });

  it('scales load balancer bandwidth on its own', async () => {
    const id = h.fake.dataScience.seedDeployment({ bandwidthMbps: 10 });
    const s = await provider.describe(ref(id));
    await provider.apply(ref(id), { ...s.capacity, bandwidthMbps: 20 }, { ifMatch: s.version! });
    expect(h.fake.dataScience.capacity(id).bandwidthMbps).toBe(20);
  });

  it('turns a stale ETag into ConflictError: before sending when it knows, from the 412 otherwise', async () => {
    const id = h.fake.dataScience.seedDeployment();
    const s = await provider.describe(ref(id));
    h.fake.dataScience.tamper(id, { instanceCount: 3 });
    await expect(provider.apply(ref(id), { ...s.capacity, replicas: 2 }, { ifMatch: s.version! })).rejects.toThrow(ConflictError);
    expect(h.fake.count('UpdateModelDeployment', 412)).toBe(1);
    expect(h.fake.dataScience.capacity(id).instanceCount).toBe(3);
  });

  it('maps service errors: 429/5xx/timeouts transient, 404 not found, 409 conflict, 400 provider error', async () => {
    const id = h.fake.dataScience.seedDeployment();
    h.fake.inject({ op: 'GetModelDeployment', status: 429, times: 3 });
    await expect(provider.describe(ref(id))).rejects.toThrow(TransientError);
    h.fake.inject({ op: 'GetModelDeployment', kind: 'drop', times: 3 });
    await expect(provider.describe(ref(id))).rejects.toThrow(TransientError);
    await expect(provider.describe(ref('ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaanothere'))).rejects.toThrow(NotFoundError);
    const s = await provider.describe(ref(id));
    h.fake.inject({ op: 'UpdateModelDeployment', status: 409, code: 'IncorrectState' });
    await expect(provider.apply(ref(id), { ...s.capacity, replicas: 2 }, { ifMatch: s.version! })).rejects.toThrow(ConflictError);
    h.fake.inject({ op: 'UpdateModelDeployment', status: 400, code: 'InvalidParameter', message: 'no such shape' });
    const e = await provider.apply(ref(id), { ...s.capacity, replicas: 2 }, { ifMatch: s.version! }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).status).toBe(400);
    expect((e as ProviderError).message).toContain('no such shape');
  });

  it('keeps state in freeform tags: round trip, other tags kept, writes while UPDATING, bounded size', async () => {
    const id = h.fake.dataScience.seedDeployment({ freeformTags: { team: 'ml' } });
    const s = await provider.describe(ref(id));
    await provider.apply(ref(id), { ...s.capacity, replicas: 2 }, { ifMatch: s.version! });
    const keys = Array.from({ length: 40 }, (_, i) => `5f0e6a2c-3f43-4c2e-9d0b-6b7f0d3c9a${String(i).padStart(2, '0')}@1700000400000`);
    const state = {
      ...emptyPersistedState(),
      lastScaleOut: { at: 1_700_000_400_000, from: 1, to: 2 },
      dedupeKeys: keys,
      recommendations: [{ at: 1_700_000_000_000, replicas: 2 }],
    };
    await provider.writeState(ref(id), state);
    const back = await provider.readState(ref(id));
    expect(back.lastScaleOut).toEqual(state.lastScaleOut);
    expect(back.recommendations).toEqual(state.recommendations);
    // Newest keys that fit the tag budget survive, oldest dropped.
    expect(back.dedupeKeys.length).toBeGreaterThan(10);
    expect(back.dedupeKeys).toEqual(keys.slice(-back.dedupeKeys.length));
    const tags = h.fake.dataScience.tags(id);
    expect(tags['team']).toBe('ml');
    expect(tags['autoscaler-managed']).toBe('true');
    for (const v of Object.values(tags)) expect(v.length).toBeLessThanOrEqual(256);
    // At most 10 state tags (core's codec with OCI's limits) beside the user's own and the managed marker.
    expect(Object.keys(tags).filter((k) => k.startsWith('autoscaler-') && k !== 'autoscaler-managed').length).toBeLessThanOrEqual(10);
    expect(h.fake.dataScience.configUpdates.get(id)).toBe(1);
  });

  it('retries a state write when someone changes the deployment in between (412)', async () => {
    const id = h.fake.dataScience.seedDeployment();
    h.fake.inject({ op: 'UpdateModelDeployment', status: 412, code: 'NoEtagMatch' });
    await provider.writeState(ref(id), { ...emptyPersistedState(), dedupeKeys: ['k@1'] });
    expect((await provider.readState(ref(id))).dedupeKeys).toEqual(['k@1']);
    expect(h.fake.count('UpdateModelDeployment')).toBe(2);
  });

  it('gives the Standard2 ladder for fixed shapes and a doubling ladder for flex shapes', async () => {
    expect(await provider.sizes(ref(h.fake.dataScience.seedDeployment({ shape: 'VM.Standard2.2' })))).toEqual(STANDARD2_LADDER);
    const flex = await provider.sizes(ref(h.fake.dataScience.seedDeployment({ shape: 'VM.Standard.E4.Flex', ocpus: 3, memoryInGBs: 48 })));
    expect(flex.slice(0, 4)).toEqual(['VM.Standard.E4.Flex:1x16', 'VM.Standard.E4.Flex:2x32', 'VM.Standard.E4.Flex:3x48', 'VM.Standard.E4.Flex:4x64']);
    expect(flex.at(-1)).toBe('VM.Standard.E4.Flex:64x1024');
  });
});
