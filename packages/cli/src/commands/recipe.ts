import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { KubeConfig } from '@kubernetes/client-node';
import { ValidationError } from '@autoscaler/core';
import type { Recipe, RecipeOptions } from '@autoscaler/provider-kubernetes';
import { type CliIO, processIO } from '../io';
import { readText } from '../read-input';
import { loadStageOptions, runLoadtest, type LoadtestFlags } from './loadtest';
import { kubernetesProvider, loadKubeConfig, runMonitor, type MonitorFlags } from './monitor';

export interface RecipeFlags {
  usage: string;
  load: string;
  out?: string;
  target?: string;
  headroom?: string;
  minReplicas?: string;
  sloMs?: string;
  offset?: string;
  peakRate?: string;
  workload?: string;
  /** Check the cluster's allocatable resources (this kubeconfig/context) and cap maxReplicas. */
  kubeconfig?: string;
  context?: string;
  json?: boolean;
}

/** The slice of a v1 Node the fit needs. */
export interface NodeLike {
  metadata?: { name?: string };
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, string> };
}

export interface ClusterFit {
  /** Schedulable nodes counted. */
  nodes: number;
  /** Replicas with the recommended requests that fit in the nodes' allocatable resources. */
  replicas: number;
  perNode: Array<{ node: string; replicas: number; limitedBy: 'cpu' | 'memory' | 'pods' }>;
}

/**
 * How many replicas with these requests fit in the schedulable nodes' `status.allocatable`
 * (per node: the least of cpu, memory and pods), before the requests of pods already running.
 */
export function clusterFit(
  nodes: readonly NodeLike[],
  requests: { cpu: string; memory: string },
  parseQuantity: (v: unknown, field?: string) => number,
): ClusterFit {
  const cpu = parseQuantity(requests.cpu, 'requests.cpu');
  const memory = parseQuantity(requests.memory, 'requests.memory');
  const perNode: ClusterFit['perNode'] = [];
  for (const n of nodes) {
    if (n.spec?.unschedulable) continue;
    const a = n.status?.allocatable ?? {};
    const name = n.metadata?.name ?? '(unnamed)';
    const read = (k: string): number => (a[k] === undefined ? 0 : parseQuantity(a[k], `node ${name} allocatable.${k}`));
    const by: Array<[ClusterFit['perNode'][number]['limitedBy'], number]> = [
      ['cpu', cpu > 0 ? Math.floor(read('cpu') / cpu + 1e-9) : Infinity],
      ['memory', memory > 0 ? Math.floor(read('memory') / memory + 1e-9) : Infinity],
      ['pods', a['pods'] === undefined ? Infinity : Math.floor(read('pods'))],
    ];
    const [limitedBy, replicas] = by.reduce((m, x) => (x[1] < m[1] ? x : m));
    perNode.push({ node: name, replicas: Number.isFinite(replicas) ? replicas : 0, limitedBy });
  }
  return { nodes: perNode.length, replicas: perNode.reduce((t, p) => t + p.replicas, 0), perNode };
}

/** maxReplicas capped at what the cluster can schedule, with a note saying so (and when even minReplicas does not fit). */
export function capToCluster(recipe: Recipe, fit: ClusterFit): Recipe {
  const wanted = recipe.hpa.maxReplicas;
  const why = fit.perNode.map((p) => `${p.node}: ${p.replicas} (by ${p.limitedBy})`).join(', ');
  const notes = [...recipe.notes];
  let maxReplicas = wanted;
  if (fit.replicas < wanted) {
    maxReplicas = Math.max(fit.replicas, recipe.hpa.minReplicas);
    notes.push(
      `maxReplicas capped at ${maxReplicas} (was ${wanted}): the cluster's allocatable resources fit ${fit.replicas} replicas of ${recipe.requests.cpu} CPU / ${recipe.requests.memory} on ${fit.nodes} schedulable node(s) (${why || 'none'}), before other pods' requests`,
    );
    if (fit.replicas < recipe.hpa.minReplicas) notes.push(`even minReplicas ${recipe.hpa.minReplicas} does not fit: add nodes or lower the requests`);
  } else
    notes.push(
      `the cluster's allocatable resources fit ${fit.replicas} replicas on ${fit.nodes} node(s): maxReplicas ${wanted} can be scheduled (before other pods' requests)`,
    );
  return { ...recipe, hpa: { ...recipe.hpa, maxReplicas }, notes };
}

