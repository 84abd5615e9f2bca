import { ProviderError, ValidationError, type Capacity, type TargetStatus } from '@autoscaler/core';
import type { models } from 'oci-datascience';
import { formatRung, isFlexShape, parseRung, type ShapeRung } from './shapes';

/**
 * Reading capacity from a `ModelDeployment` and writing the smallest
 * `UpdateModelDeploymentDetails` that changes it. Only SINGLE_MODEL
 * deployments with a FIXED_SIZE scaling policy are scaled by us; a deployment
 * under OCI's own AUTOSCALING policy belongs to the native autoscaler.
 */
export interface DeploymentView {
  modelId: string;
  compartmentId: string;
  rung: ShapeRung;
  /** The instance configuration as returned (subnet, network access...), kept on shape changes. */
  instanceConfiguration: Record<string, unknown>;
  replicas: number;
  /** The deployment uses OCI's AUTOSCALING policy instead of FIXED_SIZE. */
  nativeAutoscaling: boolean;
  bandwidthMbps?: number;
  lifecycleState: string;
  lifecycleDetails?: string;
  freeformTags: Record<string, string>;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function viewOf(md: models.ModelDeployment): DeploymentView {
  const cfg = obj(md.modelDeploymentConfigurationDetails);
  if (!cfg) throw new ProviderError(`model deployment ${md.id} has no modelDeploymentConfigurationDetails`);
  if (cfg['deploymentType'] !== 'SINGLE_MODEL')
    throw new ProviderError(`model deployment ${md.id} is a ${String(cfg['deploymentType'])} deployment; only SINGLE_MODEL deployments are scaled`);
  const mcd = obj(cfg['modelConfigurationDetails']);
  const ic = obj(mcd?.['instanceConfiguration']);
  const shape = ic?.['instanceShapeName'];
  if (!mcd || !ic || typeof shape !== 'string') throw new ProviderError(`model deployment ${md.id} has no instance configuration`);
  const sc = obj(ic['modelDeploymentInstanceShapeConfigDetails']);
  const rung: ShapeRung = { shape };
  if (isFlexShape(shape) && typeof sc?.['ocpus'] === 'number' && typeof sc['memoryInGBs'] === 'number') {
    rung.ocpus = sc['ocpus'];
    rung.memoryInGBs = sc['memoryInGBs'];
  }
  const sp = obj(mcd['scalingPolicy']);
  const nativeAutoscaling = sp?.['policyType'] === 'AUTOSCALING';
  let replicas = Number(sp?.['instanceCount']);
  if (nativeAutoscaling) {
    const first = obj((sp?.['autoScalingPolicies'] as unknown[] | undefined)?.[0]);
    replicas = Number(first?.['initialInstanceCount'] ?? first?.['minimumInstanceCount']);
  }
  if (!Number.isInteger(replicas) || replicas < 0) replicas = 0;
  const view: DeploymentView = {
    modelId: String(mcd['modelId']),
    compartmentId: md.compartmentId,
    rung,
    instanceConfiguration: ic,
    replicas,
    nativeAutoscaling,
    lifecycleState: String(md.lifecycleState),
    freeformTags: { ...(md.freeformTags ?? {}) },
  };
  if (typeof mcd['bandwidthMbps'] === 'number') view.bandwidthMbps = mcd['bandwidthMbps'];
  if (md.lifecycleDetails) view.lifecycleDetails = md.lifecycleDetails;
  return view;
}

export function capacityOf(view: DeploymentView): Capacity {
  return { replicas: view.replicas, size: formatRung(view.rung), ...(view.bandwidthMbps !== undefined ? { bandwidthMbps: view.bandwidthMbps } : {}) };
}

/** Lifecycle state -> what the orchestrator may do (act only when ACTIVE). */
export function statusOf(view: DeploymentView): { status: TargetStatus; reason?: string } {
  const details = view.lifecycleDetails ? `: ${view.lifecycleDetails}` : '';
  if (view.nativeAutoscaling)
    return { status: 'failed', reason: 'the deployment uses OCI native autoscaling (AUTOSCALING policy); not scaling it from alarms' };
  switch (view.lifecycleState) {
    case 'ACTIVE':
      return { status: 'ready' };
    case 'UPDATING':
    case 'CREATING':
      return { status: 'updating', reason: `lifecycle state ${view.lifecycleState}${details}` };
    case 'DELETING':
    case 'DELETED':
      return { status: 'missing', reason: `lifecycle state ${view.lifecycleState}` };
    default:
      // FAILED, INACTIVE, NEEDS_ATTENTION, unknown: a person should look first.
      return { status: 'failed', reason: `lifecycle state ${view.lifecycleState}${details}` };
  }
}

/**
 * The update body for a capacity change. Compute (instances, shape) and load
 * balancer bandwidth are separate option groups: an ACTIVE deployment takes one
 * per update, so asking for both is refused before anything is sent.
 */
export function updateFor(view: DeploymentView, to: Capacity): models.UpdateModelDeploymentDetails | undefined {
  if (!Number.isInteger(to.replicas) || to.replicas < 1)
    throw ValidationError.field('capacity.replicas', `a model deployment runs 1 or more instances, got ${String(to.replicas)}`);
  const rung = to.size === undefined ? view.rung : parseRung(to.size);
  const shapeChanged = formatRung(rung) !== formatRung(view.rung);
  const countChanged = to.replicas !== view.replicas;
  const bandwidthChanged = to.bandwidthMbps !== undefined && to.bandwidthMbps !== view.bandwidthMbps;
  if (bandwidthChanged && (shapeChanged || countChanged)) {
    throw ValidationError.field(
      'capacity.bandwidthMbps',
      'an ACTIVE model deployment takes one option group per update: change instances/shape or load balancer bandwidth, not both',
    );
  }
  if (bandwidthChanged && (!Number.isInteger(to.bandwidthMbps) || to.bandwidthMbps! < 10 || to.bandwidthMbps! > 8000)) {
    throw ValidationError.field('capacity.bandwidthMbps', `must be a whole number of Mbps in 10-8000, got ${String(to.bandwidthMbps)}`);
  }
  if (!shapeChanged && !countChanged && !bandwidthChanged) return undefined;
  const mcd: Record<string, unknown> = { modelId: view.modelId };
  if (shapeChanged) {
    const ic: Record<string, unknown> = { ...view.instanceConfiguration, instanceShapeName: rung.shape };
    if (rung.ocpus !== undefined && rung.memoryInGBs !== undefined)
      ic['modelDeploymentInstanceShapeConfigDetails'] = { ocpus: rung.ocpus, memoryInGBs: rung.memoryInGBs };
    else delete ic['modelDeploymentInstanceShapeConfigDetails'];
    mcd['instanceConfiguration'] = ic;
  }
  if (countChanged) mcd['scalingPolicy'] = { policyType: 'FIXED_SIZE', instanceCount: to.replicas };
  if (bandwidthChanged) mcd['bandwidthMbps'] = to.bandwidthMbps;
  return {
    modelDeploymentConfigurationDetails: {
      deploymentType: 'SINGLE_MODEL',
      modelConfigurationDetails: mcd,
    } as unknown as models.UpdateSingleModelDeploymentConfigurationDetails,
  };
}
