import type { Clock } from '@autoscaler/core';
import { FLEX_SHAPES, isFlexShape, isOcid } from '@autoscaler/cloud-semantics';
import { ApiError, checkIfMatch, iso, newEtag, objectBody, paginate, requireQuery, route, tagsOf } from './fake-http';
import type { ApiRequest, ApiResponse, Route } from './fake-http';
import type { OcidFactory } from './ocid-factory';
import { textOf } from '@autoscaler/core';

/** The tag a user puts on a deployment the autoscaler may manage (the provider's MANAGED_TAG). */
const MANAGED_TAG = 'autoscaler-managed';

/**
 * Data Science (20190101) model deployments and work requests, as the service
 * answers them. Wire shapes follow the SDK models (`ModelDeployment`,
 * `UpdateModelDeploymentDetails`, `SingleModelDeploymentConfigurationDetails`,
 * `ModelConfigurationDetails`, `InstanceConfiguration`,
 * `ModelDeploymentInstanceShapeConfigDetails`, `FixedSizeScalingPolicy`,
 * `WorkRequest`). Behaviour modelled from the API reference:
 * - an ACTIVE (or NEEDS_ATTENTION) deployment takes one option group per update
 *   (compute: shape/count/model; or load balancer bandwidth); it goes UPDATING
 *   and comes back ACTIVE when the work request finishes (after `updateDelayMs`
 *   of the injected clock);
 * - a configuration update while UPDATING/CREATING/DELETING is 409 IncorrectState
 *   (an estimate: profiles.json `updating_state_rejects_other_updates`);
 * - ASSUMPTION (not documented): an update of tags/display name alone is
 *   metadata and is accepted in any live state, finishing at once;
 * - `if-match` with a stale ETag is 412 NoEtagMatch.
 */
export interface DeploymentSeed {
  id?: string;
  compartmentId?: string;
  projectId?: string;
  displayName?: string;
  modelId?: string;
  shape?: string;
  ocpus?: number;
  memoryInGBs?: number;
  instanceCount?: number;
  bandwidthMbps?: number;
  lifecycleState?: string;
  freeformTags?: Record<string, string>;
  /** Adds the autoscaler's managed tag. Default true. */
  managed?: boolean;
}

interface InstanceConfig {
  instanceShapeName: string;
  modelDeploymentInstanceShapeConfigDetails?: { ocpus?: number; memoryInGBs?: number; cpuBaseline?: string };
  [k: string]: unknown;
}

interface Deployment {
  id: string;
  compartmentId: string;
  projectId: string;
  displayName: string;
  description?: string;
  createdBy: string;
  timeCreated: number;
  modelId: string;
  instanceConfiguration: InstanceConfig;
  scalingPolicy: Record<string, unknown>;
  bandwidthMbps: number;
  maximumBandwidthMbps?: number;
  lifecycleState: string;
  lifecycleDetails?: string;
  freeformTags: Record<string, string>;
  definedTags: Record<string, Record<string, unknown>>;
  etag: string;
  /** Configuration before the update in flight, restored if it fails. */
  previous?: Pick<Deployment, 'modelId' | 'instanceConfiguration' | 'scalingPolicy' | 'bandwidthMbps' | 'maximumBandwidthMbps'>;
  readyAt?: number;
  failNext?: string;
}

interface WorkRequest {
  id: string;
  operationType: string;
  compartmentId: string;
  resourceId: string;
  accepted: number;
  finishAt: number;
  failed?: string;
}

const LIVE_FOR_UPDATE = new Set(['ACTIVE', 'NEEDS_ATTENTION']);
const BUSY = new Set(['UPDATING', 'CREATING', 'DELETING']);
const TOP_LEVEL = new Set(['displayName', 'description', 'modelDeploymentConfigurationDetails', 'categoryLogDetails', 'freeformTags', 'definedTags']);

