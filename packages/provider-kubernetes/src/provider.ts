import type { KubeConfig, V1Container, V1Pod } from '@kubernetes/client-node';
import { ProviderError, ValidationError, silentLogger } from '@autoscaler/core';
import type {
  ApplyHandle,
  ApplyOptions,
  Issue,
  CallOptions,
  Capacity,
  Logger,
  NativeExport,
  PersistedState,
  Policy,
  Provider,
  SizeLadder,
  TargetRef,
  TargetState,
} from '@autoscaler/core';
import { ClusterSnapshot } from './kube/cluster-snapshot';
import { hpaTargeting, refuseHpaOwned } from './kube/hpa-owner';
import { KubeApi } from './kube/kube-api';
import type { ConfigMapStateStore } from './kube/state-configmap';
import { ANNOTATION, persistedStatePatch, readPersistedState } from './model/annotations';
import { exportHpa } from './model/hpa-export';
import { parseWorkloadId, type WorkloadId } from './model/ids';
import { inPlaceProblems, tierResources, type ContainerResources } from './model/in-place';
import { matches } from './model/labels';
import { tierOf, type ResourceTier } from './model/tiers';
import { viewWorkload, type WorkloadView } from './model/workload';

export interface KubernetesProviderOptions {
  /** The client configuration (kubeconfig, in-cluster service account), or a ready `KubeApi`. */
  kube: KubeConfig | KubeApi;
  /** Size ladder for workloads without an `autoscaler.dev/tiers` annotation. */
  tiers?: readonly ResourceTier[];
  logger?: Logger;
  /**
   * Seconds from a replica change until the new pods serve (the predictive rule's default
   * horizon). Default 30, an estimate: the documented pod-startup SLO is 5 s at p99 excluding
   * image pull and readiness (kubernetes/community sig-scalability pod_startup_latency.md), plus
   * about 25 s for a model server to load and pass its readiness probe. Set it from your own rollouts.
   */
  provisioningSeconds?: number;
  /**
   * Keep the autoscaler's memory in this ConfigMap instead of annotations on each workload, so
   * no write access to the workloads themselves is needed for replica changes (the CronJob's
   * default RBAC). State annotations already on a workload are still read until the first write.
   */
  stateStore?: ConfigMapStateStore;
}

/** See `KubernetesProviderOptions.provisioningSeconds`. */
export const DEFAULT_PROVISIONING_SECONDS = 30;

/**
 * Deployments and StatefulSets: replicas through the `scale` subresource,
 * vertical size along a ladder of requests/limits tiers (a strategic merge patch
 * of the pod template, which rolls the pods, or with `autoscaler.dev/resize: in-place`
 * the running pods' `resize` subresource, falling back to the template patch),
 * optimistic concurrency on `resourceVersion` (409 -> ConflictError), the
 * autoscaler's own state in `autoscaler.dev/*` annotations (written in the same
 * patch as a resize; after a replica change, which the `scale` subresource
 * carries alone, by a second merge patch). A workload an HPA targets is refused
 * with NotManagedError naming the HPA.
 */
export class KubernetesProvider implements Provider {
  readonly name = 'kubernetes';
  readonly api: KubeApi;
  readonly provisioningSeconds: number;
  private readonly tiers: readonly ResourceTier[];
  private readonly stateStore: ConfigMapStateStore | undefined;
  private readonly logger: Logger;
  private snapshot: ClusterSnapshot | undefined;
  /** Views from the last describe, to patch the right container without another GET. */
  private readonly described = new Map<string, WorkloadView>();

  constructor(options: KubernetesProviderOptions) {
    this.api = options.kube instanceof KubeApi ? options.kube : new KubeApi(options.kube);
    this.tiers = options.tiers ?? [];
    this.stateStore = options.stateStore;
    this.logger = options.logger ?? silentLogger;
    const p = options.provisioningSeconds ?? DEFAULT_PROVISIONING_SECONDS;
    if (!Number.isFinite(p) || p < 0) throw ValidationError.field('provisioningSeconds', `must be a number of seconds >= 0, got ${String(p)}`);
    this.provisioningSeconds = p;
  }

