import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, closeFakes } from '@autoscaler/sandbox-kubernetes';
import { KubeApi } from '../../src/kube/kube-api';
import { ConfigMapStateStore, stateKey } from '../../src/kube/state-configmap';
import { parseWorkloadId } from '../../src/model/ids';
import { readPersistedState } from '../../src/model/annotations';

describe('ConfigMapStateStore: the autoscaler memory in one ConfigMap of its namespace', () => {
  let api: FakeKubeApi;
  afterEach(() => closeFakes(api));

  it('creates the ConfigMap once under concurrent first writes, merge-patches one key per workload, and reads it back in the next run', async () => {
    api = await startFakeKubeApi();
    applySeed(api, { namespaces: ['autoscaler'] });
    const kube = new KubeApi(kubeConfigFor(api));
    const store = new ConfigMapStateStore(kube, 'autoscaler');
    await store.load();
    const ids = ['ml/deployment/a', 'ml/deployment/b', 'web/statefulset/c.v2'].map((i) => parseWorkloadId(i));
    await Promise.all(
      ids.map((id, n) => store.write(id, { dedupeKeys: [`k${n}`], recommendations: [], lastScaleOut: { at: Date.UTC(2026, 0, 1), from: 1, to: 2 + n } })),
    );
    expect(api.log.entries.filter((e) => e.method === 'POST').map((e) => e.status)).toEqual([201]);
    expect(api.log.entries.filter((e) => e.method === 'PATCH').map((e) => e.headers['content-type'])).toEqual(Array(3).fill('application/merge-patch+json'));
    const next = new ConfigMapStateStore(kube, 'autoscaler');
    await next.load();
    expect(readPersistedState(next.get(ids[2]!))).toEqual({
      dedupeKeys: ['k2'],
      recommendations: [],
      lastScaleOut: { at: Date.UTC(2026, 0, 1), from: 1, to: 4 },
    });
    expect(Object.keys(next.get(ids[2]!)!).sort()).toEqual(['autoscaler.dev/state-dedupe', 'autoscaler.dev/state-out']);
    expect(Object.keys(api.get('v1', 'ConfigMap', 'autoscaler', 'autoscaler-state')!['data'] as object).sort()).toEqual([
      'ml.deployment.a',
      'ml.deployment.b',
      'web.statefulset.c.v2',
    ]);
  });

  it('keys are valid ConfigMap keys even for the longest names; a damaged entry is dropped, not fatal', async () => {
    const long = parseWorkloadId(`${'n'.repeat(63)}/statefulset/${'a'.repeat(250)}`);
    expect(stateKey(long)).toMatch(/^[-._a-zA-Z0-9]{1,253}$/);
    api = await startFakeKubeApi();
    api.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'autoscaler', name: 'autoscaler-state' },
      data: { 'ml.deployment.a': '{not json', 'ml.deployment.b': '{"autoscaler.dev/dedupe-keys":"[\\"x\\"]","n":5}' },
    });
    const store = new ConfigMapStateStore(new KubeApi(kubeConfigFor(api)), 'autoscaler');
    await store.load();
    expect(store.get(parseWorkloadId('ml/deployment/a'))).toBeUndefined();
    expect(store.get(parseWorkloadId('ml/deployment/b'))).toEqual({ 'autoscaler.dev/dedupe-keys': '["x"]' });
  });
});