export class FakeDataScience {
  private readonly deployments = new Map<string, Deployment>();
  private readonly workRequests = new Map<string, WorkRequest>();
  /** Configuration updates accepted, per deployment (tag-only updates are not counted). */
  readonly configUpdates = new Map<string, number>();
  /** Every accepted UpdateModelDeployment body, in order. */
  readonly updateLog: Array<{ id: string; body: Record<string, unknown>; kind: 'config' | 'metadata' }> = [];

  constructor(
    private readonly clock: Clock,
    private readonly ocids: OcidFactory,
    private readonly options: { updateDelayMs: number; pageSize: number },
  ) {}

  seedDeployment(seed: DeploymentSeed = {}): string {
    const id = seed.id ?? this.ocids.next('datasciencemodeldeployment');
    const shape = seed.shape ?? 'VM.Standard2.1';
    const instanceConfiguration: InstanceConfig = { instanceShapeName: shape };
    if (isFlexShape(shape)) instanceConfiguration.modelDeploymentInstanceShapeConfigDetails = { ocpus: seed.ocpus ?? 1, memoryInGBs: seed.memoryInGBs ?? 16 };
    const d: Deployment = {
      id,
      compartmentId: seed.compartmentId ?? this.ocids.compartment,
      projectId: seed.projectId ?? this.ocids.next('datascienceproject'),
      displayName: seed.displayName ?? 'model-deployment',
      createdBy: this.ocids.user,
      timeCreated: this.clock.now(),
      modelId: seed.modelId ?? this.ocids.next('datasciencemodel'),
      instanceConfiguration,
      scalingPolicy: { policyType: 'FIXED_SIZE', instanceCount: seed.instanceCount ?? 1 },
      bandwidthMbps: seed.bandwidthMbps ?? 10,
      lifecycleState: seed.lifecycleState ?? 'ACTIVE',
      freeformTags: { ...(seed.managed === false ? {} : { [MANAGED_TAG]: 'true' }), ...(seed.freeformTags ?? {}) },
      definedTags: {},
      etag: newEtag(),
    };
    this.deployments.set(id, d);
    return id;
  }

  /** The deployment as GetModelDeployment returns it. */
  get(id: string): Record<string, unknown> {
    return this.toJson(this.settled(id));
  }

  /** Instance count, shape rung and bandwidth, for assertions. */
  capacity(id: string): { instanceCount: number; shape: string; ocpus?: number; memoryInGBs?: number; bandwidthMbps: number; lifecycleState: string } {
    const d = this.settled(id);
    const sc = d.instanceConfiguration.modelDeploymentInstanceShapeConfigDetails;
    return {
      instanceCount: Number(d.scalingPolicy['instanceCount'] ?? NaN),
      shape: d.instanceConfiguration.instanceShapeName,
      ...(sc?.ocpus !== undefined ? { ocpus: sc.ocpus } : {}),
      ...(sc?.memoryInGBs !== undefined ? { memoryInGBs: sc.memoryInGBs } : {}),
      bandwidthMbps: d.bandwidthMbps,
      lifecycleState: d.lifecycleState,
    };
  }

  tags(id: string): Record<string, string> {
    return { ...this.settled(id).freeformTags };
  }

  etag(id: string): string {
    return this.settled(id).etag;
  }

  /** Another actor changes the deployment (console user, second function container): new ETag. */
  tamper(id: string, change: { instanceCount?: number; shape?: string; lifecycleState?: string; freeformTags?: Record<string, string> }): void {
    const d = this.settled(id);
    if (change.instanceCount !== undefined) d.scalingPolicy = { policyType: 'FIXED_SIZE', instanceCount: change.instanceCount };
    if (change.shape !== undefined) d.instanceConfiguration = { instanceShapeName: change.shape };
    if (change.lifecycleState !== undefined) d.lifecycleState = change.lifecycleState;
    if (change.freeformTags !== undefined) d.freeformTags = { ...change.freeformTags };
    d.etag = newEtag();
  }

  /** The next configuration update of `id` fails when its work request finishes. */
  failNextUpdate(id: string, message = 'Insufficient capacity for the requested shape'): void {
    this.settled(id).failNext = message;
  }

