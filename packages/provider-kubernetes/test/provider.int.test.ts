import { ConflictError, NotFoundError, NotManagedError, ProviderError, TransientError, ValidationError, type TargetRef } from '@autoscaler/core';
import { ClusterSnapshot, KubernetesProvider, ANNOTATION, type ResourceTier } from '../src';
import { STATE_CODEC } from '../src/model/annotations';
import { applySeed, faultStatus, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, closeFakes } from '@autoscaler/sandbox-kubernetes';
import { rejection } from './support';

const TIERS: ResourceTier[] = [
  { name: 'small', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
  { name: 'medium', requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  { name: 'gpu', requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } },
];
const ref = (id: string): TargetRef => ({ provider: 'kubernetes', id });

describe('KubernetesProvider', () => {
  let api: FakeKubeApi;
  let provider: KubernetesProvider;
  beforeEach(async () => {
    api = await startFakeKubeApi();
    applySeed(api, {
      deployments: [
        {
          namespace: 'ml',
          name: 'model-server',
          replicas: 2,
          annotations: { 'autoscaler.dev/managed': 'true', 'autoscaler.dev/container': 'server' },
          containers: [
            { name: 'proxy', requests: { cpu: '100m', memory: '64Mi' } },
            { name: 'server', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
          ],
        },
        { namespace: 'ml', name: 'unmanaged', replicas: 1 },
        { namespace: 'web', name: 'frontend', replicas: 3, annotations: { 'autoscaler.dev/managed': 'true' } },
      ],
      statefulsets: [{ namespace: 'ml', name: 'vector-db', replicas: 2, annotations: { 'autoscaler.dev/policy': 'policies' } }],
      hpas: [{ namespace: 'web', name: 'frontend-hpa', target: 'deployment/frontend', minReplicas: 2, maxReplicas: 8 }],
    });
    provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
  });
  afterEach(() => closeFakes(api));

  it('describes a Deployment and a StatefulSet: replicas, tier, version, managed flag', async () => {
    const d = await provider.describe(ref('ml/deployment/model-server'));
    expect(d).toMatchObject({ capacity: { replicas: 2, size: 'small' }, status: 'ready', managed: true, persisted: { dedupeKeys: [], recommendations: [] } });
    expect(d.version).toBe(api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata.resourceVersion);
    expect(await provider.sizes(ref('ml/deployment/model-server'))).toEqual(['small', 'medium', 'gpu']);
    const s = await provider.describe(ref('ml/statefulset/vector-db'));
    // The default container has the seed's 500m/1Gi requests but no limits: not the `small` tier.
    expect(s).toMatchObject({ capacity: { replicas: 2 }, status: 'ready', managed: true });
    expect(s.capacity.size).toBeUndefined();
    expect((await provider.describe(ref('ml/deployment/unmanaged'))).managed).toBe(false);
  });

  it('refuses a workload an HPA already targets, naming the HPA', async () => {
    const e = await rejection(provider.describe(ref('web/deployment/frontend')));
    expect(e).toBeInstanceOf(NotManagedError);
    expect((e as Error).message).toBe(
      'web/deployment/frontend is already scaled by HorizontalPodAutoscaler web/frontend-hpa (min 2, max 8): two controllers would fight over its replicas; delete the HPA or remove the autoscaler.dev annotations',
    );
  });

  it('reports a rollout in progress as updating and a stuck one as failed', async () => {
    api.setRollout('ml/deployment/unmanaged', 'manual');
    const before = await provider.describe(ref('ml/deployment/unmanaged'));
    await provider.apply(ref('ml/deployment/unmanaged'), { replicas: 3 }, { ifMatch: before.version! });
    expect(await provider.describe(ref('ml/deployment/unmanaged'))).toMatchObject({
      status: 'updating',
      reason: 'controller has not observed generation 2 yet (observed 1)',
    });
    const stuck = api.get('apps/v1', 'Deployment', 'ml', 'unmanaged')!;
    api.put({
      ...stuck,
      status: {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        conditions: [
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "unmanaged-abc" has timed out progressing.' },
        ],
      },
    });
    expect(await provider.describe(ref('ml/deployment/unmanaged'))).toMatchObject({
      status: 'failed',
      reason: 'rollout stuck: ReplicaSet "unmanaged-abc" has timed out progressing.',
    });
  });

  it('scales through the scale subresource with a JSON merge patch carrying the resourceVersion', async () => {
    const before = await provider.describe(ref('ml/deployment/model-server'));
    const handle = await provider.apply(ref('ml/deployment/model-server'), { replicas: 5, size: 'small' }, { ifMatch: before.version! });
    expect(handle.kind).toBe('immediate');
    const patch = api.log.find('PATCH', '/apis/apps/v1/namespaces/ml/deployments/model-server/scale');
    expect(patch).toHaveLength(1);
    expect(patch[0]!.headers['content-type']).toBe('application/merge-patch+json');
    expect(JSON.parse(patch[0]!.body)).toEqual({ metadata: { resourceVersion: before.version }, spec: { replicas: 5 } });
    expect((await provider.describe(ref('ml/deployment/model-server'))).capacity.replicas).toBe(5);
    // Not a single write to the Deployment object itself.
    expect(api.log.count('PATCH', '/apis/apps/v1/namespaces/ml/deployments/model-server')).toBe(1);
  });

  it('a stale version is a ConflictError (409) and nothing changes', async () => {
    const before = await provider.describe(ref('ml/statefulset/vector-db'));
    api.touch('ml/statefulset/vector-db');
    const e = await rejection(provider.apply(ref('ml/statefulset/vector-db'), { replicas: 4 }, { ifMatch: before.version! }));
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as Error).message).toContain('the object has been modified');
    expect((await provider.describe(ref('ml/statefulset/vector-db'))).capacity.replicas).toBe(2);
  });

  it('resizes by patching only the named container, moving limits with the tier, and rolling the pods', async () => {
    const before = await provider.describe(ref('ml/deployment/model-server'));
    const handle = await provider.apply(ref('ml/deployment/model-server'), { replicas: 2, size: 'medium' }, { ifMatch: before.version! });
    expect(handle.kind).toBe('rollout');
    const patch = api.log.find('PATCH', '/apis/apps/v1/namespaces/ml/deployments/model-server')[0]!;
    expect(patch.headers['content-type']).toBe('application/strategic-merge-patch+json');
    const d = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    const containers = (d['spec'] as { template: { spec: { containers: Array<{ name: string; resources: unknown }> } } }).template.spec.containers;
    expect(containers).toEqual([
      expect.objectContaining({ name: 'proxy', resources: { requests: { cpu: '100m', memory: '64Mi' } } }),
      expect.objectContaining({ name: 'server', resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } }),
    ]);
    expect(d.metadata.annotations?.[ANNOTATION.size]).toBe('medium');
    const after = await provider.describe(ref('ml/deployment/model-server'));
    expect(after.capacity).toEqual({ replicas: 2, size: 'medium' });
    // To a tier without CPU/memory limits: the old limits would sit below the new requests, so they go.
    await provider.apply(ref('ml/deployment/model-server'), { replicas: 2, size: 'gpu' }, { ifMatch: after.version! });
    const gpu = (api.get('apps/v1', 'Deployment', 'ml', 'model-server')!['spec'] as { template: { spec: { containers: Array<{ resources: unknown }> } } })
      .template.spec.containers[1]!;
    expect(gpu.resources).toEqual({ requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } });
    const pods = api.list('v1', 'Pod', 'ml').filter((p) => p.metadata.name.startsWith('model-server-'));
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => JSON.stringify(p['spec']).includes('nvidia.com/gpu'))).toBe(true);
  });

  it('writes the autoscaler state in the same patch as a resize (stateWritten), not after a replica change', async () => {
    const before = await provider.describe(ref('ml/deployment/model-server'));
    const state = { lastResize: { at: Date.UTC(2026, 0, 2), from: 2, to: 2 }, dedupeKeys: ['k1'], recommendations: [] };
    const resized = await provider.apply(ref('ml/deployment/model-server'), { replicas: 2, size: 'medium' }, { ifMatch: before.version!, state });
    expect(resized.stateWritten).toBe(true);
    expect(api.log.find('PATCH', /model-server$/)).toHaveLength(1);
    expect((await provider.describe(ref('ml/deployment/model-server'))).persisted).toEqual(state);
    const now = await provider.describe(ref('ml/deployment/model-server'));
    const scaled = await provider.apply(
      ref('ml/deployment/model-server'),
      { replicas: 3, size: 'medium' },
      { ifMatch: now.version!, state: { ...state, dedupeKeys: ['k2'] } },
    );
    // The scale subresource carries replicas only: the orchestrator writes the state next.
    expect(scaled.stateWritten).toBeUndefined();
  });

  it('refuses a size off the ladder and a bad replica count with a ValidationError, before any call', async () => {
    const before = await provider.describe(ref('ml/deployment/model-server'));
    const calls = api.log.entries.length;
    expect(await rejection(provider.apply(ref('ml/deployment/model-server'), { replicas: 2, size: 'huge' }, { ifMatch: before.version! }))).toBeInstanceOf(
      ValidationError,
    );
    expect(await rejection(provider.apply(ref('ml/deployment/model-server'), { replicas: -1 }, { ifMatch: before.version! }))).toBeInstanceOf(ValidationError);
    expect(await rejection(provider.describe({ provider: 'kubernetes', id: 'ml/deployment/../../api' }))).toBeInstanceOf(ValidationError);
    expect(await rejection(provider.describe({ provider: 'aws-sagemaker', id: 'ml/deployment/model-server' }))).toBeInstanceOf(ValidationError);
    expect(api.log.entries.length).toBe(calls);
  });

  it('translates apiserver errors: 429/500/dropped -> TransientError, 403 -> ProviderError with status, 404 -> NotFoundError', async () => {
    api.faults.next(faultStatus(429));
    expect(await rejection(provider.describe(ref('ml/deployment/model-server')))).toBeInstanceOf(TransientError);
    api.faults.next(faultStatus(500));
    expect(await rejection(provider.describe(ref('ml/deployment/model-server')))).toBeInstanceOf(TransientError);
    api.faults.next({ drop: true });
    expect(await rejection(provider.describe(ref('ml/deployment/model-server')))).toBeInstanceOf(TransientError);
    api.faults.next({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "model-server" is forbidden',
        reason: 'Forbidden',
        code: 403,
      },
    });
    const forbidden = await rejection(provider.describe(ref('ml/deployment/model-server')));
    expect(forbidden).toBeInstanceOf(ProviderError);
    expect((forbidden as ProviderError).status).toBe(403);
    expect((forbidden as Error).message).toContain('is forbidden');
    expect(await rejection(provider.describe(ref('ml/deployment/ghost')))).toBeInstanceOf(NotFoundError);
  });

  it('writes its state as readable annotations with a merge patch, and ignores damaged ones', async () => {
    await provider.writeState(ref('ml/deployment/model-server'), {
      lastScaleOut: { at: Date.UTC(2026, 0, 1), from: 2, to: 3 },
      dedupeKeys: ['a', 'b'],
      recommendations: [{ at: Date.UTC(2026, 0, 1), replicas: 3 }],
    });
    const patch = api.log.find('PATCH', '/apis/apps/v1/namespaces/ml/deployments/model-server').at(-1)!;
    expect(patch.headers['content-type']).toBe('application/merge-patch+json');
    const a = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata.annotations!;
    const state = Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith(STATE_CODEC.prefix)));
    expect(Object.keys(state).sort()).toEqual(['autoscaler.dev/state-dedupe', 'autoscaler.dev/state-out', 'autoscaler.dev/state-recs']);
    expect(state['autoscaler.dev/state-dedupe']).toBe('a b');
    api.put({
      ...api.get('apps/v1', 'Deployment', 'ml', 'model-server')!,
      metadata: {
        ...api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata,
        annotations: { ...a, 'autoscaler.dev/state-out': '{"at":"yesterday"}' },
      },
    });
    const s = await provider.describe(ref('ml/deployment/model-server'));
    expect(s.persisted).toEqual({ dedupeKeys: ['a', 'b'], recommendations: [{ at: Date.UTC(2026, 0, 1), replicas: 3 }] });
    expect(s.status).toBe('ready');
  });

  it('within a pass, the first describe comes from the snapshot (no GET); a second one reads the apiserver', async () => {
    const snapshot = await ClusterSnapshot.take(provider.api);
    provider.usePass(snapshot);
    const gets = (): number => api.log.count('GET', '/apis/apps/v1/namespaces/ml/deployments/model-server');
    const first = await provider.describe(ref('ml/deployment/model-server'));
    expect(gets()).toBe(0);
    // The HPA list of the snapshot refuses frontend without another call too.
    expect(await rejection(provider.describe(ref('web/deployment/frontend')))).toBeInstanceOf(NotManagedError);
    expect(api.log.count('GET', /horizontalpodautoscalers/)).toBe(1);
    const second = await provider.describe(ref('ml/deployment/model-server'));
    expect(gets()).toBe(1);
    expect(second.version).toBe(first.version);
  });

  it('exports the policy to an HPA v2 manifest', () => {
    const out = provider.exportNative(
      {
        apiVersion: 'autoscaler.dev/v1',
        kind: 'ScalingPolicy',
        name: 'p',
        targets: [],
        limits: { minReplicas: 2, maxReplicas: 10, cooldown: { scaleOut: 0, scaleIn: 300 }, stabilization: { scaleOut: 0, scaleIn: 0 } },
        rules: [
          {
            name: 'cpu',
            targetTracking: {
              metric: 'cpu',
              target: 70,
              statistic: 'perInstance',
              algorithm: 'hpa',
              scaleInRatio: 0.9,
              disableScaleIn: false,
              capacity: 'replicas',
            },
          },
        ],
        dryRun: false,
        notifications: [],
      },
      ref('ml/deployment/model-server'),
    );
    expect(out.resources).toHaveLength(1);
    expect(out.resources[0]).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'model-server' }, minReplicas: 2, maxReplicas: 10 },
    });
  });
});
