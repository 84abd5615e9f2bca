import { MemoryLogger } from '@autoscaler/core';
import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, closeFakes } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob } from '../src';
import { ScaledClock } from './adversarial-scenarios';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const SECRET = 'T0K3Nin-the-path';
const POLICY = `name: notify\nlimits: { minReplicas: 1, maxReplicas: 8, cooldown: { scaleOut: 0, scaleIn: 300 } }\nrules:\n  - name: cpu-70\n    targetTracking: { metric: cpu, target: 70, algorithm: hpa }\nnotifications:\n  - { type: webhook, url: "https://hooks.slack.com/services/T0/B0/${SECRET}", format: slack }\n`;

describe("notifications from the operator's policies", () => {
  let api: FakeKubeApi;
  afterEach(() => closeFakes(api));

  it("go out after all the pass's scaling work, once, with a short timeout: a webhook that never answers costs 3 s, not a workload's share", async () => {
    const clock = new ScaledClock(T0, 20);
    api = await startFakeKubeApi({ clock });
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [{ namespace: 'autoscaler', name: 'notify', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': POLICY } }],
      deployments: Array.from({ length: 6 }, (_, i) => ({
        namespace: 'ml',
        name: `w${i}`,
        replicas: 2,
        annotations: { 'autoscaler.dev/policy': 'autoscaler/notify' },
        load: { cpu: '3' },
      })),
    });
    const callsAt: number[] = [];
    const neverAnswers = ((): Promise<Response> => {
      callsAt.push(api.log.entries.length);
      return new Promise<Response>(() => undefined);
    }) as unknown as typeof fetch;
    const logger = new MemoryLogger();
    const runClock = { now: () => clock.now() + 600_000, sleep: (ms: number) => clock.sleep(ms) };
    const started = runClock.now();
    // One worker: without deferral, every workload after the first would wait for the webhook before its turn.
    const config = loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler', AUTOSCALER_JOB_DEADLINE_SECONDS: '58', AUTOSCALER_CONCURRENCY: '1' });
    const summary = await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock: runClock, logger, fetch: neverAnswers });
    const took = runClock.now() - started;
    expect(summary.outcomes).toEqual({ scaled: 6 });
    expect(callsAt).toHaveLength(6);
    const lastScale = api.log.entries.map((e, i) => (e.method === 'PATCH' && e.path.endsWith('/scale') ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    expect(Math.min(...callsAt)).toBeGreaterThan(lastScale);
    // The batch waits 3 s (virtual) once; the run is nowhere near the 53 s budget.
    expect(took).toBeGreaterThanOrEqual(3_000);
    expect(took).toBeLessThan(20_000);
    const failures = logger.records.filter((r) => r.msg === 'notification failed');
    expect(failures).toHaveLength(6);
    // Timed out by the orchestrator's short notification budget; the URL's token redacted.
    expect(String(failures[0]!['error'])).toMatch(
      /^(notification webhook https:\/\/hooks\.slack\.com\/… did not finish before the deadline|no time left for notification webhook https:\/\/hooks\.slack\.com\/…)/,
    );
    expect(JSON.stringify([logger.records, summary])).not.toContain(SECRET);
  }, 30_000);
});