  routes(): Route[] {
    return [
      route('GET', '/20190101/modelDeployments', 'ListModelDeployments', (r) => this.list(r)),
      route('GET', '/20190101/modelDeployments/{id}', 'GetModelDeployment', (r) => this.getRoute(r)),
      route('PUT', '/20190101/modelDeployments/{id}', 'UpdateModelDeployment', (r) => this.update(r)),
      route('GET', '/20190101/workRequests/{id}', 'GetWorkRequest', (r) => this.getWorkRequest(r)),
      route('GET', '/20190101/workRequests', 'ListWorkRequests', (r) => this.listWorkRequests(r)),
    ];
  }

  private find(id: string | undefined): Deployment {
    const d = id === undefined ? undefined : this.deployments.get(id);
    if (!d) throw new ApiError(404, 'NotAuthorizedOrNotFound', `Authorization failed or requested resource not found: model deployment ${id ?? ''}`);
    return d;
  }

  private settled(id: string): Deployment {
    const d = this.find(id);
    if (d.readyAt !== undefined && this.clock.now() >= d.readyAt) {
      if (d.failNext !== undefined && d.previous) {
        Object.assign(d, d.previous);
        d.lifecycleState = 'NEEDS_ATTENTION';
        d.lifecycleDetails = `Update failed: ${d.failNext}`;
      } else {
        d.lifecycleState = 'ACTIVE';
        delete d.lifecycleDetails;
      }
      delete d.failNext;
      delete d.previous;
      delete d.readyAt;
      d.etag = newEtag();
    }
    return d;
  }

  private toJson(d: Deployment): Record<string, unknown> {
    const mcd: Record<string, unknown> = {
      modelId: d.modelId,
      instanceConfiguration: structuredClone(d.instanceConfiguration),
      scalingPolicy: structuredClone(d.scalingPolicy),
      bandwidthMbps: d.bandwidthMbps,
    };
    if (d.maximumBandwidthMbps !== undefined) mcd['maximumBandwidthMbps'] = d.maximumBandwidthMbps;
    return {
      id: d.id,
      timeCreated: iso(d.timeCreated),
      displayName: d.displayName,
      ...(d.description !== undefined ? { description: d.description } : {}),
      projectId: d.projectId,
      createdBy: d.createdBy,
      compartmentId: d.compartmentId,
      modelDeploymentConfigurationDetails: { deploymentType: 'SINGLE_MODEL', modelConfigurationDetails: mcd },
      modelDeploymentUrl: `https://modeldeployment.${this.ocids.region}.oci.customer-oci.com/${d.id}`,
      lifecycleState: d.lifecycleState,
      ...(d.lifecycleDetails !== undefined ? { lifecycleDetails: d.lifecycleDetails } : {}),
      freeformTags: { ...d.freeformTags },
      definedTags: structuredClone(d.definedTags),
    };
  }

  private list(r: ApiRequest): ApiResponse {
    const compartmentId = requireQuery(r, 'compartmentId');
    const state = r.query.get('lifecycleState');
    const items = [...this.deployments.keys()]
      .map((id) => this.settled(id))
      .filter((d) => d.compartmentId === compartmentId && (state === null || d.lifecycleState === state))
      .map((d) => this.toJson(d));
    return paginate(items, r, this.options.pageSize);
  }

  private getRoute(r: ApiRequest): ApiResponse {
    const d = this.settled(r.params['id']!);
    return { status: 200, body: this.toJson(d), headers: { etag: d.etag } };
  }

