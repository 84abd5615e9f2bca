import * as z from 'zod';
import { ValidationError, zodIssues } from '@autoscaler/core';
import { isQuantity, parseQuantity } from './model/quantity';
import { parseYamlDocuments } from './model/yaml-text';
import type { FakeKubeApi } from './fake-kube-api';

const quantity = z
  .union([z.string(), z.number()])
  .refine((v) => typeof v === 'number' || isQuantity(v), 'must be a Kubernetes quantity like "500m", "2" or "1Gi"')
  .transform(String);
const resources = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const name = z.string().min(1).max(253);

const ContainerSeedSchema = z.strictObject({
  name: z.string().min(1).max(63).default('server'),
  image: z.string().min(1).default('ghcr.io/example/model-server:1.0'),
  requests: resources.default({ cpu: '500m', memory: '1Gi' }),
  limits: resources.optional(),
  /** The container's `resizePolicy` (in-place resize): restart policy per resource. */
  resizePolicy: z
    .strictObject({ cpu: z.enum(['NotRequired', 'RestartContainer']).optional(), memory: z.enum(['NotRequired', 'RestartContainer']).optional() })
    .optional(),
});

const WorkloadSeedSchema = z.strictObject({
  namespace: z.string().min(1).max(63).default('default'),
  name,
  replicas: z.number().int().min(0).default(1),
  /** Selector and pod template labels (default `app: <name>`). */
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).default({}),
  containers: z.array(ContainerSeedSchema).min(1).optional(),
  /** What the pods use (metrics-server samples): total CPU cores over all pods, memory per pod. */
  load: z.strictObject({ cpu: quantity.optional(), memoryPerPod: quantity.optional() }).optional(),
  rollout: z.enum(['instant', 'manual']).optional(),
});

const HpaSeedSchema = z.strictObject({
  namespace: z.string().min(1).max(63).default('default'),
  name,
  /** `deployment/<name>` or `statefulset/<name>`. */
  target: z.string().regex(/^(deployment|statefulset)\/[a-z0-9.-]+$/, 'must be deployment/<name> or statefulset/<name>'),
  minReplicas: z.number().int().min(1).default(1),
  maxReplicas: z.number().int().min(1),
  cpuUtilization: z.number().int().min(1).default(80),
});

const ConfigMapSeedSchema = z.strictObject({
  namespace: z.string().min(1).max(63).default('default'),
  name,
  labels: z.record(z.string(), z.string()).default({}),
  data: z.record(z.string(), z.string()).default({}),
});

/** What `autoscaler sandbox k8s --seed <file>` and tests put into the fake. */
export const FakeKubeSeedSchema = z.strictObject({
  namespaces: z.array(z.string().min(1).max(63)).default([]),
  deployments: z.array(WorkloadSeedSchema).default([]),
  statefulsets: z.array(WorkloadSeedSchema).default([]),
  hpas: z.array(HpaSeedSchema).default([]),
  configMaps: z.array(ConfigMapSeedSchema).default([]),
  /** Raw Kubernetes objects (apps/v1 Deployment, v1 ConfigMap, ...), as in a manifest. */
  objects: z.array(z.record(z.string(), z.unknown())).default([]),
});

export type FakeKubeSeed = z.input<typeof FakeKubeSeedSchema>;
export type WorkloadSeed = z.input<typeof WorkloadSeedSchema>;

/** A Deployment/StatefulSet manifest from the short seed form. */
export function workloadObject(kind: 'Deployment' | 'StatefulSet', input: WorkloadSeed): Record<string, unknown> {
  const w = WorkloadSeedSchema.parse(input);
  const labels = w.labels ?? { app: w.name };
  const containers = (w.containers ?? [ContainerSeedSchema.parse({})]).map((c) => ({
    name: c.name,
    image: c.image,
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { ...c.requests }, ...(c.limits ? { limits: { ...c.limits } } : {}) },
    ...(c.resizePolicy ? { resizePolicy: Object.entries(c.resizePolicy).map(([resourceName, restartPolicy]) => ({ resourceName, restartPolicy })) } : {}),
  }));
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: w.name, namespace: w.namespace, labels: { ...labels }, annotations: { ...w.annotations } },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { ...labels } },
      ...(kind === 'StatefulSet' ? { serviceName: w.name } : {}),
      template: { metadata: { labels: { ...labels } }, spec: { containers } },
    },
  };
}

/** Parse a seed file (YAML or JSON); problems are listed by path. */
export function parseSeed(text: string, source = 'seed'): z.output<typeof FakeKubeSeedSchema> {
  const values = parseYamlDocuments(text, source);
  const doc = values.length === 1 ? values[0] : values;
  // A multi-document manifest is a list of raw objects.
  const input = Array.isArray(doc) ? { objects: doc } : (doc as Record<string, unknown> | null)?.['kind'] !== undefined ? { objects: [doc] } : doc;
  const r = FakeKubeSeedSchema.safeParse(input ?? {});
  if (!r.success) throw new ValidationError(`${source}: invalid seed`, zodIssues(r.error));
  return r.data;
}

/** Put a seed into a running fake. */
export function applySeed(api: FakeKubeApi, seed: FakeKubeSeed): void {
  const s = FakeKubeSeedSchema.parse(seed);
  for (const ns of s.namespaces) api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const [kind, list] of [
    ['Deployment', s.deployments],
    ['StatefulSet', s.statefulsets],
  ] as const) {
    for (const w of list) {
      const id = `${w.namespace}/${kind.toLowerCase()}/${w.name}`;
      if (w.rollout) api.setRollout(id, w.rollout);
      if (w.load) {
        api.setLoad(id, {
          ...(w.load.cpu !== undefined ? { cpuCores: parseQuantity(w.load.cpu) } : {}),
          ...(w.load.memoryPerPod !== undefined ? { memoryBytesPerPod: parseQuantity(w.load.memoryPerPod) } : {}),
        });
      }
      api.put(workloadObject(kind, w));
    }
  }
  for (const h of s.hpas) {
    const [kind, target] = h.target.split('/') as [string, string];
    api.put({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: h.name, namespace: h.namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: kind === 'deployment' ? 'Deployment' : 'StatefulSet', name: target },
        minReplicas: h.minReplicas,
        maxReplicas: h.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: h.cpuUtilization } } }],
      },
    });
  }
  for (const c of s.configMaps)
    api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: c.name, namespace: c.namespace, labels: c.labels }, data: c.data });
  for (const o of s.objects) api.put(o);
}
