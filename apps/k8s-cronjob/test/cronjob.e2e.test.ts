import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InstantClock, ManualClock, MemoryLogger, type PersistedState } from '@autoscaler/core';
import { readPersistedState } from '@autoscaler/provider-kubernetes';
import { applySeed, faultStatus, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, type FakeKubeSeed, closeFakes } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob, type RunSummary } from '../src';
import { grantedPermissions, rbacAuthorizer, resizeGrants, resourceKey, shippedGrants } from './rbac';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const SA = 'system:serviceaccount:autoscaler:autoscaler';
const TOKEN = 'service-account-token';

const policiesConfigMap = parseAllDocuments(readFileSync(join(__dirname, '..', 'deploy', 'policies-configmap.yaml'), 'utf8'))[0]!.toJSON() as Record<
  string,
  unknown
>;
const TIERS = JSON.stringify([
  { name: 'small', requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
  { name: 'medium', requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
]);
const RESIZE_POLICY = JSON.stringify({
  name: 'resize-on-memory',
  limits: { maxReplicas: 4, sizes: ['small', 'medium'], cooldown: { scaleOut: 0, scaleIn: 0 } },
  rules: [{ name: 'grow', threshold: { alarm: 'mem-high', size: 'next' } }],
});
const STS_POLICY = JSON.stringify({
  name: 'db-cpu',
  limits: { maxReplicas: 5, cooldown: { scaleOut: 0, scaleIn: 600 } },
  rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 50 } }],
});

/** A cluster with every case a pass meets. */
const SEED: FakeKubeSeed = {
  namespaces: ['autoscaler'],
  objects: [policiesConfigMap],
  deployments: [
    // 1.4 cores per pod on 500m requests: 280% against a 70% HPA target.
    { namespace: 'ml', name: 'loaded', replicas: 2, annotations: { 'autoscaler.dev/policy': 'autoscaler/policies' }, load: { cpu: '2.8' } },
    { namespace: 'ml', name: 'idle', replicas: 4, annotations: { 'autoscaler.dev/policy': 'autoscaler/policies' }, load: { cpu: '0.2' } },
    { namespace: 'ml', name: 'idle-no-metrics', replicas: 4, annotations: { 'autoscaler.dev/policy': 'autoscaler/policies' }, load: { cpu: '0.2' } },
    {
      namespace: 'ml',
      name: 'big-model',
      replicas: 1,
      containers: [{ name: 'server', requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } }],
      annotations: {
        'autoscaler.dev/policy': RESIZE_POLICY,
        'autoscaler.dev/tiers': TIERS,
        'autoscaler.dev/alarms': JSON.stringify([{ name: 'mem-high', metric: 'memory', comparison: 'above', threshold: 80 }]),
      },
      load: { memoryPerPod: '900Mi' },
    },
    { namespace: 'ml', name: 'not-annotated', replicas: 1, load: { cpu: '5' } },
    { namespace: 'web', name: 'frontend', replicas: 3, annotations: { 'autoscaler.dev/policy': 'autoscaler/policies' }, load: { cpu: '5' } },
  ],
  statefulsets: [
    { namespace: 'ml', name: 'db', replicas: 2, annotations: { 'autoscaler.dev/policy': STS_POLICY }, load: { cpu: '2' } },
    {
      namespace: 'ml',
      name: 'cache',
      replicas: 1,
      containers: [{ name: 'server', requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } }],
      // Resized in place (pods/resize): the pods keep running, the template is not rolled.
      annotations: {
        'autoscaler.dev/resize': 'in-place',
        'autoscaler.dev/policy': RESIZE_POLICY,
        'autoscaler.dev/tiers': TIERS,
        'autoscaler.dev/alarms': JSON.stringify([{ name: 'mem-high', metric: 'memory', comparison: 'above', threshold: 80 }]),
      },
      load: { memoryPerPod: '900Mi' },
    },
  ],
  hpas: [{ namespace: 'web', name: 'frontend', target: 'deployment/frontend', minReplicas: 2, maxReplicas: 6 }],
};

