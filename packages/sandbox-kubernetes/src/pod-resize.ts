import { qosClass as qosOf, type ContainerResources } from './model/qos';
import { isQuantity, parseQuantity } from './model/quantity';
import type { Json } from './patch';
import { invalid, type StatusCause } from './status';
import type { KubeObject } from './store';
import { textOf } from '@autoscaler/core';

type JsonObject = { [key: string]: Json };
const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);
const MUTABLE = new Set(['cpu', 'memory']);
const qosClass = (containers: readonly JsonObject[]): string => qosOf(containers.map((c) => obj(c['resources']) as unknown as ContainerResources));

/** `restartPolicy` of a container's resize policy for one resource (default NotRequired). */
export function resizeRestartPolicy(container: JsonObject, resource: string): string {
  const p = arr(container['resizePolicy'])
    .map(obj)
    .find((x) => x['resourceName'] === resource);
  return typeof p?.['restartPolicy'] === 'string' ? p['restartPolicy'] : 'NotRequired';
}

const qty = (v: Json | undefined): number | undefined => (v === undefined || v === null ? undefined : parseQuantity(textOf(v)));

/**
 * The apiserver's checks of a `pods/<name>/resize` write (KEP-1287 as stable in 1.35): the same containers,
 * only their cpu/memory requests and limits change, the QoS class stays, and a memory limit only goes down
 * where the container's resize policy for memory is RestartContainer. Anything else in the body is dropped,
 * as the resize strategy does. Returns the updated pod (spec and status) or throws the 422 Status.
 */
export function resizePod(current: KubeObject, next: JsonObject): KubeObject {
  const name = current.metadata.name;
  const oldContainers = arr(obj(current['spec'])['containers']).map(obj);
  const newContainers = arr(obj(next['spec'])['containers']).map(obj);
  const causes: StatusCause[] = [];
  if (newContainers.length !== oldContainers.length || newContainers.some((c, i) => c['name'] !== oldContainers[i]!['name'])) {
    const extra = newContainers.map((c) => textOf(c['name'])).filter((n) => !oldContainers.some((o) => o['name'] === n));
    causes.push({
      reason: 'FieldValueForbidden',
      message: `Forbidden: containers may not be added or removed by a resize${extra.length > 0 ? ` (no container named ${extra.map((n) => `"${n}"`).join(', ')})` : ''}`,
      field: 'spec.containers',
    });
    throw invalid('Pod', '', name, causes);
  }
  newContainers.forEach((c, i) => {
    for (const kind of ['requests', 'limits'] as const) {
      for (const [k, v] of Object.entries(obj(obj(c['resources'])[kind]))) {
        if (!isQuantity(v))
          causes.push({
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(v)}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
            field: `spec.containers[${i}].resources.${kind}[${k}]`,
          });
      }
    }
  });
  if (causes.length > 0) throw invalid('Pod', '', name, causes);
  newContainers.forEach((c, i) => {
    const o = oldContainers[i]!;
    const oldRes = obj(o['resources']);
    const newRes = obj(c['resources']);
    for (const kind of ['requests', 'limits'] as const) {
      const before = obj(oldRes[kind]);
      const after = obj(newRes[kind]);
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (MUTABLE.has(k)) continue;
        if (JSON.stringify(before[k]) !== JSON.stringify(after[k]))
          causes.push({
            reason: 'FieldValueForbidden',
            message: 'Forbidden: only cpu and memory resources are mutable',
            field: `spec.containers[${i}].resources.${kind}[${k}]`,
          });
      }
    }
    const oldMem = qty(obj(oldRes['limits'])['memory']);
    const newMem = qty(obj(newRes['limits'])['memory']);
    if (oldMem !== undefined && (newMem === undefined || newMem < oldMem) && resizeRestartPolicy(o, 'memory') !== 'RestartContainer') {
      causes.push({
        reason: 'FieldValueForbidden',
        message: 'Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer',
        field: `spec.containers[${i}].resources.limits[memory]`,
      });
    }
  });
  if (causes.length === 0 && qosClass(oldContainers) !== qosClass(newContainers))
    causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: Pod QOS Class may not change as a result of resizing', field: 'spec' });
  if (causes.length > 0) throw invalid('Pod', '', name, causes);

  const updated = structuredClone(current);
  const spec = obj(updated['spec']);
  const containers = arr(spec['containers']).map(obj);
  const statuses = arr(obj(updated['status'])['containerStatuses']).map(obj);
  containers.forEach((c, i) => {
    const before = JSON.stringify(c['resources'] ?? {});
    const resources = structuredClone(obj(newContainers[i]!['resources']));
    c['resources'] = resources;
    const st = statuses.find((s) => s['name'] === c['name']);
    if (!st) return;
    // The fake kubelet actuates at once: allocated and actual resources follow the spec.
    st['allocatedResources'] = structuredClone(obj(resources['requests']));
    st['resources'] = structuredClone(resources);
    if (before === JSON.stringify(resources)) return;
    const oldRes = obj(oldContainers[i]!['resources']);
    const changed = ['cpu', 'memory'].filter((k) =>
      ['requests', 'limits'].some((kind) => JSON.stringify(obj(oldRes[kind])[k]) !== JSON.stringify(obj(resources[kind])[k])),
    );
    if (changed.some((k) => resizeRestartPolicy(c, k) === 'RestartContainer'))
      st['restartCount'] = (typeof st['restartCount'] === 'number' ? st['restartCount'] : 0) + 1;
  });
  spec['containers'] = containers;
  updated['spec'] = spec;
  return updated;
}
