import type { V1Container, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { TargetStatus } from '@autoscaler/core';
import { ANNOTATION, isManaged } from './annotations';
import { formatWorkloadId, type WorkloadId, type WorkloadKind } from './ids';
import { formatSelector, selectorRequirements, type Requirement } from './labels';
import { resizeModeOf, type ResizeMode } from './in-place';
import { parseTiers, tierOf, type ResourceTier } from './tiers';

export type WorkloadObject = V1Deployment | V1StatefulSet;

/** What the autoscaler needs to know about one Deployment/StatefulSet, read from its object. */
export interface WorkloadView {
  id: WorkloadId;
  /** `<namespace>/<kind>/<name>`. */
  ref: string;
  object: WorkloadObject;
  annotations: Readonly<Record<string, string>>;
  replicas: number;
  status: TargetStatus;
  reason?: string;
  version: string;
  selector: Requirement[];
  /** The selector as a label query (`app=model-server`), for pod and metrics lists. */
  selectorText: string;
  /** The container whose requests/limits the tiers set. */
  container?: V1Container;
  /** Its index in the pod template's containers. */
  containerIndex?: number;
  /** The pod template's containers. */
  containers: V1Container[];
  /** `autoscaler.dev/resize`: how a tier change reaches the pods. */
  resizeMode: ResizeMode;
  tiers: ResourceTier[];
  /** Why the tier annotation could not be used. */
  tiersProblem?: string;
  size?: string;
  managed: boolean;
}

/** ready | updating | failed, from the controller's status (kubectl rollout status semantics). */
export function workloadStatus(kind: WorkloadKind, o: WorkloadObject): { status: TargetStatus; reason?: string } {
  const generation = o.metadata?.generation ?? 0;
  const observed = o.status?.observedGeneration ?? 0;
  const desired = o.spec?.replicas ?? 1;
  if (o.metadata?.deletionTimestamp) return { status: 'updating', reason: 'being deleted' };
  if (observed < generation) return { status: 'updating', reason: `controller has not observed generation ${generation} yet (observed ${observed})` };
  if (kind === 'deployment') {
    const d = o;
    const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
      return { status: 'failed', reason: `rollout stuck: ${progressing.message ?? 'ProgressDeadlineExceeded'}` };
    const updated = d.status?.updatedReplicas ?? 0;
    if (updated < desired) return { status: 'updating', reason: `rollout in progress: ${updated} of ${desired} pods updated` };
    const total = d.status?.replicas ?? 0;
    if (total > updated) return { status: 'updating', reason: `rollout in progress: ${total - updated} old pods pending termination` };
  } else {
    const s = o as V1StatefulSet;
    if (s.status?.updateRevision && s.status.currentRevision && s.status.updateRevision !== s.status.currentRevision)
      return { status: 'updating', reason: `rolling update to ${s.status.updateRevision} in progress` };
    const updated = s.status?.updatedReplicas ?? s.status?.replicas ?? 0;
    if (updated < desired && (s.status?.replicas ?? 0) >= desired)
      return { status: 'updating', reason: `rolling update in progress: ${updated} of ${desired} pods updated` };
  }
  return { status: 'ready' };
}

/** Reads a workload object; `defaultTiers` is the ladder when the workload has no tier annotation. */
export function viewWorkload(id: WorkloadId, object: WorkloadObject, defaultTiers: readonly ResourceTier[] = []): WorkloadView {
  const annotations = object.metadata?.annotations ?? {};
  const containers = object.spec?.template.spec?.containers ?? [];
  const wanted = annotations[ANNOTATION.container];
  const container = wanted !== undefined ? containers.find((c) => c.name === wanted) : containers[0];
  let tiers = [...defaultTiers];
  let tiersProblem: string | undefined;
  if (annotations[ANNOTATION.tiers] !== undefined) {
    try {
      tiers = parseTiers(annotations[ANNOTATION.tiers], `annotation ${ANNOTATION.tiers}`);
    } catch (e) {
      tiersProblem = (e as Error).message;
      tiers = [];
    }
  }
  if (wanted !== undefined && !container) tiersProblem = `annotation ${ANNOTATION.container}: no container named "${wanted}"`;
  let resizeMode: ResizeMode = 'template';
  try {
    resizeMode = resizeModeOf(annotations);
  } catch (e) {
    tiersProblem ??= (e as Error).message;
  }
  const resources = container?.resources;
  // Resized in place, the pods are at the recorded tier while the template stays where it was.
  const recorded = annotations[ANNOTATION.size];
  const size = resizeMode === 'in-place' && recorded !== undefined && tiers.some((t) => t.name === recorded) ? recorded : tierOf(tiers, resources);
  let selector: Requirement[] = [];
  try {
    selector = selectorRequirements(object.spec?.selector);
  } catch {
    selector = [];
  }
  const { status, reason } = workloadStatus(id.kind, object);
  const view: WorkloadView = {
    id,
    ref: formatWorkloadId(id),
    object,
    annotations,
    replicas: object.spec?.replicas ?? 1,
    status,
    version: object.metadata?.resourceVersion ?? '',
    selector,
    selectorText: formatSelector(selector),
    tiers,
    containers,
    resizeMode,
    managed: isManaged(annotations),
  };
  if (reason !== undefined) view.reason = reason;
  if (container) {
    view.container = container;
    view.containerIndex = containers.indexOf(container);
  }
  if (tiersProblem !== undefined) view.tiersProblem = tiersProblem;
  if (size !== undefined) view.size = size;
  return view;
}
