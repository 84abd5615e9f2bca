import { ApiException, AppsV1Api, AutoscalingV2Api, CoreV1Api, CustomObjectsApi, Observable, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type {
  ConfigurationOptions,
  KubeConfig,
  V1ConfigMap,
  V1Deployment,
  V1Pod,
  V1Scale,
  V1StatefulSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { apiKindOf, formatWorkloadId, type WorkloadId, type WorkloadKind } from '../model/ids';
import type { PodMetricsList } from '../metrics/pod-metrics';
import { translateKubeError } from './errors';

export type WorkloadObject = V1Deployment | V1StatefulSet;

/** Client options that abort the request's I/O with `signal` (the caller's deadline). */
function abortable(signal: AbortSignal | undefined, options?: ConfigurationOptions): ConfigurationOptions | undefined {
  if (!signal) return options;
  return {
    ...options,
    middleware: [
      ...(options?.middleware ?? []),
      {
        pre: (context) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/** Page size of list calls: big lists cost ceil(n / PAGE) calls, not one per object. */
const PAGE = 500;

/**
 * The few apiserver calls the autoscaler makes, through the real client, each
 * one translated to the autoscaler's errors. Everything the provider, the
 * discovery and the metrics source read or write goes through here, so the
 * RBAC rules in apps/k8s-cronjob/deploy list exactly these verbs.
 */
export class KubeApi {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly autoscaling: AutoscalingV2Api;
  private readonly custom: CustomObjectsApi;

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly fieldManager = 'autoscaler',
  ) {
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw translateKubeError(e, what);
    }
  }

  private async paged<T>(what: string, page: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>): Promise<T[]> {
    const out: T[] = [];
    let cont: string | undefined;
    do {
      const r = await this.call(what, () => page(cont));
      out.push(...r.items);
      cont = r.metadata?._continue || undefined;
    } while (cont);
    return out;
  }

  /** list deployments|statefulsets, cluster-wide or in one namespace. */
  listWorkloads(kind: WorkloadKind, namespace?: string): Promise<WorkloadObject[]> {
    const what = `list ${kind}s${namespace ? ` in ${namespace}` : ''}`;
    return this.paged<WorkloadObject>(what, (cont) => {
      const page = { limit: PAGE, ...(cont ? { _continue: cont } : {}) };
      if (kind === 'deployment') return namespace ? this.apps.listNamespacedDeployment({ namespace, ...page }) : this.apps.listDeploymentForAllNamespaces(page);
      return namespace ? this.apps.listNamespacedStatefulSet({ namespace, ...page }) : this.apps.listStatefulSetForAllNamespaces(page);
    });
  }

  getWorkload(id: WorkloadId, signal?: AbortSignal): Promise<WorkloadObject> {
    const opts = abortable(signal);
    return this.call(`get ${formatWorkloadId(id)}`, () =>
      id.kind === 'deployment'
        ? this.apps.readNamespacedDeployment({ namespace: id.namespace, name: id.name }, opts)
        : this.apps.readNamespacedStatefulSet({ namespace: id.namespace, name: id.name }, opts),
    );
  }

  /** Merge patch of the scale subresource; `resourceVersion` in the body makes it conditional. */
  patchScale(id: WorkloadId, replicas: number, resourceVersion?: string, signal?: AbortSignal): Promise<V1Scale> {
    const body = { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), spec: { replicas } };
    const opts = abortable(signal, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const args = { namespace: id.namespace, name: id.name, body, fieldManager: this.fieldManager };
    return this.call(`scale ${formatWorkloadId(id)} to ${replicas}`, () =>
      id.kind === 'deployment' ? this.apps.patchNamespacedDeploymentScale(args, opts) : this.apps.patchNamespacedStatefulSetScale(args, opts),
    );
  }

  /** Patch of the workload itself: strategic merge for the pod template, JSON merge for annotations. */
  patchWorkload(id: WorkloadId, body: object, strategy: 'strategic' | 'merge', what: string, signal?: AbortSignal): Promise<WorkloadObject> {
    const opts = abortable(signal, setHeaderOptions('Content-Type', strategy === 'strategic' ? PatchStrategy.StrategicMergePatch : PatchStrategy.MergePatch));
    const args = { namespace: id.namespace, name: id.name, body, fieldManager: this.fieldManager };
    return this.call(`${what} ${formatWorkloadId(id)}`, () =>
      id.kind === 'deployment' ? this.apps.patchNamespacedDeployment(args, opts) : this.apps.patchNamespacedStatefulSet(args, opts),
    );
  }

  /**
   * `PATCH /api/v1/namespaces/{ns}/pods/{name}/resize` (strategic merge): in-place resize of the pod's containers.
   * `unsupported` when the apiserver does not serve the subresource (404 without a named object, or 405: before
   * Kubernetes 1.33, or the feature gate off); `gone` when the pod itself no longer exists.
   */
  async resizePod(namespace: string, name: string, body: object, signal?: AbortSignal): Promise<V1Pod | 'unsupported' | 'gone'> {
    const opts = abortable(signal, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    try {
      return await this.core.patchNamespacedPodResize({ namespace, name, body, fieldManager: this.fieldManager }, opts);
    } catch (e) {
      if (e instanceof ApiException && (e.code === 404 || e.code === 405)) {
        const ex = e as ApiException<unknown>;
        let body = ex.body;
        if (typeof body === 'string') {
          try {
            body = JSON.parse(body) as unknown;
          } catch {
            body = undefined;
          }
        }
        const named = (body as { details?: { name?: unknown } } | undefined)?.details?.name;
        return e.code === 404 && named === name ? 'gone' : 'unsupported';
      }
      throw translateKubeError(e, `resize pod ${namespace}/${name}`);
    }
  }

  listHpas(namespace?: string, signal?: AbortSignal): Promise<V2HorizontalPodAutoscaler[]> {
    const opts = abortable(signal);
    return this.paged(`list horizontalpodautoscalers${namespace ? ` in ${namespace}` : ''}`, (cont) => {
      const page = { limit: PAGE, ...(cont ? { _continue: cont } : {}) };
      return namespace
        ? this.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, ...page }, opts)
        : this.autoscaling.listHorizontalPodAutoscalerForAllNamespaces(page, opts);
    });
  }

  listConfigMaps(labelSelector: string, namespace?: string): Promise<V1ConfigMap[]> {
    return this.paged(`list configmaps (${labelSelector})${namespace ? ` in ${namespace}` : ''}`, (cont) => {
      const page = { limit: PAGE, labelSelector, ...(cont ? { _continue: cont } : {}) };
      return namespace ? this.core.listNamespacedConfigMap({ namespace, ...page }) : this.core.listConfigMapForAllNamespaces(page);
    });
  }

  getConfigMap(namespace: string, name: string, signal?: AbortSignal): Promise<V1ConfigMap> {
    return this.call(`get configmap ${namespace}/${name}`, () => this.core.readNamespacedConfigMap({ namespace, name }, abortable(signal)));
  }

  createConfigMap(namespace: string, body: V1ConfigMap, signal?: AbortSignal): Promise<V1ConfigMap> {
    return this.call(`create configmap ${namespace}/${body.metadata?.name ?? ''}`, () =>
      this.core.createNamespacedConfigMap({ namespace, body, fieldManager: this.fieldManager }, abortable(signal)),
    );
  }

  /** Merge patch of a ConfigMap, conditional on `resourceVersion` when given. */
  patchConfigMap(namespace: string, name: string, body: object, signal?: AbortSignal): Promise<V1ConfigMap> {
    return this.call(`patch configmap ${namespace}/${name}`, () =>
      this.core.patchNamespacedConfigMap(
        { namespace, name, body, fieldManager: this.fieldManager },
        abortable(signal, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
      ),
    );
  }

  listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    return this.paged(`list pods in ${namespace}`, (cont) =>
      this.core.listNamespacedPod({ namespace, limit: PAGE, ...(labelSelector ? { labelSelector } : {}), ...(cont ? { _continue: cont } : {}) }),
    );
  }

  /** `GET /apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods` (metrics-server), raw JSON. */
  listPodMetrics(namespace: string, labelSelector?: string): Promise<unknown> {
    return this.call(
      `list pod metrics in ${namespace} (metrics.k8s.io)`,
      () =>
        this.custom.listNamespacedCustomObject({
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          namespace,
          plural: 'pods',
          ...(labelSelector ? { labelSelector } : {}),
        }) as Promise<unknown>,
    );
  }

  /** The apps/v1 kind of an id (for HPA scaleTargetRef matching). */
  static kindOf(id: WorkloadId): string {
    return apiKindOf(id.kind);
  }
}

export type { PodMetricsList };
