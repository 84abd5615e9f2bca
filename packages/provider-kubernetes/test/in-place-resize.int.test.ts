import { ValidationError, validatePolicy, type TargetRef } from '@autoscaler/core';
import { KubernetesProvider, type ResourceTier } from '../src';
import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, type KubeObject, closeFakes } from '@autoscaler/sandbox-kubernetes';
import { rejection } from './support';

const TIERS: ResourceTier[] = [
  { name: 'small', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
  { name: 'medium', requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
];
const REF: TargetRef = { provider: 'kubernetes', id: 'ml/deployment/model-server' };

type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
const serverOf = (pod: KubeObject): { spec: Res; status: Res | undefined; restarts: number } => {
  const c = (pod['spec'] as { containers: Array<{ name: string; resources: Res }> }).containers.find((x) => x.name === 'server')!;
  const s = (pod['status'] as { containerStatuses: Array<{ name: string; resources?: Res; restartCount: number }> }).containerStatuses.find(
    (x) => x.name === 'server',
  )!;
  return { spec: c.resources, status: s.resources, restarts: s.restartCount };
};

async function start(options: { podResize?: boolean; memoryPolicy?: 'NotRequired' | 'RestartContainer'; mode?: string } = {}): Promise<FakeKubeApi> {
  const api = await startFakeKubeApi(options.podResize === undefined ? {} : { podResize: options.podResize });
  applySeed(api, {
    deployments: [
      {
        namespace: 'ml',
        name: 'model-server',
        replicas: 2,
        annotations: { 'autoscaler.dev/managed': 'true', 'autoscaler.dev/container': 'server', 'autoscaler.dev/resize': options.mode ?? 'in-place' },
        containers: [
          { name: 'proxy', requests: { cpu: '100m', memory: '64Mi' } },
          {
            name: 'server',
            requests: { cpu: '500m', memory: '1Gi' },
            limits: { cpu: '1', memory: '1Gi' },
            ...(options.memoryPolicy ? { resizePolicy: { cpu: 'NotRequired', memory: options.memoryPolicy } } : {}),
          },
        ],
      },
    ],
  });
  return api;
}

describe('in-place resize (pods/<name>/resize) through the real client against the fake apiserver', () => {
  let api: FakeKubeApi;
  afterEach(() => closeFakes(api));
  const pods = (): KubeObject[] => api.list('v1', 'Pod', 'ml');
  const writes = (): string[] =>
    api.audit.filter((a) => a.verb !== 'get' && a.verb !== 'list').map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`);

  it('resizes each running pod in place, keeps the template (no rollout) and describe reports the recorded tier', async () => {
    api = await start();
    const provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
    const names = pods().map((p) => p.metadata.name);
    const before = await provider.describe(REF);
    expect(before.capacity).toEqual({ replicas: 2, size: 'small' });
    const handle = await provider.apply(REF, { replicas: 2, size: 'medium' }, { ifMatch: before.version! });
    expect(handle.kind).toBe('immediate');
    expect(handle.id).toMatch(/in place: 2 of 2 pods resized to medium$/);
    expect(pods().map((p) => p.metadata.name)).toEqual(names);
    for (const p of pods()) {
      const s = serverOf(p);
      expect(s.spec).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } });
      expect(s.status).toEqual(s.spec);
      expect(s.restarts).toBe(0);
    }
    const template = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    expect(JSON.stringify(template['spec'])).toContain('"memory":"1Gi"');
    expect(writes()).toEqual(['patch deployments', 'patch pods/resize', 'patch pods/resize']);
    expect(await provider.describe(REF)).toMatchObject({ capacity: { replicas: 2, size: 'medium' } });
  });

  it('falls back to the template patch when the apiserver does not serve the subresource, and says so in the handle', async () => {
    api = await start({ podResize: false });
    const provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
    const before = await provider.describe(REF);
    const handle = await provider.apply(REF, { replicas: 2, size: 'medium' }, { ifMatch: before.version! });
    expect(handle).toMatchObject({ kind: 'rollout', id: expect.stringContaining('template patch: the apiserver does not serve pods/resize') });
    // The first resize answered 404 (an unknown subresource is refused before authorization): one try, then the template.
    expect(api.log.entries.filter((e) => e.path.endsWith('/resize')).map((e) => e.status)).toEqual([404]);
    expect(writes()).toEqual(['patch deployments', 'patch deployments']);
    for (const p of pods()) expect(serverOf(p).spec).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(await provider.describe(REF)).toMatchObject({ capacity: { replicas: 2, size: 'medium' } });
  });

  it('refuses a memory limit going down with a NotRequired resize policy, naming the field, with no write at all', async () => {
    api = await start();
    const provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
    await provider.apply(REF, { replicas: 2, size: 'medium' }, { ifMatch: (await provider.describe(REF)).version! });
    const writesBefore = writes().length;
    const e = await rejection(provider.apply(REF, { replicas: 2, size: 'small' }, { ifMatch: (await provider.describe(REF)).version! }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['spec.template.spec.containers[1].resizePolicy']);
    expect((e as Error).message).toContain('2Gi -> 1Gi');
    expect(writes().length).toBe(writesBefore);
    for (const p of pods()) expect(serverOf(p).spec.limits).toEqual({ cpu: '2', memory: '2Gi' });
  });

  it('with RestartContainer on memory the same step down is done: the kubelet restarts that container', async () => {
    api = await start({ memoryPolicy: 'RestartContainer' });
    const provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
    await provider.apply(REF, { replicas: 2, size: 'medium' }, { ifMatch: (await provider.describe(REF)).version! });
    await provider.apply(REF, { replicas: 2, size: 'small' }, { ifMatch: (await provider.describe(REF)).version! });
    for (const p of pods()) expect(serverOf(p)).toMatchObject({ spec: { limits: { cpu: '1', memory: '1Gi' } }, restarts: 2 });
  });

  it('checkPolicy refuses, without I/O, a policy that walks the ladder down where the resize policy forbids it', async () => {
    api = await start();
    const provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
    const policy = validatePolicy({
      name: 'p',
      rules: [
        { name: 'up', threshold: { alarm: 'hot', size: 'next' } },
        { name: 'down', threshold: { alarm: 'cold', size: 'previous' } },
      ],
      limits: { minReplicas: 1, maxReplicas: 4, sizes: ['small', 'medium'] },
    });
    expect(provider.checkPolicy(policy, REF)).toEqual([]); // nothing known yet without a read
    await provider.describe(REF);
    const calls = api.audit.length;
    const issues = provider.checkPolicy(policy, REF);
    expect(api.audit.length).toBe(calls);
    expect(issues).toEqual([{ path: 'spec.template.spec.containers[1].resizePolicy', message: expect.stringContaining('medium -> small') }]);
    const upOnly = validatePolicy({
      name: 'p',
      rules: [{ name: 'up', threshold: { alarm: 'hot', size: 'next' } }],
      limits: { minReplicas: 1, maxReplicas: 4, sizes: ['small', 'medium'] },
    });
    expect(provider.checkPolicy(upOnly, REF)).toEqual([]);
  });

  it('a later pass resizes a pod that came up at the template size (describe), and an apply of the same size does too', async () => {
    api = await start();
    const provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
    await provider.apply(REF, { replicas: 2, size: 'medium' }, { ifMatch: (await provider.describe(REF)).version! });
    // A replica change (through the scale subresource) brings a pod up from the template, at the old size.
    const d = await provider.describe(REF);
    await provider.apply(REF, { replicas: 3, size: 'medium' }, { ifMatch: d.version! });
    expect(
      pods()
        .map((p) => serverOf(p).spec.limits!['memory'])
        .sort(),
    ).toEqual(['2Gi', '2Gi', '2Gi']);
    // Another pod comes up at the template size behind the autoscaler's back (a node drain, a crash).
    const dep = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    api.put({ ...dep, spec: { ...(dep['spec'] as object), replicas: 4 } });
    expect(
      pods()
        .map((p) => serverOf(p).spec.limits!['memory'])
        .sort(),
    ).toEqual(['1Gi', '2Gi', '2Gi', '2Gi']);
    const state = await provider.describe(REF);
    expect(state.capacity).toEqual({ replicas: 4, size: 'medium' });
    expect(pods().map((p) => serverOf(p).spec.limits!['memory'])).toEqual(['2Gi', '2Gi', '2Gi', '2Gi']);
  });

  it('a bad resize annotation is a ValidationError naming it, and nothing is written', async () => {
    api = await start({ mode: 'sometimes' });
    const provider = new KubernetesProvider({ kube: kubeConfigFor(api), tiers: TIERS });
    const e = await rejection(provider.apply(REF, { replicas: 2, size: 'medium' }, { ifMatch: (await provider.describe(REF)).version! }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as Error).message).toContain('metadata.annotations["autoscaler.dev/resize"]: must be "in-place" or "template", got "sometimes"');
    expect(writes()).toEqual([]);
  });
});

describe('the fake apiserver pods/<name>/resize subresource', () => {
  let api: FakeKubeApi;
  afterEach(async () => {
    await api.close();
  });
  const patch = async (pod: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await fetch(`${api.url}/api/v1/namespaces/ml/pods/${pod}/resize`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/strategic-merge-patch+json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('refuses resources of a container the pod does not have, non-cpu/memory resources and a QoS change, with the real Status shape', async () => {
    api = await start();
    const pod = api.list('v1', 'Pod', 'ml')[0]!.metadata.name;
    const noSuch = await patch(pod, { spec: { containers: [{ name: 'sidecar', resources: { requests: { cpu: '1' } } }] } });
    expect(noSuch).toMatchObject({
      status: 422,
      body: {
        kind: 'Status',
        status: 'Failure',
        reason: 'Invalid',
        code: 422,
        details: { name: pod, kind: 'Pod', causes: [{ field: 'spec.containers', reason: 'FieldValueForbidden' }] },
      },
    });
    const gpu = await patch(pod, {
      spec: { containers: [{ name: 'server', resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } }] },
    });
    expect(gpu.status).toBe(422);
    expect(String(gpu.body['message'])).toContain(
      'spec.containers[1].resources.requests[nvidia.com/gpu]: Forbidden: only cpu and memory resources are mutable',
    );
    const down = await patch(pod, { spec: { containers: [{ name: 'server', resources: { limits: { memory: '512Mi' }, requests: { memory: '512Mi' } } }] } });
    expect(String(down.body['message'])).toContain(
      'spec.containers[1].resources.limits[memory]: Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer',
    );
    const bad = await patch(pod, { spec: { containers: [{ name: 'server', resources: { requests: { cpu: 'lots' } } }] } });
    expect(bad.status).toBe(422);
    expect(String(bad.body['message'])).toContain('spec.containers[1].resources.requests[cpu]: Invalid value: "lots"');
    const up = await patch(pod, { spec: { containers: [{ name: 'server', resources: { requests: { cpu: '750m' } } }] } });
    expect(up.status).toBe(200);
    expect(serverOf(api.get('v1', 'Pod', 'ml', pod)!)).toMatchObject({
      spec: { requests: { cpu: '750m', memory: '1Gi' } },
      status: { requests: { cpu: '750m', memory: '1Gi' } },
      restarts: 0,
    });
    const gone = await fetch(`${api.url}/api/v1/namespaces/ml/pods/nope/resize`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/merge-patch+json' },
      body: '{}',
    });
    expect(gone.status).toBe(404);
  });

  it('discovery lists pods/resize only when served', async () => {
    api = await start({ podResize: false });
    const legacy = (await (await fetch(`${api.url}/api/v1`, { headers: { authorization: `Bearer ${api.token}` } })).json()) as {
      resources: Array<{ name: string }>;
    };
    expect(legacy.resources.map((r) => r.name)).not.toContain('pods/resize');
    await api.close();
    api = await start();
    const served = (await (await fetch(`${api.url}/api/v1`, { headers: { authorization: `Bearer ${api.token}` } })).json()) as {
      resources: Array<{ name: string }>;
    };
    expect(served.resources.map((r) => r.name)).toContain('pods/resize');
  });
});
