import type { V1Pod } from '@kubernetes/client-node';
import type { HpaPod } from '@autoscaler/core';
import { parseQuantity } from '../model/quantity';
import type { PodUsageSample } from './pod-metrics';

export type ResourceName = 'cpu' | 'memory';

/** One pod as the HPA replica calculator sees it, for both resources (milli-values, like upstream). */
export interface PodUsage {
  name: string;
  phase: HpaPod['phase'];
  ready: boolean;
  deleting: boolean;
  startTime?: number;
  readyTransitionTime?: number;
  /** Summed container requests in milli-units (cpu: millicores; memory: milli-bytes); undefined when a container sets none. */
  request: Partial<Record<ResourceName, number>>;
  /** Summed usage in milli-units; undefined when metrics-server has no sample. */
  usage?: Record<ResourceName, number>;
  sampleTime?: number;
  sampleWindowSeconds?: number;
}

/** What a pass measured for one workload. */
export interface WorkloadUsage {
  pods: PodUsage[];
  /** Pods that count (not failed, succeeded or being deleted). */
  active: number;
  /** Active pods with a metrics sample. */
  sampled: number;
  /** Newest sample time (epoch ms), undefined without samples. */
  sampledAt?: number;
}

const PHASES: ReadonlyArray<HpaPod['phase']> = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

function requestOf(pod: V1Pod, resource: ResourceName): number | undefined {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const q = c.resources?.requests?.[resource];
    if (q === undefined) return undefined;
    total += parseQuantity(q, `pod ${pod.metadata?.name ?? ''} container ${c.name} requests.${resource}`) * 1000;
  }
  return total;
}

const ms = (d: Date | string | undefined): number | undefined => (d === undefined ? undefined : new Date(d).getTime());

/** Joins the workload's pods with metrics-server samples (by pod name). */
export function workloadUsage(pods: readonly V1Pod[], samples: readonly PodUsageSample[]): WorkloadUsage {
  const byName = new Map(samples.map((s) => [s.pod, s]));
  const out: PodUsage[] = [];
  let active = 0;
  let sampled = 0;
  let sampledAt: number | undefined;
  for (const p of pods) {
    const name = p.metadata?.name ?? '';
    const phase = PHASES.includes(p.status?.phase as HpaPod['phase']) ? (p.status!.phase as HpaPod['phase']) : 'Unknown';
    const readyCond = p.status?.conditions?.find((c) => c.type === 'Ready');
    const u: PodUsage = { name, phase, ready: readyCond?.status === 'True', deleting: p.metadata?.deletionTimestamp !== undefined, request: {} };
    const start = ms(p.status?.startTime);
    const readyAt = ms(readyCond?.lastTransitionTime);
    if (start !== undefined) u.startTime = start;
    if (readyAt !== undefined) u.readyTransitionTime = readyAt;
    for (const r of ['cpu', 'memory'] as const) {
      const req = requestOf(p, r);
      if (req !== undefined) u.request[r] = req;
    }
    const s = byName.get(name);
    if (s) {
      u.usage = { cpu: s.cpuCores * 1000, memory: s.memoryBytes * 1000 };
      u.sampleTime = s.at;
      u.sampleWindowSeconds = s.windowSeconds;
    }
    const counts = !u.deleting && phase !== 'Failed' && phase !== 'Succeeded';
    if (counts) {
      active++;
      if (u.usage) {
        sampled++;
        sampledAt = Math.max(sampledAt ?? 0, u.sampleTime!);
      }
    }
    out.push(u);
  }
  const usage: WorkloadUsage = { pods: out, active, sampled };
  if (sampledAt !== undefined) usage.sampledAt = sampledAt;
  return usage;
}

/** HPA input pods for one resource. */
export function hpaPods(usage: WorkloadUsage, resource: ResourceName): HpaPod[] {
  return usage.pods.map((p) => {
    const pod: HpaPod = { name: p.name, phase: p.phase, ready: p.ready, deleting: p.deleting };
    if (p.startTime !== undefined) pod.startTime = p.startTime;
    if (p.readyTransitionTime !== undefined) pod.readyTransitionTime = p.readyTransitionTime;
    if (p.request[resource] !== undefined) pod.request = p.request[resource];
    if (p.usage) {
      pod.usage = p.usage[resource];
      pod.sampleTime = p.sampleTime!;
      pod.sampleWindowSeconds = p.sampleWindowSeconds!;
    }
    return pod;
  });
}

export interface Utilization {
  /** Percent of requests over the sampled active pods (the HPA's ratio of sums). */
  measured: number;
  /** Percent with unsampled active pods counted as idle: safe for scale-out decisions only. */
  missingAsIdle: number;
  complete: boolean;
}

/** Utilization of a resource, or undefined when no active pod has a sample or a request is missing. */
export function utilization(usage: WorkloadUsage, resource: ResourceName): Utilization | undefined {
  let used = 0;
  let reqSampled = 0;
  let reqAll = 0;
  for (const p of usage.pods) {
    if (p.deleting || p.phase === 'Failed' || p.phase === 'Succeeded') continue;
    const req = p.request[resource];
    if (req === undefined || req <= 0) return undefined;
    reqAll += req;
    if (p.usage) {
      used += p.usage[resource];
      reqSampled += req;
    }
  }
  if (reqSampled === 0) return undefined;
  return { measured: (used / reqSampled) * 100, missingAsIdle: (used / reqAll) * 100, complete: usage.sampled === usage.active };
}

/** Mean per-pod usage in base units (cores, bytes) over sampled active pods. */
export function meanUsage(usage: WorkloadUsage, resource: ResourceName): number | undefined {
  let total = 0;
  let n = 0;
  for (const p of usage.pods) {
    if (p.deleting || p.phase === 'Failed' || p.phase === 'Succeeded' || !p.usage) continue;
    total += p.usage[resource] / 1000;
    n++;
  }
  return n === 0 ? undefined : total / n;
}
