import { dns1123LabelProblem, dns1123SubdomainProblem } from './model/ids';
import { matches, selectorRequirements } from './model/labels';
import { isQuantity, parseQuantity } from './model/quantity';
import type { Json } from './patch';
import type { ResourceDef } from './resources';
import { invalid, type StatusCause } from './status';
import type { KubeObject } from './store';

type JsonObject = { [key: string]: Json };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkResources(resources: Json | undefined, path: string, causes: StatusCause[]): void {
  if (resources === undefined) return;
  if (!isObject(resources)) {
    causes.push({ reason: 'FieldValueInvalid', message: 'must be an object', field: path });
    return;
  }
  for (const part of ['requests', 'limits'] as const) {
    const m = resources[part];
    if (m === undefined) continue;
    if (!isObject(m)) {
      causes.push({ reason: 'FieldValueInvalid', message: 'must be a map of quantities', field: `${path}.${part}` });
      continue;
    }
    for (const [k, v] of Object.entries(m)) {
      if (!isQuantity(v))
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: must be a quantity`, field: `${path}.${part}[${k}]` });
    }
  }
  const req = isObject(resources['requests']) ? resources['requests'] : {};
  const lim = isObject(resources['limits']) ? resources['limits'] : {};
  for (const k of ['cpu', 'memory']) {
    const r = req[k];
    const l = lim[k];
    if (isQuantity(r) && isQuantity(l) && parseQuantity(r) > parseQuantity(l)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${r}": must be less than or equal to ${k} limit of ${l}`,
        field: `${path}.requests`,
      });
    }
  }
}

function checkPodTemplate(template: Json | undefined, selector: Json | undefined, causes: StatusCause[]): void {
  if (!isObject(template)) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template' });
    return;
  }
  const labels = isObject(template['metadata']) && isObject(template['metadata']['labels']) ? (template['metadata']['labels'] as Record<string, string>) : {};
  if (!isObject(selector)) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
  else {
    try {
      const reqs = selectorRequirements(selector);
      if (reqs.length === 0)
        causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: empty selector is invalid for deployment', field: 'spec.selector' });
      else if (!matches(reqs, labels))
        causes.push({ reason: 'FieldValueInvalid', message: '`selector` does not match template `labels`', field: 'spec.template.metadata.labels' });
    } catch (e) {
      causes.push({ reason: 'FieldValueInvalid', message: (e as Error).message, field: 'spec.selector' });
    }
  }
  const spec = isObject(template['spec']) ? template['spec'] : {};
  const containers = Array.isArray(spec['containers']) ? spec['containers'] : [];
  if (containers.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' });
  containers.forEach((c, i) => {
    if (!isObject(c) || typeof c['name'] !== 'string' || dns1123LabelProblem(c['name']))
      causes.push({ reason: 'FieldValueRequired', message: 'Required value: a DNS-1123 label', field: `spec.template.spec.containers[${i}].name` });
    if (isObject(c)) checkResources(c['resources'], `spec.template.spec.containers[${i}].resources`, causes);
  });
}

function checkReplicas(v: Json | undefined, field: string, causes: StatusCause[]): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: must be greater than or equal to 0`, field });
}

/** Defaults the apiserver fills on create (only those our clients read). */
export function applyDefaults(def: ResourceDef, o: KubeObject): void {
  if (def.group === 'apps') {
    const spec = isObject(o['spec']) ? o['spec'] : (o['spec'] = {});
    if (spec['replicas'] === undefined) spec['replicas'] = 1;
  }
}

/** The apiserver's validation of the fields the fake cares about: a 422 Invalid Status naming each field. */
export function validateObject(def: ResourceDef, o: KubeObject, old?: KubeObject): void {
  const causes: StatusCause[] = [];
  const nameProblem = def.resource === 'namespaces' ? dns1123LabelProblem(o.metadata.name) : dns1123SubdomainProblem(o.metadata.name);
  if (nameProblem) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${o.metadata.name}": ${nameProblem}`, field: 'metadata.name' });
  for (const m of ['labels', 'annotations'] as const) {
    const v = o.metadata[m];
    if (v !== undefined && (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')))
      causes.push({ reason: 'FieldValueInvalid', message: 'values must be strings', field: `metadata.${m}` });
  }
  const annotations = isObject(o.metadata.annotations) ? o.metadata.annotations : {};
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > 256 * 1024) causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most 262144 bytes`, field: 'metadata.annotations' });
  const spec = isObject(o['spec']) ? o['spec'] : undefined;
  if (def.group === 'apps') {
    if (!spec) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec' });
    else {
      checkReplicas(spec['replicas'], 'spec.replicas', causes);
      checkPodTemplate(spec['template'], spec['selector'], causes);
      if (old && JSON.stringify((old['spec'] as JsonObject | undefined)?.['selector']) !== JSON.stringify(spec['selector'])) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(spec['selector'])}: field is immutable`, field: 'spec.selector' });
      }
    }
  }
  if (def.resource === 'horizontalpodautoscalers') {
    const ref = spec && isObject(spec['scaleTargetRef']) ? spec['scaleTargetRef'] : undefined;
    if (!ref || typeof ref['kind'] !== 'string' || typeof ref['name'] !== 'string')
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.scaleTargetRef' });
    const max = spec?.['maxReplicas'];
    const min = spec?.['minReplicas'] ?? 1;
    if (typeof max !== 'number' || max < 1)
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(max)}: must be greater than or equal to 1`,
        field: 'spec.maxReplicas',
      });
    else if (typeof min === 'number' && min > max)
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${max}: must be greater than or equal to \`minReplicas\``,
        field: 'spec.maxReplicas',
      });
  }
  if (def.resource === 'configmaps') {
    const data = o['data'];
    if (data !== undefined && (!isObject(data) || Object.values(data).some((x) => typeof x !== 'string')))
      causes.push({ reason: 'FieldValueInvalid', message: 'values must be strings', field: 'data' });
  }
  if (causes.length > 0) throw invalid(def.kind, def.group, o.metadata.name, causes);
}
