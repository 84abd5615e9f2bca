import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '@autoscaler/core';
import { HttpError, type FakeRequest, type FakeReply, type FaultQueue, type RequestLog } from '@autoscaler/testing';
import { serveFake, type ServedFake } from './serve';
import type { TlsCredentials } from '@autoscaler/testing';
import { matches, parseSelector, type Requirement } from './model/labels';
import { applyPatch, patchTypeOf, type Json } from './patch';
import { checkFields, fieldValidationOf } from './field-validation';
import { openApiV3Document, openApiV3Root } from './openapi';
import {
  RESOURCES,
  VERSION_INFO,
  aggregatedDiscovery,
  aggregatedDiscoveryMediaType,
  apiGroupDoc,
  discoveryFormat,
  apiGroupList,
  apiResourceList,
  apiVersionOf,
  apiVersions,
  findResource,
} from './resources';
import type { ResourceDef } from './resources';
import { alreadyExists, conflict, kubeStatus, notFound, statusError } from './status';
import { ObjectStore, type KubeObject } from './store';
import { toTable, wantsTable } from './table';
import { applyDefaults, validateObject } from './validation';
import { resizePod } from './pod-resize';
import { DEPLOYMENTS, STATEFULSETS, WorkloadController, isWorkloadResource, type RolloutMode, type WorkloadLoad } from './workloads';
import { applySeed, type FakeKubeSeed } from './seed';
import { textOf } from '@autoscaler/core';

type JsonObject = { [key: string]: Json };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What one request asked to do, in RBAC terms (what a Role rule must allow). */
export interface RequestAttributes {
  user: string;
  verb: string;
  /** API group ('' for core), undefined for non-resource URLs. */
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource URL (`/version`, `/apis`). */
  path?: string;
}

export interface FakeKubeApiOptions {
  /** Accepted bearer tokens and the user each authenticates as (default: one random token for `admin`). */
  tokens?: Record<string, string>;
  /** Timestamps, metrics sample times and AGE columns. */
  clock?: Clock;
  /** `manual`: a changed spec stays unobserved (status behind, target `updating`) until `settle()`. */
  rollout?: RolloutMode;
  /** metrics-server `window` of each sample (default `30s`). */
  metricsWindow?: string;
  /** A new pod has no metrics until this long after it started (metrics-server scrapes periodically). */
  metricsLagMs?: number;
  /** RBAC: return true to allow, or a reason to answer 403. Default: everything is allowed. */
  authorize?: (attrs: RequestAttributes) => true | string;
  faults?: FaultQueue;
  log?: RequestLog;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Bound the request log (a long-running sandbox). */
  maxLogEntries?: number;
  /**
   * Answer `/api` and `/apis` with aggregated discovery (apidiscovery.k8s.io/v2 or v2beta1) when the Accept header asks for it,
   * as apiservers since 1.30 do (default true); false emulates an older server, so clients fall back to legacy discovery.
   */
  aggregatedDiscovery?: boolean;
  /**
   * Serve HTTPS with this key and certificate (see `selfSignedCertificate`). kubectl needs it:
   * client-go drops the kubeconfig's credentials for a plain-http server. Default: plain HTTP.
   */
  tls?: TlsCredentials;
  /**
   * Serve the pods `resize` subresource (in-place pod resize, stable in Kubernetes 1.35; default true).
   * false emulates an older apiserver: discovery omits `pods/resize` and the path answers 404.
   */
  podResize?: boolean;
  /** Objects to start with (the `autoscaler sandbox k8s --seed` form, see `applySeed`); a seed that does not parse throws, and no server is left running. */
  seed?: FakeKubeSeed;
}

