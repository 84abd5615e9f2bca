import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  ApiException,
  PatchStrategy,
  setHeaderOptions,
  VersionApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { ManualClock } from '@autoscaler/core';
import { startFakeKubeApi, kubeConfigFor, applySeed, faultStatus, type FakeKubeApi, closeFakes } from '@autoscaler/sandbox-kubernetes';

/** Raw HTTP as kubectl sends it (discovery, `get --raw`, Table printing). */
async function raw(
  api: FakeKubeApi,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; token?: string | null } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers['authorization'] = `Bearer ${init.token ?? api.token}`;
  const res = await fetch(`${api.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const ex = e as ApiException<unknown>;
    return {
      code: ex.code,
      body: typeof ex.body === 'string' ? (JSON.parse(ex.body) as Record<string, unknown>) : (ex.body as Record<string, unknown>),
      headers: ex.headers,
    };
  }
  throw new Error('the call succeeded; expected an ApiException');
}

describe('fake apiserver through @kubernetes/client-node', () => {
  let api: FakeKubeApi;
  let kc: KubeConfig;
  let apps: AppsV1Api;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
    api = await startFakeKubeApi({ clock });
    applySeed(api, {
      deployments: [
        {
          namespace: 'ml',
          name: 'model-server',
          replicas: 2,
          labels: { app: 'model-server', tier: 'serving' },
          load: { cpu: '1', memoryPerPod: '512Mi' },
          containers: [
            { name: 'server', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
            { name: 'sidecar', requests: { cpu: '100m', memory: '64Mi' } },
          ],
        },
        { namespace: 'ml', name: 'batch', replicas: 1 },
        { namespace: 'web', name: 'frontend', replicas: 3 },
      ],
      statefulsets: [{ namespace: 'ml', name: 'vector-db', replicas: 2 }],
      hpas: [{ namespace: 'web', name: 'frontend', target: 'deployment/frontend', maxReplicas: 5 }],
      configMaps: [{ namespace: 'ml', name: 'policies', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': 'name: x' } }],
    });
    kc = kubeConfigFor(api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  afterEach(() => closeFakes(api));

  describe('authentication', () => {
    it('answers 401 with a Status without a bearer token or with a wrong one', async () => {
      for (const token of [null, 'not-the-token']) {
        const r = await raw(api, '/apis/apps/v1/deployments', { token });
        expect(r.status).toBe(401);
        expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
      }
      const wrong = kubeConfigFor({ url: api.url, token: 'forged' });
      expect((await apiError(wrong.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces())).code).toBe(401);
    });

    it('serves health checks without a token and records RBAC attributes of each request', async () => {
      expect((await raw(api, '/healthz', { token: null })).status).toBe(200);
      await apps.readNamespacedDeploymentScale({ namespace: 'ml', name: 'model-server' });
      expect(api.audit.at(-1)).toEqual({
        user: 'admin',
        verb: 'get',
        group: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'ml',
        name: 'model-server',
      });
    });

    it('answers 403 with the apiserver message when the authorizer denies', async () => {
      const locked = await startFakeKubeApi({ authorize: (a) => (a.verb === 'list' ? true : 'RBAC: access denied') });
      try {
        applySeed(locked, { deployments: [{ namespace: 'ml', name: 'x' }] });
        const e = await apiError(kubeConfigFor(locked).makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: 'ml', name: 'x' }));
        expect(e.code).toBe(403);
        expect(e.body['message']).toBe(
          'deployments.apps "x" is forbidden: User "admin" cannot get resource "deployments" in API group "apps" in the namespace "ml": RBAC: access denied',
        );
      } finally {
        await locked.close();
      }
    });
  });

  describe('discovery (what kubectl reads before get/scale/patch)', () => {
    it('serves /version, /api, /api/v1, /apis and each group version with the scale subresource', async () => {
      expect((await kc.makeApiClient(VersionApi).getCode()).gitVersion).toMatch(/^v1\.31\./);
      expect((await raw(api, '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
      const core = (await raw(api, '/api/v1')).json as { resources: Array<{ name: string }> };
      expect(core.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['pods', 'configmaps', 'namespaces']));
      const groups = await raw(api, '/apis', { headers: { accept: 'application/json' } });
      // Legacy discovery for a client that does not ask for aggregated discovery (kubectl falls back to it too).
      expect(groups.headers.get('content-type')).toBe('application/json');
      expect((groups.json['groups'] as Array<{ name: string }>).map((g) => g.name)).toEqual(['apps', 'autoscaling', 'metrics.k8s.io']);
      // kubectl's Accept: aggregated discovery (apidiscovery.k8s.io/v2), every group version in one document.
      const kubectlAccept =
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
      const aggregated = await raw(api, '/apis', { headers: { accept: kubectlAccept } });
      expect(aggregated.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      const items = aggregated.json['items'] as Array<{
        metadata: { name: string };
        versions: Array<{ version: string; freshness: string; resources: Array<Record<string, unknown>> }>;
      }>;
      expect(items.map((g) => g.metadata.name)).toEqual(['apps', 'autoscaling', 'metrics.k8s.io']);
      expect(items[0]!.versions[0]!.resources.find((r) => r['resource'] === 'deployments')).toEqual({
        resource: 'deployments',
        responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
        scope: 'Namespaced',
        singularResource: 'deployment',
        shortNames: ['deploy'],
        categories: ['all'],
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        subresources: [
          { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
          { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
        ],
      });
      const coreDiscovery = await raw(api, '/api', { headers: { accept: kubectlAccept } });
      expect((coreDiscovery.json['items'] as Array<{ versions: Array<{ version: string }> }>)[0]!.versions.map((v) => v.version)).toEqual(['v1']);
      api.setMetricsAvailable(false);
      const stale = (await raw(api, '/apis', { headers: { accept: kubectlAccept } })).json['items'] as typeof items;
      expect(stale.map((g) => g.versions[0]!.freshness)).toEqual(['Current', 'Current', 'Stale']);
      api.setMetricsAvailable(true);
      const beta = await raw(api, '/apis', {
        headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' },
      });
      expect([beta.headers.get('content-type'), beta.json['apiVersion']]).toEqual([
        'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
        'apidiscovery.k8s.io/v2beta1',
      ]);
      expect((await raw(api, '/apis', { headers: { accept: 'application/yaml' } })).status).toBe(406);
      const appsV1 = (await raw(api, '/apis/apps/v1')).json as { groupVersion: string; resources: Array<Record<string, unknown>> };
      expect(appsV1.groupVersion).toBe('apps/v1');
      expect(appsV1.resources).toContainEqual({
        name: 'deployments/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
      expect(appsV1.resources.find((r) => r['name'] === 'deployments')).toMatchObject({ kind: 'Deployment', shortNames: ['deploy'], namespaced: true });
      expect((await raw(api, '/apis/metrics.k8s.io/v1beta1')).json).toMatchObject({ groupVersion: 'metrics.k8s.io/v1beta1' });
      expect((await raw(api, '/apis/nope/v1')).status).toBe(404);
    });

    it('prints a Table when asked as kubectl get does', async () => {
      clock.advance(95_000);
      const t = (
        await raw(api, '/apis/apps/v1/namespaces/ml/deployments?limit=500', {
          headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' },
        })
      ).json;
      expect(t['kind']).toBe('Table');
      // Priority-1 columns are sent too; kubectl shows them with -o wide.
      expect((t['columnDefinitions'] as Array<{ name: string; priority: number }>).map((c) => [c.name, c.priority])).toEqual([
        ['Name', 0],
        ['Ready', 0],
        ['Up-to-date', 0],
        ['Available', 0],
        ['Age', 0],
        ['Containers', 1],
        ['Images', 1],
        ['Selector', 1],
      ]);
      expect((t['rows'] as Array<{ cells: unknown[] }>).map((r) => r.cells)).toEqual([
        ['batch', '1/1', 1, 1, '95s', 'server', 'ghcr.io/example/model-server:1.0', 'app=batch'],
        [
          'model-server',
          '2/2',
          2,
          2,
          '95s',
          'server,sidecar',
          'ghcr.io/example/model-server:1.0,ghcr.io/example/model-server:1.0',
          'app=model-server,tier=serving',
        ],
      ]);
    });
  });

  describe('apps/v1 deployments and statefulsets', () => {
    it('lists cluster-wide and per namespace with label selectors (set-based too)', async () => {
      const all = await apps.listDeploymentForAllNamespaces();
      expect(all.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual(['ml/batch', 'ml/model-server', 'web/frontend']);
      expect(all.metadata?.resourceVersion).toMatch(/^\d+$/);
      expect(
        (await apps.listDeploymentForAllNamespaces({ labelSelector: 'app in (model-server,frontend),tier!=cache' })).items.map((d) => d.metadata?.name),
      ).toEqual(['model-server', 'frontend']);
      expect((await apps.listNamespacedDeployment({ namespace: 'ml', labelSelector: '!tier' })).items.map((d) => d.metadata?.name)).toEqual(['batch']);
      expect((await apps.listNamespacedStatefulSet({ namespace: 'ml' })).items.map((d) => d.metadata?.name)).toEqual(['vector-db']);
      expect((await apiError(apps.listNamespacedDeployment({ namespace: 'ml', labelSelector: 'app in (a' }))).code).toBe(400);
    });

    it('pages a list with limit and continue', async () => {
      const first = await apps.listDeploymentForAllNamespaces({ limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.metadata?.remainingItemCount).toBe(1);
      const rest = await apps.listDeploymentForAllNamespaces({ limit: 2, _continue: first.metadata!._continue! });
      expect(rest.items.map((d) => d.metadata?.name)).toEqual(['frontend']);
      expect(rest.metadata?._continue).toBeUndefined();
    });

    it('keeps a controller-like status: observedGeneration, ready replicas and pods follow the spec', async () => {
      const d = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'model-server' });
      expect(d.metadata?.generation).toBe(1);
      expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
      const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'ml', labelSelector: 'app=model-server' });
      expect(pods.items).toHaveLength(2);
      expect(pods.items[0]!.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
      expect(pods.items[0]!.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      const sts = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'ml', labelSelector: 'app=vector-db' });
      expect(sts.items.map((p) => p.metadata?.name)).toEqual(['vector-db-0', 'vector-db-1']);
    });

    it('in manual rollout mode, a change stays unobserved until settle', async () => {
      api.setRollout('ml/deployment/batch', 'manual');
      await apps.patchNamespacedDeploymentScale(
        { namespace: 'ml', name: 'batch', body: { spec: { replicas: 3 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const during = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' });
      expect({ generation: during.metadata?.generation, observed: during.status?.observedGeneration, replicas: during.status?.replicas }).toEqual({
        generation: 2,
        observed: 1,
        replicas: 1,
      });
      api.settle('ml/deployment/batch');
      const after = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' });
      expect({ observed: after.status?.observedGeneration, replicas: after.status?.readyReplicas }).toEqual({ observed: 2, replicas: 3 });
    });

    it('answers 404 with a NotFound Status naming the object', async () => {
      const e = await apiError(apps.readNamespacedDeployment({ namespace: 'ml', name: 'ghost' }));
      expect(e).toMatchObject({
        code: 404,
        body: {
          kind: 'Status',
          reason: 'NotFound',
          message: 'deployments.apps "ghost" not found',
          details: { name: 'ghost', group: 'apps', kind: 'deployments' },
        },
      });
    });
  });

  describe('the scale subresource', () => {
    it("GET returns an autoscaling/v1 Scale whose resourceVersion is the workload's", async () => {
      const scale = await apps.readNamespacedDeploymentScale({ namespace: 'ml', name: 'model-server' });
      const d = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'model-server' });
      expect(scale.apiVersion).toBe('autoscaling/v1');
      expect(scale.kind).toBe('Scale');
      expect(scale.spec?.replicas).toBe(2);
      expect(scale.status).toEqual({ replicas: 2, selector: 'app=model-server,tier=serving' });
      expect(scale.metadata?.resourceVersion).toBe(d.metadata?.resourceVersion);
    });

    it('PUT with the current resourceVersion scales; with a stale one is 409 Conflict with the real Status', async () => {
      const scale = await apps.readNamespacedDeploymentScale({ namespace: 'ml', name: 'model-server' });
      const updated = await apps.replaceNamespacedDeploymentScale({ namespace: 'ml', name: 'model-server', body: { ...scale, spec: { replicas: 5 } } });
      expect(updated.spec?.replicas).toBe(5);
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(scale.metadata?.resourceVersion));
      const e = await apiError(apps.replaceNamespacedDeploymentScale({ namespace: 'ml', name: 'model-server', body: { ...scale, spec: { replicas: 1 } } }));
      expect(e.code).toBe(409);
      expect(e.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'Operation cannot be fulfilled on deployments.apps "model-server": the object has been modified; please apply your changes to the latest version and try again',
        reason: 'Conflict',
        details: { name: 'model-server', group: 'apps', kind: 'deployments' },
        code: 409,
      });
      expect((await apps.readNamespacedDeploymentScale({ namespace: 'ml', name: 'model-server' })).spec?.replicas).toBe(5);
    });

    it('PATCH (merge, as kubectl scale sends it) scales a StatefulSet; a resourceVersion in the patch is a precondition', async () => {
      const opts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      const s = await apps.patchNamespacedStatefulSetScale({ namespace: 'ml', name: 'vector-db', body: { spec: { replicas: 4 } } }, opts);
      expect(s.spec?.replicas).toBe(4);
      expect((await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'ml', labelSelector: 'app=vector-db' })).items).toHaveLength(4);
      const stale = await apiError(
        apps.patchNamespacedStatefulSetScale({ namespace: 'ml', name: 'vector-db', body: { metadata: { resourceVersion: '1' }, spec: { replicas: 1 } } }, opts),
      );
      expect(stale.code).toBe(409);
      const bad = await apiError(apps.patchNamespacedStatefulSetScale({ namespace: 'ml', name: 'vector-db', body: { spec: { replicas: -1 } } }, opts));
      expect(bad).toMatchObject({ code: 422, body: { reason: 'Invalid', details: { causes: [{ field: 'spec.replicas' }] } } });
    });

    it('spec.replicas is omitted from a Scale at 0 (int32 omitempty)', async () => {
      const s = await apps.patchNamespacedDeploymentScale(
        { namespace: 'ml', name: 'batch', body: { spec: { replicas: 0 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(s.spec?.replicas).toBeUndefined();
      const wire = await raw(api, '/apis/apps/v1/namespaces/ml/deployments/batch/scale');
      expect(wire.json['spec']).toEqual({});
    });
  });

  describe('PATCH by content type', () => {
    it('strategic merge patch merges containers by name and keeps the others', async () => {
      const d = await apps.patchNamespacedDeployment(
        {
          namespace: 'ml',
          name: 'model-server',
          body: { spec: { template: { spec: { containers: [{ name: 'server', resources: { requests: { cpu: '1' }, limits: { cpu: '2' } } }] } } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      const cs = d.spec!.template.spec!.containers;
      expect(cs.map((c) => c.name)).toEqual(['server', 'sidecar']);
      expect(cs[0]!.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
      expect(d.metadata?.generation).toBe(2);
    });

    it('a JSON merge patch replaces the containers list whole (no merge keys)', async () => {
      const d = await apps.patchNamespacedDeployment(
        {
          namespace: 'ml',
          name: 'model-server',
          body: { metadata: { annotations: { note: 'x' } }, spec: { template: { spec: { containers: [{ name: 'server', image: 'img:2' }] } } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(d.spec!.template.spec!.containers.map((c) => c.name)).toEqual(['server']);
      expect(d.metadata?.annotations?.['note']).toBe('x');
    });

    it('a JSON patch (the client default content type) applies operations, and test failures are 422', async () => {
      const d = await apps.patchNamespacedDeployment({
        namespace: 'ml',
        name: 'batch',
        body: [
          { op: 'add', path: '/metadata/annotations/autoscaler.dev~1managed', value: 'true' },
          { op: 'replace', path: '/spec/replicas', value: 2 },
        ],
      });
      expect(d.metadata?.annotations?.['autoscaler.dev/managed']).toBe('true');
      expect(d.spec?.replicas).toBe(2);
      expect(
        (await apiError(apps.patchNamespacedDeployment({ namespace: 'ml', name: 'batch', body: [{ op: 'test', path: '/spec/replicas', value: 7 }] }))).code,
      ).toBe(422);
      // A merge-style object sent with the default (JSON patch) content type is refused, as a real server does.
      expect((await apiError(apps.patchNamespacedDeployment({ namespace: 'ml', name: 'batch', body: { spec: { replicas: 1 } } }))).code).toBe(400);
    });

    it('refuses unknown patch media types with 415 and invalid results with 422', async () => {
      const r = await raw(api, '/apis/apps/v1/namespaces/ml/deployments/batch', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(r.status).toBe(415);
      const e = await apiError(
        apps.patchNamespacedDeployment(
          {
            namespace: 'ml',
            name: 'batch',
            body: { spec: { template: { spec: { containers: [{ name: 'server', resources: { requests: { cpu: 'lots' } } }] } } } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
      );
      expect(e).toMatchObject({
        code: 422,
        body: { reason: 'Invalid', details: { causes: [{ field: 'spec.template.spec.containers[0].resources.requests[cpu]' }] } },
      });
    });

    it('dryRun=All validates without persisting', async () => {
      const before = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' });
      await apps.patchNamespacedDeployment(
        { namespace: 'ml', name: 'batch', body: { spec: { replicas: 9 } }, dryRun: 'All' },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const after = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' });
      expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    });
  });

  describe('metrics.k8s.io, autoscaling/v2, core/v1', () => {
    it("lists PodMetrics in metrics-server format, filtered by the pods' labels", async () => {
      const list = (await kc
        .makeApiClient(CustomObjectsApi)
        .listNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'ml', plural: 'pods', labelSelector: 'app=model-server' })) as {
        kind: string;
        items: Array<{
          metadata: { name: string };
          window: string;
          timestamp: string;
          containers: Array<{ name: string; usage: { cpu: string; memory: string } }>;
        }>;
      };
      expect(list.kind).toBe('PodMetricsList');
      expect(list.items).toHaveLength(2);
      const item = list.items[0]!;
      expect(item.window).toBe('30s');
      expect(item.timestamp).toBe('2026-03-01T12:00:00Z');
      expect(item.containers.map((c) => c.name)).toEqual(['server', 'sidecar']);
      // 1 core over 2 pods, split by CPU request (500m : 100m); 512Mi split by memory request.
      expect(item.containers[0]!.usage.cpu).toMatch(/^\d+n$/);
      expect(Number(item.containers[0]!.usage.cpu.slice(0, -1)) + Number(item.containers[1]!.usage.cpu.slice(0, -1))).toBe(500_000_000);
      const one = await raw(api, `/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods/${item.metadata.name}`);
      expect(one.json).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: item.metadata.name } });
    });

    it('hides metrics of a workload or reports the metrics API unavailable (503)', async () => {
      api.hideMetrics('ml/deployment/model-server');
      expect((await raw(api, '/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods?labelSelector=app%3Dmodel-server')).json['items']).toEqual([]);
      api.setMetricsAvailable(false);
      const r = await raw(api, '/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods');
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
    });

    it('lists HPAs cluster-wide, ConfigMaps by label and pods', async () => {
      const hpas = await kc.makeApiClient(AutoscalingV2Api).listHorizontalPodAutoscalerForAllNamespaces();
      expect(hpas.items.map((h) => [h.metadata?.namespace, h.spec?.scaleTargetRef.kind, h.spec?.scaleTargetRef.name])).toEqual([
        ['web', 'Deployment', 'frontend'],
      ]);
      const core = kc.makeApiClient(CoreV1Api);
      expect((await core.listConfigMapForAllNamespaces({ labelSelector: 'autoscaler.dev/policy' })).items.map((c) => c.metadata?.name)).toEqual(['policies']);
      expect((await core.listPodForAllNamespaces({ fieldSelector: 'metadata.namespace=web' })).items).toHaveLength(3);
    });
  });

  describe('fault injection', () => {
    it('answers an injected 429 with Retry-After and a TooManyRequests Status, then serves normally', async () => {
      api.faults.next(faultStatus(429));
      const e = await apiError(apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' }));
      expect(e.code).toBe(429);
      expect(e.headers['retry-after']).toBe('1');
      expect(e.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests' });
      expect((await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' })).metadata?.name).toBe('batch');
    });

    it('injects a 500 only on the matching request, and can drop a connection', async () => {
      api.faults.next({ ...faultStatus(500), match: (r) => r.method === 'PATCH' });
      expect((await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' })).metadata?.name).toBe('batch');
      expect(
        (
          await apiError(
            apps.patchNamespacedDeploymentScale(
              { namespace: 'ml', name: 'batch', body: { spec: { replicas: 2 } } },
              setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
            ),
          )
        ).code,
      ).toBe(500);
      api.faults.next({ drop: true });
      await expect(apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' })).rejects.toThrow();
      expect(api.faults.pending).toBe(0);
    });

    it('touch() moves the resourceVersion on, as another actor would', async () => {
      const before = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' });
      api.touch('ml/deployment/batch');
      const after = await apps.readNamespacedDeployment({ namespace: 'ml', name: 'batch' });
      expect(after.metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    });
  });
});
