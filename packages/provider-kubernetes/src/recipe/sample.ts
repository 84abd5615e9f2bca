import type { V1Pod } from '@kubernetes/client-node';
import type { KubeApi } from '../kube/kube-api';
import { parsePodMetricsList, type PodUsageSample } from '../metrics/pod-metrics';
import { parseQuantity } from '../model/quantity';
import type { UsageRow } from './csv';

const MiB = 2 ** 20;

function sumResource(pods: readonly V1Pod[], part: 'requests' | 'limits', resource: 'cpu' | 'memory'): number | undefined {
  let total = 0;
  let any = false;
  for (const p of pods) {
    for (const c of p.spec?.containers ?? []) {
      const q = c.resources?.[part]?.[resource];
      if (q === undefined) continue;
      any = true;
      total += parseQuantity(q, `pod ${p.metadata?.name ?? ''} container ${c.name} ${part}.${resource}`);
    }
  }
  return any ? total : undefined;
}

/**
 * One `monitor` sample of the selected pods: running containers, their summed
 * requests and limits, and what metrics-server says they use. Two list calls.
 */
export async function sampleUsage(api: KubeApi, namespace: string, selector: string, seconds: number): Promise<UsageRow> {
  const pods = (await api.listPods(namespace, selector)).filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  const names = new Set(pods.map((p) => p.metadata?.name));
  const row: UsageRow = {
    seconds,
    containers: pods.reduce((n, p) => n + (p.spec?.containers.length ?? 0), 0),
    cpuRequestedCores: sumResource(pods, 'requests', 'cpu') ?? 0,
    memoryRequestedMiB: (sumResource(pods, 'requests', 'memory') ?? 0) / MiB,
  };
  const cpuLimit = sumResource(pods, 'limits', 'cpu');
  const memLimit = sumResource(pods, 'limits', 'memory');
  if (cpuLimit !== undefined) row.cpuLimitCores = cpuLimit;
  if (memLimit !== undefined) row.memoryLimitMiB = memLimit / MiB;
  let samples: PodUsageSample[];
  try {
    samples = parsePodMetricsList(await api.listPodMetrics(namespace, selector)).filter((s) => names.has(s.pod));
  } catch {
    // metrics-server unavailable this time: the used columns stay empty.
    samples = [];
  }
  if (samples.length > 0) {
    row.cpuUsedCores = samples.reduce((a, s) => a + s.cpuCores, 0);
    row.memoryUsedMiB = samples.reduce((a, s) => a + s.memoryBytes, 0) / MiB;
  }
  return row;
}