/** A running fake apiserver. */
export interface FakeKubeApi {
  /** `http://127.0.0.1:<port>`, or `https://` when serving TLS. */
  url: string;
  port: number;
  /** The certificate (PEM) a client trusts as its CA when serving TLS. */
  ca?: string;
  /** A token that authenticates (the first configured one). */
  token: string;
  faults: FaultQueue;
  log: RequestLog;
  /** Every authenticated request, in RBAC terms. */
  audit: RequestAttributes[];
  /** Bugs in the fake (answered as 500). */
  errors: unknown[];
  /** Create (or replace) an object, as `kubectl apply` would, without going through HTTP. */
  put(object: Record<string, unknown>): KubeObject;
  /** A copy of a stored object. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Change what a workload's pods use (`ns/deployment/name`). */
  setLoad(id: string, load: WorkloadLoad): void;
  /** Per-workload rollout mode override. */
  setRollout(id: string, mode: RolloutMode): void;
  /** Hide metrics-server samples of a workload (`ns/kind/name`) or a pod (`ns/pod`). */
  hideMetrics(key: string, hidden?: boolean): void;
  /** metrics.k8s.io answers 503 (APIService unavailable) while false. */
  setMetricsAvailable(available: boolean): void;
  /** Another actor touches the workload (an annotation changes), so its resourceVersion moves on. */
  touch(id: string): void;
  /** Finish pending rollouts (manual mode). */
  settle(id?: string): void;
  close(): Promise<void>;
}

interface Route {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const KIND_TO_RESOURCE = new Map(RESOURCES.map((r) => [`${apiVersionOf(r)}/${r.kind}`, r]));

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function parseBody(req: FakeRequest): Json {
  const text = req.text();
  if (text.length === 0) throw statusError(400, 'the request body is empty');
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw statusError(400, `couldn't get version/kind; json parse error: the body is not valid JSON`);
  }
}

