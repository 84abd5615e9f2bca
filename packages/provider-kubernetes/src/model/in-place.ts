import type { V1Container } from '@kubernetes/client-node';
import { qosClass, type ContainerResources } from '@autoscaler/cloud-semantics';
import { ValidationError, type Issue } from '@autoscaler/core';
import { ANNOTATION } from './annotations';
import { parseQuantity } from './quantity';
import type { ResourceTier } from './tiers';

/** How a tier change reaches the pods: `template` patches the pod template (the pods roll), `in-place` resizes running pods. */
export type ResizeMode = 'in-place' | 'template';

// The QoS class the apiserver computes, shared with the sandbox's fake apiserver.
export { qosClass, type ContainerResources };

/** The `autoscaler.dev/resize` annotation (default `template`); anything else is a ValidationError naming it. */
export function resizeModeOf(annotations: Readonly<Record<string, string>> | undefined): ResizeMode {
  const v = annotations?.[ANNOTATION.resize];
  if (v === undefined || v === 'template') return 'template';
  if (v === 'in-place') return 'in-place';
  throw ValidationError.field(`metadata.annotations["${ANNOTATION.resize}"]`, `must be "in-place" or "template", got ${JSON.stringify(v.slice(0, 40))}`);
}

/**
 * A container's resources moved to `tier`: the tier's requests and limits over the current ones, and a limit the
 * tier does not set but whose request it changes removed (else it could be left below the new request) - the
 * same rule as the template patch.
 */
export function tierResources(current: ContainerResources | undefined, tier: ResourceTier): ContainerResources {
  const requests = { ...(current?.requests ?? {}), ...tier.requests };
  const limits: Record<string, string> = { ...(current?.limits ?? {}), ...(tier.limits ?? {}) };
  for (const k of Object.keys(tier.requests)) if (tier.limits?.[k] === undefined) delete limits[k];
  return { requests, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
}

const q = (v: string | undefined): number | undefined => (v === undefined ? undefined : parseQuantity(v));

/** The container's resize policy for one resource (Kubernetes' default is NotRequired). */
export function restartPolicyOf(container: Pick<V1Container, 'resizePolicy'> | undefined, resource: string): string {
  return container?.resizePolicy?.find((p) => p.resourceName === resource)?.restartPolicy ?? 'NotRequired';
}

const same = (a: string | undefined, b: string | undefined): boolean => (a === undefined || b === undefined ? a === b : parseQuantity(a) === parseQuantity(b));

/**
 * What Kubernetes would refuse in an in-place resize of container `index` (of `containers`, the pod's or the pod
 * template's) from `current` to `target`, as issues naming the pod template field to change: resources other than
 * cpu and memory cannot change, the pod's QoS class cannot change, and a memory limit only goes down where the
 * container's resize policy for memory is RestartContainer. No I/O: the provider calls it before any write.
 */
export function inPlaceProblems(
  containers: readonly V1Container[],
  index: number,
  current: ContainerResources | undefined,
  target: ContainerResources,
  what: string,
): Issue[] {
  const field = `spec.template.spec.containers[${index}]`;
  const issues: Issue[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    const keys = new Set([...Object.keys(current?.[kind] ?? {}), ...Object.keys(target[kind] ?? {})]);
    for (const k of keys) {
      if (k === 'cpu' || k === 'memory') continue;
      if (!same(current?.[kind]?.[k], target[kind]?.[k]))
        issues.push({
          path: `${field}.resources.${kind}[${k}]`,
          message: `${what}: only cpu and memory can be resized in place (${k} would change); use autoscaler.dev/resize: template for this ladder`,
        });
    }
  }
  const oldMem = q(current?.limits?.['memory']);
  const newMem = q(target.limits?.['memory']);
  if (oldMem !== undefined && (newMem === undefined || newMem < oldMem) && restartPolicyOf(containers[index], 'memory') !== 'RestartContainer') {
    issues.push({
      path: `${field}.resizePolicy`,
      message: `${what}: the memory limit would go ${newMem === undefined ? 'away' : 'down'} (${current?.limits?.['memory'] ?? ''} -> ${target.limits?.['memory'] ?? 'none'}), which Kubernetes refuses in place unless the container's resizePolicy for memory is RestartContainer; add {resourceName: memory, restartPolicy: RestartContainer} to the pod template or use autoscaler.dev/resize: template`,
    });
  }
  const before = containers.map((c, i) => (i === index ? current : c.resources));
  const after = containers.map((c, i) => (i === index ? target : c.resources));
  const qb = qosClass(before);
  const qa = qosClass(after);
  if (qb !== qa)
    issues.push({ path: `${field}.resources`, message: `${what}: the pod's QoS class would change (${qb} -> ${qa}), which an in-place resize cannot do` });
  return issues;
}
