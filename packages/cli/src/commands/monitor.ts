import { appendFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { KubeConfig } from '@kubernetes/client-node';
import { ValidationError, systemClock, type Clock } from '@autoscaler/core';
import type { UsageRow } from '@autoscaler/provider-kubernetes';
import { type CliIO, processIO } from '../io';
import { parseDurationFlag } from './duration-flag';

export interface MonitorFlags {
  namespace: string;
  selector: string;
  interval?: string;
  duration?: string;
  out?: string;
  kubeconfig?: string;
  context?: string;
  json?: boolean;
}

export interface MonitorDeps {
  io: CliIO;
  kubeConfig?: KubeConfig;
  clock?: Clock;
  /** Stops sampling (the rows so far stay written): `recipe run` stops the monitor when the load ends. */
  signal?: AbortSignal;
  /** Called after each sample is written. */
  onSample?: (row: UsageRow) => void;
}

export interface MonitorResult {
  out: string;
  samples: number;
  peak: { containers: number; cpuUsedCores?: number; memoryUsedMiB?: number };
}

/** The Kubernetes client takes most of a second to load: commands load it when they run, not when the CLI starts. */
export const kubernetesProvider = (): Promise<typeof import('@autoscaler/provider-kubernetes')> => import('@autoscaler/provider-kubernetes');

/** A KubeConfig from `--kubeconfig`/`--context`, or the default chain (KUBECONFIG, ~/.kube/config, in-cluster). */
export async function loadKubeConfig(file: string | undefined, context: string | undefined): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (e) {
    throw ValidationError.field(file ? '--kubeconfig' : 'KUBECONFIG', `cannot load: ${(e as Error).message}`);
  }
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context))
      throw ValidationError.field(
        '--context',
        `no context "${context}" (have: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')})`,
      );
    kc.setCurrentContext(context);
  }
  return kc;
}

/** Resolves when `p` does or when `signal` aborts, whichever is first. */
function untilOrAborted(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // One listener at a time: each sample's is removed when its wait ends.
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/**
 * Samples the selected pods every interval for the duration, appending one CSV
 * row per sample (so an interrupted run keeps what it measured).
 */
export async function runMonitor(flags: MonitorFlags, deps: MonitorDeps): Promise<MonitorResult> {
  const { KubeApi, formatUsageRow, parseSelector, sampleUsage, usageHeader } = await kubernetesProvider();
  parseSelector(flags.selector, '--selector');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(flags.namespace)) throw ValidationError.field('--namespace', `"${flags.namespace}" is not a namespace name`);
  const intervalMs = parseDurationFlag(flags.interval ?? '5s', '--interval', { minMs: 100, maxMs: 3_600_000 });
  const durationMs = parseDurationFlag(flags.duration ?? '30m', '--duration', { maxMs: 7 * 24 * 3_600_000 });
  const out = flags.out ?? 'usage.csv';
  const clock = deps.clock ?? systemClock;
  const api = new KubeApi(deps.kubeConfig ?? (await loadKubeConfig(flags.kubeconfig, flags.context)));
  writeFileSync(out, `${usageHeader()}\n`);
  const start = clock.now();
  const total = Math.floor(durationMs / intervalMs) + 1;
  const peak: MonitorResult['peak'] = { containers: 0 };
  let sampled = 0;
  let rounds = 0;
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    if (deps.signal?.aborted) break;
    if (due > clock.now()) await untilOrAborted(clock.sleep(due - clock.now()), deps.signal);
    if (deps.signal?.aborted) break;
    rounds++;
    let row: UsageRow;
    try {
      row = await sampleUsage(api, flags.namespace, flags.selector, (clock.now() - start) / 1000);
    } catch (e) {
      // A missed sample is a gap in the CSV, not the end of a 30-minute run.
      deps.io.err(`sample ${i + 1}/${total} failed: ${(e as Error).message}`);
      continue;
    }
    // A selector that matches nothing would write 30 minutes of "0 containers": say so and stop.
    if (sampled++ === 0 && row.containers === 0)
      throw ValidationError.field(
        '--selector',
        `no running pod in namespace "${flags.namespace}" matches "${flags.selector}" (check with: kubectl get pods -n ${flags.namespace} -l '${flags.selector}')`,
      );
    appendFileSync(out, `${formatUsageRow(row)}\n`);
    deps.onSample?.(row);
    peak.containers = Math.max(peak.containers, row.containers);
    if (row.cpuUsedCores !== undefined) peak.cpuUsedCores = Math.max(peak.cpuUsedCores ?? 0, row.cpuUsedCores);
    if (row.memoryUsedMiB !== undefined) peak.memoryUsedMiB = Math.max(peak.memoryUsedMiB ?? 0, row.memoryUsedMiB);
    deps.io.err(
      `[${((clock.now() - start) / 1000).toFixed(1)}s] ${row.containers} containers, cpu ${row.cpuUsedCores?.toFixed(3) ?? '-'} / ${row.cpuRequestedCores.toFixed(3)} cores, memory ${row.memoryUsedMiB?.toFixed(0) ?? '-'} / ${row.memoryRequestedMiB.toFixed(0)} MiB`,
    );
  }
  return { out, samples: rounds, peak };
}

export function registerMonitorCommand(program: Command, io: CliIO = processIO): void {
  program
    .command('monitor')
    .description("Sample the CPU and memory requests, limits and use of a workload's pods (metrics-server) every interval into a CSV")
    .requiredOption('--namespace <ns>', 'namespace of the pods')
    .requiredOption('--selector <labels>', 'label selector of the pods, e.g. app=model-server')
    .option('--interval <duration>', 'time between samples (250ms, 5s, 1m)', '5s')
    .option('--duration <duration>', 'how long to sample (30s, 30m, 2h)', '30m')
    .option('--out <file>', 'CSV to write (seconds, containers, cpu/memory requested, limits, used)', 'usage.csv')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--json', 'print a JSON summary at the end')
    .action(async (o: MonitorFlags) => {
      const r = await runMonitor(o, { io });
      io.out(o.json ? JSON.stringify(r, null, 2) : `wrote ${r.samples} samples to ${r.out}`);
    });
}
