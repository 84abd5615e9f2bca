import type { Json } from './patch';
import type { ResourceDef } from './resources';
import { statusError } from './status';

/**
 * The `fieldValidation` query parameter of create, update and patch (GA in 1.27; the apiserver's default is Warn):
 * unknown fields are dropped silently (Ignore), reported in `Warning` headers (Warn) or refused with 400 (Strict).
 * The fake knows the fields of the object's top level, `metadata` and `spec`, not deeper (a misspelt
 * `spec.replica` is caught, a misspelt container field is not).
 */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

type JsonObject = { [key: string]: Json };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const OBJECT_META = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/** Top-level fields besides apiVersion, kind and metadata; `spec` fields where the fake knows them. */
const FIELDS: Readonly<Record<string, { top: string[]; spec?: string[] }>> = {
  namespaces: { top: ['spec', 'status'], spec: ['finalizers'] },
  nodes: { top: ['spec', 'status'], spec: ['podCIDR', 'podCIDRs', 'providerID', 'unschedulable', 'taints', 'configSource', 'externalID'] },
  pods: { top: ['spec', 'status'] },
  configmaps: { top: ['data', 'binaryData', 'immutable'] },
  deployments: {
    top: ['spec', 'status'],
    spec: ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
  },
  statefulsets: {
    top: ['spec', 'status'],
    spec: [
      'replicas',
      'selector',
      'template',
      'volumeClaimTemplates',
      'serviceName',
      'podManagementPolicy',
      'updateStrategy',
      'revisionHistoryLimit',
      'minReadySeconds',
      'persistentVolumeClaimRetentionPolicy',
      'ordinals',
    ],
  },
  horizontalpodautoscalers: { top: ['spec', 'status'], spec: ['scaleTargetRef', 'minReplicas', 'maxReplicas', 'metrics', 'behavior'] },
};

/** Paths (`spec.replica`) of the fields of `o` the resource does not have, as far as the fake knows them. */
export function unknownFields(def: ResourceDef, o: JsonObject): string[] {
  const known = FIELDS[def.resource];
  if (!known) return [];
  const out: string[] = [];
  const top = new Set(['apiVersion', 'kind', 'metadata', ...known.top]);
  for (const k of Object.keys(o)) if (!top.has(k)) out.push(k);
  if (isObject(o['metadata'])) for (const k of Object.keys(o['metadata'])) if (!OBJECT_META.includes(k)) out.push(`metadata.${k}`);
  if (known.spec && isObject(o['spec'])) for (const k of Object.keys(o['spec'])) if (!known.spec.includes(k)) out.push(`spec.${k}`);
  return out;
}

/** The request's directive (400 for a value the apiserver does not know). */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Ignore' || v === 'Warn' || v === 'Strict') return v;
  throw statusError(400, `fieldValidation must be one of Ignore, Warn or Strict, got "${v}"`);
}

/**
 * Applies the directive to the object a request would store: Strict throws 400 BadRequest as the apiserver's
 * strict decoder does; otherwise the unknown fields are dropped (the decoder never sees them) and Warn answers
 * the `Warning` header value (299 warnings, comma-separated).
 */
export function checkFields(mode: FieldValidation, def: ResourceDef, o: JsonObject): { warning?: string } {
  const unknown = unknownFields(def, o);
  if (unknown.length === 0) return {};
  const fields = unknown.map((f) => `unknown field "${f}"`);
  if (mode === 'Strict')
    throw statusError(
      400,
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${fields.join(', ')}`,
      undefined,
      'BadRequest',
    );
  for (const path of unknown) {
    const [head, leaf] = path.split('.') as [string, string | undefined];
    const parent = leaf === undefined ? o : o[head];
    if (isObject(parent)) delete parent[leaf ?? head];
  }
  return mode === 'Warn' ? { warning: fields.map((f) => `299 - ${JSON.stringify(f)}`).join(', ') } : {};
}
