import { statusError } from './status';
import { textOf } from '@autoscaler/core';

/** A JSON value as patches see it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge, null deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** RFC 6901 pointer into path segments. */
function pointer(path: unknown, op: number): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/')))
    throw statusError(422, `json patch operation ${op}: path ${JSON.stringify(path)} is not a JSON pointer`);
  return path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, segs: string[], op: number, path: string): { parent: JsonObject | Json[]; key: string } {
  let node: Json = doc;
  for (const s of segs.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(s)] ?? null;
    else if (isObject(node)) node = node[s] ?? null;
    else node = null;
    if (node === null || typeof node !== 'object') throw statusError(422, `json patch operation ${op}: doc is missing path: "${path}"`);
  }
  return { parent: node as JsonObject | Json[], key: segs[segs.length - 1]! };
}

function getAt(doc: Json, path: string, op: number): Json {
  let node: Json = doc;
  for (const s of pointer(path, op)) {
    const next: Json | undefined = Array.isArray(node) ? node[Number(s)] : isObject(node) ? node[s] : undefined;
    if (next === undefined) throw statusError(422, `json patch operation ${op}: doc is missing path: "${path}"`);
    node = next;
  }
  return node;
}

function arrayIndex(arr: Json[], key: string, op: number, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw statusError(422, `json patch operation ${op}: "${key}" is not an array index`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length)) throw statusError(422, `json patch operation ${op}: index ${i} out of bounds`);
  return i;
}

function addAt(doc: Json, path: string, value: Json, op: number): Json {
  const segs = pointer(path, op);
  if (segs.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, segs, op, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, op, true), 0, clone(value));
  else parent[key] = clone(value);
  return doc;
}

function removeAt(doc: Json, path: string, op: number): Json {
  const segs = pointer(path, op);
  if (segs.length === 0) return null;
  const { parent, key } = parentOf(doc, segs, op, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, op, false), 1);
  else {
    if (!(key in parent)) throw statusError(422, `json patch operation ${op}: unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

/** RFC 6902 JSON patch (`application/json-patch+json`): add, remove, replace, move, copy, test. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw statusError(400, 'json patch must be an array of operations');
  let doc = clone(target);
  ops.forEach((raw, n) => {
    if (!isObject(raw)) throw statusError(400, `json patch operation ${n} is not an object`);
    const path = raw['path'];
    switch (raw['op']) {
      case 'add':
        if (!('value' in raw)) throw statusError(422, `json patch operation ${n}: add needs a value`);
        doc = addAt(doc, path as string, raw['value'], n);
        break;
      case 'remove':
        doc = removeAt(doc, path as string, n);
        break;
      case 'replace':
        getAt(doc, path as string, n);
        doc = addAt(removeAt(doc, path as string, n), path as string, raw['value'] ?? null, n);
        break;
      case 'move': {
        const value = getAt(doc, raw['from'] as string, n);
        doc = addAt(removeAt(doc, raw['from'] as string, n), path as string, value, n);
        break;
      }
      case 'copy':
        doc = addAt(doc, path as string, getAt(doc, raw['from'] as string, n), n);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, path as string, n)) !== JSON.stringify(raw['value'] ?? null))
          throw statusError(422, `json patch operation ${n}: testing value ${textOf(path)} failed: test failed`);
        break;
      default:
        throw statusError(400, `json patch operation ${n}: unknown op ${JSON.stringify(raw['op'])}`);
    }
  });
  return doc;
}

/**
 * patchMergeKey of the list fields of the types the fake serves (from the
 * `patchMergeKey` struct tags in k8s.io/api core/v1 and apps/v1). Lists not
 * named here are replaced whole, as strategic merge does for atomic lists.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};
/** Primitive lists with `patchStrategy:"merge"` (union instead of replace). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

/**
 * Strategic merge patch (`application/strategic-merge-patch+json`): like a merge
 * patch, but lists with a merge key merge element by element, and the
 * `$patch` (replace/delete/merge), `$retainKeys`, `$deleteFromPrimitiveList/`
 * and `$setElementOrder/` directives are honoured.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  return smpValue(target, patch, undefined);
}

function smpValue(target: Json, patch: Json, field: string | undefined): Json {
  if (isObject(patch)) return smpObject(isObject(target) ? target : null, patch);
  if (Array.isArray(patch) && field !== undefined) return smpList(Array.isArray(target) ? target : [], patch, field);
  return clone(patch);
}

function smpObject(target: JsonObject | null, patch: JsonObject): Json {
  const directive = patch['$patch'];
  if (directive === 'delete') return null;
  const body: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) if (k !== '$patch') body[k] = v;
  if (directive === 'replace') return stripDirectives(body);
  if (directive !== undefined && directive !== 'merge') throw statusError(400, `unknown $patch directive ${JSON.stringify(directive)}`);
  const out: JsonObject = target ? { ...target } : {};
  const retain = body['$retainKeys'];
  for (const [k, v] of Object.entries(body)) {
    if (k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const list = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[list];
      if (Array.isArray(cur) && Array.isArray(v)) out[list] = cur.filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x)));
      continue;
    }
    if (v === null) delete out[k];
    else {
      const next = smpValue(out[k] ?? null, v, k);
      if (next === null && isObject(v) && v['$patch'] === 'delete') delete out[k];
      else out[k] = next;
    }
  }
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function smpList(target: Json[], patch: Json[], field: string): Json {
  if (patch.some((e) => isObject(e) && e['$patch'] === 'replace')) return patch.filter((e) => !(isObject(e) && e['$patch'] === 'replace')).map(stripDirectives);
  const key = MERGE_KEYS[field];
  if (key === undefined) {
    if (MERGED_PRIMITIVE_LISTS.has(field)) {
      const out = [...target];
      for (const v of patch) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(clone(v));
      return out;
    }
    return patch.map(stripDirectives);
  }
  const out = target.map((e) => clone(e));
  for (const element of patch) {
    if (!isObject(element)) throw statusError(400, `strategic merge patch: elements of ${field} must be objects with "${key}"`);
    const id = element[key];
    if (id === undefined) throw statusError(400, `strategic merge patch: an element of ${field} has no merge key "${key}"`);
    const i = out.findIndex((e) => isObject(e) && JSON.stringify(e[key]) === JSON.stringify(id));
    if (element['$patch'] === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = smpObject(out[i] as JsonObject, element);
    else out.push(stripDirectives(element));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

export type PatchType = 'merge' | 'strategic' | 'json';

/** Patch type of a request's Content-Type, or a 415 Status like the apiserver's. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/json-patch+json') return 'json';
  throw statusError(
    415,
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${ct}")`,
  );
}

export function applyPatch(type: PatchType, target: Json, patch: Json): Json {
  switch (type) {
    case 'merge':
      return mergePatch(target, patch);
    case 'strategic':
      return strategicMergePatch(target, patch);
    case 'json':
      return jsonPatch(target, patch);
  }
}