  /** Serve this pass's first describe of each workload from a snapshot (no GET per workload). */
  usePass(snapshot: ClusterSnapshot | undefined): void {
    this.snapshot = snapshot;
    this.described.clear();
  }

  validateId(id: string): void {
    parseWorkloadId(id);
  }

  private idOf(ref: TargetRef): WorkloadId {
    if (ref.provider !== this.name) throw ValidationError.field('target.provider', `"${ref.provider}" is not ${this.name}`);
    return parseWorkloadId(ref.id);
  }

  private async view(id: WorkloadId, ref: string, signal?: AbortSignal): Promise<WorkloadView> {
    const listed = this.snapshot?.takeWorkload(ref);
    const object = listed ?? (await this.api.getWorkload(id, signal));
    return viewWorkload(id, object, this.tiers);
  }

  async describe(ref: TargetRef, options: CallOptions = {}): Promise<TargetState> {
    const id = this.idOf(ref);
    const view = await this.view(id, ref.id, options.signal);
    const hpa = this.snapshot?.covers(id.namespace) ? this.snapshot.hpaFor(id) : hpaTargeting(await this.api.listHpas(id.namespace, options.signal), id);
    if (hpa) throw refuseHpaOwned(id, hpa);
    if (view.resizeMode === 'in-place' && view.size !== undefined && !view.tiersProblem) await this.catchUp(view, ref, options.signal);
    this.described.set(ref.id, view);
    const problems: string[] = [];
    const persisted = readPersistedState(this.stateStore?.get(id) ?? view.annotations, problems);
    if (problems.length > 0) this.logger.log('warn', 'ignored damaged autoscaler annotations', { target: ref, problems });
    if (view.tiersProblem) this.logger.log('warn', 'size ladder unusable', { target: ref, problem: view.tiersProblem });
    const capacity: Capacity = { replicas: view.replicas };
    if (view.size !== undefined) capacity.size = view.size;
    const state: TargetState = { ref, capacity, status: view.status, version: view.version, managed: view.managed, persisted };
    if (view.reason !== undefined) state.reason = view.reason;
    return state;
  }