function stripTypeMeta(o: KubeObject): JsonObject {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

/** Label + field selectors of a list request. */
function listFilter(req: FakeRequest): (o: KubeObject) => boolean {
  let labels: Requirement[] = [];
  const ls = req.query.get('labelSelector');
  if (ls) {
    try {
      labels = parseSelector(ls);
    } catch (e) {
      throw statusError(400, `unable to parse requirement: ${(e as Error).message}`);
    }
  }
  const fields: Array<(o: KubeObject) => boolean> = [];
  const fs = req.query.get('fieldSelector');
  if (fs) {
    for (const part of fs.split(',')) {
      const m = /^([a-zA-Z.]+)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
      if (!m) throw statusError(400, `invalid selector: '${part}'; can't understand '${part}'`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      const get = (o: KubeObject): string | undefined => {
        if (field === 'metadata.name') return o.metadata.name;
        if (field === 'metadata.namespace') return o.metadata.namespace;
        if (field === 'status.phase') return (o['status'] as JsonObject | undefined)?.['phase'] as string | undefined;
        throw statusError(400, `field label not supported: ${field}`);
      };
      fields.push((o) => (op === '!=' ? get(o) !== value : get(o) === value));
    }
  }
  return (o) => matches(labels, o.metadata.labels) && fields.every((f) => f(o));
}

/** Starts the fake apiserver on 127.0.0.1 and a random port. */
export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const clock = options.clock ?? systemClock;
  const tokens = options.tokens ?? { [randomBytes(24).toString('base64url')]: 'admin' };
  const firstToken = Object.keys(tokens)[0];
  if (firstToken === undefined) throw new RangeError('FakeKubeApiOptions.tokens needs at least one token');
  const store = new ObjectStore();
  const controller = new WorkloadController(store, clock, {
    defaultRollout: options.rollout ?? 'instant',
    metricsWindow: options.metricsWindow ?? '30s',
    metricsLagMs: options.metricsLagMs ?? 0,
  });
  const audit: RequestAttributes[] = [];
  let metricsAvailable = true;
  const NAMESPACES = findResource('', 'v1', 'namespaces')!;
  const PODS = findResource('', 'v1', 'pods')!;
  const NODES = findResource('', 'v1', 'nodes')!;
  let serverAddress = '127.0.0.1';
  const omitted: ReadonlySet<string> = options.podResize === false ? new Set(['pods/resize']) : new Set();

  // The one node every pod runs on (`kubectl get nodes`, `kubectl top node`), like a single-node kind cluster.
  const started = iso(clock.now());
  store.put(NODES, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'fake-node-1',
      uid: store.newUid(),
      resourceVersion: '',
      creationTimestamp: started,
      labels: { 'kubernetes.io/hostname': 'fake-node-1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
    },
    spec: {},
    status: {
      capacity: { cpu: '16', memory: '65843056Ki', pods: '110' },
      allocatable: { cpu: '16', memory: '65740656Ki', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: started,
          lastTransitionTime: started,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: 'fake-node-1' },
      ],
      nodeInfo: {
        kubeletVersion: VERSION_INFO.gitVersion,
        kubeProxyVersion: VERSION_INFO.gitVersion,
        osImage: 'autoscaler fake node',
        kernelVersion: '6.1.0',
        containerRuntimeVersion: 'containerd://1.7.20',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  });

  const ensureNamespace = (name: string): void => {
    if (store.get(NAMESPACES, undefined, name)) return;
    store.put(NAMESPACES, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: store.newUid(), resourceVersion: '', creationTimestamp: iso(clock.now()), labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  };

  /** Create or replace an object, the write path shared by HTTP and `put`. */
  function write(def: ResourceDef, incoming: KubeObject, old: KubeObject | undefined, dryRun: boolean, keepStatus: boolean): KubeObject {
    const o = structuredClone(incoming);
    o.apiVersion = apiVersionOf(def);
    o.kind = def.kind;
    if (old) {
      o.metadata.uid = old.metadata.uid;
      o.metadata.creationTimestamp = old.metadata.creationTimestamp;
      const specChanged = JSON.stringify(o['spec']) !== JSON.stringify(old['spec']);
      if (old.metadata.generation !== undefined) o.metadata.generation = old.metadata.generation + (specChanged ? 1 : 0);
      if (keepStatus && old['status'] !== undefined) o['status'] = structuredClone(old['status']);
    } else {
      o.metadata.uid = store.newUid();
      o.metadata.creationTimestamp = iso(clock.now());
      if (def.group === 'apps' || def.resource === 'horizontalpodautoscalers') o.metadata.generation = 1;
      applyDefaults(def, o);
    }
    validateObject(def, o, old);
    // The apiserver skips the write of an unchanged object: no new resourceVersion.
    if (
      old &&
      JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '' } }) ===
        JSON.stringify({ ...old, metadata: { ...old.metadata, resourceVersion: '' } })
    )
      return old;
    if (dryRun) {
      o.metadata.resourceVersion = old?.metadata.resourceVersion ?? '';
      return o;
    }
    if (isWorkloadResource(def)) controller.reconcile(def, o);
    return store.put(def, o);
  }

  function scaleOf(def: ResourceDef, o: KubeObject): KubeObject {
    const spec = (o['spec'] ?? {}) as JsonObject;
    const status = (o['status'] ?? {}) as JsonObject;
    const selector = spec['selector'] as JsonObject | undefined;
    const labels = (selector?.['matchLabels'] ?? {}) as Record<string, string>;
    const scale: KubeObject = {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace!,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: {},
      status: {
        replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0,
        selector: Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    };
    // int32 replicas with omitempty: absent when 0 (see the scale.json fixture notes).
    if (typeof spec['replicas'] === 'number' && spec['replicas'] !== 0) (scale['spec'] as JsonObject)['replicas'] = spec['replicas'];
    return scale;
  }

  function route(req: FakeRequest): { route?: Route; nonResource?: string } {
    const segs = req.path
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api') {
      if (segs.length === 1) return { nonResource: '/api' };
      group = '';
      version = segs[1]!;
      rest = segs.slice(2);
    } else if (segs[0] === 'apis') {
      if (segs.length <= 3) return { nonResource: `/${segs.join('/')}` };
      group = segs[1]!;
      version = segs[2]!;
      rest = segs.slice(3);
    } else return { nonResource: req.path };
    if (rest.length === 0) return { nonResource: req.path };
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && findResource(group, version, rest[2]!)?.namespaced) {
      namespace = rest[1]!;
      rest = rest.slice(2);
    }
    const def = findResource(group, version, rest[0]!);
    if (!def || rest.length > 3) throw statusError(404, `the server could not find the requested resource`, undefined, 'NotFound');
    const r: Route = { def };
    if (namespace !== undefined) r.namespace = namespace;
    if (rest[1] !== undefined) r.name = rest[1];
    if (rest[2] !== undefined) {
      const served = def.subresources.includes(rest[2] as 'scale' | 'status' | 'resize') && !omitted.has(`${def.resource}/${rest[2]}`);
      if (!served) throw statusError(404, 'the server could not find the requested resource', undefined, 'NotFound');
      r.subresource = rest[2];
    }
    if (def.namespaced && r.name !== undefined && r.namespace === undefined)
      throw statusError(404, 'the server could not find the requested resource', undefined, 'NotFound');
    return { route: r };
  }

  function verbOf(method: string, r: Route | undefined, req: FakeRequest): string {
    switch (method) {
      case 'GET':
        if (r && r.name === undefined) return req.query.get('watch') === 'true' || req.query.get('watch') === '1' ? 'watch' : 'list';
        return 'get';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return r && r.name === undefined ? 'deletecollection' : 'delete';
      default:
        return method.toLowerCase();
    }
  }

  function authenticate(req: FakeRequest): string {
    const h = req.header('authorization');
    const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    const user = m ? tokens[m[1]!] : undefined;
    if (!user) throw new HttpError(401, kubeStatus(401, 'Unauthorized'), { 'www-authenticate': 'Bearer realm="kubernetes"' });
    return user;
  }

  function listReply(r: Route, req: FakeRequest, items: KubeObject[], listKind: string, apiVersion: string): FakeReply {
    const limit = Number(req.query.get('limit') ?? '0');
    let offset = 0;
    const cont = req.query.get('continue');
    if (cont) {
      try {
        offset = (JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as { offset: number }).offset;
        if (!Number.isInteger(offset) || offset < 0) throw new Error('bad offset');
      } catch {
        throw statusError(400, 'continue key is not valid: the provided continue parameter is malformed');
      }
    }
    const page = limit > 0 ? items.slice(offset, offset + limit) : items.slice(offset);
    const listMeta: JsonObject = { resourceVersion: store.resourceVersion };
    if (limit > 0 && offset + limit < items.length) {
      listMeta['continue'] = Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64url');
      listMeta['remainingItemCount'] = items.length - offset - limit;
    }
    if (wantsTable(req.header('accept'))) return { body: toTable(r.def, page, clock.now(), listMeta) };
    return { body: { kind: listKind, apiVersion, metadata: listMeta, items: page.map(stripTypeMeta) } };
  }

  function serveMetrics(r: Route, req: FakeRequest): FakeReply {
    if (!metricsAvailable)
      throw statusError(503, `the server is currently unable to handle the request (get ${r.def.resource}.metrics.k8s.io)`, {
        group: 'metrics.k8s.io',
        kind: r.def.resource,
      });
    if (req.method !== 'GET') throw statusError(405, `the server does not allow this method on the requested resource`);
    const allPods = store.list(PODS, r.namespace);
    const items = controller.podMetrics(allPods) as unknown as KubeObject[];
    if (r.def.resource === 'nodes') {
      let cpu = 0;
      let mem = 0;
      for (const i of items)
        for (const c of (i['containers'] as JsonObject[]) ?? []) {
          const u = c['usage'] as JsonObject;
          cpu += Number(textOf(u['cpu']).replace('n', ''));
          mem += Number(textOf(u['memory']).replace('Ki', ''));
        }
      const node = {
        metadata: { name: 'fake-node-1', creationTimestamp: iso(clock.now()), labels: { 'kubernetes.io/hostname': 'fake-node-1' } },
        timestamp: iso(clock.now()),
        window: options.metricsWindow ?? '30s',
        usage: { cpu: `${cpu}n`, memory: `${mem}Ki` },
      } as unknown as KubeObject;
      if (r.name !== undefined) {
        if (r.name !== 'fake-node-1')
          throw statusError(404, `nodemetrics.metrics.k8s.io "${r.name}" not found`, { name: r.name, group: 'metrics.k8s.io', kind: 'nodes' });
        return { body: { kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...node } };
      }
      return listReply(r, req, [node].filter(listFilter(req)), 'NodeMetricsList', 'metrics.k8s.io/v1beta1');
    }
    const filtered = items.filter(listFilter(req));
    if (r.name !== undefined) {
      const one = filtered.find((i) => i.metadata.name === r.name);
      if (!one) throw statusError(404, `podmetrics.metrics.k8s.io "${r.name}" not found`, { name: r.name, group: 'metrics.k8s.io', kind: 'pods' });
      return { body: { kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...one } };
    }
    return listReply(r, req, filtered, 'PodMetricsList', 'metrics.k8s.io/v1beta1');
  }

  /**
   * What a PUT (the body) or PATCH (`base` patched) of a subresource asks for: it must be `what`, and a resourceVersion
   * in it must be the object's own (a stale one is a precondition failure, as on the object itself).
   */
  function subresourceUpdate(def: ResourceDef, req: FakeRequest, base: Json, current: KubeObject, what: string): JsonObject {
    let next: Json;
    if (req.method === 'PUT') next = parseBody(req);
    else if (req.method === 'PATCH') next = applyPatch(patchTypeOf(req.header('content-type')), base, parseBody(req));
    else throw statusError(405, 'the server does not allow this method on the requested resource');
    if (!isObject(next)) throw statusError(400, `the body must be ${what}`);
    const rv = isObject(next['metadata']) ? next['metadata']['resourceVersion'] : undefined;
    if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) throw conflict(def.resource, def.group, current.metadata.name);
    return next;
  }

  function serveResource(r: Route, req: FakeRequest): FakeReply {
    const { def } = r;
    if (def.readOnly) return serveMetrics(r, req);
    const dryRun = req.query.get('dryRun') === 'All';
    const method = req.method;
    // Only writes take fieldValidation.
    const validation = method === 'POST' || method === 'PUT' || method === 'PATCH' ? fieldValidationOf(req.query) : 'Ignore';
    if (r.name === undefined) {
      if (method === 'GET') {
        if (req.query.get('watch') === 'true' || req.query.get('watch') === '1') throw statusError(405, 'watch is not supported by this fake apiserver');
        return listReply(r, req, store.list(def, r.namespace).filter(listFilter(req)), `${def.kind}List`, apiVersionOf(def));
      }
      if (method === 'POST') {
        const body = parseBody(req);
        if (!isObject(body) || !isObject(body['metadata'])) throw statusError(400, 'the body must be an object with metadata');
        const meta = body['metadata'];
        const name =
          typeof meta['name'] === 'string'
            ? meta['name']
            : typeof meta['generateName'] === 'string'
              ? `${meta['generateName']}${randomBytes(3).toString('hex').slice(0, 5)}`
              : undefined;
        if (!name)
          throw statusError(422, `${def.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, {
            kind: def.kind,
            group: def.group,
            causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }],
          });
        if (def.namespaced) {
          if (meta['namespace'] !== undefined && meta['namespace'] !== r.namespace)
            throw statusError(400, `the namespace of the provided object does not match the namespace sent on the request`);
          if (r.namespace === undefined) throw statusError(405, 'create needs a namespace in the path');
          if (!store.get(NAMESPACES, undefined, r.namespace)) throw notFound('namespaces', '', r.namespace);
        }
        if (store.get(def, r.namespace, name)) throw alreadyExists(def.resource, def.group, name);
        const o = { ...body, metadata: { ...meta, name, ...(def.namespaced ? { namespace: r.namespace! } : {}) } } as KubeObject;
        const { warning } = checkFields(validation, def, o);
        delete o['status'];
        return { status: 201, body: write(def, o, undefined, dryRun, false), ...(warning ? { headers: { warning } } : {}) };
      }
      throw statusError(405, 'the server does not allow this method on the requested resource');
    }
    const current = store.get(def, r.namespace, r.name);
    if (!current) throw notFound(def.resource, def.group, r.name);

    if (r.subresource === 'scale') {
      const scale = scaleOf(def, current);
      if (method === 'GET') return { body: scale };
      // The scale's resourceVersion is the workload's: a stale one is a precondition failure on the workload.
      const next = subresourceUpdate(def, req, scale, current, 'a Scale object');
      const spec = isObject(next['spec']) ? next['spec'] : {};
      const replicas = spec['replicas'] ?? 0;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw statusError(
          422,
          `Scale.autoscaling "${r.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          {
            name: r.name,
            group: 'autoscaling',
            kind: 'Scale',
            causes: [
              {
                reason: 'FieldValueInvalid',
                message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
                field: 'spec.replicas',
              },
            ],
          },
        );
      }
      const updated = structuredClone(current);
      (updated['spec'] as JsonObject)['replicas'] = replicas;
      return { body: scaleOf(def, write(def, updated, current, dryRun, true)) };
    }

    if (r.subresource === 'resize') {
      if (method === 'GET') return { body: current };
      const next = subresourceUpdate(def, req, current, current, 'a Pod object');
      const updated = resizePod(current, next);
      if (dryRun) return { body: updated };
      return { body: store.put(def, updated) };
    }

    if (r.subresource === 'status') {
      if (method === 'GET') return { body: current };
      const next = subresourceUpdate(def, req, current, current, 'an object');
      const updated = structuredClone(current);
      updated['status'] = next['status'] ?? null;
      if (dryRun) return { body: updated };
      return { body: store.put(def, updated) };
    }

    switch (method) {
      case 'GET':
        if (wantsTable(req.header('accept'))) return { body: toTable(def, [current], clock.now(), { resourceVersion: current.metadata.resourceVersion }) };
        return { body: current };
      case 'PUT':
      case 'PATCH': {
        const next = method === 'PUT' ? parseBody(req) : applyPatch(patchTypeOf(req.header('content-type')), current, parseBody(req));
        if (!isObject(next) || !isObject(next['metadata'])) throw statusError(400, 'the body must be an object with metadata');
        const meta = next['metadata'];
        if (meta['name'] !== undefined && meta['name'] !== r.name)
          throw statusError(400, `the name of the object (${textOf(meta['name'])}) does not match the name on the URL (${r.name})`);
        if (def.namespaced && meta['namespace'] !== undefined && meta['namespace'] !== r.namespace)
          throw statusError(400, 'the namespace of the provided object does not match the namespace sent on the request');
        const rv = meta['resourceVersion'];
        // A resourceVersion in the body (PUT) or left in the patched object (PATCH) is a precondition.
        if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) throw conflict(def.resource, def.group, r.name);
        const o = { ...next, metadata: { ...meta, name: r.name, ...(def.namespaced ? { namespace: r.namespace! } : {}) } } as KubeObject;
        const { warning } = checkFields(validation, def, o);
        return { body: write(def, o, current, dryRun, def.subresources.includes('status')), ...(warning ? { headers: { warning } } : {}) };
      }
      case 'DELETE': {
        // A dry run answers the same Success status and deletes nothing.
        if (!dryRun) {
          store.delete(def, r.namespace, r.name);
          if (isWorkloadResource(def)) controller.forget(def, r.namespace!, r.name);
        }
        return {
          body: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { name: r.name, group: def.group, kind: def.resource, uid: current.metadata.uid },
          },
        };
      }
      default:
        throw statusError(405, 'the server does not allow this method on the requested resource');
    }
  }

  function serveNonResource(path: string, req: FakeRequest): FakeReply {
    if (req.method !== 'GET') throw statusError(405, 'the server does not allow this method on the requested resource');
    const p = path.replace(/\/+$/, '') || '/';
    if (p === '/version') return { body: VERSION_INFO };
    if (p === '/openapi/v3') return { body: openApiV3Root() };
    if (p.startsWith('/openapi/v3/')) {
      const doc = openApiV3Document(p);
      if (doc) return { body: doc };
    }
    if (p === '/api' || p === '/apis') {
      const format = discoveryFormat(req.header('accept'), options.aggregatedDiscovery ?? true);
      if (format === undefined)
        throw statusError(
          406,
          `only the following media types are accepted: application/json, ${aggregatedDiscoveryMediaType('v2')}, ${aggregatedDiscoveryMediaType('v2beta1')}`,
          undefined,
          'NotAcceptable',
        );
      const vary = { vary: 'Accept' };
      if (format === 'legacy') return { body: p === '/api' ? apiVersions(serverAddress) : apiGroupList(), headers: vary };
      return {
        body: aggregatedDiscovery(p === '/api' ? 'core' : 'groups', format, metricsAvailable ? new Set() : new Set(['metrics.k8s.io']), omitted),
        headers: { ...vary, 'content-type': aggregatedDiscoveryMediaType(format) },
      };
    }
    const segs = p.split('/').filter(Boolean);
    if (segs[0] === 'api' && segs.length === 2) {
      const doc = apiResourceList('', segs[1]!, omitted);
      if (doc) return { body: doc };
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const doc = apiGroupDoc(segs[1]!);
      if (doc) return { body: doc };
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      if (segs[1] === 'metrics.k8s.io' && !metricsAvailable) throw statusError(503, 'the server is currently unable to handle the request');
      const doc = apiResourceList(segs[1]!, segs[2]!);
      if (doc) return { body: doc };
    }
    throw statusError(404, 'the server could not find the requested resource', undefined, 'NotFound');
  }

  const server: ServedFake = await serveFake(
    async (req) => {
      const path = req.path.replace(/\/+$/, '') || '/';
      if (path === '/healthz' || path === '/livez' || path === '/readyz') return { body: 'ok', headers: { 'content-type': 'text/plain; charset=utf-8' } };
      const user = authenticate(req);
      const { route: r, nonResource } = route(req);
      const attrs: RequestAttributes = r
        ? {
            user,
            verb: verbOf(req.method, r, req),
            group: r.def.group,
            resource: r.def.resource,
            ...(r.subresource ? { subresource: r.subresource } : {}),
            ...(r.namespace ? { namespace: r.namespace } : {}),
            ...(r.name ? { name: r.name } : {}),
          }
        : { user, verb: req.method.toLowerCase(), path: nonResource! };
      audit.push(attrs);
      const decision = options.authorize ? options.authorize(attrs) : true;
      if (decision !== true) {
        const what = r ? `${r.subresource ? `${r.def.resource}/${r.subresource}` : r.def.resource}` : attrs.path;
        const msg = r
          ? `${r.def.group ? `${r.def.resource}.${r.def.group}` : r.def.resource}${r.name ? ` "${r.name}"` : ''} is forbidden: User "${user}" cannot ${attrs.verb} resource "${what}" in API group "${r.def.group}"${r.namespace ? ` in the namespace "${r.namespace}"` : ' at the cluster scope'}: ${decision}`
          : `forbidden: User "${user}" cannot ${attrs.verb} path "${attrs.path}": ${decision}`;
        throw statusError(403, msg, r ? { ...(r.name ? { name: r.name } : {}), group: r.def.group, kind: r.def.resource } : undefined);
      }
      return r ? serveResource(r, req) : serveNonResource(nonResource!, req);
    },
    {
      clock,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.maxLogEntries !== undefined ? { maxLogEntries: options.maxLogEntries } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
    },
  );
  serverAddress = `127.0.0.1:${server.port}`;

  const defOf = (apiVersion: string, kind: string): ResourceDef => {
    const def = KIND_TO_RESOURCE.get(`${apiVersion}/${kind}`);
    if (!def || def.readOnly) throw new RangeError(`the fake does not store ${apiVersion} ${kind}`);
    return def;
  };
  const workloadDef = (id: string): { def: ResourceDef; ns: string; name: string } => {
    const [ns, kind, name] = id.split('/');
    if (!ns || !name || (kind !== 'deployment' && kind !== 'statefulset')) throw new RangeError(`"${id}" is not <namespace>/<deployment|statefulset>/<name>`);
    return { def: kind === 'deployment' ? DEPLOYMENTS : STATEFULSETS, ns, name };
  };

  const api: FakeKubeApi = {
    url: server.url,
    port: server.port,
    ...(options.tls ? { ca: options.tls.cert } : {}),
    token: firstToken,
    faults: server.faults,
    log: server.log,
    audit,
    errors: server.errors,
    put(object) {
      const apiVersion = textOf(object['apiVersion']);
      const def = defOf(apiVersion, textOf(object['kind']));
      const meta = (object['metadata'] ?? {}) as Record<string, unknown>;
      const name = textOf(meta['name']);
      const ns = def.namespaced ? textOf(meta['namespace'] ?? 'default') : undefined;
      if (ns) ensureNamespace(ns);
      const old = store.get(def, ns, name);
      const o = { ...structuredClone(object), metadata: { ...structuredClone(meta), name, ...(ns ? { namespace: ns } : {}) } } as unknown as KubeObject;
      try {
        return structuredClone(write(def, o, old, false, false));
      } catch (e) {
        if (e instanceof HttpError) throw new RangeError(`cannot put ${apiVersion} ${textOf(object['kind'])} ${ns ?? ''}/${name}: ${e.message}`);
        throw e;
      }
    },
    get(apiVersion, kind, namespace, name) {
      const o = store.get(defOf(apiVersion, kind), namespace, name);
      return o ? structuredClone(o) : undefined;
    },
    list(apiVersion, kind, namespace) {
      return store.list(defOf(apiVersion, kind), namespace).map((o) => structuredClone(o));
    },
    setLoad: (id, load) => controller.setLoad(id, load),
    setRollout: (id, mode) => controller.setRollout(id, mode),
    hideMetrics: (key, hidden = true) => controller.hideMetrics(key, hidden),
    setMetricsAvailable(available) {
      metricsAvailable = available;
    },
    touch(id) {
      const { def, ns, name } = workloadDef(id);
      const o = store.get(def, ns, name);
      if (!o) throw new RangeError(`${id} does not exist`);
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'example.com/touched-by': `another-actor-${store.resourceVersion}` };
      store.put(def, o);
    },
    settle: (id) => controller.settle(id),
    close: () => server.close(),
  };
  if (options.seed) {
    try {
      applySeed(api, options.seed);
    } catch (e) {
      await api.close();
      throw e;
    }
  }
  return api;
}

/**
 * For a test's `afterEach`: close the fake apiserver (and any other fakes), then fail if the
 * apiserver met a request it could not serve (a bug in the fake or in the client under test).
 */
export async function closeFakes(api: FakeKubeApi | undefined, ...others: Array<{ close(): Promise<void> } | undefined>): Promise<void> {
  const errors = api ? [...api.errors] : [];
  await Promise.all([api?.close(), ...others.map((o) => o?.close())]);
  if (errors.length > 0)
    throw new Error(
      `the fake apiserver failed ${errors.length} request(s): ${errors
        .map((e) => String(e))
        .join('; ')
        .slice(0, 2000)}`,
    );
}
