import { createHash } from 'node:crypto';
import { RESOURCES, VERSION_INFO, type ResourceDef } from './resources';

/**
 * A skeleton OpenAPI v3 (`/openapi/v3` and one document per group version): the operations of each stored
 * resource, tagged with their group-version-kind, and the query parameters they take, but no schemas.
 * Enough for kubectl's check that the server validates fields itself (`fieldValidation` on the PATCH
 * operation, kubectl's QueryParamVerifierV3), so `kubectl create -f` / `apply -f` send `fieldValidation=Strict`
 * instead of downloading schemas to validate client-side. Without schemas, `kubectl explain` finds nothing and
 * `kubectl apply` computes its patches from the types compiled into kubectl, as it does for any server without them.
 */

type Doc = Record<string, unknown>;

const query = (name: string, description: string): Doc => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  query('dryRun', 'When present, indicates that modifications should not be persisted.'),
  query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  query(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
  ),
];
// No application/apply-patch+yaml: the fake does not do server-side apply.
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const OK = { '200': { description: 'OK' } };

/** `api/v1` or `apis/apps/v1`: the key of a group version in the root document. */
const gvPath = (d: Pick<ResourceDef, 'group' | 'version'>): string => (d.group === '' ? `api/${d.version}` : `apis/${d.group}/${d.version}`);

function operation(action: string, gvk: Doc, params: Doc[], patch = false): Doc {
  return {
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(patch ? { requestBody: { content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: { type: 'object' } }])), required: true } } : {}),
    responses: OK,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
}

function paths(defs: readonly ResourceDef[]): Doc {
  const out: Doc = {};
  for (const d of defs) {
    const base = `/${gvPath(d)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}`;
    const gvk = { group: d.group, version: d.version, kind: d.kind };
    out[base] = { get: operation('list', gvk, []), post: operation('post', gvk, WRITE_PARAMS) };
    out[`${base}/{name}`] = {
      get: operation('get', gvk, []),
      put: operation('put', gvk, WRITE_PARAMS),
      patch: operation('patch', gvk, WRITE_PARAMS, true),
      delete: operation('delete', gvk, [query('dryRun', 'When present, indicates that modifications should not be persisted.')]),
    };
    for (const sub of d.subresources) {
      const subGvk = sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
      out[`${base}/{name}/${sub}`] = {
        get: operation('get', subGvk, []),
        put: operation('put', subGvk, WRITE_PARAMS),
        patch: operation('patch', subGvk, WRITE_PARAMS, true),
      };
    }
  }
  return out;
}

/** Computed metrics (metrics.k8s.io) publish no OpenAPI, as metrics-server does not. */
const documented = (): ResourceDef[] => RESOURCES.filter((r) => !r.readOnly);

function groupVersionDoc(key: string): Doc | undefined {
  const defs = documented().filter((d) => gvPath(d) === key);
  if (defs.length === 0) return undefined;
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths: paths(defs), components: { schemas: {} } };
}

const hashOf = (doc: Doc): string => createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();

/** `GET /openapi/v3`: where each group version's document is (the hash lets clients cache it). */
export function openApiV3Root(): Doc {
  const keys = [...new Set(documented().map(gvPath))];
  return { paths: Object.fromEntries(keys.map((k) => [k, { serverRelativeURL: `/openapi/v3/${k}?hash=${hashOf(groupVersionDoc(k)!)}` }])) };
}

/** `GET /openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`, ... (undefined: 404). */
export function openApiV3Document(path: string): Doc | undefined {
  const key = path.replace(/^\/openapi\/v3\//, '');
  return groupVersionDoc(key);
}
