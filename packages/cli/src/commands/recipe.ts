import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '@autoscaler/core';
import type { Recipe, RecipeOptions } from '@autoscaler/provider-kubernetes';
import { type CliIO, processIO } from '../io';
import { readText } from '../read-input';
import { kubernetesProvider } from './monitor';

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
  json?: boolean;
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
export function recipeYaml(r: Recipe, workload: { namespace: string; kind: string; name: string }): string {
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

export async function runRecipe(flags: RecipeFlags, io: CliIO): Promise<{ recipe: Recipe; html: string }> {
  const { parseLoadCsv, parseUsageCsv, parseWorkloadId, recipeHtml, recommendRecipe } = await kubernetesProvider();
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
  const recipe = recommendRecipe(usage, load, options);
  const html = flags.out ?? 'recipe.html';
  writeFileSync(html, recipeHtml(recipe, usage, load));
  if (flags.json) io.out(JSON.stringify({ ...recipe, workload, html }, null, 2));
  else {
    io.out(recipeYaml(recipe, workload));
    for (const n of recipe.notes) io.err(`note: ${n}`);
    if (flags.workload === undefined) io.err(`note: the HPA scales ${DEFAULT_WORKLOAD}; pass --workload <namespace>/<deployment|statefulset>/<name> for yours`);
    io.err(`one replica sustains ${recipe.evidence.ratePerReplica.toFixed(1)} transactions/s at ${recipe.hpa.targetCPUUtilizationPercentage}% CPU; chart: ${html}`);
  }
  return { recipe, html };
}

export function registerRecipeCommand(program: Command, io: CliIO = processIO): void {
  program
    .command('recipe')
    .description('Turn a monitor CSV and a loadtest CSV into recommended requests/limits and HPA min/max/target, with an HTML chart')
    .requiredOption('--usage <csv>', 'usage.csv written by `autoscaler monitor`')
    .requiredOption('--load <csv>', 'load.csv written by `autoscaler loadtest` (started at the same time as monitor)')
    .option('--out <file>', 'HTML report (inline SVG charts, no network)', 'recipe.html')
    .option('--target <percent>', 'HPA CPU target utilization', '70')
    .option('--headroom <factor>', 'maxReplicas covers the peak rate times this', '1.25')
    .option('--min-replicas <n>', 'never recommend fewer replicas (2 survives a pod restart)', '1')
    .option('--slo-ms <ms>', 'p95 latency SLO: stages above it cap the per-replica capacity')
    .option('--offset <seconds>', 'seconds between the monitor start and the loadtest start', '0')
    .option('--peak-rate <tps>', 'plan for this peak transaction rate instead of the measured one')
    .option('--workload <id>', `the workload the HPA scales, <namespace>/<deployment|statefulset>/<name> (default ${DEFAULT_WORKLOAD})`)
    .option('--json', 'print the recipe and its evidence as JSON')
    .action(async (o: RecipeFlags) => {
      await runRecipe(o, io);
    });
}
