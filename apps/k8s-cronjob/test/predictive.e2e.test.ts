import { InstantClock, ManualClock, MemoryLogger } from '@autoscaler/core';
import { MemoryAlarmHistory } from '@autoscaler/provider-kubernetes';
import { applySeed, kubeConfigFor, startFakeKubeApi, startFakePrometheus, type FakeKubeApi, type FakePrometheus } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob } from '../src';

const T0 = Date.UTC(2026, 2, 5, 12, 0, 0);
const MIN = 60_000;

const policy = (metric: string, target: number): string =>
  `name: predictive\nlimits: { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 0, scaleIn: 600 } }\nrules:\n  - name: forecast\n    predictive: { metric: ${metric}, target: ${target} }\n`;

describe('k8s-cronjob: predictive rules read metric history in the pass', () => {
  let api: FakeKubeApi;
  let prom: FakePrometheus | undefined;
  afterEach(async () => {
    expect(api.errors).toEqual([]);
    await api.close();
    await prom?.close();
    prom = undefined;
  });

  it('with Prometheus: one query_range per workload and metric, for exactly its pods; 6000 requests/min at 600 per pod plans at least 10 pods', async () => {
    const clock = new ManualClock(T0);
    api = await startFakeKubeApi({ clock });
    prom = await startFakePrometheus({ series: [{ match: /http_requests_total\{namespace="ml",pod=~"model-server-\[/, value: () => 6000 }] });
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [
        { namespace: 'autoscaler', name: 'predictive', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': policy('requests', 600) } },
      ],
      deployments: [
        { namespace: 'ml', name: 'model-server', replicas: 2, annotations: { 'autoscaler.dev/policy': 'autoscaler/predictive' }, load: { cpu: '0.2' } },
      ],
    });
    clock.advance(600_000);
    const files: Record<string, string> = { '/var/run/prometheus/token': 'prom-t0ken-5ecret\n' };
    const config = loadConfig(
      {
        AUTOSCALER_NAMESPACE: 'autoscaler',
        AUTOSCALER_PROMETHEUS_URL: prom.url,
        AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE: '/var/run/prometheus/token',
        AUTOSCALER_PROVISIONING_SECONDS: '45',
      },
      (f) => files[f]!,
    );
    const logger = new MemoryLogger();
    const summary = await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock, logger });
    expect(summary.error).toBeUndefined();
    expect(prom.log.entries.map((e) => e.headers['authorization'])).toEqual(['Bearer prom-t0ken-5ecret']);
    expect(JSON.stringify([logger.records, summary])).not.toContain('prom-t0ken-5ecret');
    expect(() => loadConfig({ AUTOSCALER_PROMETHEUS_URL: prom!.url, AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE: '/t' }, () => 'two words')).toThrow(
      /AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE: \/t must hold one token/,
    );
    expect(() => loadConfig({ AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE: '/t' })).toThrow(/needs AUTOSCALER_PROMETHEUS_URL/);
    expect(prom.queries).toHaveLength(1);
    expect(prom.queries[0]).toContain('{namespace="ml",pod=~"model-server-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}"}');
    const record = summary.records.find((r) => r.target === 'ml/deployment/model-server');
    expect(record).toMatchObject({ outcome: 'scaled', from: 2 });
    expect(record!.to).toBeGreaterThanOrEqual(10);
    expect(record!.to).toBeLessThanOrEqual(20);
  });

  it('a failing Prometheus leaves capacity unchanged (the predictive rule falls back); the run still completes', async () => {
    // Retry backoff runs on the clock: an instant one keeps the test free of waiting.
    const clock = new InstantClock(T0);
    api = await startFakeKubeApi({ clock });
    prom = await startFakePrometheus({ series: [] });
    prom.faults.next({ status: 503, times: 10 });
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [
        { namespace: 'autoscaler', name: 'predictive', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': policy('requests', 600) } },
      ],
      deployments: [{ namespace: 'ml', name: 'model-server', replicas: 2, annotations: { 'autoscaler.dev/policy': 'autoscaler/predictive' } }],
    });
    await clock.sleep(600_000);
    const logger = new MemoryLogger();
    const summary = await runCronJob({
      config: loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler', AUTOSCALER_PROMETHEUS_URL: prom.url }),
      kubeConfig: kubeConfigFor(api),
      clock,
      logger,
    });
    expect(prom.log.entries.filter((e) => e.status === 503).length).toBeGreaterThanOrEqual(1);
    expect(summary.error).toBeUndefined();
    expect(summary.records.find((r) => r.target === 'ml/deployment/model-server')).toBeUndefined();
    expect((api.get('apps/v1', 'Deployment', 'ml', 'model-server')!['spec'] as { replicas: number }).replicas).toBe(2);
    expect(logger.records.some((r) => r.msg === 'metric history read failed; predictive rule falls back')).toBe(true);
  });

  it('without Prometheus: the per-minute history kept in the history ConfigMap feeds the forecast, and the pass records the current minute', async () => {
    const clock = new ManualClock(T0);
    api = await startFakeKubeApi({ clock });
    // Three days of a workload using 4 cores in total, as earlier CronJob runs recorded them.
    const earlier = new MemoryAlarmHistory();
    for (let t = T0 - 3 * 1440 * MIN; t < T0 + 10 * MIN; t += MIN) earlier.recordMinute('ml/deployment/model-server', 'cpu_cores_total', t + 5_000, 4);
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [
        { namespace: 'autoscaler', name: 'predictive', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': policy('cpu_cores_total', 0.5) } },
        { namespace: 'autoscaler', name: 'autoscaler-alarm-history', data: { 'history.json': earlier.serialize() } },
      ],
      deployments: [
        { namespace: 'ml', name: 'model-server', replicas: 2, annotations: { 'autoscaler.dev/policy': 'autoscaler/predictive' }, load: { cpu: '4' } },
      ],
    });
    clock.advance(10 * MIN + 30_000);
    const summary = await runCronJob({
      config: loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler' }),
      kubeConfig: kubeConfigFor(api),
      clock,
      logger: new MemoryLogger(),
    });
    expect(summary.error).toBeUndefined();
    const record = summary.records.find((r) => r.target === 'ml/deployment/model-server');
    // 4 cores at 0.5 per pod: at least 8 pods.
    expect(record).toMatchObject({ outcome: 'scaled', from: 2 });
    expect(record!.to).toBeGreaterThanOrEqual(8);
    const saved = new MemoryAlarmHistory();
    saved.restore((api.get('v1', 'ConfigMap', 'autoscaler', 'autoscaler-alarm-history')!['data'] as Record<string, string>)['history.json']);
    const minutes = saved.minutePoints('ml/deployment/model-server', 'cpu_cores_total', T0 + 10 * MIN, Infinity);
    expect(minutes).toHaveLength(1);
    expect(minutes[0]!.value).toBeCloseTo(4, 1);
  });
});
