import * as z from 'zod';
import { ValidationError, zodIssues } from '@autoscaler/core';
import { parseGoDuration, parseQuantity } from '../model/quantity';

/** One pod's sample from metrics-server, in base units. */
export interface PodUsageSample {
  namespace: string;
  pod: string;
  labels: Record<string, string>;
  /** Epoch milliseconds of the sample (`timestamp`). */
  at: number;
  windowSeconds: number;
  cpuCores: number;
  memoryBytes: number;
  containers: Array<{ name: string; cpuCores: number; memoryBytes: number }>;
}

const Iso = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), 'must be an RFC 3339 time like 2022-01-27T19:24:31Z');

const PodMetricsSchema = z.object({
  metadata: z.object({
    name: z.string().min(1, 'must not be empty'),
    namespace: z.string().min(1, 'must not be empty'),
    labels: z.record(z.string(), z.string()).optional(),
  }),
  timestamp: Iso,
  window: z.string(),
  containers: z.array(z.object({ name: z.string().min(1), usage: z.object({ cpu: z.unknown(), memory: z.unknown() }) })),
});

/** `metrics.k8s.io/v1beta1` PodMetricsList: unknown fields are allowed (newer servers add some). */
export const PodMetricsListSchema = z.object({
  kind: z.literal('PodMetricsList'),
  apiVersion: z.string().regex(/^metrics\.k8s\.io\//, 'must be metrics.k8s.io/<version>'),
  metadata: z.object({}).loose().optional(),
  items: z.array(PodMetricsSchema),
});

export type PodMetricsList = z.input<typeof PodMetricsListSchema>;

/** Parses a PodMetricsList; every problem names its path (`items[0].containers[0].usage.cpu`). */
export function parsePodMetricsList(raw: unknown, field = 'podMetrics'): PodUsageSample[] {
  const r = PodMetricsListSchema.safeParse(raw);
  if (!r.success)
    throw new ValidationError(
      `invalid ${field} (a metrics.k8s.io PodMetricsList)`,
      zodIssues(r.error).map((i) => ({ path: i.path ? `${field}.${i.path}` : field, message: i.message })),
    );
  return r.data.items.map((item, i) => {
    const at = `${field}.items[${i}]`;
    const containers = item.containers.map((c, j) => ({
      name: c.name,
      cpuCores: nonNegative(parseQuantity(c.usage.cpu, `${at}.containers[${j}].usage.cpu`), `${at}.containers[${j}].usage.cpu`),
      memoryBytes: nonNegative(parseQuantity(c.usage.memory, `${at}.containers[${j}].usage.memory`), `${at}.containers[${j}].usage.memory`),
    }));
    return {
      namespace: item.metadata.namespace,
      pod: item.metadata.name,
      labels: item.metadata.labels ?? {},
      at: Date.parse(item.timestamp),
      windowSeconds: parseGoDuration(item.window, `${at}.window`),
      cpuCores: containers.reduce((a, c) => a + c.cpuCores, 0),
      memoryBytes: containers.reduce((a, c) => a + c.memoryBytes, 0),
      containers,
    };
  });
}

/** Above 2^53 (9e15 cores, 9 PB) no reading is real, and sums and ratios of it overflow to Infinity. */
const MAX_USAGE = 2 ** 53;

function nonNegative(v: number, field: string): number {
  if (v < 0) throw ValidationError.field(field, `must be >= 0, got ${v}`);
  if (!(v <= MAX_USAGE)) throw ValidationError.field(field, `is ${v}, beyond any real usage (at most ${MAX_USAGE})`);
  return v;
}
