import { ManualClock, MemoryLogger, decide, hpaReplicas, validatePolicy, type Policy, type Signal, type TargetState } from '@autoscaler/core';
import { startFakeServer, type FakeServer } from '@autoscaler/testing';
import { ClusterSnapshot, ConfigMapAlarmHistory, KubeApi, MetricsServerAlarmSource } from '../src';
import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, closeFakes } from '@autoscaler/sandbox-kubernetes';
import { requestsSince } from './support';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const ref = { provider: 'kubernetes', id: 'ml/deployment/model-server' };
const hpaPolicy = (target = 80): Policy =>
  validatePolicy({
    name: 'hpa',
    targets: [ref],
    limits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 0 } },
    rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target, algorithm: 'hpa' } }],
  });
const values = (signals: Signal[]): Record<string, number> =>
  Object.fromEntries(signals.filter((s) => s.state === 'value').map((s) => [s.metric, Math.round(s.value! * 1000) / 1000]));
const stateOf = (replicas: number): TargetState => ({
  ref,
  capacity: { replicas },
  status: 'ready',
  managed: true,
  persisted: { dedupeKeys: [], recommendations: [] },
});

describe('metrics-server alarm source: poll over the fake apiserver', () => {
  let api: FakeKubeApi;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(T0);
    api = await startFakeKubeApi({
      clock,
      seed: {
        deployments: [
          {
            namespace: 'ml',
            name: 'model-server',
            replicas: 2,
            containers: [{ name: 'server', requests: { cpu: '500m', memory: '1Gi' } }],
            load: { cpu: '1.6', memoryPerPod: '512Mi' },
          },
        ],
      },
    });
  });
  afterEach(() => closeFakes(api));

  it('measures utilization (percent of requests) and mean usage per pod, with three calls and a stable dedupe key per 15 s', async () => {
    const source = new MetricsServerAlarmSource({ kube: kubeConfigFor(api) });
    const before = api.log.entries.length;
    const signals = await source.poll(ref, clock.now());
    expect(values(signals)).toEqual({ cpu: 160, memory: 50, cpu_cores: 0.8, memory_bytes: 512 * 2 ** 20 });
    expect(api.log.entries.slice(before).map((e) => `${e.method} ${decodeURIComponent(e.url)}`)).toEqual([
      'GET /apis/apps/v1/namespaces/ml/deployments/model-server',
      'GET /api/v1/namespaces/ml/pods?labelSelector=app=model-server&limit=500',
      'GET /apis/metrics.k8s.io/v1beta1/namespaces/ml/pods?labelSelector=app=model-server',
    ]);
    clock.advance(5_000);
    const again = await source.poll(ref, clock.now());
    expect(again.map((s) => s.dedupeKey)).toEqual(signals.map((s) => s.dedupeKey));
    clock.advance(15_000);
    expect((await source.poll(ref, clock.now()))[0]!.dedupeKey).not.toBe(signals[0]!.dedupeKey);
  });

  it('HPA-style target tracking: decide runs the HPA replica calculator on the per-pod samples the poll hands over', async () => {
    const policy = hpaPolicy(80);
    const source = new MetricsServerAlarmSource({ kube: kubeConfigFor(api) });
    // Just-started pods are CPU-unready for the HPA (samples inside the 300 s initialization period): it holds.
    const early = await source.poll(ref, clock.now());
    expect(early.find((s) => s.metric === 'cpu')).toMatchObject({ value: 160, dimensions: { pods: '2/2', resource: 'cpu' } });
    expect(early.find((s) => s.metric === 'cpu')!.samples).toHaveLength(2);
    expect(decide(policy, stateOf(2), early, {}, clock.now()).to.replicas).toBe(2);
    clock.advance(600_000);
    const signals = await source.poll(ref, clock.now());
    // Upstream: usage ratio 160/80 = 2 over 2 ready pods -> ceil(2 * 2) = 4.
    const expected = hpaReplicas({
      currentReplicas: 2,
      target: { type: 'Utilization', averageUtilization: 80, resource: 'cpu' },
      pods: [
        { name: 'a', phase: 'Running', request: 500, usage: 800 },
        { name: 'b', phase: 'Running', request: 500, usage: 800 },
      ],
      now: clock.now(),
    }).replicas;
    expect(expected).toBe(4);
    expect(decide(policy, stateOf(2), signals, {}, clock.now()).to.replicas).toBe(expected);
    // Within the HPA tolerance (160% against a 155% target: ratio 1.03): hold.
    expect(decide(hpaPolicy(155), stateOf(2), signals, {}, clock.now()).to.replicas).toBe(2);
  });

  it('missing metrics never cause a scale-in: hidden workload, metrics API down, or some pods unsampled at low load', async () => {
    const logger = new MemoryLogger();
    const policy = validatePolicy({
      name: 'p',
      targets: [ref],
      limits: { minReplicas: 1, maxReplicas: 20 },
      rules: [
        { name: 'cpu', targetTracking: { metric: 'cpu', target: 60 } },
        { name: 'low', threshold: { metric: 'memory', below: 30, change: -1 } },
      ],
    });
    const source = new MetricsServerAlarmSource({ kube: kubeConfigFor(api), logger });
    api.setLoad('ml/deployment/model-server', { cpuCores: 0.1 });
    expect(values(await source.poll(ref, clock.now()))).toMatchObject({ cpu: 10, memory: 50 });
    expect(decide(policy, stateOf(2), await source.poll(ref, clock.now()), {}, clock.now()).to.replicas).toBe(1);

    api.hideMetrics('ml/deployment/model-server');
    expect(await source.poll(ref, clock.now())).toEqual([]);
    api.hideMetrics('ml/deployment/model-server', false);

    api.setMetricsAvailable(false);
    expect(await source.poll(ref, clock.now())).toEqual([]);
    expect(logger.records.some((r) => r.msg === 'pod metrics unavailable' && String(r['error']).includes('currently unable to handle the request'))).toBe(true);
    api.setMetricsAvailable(true);

    // One of two pods unsampled: at low load the readings are scale-out only and nothing scales in;
    // at high load the reading counting it idle still justifies scaling out.
    const pod = api.list('v1', 'Pod', 'ml')[0]!.metadata.name;
    api.hideMetrics(`ml/${pod}`);
    const low = await source.poll(ref, clock.now());
    expect(low.length).toBeGreaterThan(0);
    expect(low.every((s) => s.scaleOutOnly === true)).toBe(true);
    expect(decide(policy, stateOf(2), low, {}, clock.now()).to.replicas).toBe(2);
    api.setLoad('ml/deployment/model-server', { cpuCores: 3 });
    // 1.5 cores on the sampled pod over 1 core of requests on both pods: 150%.
    expect(values(await source.poll(ref, clock.now()))).toMatchObject({ cpu: 150 });
    const d = decide(policy, stateOf(2), await source.poll(ref, clock.now()), {}, clock.now());
    expect(d.direction).toBe('out');
  });

  it('with unsampled pods, HPA-style tracking holds where the HPA would scale in, and still scales out', async () => {
    api.put({
      ...api.get('apps/v1', 'Deployment', 'ml', 'model-server')!,
      spec: { ...(api.get('apps/v1', 'Deployment', 'ml', 'model-server')!['spec'] as object), replicas: 4 },
    });
    const source = new MetricsServerAlarmSource({ kube: kubeConfigFor(api) });
    clock.advance(600_000);
    api.setLoad('ml/deployment/model-server', { cpuCores: 0.4 });
    api.hideMetrics(`ml/${api.list('v1', 'Pod', 'ml')[0]!.metadata.name}`);
    const low = await source.poll(ref, clock.now());
    // The HPA alone would scale in (it counts the missing pod at 100% only when scaling out).
    const cpu = low.find((s) => s.metric === 'cpu')!;
    expect(
      hpaReplicas({ currentReplicas: 4, target: { type: 'Utilization', averageUtilization: 80, resource: 'cpu' }, pods: [...cpu.samples!], now: clock.now() })
        .replicas,
    ).toBeLessThan(4);
    expect(decide(hpaPolicy(80), stateOf(4), low, {}, clock.now()).to.replicas).toBe(4);
    api.setLoad('ml/deployment/model-server', { cpuCores: 8 });
    const out = await source.poll(ref, clock.now());
    expect(decide(hpaPolicy(80), stateOf(4), out, {}, clock.now()).to.replicas).toBeGreaterThan(4);
  });

  it('evaluates windowed alarms from the annotation: 2 of 3 one-minute datapoints above 80%', async () => {
    const d = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    api.put({
      ...d,
      metadata: {
        ...d.metadata,
        annotations: {
          'autoscaler.dev/alarms': JSON.stringify([
            { name: 'high-cpu', metric: 'cpu', comparison: 'above', threshold: 80, periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2 },
          ]),
        },
      },
    });
    const source = new MetricsServerAlarmSource({ kube: kubeConfigFor(api) });
    const fired: Signal[][] = [];
    for (const load of [1.6, 0.4, 0.4, 1.6, 1.6]) {
      api.setLoad('ml/deployment/model-server', { cpuCores: load });
      fired.push((await source.poll(ref, clock.now())).filter((s) => s.state === 'firing'));
      clock.advance(60_000);
    }
    expect(fired.map((f) => f.length)).toEqual([0, 0, 0, 0, 1]);
    expect(fired[4]![0]).toMatchObject({
      alarm: 'high-cpu',
      metric: 'cpu',
      value: 160,
      threshold: 80,
      dedupeKey: `metrics-server:ml/deployment/model-server:high-cpu:${T0 + 4 * 60_000}`,
      dimensions: { datapoints: '2/3' },
    });
  });

  it('in a pass, pods and metrics are listed once per namespace whatever the number of workloads', async () => {
    applySeed(api, { deployments: Array.from({ length: 12 }, (_, i) => ({ namespace: i % 2 ? 'ml' : 'web', name: `w-${i}` })) });
    const kube = new KubeApi(kubeConfigFor(api));
    const snapshot = await ClusterSnapshot.take(kube);
    const source = new MetricsServerAlarmSource({ kube });
    source.usePass(snapshot);
    const before = api.log.entries.length;
    for (let i = 0; i < 12; i++)
      expect(values(await source.poll({ provider: 'kubernetes', id: `${i % 2 ? 'ml' : 'web'}/deployment/w-${i}` }, clock.now()))['cpu']).toBe(10);
    expect(requestsSince(api, before)).toEqual([
      'GET /api/v1/namespaces/ml/pods',
      'GET /api/v1/namespaces/web/pods',
      'GET /apis/metrics.k8s.io/v1beta1/namespaces/ml/pods',
      'GET /apis/metrics.k8s.io/v1beta1/namespaces/web/pods',
    ]);
  });

  it('keeps alarm history in one ConfigMap across runs: one read and one write per pass', async () => {
    const kube = new KubeApi(kubeConfigFor(api));
    applySeed(api, { namespaces: ['autoscaler'] });
    const alarms = [{ name: 'high-cpu', metric: 'cpu', comparison: 'above' as const, threshold: 80, evaluationPeriods: 2, datapointsToAlarm: 2 }];
    let firing = 0;
    for (let run = 0; run < 2; run++) {
      const history = new ConfigMapAlarmHistory(kube, 'autoscaler');
      const before = api.log.entries.length;
      await history.load();
      const source = new MetricsServerAlarmSource({ kube, history, alarms });
      firing += (await source.poll(ref, clock.now())).filter((s) => s.state === 'firing').length;
      await history.save();
      const calls = api.log.entries
        .slice(before)
        .filter((e) => e.path.includes('configmaps'))
        .map((e) => e.method);
      expect(calls).toEqual(run === 0 ? ['GET', 'POST'] : ['GET', 'PATCH']);
      clock.advance(60_000);
    }
    // Two CronJob runs, two breaching minutes: the second run sees the first run's datapoint.
    expect(firing).toBe(1);
  });

  describe('Prometheus instant queries', () => {
    let prom: FakeServer;
    afterEach(async () => prom.close());

    it('adds the query value as a signal, with $namespace/$name substituted, and skips a failing Prometheus', async () => {
      prom = await startFakeServer((req) => {
        if (req.path !== '/api/v1/query') return { status: 404, body: {} };
        const q = req.query.get('query') ?? '';
        if (q.includes('broken')) return { status: 503, body: 'down' };
        return {
          body: {
            status: 'success',
            data: {
              resultType: 'vector',
              result: [
                { metric: { pod: 'a' }, value: [T0 / 1000, '0.25'] },
                { metric: { pod: 'b' }, value: [T0 / 1000, '0.15'] },
              ],
            },
          },
        };
      });
      const logger = new MemoryLogger();
      const source = new MetricsServerAlarmSource({
        kube: kubeConfigFor(api),
        logger,
        prometheus: {
          url: prom.url,
          queries: [
            {
              metric: 'latency_p95_seconds',
              query: 'histogram_quantile(0.95, sum by (le, pod) (rate(http_request_duration_seconds_bucket{namespace="$namespace", deployment="$name"}[1m])))',
            },
          ],
        },
      });
      expect(values(await source.poll(ref, clock.now()))['latency_p95_seconds']).toBe(0.4);
      expect(prom.log.entries[0]!.url).toContain(encodeURIComponent('namespace="ml", deployment="model-server"').replace(/%20/g, '+'));
      const broken = new MetricsServerAlarmSource({
        kube: kubeConfigFor(api),
        logger,
        prometheus: { url: prom.url, queries: [{ metric: 'x', query: 'broken' }] },
      });
      expect(values(await broken.poll(ref, clock.now()))['x']).toBeUndefined();
      expect(logger.records.some((r) => r.msg === 'prometheus query failed')).toBe(true);
    });
  });
});
