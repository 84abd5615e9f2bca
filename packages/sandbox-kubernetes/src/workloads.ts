import { createHash } from 'node:crypto';
import type { Clock } from '@autoscaler/core';
import { parseQuantity } from './model/quantity';
import type { Json } from './patch';
import { findResource, type ResourceDef } from './resources';
import type { KubeObject, ObjectStore } from './store';

/** What a workload's pods use, as metrics-server would report it. */
export interface WorkloadLoad {
  /** Total CPU demand in cores, spread evenly over the running pods (each capped at its CPU limit). */
  cpuCores?: number;
  /** Memory each pod uses, in bytes. */
  memoryBytesPerPod?: number;
}

export type RolloutMode = 'instant' | 'manual';

type JsonObject = { [key: string]: Json };
const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

// pod-template-hash and generated name suffixes use this alphabet (k8s.io/apimachinery rand.SafeEncodeString).
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function safeHash(text: string, length: number): string {
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[bytes[i]! % SAFE.length];
  return out;
}

const PODS = findResource('', 'v1', 'pods')!;
export const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
export const STATEFULSETS = findResource('apps', 'v1', 'statefulsets')!;

export function isWorkloadResource(def: ResourceDef): boolean {
  return def === DEPLOYMENTS || def === STATEFULSETS;
}

