import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { AutoscalerError, NotManagedError, ValidationError, applyAndWait, systemClock, type Clock, type TargetRef } from '@autoscaler/core';
import type { FakeKubeApi, FakeKubeSeed } from '@autoscaler/sandbox-kubernetes';
import { kubernetesProvider, loadKubeConfig } from '../commands/monitor';
import { type CliIO, processIO } from '../io';
import { readText } from '../read-input';
import { requestedCapacity } from './scale-change';
import { reportScale, scaleProgress, type ScaleResult } from './scale-report';
import type { CloudCli, ScaleRequest } from './types';
import { untilStopped } from './until-stopped';
import { textOf } from '@autoscaler/core';

/**
 * Kubernetes: `sandbox k8s`, `status k8s` and `scale <namespace>/<kind>/<name>`.
 * Commands read the kubeconfig (`--config`/`--kubeconfig`, else KUBECONFIG or ~/.kube/config).
 * The provider (and its client, most of a second to load) is loaded when a command runs.
 */
const PROVIDER = 'kubernetes';
const POLICY_ANNOTATION = 'autoscaler.dev/policy';
const fakes = (): Promise<typeof import('@autoscaler/sandbox-kubernetes')> => import('@autoscaler/sandbox-kubernetes');

/** `<namespace>/<deployment|statefulset>/<name>` by shape (the provider validates it fully before any call). */
const ID_SHAPE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/(deployment|statefulset)\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export interface KubernetesCliDeps {
  io: CliIO;
  kubeConfig?: KubeConfig;
  clock?: Clock;
}

const DEMO_POLICY = `name: model-serving
limits:
  minReplicas: 2
  maxReplicas: 20
  maxStep: 4
  cooldown: { scaleOut: 60, scaleIn: 300 }
rules:
  - name: cpu-70
    targetTracking: { metric: cpu, target: 70, algorithm: hpa }
`;

/** What the sandbox holds without `--seed`: one loaded model server, one idle, one already under an HPA. */
export const DEMO_SEED: FakeKubeSeed = {
  namespaces: ['autoscaler'],
  configMaps: [{ namespace: 'autoscaler', name: 'policies', labels: { [POLICY_ANNOTATION]: 'true' }, data: { 'policy.yaml': DEMO_POLICY } }],
  deployments: [
    {
      namespace: 'ml',
      name: 'model-server',
      replicas: 2,
      annotations: { [POLICY_ANNOTATION]: 'autoscaler/policies' },
      load: { cpu: '2.4', memoryPerPod: '700Mi' },
    },
    {
      namespace: 'ml',
      name: 'embeddings',
      replicas: 4,
      annotations: { [POLICY_ANNOTATION]: 'autoscaler/policies' },
      load: { cpu: '0.3', memoryPerPod: '300Mi' },
    },
    { namespace: 'web', name: 'frontend', replicas: 3, annotations: { [POLICY_ANNOTATION]: 'autoscaler/policies' }, load: { cpu: '1' } },
  ],
  hpas: [{ namespace: 'web', name: 'frontend', target: 'deployment/frontend', minReplicas: 2, maxReplicas: 6 }],
};

export interface SandboxFlags {
  port?: number;
  seed?: string;
  kubeconfigOut?: string;
  json?: boolean;
  /** Serve plain HTTP instead of HTTPS with a fresh self-signed certificate (kubectl then sends no token). */
  plainHttp?: boolean;
}

