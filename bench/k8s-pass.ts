/**
 * One Kubernetes CronJob pass over 1,000 annotated Deployments in 50 namespaces
 * against the fake apiserver, through the real client: wall time, API calls,
 * peak memory. Next to it, in the same run and on an identical fresh cluster,
 * the naive pass a first version would make (GET each workload and list its
 * HPAs, pods and pod metrics one workload at a time), so the figures compare
 * as ratios.
 *
 * Both passes run from the esbuild bundle (as the container runs the app), each
 * in a fresh node process; the fake runs in a third process, so peak RSS is the
 * pass's own.
 * Run: `npx tsx bench/k8s-pass.ts`. Writes bench/results/k8s-pass.json.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { Autoscaler, silentLogger, systemClock, type AuditRecord, type Clock } from '@autoscaler/core';
import {
  ClusterSnapshot,
  ConfigMapAlarmHistory,
  KubeApi,
  KubernetesProvider,
  MetricsServerAlarmSource,
  discoverTargets,
} from '@autoscaler/provider-kubernetes';
import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeSeed } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob, PassPolicies } from '../apps/k8s-cronjob/src';

const NAMESPACES = Number(process.env['NAMESPACES'] ?? 50);
const PER_NAMESPACE = Number(process.env['PER_NAMESPACE'] ?? 20);

const POLICY = `name: model-serving
limits: { minReplicas: 2, maxReplicas: 20, maxStep: 4, cooldown: { scaleOut: 60, scaleIn: 300 } }
rules:
  - name: cpu-70
    targetTracking: { metric: cpu, target: 70, algorithm: hpa }
`;

/** 1 in 20 loaded (scales out), 1 in 20 idle (scales in), 1 HPA-owned per 5 namespaces (refused), the rest on target (hold). */
function seed(namespaces: number, perNamespace: number): FakeKubeSeed {
  const deployments: NonNullable<FakeKubeSeed['deployments']> = [];
  const hpas: NonNullable<FakeKubeSeed['hpas']> = [];
  for (let n = 0; n < namespaces; n++) {
    for (let i = 0; i < perNamespace; i++) {
      const k = n * perNamespace + i;
      const loaded = k % 20 === 0;
      const idle = k % 20 === 1;
      deployments.push({
        namespace: `team-${n}`,
        name: `model-${i}`,
        replicas: idle ? 4 : 2,
        annotations: { 'autoscaler.dev/policy': 'autoscaler/policies' },
        load: { cpu: loaded ? '1.6' : idle ? '0.1' : '0.7', memoryPerPod: '600Mi' },
      });
    }
    if (n % 5 === 0) hpas.push({ namespace: `team-${n}`, name: 'model-2', target: 'deployment/model-2', maxReplicas: 5 });
  }
  return {
    namespaces: ['autoscaler'],
    configMaps: [{ namespace: 'autoscaler', name: 'policies', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': POLICY } }],
    deployments,
    hpas,
  };
}

// ---- the fake, in its own process ------------------------------------------------------------

async function serve(): Promise<void> {
  const namespaces = Number(process.argv[3]);
  const perNamespace = Number(process.argv[4]);
  // Seeded pods "started" ten minutes ago, past the HPA's CPU initialization period.
  let backdate = 600_000;
  const clock: Clock = { now: () => Date.now() - backdate, sleep: (ms) => systemClock.sleep(ms) };
  const api = await startFakeKubeApi({ clock });
  applySeed(api, seed(namespaces, perNamespace));
  backdate = 0;
  const base = api.log.entries.length;
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'count')
      process.send!({
        calls: api.log.entries.length - base,
        writes: api.log.entries.slice(base).filter((e) => e.method !== 'GET').length,
        conflicts: api.log.entries.slice(base).filter((e) => e.status === 409).length,
      });
    if (m.cmd === 'exit') void api.close().then(() => process.exit(0));
  });
  process.send!({ url: api.url, token: api.token });
}

interface Fake {
  url: string;
  token: string;
  child: ChildProcess;
  count(): Promise<{ calls: number; writes: number; conflicts: number }>;
  stop(): void;
}

function startFake(namespaces: number, perNamespace: number): Promise<Fake> {
  const child = fork(bundle, ['--serve', String(namespaces), String(perNamespace)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  return new Promise((resolve) => {
    child.once('message', (m: { url: string; token: string }) =>
      resolve({
        ...m,
        child,
        count: () =>
          new Promise((r) => {
            child.once('message', r as (v: unknown) => void);
            child.send({ cmd: 'count' });
          }),
        stop: () => child.send({ cmd: 'exit' }),
      }),
    );
  });
}

// ---- the two passes ----------------------------------------------------------------------------

/** The shipped CronJob run (one pass, alarm history in a ConfigMap). */
async function ourPass(fake: Fake): Promise<AuditRecord['outcome'][]> {
  const config = loadConfig({
    AUTOSCALER_NAMESPACE: 'autoscaler',
    ...(process.env['AUTOSCALER_CONCURRENCY'] ? { AUTOSCALER_CONCURRENCY: process.env['AUTOSCALER_CONCURRENCY'] } : {}),
  });
  const summary = await runCronJob({ config, kubeConfig: kubeConfigFor(fake), logger: silentLogger });
  if (summary.error) throw new Error(summary.error);
  const outcomes: AuditRecord['outcome'][] = [];
  for (const [k, n] of Object.entries(summary.outcomes)) for (let i = 0; i < (n ?? 0); i++) outcomes.push(k as AuditRecord['outcome']);
  return outcomes;
}

/** The naive pass: list to discover, then per workload GET it, list its HPAs, its pods and its pod metrics. */
async function naivePass(fake: Fake): Promise<AuditRecord['outcome'][]> {
  const api = new KubeApi(kubeConfigFor(fake));
  const history = new ConfigMapAlarmHistory(api, 'autoscaler');
  await history.load();
  const policies = new PassPolicies();
  const provider = new KubernetesProvider({ kube: api });
  const source = new MetricsServerAlarmSource({ kube: api, history });
  const autoscaler = new Autoscaler({ providers: [provider], sources: [source], policies, retry: { attempts: 3, baseDelayMs: 500 } });
  const discovery = discoverTargets(await ClusterSnapshot.take(api));
  policies.current = discovery.policies;
  const outcomes: AuditRecord['outcome'][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < discovery.targets.length) {
        const t = discovery.targets[next++]!;
        outcomes.push((await autoscaler.evaluate(t.ref, await source.poll(t.ref, Date.now()))).outcome);
      }
    }),
  );
  await history.save();
  return outcomes;
}

