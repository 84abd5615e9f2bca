import type { Json } from './patch';
import type { ResourceDef } from './resources';
import type { KubeObject } from './store';
import { textOf } from '@autoscaler/core';

type JsonObject = { [key: string]: Json };
const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
/** The objects of a list field (absent or not a list: none). */
const objs = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.map(obj) : []);
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
  /** 1: shown by `kubectl get -o wide` only. */
  priority?: number;
  cell(o: KubeObject, now: number): string | number;
}

const str = (v: Json | undefined, none = '<none>'): string => (typeof v === 'string' && v !== '' ? v : none);
const containersOf = (o: KubeObject): JsonObject[] => objs(obj(obj(obj(o['spec'])['template'])['spec'])['containers']);

/** metav1.FormatLabelSelector: `app=x,tier in (a,b),!legacy`. */
function formatSelector(selector: Json | undefined): string {
  const s = obj(selector);
  const parts = Object.entries(obj(s['matchLabels'])).map(([k, v]) => `${k}=${textOf(v)}`);
  for (const e of objs(s['matchExpressions'])) {
    const key = textOf(e['key']);
    const values = Array.isArray(e['values']) ? e['values'].map(textOf).join(',') : '';
    const op = textOf(e['operator']);
    parts.push(op === 'Exists' ? key : op === 'DoesNotExist' ? `!${key}` : `${key} ${op === 'NotIn' ? 'notin' : 'in'} (${values})`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** The TARGETS column (printers.go formatHPAMetrics): `cpu: 45%/70%`, `<unknown>` before the controller has measured. */
function hpaTargets(o: KubeObject): string {
  const list = objs(obj(o['spec'])['metrics']);
  if (list.length === 0) return '<none>';
  const current = objs(obj(o['status'])['currentMetrics']);
  const q = (v: Json | undefined): string => (v === undefined || v === null ? '<unknown>' : textOf(v));
  const shown = list.map((m, i) => {
    const type = textOf(m['type']);
    const key =
      type === 'Resource'
        ? 'resource'
        : type === 'ContainerResource'
          ? 'containerResource'
          : type === 'Pods'
            ? 'pods'
            : type === 'Object'
              ? 'object'
              : type === 'External'
                ? 'external'
                : '';
    if (!key) return '<unknown type>';
    const target = obj(obj(m[key])['target']);
    const now = obj(obj(current[i]?.[key])['current']);
    if (key === 'resource' || key === 'containerResource') {
      const name = textOf(obj(m[key])['name']);
      if (target['averageValue'] !== undefined) return `${name}: ${q(now['averageValue'])}/${textOf(target['averageValue'])}`;
      const util = typeof now['averageUtilization'] === 'number' ? `${now['averageUtilization']}%` : '<unknown>';
      return `${name}: ${util}/${typeof target['averageUtilization'] === 'number' ? `${target['averageUtilization']}%` : '<auto>'}`;
    }
    if (key === 'pods') return `${q(now['averageValue'])}/${textOf(target['averageValue'])}`;
    if (target['averageValue'] !== undefined) return `${q(now['averageValue'])}/${textOf(target['averageValue'])} (avg)`;
    return `${q(now['value'])}/${textOf(target['value'])}`;
  });
  return shown.length > 2 ? `${shown.slice(0, 2).join(', ')} + ${shown.length - 2} more...` : shown.join(', ');
}

const nameCol: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name };
const ageCol: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp of the object.',
  cell: (o, now) => humanAge(now - Date.parse(o.metadata.creationTimestamp)),
};
/** A wide-output column: one field of each container in the pod template, comma-separated. */
const containerFieldCol = (name: string, field: 'name' | 'image', description: string): Column => ({
  name,
  type: 'string',
  priority: 1,
  description,
  cell: (o) =>
    containersOf(o)
      .map((c) => textOf(c[field] ?? ''))
      .join(','),
});
const containersCol = containerFieldCol('Containers', 'name', 'Names of each container in the template.');
const imagesCol = containerFieldCol('Images', 'image', 'Images referenced by each container in the template.');
const readyReplicasCol: Column = {
  name: 'Ready',
  type: 'string',
  description: 'Number of the pod with ready state',
  cell: (o) => `${num(obj(o['status'])['readyReplicas'])}/${num(obj(o['spec'])['replicas'])}`,
};

/** The apiserver's column definitions (pkg/printers/internalversion), priority-1 columns included as it sends them. */
const COLUMNS: Readonly<Record<string, Column[]>> = {
  deployments: [
    nameCol,
    readyReplicasCol,
    {
      name: 'Up-to-date',
      type: 'integer',
      description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      cell: (o) => num(obj(o['status'])['updatedReplicas']),
    },
    {
      name: 'Available',
      type: 'integer',
      description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      cell: (o) => num(obj(o['status'])['availableReplicas']),
    },
    ageCol,
    containersCol,
    imagesCol,
    { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.', cell: (o) => formatSelector(obj(o['spec'])['selector']) },
  ],
  statefulsets: [nameCol, readyReplicasCol, ageCol, containersCol, imagesCol],
  pods: [
    nameCol,
    {
      name: 'Ready',
      type: 'string',
      description: 'The aggregate readiness state of this pod for accepting traffic.',
      cell: (o) => {
        const list = objs(obj(o['status'])['containerStatuses']);
        return `${list.filter((c) => c['ready'] === true).length}/${list.length}`;
      },
    },
    {
      name: 'Status',
      type: 'string',
      description: 'The aggregate status of the containers in this pod.',
      cell: (o) => textOf(obj(o['status'])['phase'] ?? 'Unknown'),
    },
    { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.', cell: () => '0' },
    ageCol,
    { name: 'IP', type: 'string', priority: 1, description: 'podIP address allocated to the pod.', cell: (o) => str(obj(o['status'])['podIP']) },
    {
      name: 'Node',
      type: 'string',
      priority: 1,
      description: 'NodeName is the name of the node this pod is scheduled onto.',
      cell: (o) => str(obj(o['spec'])['nodeName']),
    },
    {
      name: 'Nominated Node',
      type: 'string',
      priority: 1,
      description: 'nominatedNodeName is set only when this pod preempts other pods on the node.',
      cell: (o) => str(obj(o['status'])['nominatedNodeName']),
    },
    {
      name: 'Readiness Gates',
      type: 'string',
      priority: 1,
      description: 'If specified, all readiness gates will be evaluated for pod readiness.',
      cell: () => '<none>',
    },
  ],
  horizontalpodautoscalers: [
    nameCol,
    {
      name: 'Reference',
      type: 'string',
      description: 'reference to the target object',
      cell: (o) => {
        const r = obj(obj(o['spec'])['scaleTargetRef']);
        return `${textOf(r['kind'])}/${textOf(r['name'])}`;
      },
    },
    {
      name: 'Targets',
      type: 'string',
      description: 'metrics contains the specifications for which to use to calculate the desired replica count.',
      cell: hpaTargets,
    },
    {
      name: 'MinPods',
      type: 'string',
      description: 'Lower limit for the number of pods.',
      cell: (o) => {
        const min = obj(o['spec'])['minReplicas'];
        return typeof min === 'number' ? String(min) : '<unset>';
      },
    },
    { name: 'MaxPods', type: 'integer', description: 'Upper limit for the number of pods.', cell: (o) => num(obj(o['spec'])['maxReplicas']) },
    { name: 'Replicas', type: 'integer', description: 'Current number of replicas.', cell: (o) => num(obj(o['status'])['currentReplicas']) },
    ageCol,
  ],
  nodes: [
    nameCol,
    {
      name: 'Status',
      type: 'string',
      description: 'The status of the node',
      cell: (o) => {
        const ready = objs(obj(o['status'])['conditions']).find((c) => c['type'] === 'Ready');
        return ready?.['status'] === 'True' ? 'Ready' : ready?.['status'] === 'False' ? 'NotReady' : 'Unknown';
      },
    },
    { name: 'Roles', type: 'string', description: 'The roles of the node', cell: () => '<none>' },
    ageCol,
    {
      name: 'Version',
      type: 'string',
      description: 'Kubelet Version reported by the node.',
      cell: (o) => textOf(obj(obj(o['status'])['nodeInfo'])['kubeletVersion'] ?? ''),
    },
    {
      name: 'Internal-IP',
      type: 'string',
      priority: 1,
      description: 'List of addresses reachable to the node.',
      cell: (o) => str(objs(obj(o['status'])['addresses']).find((x) => x['type'] === 'InternalIP')?.['address']),
    },
    { name: 'External-IP', type: 'string', priority: 1, description: 'List of addresses reachable to the node.', cell: () => '<none>' },
    {
      name: 'OS-Image',
      type: 'string',
      priority: 1,
      description: 'OS Image reported by the node.',
      cell: (o) => str(obj(obj(o['status'])['nodeInfo'])['osImage'], '<unknown>'),
    },
    {
      name: 'Kernel-Version',
      type: 'string',
      priority: 1,
      description: 'Kernel Version reported by the node.',
      cell: (o) => str(obj(obj(o['status'])['nodeInfo'])['kernelVersion'], '<unknown>'),
    },
    {
      name: 'Container-Runtime',
      type: 'string',
      priority: 1,
      description: 'ContainerRuntime Version reported by the node.',
      cell: (o) => str(obj(obj(o['status'])['nodeInfo'])['containerRuntimeVersion'], '<unknown>'),
    },
  ],
  configmaps: [nameCol, { name: 'Data', type: 'integer', description: 'Number of data entries.', cell: (o) => Object.keys(obj(o['data'])).length }, ageCol],
  namespaces: [
    nameCol,
    { name: 'Status', type: 'string', description: 'The status of the namespace', cell: (o) => textOf(obj(o['status'])['phase'] ?? 'Active') },
    ageCol,
  ],
};

/** A `meta.k8s.io/v1` Table of the objects, rows carrying PartialObjectMetadata (kubectl's default `includeObject=Metadata`). */
export function toTable(def: ResourceDef, objects: readonly KubeObject[], now: number, listMeta: JsonObject): unknown {
  const cols = COLUMNS[def.resource] ?? [nameCol, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
