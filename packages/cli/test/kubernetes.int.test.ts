import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { InstantClock, TransientError, ValidationError } from '@autoscaler/core';
import { KubernetesProvider } from '@autoscaler/provider-kubernetes';
import { kubernetesCloud, runSandbox, runScale, runStatus, DEMO_SEED } from '../src/clouds/kubernetes';
import { loadKubeConfig, registerMonitorCommand } from '../src/commands/monitor';
import { registerLoadtestCommand } from '../src/commands/loadtest';
import { registerRecipeCommand } from '../src/commands/recipe';
import { captureIO } from './support';
import type { FakeKubeApi } from '@autoscaler/sandbox-kubernetes';

const TIERS = JSON.stringify([
  { name: 'small', requests: { cpu: '500m', memory: '1Gi' } },
  { name: 'large', requests: { cpu: '2', memory: '4Gi' } },
]);

describe('autoscaler sandbox k8s / scale / status k8s', () => {
  let dir: string;
  let api: FakeKubeApi | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-cli-'));
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('sandbox: starts the fake with the seed file, writes a kubeconfig (0600) that real clients use, prints its path and never the token', async () => {
    const seed = join(dir, 'seed.yaml');
    // A kubeconfig left world-readable by an earlier run is tightened, not reused as is.
    writeFileSync(join(dir, 'kubeconfig'), 'old');
    chmodSync(join(dir, 'kubeconfig'), 0o644);
    writeFileSync(
      seed,
      `deployments:\n  - namespace: ml\n    name: model-server\n    replicas: 2\n    annotations:\n      autoscaler.dev/managed: "true"\n      autoscaler.dev/tiers: '${TIERS}'\n    load: { cpu: "1.5" }\n`,
    );
    const io = captureIO();
    const sb = await runSandbox({ port: 0, seed, kubeconfigOut: join(dir, 'kubeconfig') }, { io });
    api = sb.api;
    expect(io.stdout).toEqual([`export KUBECONFIG=${sb.kubeconfig}`]);
    const yaml = readFileSync(sb.kubeconfig, 'utf8');
    expect(yaml).toContain(`server: ${sb.api.url}`);
    expect(yaml).toContain(sb.api.token);
    expect(statSync(sb.kubeconfig).mode & 0o777).toBe(0o600);
    const printed = [...io.stdout, ...io.stderr].join('\n');
    expect(printed).not.toContain(sb.api.token);
    expect(printed).not.toContain('certificate-authority-data');
    expect(io.stderr.join('\n')).toContain(`export KUBECONFIG=${sb.kubeconfig}`);
    expect(io.stderr.join('\n')).toContain('kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/ml/pods');
    const provider = new KubernetesProvider({ kube: await loadKubeConfig(sb.kubeconfig, undefined) });
    expect(await provider.describe({ provider: 'kubernetes', id: 'ml/deployment/model-server' })).toMatchObject({
      capacity: { replicas: 2, size: 'small' },
      status: 'ready',
      managed: true,
    });
    // Seeded pods look ten minutes old (past the HPA's CPU initialization period).
    const pod = sb.api.list('v1', 'Pod', 'ml')[0]!;
    expect(Date.now() - Date.parse(pod.metadata.creationTimestamp)).toBeGreaterThanOrEqual(599_000);
  });

  it('sandbox: refuses a bad seed naming the field; without a seed it serves the demo workloads', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'deployments:\n  - name: x\n    replicas: many\n');
    await expect(runSandbox({ seed: bad, kubeconfigOut: join(dir, 'k') }, { io: captureIO() })).rejects.toThrow('deployments[0].replicas');
    const io = captureIO();
    const sb = await runSandbox({ json: true, kubeconfigOut: join(dir, 'kubeconfig') }, { io });
    api = sb.api;
    expect(JSON.parse(io.stdout.join('\n')).workloads).toEqual(DEMO_SEED.deployments!.map((d) => `${d.namespace}/deployment/${d.name}`).sort());
  });

  it('scale: replicas through the scale subresource and size along the tier ladder; --json output', async () => {
    const sb = await runSandbox(
      {
        seed: (() => {
          const f = join(dir, 's.json');
          writeFileSync(f, JSON.stringify({ deployments: [{ namespace: 'ml', name: 'm', replicas: 1, annotations: { 'autoscaler.dev/tiers': TIERS } }] }));
          return f;
        })(),
        kubeconfigOut: join(dir, 'kc'),
      },
      { io: captureIO() },
    );
    api = sb.api;
    const io = captureIO();
    await runScale({ id: 'ml/deployment/m', replicas: 3, wait: true, json: true, options: { config: sb.kubeconfig } }, { io });
    // The same result shape as every cloud's scale: core's applyAndWait result.
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({
      target: { provider: 'kubernetes', id: 'ml/deployment/m' },
      from: { replicas: 1, size: 'small' },
      to: { replicas: 3, size: 'small' },
      status: 'done',
      state: { status: 'ready', capacity: { replicas: 3, size: 'small' } },
      waitedMs: expect.any(Number),
    });
    await runScale({ id: 'ml/deployment/m', size: 'large', wait: true, json: false, options: { config: sb.kubeconfig } }, { io });
    expect(io.stdout[1]).toBe('ml/deployment/m: 3 x small -> 3 x large (done)');
    expect(sb.api.log.count('PATCH', '/apis/apps/v1/namespaces/ml/deployments/m/scale')).toBe(1);
    await expect(runScale({ id: 'ml/Deployment/m', replicas: 1, wait: false, json: false, options: { config: sb.kubeconfig } }, { io })).rejects.toThrow(
      ValidationError,
    );
  });

  it('scale --wait gives up with a TransientError (as on every cloud) when the rollout never finishes', async () => {
    const sb = await runSandbox(
      { kubeconfigOut: join(dir, 'kc'), plainHttp: true /* ~300 polls: TLS handshakes would only slow the test */ },
      { io: captureIO() },
    );
    api = sb.api;
    sb.api.setRollout('ml/deployment/embeddings', 'manual');
    const clock = new InstantClock(Date.now());
    await expect(
      runScale(
        { id: 'ml/deployment/embeddings', replicas: 5, wait: true, json: false, options: {} },
        { io: captureIO(), kubeConfig: await loadKubeConfig(sb.kubeconfig, undefined), clock },
      ),
    ).rejects.toThrow(new TransientError('kubernetes:ml/deployment/embeddings was not ready at 5 before the deadline (still updating)'));
  });

  it('status k8s: annotated workloads with policy and last actions; the HPA-owned one says why it is refused', async () => {
    const sb = await runSandbox({ kubeconfigOut: join(dir, 'kc') }, { io: captureIO() });
    api = sb.api;
    // The CronJob's memory of model-server, in its state ConfigMap.
    sb.api.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'autoscaler', name: 'autoscaler-state' },
      data: { 'ml.deployment.model-server': JSON.stringify({ 'autoscaler.dev/last-scale-out': '{"at":"2026-03-01T10:00:00.000Z","from":2,"to":6}' }) },
    });
    const io = captureIO();
    const lines = await runStatus([], { kubeconfig: sb.kubeconfig, json: true }, { io });
    expect(lines[1]!.lastScaleOut).toBe('2026-03-01T10:00:00.000Z');
    expect(lines.map((l) => [l.id, l.status])).toEqual([
      ['ml/deployment/embeddings', 'ready'],
      ['ml/deployment/model-server', 'ready'],
      ['web/deployment/frontend', 'refused'],
    ]);
    expect(lines[0]!.policy).toBe('model-serving (configmap autoscaler/policies)');
    expect(lines[2]!.reason).toContain('HorizontalPodAutoscaler web/frontend');
    const one = await runStatus(['ml/deployment/model-server'], { kubeconfig: sb.kubeconfig }, { io: captureIO() });
    expect(one).toHaveLength(1);
    await expect(runStatus(['ml/nope'], { kubeconfig: sb.kubeconfig }, { io: captureIO() })).rejects.toThrow(ValidationError);
  });

  it('registers its commands with descriptions (help works) and recognises ids', async () => {
    const program = new Command('autoscaler').exitOverride();
    const out: string[] = [];
    program.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
    const parents = {
      program,
      setup: program.command('setup'),
      teardown: program.command('teardown'),
      sandbox: program.command('sandbox'),
      status: program.command('status'),
    };
    kubernetesCloud.register(parents);
    const io = captureIO();
    registerMonitorCommand(program, io);
    registerLoadtestCommand(program, io);
    registerRecipeCommand(program, io);
    for (const args of [
      ['sandbox', 'k8s', '--help'],
      ['status', 'kubernetes', '--help'],
      ['monitor', '--help'],
      ['loadtest', '--help'],
      ['recipe', '--help'],
    ]) {
      out.length = 0;
      await expect(program.parseAsync(args, { from: 'user' })).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
      expect(out.join('')).toMatch(/Usage: autoscaler/);
    }
    expect(kubernetesCloud).toMatchObject({ name: 'k8s', aliases: ['kubernetes'], provider: 'kubernetes' });
    expect(['ml/deployment/m', 'ml/statefulset/db-0'].map((id) => kubernetesCloud.matchesId!(id))).toEqual([true, true]);
    expect(['ocid1.datasciencemodeldeployment.oc1..x', 'endpoint/a/variant/b', 'ml/pod/x'].map((id) => kubernetesCloud.matchesId!(id))).toEqual([
      false,
      false,
      false,
    ]);
  });
});
