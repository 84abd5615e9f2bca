import { MemoryLogger } from '@autoscaler/core';
import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeApi } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob, type RunSummary } from '../src';
import {
  HANG_MS,
  JOB_DEADLINE_SECONDS,
  ScaledClock,
  countSecrets,
  runBadInputs,
  runK8sAdversarial,
  runTenantScenario,
  tenantKind,
} from './adversarial-scenarios';
import type { TenantScenarioResult } from './adversarial-scenarios';

const ns = (i: number): string => `tenant-${String(i).padStart(2, '0')}/deployment/model`;

describe('adversarial: 20 hostile tenants cannot stall the CronJob, and the victim in another namespace is scaled in time', () => {
  let r: TenantScenarioResult;
  beforeAll(async () => {
    r = await runTenantScenario();
  }, 60_000);

  it('the victim is scaled 2 -> 10 and the run ends before the Job deadline', () => {
    expect(r.fakeErrors).toEqual([]);
    expect(r.reasons['victim/deployment/model-server']).toMatch(/^scaled: /);
    expect(r.victimReplicas).toBe(10);
    expect(r.durationMs).toBeLessThan(JOB_DEADLINE_SECONDS * 1000);
    // Hung tenants end as errors: the Job fails loudly (exit 1) instead of looking fine.
    expect(r.summary.ok).toBe(false);
  });

  it('annotation policies with a webhook are refused naming the annotation; the webhook is never called', () => {
    for (let i = 1; i <= 20; i++) {
      if (tenantKind(i) !== 'webhook') continue;
      expect(r.reasons[ns(i)]).toMatch(/^rejected: the inline policy in annotation autoscaler\.dev\/policy sets notifications/);
    }
    expect(r.webhookCalls).toBe(0);
  });

  it("an annotation naming another namespace's ConfigMap is refused", () => {
    expect(r.reasons[ns(20)]).toBe(
      "rejected: annotation autoscaler.dev/policy names ConfigMap tenant-01/evil: only policy ConfigMaps in the autoscaler's namespace (autoscaler) can be named",
    );
  });

  it('hang-prone tenants each end within their own share of the deadline, as errors', () => {
    const hung = Array.from({ length: 20 }, (_, k) => k + 1).filter((i) => tenantKind(i) === 'hang');
    expect(hung.length).toBe(9);
    for (const i of hung) expect(r.reasons[ns(i)]).toMatch(/^error: .*(deadline|aborted)/);
  });

  it('the shipped RBAC refused nothing, and no secret reached a log line or the summary', () => {
    expect(r.forbidden).toEqual([]);
    expect(countSecrets(r.output)).toBe(0);
    // The check is real: the scenario's secrets are counted when present.
    expect(countSecrets('Bearer kube-sa-token-6f1c0a9e4b2d')).toBe(1);
  });

  it('bad inputs at every parser give typed errors, never a crash', () => {
    const bad = runBadInputs();
    expect(bad.failures).toEqual([]);
    expect(bad.tried).toBeGreaterThan(30);
  });

  it('runK8sAdversarial reports the figures bench/adversarial.ts writes', async () => {
    const figures = await runK8sAdversarial();
    expect(figures).toEqual({
      tenantIsolation: { hungTenants: 20, victimScaled: true },
      secretsInLogs: 0,
      badInputs: { tried: expect.any(Number) as number, uncaught: 0 },
    });
  }, 60_000);
});

describe('adversarial: a hung apiserver (requests that never answer in time)', () => {
  let clock: ScaledClock;
  let api: FakeKubeApi;
  beforeEach(async () => {
    clock = new ScaledClock(Date.UTC(2026, 2, 2, 9, 0, 0), 20);
    api = await startFakeKubeApi({ clock });
  });
  afterEach(async () => {
    api.faults.clear();
    await api.close();
  });

  /** One CronJob run while the requests `hung` matches get no answer for HANG_MS: the run must end before the Job deadline. */
  async function runWhileHung(hung: (r: { method: string; path: string }) => boolean): Promise<{ summary: RunSummary; logger: MemoryLogger }> {
    api.faults.next({ delayMs: HANG_MS, match: hung, times: 100 });
    const started = clock.now();
    const logger = new MemoryLogger();
    const summary = await runCronJob({
      config: loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler', AUTOSCALER_JOB_DEADLINE_SECONDS: String(JOB_DEADLINE_SECONDS) }),
      kubeConfig: kubeConfigFor(api),
      clock,
      logger,
    });
    expect(clock.now() - started).toBeLessThan(JOB_DEADLINE_SECONDS * 1000);
    return { summary, logger };
  }

  it('a cluster listing that never answers ends the run, not ok, before the Job deadline', async () => {
    const { summary } = await runWhileHung((r) => r.method === 'GET' && r.path.endsWith('/deployments'));
    expect(summary.ok).toBe(false);
    expect(summary.error).toBe('listing the cluster did not finish before the deadline');
  }, 30_000);

  it('a hung metrics.k8s.io costs each workload half its share at most; the workloads go on without samples (no action, never a scale-in) and the run stays ok', async () => {
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [
        {
          namespace: 'autoscaler',
          name: 'p',
          labels: { 'autoscaler.dev/policy': 'true' },
          data: {
            'policy.yaml':
              'name: p\nlimits: { minReplicas: 1, maxReplicas: 8 }\nrules:\n  - name: cpu\n    targetTracking: { metric: cpu, target: 70, algorithm: hpa }\n',
          },
        },
      ],
      deployments: Array.from({ length: 4 }, (_, i) => ({
        namespace: 'ml',
        name: `idle-${i}`,
        replicas: 4,
        annotations: { 'autoscaler.dev/policy': 'autoscaler/p' },
        load: { cpu: '0.1' },
      })),
    });
    const { summary, logger } = await runWhileHung((r) => r.path.startsWith('/apis/metrics.k8s.io/'));
    expect(summary).toMatchObject({ ok: true, targets: 4, outcomes: { 'no-action': 4 } });
    expect(logger.records.filter((r) => r.msg === 'pod metrics unavailable').map((r) => r['error'])).toContain('metrics.k8s.io did not answer in time');
    for (let i = 0; i < 4; i++) expect((api.get('apps/v1', 'Deployment', 'ml', `idle-${i}`)!['spec'] as { replicas: number }).replicas).toBe(4);
  }, 60_000);
});
