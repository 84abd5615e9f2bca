import { ConflictError, systemClock } from '@autoscaler/core';
import type {
  CallOptions,
  Clock,
  Issue,
  ApplyHandle,
  ApplyOptions,
  Capacity,
  NativeExport,
  PersistedState,
  Policy,
  Provider,
  SizeLadder,
  TargetRef,
  TargetState,
} from '@autoscaler/core';
import type { DataScienceClient } from 'oci-datascience';
import { capacityOf, statusOf, updateFor, viewOf, type DeploymentView } from './deployment-config';
import { callWithin } from './deadline';
import { exportNativePolicy } from './native-export';
import { requireOcid } from './ocid';
import { checkModelDeploymentPolicy } from './policy-check';
import { defaultLadder } from './shapes';
import { decodeState, isManaged, mergeStateTags } from './state-tags';

export const PROVIDER_NAME = 'oci-data-science';

export const MODEL_DEPLOYMENT_NAMESPACE = 'oci_datascience_modeldeploy';

export interface OciDataScienceProviderOptions {
  dataScience: DataScienceClient;
  /** Size ladders by deployment OCID; otherwise the ladder of the current shape's series. */
  ladders?: Readonly<Record<string, SizeLadder>>;
  /** Attempts at writing state tags when someone else changes the deployment in between. Default 3. */
  stateWriteAttempts?: number;
  /** The clock `CallOptions.deadline` is on (default: the system clock). */
  clock?: Clock;
}

/**
 * OCI Data Science model deployments: instance count (FixedSizeScalingPolicy),
 * shape ladder (fixed and flex), load balancer bandwidth. `apply` is
 * UpdateModelDeployment with `if-match` and returns the work request.
 */
export class OciDataScienceProvider implements Provider {
  readonly name = PROVIDER_NAME;
  /**
   * Typical seconds from UpdateModelDeployment until an added instance serves. OCI documents
   * no figure (packages/simulator/profiles/profiles.json has `update_add_instance_s: null`;
   * the docs say "several minutes"), so this is the 300 s estimate the simulator's OCI
   * scenario also uses for an add-instance update. An estimate, not a measurement.
   */
  readonly provisioningSeconds = 300;
  /** The last deployment read per id, by ETag: apply needs its modelId and instance configuration. */
  private readonly seen = new Map<string, { etag: string; view: DeploymentView }>();

  private readonly clock: Clock;

  constructor(private readonly options: OciDataScienceProviderOptions) {
    this.clock = options.clock ?? systemClock;
  }

  validateId(id: string): void {
    requireOcid('datasciencemodeldeployment', id, 'target.id');
  }

  async describe(ref: TargetRef, options: CallOptions = {}): Promise<TargetState> {
    const { view, etag } = await this.read(ref, options);
    const { status, reason } = statusOf(view);
    const state: TargetState = {
      ref,
      capacity: capacityOf(view),
      status,
      managed: isManaged(view.freeformTags),
      persisted: decodeState(view.freeformTags),
    };
    if (reason !== undefined) state.reason = reason;
    if (etag !== undefined) state.version = etag;
    return state;
  }

  async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    this.validateId(ref.id);
    let cached = this.seen.get(ref.id);
    if (!cached || options.ifMatch === undefined || cached.etag !== options.ifMatch) {
      const fresh = await this.read(ref, options);
      cached = { etag: fresh.etag ?? '', view: fresh.view };
    }
    // The ETag moved since the caller looked: the service would answer 412, so do not send.
    if (options.ifMatch !== undefined && cached.etag !== options.ifMatch)
      throw new ConflictError(`${ref.id}: ETag ${options.ifMatch} is stale (now ${cached.etag})`);
    const details = updateFor(cached.view, to);
    if (!details) return { kind: 'immediate', id: `unchanged:${cached.etag}` };
    // The autoscaler's memory (dedupe keys, the action mark) rides in the same request as the
    // change: no container can see the change without its dedupe keys, and no separate tag
    // write can be lost. Freeform tags are metadata, accepted alongside one option group.
    if (options.state) details.freeformTags = mergeStateTags(cached.view.freeformTags, options.state);
    const res = await callWithin(
      `UpdateModelDeployment ${ref.id}`,
      options,
      () =>
        this.options.dataScience.updateModelDeployment({
          modelDeploymentId: ref.id,
          updateModelDeploymentDetails: details,
          ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
        }),
      this.clock,
    );
    this.seen.delete(ref.id);
    return { kind: 'work-request', id: res.opcWorkRequestId, ...(options.state ? { stateWritten: true } : {}) };
  }

  async sizes(ref: TargetRef): Promise<SizeLadder> {
    const configured = this.options.ladders?.[ref.id];
    if (configured) return configured;
    const { view } = await this.read(ref);
    return defaultLadder(view.rung);
  }

  async readState(ref: TargetRef): Promise<PersistedState> {
    return decodeState((await this.read(ref)).view.freeformTags);
  }

  /**
   * Read-modify-write of the freeform tags with `if-match`: other people's tags
   * are kept, and a concurrent change (412) means read again and retry.
   */
  async writeState(ref: TargetRef, state: PersistedState, options: CallOptions = {}): Promise<void> {
    const attempts = this.options.stateWriteAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const { view, etag } = await this.read(ref, options);
      const freeformTags = mergeStateTags(view.freeformTags, state);
      try {
        await callWithin(
          `UpdateModelDeployment (state tags) ${ref.id}`,
          options,
          () =>
            this.options.dataScience.updateModelDeployment({
              modelDeploymentId: ref.id,
              updateModelDeploymentDetails: { freeformTags },
              ...(etag !== undefined ? { ifMatch: etag } : {}),
            }),
          this.clock,
        );
        this.seen.delete(ref.id);
        return;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= attempts) throw e;
      }
    }
  }

  /** A zero floor or a size that is not a model-deployment shape: refused before any call. */
  checkPolicy(policy: Policy, _ref: TargetRef): Issue[] {
    return checkModelDeploymentPolicy(policy);
  }

  exportNative(policy: Policy, ref: TargetRef): NativeExport {
    this.validateId(ref.id);
    return exportNativePolicy(policy, ref);
  }

  private async read(ref: TargetRef, options: CallOptions = {}): Promise<{ view: DeploymentView; etag?: string }> {
    this.validateId(ref.id);
    const res = await callWithin(
      `GetModelDeployment ${ref.id}`,
      options,
      () => this.options.dataScience.getModelDeployment({ modelDeploymentId: ref.id }),
      this.clock,
    );
    const view = viewOf(res.modelDeployment);
    if (res.etag) this.seen.set(ref.id, { etag: res.etag, view });
    return { view, ...(res.etag ? { etag: res.etag } : {}) };
  }
}
