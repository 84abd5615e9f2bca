import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstantClock, ManualClock, MemoryLogger, parsePolicy, type Clock } from '@autoscaler/core';
import { applySeed, kubeConfigFor, startFakeKubeApi, startFakePrometheus, closeFakes } from '@autoscaler/sandbox-kubernetes';
import type { FakeKubeApi, FakePrometheus, FakeSeries } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob, type RunSummary } from '../src';

// The simulator's "our best" policy, read from disk as is: nothing below edits its text.
const OUR_BEST = readFileSync(join(__dirname, '../../../packages/simulator/policies/our-best.yaml'), 'utf8');

const T0 = Date.UTC(2026, 2, 6, 12, 0, 0);
const MIN = 60_000;
// Seeded pods look ten minutes old; the pass runs ten minutes after the seed.
const NOW = T0 + 10 * MIN;
const NOW_S = NOW / 1000;
const TARGET = 'ml/deployment/model-server';

/** The default `requests` query of docs/kubernetes.md, for exactly the workload's pods. */
const REQUESTS = /^sum\(rate\(http_requests_total\{namespace="ml",pod=~"model-server-\[/;

const replicasOf = (api: FakeKubeApi): number => (api.get('apps/v1', 'Deployment', 'ml', 'model-server')!['spec'] as { replicas: number }).replicas;

it('our-best.yaml parses as is, with its two rules and limits', () => {
  const policy = parsePolicy(OUR_BEST, 'our-best.yaml');
  expect(policy.name).toBe('our-best');
  expect(policy.rules.map((r) => r.name)).toEqual(['forecast', 'load-now']);
  expect(policy.limits).toMatchObject({ minReplicas: 1, maxReplicas: 100 });
});

describe('k8s-cronjob: packages/simulator/policies/our-best.yaml runs unchanged in the CronJob', () => {
  let api: FakeKubeApi;
  let prom: FakePrometheus;
  afterEach(() => closeFakes(api, prom));

  /** A cluster holding the policy in a labelled ConfigMap and model-server at `replicas`, annotated to use it. */
  async function cluster(clock: Clock, replicas: number, series: FakeSeries[]): Promise<void> {
    api = await startFakeKubeApi({ clock });
    prom = await startFakePrometheus({ series });
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [{ namespace: 'autoscaler', name: 'our-best', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': OUR_BEST } }],
      deployments: [{ namespace: 'ml', name: 'model-server', replicas, annotations: { 'autoscaler.dev/policy': 'autoscaler/our-best' }, load: { cpu: '0.2' } }],
    });
  }

  /** One CronJob pass through the app's entry, with only the Prometheus URL added to the config. */
  async function pass(clock: Clock, logger: MemoryLogger): Promise<RunSummary> {
    const summary = await runCronJob({
      config: loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler', AUTOSCALER_PROMETHEUS_URL: prom.url }),
      kubeConfig: kubeConfigFor(api),
      clock,
      logger,
    });
    expect(summary.error).toBeUndefined();
    expect(summary.records.filter((r) => r.outcome === 'rejected')).toEqual([]);
    return summary;
  }

  /** The audit record of model-server (no-action records are logged, not summarised). */
  const auditOf = (logger: MemoryLogger): { outcome: string; reason: string } => {
    const audits = logger.records.filter((r) => r.msg === 'audit' && (r['target'] as { id?: string } | undefined)?.id === TARGET);
    expect(audits).toHaveLength(1);
    return audits[0] as unknown as { outcome: string; reason: string };
  };

  it('requests flat at 3000/min for three days, then rising to 9000/min over the last hour: the forecast scales 2 -> more than the newest minute needs', async () => {
    const clock = new ManualClock(T0);
    // Flat, then a straight rise over the last hour (the value of the period evaluated at t).
    const requests = (t: number): number => (t <= NOW_S - 3600 ? 3000 : 3000 + (6000 * (t - (NOW_S - 3600))) / 3600);
    await cluster(clock, 2, [{ match: REQUESTS, value: requests }]);
    clock.advance(NOW - T0);
    const logger = new MemoryLogger();
    const summary = await pass(clock, logger);
    // One range query for the policy's metric, reaching back over the seasonal days.
    expect(prom.queries).toHaveLength(1);
    expect(prom.queries[0]).toMatch(REQUESTS);
    const record = summary.records.find((r) => r.target === TARGET);
    expect(record).toMatchObject({ outcome: 'scaled', from: 2 });
    // The newest minute (about 9000/min at 1500 per pod) needs 6: the forecast plans ahead of it.
    expect(record!.to).toBeGreaterThan(6);
    expect(record!.to).toBeLessThanOrEqual(12);
    expect(record!.reason).toMatch(/forecast requests [\d.]+\/period over \d+s .* vs target 1500\/instance: \d+ replicas/);
    expect(record!.reason).toContain(`${record!.to} replicas`);
    expect(replicasOf(api)).toBe(record!.to);
    expect(auditOf(logger)).toMatchObject({ outcome: 'scaled', reason: record!.reason });
  });

  it('Prometheus answers 503: the forecast is unavailable, the fleet of 8 is not scaled in, and the run completes', async () => {
    // Retry backoff runs on the clock: an instant one keeps the test free of waiting.
    const clock = new InstantClock(T0);
    await cluster(clock, 8, []);
    prom.faults.next({ status: 503, times: 10 });
    await clock.sleep(NOW - T0);
    const logger = new MemoryLogger();
    const summary = await pass(clock, logger);
    expect(prom.log.entries.filter((e) => e.status === 503).length).toBeGreaterThanOrEqual(1);
    expect(summary.records.find((r) => r.target === TARGET)).toBeUndefined();
    expect(replicasOf(api)).toBe(8);
    expect(logger.records.some((r) => r.msg === 'metric history read failed; predictive rule falls back')).toBe(true);
    const audit = auditOf(logger);
    expect(audit.outcome).toBe('no-action');
    expect(audit.reason).toMatch(/forecast: forecast unavailable \(history read failed: .*\); reactive rules only/);
  });

  it('a 40-minute gap in a flat 3000/min history: the forecast is unavailable and 8 replicas hold, where the same history without the gap scales in', async () => {
    const flat = (): number => 3000;
    const gap = (t: number): number | undefined => (t > NOW_S - 45 * 60 && t <= NOW_S - 5 * 60 ? undefined : 3000);

    const clock = new ManualClock(T0);
    await cluster(clock, 8, [{ match: REQUESTS, value: gap }]);
    clock.advance(NOW - T0);
    const logger = new MemoryLogger();
    const summary = await pass(clock, logger);
    expect(summary.records.find((r) => r.target === TARGET)).toBeUndefined();
    expect(replicasOf(api)).toBe(8);
    const audit = auditOf(logger);
    expect(audit.outcome).toBe('no-action');
    expect(audit.reason).toMatch(
      /forecast: forecast unavailable \(gap in the recent level window: \d+ of the last 30 periods missing \(at most 3\)\); reactive rules only/,
    );
    await api.close();
    await prom.close();

    // The control: the same cluster and history without the gap, where the forecast (3000/min needs 2-3) scales in.
    const clock2 = new ManualClock(T0);
    await cluster(clock2, 8, [{ match: REQUESTS, value: flat }]);
    clock2.advance(NOW - T0);
    const logger2 = new MemoryLogger();
    const control = (await pass(clock2, logger2)).records.find((r) => r.target === TARGET);
    expect(control).toMatchObject({ outcome: 'scaled', from: 8 });
    expect(control!.to).toBeLessThan(8);
    expect(control!.reason).toMatch(/forecast requests/);
    expect(replicasOf(api)).toBe(control!.to);
  });
});