/** The nodes of the cluster (`kubectl get nodes`), through the Kubernetes API. */
export async function listNodes(kc: KubeConfig): Promise<NodeLike[]> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  try {
    return (await kc.makeApiClient(CoreV1Api).listNode()).items;
  } catch (e) {
    throw ValidationError.field('--kubeconfig', `cannot list the cluster's nodes to check allocatable resources: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** The workload the HPA scales when --workload is not given: the docs' example. */
export const DEFAULT_WORKLOAD = 'ml/deployment/model-server';

function numberFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw ValidationError.field(flag, `"${v}" is not a number >= 0`);
  return n;
}

/** The recipe as the YAML a user pastes: container resources, and an autoscaling/v2 HPA that `kubectl apply` accepts. */
export function recipeYaml(r: Pick<Recipe, 'requests' | 'limits' | 'hpa'>, workload: { namespace: string; kind: string; name: string }): string {
  return [
    '# container resources',
    'resources:',
    `  requests: { cpu: "${r.requests.cpu}", memory: "${r.requests.memory}" }`,
    `  limits: { cpu: "${r.limits.cpu}", memory: "${r.limits.memory}" }`,
    '---',
    'apiVersion: autoscaling/v2',
    'kind: HorizontalPodAutoscaler',
    'metadata:',
    `  name: ${workload.name}`,
    `  namespace: ${workload.namespace}`,
    'spec:',
    `  scaleTargetRef: { apiVersion: apps/v1, kind: ${workload.kind === 'statefulset' ? 'StatefulSet' : 'Deployment'}, name: ${workload.name} }`,
    `  minReplicas: ${r.hpa.minReplicas}`,
    `  maxReplicas: ${r.hpa.maxReplicas}`,
    '  metrics:',
    `    - { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: ${r.hpa.targetCPUUtilizationPercentage} } } }`,
  ].join('\n');
}

export async function runRecipe(
  flags: RecipeFlags,
  io: CliIO,
  deps: { kubeConfig?: KubeConfig } = {},
): Promise<{ recipe: Recipe; html: string; fit?: ClusterFit }> {
  const { parseLoadCsv, parseUsageCsv, parseWorkloadId, parseQuantity, recipeHtml, recommendRecipe } = await kubernetesProvider();
  const workload = parseWorkloadId(flags.workload ?? DEFAULT_WORKLOAD, '--workload');
  const usage = parseUsageCsv(readText(flags.usage, '--usage'), flags.usage);
  const load = parseLoadCsv(readText(flags.load, '--load'), flags.load);
  const options: RecipeOptions = {};
  const set = <K extends keyof RecipeOptions>(k: K, v: RecipeOptions[K] | undefined): void => {
    if (v !== undefined) options[k] = v;
  };
  set('targetUtilization', numberFlag(flags.target, '--target'));
  set('headroom', numberFlag(flags.headroom, '--headroom'));
  set('minReplicasFloor', numberFlag(flags.minReplicas, '--min-replicas'));
  set('latencySloMs', numberFlag(flags.sloMs, '--slo-ms'));
  set('offsetSeconds', numberFlag(flags.offset, '--offset'));
  set('peakRate', numberFlag(flags.peakRate, '--peak-rate'));
  let recipe = recommendRecipe(usage, load, options);
  let fit: ClusterFit | undefined;
  if (deps.kubeConfig || flags.kubeconfig !== undefined || flags.context !== undefined) {
    fit = clusterFit(await listNodes(deps.kubeConfig ?? (await loadKubeConfig(flags.kubeconfig, flags.context))), recipe.requests, parseQuantity);
    recipe = capToCluster(recipe, fit);
  }
  const html = flags.out ?? 'recipe.html';
  writeFileSync(html, recipeHtml(recipe, usage, load));
  if (flags.json) io.out(JSON.stringify({ ...recipe, workload, html, ...(fit ? { cluster: fit } : {}) }, null, 2));
  else {
    io.out(recipeYaml(recipe, workload));
    for (const n of recipe.notes) io.err(`note: ${n}`);
    if (flags.workload === undefined) io.err(`note: the HPA scales ${DEFAULT_WORKLOAD}; pass --workload <namespace>/<deployment|statefulset>/<name> for yours`);
    io.err(
      `one replica sustains ${recipe.evidence.ratePerReplica.toFixed(1)} transactions/s at ${recipe.hpa.targetCPUUtilizationPercentage}% CPU; chart: ${html}`,
    );
  }
  return { recipe, html, ...(fit ? { fit } : {}) };
}

export interface RecipeRunFlags
  extends
    Omit<RecipeFlags, 'usage' | 'load' | 'out' | 'offset'>,
    Pick<LoadtestFlags, 'url' | 'schedule' | 'concurrency' | 'duration' | 'stageSeconds' | 'body' | 'allowRemote'>,
    Pick<MonitorFlags, 'namespace' | 'selector' | 'interval'> {
  outDir?: string;
}

/**
 * The seed's 40-minute run in one command: the monitor samples the pods while the load schedule
 * runs, then the recipe is made from both (with the cluster's allocatable resources as a cap),
 * writing usage.csv, load.csv and recipe.html into one folder.
 */
export async function runRecipeRun(
  flags: RecipeRunFlags,
  io: CliIO,
  deps: { kubeConfig?: KubeConfig } = {},
): Promise<{ recipe: Recipe; usage: string; load: string; html: string; fit?: ClusterFit }> {
  const dir = flags.outDir ?? 'recipe-run';
  mkdirSync(dir, { recursive: true });
  const usage = join(dir, 'usage.csv');
  const load = join(dir, 'load.csv');
  const kubeConfig = deps.kubeConfig ?? (await loadKubeConfig(flags.kubeconfig, flags.context));
  const stop = new AbortController();
  let firstSample!: () => void;
  const sampled = new Promise<void>((resolve) => (firstSample = resolve));
  const monitorStart = Date.now();
  const monitor = runMonitor(
    { namespace: flags.namespace, selector: flags.selector, interval: flags.interval ?? '5s', duration: '168h', out: usage },
    { io, kubeConfig, signal: stop.signal, onSample: () => firstSample() },
  );
  // The load starts once the monitor has its first sample (a wrong selector fails before any load).
  await Promise.race([sampled, monitor]);
  const offset = (Date.now() - monitorStart) / 1000;
  let loaded;
  try {
    loaded = await runLoadtest(
      {
        ...(flags.url !== undefined ? { url: flags.url } : {}),
        ...(flags.schedule !== undefined ? { schedule: flags.schedule } : {}),
        ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
        ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
        ...(flags.stageSeconds !== undefined ? { stageSeconds: flags.stageSeconds } : {}),
        ...(flags.body !== undefined ? { body: flags.body } : {}),
        ...(flags.allowRemote ? { allowRemote: true } : {}),
        out: load,
      },
      io,
    );
  } finally {
    stop.abort();
    await monitor.catch(() => undefined);
  }
  await monitor;
  io.err(`load: ${loaded.stages.length} stages in ${load}; usage samples in ${usage}; the load started ${offset.toFixed(1)} s after the monitor`);
  const { recipe, html, fit } = await runRecipe({ ...flags, usage, load, offset: String(offset), out: join(dir, 'recipe.html') }, io, { kubeConfig });
  return { recipe, usage, load, html, ...(fit ? { fit } : {}) };
}

function recipeOptions(cmd: Command): Command {
  return cmd
    .option('--target <percent>', 'HPA CPU target utilization', '70')
    .option('--headroom <factor>', 'maxReplicas covers the peak rate times this', '1.25')
    .option('--min-replicas <n>', 'never recommend fewer replicas (2 survives a pod restart)', '1')
    .option('--slo-ms <ms>', 'p95 latency SLO: stages above it cap the per-replica capacity')
    .option('--peak-rate <tps>', 'plan for this peak transaction rate instead of the measured one')
    .option('--workload <id>', `the workload the HPA scales, <namespace>/<deployment|statefulset>/<name> (default ${DEFAULT_WORKLOAD})`)
    .option('--json', 'print the recipe and its evidence as JSON');
}

export function registerRecipeCommand(program: Command, io: CliIO = processIO): void {
  const recipe = recipeOptions(
    program
      .command('recipe')
      .description(
        'Turn a monitor CSV and a loadtest CSV into recommended requests/limits and HPA min/max/target, with an HTML chart; `recipe run` does the whole run (load, monitor, recipe) in one command',
      )
      .option('--usage <csv>', 'usage.csv written by `autoscaler monitor`')
      .option('--load <csv>', 'load.csv written by `autoscaler loadtest` (started at the same time as monitor)')
      .option('--out <file>', 'HTML report (inline SVG charts, no network)', 'recipe.html')
      .option('--offset <seconds>', 'seconds between the monitor start and the loadtest start', '0')
      .option('--kubeconfig <file>', "check the cluster's allocatable resources and cap maxReplicas at what fits (kubeconfig file)")
      .option('--context <name>', 'kubeconfig context (also turns the cluster check on)'),
  ).action(async (o: RecipeFlags) => {
    if (o.usage === undefined) throw ValidationError.field('--usage', "give the monitor's usage.csv (or use `autoscaler recipe run`)");
    if (o.load === undefined) throw ValidationError.field('--load', "give the loadtest's load.csv (or use `autoscaler recipe run`)");
    await runRecipe(o, io);
  });
  recipeOptions(
    loadStageOptions(
      recipe
        .command('run')
        .description(
          "Run the load schedule against the model server while sampling its pods, then write the recipe: usage.csv, load.csv and recipe.html in --out-dir; maxReplicas is capped at what the cluster's allocatable resources can schedule",
        )
        .requiredOption('--url <url>', 'the model server to load (loopback unless --allow-remote; e.g. a port-forward)')
        .requiredOption('--namespace <ns>', 'namespace of its pods')
        .requiredOption('--selector <labels>', 'label selector of its pods, e.g. app=model-server'),
    )
      .option('--body <text>', 'request body (JSON)')
      .option('--allow-remote', 'the URL is a server you run and may load')
      .option('--interval <duration>', 'time between usage samples', '5s')
      .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context')
      .option('--out-dir <dir>', 'folder for usage.csv, load.csv and recipe.html', 'recipe-run'),
  ).action(async (o: RecipeRunFlags) => {
    const r = await runRecipeRun(o, io);
    io.err(`wrote ${r.usage}, ${r.load} and ${r.html}`);
  });
}