function workloadKey(def: ResourceDef, namespace: string, name: string): string {
  return `${namespace}/${def === DEPLOYMENTS ? 'deployment' : 'statefulset'}/${name}`;
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The controllers the fake stands in for: the Deployment/StatefulSet
 * controllers (pods and status follow the spec), the kubelet (pods run and
 * become Ready) and metrics-server (pod usage from a load model). In `manual`
 * rollout mode a changed spec stays unobserved (`observedGeneration` behind)
 * until `settle`, so clients can see a rollout in progress.
 */
export class WorkloadController {
  private readonly loads = new Map<string, WorkloadLoad>();
  private readonly modes = new Map<string, RolloutMode>();
  private readonly hiddenMetrics = new Set<string>();
  private readonly podOwner = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
    private readonly options: { defaultRollout: RolloutMode; metricsWindow: string; metricsLagMs: number },
  ) {}

  setLoad(id: string, load: WorkloadLoad): void {
    this.loads.set(id, { ...this.loads.get(id), ...load });
  }

  setRollout(id: string, mode: RolloutMode): void {
    this.modes.set(id, mode);
  }

  /** Hide metrics of a workload (`ns/kind/name`) or one pod (`ns/pod-name`), as when metrics-server has no sample yet. */
  hideMetrics(key: string, hidden: boolean): void {
    if (hidden) this.hiddenMetrics.add(key);
    else this.hiddenMetrics.delete(key);
  }

  /** Called after every write to a Deployment/StatefulSet spec. */
  reconcile(def: ResourceDef, o: KubeObject, force = false): void {
    const ns = o.metadata.namespace!;
    const id = workloadKey(def, ns, o.metadata.name);
    if (!force && (this.modes.get(id) ?? this.options.defaultRollout) === 'manual') return;
    this.sync(def, o, id);
  }

  /** Finish pending rollouts (all, or one `ns/kind/name`). */
  settle(id?: string): void {
    for (const def of [DEPLOYMENTS, STATEFULSETS]) {
      for (const o of this.store.list(def)) {
        const key = workloadKey(def, o.metadata.namespace!, o.metadata.name);
        if (id !== undefined && key !== id) continue;
        const status = obj(o['status']);
        if (status['observedGeneration'] !== o.metadata.generation || this.podsOf(key).length !== this.replicasOf(o)) {
          this.sync(def, o, key);
          this.store.put(def, o);
        }
      }
    }
  }

  /** Remove a deleted workload's pods. */
  forget(def: ResourceDef, namespace: string, name: string): void {
    const id = workloadKey(def, namespace, name);
    for (const p of this.podsOf(id)) {
      this.store.delete(PODS, namespace, p.metadata.name);
      this.podOwner.delete(`${namespace}/${p.metadata.name}`);
    }
  }

  private replicasOf(o: KubeObject): number {
    const r = obj(o['spec'])['replicas'];
    return typeof r === 'number' ? r : 1;
  }

  private podsOf(id: string): KubeObject[] {
    const ns = id.split('/')[0]!;
    return this.store.list(PODS, ns).filter((p) => this.podOwner.get(`${ns}/${p.metadata.name}`) === id);
  }

  private sync(def: ResourceDef, o: KubeObject, id: string): void {
    const ns = o.metadata.namespace!;
    const spec = obj(o['spec']);
    const template = obj(spec['template']);
    const replicas = this.replicasOf(o);
    const hash = safeHash(JSON.stringify(template), 10);
    const existing = this.podsOf(id);
    // Pods of an older template are replaced (a rollout finished at once).
    for (const p of existing) {
      if (p.metadata.labels?.['pod-template-hash'] !== hash && p.metadata.labels?.['controller-revision-hash'] !== `${o.metadata.name}-${hash}`) {
        this.store.delete(PODS, ns, p.metadata.name);
        this.podOwner.delete(`${ns}/${p.metadata.name}`);
      }
    }
    let current = this.podsOf(id).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }));
    while (current.length > replicas) {
      const p = current.pop()!;
      this.store.delete(PODS, ns, p.metadata.name);
      this.podOwner.delete(`${ns}/${p.metadata.name}`);
    }
    for (let i = current.length; i < replicas; i++) {
      const name = def === STATEFULSETS ? this.freeOrdinal(ns, o.metadata.name) : `${o.metadata.name}-${hash}-${safeHash(`${id}:${++this.seq}`, 5)}`;
      this.store.put(PODS, this.newPod(def, o, name, hash, template));
      this.podOwner.set(`${ns}/${name}`, id);
    }
    current = this.podsOf(id);
    const n = current.length;
    const status: JsonObject =
      def === STATEFULSETS
        ? {
            observedGeneration: o.metadata.generation ?? 1,
            replicas: n,
            readyReplicas: n,
            currentReplicas: n,
            updatedReplicas: n,
            availableReplicas: n,
            currentRevision: `${o.metadata.name}-${hash}`,
            updateRevision: `${o.metadata.name}-${hash}`,
            collisionCount: 0,
          }
        : {
            observedGeneration: o.metadata.generation ?? 1,
            replicas: n,
            updatedReplicas: n,
            readyReplicas: n,
            availableReplicas: n,
            conditions: [
              {
                type: 'Available',
                status: 'True',
                lastUpdateTime: iso(this.clock.now()),
                lastTransitionTime: o.metadata.creationTimestamp,
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
              },
              {
                type: 'Progressing',
                status: 'True',
                lastUpdateTime: iso(this.clock.now()),
                lastTransitionTime: o.metadata.creationTimestamp,
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${o.metadata.name}-${hash}" has successfully progressed.`,
              },
            ],
          };
    if (n === 0) {
      delete status['readyReplicas'];
      delete status['availableReplicas'];
    }
    o['status'] = status;
  }

  private freeOrdinal(ns: string, name: string): string {
    for (let i = 0; ; i++) if (!this.store.get(PODS, ns, `${name}-${i}`)) return `${name}-${i}`;
  }

  private newPod(def: ResourceDef, o: KubeObject, name: string, hash: string, template: JsonObject): KubeObject {
    const now = iso(this.clock.now());
    const tmeta = obj(template['metadata']);
    const labels: { [k: string]: string } = { ...(obj(tmeta['labels']) as { [k: string]: string }) };
    if (def === STATEFULSETS) {
      labels['controller-revision-hash'] = `${o.metadata.name}-${hash}`;
      labels['statefulset.kubernetes.io/pod-name'] = name;
    } else labels['pod-template-hash'] = hash;
    const podSpec = structuredClone(obj(template['spec']));
    const containers = arr(podSpec['containers']).map((c) => obj(c));
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: o.metadata.namespace!,
        uid: this.store.newUid(),
        resourceVersion: '',
        creationTimestamp: now,
        labels,
        ownerReferences: [
          def === STATEFULSETS
            ? { apiVersion: 'apps/v1', kind: 'StatefulSet', name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true }
            : {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: `${o.metadata.name}-${hash}`,
                uid: safeHash(`${o.metadata.uid}${hash}`, 10),
                controller: true,
                blockOwnerDeletion: true,
              },
        ],
      },
      spec: { ...podSpec, nodeName: 'fake-node-1' },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        ],
        hostIP: '10.0.0.1',
        podIP: `10.1.${(this.seq >> 8) & 255}.${this.seq & 255}`,
        startTime: now,
        qosClass: 'Burstable',
        containerStatuses: containers.map((c) => ({
          name: c['name'] ?? 'main',
          ...(c['resources'] !== undefined
            ? { allocatedResources: structuredClone(obj(obj(c['resources'])['requests'])), resources: structuredClone(obj(c['resources'])) }
            : {}),
          ready: true,
          restartCount: 0,
          image: c['image'] ?? 'model-server:latest',
          started: true,
          state: { running: { startedAt: now } },
        })),
      },
    };
  }

  /** metrics.k8s.io PodMetrics items for the pods of a namespace (or all), as metrics-server reports them. */
  podMetrics(pods: readonly KubeObject[]): JsonObject[] {
    const now = this.clock.now();
    const out: JsonObject[] = [];
    for (const p of pods) {
      const ns = p.metadata.namespace!;
      const owner = this.podOwner.get(`${ns}/${p.metadata.name}`);
      if (this.hiddenMetrics.has(`${ns}/${p.metadata.name}`) || (owner && this.hiddenMetrics.has(owner))) continue;
      if (obj(p['status'])['phase'] !== 'Running') continue;
      if (now - Date.parse(p.metadata.creationTimestamp) < this.options.metricsLagMs) continue;
      const siblings = owner ? this.podsOf(owner).filter((s) => obj(s['status'])['phase'] === 'Running').length : 1;
      const load = owner ? this.loads.get(owner) : undefined;
      const containers = arr(obj(p['spec'])['containers']).map((c) => obj(c));
      const requests = containers.map((c) => obj(obj(c['resources'])['requests']));
      const limits = containers.map((c) => obj(obj(c['resources'])['limits']));
      const cpuRequest = requests.map((r) => (r['cpu'] === undefined ? 0 : parseQuantity(r['cpu'])));
      const memRequest = requests.map((r) => (r['memory'] === undefined ? 0 : parseQuantity(r['memory'])));
      const totalCpuReq = cpuRequest.reduce((a, b) => a + b, 0);
      const totalMemReq = memRequest.reduce((a, b) => a + b, 0);
      // Without a load model a pod idles at 10% of its requests.
      const podCpu = load?.cpuCores !== undefined ? load.cpuCores / Math.max(1, siblings) : totalCpuReq * 0.1;
      const podMem = load?.memoryBytesPerPod ?? totalMemReq * 0.1;
      out.push({
        metadata: { name: p.metadata.name, namespace: ns, creationTimestamp: iso(now), labels: { ...(p.metadata.labels ?? {}) } },
        timestamp: iso(now),
        window: this.options.metricsWindow,
        containers: containers.map((c, i) => {
          const share = (x: number[], total: number): number => (total > 0 ? x[i]! / total : i === 0 ? 1 : 0);
          let cpu = podCpu * share(cpuRequest, totalCpuReq);
          const cpuLimit = limits[i]!['cpu'];
          if (cpuLimit !== undefined) cpu = Math.min(cpu, parseQuantity(cpuLimit));
          const mem = podMem * share(memRequest, totalMemReq);
          return { name: c['name'] ?? 'main', usage: { cpu: `${Math.round(cpu * 1e9)}n`, memory: `${Math.max(0, Math.round(mem / 1024))}Ki` } };
        }),
      });
    }
    return out;
  }
}