interface RunReport {
  wallMs: number;
  maxRssMb: number;
  rssBeforeMb: number;
  outcomes: Record<string, number>;
}

/** In a fresh process of the bundle: one pass against the fake at argv[4]/argv[5]; prints a RunReport. */
async function runOne(variant: string, url: string, token: string): Promise<void> {
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const fake = { url, token } as Fake;
  const t0 = performance.now();
  const outcomes = await (variant === 'ours' ? ourPass(fake) : naivePass(fake));
  const wallMs = performance.now() - t0;
  const byOutcome: Record<string, number> = {};
  for (const o of outcomes) byOutcome[o] = (byOutcome[o] ?? 0) + 1;
  // maxRSS (KiB): the process's peak resident set, module loading included.
  const report: RunReport = {
    wallMs: Math.round(wallMs),
    maxRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    rssBeforeMb: Math.round(rssBeforeMb * 10) / 10,
    outcomes: byOutcome,
  };
  process.stdout.write(`\nREPORT ${JSON.stringify(report)}\n`);
}

let bundle = __filename;

function runBundled(variant: string, fake: Fake): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, '--run', variant, fake.url, fake.token], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('REPORT '));
      if (code !== 0 || !line) reject(new Error(`${variant} run exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line.slice(7)) as RunReport);
    });
  });
}

async function measure(name: string, variant: string): Promise<RunReport & { name: string; apiCalls: number; writes: number; conflicts: number }> {
  const fake = await startFake(NAMESPACES, PER_NAMESPACE);
  try {
    const report = await runBundled(variant, fake);
    const counts = await fake.count();
    return { name, ...report, apiCalls: counts.calls, writes: counts.writes, conflicts: counts.conflicts };
  } finally {
    fake.stop();
  }
}

async function main(): Promise<void> {
  // Measure what ships: the code bundled by esbuild (as the Dockerfile builds it), each run in a fresh node process.
  const dir = mkdtempSync(join(tmpdir(), 'k8s-pass-bench-'));
  bundle = join(dir, 'bench.cjs');
  buildSync({
    entryPoints: [__filename],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    tsconfig: join(__dirname, '..', 'tsconfig.base.json'),
    logLevel: 'error',
  });
  const ours = await measure('snapshot pass (shipped)', 'ours');
  const naive = await measure('per-workload GET pass (baseline)', 'naive');
  rmSync(dir, { recursive: true, force: true });
  const workloads = NAMESPACES * PER_NAMESPACE;
  const result = {
    workloads,
    namespaces: NAMESPACES,
    wallMs: ours.wallMs,
    apiCalls: ours.apiCalls,
    peakRssMb: ours.maxRssMb,
    rssBeforePassMb: ours.rssBeforeMb,
    writes: ours.writes,
    outcomes: ours.outcomes,
    baseline: naive,
    ratios: {
      apiCallsBaselineOverOurs: Math.round((naive.apiCalls / ours.apiCalls) * 100) / 100,
      wallBaselineOverOurs: Math.round((naive.wallMs / ours.wallMs) * 100) / 100,
      peakRssBaselineOverOurs: Math.round((naive.maxRssMb / ours.maxRssMb) * 100) / 100,
    },
    aims: {
      wallAtMost2s: ours.wallMs <= 2000,
      readsPerNamespaceNotPerWorkload: ours.apiCalls - ours.writes <= 3 * NAMESPACES + 10,
      peakRssAtMost150Mb: ours.maxRssMb <= 150,
    },
    notes: [
      'wallMs: the pass (snapshot, discovery, polls, decisions, writes, alarm history load/save) timed inside the process, after module loading.',
      'apiCalls = requests the fake apiserver received during the run; writes = the non-GET ones (scale patches and state annotations of the workloads that acted, the alarm-history ConfigMap).',
      'reads of our pass: Deployments and StatefulSets listed in pages of 500, HPAs and policy ConfigMaps once each, pods and pod metrics once per namespace holding targets.',
      'peakRssMb: process.resourceUsage().maxRSS of a fresh node process running the esbuild bundle (module loading included); the fake apiserver runs in another process.',
    ],
    machine: { cpus: cpus().length, node: process.version },
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'k8s-pass.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[2] === '--serve') void serve();
else if (process.argv[2] === '--run')
  runOne(process.argv[3]!, process.argv[4]!, process.argv[5]!).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
else
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