const replicas = (api: FakeKubeApi, kind: 'Deployment' | 'StatefulSet', ns: string, name: string): number =>
  (api.get('apps/v1', kind, ns, name)!['spec'] as { replicas: number }).replicas;
const recordOf = (s: RunSummary, target: string): RunSummary['records'][number] | undefined => s.records.find((r) => r.target === target);

describe('k8s-cronjob: a pass over the fake apiserver through the real client', () => {
  let api: FakeKubeApi;
  afterEach(() => closeFakes(api));

  it('scales a loaded Deployment and a StatefulSet, resizes on an alarm, refuses an HPA-owned one, re-reads on 409, never scales in on missing metrics; RBAC = what the pass calls', async () => {
    const clock = new ManualClock(T0);
    let conflicted = 0;
    // The default grants plus the opt-in resize Role for namespace ml (big-model resizes there).
    const grants = [...shippedGrants(), ...resizeGrants()];
    const authorize = rbacAuthorizer(SA, grants);
    api = await startFakeKubeApi({
      clock,
      tokens: { [TOKEN]: SA },
      authorize: (a) => {
        // Another actor writes the workload just before our first scale of it lands: a real 409 on resourceVersion.
        if (a.verb === 'patch' && a.subresource === 'scale' && (a.name === 'loaded' || a.name === 'db') && conflicted < 2 && !touched.has(a.name)) {
          touched.add(a.name);
          conflicted++;
          api.touch(`${a.namespace}/${a.resource === 'deployments' ? 'deployment' : 'statefulset'}/${a.name}`);
        }
        return authorize(a);
      },
    });
    const touched = new Set<string>();
    applySeed(api, SEED);
    api.hideMetrics('ml/deployment/idle-no-metrics');
    // Past the HPA's 300 s CPU initialization period, so the pods' samples count.
    clock.advance(600_000);
    const config = loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler' });
    const logger = new MemoryLogger();

    const first = await runCronJob({ config, kubeConfig: kubeConfigFor({ url: api.url, token: TOKEN }), clock, logger });
    expect(first.error).toBeUndefined();
    expect(first.targets).toBe(7);
    expect(first.outcomes).toEqual({ scaled: 3, resized: 2, rejected: 1, 'no-action': 1 });
    expect(recordOf(first, 'ml/statefulset/cache')).toMatchObject({ outcome: 'resized', size: 'medium' });
    expect(first.ok).toBe(false);

    // HPA: 280% / 70% over 2 pods -> 8, limited to maxStep 4 -> 6.
    expect(recordOf(first, 'ml/deployment/loaded')).toMatchObject({ outcome: 'scaled', from: 2, to: 6 });
    expect(replicas(api, 'Deployment', 'ml', 'loaded')).toBe(6);
    // 409 -> re-read (GET) -> decide again -> apply with the new resourceVersion.
    const loadedCalls = api.log.entries
      .filter((e) => e.path.startsWith('/apis/apps/v1/namespaces/ml/deployments/loaded'))
      .map((e) => `${e.method} ${e.path.endsWith('/scale') ? 'scale' : 'deployment'} ${e.status}`);
    // The autoscaler's memory goes to its state ConfigMap, not to the workload: no PATCH of the Deployment.
    expect(loadedCalls).toEqual(['PATCH scale 409', 'GET deployment 200', 'PATCH scale 200']);
    const state = api.get('v1', 'ConfigMap', 'autoscaler', 'autoscaler-state')!['data'] as Record<string, string>;
    expect(readPersistedState(JSON.parse(state['ml.deployment.loaded']!) as Record<string, string>).lastScaleOut).toMatchObject({ from: 2, to: 6 });
    expect(conflicted).toBe(2);
    // 1 core per pod on 500m requests = 200% against 50%: ceil(2 x 4) = 8, capped at max 5.
    expect(recordOf(first, 'ml/statefulset/db')).toMatchObject({ outcome: 'scaled', from: 2, to: 5 });

    // Alarm mem-high (900Mi of 1Gi = 88% > 80%) -> next tier.
    expect(recordOf(first, 'ml/deployment/big-model')).toMatchObject({ outcome: 'resized', size: 'medium' });
    const container = (api.get('apps/v1', 'Deployment', 'ml', 'big-model')!['spec'] as { template: { spec: { containers: Array<{ resources: unknown }> } } })
      .template.spec.containers[0]!;
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } });
    // One write to the workload (the pod template and the size annotation); the memory goes to the state ConfigMap.
    expect(api.log.find('PATCH', '/apis/apps/v1/namespaces/ml/deployments/big-model').map((e) => e.headers['content-type'])).toEqual([
      'application/strategic-merge-patch+json',
    ]);
    expect(api.get('apps/v1', 'Deployment', 'ml', 'big-model')!.metadata.annotations?.['autoscaler.dev/size']).toBe('medium');
    expect(readPersistedState(JSON.parse(state['ml.deployment.big-model']!) as Record<string, string>).lastResize).toMatchObject({ from: 1, to: 1 });

    expect(recordOf(first, 'web/deployment/frontend')).toMatchObject({ outcome: 'rejected', code: 'NOT_MANAGED' });
    expect(recordOf(first, 'web/deployment/frontend')!.reason).toContain('HorizontalPodAutoscaler web/frontend');
    expect(replicas(api, 'Deployment', 'web', 'frontend')).toBe(3);

    // Idle with metrics scales in (to min 2); idle without metrics does not move.
    expect(recordOf(first, 'ml/deployment/idle')).toMatchObject({ outcome: 'scaled', from: 4, to: 2 });
    expect(replicas(api, 'Deployment', 'ml', 'idle-no-metrics')).toBe(4);
    expect(recordOf(first, 'ml/deployment/idle-no-metrics')).toBeUndefined();
    expect(replicas(api, 'Deployment', 'ml', 'not-annotated')).toBe(1);

    // A second CronJob run: the alarm history ConfigMap created by the first is read and patched.
    clock.advance(60_000);
    const second = await runCronJob({ config, kubeConfig: kubeConfigFor({ url: api.url, token: TOKEN }), clock, logger });
    expect(second.error).toBeUndefined();
    const history = (e: { method: string; path: string; body: string }): boolean =>
      e.path.endsWith('/autoscaler-alarm-history') || (e.method === 'POST' && e.path.endsWith('/configmaps') && e.body.includes('"autoscaler-alarm-history"'));
    expect(api.log.entries.filter(history).map((e) => `${e.method} ${e.status}`)).toEqual(['GET 404', 'POST 201', 'GET 200', 'PATCH 200']);
    // The state ConfigMap is read once per run, created by the first write and patched after.
    expect(api.log.entries.filter((e) => e.path.endsWith('/autoscaler-state') && e.method === 'GET').map((e) => e.status)).toEqual([404, 200]);

    // Least privilege, both ways: nothing the pass did was refused, and every granted permission was used.
    expect(api.log.entries.filter((e) => e.status === 403).map((e) => `${e.method} ${e.path}`)).toEqual([]);
    const used = [...new Set(api.audit.filter((a) => a.user === SA).map((a) => `${a.group}|${resourceKey(a)}|${a.verb}`))].sort();
    expect(used).toEqual(grantedPermissions(grants));
  });

  it('without the opt-in resize Role a resize is refused (403) and nothing else changes; a conflict outcome fails the run', async () => {
    const clock = new ManualClock(T0);
    api = await startFakeKubeApi({ clock, tokens: { [TOKEN]: SA }, authorize: rbacAuthorizer(SA, shippedGrants()) });
    applySeed(api, { ...SEED, deployments: SEED.deployments!.filter((d) => d.name === 'big-model' || d.name === 'loaded'), statefulsets: [], hpas: [] });
    clock.advance(600_000);
    // Two 409s in a row on the loaded Deployment: the orchestrator re-reads once, then gives up with `conflict`.
    api.faults.next({ ...faultStatus(409), match: (r) => r.method === 'PATCH' && r.path.endsWith('/deployments/loaded/scale'), times: 2 });
    const summary = await runCronJob({
      config: loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler' }),
      kubeConfig: kubeConfigFor({ url: api.url, token: TOKEN }),
      clock,
      logger: new MemoryLogger(),
    });
    expect(summary.ok).toBe(false);
    expect(recordOf(summary, 'ml/deployment/loaded')).toMatchObject({ outcome: 'conflict', code: 'CONFLICT' });
    const resize = recordOf(summary, 'ml/deployment/big-model')!;
    expect(resize).toMatchObject({ outcome: 'error' });
    expect(resize.reason).toMatch(/forbidden|RBAC/i);
    expect(
      (
        api.get('apps/v1', 'Deployment', 'ml', 'big-model')!['spec'] as {
          template: { spec: { containers: Array<{ resources: { requests: { cpu: string } } }> } };
        }
      ).template.spec.containers[0]!.resources.requests.cpu,
    ).toBe('500m');
    api.faults.clear();
  });

  it('policy.fallback: metrics that keep failing count up in the state ConfigMap, then move the workload out (never in)', async () => {
    const clock = new InstantClock(T0);
    api = await startFakeKubeApi({ clock });
    const FALLBACK = JSON.stringify({
      name: 'fb',
      limits: { minReplicas: 1, maxReplicas: 8 },
      fallback: { failureThreshold: 2, replicas: 5 },
      rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 70, algorithm: 'hpa' } }],
    });
    applySeed(api, {
      namespaces: ['autoscaler'],
      deployments: [{ namespace: 'ml', name: 'blind', replicas: 2, annotations: { 'autoscaler.dev/policy': FALLBACK }, load: { cpu: '0.1' } }],
    });
    await clock.sleep(600_000);
    api.setMetricsAvailable(false);
    const config = loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler' });
    const first = await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock, logger: new MemoryLogger() });
    expect(first.records).toEqual([]);
    const stored = (): PersistedState =>
      readPersistedState(
        JSON.parse((api.get('v1', 'ConfigMap', 'autoscaler', 'autoscaler-state')!['data'] as Record<string, string>)['ml.deployment.blind']!) as Record<
          string,
          string
        >,
      );
    expect(stored().metricFailures).toBe(1);
    await clock.sleep(60_000);
    const second = await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock, logger: new MemoryLogger() });
    expect(recordOf(second, 'ml/deployment/blind')).toMatchObject({ outcome: 'scaled', from: 2, to: 5 });
    expect(replicas(api, 'Deployment', 'ml', 'blind')).toBe(5);
    // Metrics back: a good read resets the count.
    api.setMetricsAvailable(true);
    await clock.sleep(60_000);
    await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock, logger: new MemoryLogger() });
    expect(stored().metricFailures).toBeUndefined();
  });

  it('denies what the shipped RBAC does not grant (the check is real)', async () => {
    const authorize = rbacAuthorizer(SA, shippedGrants());
    expect(authorize({ user: SA, verb: 'update', group: 'apps', resource: 'deployments', namespace: 'ml', name: 'x' })).not.toBe(true);
    expect(authorize({ user: SA, verb: 'get', group: '', resource: 'configmaps', namespace: 'ml', name: 'autoscaler-alarm-history' })).not.toBe(true);
    expect(authorize({ user: SA, verb: 'get', group: '', resource: 'configmaps', namespace: 'autoscaler', name: 'autoscaler-alarm-history' })).toBe(true);
    expect(authorize({ user: SA, verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'ml', name: 'x' })).not.toBe(true);
    // No write to workloads by default (a pod-template patch could run any image), nor ConfigMaps outside the autoscaler's namespace.
    expect(authorize({ user: SA, verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'ml', name: 'x' })).not.toBe(true);
    expect(authorize({ user: SA, verb: 'list', group: '', resource: 'configmaps', namespace: 'ml' })).not.toBe(true);
    expect(authorize({ user: SA, verb: 'list', group: '', resource: 'configmaps', namespace: 'autoscaler' })).toBe(true);
    // The opt-in resize Role grants patch in its own namespace only.
    const withResize = rbacAuthorizer(SA, [...shippedGrants(), ...resizeGrants()]);
    expect(withResize({ user: SA, verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'ml', name: 'x' })).toBe(true);
    expect(withResize({ user: SA, verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'web', name: 'x' })).not.toBe(true);
    api = await startFakeKubeApi();
  });

  it('loop mode: passes every interval for the loop length on the injected clock, loading and saving history once', async () => {
    const clock = new InstantClock(T0);
    api = await startFakeKubeApi({ clock });
    applySeed(api, SEED);
    await clock.sleep(600_000);
    const config = loadConfig({
      AUTOSCALER_NAMESPACE: 'autoscaler',
      AUTOSCALER_LOOP_SECONDS: '45',
      AUTOSCALER_INTERVAL_SECONDS: '15',
      AUTOSCALER_NAMESPACES: 'ml,autoscaler',
    });
    const summary = await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock, logger: new MemoryLogger() });
    expect(summary.passes).toBe(3);
    // Watching ml (and autoscaler) only: frontend in web is not seen at all.
    expect(summary.targets).toBe(6);
    expect(summary.records.find((r) => r.target === 'web/deployment/frontend')).toBeUndefined();
    expect(summary.ok).toBe(true);
    // Out by maxStep at once; 15 s later the new pods are CPU-unready and count as idle (HPA rules): 93% -> 8; then 70% holds.
    expect(summary.records.filter((r) => r.target === 'ml/deployment/loaded').map((r) => [r.from, r.to])).toEqual([
      [2, 6],
      [6, 8],
    ]);
    expect(replicas(api, 'Deployment', 'ml', 'loaded')).toBe(8);
    expect(
      api.log.entries
        .filter(
          (e) =>
            e.path.endsWith('/configmaps/autoscaler-alarm-history') ||
            (e.method === 'POST' && e.path.endsWith('/configmaps') && e.body.includes('"autoscaler-alarm-history"')),
        )
        .map((e) => e.method),
    ).toEqual(['GET', 'POST']);
    // Concurrent first writes of the state ConfigMap create it once.
    expect(api.log.entries.filter((e) => e.method === 'POST' && e.body.includes('"autoscaler-state"')).map((e) => e.status)).toEqual([201]);
    // Each pass lists per watched namespace: no per-workload GETs of unchanged workloads.
    expect(api.log.count('GET', /\/deployments\/idle$/)).toBe(0);
  });

  it('retries a throttled (429) or failing (500) cluster listing with backoff on the clock, then passes', async () => {
    const clock = new InstantClock(T0);
    api = await startFakeKubeApi({ clock });
    applySeed(api, SEED);
    await clock.sleep(600_000);
    api.faults.next({ ...faultStatus(429), match: (r) => r.path === '/apis/apps/v1/deployments' });
    api.faults.next({ ...faultStatus(500), match: (r) => r.path === '/apis/apps/v1/deployments' });
    const started = clock.now();
    const summary = await runCronJob({ config: loadConfig({}), kubeConfig: kubeConfigFor(api), clock, logger: new MemoryLogger() });
    expect(summary.error).toBeUndefined();
    expect(summary.targets).toBe(7);
    // Without AUTOSCALER_NAMESPACE (a local run) policy ConfigMaps are still found where they are.
    expect(recordOf(summary, 'ml/deployment/loaded')).toMatchObject({ outcome: 'scaled', from: 2 });
    expect(api.faults.pending).toBe(0);
    // Backoff of 500 ms then 1 s, on the injected clock.
    expect(clock.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('a run that cannot reach the apiserver ends not ok with the error, and bad configuration names the variable', async () => {
    api = await startFakeKubeApi();
    const summary = await runCronJob({
      config: loadConfig({}),
      kubeConfig: kubeConfigFor({ url: api.url, token: 'wrong' }),
      clock: new InstantClock(T0),
      logger: new MemoryLogger(),
    });
    expect(summary.ok).toBe(false);
    expect(summary.error).toContain('Unauthorized');
    expect(() => loadConfig({ AUTOSCALER_LOOP_SECONDS: '-1' })).toThrow('AUTOSCALER_LOOP_SECONDS');
    expect(() => loadConfig({ AUTOSCALER_HISTORY: 'configmap' })).toThrow('AUTOSCALER_NAMESPACE');
    expect(() => loadConfig({ AUTOSCALER_DEFAULT_POLICY: '/nope.yaml' })).toThrow('AUTOSCALER_DEFAULT_POLICY');
  });
});
