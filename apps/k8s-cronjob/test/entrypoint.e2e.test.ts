import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { applySeed, kubeconfigYaml, startFakeKubeApi, type FakeKubeApi } from '@autoscaler/sandbox-kubernetes';

const ROOT = join(__dirname, '..', '..', '..');

/** The container's entrypoint, bundled the way the Dockerfile bundles it, run as a process against the fake. */
describe('the bundled entrypoint (what the container runs)', () => {
  let dir: string;
  let bundle: string;
  let api: FakeKubeApi;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-cronjob-'));
    bundle = join(dir, 'main.js');
    buildSync({
      entryPoints: [join(__dirname, '..', 'src', 'main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      tsconfig: join(ROOT, 'tsconfig.base.json'),
      outfile: bundle,
      logLevel: 'silent',
    });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => api.close());

  function run(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [bundle], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 30_000 }, (error, stdout) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout });
      });
    });
  }

  it('reads KUBECONFIG, runs one pass, prints a JSON summary and exits 0; a refused workload makes it exit 1', async () => {
    api = await startFakeKubeApi();
    const policy = JSON.stringify({
      name: 'aws-cpu',
      limits: { maxReplicas: 6, cooldown: { scaleOut: 0, scaleIn: 0 } },
      rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 60 } }],
    });
    applySeed(api, {
      deployments: [{ namespace: 'ml', name: 'model-server', replicas: 2, annotations: { 'autoscaler.dev/policy': policy }, load: { cpu: '2' } }],
    });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(api));
    const ok = await run({ KUBECONFIG: kubeconfig, AUTOSCALER_LOG_LEVEL: 'error' });
    const summary = JSON.parse(ok.stdout.trim().split('\n').at(-1)!) as {
      ok: boolean;
      passes: number;
      outcomes: Record<string, number>;
      records: Array<{ target: string; from: number; to: number }>;
    };
    expect(ok.code).toBe(0);
    expect(summary).toMatchObject({ ok: true, passes: 1, outcomes: { scaled: 1 }, records: [{ target: 'ml/deployment/model-server', from: 2, to: 6 }] });
    expect((api.get('apps/v1', 'Deployment', 'ml', 'model-server')!['spec'] as { replicas: number }).replicas).toBe(6);

    applySeed(api, {
      deployments: [{ namespace: 'web', name: 'frontend', annotations: { 'autoscaler.dev/policy': policy } }],
      hpas: [{ namespace: 'web', name: 'frontend', target: 'deployment/frontend', maxReplicas: 3 }],
    });
    const refused = await run({ KUBECONFIG: kubeconfig, AUTOSCALER_LOG_LEVEL: 'error' });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: false, outcomes: { rejected: 1 } });
    // Two Node processes on a shared 2-core machine: seconds each under load.
  }, 60_000);

  it('exits 1 with a JSON error naming the variable on bad configuration, before any API call', async () => {
    api = await startFakeKubeApi();
    const r = await run({ AUTOSCALER_INTERVAL_SECONDS: 'soon' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: expect.stringContaining('AUTOSCALER_INTERVAL_SECONDS') });
    expect(api.log.entries).toEqual([]);
  }, 60_000);
});
