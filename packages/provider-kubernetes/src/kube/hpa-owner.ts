import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { NotManagedError } from '@autoscaler/core';
import { apiKindOf, formatWorkloadId, type WorkloadId } from '../model/ids';

/** The HPA among `hpas` that targets the workload, if any. */
export function hpaTargeting(hpas: readonly V2HorizontalPodAutoscaler[], id: WorkloadId): V2HorizontalPodAutoscaler | undefined {
  return hpas.find(
    (h) => h.metadata?.namespace === id.namespace && h.spec?.scaleTargetRef.kind === apiKindOf(id.kind) && h.spec.scaleTargetRef.name === id.name,
  );
}

/** Two controllers writing one replica count fight (each undoes the other): refuse, naming the HPA. */
export function refuseHpaOwned(id: WorkloadId, hpa: V2HorizontalPodAutoscaler): NotManagedError {
  const name = `${hpa.metadata?.namespace ?? id.namespace}/${hpa.metadata?.name ?? '?'}`;
  return new NotManagedError(
    `${formatWorkloadId(id)} is already scaled by HorizontalPodAutoscaler ${name} (min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas ?? '?'}): two controllers would fight over its replicas; delete the HPA or remove the autoscaler.dev annotations`,
  );
}
