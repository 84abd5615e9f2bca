import * as z from 'zod';
import { ValidationError, zodIssues } from '@autoscaler/core';
import { dns1123LabelProblem } from './ids';
import { isQuantity, parseQuantity } from './quantity';
import { parseYamlDocument } from './yaml-text';

const quantities = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[a-z0-9-]+$/, 'must be a resource name like cpu, memory or nvidia.com/gpu'),
  z
    .union([z.string(), z.number()])
    .refine((v) => typeof v === 'number' || isQuantity(v), 'must be a Kubernetes quantity like "500m" or "1Gi"')
    .transform(String),
);

export const ResourceTierSchema = z.strictObject({
  name: z.string().refine((n) => dns1123LabelProblem(n) === undefined, 'must be a DNS-1123 label (lowercase letters, digits, "-")'),
  requests: quantities.refine((r) => Object.keys(r).length > 0, 'needs at least one resource (cpu, memory)'),
  limits: quantities.optional(),
});

/** One rung of a Kubernetes size ladder: the requests/limits of the scaled container. */
export type ResourceTier = z.output<typeof ResourceTierSchema>;

/** Parses a tier ladder (smallest first) from YAML/JSON text or an already-parsed list. */
export function parseTiers(input: unknown, field = 'tiers'): ResourceTier[] {
  const doc = typeof input === 'string' ? parseYamlDocument(input, field) : input;
  const r = z.array(ResourceTierSchema).min(1, 'needs at least one tier').safeParse(doc);
  if (!r.success)
    throw new ValidationError(
      `invalid ${field}`,
      zodIssues(r.error).map((i) => ({ path: i.path ? `${field}${i.path.startsWith('[') ? '' : '.'}${i.path}` : field, message: i.message })),
    );
  const seen = new Set<string>();
  r.data.forEach((t, i) => {
    if (seen.has(t.name)) throw ValidationError.field(`${field}[${i}].name`, `duplicate tier "${t.name}"`);
    seen.add(t.name);
    for (const [k, v] of Object.entries(t.requests)) {
      const lim = t.limits?.[k];
      if (lim !== undefined && parseQuantity(v) > parseQuantity(lim))
        throw ValidationError.field(`${field}[${i}].requests.${k}`, `${v} is above the limit ${lim}`);
    }
  });
  return r.data;
}

type ResourceList = Readonly<Record<string, string>> | undefined;

function same(a: string | undefined, b: string): boolean {
  if (a === undefined || !isQuantity(a)) return false;
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
}

/** The tier whose requests (and limits, where it sets them) the container has now, if any. */
export function tierOf(tiers: readonly ResourceTier[], resources: { requests?: ResourceList; limits?: ResourceList } | undefined): string | undefined {
  const found = tiers.find(
    (t) =>
      Object.entries(t.requests).every(([k, v]) => same(resources?.requests?.[k], v)) &&
      Object.entries(t.limits ?? {}).every(([k, v]) => same(resources?.limits?.[k], v)),
  );
  return found?.name;
}