  private update(r: ApiRequest): ApiResponse {
    const d = this.settled(r.params['id']!);
    checkIfMatch(r, d.etag, 'resource');
    if (d.lifecycleState === 'DELETED' || d.lifecycleState === 'DELETING') throw new ApiError(409, 'IncorrectState', `model deployment is ${d.lifecycleState}`);
    const body = objectBody(r);
    for (const k of Object.keys(body)) if (!TOP_LEVEL.has(k)) throw new ApiError(400, 'InvalidParameter', `unknown field ${k} in UpdateModelDeploymentDetails`);

    const next = this.configChange(d, body['modelDeploymentConfigurationDetails']);
    const freeformTags = tagsOf(body['freeformTags'], 'freeformTags');
    const definedTags = body['definedTags'] as Record<string, Record<string, unknown>> | undefined;

    const computeChanged =
      next !== undefined &&
      (next.modelId !== d.modelId ||
        JSON.stringify(next.instanceConfiguration) !== JSON.stringify(d.instanceConfiguration) ||
        JSON.stringify(next.scalingPolicy) !== JSON.stringify(d.scalingPolicy));
    const bandwidthChanged = next !== undefined && (next.bandwidthMbps !== d.bandwidthMbps || next.maximumBandwidthMbps !== d.maximumBandwidthMbps);
    const configChanged = computeChanged || bandwidthChanged;

    if (configChanged) {
      if (BUSY.has(d.lifecycleState))
        throw new ApiError(409, 'IncorrectState', `Model deployment is in ${d.lifecycleState} state; wait until the current work request finishes`);
      if (LIVE_FOR_UPDATE.has(d.lifecycleState) && computeChanged && bandwidthChanged) {
        throw new ApiError(
          400,
          'InvalidParameter',
          'While the model deployment is ACTIVE, update one option group at a time: compute (shape, instance count, model) or load balancer bandwidth',
        );
      }
      if (!LIVE_FOR_UPDATE.has(d.lifecycleState) && d.lifecycleState !== 'INACTIVE')
        throw new ApiError(409, 'IncorrectState', `Model deployment in ${d.lifecycleState} state cannot be updated`);
    }

    if (body['displayName'] !== undefined) d.displayName = textOf(body['displayName']);
    if (body['description'] !== undefined) d.description = textOf(body['description']);
    if (freeformTags !== undefined) d.freeformTags = freeformTags;
    if (definedTags !== undefined) d.definedTags = structuredClone(definedTags);

    const now = this.clock.now();
    let finishAt = now;
    if (configChanged && next) {
      this.configUpdates.set(d.id, (this.configUpdates.get(d.id) ?? 0) + 1);
      if (LIVE_FOR_UPDATE.has(d.lifecycleState)) {
        d.previous = {
          modelId: d.modelId,
          instanceConfiguration: d.instanceConfiguration,
          scalingPolicy: d.scalingPolicy,
          bandwidthMbps: d.bandwidthMbps,
          ...(d.maximumBandwidthMbps !== undefined ? { maximumBandwidthMbps: d.maximumBandwidthMbps } : {}),
        };
        d.lifecycleState = 'UPDATING';
        d.lifecycleDetails = 'Model deployment update in progress';
        finishAt = now + this.options.updateDelayMs;
        d.readyAt = finishAt;
      }
      Object.assign(d, next);
    }
    d.etag = newEtag();
    this.updateLog.push({ id: d.id, body: structuredClone(body), kind: configChanged ? 'config' : 'metadata' });

    const wr: WorkRequest = {
      id: this.ocids.next('datascienceworkrequest'),
      operationType: 'MODEL_DEPLOYMENT_UPDATE',
      compartmentId: d.compartmentId,
      resourceId: d.id,
      accepted: now,
      finishAt,
    };
    if (configChanged && d.failNext !== undefined) wr.failed = d.failNext;
    this.workRequests.set(wr.id, wr);
    // Settle at once when nothing is in flight (metadata-only, INACTIVE).
    if (configChanged && d.readyAt === undefined) delete d.failNext;
    return { status: 202, headers: { 'opc-work-request-id': wr.id } };
  }