/** Starts the fake apiserver with seeded workloads and pod metrics, writes a kubeconfig for it (0600) and prints its path, never its token. */
export async function runSandbox(flags: SandboxFlags, deps: KubernetesCliDeps): Promise<{ api: FakeKubeApi; kubeconfig: string }> {
  const { applySeed, kubeconfigYaml, parseSeed, selfSignedCertificate, startFakeKubeApi } = await fakes();
  const seed = flags.seed === undefined ? DEMO_SEED : parseSeed(readText(flags.seed, '--seed'), flags.seed);
  // HTTPS by default: client-go (kubectl) sends the kubeconfig's token only over TLS.
  const tls = flags.plainHttp ? undefined : selfSignedCertificate();
  // Seeded pods start "ten minutes ago", past the HPA's CPU initialization period.
  let backdate = 600_000;
  const base = deps.clock ?? systemClock;
  const clock: Clock = { now: () => base.now() - backdate, sleep: (ms) => base.sleep(ms) };
  const api = await startFakeKubeApi({ clock, ...(flags.port !== undefined ? { port: flags.port } : {}), ...(tls ? { tls } : {}), maxLogEntries: 10_000 });
  try {
    applySeed(api, seed);
  } catch (e) {
    await api.close();
    throw ValidationError.field('--seed', (e as Error).message);
  }
  backdate = 0;
  const kubeconfig = resolve(flags.kubeconfigOut ?? '.autoscaler/k8s-sandbox.kubeconfig');
  mkdirSync(dirname(kubeconfig), { recursive: true });
  const yaml = kubeconfigYaml(api);
  // The kubeconfig holds the bearer token: owner-only, even when the file already existed, and never printed.
  writeFileSync(kubeconfig, yaml, { mode: 0o600 });
  chmodSync(kubeconfig, 0o600);
  const workloads = [...api.list('apps/v1', 'Deployment'), ...api.list('apps/v1', 'StatefulSet')].map(
    (o) => `${o.metadata.namespace}/${textOf(o['kind']).toLowerCase()}/${o.metadata.name}`,
  );
  if (flags.json) {
    deps.io.out(JSON.stringify({ url: api.url, kubeconfig, tls: tls !== undefined, workloads }, null, 2));
  } else {
    deps.io.out(`export KUBECONFIG=${kubeconfig}`);
    deps.io.err(
      [
        '',
        `Kubernetes sandbox (fake apiserver: apps/v1, autoscaling/v2, metrics.k8s.io; bearer token${tls ? '; self-signed certificate, trusted by the kubeconfig' : '; PLAIN HTTP: kubectl sends no token'}) on ${api.url}`,
        `kubeconfig (with the sandbox's bearer token; mode 0600) written to ${kubeconfig}`,
        ...workloads.map((w) => `  workload: ${w}`),
        '',
        'Try it:',
        `  export KUBECONFIG=${kubeconfig}`,
        '  kubectl get deployments -A',
        '  kubectl scale deployment/embeddings -n ml --replicas=3',
        '  kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/ml/pods',
        '  autoscaler status k8s',
        '  npx tsx apps/k8s-cronjob/src/main.ts        # one CronJob pass',
        '  autoscaler monitor --namespace ml --selector app=model-server --interval 5s --duration 1m',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  }
  return { api, kubeconfig };
}

async function refOf(id: string): Promise<TargetRef> {
  (await kubernetesProvider()).parseWorkloadId(id, 'id');
  return { provider: PROVIDER, id };
}

async function kubeConfigOf(options: Record<string, unknown>, deps: KubernetesCliDeps): Promise<KubeConfig> {
  if (deps.kubeConfig) return deps.kubeConfig;
  const file = (options['kubeconfig'] ?? options['config']) as string | undefined;
  return loadKubeConfig(file, options['context'] as string | undefined);
}

/**
 * `autoscaler scale <ns>/<kind>/<name> --replicas N | --size tier` through core's `applyAndWait`:
 * refused unless rolled out, applied with the resourceVersion, then (with `wait`) described until
 * rolled out at the new capacity (5 minutes at most).
 */
export async function runScale(request: ScaleRequest, deps: KubernetesCliDeps, options: { pollMs?: number; timeoutMs?: number } = {}): Promise<ScaleResult> {
  const ref = await refOf(request.id);
  const clock = deps.clock ?? systemClock;
  const { KubernetesProvider } = await kubernetesProvider();
  const provider = new KubernetesProvider({ kube: await kubeConfigOf(request.options, deps) });
  const result = await applyAndWait(provider, ref, requestedCapacity(request), {
    clock,
    wait: request.wait,
    pollMs: options.pollMs ?? 1_000,
    deadline: clock.now() + (options.timeoutMs ?? 300_000),
    onProgress: scaleProgress(deps.io, ref.id, clock),
  });
  reportScale(deps.io, request, result);
  return result;
}

export interface StatusFlags {
  config?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  /** The CronJob's namespace: its policy ConfigMaps and its state ConfigMap (default `autoscaler`). */
  autoscalerNamespace?: string;
  json?: boolean;
}

export interface StatusLine {
  id: string;
  replicas?: number;
  size?: string;
  status: string;
  reason?: string;
  policy?: string;
  lastScaleOut?: string;
  lastScaleIn?: string;
  lastResize?: string;
}

const when = (at: number | undefined): string | undefined => (at === undefined ? undefined : new Date(at).toISOString());

/** The annotated workloads (or the given ids): capacity, rollout status, policy, last actions, HPA refusals. */
export async function runStatus(ids: readonly string[], flags: StatusFlags, deps: KubernetesCliDeps): Promise<StatusLine[]> {
  const { ClusterSnapshot, ConfigMapStateStore, KubeApi, KubernetesProvider, discoverTargets, parseWorkloadId } = await kubernetesProvider();
  const api = new KubeApi(await kubeConfigOf(flags as Record<string, unknown>, deps));
  // What the CronJob sees: policies from its namespace, its memory in its state ConfigMap (annotations when that is missing).
  const home = flags.autoscalerNamespace ?? 'autoscaler';
  parseWorkloadId(`${home}/deployment/x`, '--autoscaler-namespace');
  let stateStore: InstanceType<typeof ConfigMapStateStore> | undefined = new ConfigMapStateStore(api, home);
  try {
    await stateStore.load();
  } catch (e) {
    if (!(e instanceof AutoscalerError) || e.code !== 'PROVIDER') throw e;
    deps.io.err(`cannot read ConfigMap ${home}/autoscaler-state (${e.message}); last actions come from annotations`);
    stateStore = undefined;
  }
  const provider = new KubernetesProvider({ kube: api, ...(stateStore ? { stateStore } : {}) });
  let targets: Array<{ id: string; policy?: string; problem?: string }>;
  if (ids.length > 0) targets = await Promise.all(ids.map(async (id) => ({ id: (await refOf(id)).id })));
  else {
    const snapshot = await ClusterSnapshot.take(api, {
      ...(flags.namespace && flags.namespace.length > 0 ? { namespaces: flags.namespace } : {}),
      policyNamespaces: [home],
    });
    targets = discoverTargets(snapshot, { policyNamespace: home }).targets.map((t) => ({
      id: t.ref.id,
      ...(t.policy ? { policy: `${t.policy.name} (${t.policySource})` } : {}),
      ...(t.problem ? { problem: t.problem } : {}),
    }));
  }
  const lines: StatusLine[] = [];
  for (const t of targets) {
    try {
      const s = await provider.describe({ provider: PROVIDER, id: t.id });
      const line: StatusLine = { id: t.id, replicas: s.capacity.replicas, status: s.status };
      if (s.capacity.size) line.size = s.capacity.size;
      if (s.reason) line.reason = s.reason;
      if (t.policy) line.policy = t.policy;
      if (t.problem) line.reason = `policy problem: ${t.problem}`;
      const out = when(s.persisted.lastScaleOut?.at);
      const inn = when(s.persisted.lastScaleIn?.at);
      const rs = when(s.persisted.lastResize?.at);
      if (out) line.lastScaleOut = out;
      if (inn) line.lastScaleIn = inn;
      if (rs) line.lastResize = rs;
      lines.push(line);
    } catch (e) {
      if (!(e instanceof NotManagedError)) throw e;
      lines.push({ id: t.id, status: 'refused', reason: e.message });
    }
  }
  if (flags.json) deps.io.out(JSON.stringify(lines, null, 2));
  else if (lines.length === 0) deps.io.out(`no workload is annotated ${POLICY_ANNOTATION} or autoscaler.dev/managed`);
  else
    for (const l of lines) {
      deps.io.out(
        `${l.id}  ${l.replicas ?? '-'} replicas${l.size ? ` x ${l.size}` : ''}  ${l.status}${l.policy ? `  policy ${l.policy}` : ''}${l.lastScaleOut ? `  last out ${l.lastScaleOut}` : ''}${l.lastScaleIn ? `  last in ${l.lastScaleIn}` : ''}`,
      );
      if (l.reason) deps.io.out(`    ${l.reason}`);
    }
  return lines;
}

function portFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw ValidationError.field('--port', `"${v}" is not a port number`);
  return n;
}

export const kubernetesCloud: CloudCli = {
  name: 'k8s',
  aliases: ['kubernetes'],
  provider: PROVIDER,
  register({ sandbox, status }) {
    const io = processIO;
    sandbox
      .command('k8s')
      .alias('kubernetes')
      .description(
        'Start a local fake Kubernetes apiserver over HTTPS (Deployments, scale, HPAs, metrics.k8s.io; bearer token) with seeded workloads and pod metrics, and write a kubeconfig for it that kubectl can use',
      )
      .option('--port <n>', 'port to listen on (default: a free one)')
      .option('--seed <file>', 'YAML/JSON seed (deployments, statefulsets, hpas, configMaps, objects) or a multi-document manifest')
      .option('--kubeconfig-out <file>', 'where to write the kubeconfig', '.autoscaler/k8s-sandbox.kubeconfig')
      .option('--plain-http', 'serve plain HTTP instead of HTTPS with a self-signed certificate; kubectl then sends no token and gets 401')
      .option('--json', 'print the URL, kubeconfig path and workloads as JSON')
      .action(async (o: { port?: string; seed?: string; kubeconfigOut?: string; json?: boolean; plainHttp?: boolean }) => {
        const port = portFlag(o.port);
        const { api } = await runSandbox(
          {
            ...(port !== undefined ? { port } : {}),
            ...(o.seed ? { seed: o.seed } : {}),
            ...(o.kubeconfigOut ? { kubeconfigOut: o.kubeconfigOut } : {}),
            ...(o.json ? { json: true } : {}),
            ...(o.plainHttp ? { plainHttp: true } : {}),
          },
          { io },
        );
        await untilStopped(() => api.close());
      });
    status
      .command('k8s')
      .alias('kubernetes')
      .description(
        'Show replicas, tier, rollout status, policy and last actions of annotated workloads (or the given ids); HPA-owned ones show why they are refused',
      )
      .argument('[ids...]', '<namespace>/<deployment|statefulset>/<name> (default: every annotated workload)')
      .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context')
      .option('--namespace <ns...>', 'only these namespaces')
      .option('--autoscaler-namespace <ns>', "the CronJob's namespace (its policy and state ConfigMaps)", 'autoscaler')
      .option('--json', 'print JSON')
      .action(async (ids: string[], o: StatusFlags) => {
        await runStatus(ids, o, { io });
      });
  },
  matchesId: (id) => ID_SHAPE.test(id),
  scale: async (request) => {
    await runScale(request, { io: processIO });
  },
};
