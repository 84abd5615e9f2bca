import { ClusterSnapshot, KubeApi, discoverTargets } from '../src';
import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, closeFakes } from '@autoscaler/sandbox-kubernetes';
import { validatePolicy } from '@autoscaler/core';
import { requestsSince } from './support';

const POLICY =
  'name: shared\nlimits: { minReplicas: 1, maxReplicas: 10 }\nrules:\n  - name: cpu\n    targetTracking: { metric: cpu, target: 70, algorithm: hpa }\n';

describe('discovery of annotated workloads', () => {
  let api: FakeKubeApi;
  afterEach(() => closeFakes(api));

  it('finds policies inline, in a labelled ConfigMap (same or other namespace), or the default; reports bad ones', async () => {
    api = await startFakeKubeApi();
    applySeed(api, {
      configMaps: [
        { namespace: 'ml', name: 'policies', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': POLICY } },
        {
          namespace: 'autoscaler',
          name: 'central',
          labels: { 'autoscaler.dev/policy': 'true' },
          data: { 'whatever.yaml': POLICY.replace('shared', 'central') },
        },
        { namespace: 'ml', name: 'unlabelled', data: { 'policy.yaml': POLICY } },
      ],
      deployments: [
        { namespace: 'ml', name: 'a-inline', annotations: { 'autoscaler.dev/policy': POLICY.replace('shared', 'inline') } },
        { namespace: 'ml', name: 'b-configmap', annotations: { 'autoscaler.dev/policy': 'policies' } },
        { namespace: 'ml', name: 'c-central', annotations: { 'autoscaler.dev/policy': 'autoscaler/central' } },
        { namespace: 'ml', name: 'd-unlabelled', annotations: { 'autoscaler.dev/policy': 'unlabelled' } },
        { namespace: 'ml', name: 'e-bad', annotations: { 'autoscaler.dev/policy': 'name: bad\nlimits: { maxReplica: 3 }\nrules: []\n' } },
        { namespace: 'ml', name: 'f-default', annotations: { 'autoscaler.dev/managed': 'true' } },
        { namespace: 'ml', name: 'g-plain' },
      ],
    });
    const snapshot = await ClusterSnapshot.take(new KubeApi(kubeConfigFor(api)));
    const d = discoverTargets(snapshot, {
      defaultPolicy: validatePolicy({ name: 'default', limits: { maxReplicas: 3 }, rules: [{ name: 'x', threshold: { alarm: 'y', change: 1 } }] }),
    });
    const byName = Object.fromEntries(d.targets.map((t) => [t.id.name, { policy: t.policy?.name, source: t.policySource, problem: t.problem }]));
    expect(Object.keys(byName)).toEqual(['a-inline', 'b-configmap', 'c-central', 'd-unlabelled', 'e-bad', 'f-default']);
    expect(byName['a-inline']).toEqual({ policy: 'inline', source: 'inline', problem: undefined });
    expect(byName['b-configmap']).toEqual({ policy: 'shared', source: 'configmap ml/policies', problem: undefined });
    expect(byName['c-central']).toEqual({ policy: 'central', source: 'configmap autoscaler/central', problem: undefined });
    expect(byName['d-unlabelled']!.problem).toBe(
      'ConfigMap ml/unlabelled not found among ConfigMaps labelled autoscaler.dev/policy (label it, or check the name)',
    );
    expect(byName['e-bad']!.problem).toContain('limits.maxReplica');
    expect(byName['e-bad']!.problem).toContain('rules: needs at least one rule');
    expect(byName['f-default']).toEqual({ policy: 'default', source: 'default', problem: undefined });
    expect(d.policies.resolve({ provider: 'kubernetes', id: 'ml/deployment/b-configmap' })?.name).toBe('shared');
    expect(d.policies.resolve({ provider: 'kubernetes', id: 'ml/deployment/g-plain' })).toBeUndefined();
  });

  it("trust boundary: an annotation policy cannot notify nor name another namespace's ConfigMap; the operator's ConfigMaps can", async () => {
    api = await startFakeKubeApi();
    const NOTIFY = `${POLICY}notifications:\n  - { type: webhook, url: "https://hooks.example.com/x" }\n`;
    applySeed(api, {
      configMaps: [
        { namespace: 'autoscaler', name: 'central', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': NOTIFY.replace('shared', 'central') } },
        { namespace: 'tenant', name: 'mine', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': POLICY.replace('shared', 'mine') } },
        { namespace: 'other', name: 'theirs', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': POLICY.replace('shared', 'theirs') } },
      ],
      deployments: [
        { namespace: 'tenant', name: 'a-hook', annotations: { 'autoscaler.dev/policy': NOTIFY } },
        { namespace: 'tenant', name: 'b-central', annotations: { 'autoscaler.dev/policy': 'autoscaler/central' } },
        { namespace: 'tenant', name: 'c-bare', annotations: { 'autoscaler.dev/policy': 'central' } },
        { namespace: 'tenant', name: 'd-other', annotations: { 'autoscaler.dev/policy': 'other/theirs' } },
        { namespace: 'tenant', name: 'e-own', annotations: { 'autoscaler.dev/policy': 'tenant/mine' } },
      ],
    });
    const kube = new KubeApi(kubeConfigFor(api));
    const before = api.log.entries.length;
    const snapshot = await ClusterSnapshot.take(kube, { policyNamespaces: ['autoscaler'] });
    // ConfigMaps are read in the autoscaler's namespace only (a Role there, not a ClusterRole).
    expect(
      api.log.entries
        .slice(before)
        .filter((e) => e.path.includes('configmaps'))
        .map((e) => e.path),
    ).toEqual(['/api/v1/namespaces/autoscaler/configmaps']);
    const d = discoverTargets(snapshot, { policyNamespace: 'autoscaler' });
    const byName = Object.fromEntries(d.targets.map((t) => [t.id.name, { policy: t.policy?.name, problem: t.problem }]));
    expect(byName['a-hook']).toEqual({
      policy: undefined,
      problem: expect.stringMatching(
        /^the inline policy in annotation autoscaler\.dev\/policy sets notifications: a policy taken from the annotation autoscaler\.dev\/policy cannot notify/,
      ),
    });
    expect(byName['b-central']).toEqual({ policy: 'central', problem: undefined });
    expect(d.policies.resolve({ provider: 'kubernetes', id: 'tenant/deployment/b-central' })?.notifications).toHaveLength(1);
    expect(byName['c-bare']).toEqual({ policy: 'central', problem: undefined });
    expect(byName['d-other']!.problem).toBe(
      "annotation autoscaler.dev/policy names ConfigMap other/theirs: only policy ConfigMaps in the autoscaler's namespace (autoscaler) can be named",
    );
    expect(byName['e-own']!.problem).toContain('names ConfigMap tenant/mine');
    // Without an operator namespace (a CLI listing) no ConfigMap policy may notify either.
    const listing = discoverTargets(await ClusterSnapshot.take(kube));
    expect(listing.targets.find((t) => t.id.name === 'b-central')!.problem).toMatch(/ConfigMap autoscaler\/central sets notifications/);
    expect(listing.targets.find((t) => t.id.name === 'd-other')!.policy?.name).toBe('theirs');
  });

  it('takes a constant number of list calls whatever the number of workloads (per watched namespace when scoped)', async () => {
    const calls: number[] = [];
    for (const n of [5, 60]) {
      api = await startFakeKubeApi();
      applySeed(api, {
        deployments: Array.from({ length: n }, (_, i) => ({ namespace: `ns-${i % 3}`, name: `w-${i}`, annotations: { 'autoscaler.dev/managed': 'true' } })),
      });
      const before = api.log.entries.length;
      const snapshot = await ClusterSnapshot.take(new KubeApi(kubeConfigFor(api)));
      expect(
        discoverTargets(snapshot, {
          defaultPolicy: validatePolicy({ name: 'd', limits: { maxReplicas: 3 }, rules: [{ name: 'x', threshold: { alarm: 'y', change: 1 } }] }),
        }).targets,
      ).toHaveLength(n);
      calls.push(api.log.entries.length - before);
      if (n === 5) await api.close();
    }
    expect(calls).toEqual([4, 4]);
    const before = api.log.entries.length;
    await ClusterSnapshot.take(new KubeApi(kubeConfigFor(api)), { namespaces: ['ns-0', 'ns-1'], policyNamespaces: ['autoscaler'] });
    expect(requestsSince(api, before)).toEqual([
      'GET /api/v1/namespaces/autoscaler/configmaps',
      'GET /apis/apps/v1/namespaces/ns-0/deployments',
      'GET /apis/apps/v1/namespaces/ns-0/statefulsets',
      'GET /apis/apps/v1/namespaces/ns-1/deployments',
      'GET /apis/apps/v1/namespaces/ns-1/statefulsets',
      'GET /apis/autoscaling/v2/namespaces/ns-0/horizontalpodautoscalers',
      'GET /apis/autoscaling/v2/namespaces/ns-1/horizontalpodautoscalers',
    ]);
  });
});