  async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    const id = this.idOf(ref);
    if (!Number.isInteger(to.replicas) || to.replicas < 0)
      throw ValidationError.field('capacity.replicas', `must be a whole number >= 0, got ${String(to.replicas)}`);
    const cached = this.described.get(ref.id);
    this.described.delete(ref.id);
    const view =
      cached && (options.ifMatch === undefined || cached.version === options.ifMatch)
        ? cached
        : viewWorkload(id, await this.api.getWorkload(id, options.signal), this.tiers);
    if (to.size !== undefined && view.resizeMode === 'in-place' && !view.tiersProblem) {
      if (to.size !== view.size) return this.applyInPlace(ref, view, to, options);
      // Same tier: pods that came up at the template's size since are resized after the replica change.
      const scale = await this.patchScaleIfChanged(view, to, options);
      const done = await this.resizePods(view, this.tierFor(view, to.size), options.signal);
      return { kind: 'immediate', id: `${ref.id}@${scale ?? view.version}${done.note}` };
    }
    if (to.size !== undefined && to.size !== view.size) {
      // The resize patches the workload itself, so the autoscaler's memory rides along in the same write.
      // With a state ConfigMap the memory is written there instead (the orchestrator calls writeState).
      const state = this.stateStore ? undefined : options.state;
      const patch = this.resizePatch(view, to, options.ifMatch, state);
      const updated = await this.api.patchWorkload(id, patch, 'strategic', `resize to ${to.size}`, options.signal);
      return { kind: 'rollout', id: `${ref.id}@${updated.metadata?.resourceVersion ?? ''}`, ...(state ? { stateWritten: true } : {}) };
    }
    const scale = await this.api.patchScale(id, to.replicas, options.ifMatch, options.signal);
    return { kind: 'immediate', id: `${ref.id}@${scale.metadata?.resourceVersion ?? ''}` };
  }

  private tierFor(view: WorkloadView, size: string): ResourceTier {
    if (view.tiersProblem) throw ValidationError.field('capacity.size', view.tiersProblem);
    const tier = view.tiers.find((t) => t.name === size);
    if (!tier)
      throw ValidationError.field(
        'capacity.size',
        `"${size}" is not a tier of ${view.ref} (${view.tiers.map((t) => t.name).join(', ') || 'no tiers: annotate autoscaler.dev/tiers'})`,
      );
    return tier;
  }

  private async patchScaleIfChanged(view: WorkloadView, to: Capacity, options: ApplyOptions): Promise<string | undefined> {
    if (to.replicas === view.replicas) return undefined;
    const scale = await this.api.patchScale(view.id, to.replicas, options.ifMatch, options.signal);
    return scale.metadata?.resourceVersion;
  }

  /** The workload's live pods (the pass's snapshot when it holds the namespace). */
  private async podsOf(view: WorkloadView, signal?: AbortSignal): Promise<V1Pod[]> {
    const ns = view.id.namespace;
    signal?.throwIfAborted();
    const pods = this.snapshot?.covers(ns)
      ? (await this.snapshot.podsIn(ns)).filter((p) => matches(view.selector, p.metadata?.labels))
      : await this.api.listPods(ns, view.selectorText);
    return pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  }

  /**
   * Which pods need a resize to `tier`, with their target resources; every refusal Kubernetes would answer is a
   * ValidationError naming the pod template field, raised before any write.
   */
  private plan(view: WorkloadView, tier: ResourceTier, pods: readonly V1Pod[]): Array<{ pod: string; name: string; resources: ContainerResources }> {
    const container = view.container;
    if (!container || view.containerIndex === undefined) throw new ProviderError(`${view.ref} has no container to resize`);
    const out: Array<{ pod: string; name: string; resources: ContainerResources }> = [];
    const issues: Issue[] = [];
    for (const pod of pods) {
      const podContainers = pod.spec?.containers ?? [];
      const c = podContainers.find((x) => x.name === container.name);
      if (!c) continue;
      const current = c.resources;
      if (tierOf([tier], current) === tier.name) continue;
      const target = tierResources(current, tier);
      const podName = pod.metadata?.name ?? '';
      for (const issue of inPlaceProblems(podContainers, podContainers.indexOf(c), current, target, `pod ${podName} to ${tier.name}`)) {
        // The pod's fields come from the template: name the template field the operator edits.
        const path = issue.path.replace(/containers\[\d+\]/, `containers[${view.containerIndex}]`);
        if (!issues.some((x) => x.path === path)) issues.push({ path, message: issue.message });
      }
      out.push({ pod: podName, name: container.name, resources: target });
    }
    if (issues.length > 0) throw new ValidationError(`in-place resize of ${view.ref} to ${tier.name} refused (nothing was changed)`, issues);
    return out;
  }

  /** Resize the pods not at `tier` yet; `unsupported` when the apiserver does not serve `pods/resize`. */
  private async resizePods(
    view: WorkloadView,
    tier: ResourceTier,
    signal?: AbortSignal,
    planned?: ReturnType<KubernetesProvider['plan']>,
  ): Promise<{ resized: number; unsupported: boolean; note: string }> {
    const todo = planned ?? this.plan(view, tier, await this.podsOf(view, signal));
    let resized = 0;
    for (const p of todo) {
      const body = {
        spec: {
          containers: [{ name: p.name, resources: { ...(p.resources.requests ? { requests: p.resources.requests } : {}), limits: p.resources.limits ?? {} } }],
        },
      };
      const r = await this.api.resizePod(view.id.namespace, p.pod, body, signal);
      if (r === 'unsupported') return { resized, unsupported: true, note: ` (pods/resize not served: ${resized} pods resized)` };
      if (r !== 'gone') resized++;
    }
    return { resized, unsupported: false, note: todo.length > 0 ? ` in place: ${resized} of ${todo.length} pods resized to ${tier.name}` : '' };
  }

  /**
   * In-place resize: check every pod first (a refusal writes nothing), record the tier in the size annotation
   * (conditional on the described version; the autoscaler's memory rides along), change replicas if asked, then
   * resize each running pod through its `resize` subresource. When the apiserver does not serve it, the template
   * patch does the resize instead and the handle says so.
   */
  private async applyInPlace(ref: TargetRef, view: WorkloadView, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    const tier = this.tierFor(view, to.size!);
    const planned = this.plan(view, tier, await this.podsOf(view, options.signal));
    const state = this.stateStore ? undefined : options.state;
    const body = {
      metadata: {
        ...(options.ifMatch ? { resourceVersion: options.ifMatch } : {}),
        annotations: { ...(state ? persistedStatePatch(state) : {}), [ANNOTATION.size]: tier.name },
      },
    };
    const annotated = await this.api.patchWorkload(view.id, body, 'merge', `record size ${tier.name} on`, options.signal);
    let version = annotated.metadata?.resourceVersion ?? '';
    const scaled = await this.patchScaleIfChanged(view, to, { ...options, ifMatch: version });
    if (scaled !== undefined) version = scaled;
    const done = await this.resizePods(view, tier, options.signal, planned);
    if (done.unsupported) {
      this.logger.log('warn', 'the apiserver does not serve pods/resize: resizing through the pod template (the pods roll)', { target: ref });
      const patch = this.resizePatch(view, to, version, undefined);
      const updated = await this.api.patchWorkload(view.id, patch, 'strategic', `resize to ${to.size}`, options.signal);
      return {
        kind: 'rollout',
        id: `${ref.id}@${updated.metadata?.resourceVersion ?? ''} template patch: the apiserver does not serve pods/resize`,
        ...(state ? { stateWritten: true } : {}),
      };
    }
    return { kind: 'immediate', id: `${ref.id}@${version}${done.note}`, ...(state ? { stateWritten: true } : {}) };
  }

  /** Describe of an in-place workload: pods that came up at the template's size since the resize are resized to the recorded tier. */
  private async catchUp(view: WorkloadView, ref: TargetRef, signal?: AbortSignal): Promise<void> {
    try {
      const done = await this.resizePods(view, this.tierFor(view, view.size!), signal);
      if (done.resized > 0) this.logger.log('info', 'resized pods that came up at the template size', { target: ref, size: view.size, pods: done.resized });
      if (done.unsupported)
        this.logger.log('warn', 'the apiserver does not serve pods/resize: pods stay at the template size until the next tier change', { target: ref });
    } catch (e) {
      if (signal?.aborted) throw e;
      this.logger.log('warn', 'could not bring pods to the recorded tier', { target: ref, size: view.size, error: (e as Error).message });
    }
  }

  /**
   * What can be known without I/O (the workload listed in this pass's snapshot, or described before): an in-place
   * workload whose ladder a rule walks down where Kubernetes refuses it (a memory limit lowered with a NotRequired
   * resize policy), or where a tier changes more than cpu and memory.
   */
  checkPolicy(policy: Policy, ref: TargetRef): Issue[] {
    let id: WorkloadId;
    try {
      id = this.idOf(ref);
    } catch {
      return [];
    }
    const object = this.described.get(ref.id)?.object ?? this.snapshot?.listedWorkload(ref.id);
    if (!object) return [];
    const view = viewWorkload(id, object, this.tiers);
    if (view.resizeMode !== 'in-place' || view.tiersProblem || view.containerIndex === undefined) return [];
    const sizes = policy.limits.sizes ?? view.tiers.map((t) => t.name);
    const tiers = sizes.map((s) => view.tiers.find((t) => t.name === s)).filter((t): t is ResourceTier => t !== undefined);
    const walks = (policy.rules ?? []).map((r) => (r as { threshold?: { size?: string } }).threshold?.size);
    const down = walks.includes('previous');
    const up = walks.includes('next');
    if (!down && !up) return [];
    const issues: Issue[] = [];
    for (let i = 1; i < tiers.length; i++) {
      const lo = tiers[i - 1]!;
      const hi = tiers[i]!;
      const steps: Array<[ResourceTier, ResourceTier]> = [
        ...(up ? [[lo, hi] as [ResourceTier, ResourceTier]] : []),
        ...(down ? [[hi, lo] as [ResourceTier, ResourceTier]] : []),
      ];
      for (const [from, to] of steps) {
        const current = tierResources(view.container?.resources, from);
        issues.push(...inPlaceProblems(view.containers, view.containerIndex, current, tierResources(current, to), `${from.name} -> ${to.name}`));
      }
    }
    return issues;
  }

  /** Strategic merge patch: the tier's requests/limits on one container, the new replica count, the size annotation (and the state, when given). */
  private resizePatch(view: WorkloadView, to: Capacity, ifMatch: string | undefined, state: PersistedState | undefined): object {
    if (view.tiersProblem) throw ValidationError.field('capacity.size', view.tiersProblem);
    const tier = view.tiers.find((t) => t.name === to.size);
    if (!tier)
      throw ValidationError.field(
        'capacity.size',
        `"${to.size}" is not a tier of ${view.ref} (${view.tiers.map((t) => t.name).join(', ') || 'no tiers: annotate autoscaler.dev/tiers'})`,
      );
    const container: V1Container | undefined = view.container;
    if (!container) throw new ProviderError(`${view.ref} has no container to resize`);
    const current = (container.resources?.limits ?? {}) as Record<string, string>;
    const limits: Record<string, string | null> = { ...(tier.limits ?? {}) };
    // A limit the tier does not set but whose request it changes would be left below the new request.
    for (const k of Object.keys(tier.requests)) if (tier.limits?.[k] === undefined && current[k] !== undefined) limits[k] = null;
    return {
      metadata: {
        ...(ifMatch ? { resourceVersion: ifMatch } : {}),
        annotations: { ...(state ? persistedStatePatch(state) : {}), [ANNOTATION.size]: tier.name },
      },
      spec: {
        replicas: to.replicas,
        template: {
          spec: {
            containers: [{ name: container.name, resources: { requests: { ...tier.requests }, ...(Object.keys(limits).length > 0 ? { limits } : {}) } }],
          },
        },
      },
    };
  }

  async sizes(ref: TargetRef): Promise<SizeLadder> {
    const id = this.idOf(ref);
    const view = this.described.get(ref.id) ?? viewWorkload(id, await this.api.getWorkload(id), this.tiers);
    return view.tiers.map((t) => t.name);
  }

  async readState(ref: TargetRef): Promise<PersistedState> {
    const id = this.idOf(ref);
    const stored = this.stateStore?.get(id);
    if (stored) return readPersistedState(stored);
    const object = await this.api.getWorkload(id);
    return readPersistedState(object.metadata?.annotations);
  }

  /**
   * A JSON merge patch of the annotations only (or of the workload's key in the state ConfigMap):
   * no resourceVersion, so it never races the scale change it records.
   */
  async writeState(ref: TargetRef, state: PersistedState, options: CallOptions = {}): Promise<void> {
    const id = this.idOf(ref);
    this.described.delete(ref.id);
    if (this.stateStore) await this.stateStore.write(id, state, options.signal);
    else await this.api.patchWorkload(id, { metadata: { annotations: persistedStatePatch(state) } }, 'merge', 'write autoscaler state on', options.signal);
  }

  exportNative(policy: Policy, ref: TargetRef): NativeExport {
    return exportHpa(policy, this.idOf(ref));
  }
}
