import type { Json } from './patch';
import type { ResourceDef } from './resources';
import type { KubeObject } from './store';

type JsonObject = { [key: string]: Json };
const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
const num = (v: Json | undefined): number => (typeof v === 'number' ? v : 0);

/** True when the client asked for server-side printing (`kubectl get` sends `as=Table`). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

/** k8s.io/apimachinery duration.HumanDuration, the AGE column. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

interface Column {
  name: string;
  type: 'string' | 'integer';
  format?: string;
  description: string;
  cell(o: KubeObject, now: number): string | number;
}

const nameCol: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp of the object.', cell: (o, now) => humanAge(now - Date.parse(o.metadata.creationTimestamp)) };

const COLUMNS: Readonly<Record<string, Column[]>> = {
  deployments: [
    nameCol,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', cell: (o) => `${num(obj(o['status'])['readyReplicas'])}/${num(obj(o['spec'])['replicas'])}` },
    { name: 'Up-to-date', type: 'integer', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', cell: (o) => num(obj(o['status'])['updatedReplicas']) },
    { name: 'Available', type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', cell: (o) => num(obj(o['status'])['availableReplicas']) },
    ageCol,
  ],
  statefulsets: [nameCol, { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', cell: (o) => `${num(obj(o['status'])['readyReplicas'])}/${num(obj(o['spec'])['replicas'])}` }, ageCol],
  pods: [
    nameCol,
    { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (o) => {
      const cs = obj(o['status'])['containerStatuses'];
      const list = Array.isArray(cs) ? cs.map(obj) : [];
      return `${list.filter((c) => c['ready'] === true).length}/${list.length}`;
    } },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: (o) => String(obj(o['status'])['phase'] ?? 'Unknown') },
    { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.', cell: () => '0' },
    ageCol,
  ],
  horizontalpodautoscalers: [
    nameCol,
    { name: 'Reference', type: 'string', description: 'reference to the target object', cell: (o) => {
      const r = obj(obj(o['spec'])['scaleTargetRef']);
      return `${String(r['kind'])}/${String(r['name'])}`;
    } },
    { name: 'MinPods', type: 'integer', description: 'Lower limit for the number of pods.', cell: (o) => num(obj(o['spec'])['minReplicas'] ?? 1) },
    { name: 'MaxPods', type: 'integer', description: 'Upper limit for the number of pods.', cell: (o) => num(obj(o['spec'])['maxReplicas']) },
    { name: 'Replicas', type: 'integer', description: 'Current number of replicas.', cell: (o) => num(obj(o['status'])['currentReplicas']) },
    ageCol,
  ],
  configmaps: [nameCol, { name: 'Data', type: 'integer', description: 'Number of data entries.', cell: (o) => Object.keys(obj(o['data'])).length }, ageCol],
  namespaces: [nameCol, { name: 'Status', type: 'string', description: 'The status of the namespace', cell: () => 'Active' }, ageCol],
};

/** A `meta.k8s.io/v1` Table of the objects, rows carrying PartialObjectMetadata (kubectl's default `includeObject=Metadata`). */
export function toTable(def: ResourceDef, objects: readonly KubeObject[], now: number, listMeta: JsonObject): unknown {
  const cols = COLUMNS[def.resource] ?? [nameCol, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: 0 })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
