import { AppsV1Api, CoreV1Api, KubeConfig, ApiException } from '@kubernetes/client-node';
import { ConflictError, validatePolicy, type TargetRef } from '@autoscaler/core';
import { KubernetesProvider, MetricsServerAlarmSource } from '../src';

/**
 * Against the current kubeconfig context, opt-in: AUTOSCALER_LIVE=1 (namespace
 * AUTOSCALER_LIVE_NAMESPACE, default autoscaler-live-test, created and deleted).
 * Needs: create/delete namespaces and deployments, patch deployments and their scale.
 */
const live = process.env['AUTOSCALER_LIVE'] === '1';
const NS = process.env['AUTOSCALER_LIVE_NAMESPACE'] ?? 'autoscaler-live-test';

if (!live) {
  process.stderr.write(
    '[live] SKIPPED: the Kubernetes live test runs only with AUTOSCALER_LIVE=1 (it uses the current kubeconfig context and creates a namespace)\n',
  );
}

(live ? describe : describe.skip)('live cluster (current kubeconfig context)', () => {
  const kc = new KubeConfig();
  let apps: AppsV1Api;
  let core: CoreV1Api;
  const ref: TargetRef = { provider: 'kubernetes', id: `${NS}/deployment/autoscaler-live` };
  const tiers = [
    { name: 'tiny', requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
    { name: 'small', requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '32Mi' } },
  ];

  beforeAll(async () => {
    kc.loadFromDefault();
    apps = kc.makeApiClient(AppsV1Api);
    core = kc.makeApiClient(CoreV1Api);
    try {
      await core.createNamespace({ body: { metadata: { name: NS, labels: { 'app.kubernetes.io/managed-by': 'autoscaler-live-test' } } } });
    } catch (e) {
      if (!(e instanceof ApiException && e.code === 409)) throw e;
    }
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'autoscaler-live', annotations: { 'autoscaler.dev/managed': 'true', 'autoscaler.dev/tiers': JSON.stringify(tiers) } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'autoscaler-live' } },
          template: {
            metadata: { labels: { app: 'autoscaler-live' } },
            spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: tiers[0] }] },
          },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await core.deleteNamespace({ name: NS }).catch(() => undefined);
  }, 60_000);

  it('describes, scales through the scale subresource with resourceVersion, refuses a stale one, keeps state in annotations', async () => {
    const provider = new KubernetesProvider({ kube: kc });
    const before = await provider.describe(ref);
    expect(before).toMatchObject({ capacity: { replicas: 1, size: 'tiny' }, managed: true });
    await provider.apply(ref, { replicas: 2, size: 'tiny' }, { ifMatch: before.version! });
    await expect(provider.apply(ref, { replicas: 3, size: 'tiny' }, { ifMatch: before.version! })).rejects.toBeInstanceOf(ConflictError);
    expect((await provider.describe(ref)).capacity.replicas).toBe(2);
    const state = { lastScaleOut: { at: Date.now(), from: 1, to: 2 }, dedupeKeys: ['live-test'], recommendations: [] };
    await provider.writeState(ref, state);
    expect(await provider.readState(ref)).toEqual(state);
  }, 60_000);

  it('resizes along the tier ladder (a rollout), and polls metrics-server without ever proposing a scale-in on missing data', async () => {
    const provider = new KubernetesProvider({ kube: kc });
    const s = await provider.describe(ref);
    const handle = await provider.apply(ref, { replicas: s.capacity.replicas, size: 'small' }, { ifMatch: s.version! });
    expect(handle.kind).toBe('rollout');
    expect((await provider.describe(ref)).capacity.size).toBe('small');
    const source = new MetricsServerAlarmSource({ kube: kc });
    const signals = await source.poll(ref, Date.now());
    // Fresh pods often have no sample yet: then nothing is sent at all.
    for (const sig of signals) expect(sig.state === 'value' && Number.isFinite(sig.value)).toBe(true);
    const out = provider.exportNative(
      validatePolicy({ name: 'live', limits: { maxReplicas: 3 }, rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 70, algorithm: 'hpa' } }] }),
      ref,
    );
    expect(out.resources).toHaveLength(1);
  }, 60_000);
});