  /** Validate `modelDeploymentConfigurationDetails`; returns the new configuration (undefined when absent). */
  private configChange(
    d: Deployment,
    raw: unknown,
  ): Pick<Deployment, 'modelId' | 'instanceConfiguration' | 'scalingPolicy' | 'bandwidthMbps' | 'maximumBandwidthMbps'> | undefined {
    if (raw === undefined || raw === null) return undefined;
    const where = 'modelDeploymentConfigurationDetails.';
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError(400, 'InvalidParameter', `${where.slice(0, -1)} must be an object`);
    const cfg = raw as Record<string, unknown>;
    if (cfg['deploymentType'] !== 'SINGLE_MODEL')
      throw new ApiError(400, 'InvalidParameter', `${where}deploymentType must be SINGLE_MODEL for this deployment, got ${String(cfg['deploymentType'])}`);
    const mcdRaw = cfg['modelConfigurationDetails'];
    if (mcdRaw === undefined) return undefined;
    if (typeof mcdRaw !== 'object' || mcdRaw === null || Array.isArray(mcdRaw))
      throw new ApiError(400, 'InvalidParameter', `${where}modelConfigurationDetails must be an object`);
    const mcd = mcdRaw as Record<string, unknown>;
    const w = `${where}modelConfigurationDetails.`;
    const modelId = mcd['modelId'];
    if (modelId === undefined) throw new ApiError(400, 'MissingParameter', `${w}modelId is required`);
    if (!isOcid('datasciencemodel', modelId)) throw new ApiError(400, 'InvalidParameter', `${w}modelId is not a model OCID`);

    let instanceConfiguration = d.instanceConfiguration;
    const ic = mcd['instanceConfiguration'];
    if (ic !== undefined) instanceConfiguration = this.instanceConfiguration(ic, `${w}instanceConfiguration.`);

    let scalingPolicy = d.scalingPolicy;
    const sp = mcd['scalingPolicy'];
    if (sp !== undefined) scalingPolicy = this.scalingPolicy(sp, `${w}scalingPolicy.`);

    let bandwidthMbps = d.bandwidthMbps;
    if (mcd['bandwidthMbps'] !== undefined) {
      const b = mcd['bandwidthMbps'];
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 10 || b > 8000)
        throw new ApiError(400, 'InvalidParameter', `${w}bandwidthMbps must be a whole number in 10-8000`);
      bandwidthMbps = b;
    }
    const out: Pick<Deployment, 'modelId' | 'instanceConfiguration' | 'scalingPolicy' | 'bandwidthMbps' | 'maximumBandwidthMbps'> = {
      modelId,
      instanceConfiguration,
      scalingPolicy,
      bandwidthMbps,
    };
    const max = mcd['maximumBandwidthMbps'] ?? d.maximumBandwidthMbps;
    if (max !== undefined) {
      if (typeof max !== 'number' || max < bandwidthMbps || max > 2 * bandwidthMbps)
        throw new ApiError(400, 'InvalidParameter', `${w}maximumBandwidthMbps must be between bandwidthMbps and twice it`);
      out.maximumBandwidthMbps = max;
    }
    return out;
  }

  private instanceConfiguration(raw: unknown, w: string): InstanceConfig {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ApiError(400, 'InvalidParameter', `${w.slice(0, -1)} must be an object`);
    const ic = raw as Record<string, unknown>;
    const shape = ic['instanceShapeName'];
    if (typeof shape !== 'string' || !/^(VM|BM)\.[A-Za-z0-9.]+$/.test(shape))
      throw new ApiError(400, 'InvalidParameter', `${w}instanceShapeName is not a shape`);
    const out: InstanceConfig = { instanceShapeName: shape };
    const sc = ic['modelDeploymentInstanceShapeConfigDetails'];
    if (isFlexShape(shape)) {
      const limits = FLEX_SHAPES[shape];
      if (!limits) throw new ApiError(400, 'InvalidParameter', `${w}instanceShapeName ${shape} is not supported for model deployments`);
      if (typeof sc !== 'object' || sc === null)
        throw new ApiError(400, 'MissingParameter', `${w}modelDeploymentInstanceShapeConfigDetails is required for flex shape ${shape}`);
      const { ocpus, memoryInGBs, cpuBaseline } = sc as Record<string, unknown>;
      if (typeof ocpus !== 'number' || ocpus < limits.ocpus[0] || ocpus > limits.ocpus[1])
        throw new ApiError(400, 'InvalidParameter', `${w}modelDeploymentInstanceShapeConfigDetails.ocpus must be in ${limits.ocpus.join('-')} for ${shape}`);
      if (typeof memoryInGBs !== 'number' || memoryInGBs / ocpus < limits.memoryPerOcpuGB[0] || memoryInGBs / ocpus > limits.memoryPerOcpuGB[1]) {
        throw new ApiError(
          400,
          'InvalidParameter',
          `${w}modelDeploymentInstanceShapeConfigDetails.memoryInGBs must be ${limits.memoryPerOcpuGB.join('-')} GB per OCPU`,
        );
      }
      out.modelDeploymentInstanceShapeConfigDetails = { ocpus, memoryInGBs, ...(typeof cpuBaseline === 'string' ? { cpuBaseline } : {}) };
    } else if (sc !== undefined && sc !== null) {
      throw new ApiError(400, 'InvalidParameter', `${w}modelDeploymentInstanceShapeConfigDetails only applies to flex shapes`);
    }
    for (const k of ['subnetId', 'privateEndpointId', 'networkAccessType']) if (ic[k] !== undefined) out[k] = ic[k];
    return out;
  }

  private scalingPolicy(raw: unknown, w: string): Record<string, unknown> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ApiError(400, 'InvalidParameter', `${w.slice(0, -1)} must be an object`);
    const sp = raw as Record<string, unknown>;
    if (sp['policyType'] === 'FIXED_SIZE') {
      const n = sp['instanceCount'];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ApiError(400, 'InvalidParameter', `${w}instanceCount must be a whole number >= 1`);
      return { policyType: 'FIXED_SIZE', instanceCount: n };
    }
    if (sp['policyType'] === 'AUTOSCALING') {
      const policies = sp['autoScalingPolicies'];
      if (!Array.isArray(policies) || policies.length === 0) throw new ApiError(400, 'InvalidParameter', `${w}autoScalingPolicies must be a non-empty array`);
      const cd = sp['coolDownInSeconds'];
      if (cd !== undefined && (typeof cd !== 'number' || cd < 600)) throw new ApiError(400, 'InvalidParameter', `${w}coolDownInSeconds must be >= 600`);
      return structuredClone(sp);
    }
    throw new ApiError(400, 'InvalidParameter', `${w}policyType must be FIXED_SIZE or AUTOSCALING`);
  }

  private workRequestJson(wr: WorkRequest): Record<string, unknown> {
    const now = this.clock.now();
    const done = now >= wr.finishAt;
    const span = Math.max(1, wr.finishAt - wr.accepted);
    const status = done ? (wr.failed ? 'FAILED' : 'SUCCEEDED') : now > wr.accepted ? 'IN_PROGRESS' : 'ACCEPTED';
    return {
      id: wr.id,
      operationType: wr.operationType,
      status,
      compartmentId: wr.compartmentId,
      percentComplete: done ? 100 : Math.floor(((now - wr.accepted) / span) * 100),
      resources: [
        {
          actionType: done ? 'UPDATED' : 'IN_PROGRESS',
          entityType: 'modelDeployment',
          identifier: wr.resourceId,
          entityUri: `/modelDeployments/${wr.resourceId}`,
        },
      ],
      timeAccepted: iso(wr.accepted),
      timeStarted: iso(wr.accepted),
      ...(done ? { timeFinished: iso(wr.finishAt) } : {}),
    };
  }

  private getWorkRequest(r: ApiRequest): ApiResponse {
    const wr = this.workRequests.get(r.params['id']!);
    if (!wr) throw new ApiError(404, 'NotAuthorizedOrNotFound', `work request ${r.params['id']} not found`);
    // Settle the deployment too, so the two agree.
    if (this.deployments.has(wr.resourceId)) this.settled(wr.resourceId);
    return { status: 200, body: this.workRequestJson(wr), headers: { etag: wr.id } };
  }

  private listWorkRequests(r: ApiRequest): ApiResponse {
    const compartmentId = requireQuery(r, 'compartmentId');
    const resourceId = r.query.get('resourceId');
    const items = [...this.workRequests.values()]
      .filter((w) => w.compartmentId === compartmentId && (resourceId === null || w.resourceId === resourceId))
      .map((w) => this.workRequestJson(w));
    return paginate(items, r, this.options.pageSize);
  }
}
