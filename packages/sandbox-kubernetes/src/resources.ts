/** One REST resource the fake serves, with what discovery says about it. */
export interface ResourceDef {
  group: string;
  version: string;
  /** Plural REST name (`deployments`). */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Subresources served under `/{name}/{sub}`. */
  subresources: Array<'scale' | 'status' | 'resize'>;
  /** Objects are computed (metrics.k8s.io): read-only. */
  readOnly?: boolean;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const RO = ['get', 'list'];

export const RESOURCES: readonly ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    verbs: RW,
    subresources: ['resize', 'status'],
  },
  { group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], verbs: RW, subresources: ['status'] },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    verbs: RW,
    subresources: [],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    verbs: RW,
    subresources: ['scale', 'status'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    verbs: RW,
    subresources: ['scale', 'status'],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    verbs: RW,
    subresources: ['status'],
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'pods',
    singular: '',
    kind: 'PodMetrics',
    namespaced: true,
    verbs: RO,
    subresources: [],
    readOnly: true,
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'nodes',
    singular: '',
    kind: 'NodeMetrics',
    namespaced: false,
    verbs: RO,
    subresources: [],
    readOnly: true,
  },
];

export function findResource(group: string, version: string, resource: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** The groups the fake serves, legacy core excluded. */
function groups(): Array<{ name: string; versions: string[] }> {
  const out = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (r.group === '') continue;
    const v = out.get(r.group) ?? [];
    if (!v.includes(r.version)) v.push(r.version);
    out.set(r.group, v);
  }
  return [...out].map(([name, versions]) => ({ name, versions }));
}

/** `GET /api` (APIVersions). */
export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(g: { name: string; versions: string[] }): unknown {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/** `GET /apis` (legacy APIGroupList; clients asking for aggregated discovery fall back to it). */
export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(apiGroup) };
}

/** `GET /apis/{group}` (APIGroup). */
export function apiGroupDoc(group: string): unknown {
  const g = groups().find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(g) as object) } : undefined;
}

/** `GET /api/v1` or `/apis/{group}/{version}` (APIResourceList), subresources included (kubectl's scale client reads them). */
export function apiResourceList(group: string, version: string, omit: ReadonlySet<string> = new Set()): unknown {
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (defs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const d of defs) {
    const entry: Record<string, unknown> = { name: d.resource, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs };
    if (d.shortNames) entry['shortNames'] = d.shortNames;
    if (d.categories) entry['categories'] = d.categories;
    resources.push(entry);
    for (const sub of d.subresources) {
      if (omit.has(`${d.resource}/${sub}`)) continue;
      resources.push(
        sub === 'scale'
          ? {
              name: `${d.resource}/scale`,
              singularName: '',
              namespaced: d.namespaced,
              group: 'autoscaling',
              version: 'v1',
              kind: 'Scale',
              verbs: ['get', 'patch', 'update'],
            }
          : { name: `${d.resource}/${sub}`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] },
      );
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

/** Aggregated discovery versions the fake serves (1.30+ apiservers serve v2 and, until 1.33, v2beta1; kubectl 1.30+ asks for v2 first). */
export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

/** The media type of aggregated discovery in a given version. */
export const aggregatedDiscoveryMediaType = (v: AggregatedDiscoveryVersion): string => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

/**
 * Content negotiation of `/api` and `/apis`, first acceptable media range wins (kubectl lists v2, v2beta1, then
 * plain JSON): an aggregated discovery version, `legacy` for plain JSON (APIVersions / APIGroupList, after which
 * kubectl reads each group version), undefined when nothing offered is acceptable (406).
 */
export function discoveryFormat(accept: string | undefined, aggregatedServed: boolean): AggregatedDiscoveryVersion | 'legacy' | undefined {
  if (accept === undefined || accept.trim() === '') return 'legacy';
  for (const range of accept.split(',')) {
    const [type = '', ...rest] = range.split(';').map((x) => x.trim());
    const params = new Map(rest.map((p) => [p.slice(0, p.indexOf('=')).toLowerCase(), p.slice(p.indexOf('=') + 1)] as const));
    if (params.get('q') !== undefined && Number(params.get('q')) === 0) continue;
    const mediaType = type.toLowerCase();
    if (mediaType !== 'application/json' && mediaType !== 'application/*' && mediaType !== '*/*') continue;
    if (params.has('as') || params.has('g') || params.has('v')) {
      const v = params.get('v');
      if (
        aggregatedServed &&
        mediaType === 'application/json' &&
        params.get('g') === 'apidiscovery.k8s.io' &&
        params.get('as') === 'APIGroupDiscoveryList' &&
        (v === 'v2' || v === 'v2beta1')
      )
        return v;
      continue;
    }
    return 'legacy';
  }
  return undefined;
}

function resourceDiscovery(d: ResourceDef, omit: ReadonlySet<string>): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: d.verbs,
  };
  if (d.shortNames) entry['shortNames'] = d.shortNames;
  if (d.categories) entry['categories'] = d.categories;
  const subs = d.subresources.filter((sub) => !omit.has(`${d.resource}/${sub}`));
  if (subs.length > 0) {
    entry['subresources'] = subs.map((sub) => ({
      subresource: sub,
      responseKind: sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: d.group, version: d.version, kind: d.kind },
      verbs: ['get', 'patch', 'update'],
    }));
  }
  return entry;
}

/**
 * `GET /api` or `/apis` as an `APIGroupDiscoveryList` (one request instead of one per group version).
 * Groups whose APIService is down are `Stale`, as the aggregator reports them; kubectl then names them as failed.
 */
export function aggregatedDiscovery(
  scope: 'core' | 'groups',
  version: AggregatedDiscoveryVersion,
  unavailableGroups: ReadonlySet<string> = new Set(),
  omit: ReadonlySet<string> = new Set(),
): unknown {
  const names = scope === 'core' ? [''] : groups().map((g) => g.name);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: names.map((group) => {
      const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))];
      return {
        metadata: group === '' ? {} : { name: group },
        versions: versions.map((version) => ({
          version,
          resources: RESOURCES.filter((r) => r.group === group && r.version === version).map((d) => resourceDiscovery(d, omit)),
          freshness: unavailableGroups.has(group) ? 'Stale' : 'Current',
        })),
      };
    }),
  };
}

/** `GET /version`. */
export const VERSION_INFO = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-autoscaler-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};
