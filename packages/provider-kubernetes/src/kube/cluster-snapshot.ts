import type { V1ConfigMap, V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { POLICY_CONFIGMAP_LABEL } from '../model/annotations';
import { apiKindOf, formatWorkloadId, WORKLOAD_KINDS, type WorkloadId } from '../model/ids';
import type { WorkloadObject } from '../model/workload';
import { parsePodMetricsList, type PodUsageSample } from '../metrics/pod-metrics';
import type { KubeApi } from './kube-api';

export interface SnapshotScope {
  /** Watched namespaces; omitted = the whole cluster (one list call per resource). */
  namespaces?: readonly string[];
  /**
   * The only namespaces whose policy ConfigMaps are listed (the autoscaler's own: its RBAC
   * reads ConfigMaps nowhere else). Omitted: the watched namespaces (or the whole cluster).
   */
  policyNamespaces?: readonly string[];
}

export interface ListedWorkload {
  id: WorkloadId;
  object: WorkloadObject;
}

/**
 * What one pass knows about the cluster, read with a constant number of list
 * calls (per watched namespace): Deployments, StatefulSets, HPAs and policy
 * ConfigMaps up front; pods and pod metrics of a namespace on first use. The
 * provider serves each workload's first `describe` from here instead of a GET
 * per workload; a second describe (after a 409) reads the apiserver again.
 */
export class ClusterSnapshot {
  private readonly fresh = new Map<string, WorkloadObject>();
  private readonly listed = new Map<string, WorkloadObject>();
  private readonly pods = new Map<string, Promise<V1Pod[]>>();
  private readonly metrics = new Map<string, Promise<PodUsageSample[]>>();
  private readonly hpaByTarget = new Map<string, V2HorizontalPodAutoscaler>();

  private constructor(
    private readonly api: KubeApi,
    readonly scope: SnapshotScope,
    readonly workloads: readonly ListedWorkload[],
    readonly hpas: readonly V2HorizontalPodAutoscaler[],
    readonly configMaps: readonly V1ConfigMap[],
  ) {
    for (const w of workloads) {
      this.fresh.set(formatWorkloadId(w.id), w.object);
      this.listed.set(formatWorkloadId(w.id), w.object);
    }
    for (const h of hpas) {
      const t = h.spec?.scaleTargetRef;
      const ns = h.metadata?.namespace;
      if (t && ns) this.hpaByTarget.set(`${ns}/${t.kind}/${t.name}`, h);
    }
  }

  static async take(api: KubeApi, scope: SnapshotScope = {}): Promise<ClusterSnapshot> {
    const namespaces = scope.namespaces ? [...new Set(scope.namespaces)] : [undefined];
    const cmNamespaces = scope.policyNamespaces ? [...new Set(scope.policyNamespaces)] : scope.namespaces ? [...new Set(scope.namespaces)] : [undefined];
    const [workloads, hpas, configMaps] = await Promise.all([
      Promise.all(
        namespaces.flatMap((ns) =>
          WORKLOAD_KINDS.map(async (kind) =>
            (await api.listWorkloads(kind, ns)).map((object) => ({
              id: { namespace: object.metadata?.namespace ?? ns ?? '', kind, name: object.metadata?.name ?? '' },
              object,
            })),
          ),
        ),
      ),
      Promise.all(namespaces.map((ns) => api.listHpas(ns))),
      Promise.all(cmNamespaces.map((ns) => api.listConfigMaps(POLICY_CONFIGMAP_LABEL, ns))),
    ]);
    return new ClusterSnapshot(api, scope, workloads.flat(), hpas.flat(), configMaps.flat());
  }

  /** True when this snapshot listed the namespace (so its HPA list is authoritative there). */
  covers(namespace: string): boolean {
    return this.scope.namespaces === undefined || this.scope.namespaces.includes(namespace);
  }

  /** The listed object, once: later calls return undefined so a re-describe reads the apiserver. */
  takeWorkload(ref: string): WorkloadObject | undefined {
    const o = this.fresh.get(ref);
    this.fresh.delete(ref);
    return o;
  }

  /** The listed object (not consumed): what the metrics source reads selectors and requests from. */
  listedWorkload(ref: string): WorkloadObject | undefined {
    return this.listed.get(ref);
  }

  /** The HPA whose scaleTargetRef names this workload, if any. */
  hpaFor(id: WorkloadId): V2HorizontalPodAutoscaler | undefined {
    return this.hpaByTarget.get(`${id.namespace}/${apiKindOf(id.kind)}/${id.name}`);
  }

  configMap(namespace: string, name: string): V1ConfigMap | undefined {
    return this.configMaps.find((c) => c.metadata?.namespace === namespace && c.metadata?.name === name);
  }

  /** Pods of a namespace, listed once per pass. */
  podsIn(namespace: string): Promise<V1Pod[]> {
    let p = this.pods.get(namespace);
    if (!p) {
      p = this.api.listPods(namespace);
      // A failed list is not remembered: the next workload of the namespace tries again.
      p.catch(() => this.pods.delete(namespace));
      this.pods.set(namespace, p);
    }
    return p;
  }

  /** metrics.k8s.io samples of a namespace's pods, listed and parsed once per pass; a failure is remembered for the pass too. */
  podSamplesIn(namespace: string): Promise<PodUsageSample[]> {
    let p = this.metrics.get(namespace);
    if (!p) {
      p = this.api.listPodMetrics(namespace).then((raw) => parsePodMetricsList(raw, 'podMetrics'));
      // Avoid an unhandled rejection when nobody awaits it yet; callers still see the error.
      p.catch(() => undefined);
      this.metrics.set(namespace, p);
    }
    return p;
  }
}
