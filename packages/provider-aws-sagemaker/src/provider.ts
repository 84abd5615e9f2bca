import {
  AddTagsCommand,
  CreateEndpointConfigCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  DeleteTagsCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import type {
  CreateEndpointConfigInput,
  DescribeInferenceComponentCommandOutput,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommandOutput,
  ProductionVariant,
  DesiredWeightAndCapacity,
} from '@aws-sdk/client-sagemaker';
import { ConflictError, NotFoundError, ProviderError, TransientError, ValidationError, systemClock } from '@autoscaler/core';
import type {
  ApplyHandle,
  ApplyOptions,
  CallOptions,
  Capacity,
  Clock,
  PersistedState,
  Policy,
  Issue,
  Provider,
  SizeLadder,
  TargetRef,
  TargetState,
  TargetStatus,
} from '@autoscaler/core';
import { callWithin, toCoreError } from './aws-errors';
import { mergeBudgets } from './budget';
import type { AwsClients } from './clients';
import { parseTargetId, parseVariantId, PROVIDER_NAME, variantId, type VariantId } from './ids';
import { sizeLadderFor } from './instance-types';
import type { SageMakerNativeExport } from './native/compile';
import { checkSageMakerPolicy } from './policy-checks';
import { decodeState, encodeState, isManaged, mergeStates, tagChanges } from './state-tags';

const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
type EndpointStatus = NonNullable<DescribeEndpointCommandOutput['EndpointStatus']>;

const STATUS: Record<EndpointStatus, TargetStatus> = {
  InService: 'ready',
  Creating: 'updating',
  Updating: 'updating',
  SystemUpdating: 'updating',
  RollingBack: 'updating',
  Deleting: 'missing',
  Failed: 'failed',
  OutOfService: 'failed',
  UpdateRollbackFailed: 'failed',
};

type ComponentStatus = NonNullable<DescribeInferenceComponentCommandOutput['InferenceComponentStatus']>;
/** An inference component's statuses are a subset of an endpoint's, with the same meaning (the compiler checks the subset). */
const COMPONENT_STATUS: Record<ComponentStatus, TargetStatus> = STATUS;

/** An inference component's version: LastModifiedTime (changes on every copy-count update; tag writes leave it). */
export function componentVersionOf(c: Pick<DescribeInferenceComponentCommandOutput, 'LastModifiedTime'>): string {
  return `ic@${c.LastModifiedTime?.getTime() ?? 0}`;
}

/**
 * Optimistic-concurrency version: the endpoint config name (changes on every
 * blue/green update) plus LastModifiedTime (changes on capacity updates too,
 * which keep the config). Tag writes change neither.
 */
export function versionOf(endpoint: Pick<DescribeEndpointCommandOutput, 'EndpointConfigName' | 'LastModifiedTime'>): string {
  return `${endpoint.EndpointConfigName ?? ''}@${endpoint.LastModifiedTime?.getTime() ?? 0}`;
}

export interface SageMakerProviderOptions {
  /** The region the clients talk to; a target naming another region is refused. */
  region?: string;
  clock?: Clock;
  /** The budget of the invocation in progress, used when a call brings none (the Lambda sets it). */
  budget?: () => CallOptions | undefined;
}

/** Writes of the autoscaler's tags are re-read and merged again at most this often when a concurrent writer won. */
const STATE_WRITE_ATTEMPTS = 3;

/**
 * SageMaker real-time endpoint variants. Horizontal changes go through
 * UpdateEndpointWeightsAndCapacities; a new instance type through a new
 * endpoint config + UpdateEndpoint (blue/green). `version` is the endpoint
 * config name; the autoscaler's memory lives in `autoscaler:*` endpoint tags.
 */
export class SageMakerProvider implements Provider {
  readonly name = PROVIDER_NAME;
  /**
   * An estimate: AWS publishes no scale-out time for CPU instances ("several minutes", see
   * packages/simulator/profiles/profiles.json `sagemaker.provisioning`, value null); GPU LLM
   * measurements there are 258 s cached and 525 s uncached.
   */
  readonly provisioningSeconds = 300;
  private readonly clock: Clock;
  /** Endpoint configs are immutable: their variants are cached by name. */
  private readonly configs = new Map<string, DescribeEndpointConfigCommandOutput>();
  /** The autoscaler state last read per endpoint ARN: the base a write is merged against (see `mergeStates`). */
  private readonly seen = new Map<string, PersistedState>();

  constructor(
    private readonly clients: AwsClients,
    private readonly options: SageMakerProviderOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  validateId(id: string): void {
    parseTargetId(id);
  }

  /** What a SageMaker target kind cannot do (a zero floor on a real-time variant...), decided from the policy and the id alone. */
  checkPolicy(policy: Policy, ref: TargetRef): Issue[] {
    return checkSageMakerPolicy(policy, ref);
  }

  async describe(ref: TargetRef, options?: CallOptions): Promise<TargetState> {
    const component = this.componentOf(ref);
    if (component !== undefined) return this.describeComponentTarget(ref, component, this.budget(options));
    const id = this.check(ref);
    const budget = this.budget(options);
    const endpoint = await this.describeEndpoint(id, budget);
    const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === id.variant);
    if (!variant)
      throw new NotFoundError(
        `endpoint ${id.endpoint} has no variant ${id.variant} (has: ${(endpoint.ProductionVariants ?? []).map((v) => v.VariantName).join(', ') || 'none'})`,
      );
    const configName = endpoint.EndpointConfigName;
    const configVariant = configName ? (await this.config(configName, budget)).ProductionVariants?.find((v) => v.VariantName === id.variant) : undefined;
    const size = configVariant?.InstanceType;
    const serverless = isServerlessVariant(variant, configVariant);
    const tags = await this.tags(endpoint.EndpointArn!, budget);
    const raw = endpoint.EndpointStatus ?? 'Failed';
    const status = STATUS[raw] ?? 'failed';
    // A serverless variant's capacity is its provisioned concurrency (0: none provisioned).
    const capacity: Capacity = {
      replicas: serverless
        ? (variant.DesiredServerlessConfig?.ProvisionedConcurrency ?? variant.CurrentServerlessConfig?.ProvisionedConcurrency ?? 0)
        : (variant.DesiredInstanceCount ?? variant.CurrentInstanceCount ?? 0),
    };
    if (size !== undefined) capacity.size = size;
    // Traffic is split only between the variants of a multi-variant endpoint.
    const weight = variant.DesiredWeight ?? variant.CurrentWeight;
    if ((endpoint.ProductionVariants?.length ?? 0) > 1 && weight !== undefined) capacity.weight = weight;
    const state: TargetState = {
      ref,
      capacity,
      status,
      managed: isManaged(tags),
      persisted: decodeState(tags),
    };
    this.remember(endpoint.EndpointArn!, state.persisted);
    state.version = versionOf(endpoint);
    if (status !== 'ready') state.reason = `EndpointStatus ${raw}${endpoint.FailureReason ? `: ${endpoint.FailureReason}` : ''}`;
    return state;
  }

  /**
   * The change, with the autoscaler's memory written FIRST when `options.state` is given: the
   * dedupe keys and the action mark are on the endpoint before the endpoint changes, so a
   * redelivery to another container can never see the change without them (SageMaker has no
   * way to write tags in the same call). If the change then fails, those tags are taken back.
   */
  async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    const component = this.componentOf(ref);
    if (component !== undefined) return this.applyComponent(component, to, options);
    const id = this.check(ref);
    if (!Number.isInteger(to.replicas) || to.replicas < 0)
      throw ValidationError.field('capacity.replicas', `must be a whole number >= 0, got ${String(to.replicas)}`);
    if (to.size !== undefined && !INSTANCE_TYPE.test(to.size))
      throw ValidationError.field('capacity.size', `"${to.size}" is not a SageMaker instance type like ml.m5.large`);
    if (to.weight !== undefined && !(typeof to.weight === 'number' && Number.isFinite(to.weight) && to.weight >= 0 && to.weight <= 1e6))
      throw ValidationError.field('capacity.weight', `must be a number from 0 to 1000000 (a variant's share of traffic), got ${String(to.weight)}`);
    const budget = this.budget(options);
    const endpoint = await this.describeEndpoint(id, budget);
    const arn = endpoint.EndpointArn!;
    if (endpoint.EndpointStatus !== 'InService')
      throw new ConflictError(`endpoint ${id.endpoint} is ${endpoint.EndpointStatus ?? 'unknown'}: not changing it until it is InService`);
    if (options.ifMatch !== undefined && options.ifMatch !== versionOf(endpoint)) {
      throw new ConflictError(`endpoint ${id.endpoint} is now at version ${versionOf(endpoint)}, not ${options.ifMatch}: it changed since it was described`);
    }
    const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === id.variant);
    if (!variant) throw new NotFoundError(`endpoint ${id.endpoint} has no variant ${id.variant}`);
    const config = await this.config(endpoint.EndpointConfigName!, budget);
    const configVariant = config.ProductionVariants?.find((v) => v.VariantName === id.variant);
    if (isServerlessVariant(variant, configVariant)) return this.applyServerless(id, endpoint, variant, configVariant, to, options, budget);
    const currentSize = configVariant?.InstanceType;
    const resizing = to.size !== undefined && to.size !== currentSize;
    const variants = endpoint.ProductionVariants?.length ?? 0;
    const reweighting = to.weight !== undefined && to.weight !== (variant.DesiredWeight ?? variant.CurrentWeight);
    if (to.weight !== undefined && variants < 2)
      throw ValidationError.field('capacity.weight', `endpoint ${id.endpoint} has one variant: a weight shifts traffic between the variants of one endpoint`);
    if (reweighting && resizing)
      throw ValidationError.field('capacity.weight', 'change the weight and the instance type in two steps (a resize creates a new endpoint config)');
    const recount = to.replicas !== variant.DesiredInstanceCount;
    const changes = resizing || recount || reweighting;

    await this.withStateAround(id, endpoint, options, budget, async () => {
      if (resizing) await this.resize(id, endpoint, config, to, budget);
      else if (changes)
        await this.updateVariant(id, budget, {
          ...(recount || !reweighting ? { DesiredInstanceCount: to.replicas } : {}),
          ...(reweighting ? { DesiredWeight: to.weight } : {}),
        });
    });
    return { kind: changes ? 'endpoint' : 'immediate', id: arn, ...(options.state ? { stateWritten: true } : {}) };
  }

  async sizes(ref: TargetRef): Promise<SizeLadder> {
    if (this.componentOf(ref) !== undefined) return [];
    const state = await this.describe(ref);
    return state.capacity.size === undefined ? [] : sizeLadderFor(state.capacity.size);
  }

  async readState(ref: TargetRef, options?: CallOptions): Promise<PersistedState> {
    const budget = this.budget(options);
    const component = this.componentOf(ref);
    if (component !== undefined) {
      const c = await this.describeComponent(component, budget);
      const state = decodeState(await this.tags(c.InferenceComponentArn!, budget));
      this.remember(c.InferenceComponentArn!, state);
      return state;
    }
    const id = this.check(ref);
    const endpoint = await this.describeEndpoint(id, budget);
    const state = decodeState(await this.tags(endpoint.EndpointArn!, budget));
    this.remember(endpoint.EndpointArn!, state);
    return state;
  }

  /** Read-merge-write of the autoscaler's tags; a lost or overwritten write is an error (see `writeTags`). */
  async writeState(ref: TargetRef, state: PersistedState, options?: CallOptions): Promise<void> {
    const budget = this.budget(options);
    const component = this.componentOf(ref);
    if (component !== undefined) {
      const c = await this.describeComponent(component, budget);
      await this.writeTags(component, c.InferenceComponentArn!, state, budget);
      return;
    }
    const id = this.check(ref);
    const endpoint = await this.describeEndpoint(id, budget);
    await this.writeTags(id.endpoint, endpoint.EndpointArn!, state, budget);
  }

  /** Desired and current instance counts of a variant (what `status aws` shows). */
  async instanceCounts(ref: TargetRef, options?: CallOptions): Promise<{ desired?: number; current?: number }> {
    const component = this.componentOf(ref);
    if (component !== undefined) {
      const rc = (await this.describeComponent(component, this.budget(options))).RuntimeConfig;
      return {
        ...(rc?.DesiredCopyCount !== undefined ? { desired: rc.DesiredCopyCount } : {}),
        ...(rc?.CurrentCopyCount !== undefined ? { current: rc.CurrentCopyCount } : {}),
      };
    }
    const id = this.check(ref);
    const endpoint = await this.describeEndpoint(id, this.budget(options));
    const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === id.variant);
    if (variant?.CurrentServerlessConfig || variant?.DesiredServerlessConfig)
      return {
        desired: variant.DesiredServerlessConfig?.ProvisionedConcurrency ?? 0,
        current: variant.CurrentServerlessConfig?.ProvisionedConcurrency ?? 0,
      };
    return {
      ...(variant?.DesiredInstanceCount !== undefined ? { desired: variant.DesiredInstanceCount } : {}),
      ...(variant?.CurrentInstanceCount !== undefined ? { current: variant.CurrentInstanceCount } : {}),
    };
  }

  /**
   * Write `state` merged into what the endpoint holds now (another container's dedupe keys and
   * newer marks survive), then read it back: a write that was lost, or overwritten by a
   * concurrent writer, is merged and written again, and after a few tries it is an error. Tags
   * have no conditional write; this closes the window to one read-back, not to zero.
   * Returns the state the endpoint held before the write.
   */
  private async writeTags(label: string, arn: string, state: PersistedState, budget: CallOptions | undefined): Promise<PersistedState> {
    let current = await this.tags(arn, budget);
    const before = decodeState(current);
    for (let attempt = 1; ; attempt++) {
      const wanted = decodeState(encodeState(mergeStates(decodeState(current), state, this.seen.get(arn))));
      await this.putTags(label, arn, current, encodeState(wanted), budget);
      current = await this.tags(arn, budget);
      if (holds(decodeState(current), wanted)) {
        this.remember(arn, decodeState(current));
        return before;
      }
      if (attempt >= STATE_WRITE_ATTEMPTS)
        throw new TransientError(
          `AddTags ${label}: the autoscaler's state did not stick after ${attempt} writes (lost, or overwritten by a concurrent writer)`,
        );
    }
  }

  /**
   * After a failed change, undo what its early state write claimed, never anyone else's:
   * - its action mark, if the endpoint still carries exactly that mark;
   * - its new dedupe keys, only when the failure was not a conflict and the endpoint is still at
   *   the version it had (a conflict or a new version means someone changed the endpoint, maybe a
   *   concurrent copy of the same delivery whose keys these also are: keeping them is what stops a
   *   second scale; an alarm still in ALARM is picked up again by the periodic re-check).
   */
  private async takeBack(
    label: string,
    arn: string,
    describedVersion: string,
    versionNow: () => Promise<string>,
    before: PersistedState,
    wrote: PersistedState,
    conflict: boolean,
    budget: CallOptions | undefined,
  ): Promise<void> {
    const unchanged = !conflict && (await versionNow()) === describedVersion;
    const current = await this.tags(arn, budget);
    const now = decodeState(current);
    const had = new Set(before.dedupeKeys);
    const added = new Set(decodeState(encodeState(wrote)).dedupeKeys.filter((k) => !had.has(k)));
    const restored: PersistedState = { ...now, dedupeKeys: unchanged ? now.dedupeKeys.filter((k) => !added.has(k)) : now.dedupeKeys };
    for (const field of ['lastScaleOut', 'lastScaleIn', 'lastResize'] as const) {
      const mine = wrote[field];
      const theirs = now[field];
      if (
        mine &&
        theirs &&
        Math.floor(mine.at / 1000) === Math.floor(theirs.at / 1000) &&
        mine.to === theirs.to &&
        mine.from === theirs.from &&
        before[field]?.at !== mine.at
      ) {
        if (before[field]) restored[field] = before[field];
        else delete restored[field];
      }
    }
    await this.putTags(label, arn, current, encodeState(restored), budget);
  }

  private async readTagsState(arn: string, budget: CallOptions | undefined): Promise<PersistedState> {
    return decodeState(await this.tags(arn, budget));
  }

  private async putTags(
    label: string,
    arn: string,
    current: ReadonlyMap<string, string>,
    next: ReadonlyMap<string, string>,
    budget: CallOptions | undefined,
  ): Promise<void> {
    const { put, remove } = tagChanges(current, next);
    if (put.length > 0)
      await callWithin(`AddTags ${label}`, budget, this.clock, (http) =>
        this.clients.sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: put }), http),
      );
    if (remove.length > 0)
      await callWithin(`DeleteTags ${label}`, budget, this.clock, (http) =>
        this.clients.sagemaker.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: remove }), http),
      );
  }

  /** The policy as Application Auto Scaling resources (the compiler loads only when asked: a Lambda never needs it). */
  async exportNative(policy: Policy, ref: TargetRef): Promise<SageMakerNativeExport> {
    this.checkRef(ref);
    parseTargetId(ref.id);
    const { compileNative } = await import('./native/compile');
    const serverless = this.componentOf(ref) === undefined && (await this.isServerless(ref));
    return compileNative(policy, ref, { serverless });
  }

  /** Whether a variant is serverless (its endpoint config gives it a ServerlessConfig): its capacity is then provisioned concurrency. */
  async isServerless(ref: TargetRef, options?: CallOptions): Promise<boolean> {
    if (this.componentOf(ref) !== undefined) return false;
    const id = this.check(ref);
    const budget = this.budget(options);
    const endpoint = await this.describeEndpoint(id, budget);
    const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === id.variant);
    if (!variant) throw new NotFoundError(`endpoint ${id.endpoint} has no variant ${id.variant}`);
    const configVariant = endpoint.EndpointConfigName
      ? (await this.config(endpoint.EndpointConfigName, budget)).ProductionVariants?.find((v) => v.VariantName === id.variant)
      : undefined;
    return isServerlessVariant(variant, configVariant);
  }

  /**
   * A serverless variant: provisioned concurrency (1..its MaxConcurrency) through
   * UpdateEndpointWeightsAndCapacities' ServerlessUpdateConfig; no instance type; state in the endpoint tags.
   */
  /** `stateAround` for an endpoint's variant. */
  private async withStateAround(
    id: VariantId,
    endpoint: DescribeEndpointCommandOutput,
    options: ApplyOptions,
    budget: CallOptions | undefined,
    change: () => Promise<void>,
  ): Promise<void> {
    const resource = {
      name: id.endpoint,
      kind: 'endpoint',
      arn: endpoint.EndpointArn!,
      version: versionOf(endpoint),
      currentVersion: async () => versionOf(await this.describeEndpoint(id, budget)),
    };
    await this.stateAround(resource, options, budget, change);
  }

  /**
   * Write the state tags, make the change, take the tags back if the change failed, then confirm
   * them (SageMaker tags have no conditional write: another writer may have raced ours).
   */
  private async stateAround(
    r: { name: string; kind: string; arn: string; version: string; currentVersion: () => Promise<string> },
    options: ApplyOptions,
    budget: CallOptions | undefined,
    change: () => Promise<void>,
  ): Promise<void> {
    const before = options.state ? await this.writeTags(r.name, r.arn, options.state, budget) : undefined;
    try {
      await change();
    } catch (e) {
      if (options.state && before)
        await this.takeBack(r.name, r.arn, r.version, r.currentVersion, before, options.state, e instanceof ConflictError, budget).catch(() => undefined);
      throw e;
    }
    if (!options.state) return;
    try {
      if (!holds(await this.readTagsState(r.arn, budget), decodeState(encodeState(options.state)))) await this.writeTags(r.name, r.arn, options.state, budget);
    } catch (e) {
      throw new ProviderError(`${r.name} was changed, but its dedupe keys and action mark could not be confirmed on the ${r.kind}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  /** One variant's entry of UpdateEndpointWeightsAndCapacities (count, weight or provisioned concurrency). */
  private async updateVariant(id: VariantId, budget: CallOptions | undefined, entry: Omit<DesiredWeightAndCapacity, 'VariantName'>): Promise<void> {
    await callWithin(`UpdateEndpointWeightsAndCapacities ${id.endpoint}`, budget, this.clock, (http) =>
      this.clients.sagemaker.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: id.endpoint, DesiredWeightsAndCapacities: [{ VariantName: id.variant, ...entry }] }),
        http,
      ),
    );
  }

  private async applyServerless(
    id: VariantId,
    endpoint: DescribeEndpointCommandOutput,
    variant: NonNullable<DescribeEndpointCommandOutput['ProductionVariants']>[number],
    configVariant: ProductionVariant | undefined,
    to: Capacity,
    options: ApplyOptions,
    budget: CallOptions | undefined,
  ): Promise<ApplyHandle> {
    if (to.size !== undefined)
      throw ValidationError.field(
        'capacity.size',
        `${variantId(id.endpoint, id.variant)} is serverless: it has no instance type to change to "${String(to.size).slice(0, 100)}"`,
      );
    if (to.weight !== undefined && (endpoint.ProductionVariants?.length ?? 0) < 2)
      throw ValidationError.field('capacity.weight', `endpoint ${id.endpoint} has one variant: a weight shifts traffic between the variants of one endpoint`);
    const max = variant.DesiredServerlessConfig?.MaxConcurrency ?? configVariant?.ServerlessConfig?.MaxConcurrency ?? 200;
    if (!Number.isInteger(to.replicas) || to.replicas < 1 || to.replicas > max)
      throw ValidationError.field(
        'capacity.replicas',
        `is the provisioned concurrency of serverless ${variantId(id.endpoint, id.variant)}: a whole number from 1 to its MaxConcurrency ${max}, got ${String(to.replicas)}`,
      );
    const current = variant.DesiredServerlessConfig?.ProvisionedConcurrency ?? variant.CurrentServerlessConfig?.ProvisionedConcurrency;
    const reweighting = to.weight !== undefined && to.weight !== (variant.DesiredWeight ?? variant.CurrentWeight);
    const changes = to.replicas !== current || reweighting;
    const arn = endpoint.EndpointArn!;
    await this.withStateAround(id, endpoint, options, budget, async () => {
      if (changes)
        await this.updateVariant(id, budget, {
          ...(to.replicas !== current ? { ServerlessUpdateConfig: { ProvisionedConcurrency: to.replicas } } : {}),
          ...(reweighting ? { DesiredWeight: to.weight } : {}),
        });
    });
    return { kind: changes ? 'endpoint' : 'immediate', id: arn, ...(options.state ? { stateWritten: true } : {}) };
  }

  // ----- vertical ------------------------------------------------------------------------------

  /**
   * Blue/green to a new instance type: new endpoint config (a copy of the
   * current one with this variant's type changed) + UpdateEndpoint with
   * RetainAllVariantProperties. Application Auto Scaling refuses instance-type
   * changes of registered variants, so a registration is saved, removed, and
   * restored afterwards, and restored too if anything fails.
   */
  private async resize(
    id: VariantId,
    endpoint: DescribeEndpointCommandOutput,
    config: DescribeEndpointConfigCommandOutput,
    to: Capacity,
    budget: CallOptions | undefined,
  ): Promise<void> {
    const resourceId = variantId(id.endpoint, id.variant);
    const calls = { budget, clock: this.clock };
    // Application Auto Scaling's SDK loads with it: only a resize needs it.
    const { deregister, restoreRegistration, saveRegistration } = await import('./native/registration');
    const saved = await saveRegistration(this.clients, resourceId, calls);
    if (saved) await deregister(this.clients, resourceId, calls);
    let created: string | undefined;
    try {
      const name = this.newConfigName(id.endpoint);
      const desired = new Map((endpoint.ProductionVariants ?? []).map((v) => [v.VariantName, v.DesiredInstanceCount]));
      const variants: ProductionVariant[] = (config.ProductionVariants ?? []).map((v) => {
        const copy: ProductionVariant = { ...v };
        const count = v.VariantName === id.variant ? to.replicas : desired.get(v.VariantName);
        if (count !== undefined && copy.InstanceType !== undefined) copy.InitialInstanceCount = count;
        if (v.VariantName === id.variant) copy.InstanceType = to.size as ProductionVariant['InstanceType'];
        return copy;
      });
      const input: CreateEndpointConfigInput = {
        EndpointConfigName: name,
        ProductionVariants: variants,
        Tags: [{ Key: 'autoscaler:resized-from', Value: config.EndpointConfigName ?? '' }],
      };
      for (const k of [
        'DataCaptureConfig',
        'KmsKeyId',
        'AsyncInferenceConfig',
        'ExplainerConfig',
        'ShadowProductionVariants',
        'ExecutionRoleArn',
        'VpcConfig',
        'EnableNetworkIsolation',
      ] as const) {
        if (config[k] !== undefined) (input as unknown as Record<string, unknown>)[k] = config[k];
      }
      await callWithin(`CreateEndpointConfig ${name}`, budget, this.clock, (http) => this.clients.sagemaker.send(new CreateEndpointConfigCommand(input), http));
      created = name;
      const countChanges = to.replicas !== desired.get(id.variant);
      await callWithin(`UpdateEndpoint ${id.endpoint}`, budget, this.clock, (http) =>
        this.clients.sagemaker.send(
          new UpdateEndpointCommand({
            EndpointName: id.endpoint,
            EndpointConfigName: name,
            RetainAllVariantProperties: true,
            ...(countChanges ? { ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredInstanceCount' }] } : {}),
          }),
          http,
        ),
      );
    } catch (e) {
      const failure = toCoreError(e, `resize ${resourceId} to ${to.size}`);
      if (created)
        await callWithin(`DeleteEndpointConfig ${created}`, budget, this.clock, (http) =>
          this.clients.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: created }), http),
        ).catch(() => undefined);
      if (saved) {
        try {
          await restoreRegistration(this.clients, saved, calls);
        } catch (restoreError) {
          throw new ConflictError(
            `${failure.message}; and restoring its Application Auto Scaling registration failed too (${(restoreError as Error).message}): re-register it by hand`,
            { cause: e },
          );
        }
      }
      throw failure;
    }
    if (saved) await restoreRegistration(this.clients, saved, calls);
  }

  private newConfigName(endpoint: string): string {
    const suffix = `-as${Math.floor(this.clock.now() / 1000).toString(36)}`;
    return `${endpoint.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
  }

  // ----- inference components ------------------------------------------------------------------

  private async describeComponentTarget(ref: TargetRef, name: string, budget: CallOptions | undefined): Promise<TargetState> {
    const c = await this.describeComponent(name, budget);
    const arn = c.InferenceComponentArn!;
    const tags = await this.tags(arn, budget);
    const raw = c.InferenceComponentStatus ?? 'Failed';
    const status = COMPONENT_STATUS[raw] ?? 'failed';
    const state: TargetState = {
      ref,
      capacity: { replicas: c.RuntimeConfig?.DesiredCopyCount ?? c.RuntimeConfig?.CurrentCopyCount ?? 0 },
      status,
      managed: isManaged(tags),
      persisted: decodeState(tags),
      version: componentVersionOf(c),
    };
    this.remember(arn, state.persisted);
    if (status !== 'ready') state.reason = `InferenceComponentStatus ${raw}${c.FailureReason ? `: ${c.FailureReason}` : ''}`;
    return state;
  }

  /**
   * Copies only (UpdateInferenceComponentRuntimeConfig), down to 0 (AWS scales inference
   * components to zero). The state is written first, as for a variant (see `apply`).
   */
  private async applyComponent(name: string, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    if (!Number.isInteger(to.replicas) || to.replicas < 0)
      throw ValidationError.field('capacity.replicas', `must be a whole number >= 0, got ${String(to.replicas)}`);
    if (to.weight !== undefined)
      throw ValidationError.field('capacity.weight', `inference-component/${name} has no traffic weight: weights belong to the variants of an endpoint`);
    if (to.size !== undefined)
      throw ValidationError.field(
        'capacity.size',
        `inference-component/${name} scales by copy count only: it has no instance type to change to "${String(to.size).slice(0, 100)}"`,
      );
    const budget = this.budget(options);
    const c = await this.describeComponent(name, budget);
    const arn = c.InferenceComponentArn!;
    if (c.InferenceComponentStatus !== 'InService')
      throw new ConflictError(`inference component ${name} is ${c.InferenceComponentStatus ?? 'unknown'}: not changing it until it is InService`);
    const version = componentVersionOf(c);
    if (options.ifMatch !== undefined && options.ifMatch !== version)
      throw new ConflictError(`inference component ${name} is now at version ${version}, not ${options.ifMatch}: it changed since it was described`);
    const changes = to.replicas !== c.RuntimeConfig?.DesiredCopyCount;
    const resource = {
      name,
      kind: 'inference component',
      arn,
      version,
      currentVersion: async () => componentVersionOf(await this.describeComponent(name, budget)),
    };
    await this.stateAround(resource, options, budget, async () => {
      if (!changes) return;
      await callWithin(`UpdateInferenceComponentRuntimeConfig ${name}`, budget, this.clock, (http) =>
        this.clients.sagemaker.send(
          new UpdateInferenceComponentRuntimeConfigCommand({ InferenceComponentName: name, DesiredRuntimeConfig: { CopyCount: to.replicas } }),
          http,
        ),
      );
    });
    return { kind: changes ? 'endpoint' : 'immediate', id: arn, ...(options.state ? { stateWritten: true } : {}) };
  }

  private async describeComponent(name: string, budget: CallOptions | undefined): Promise<DescribeInferenceComponentCommandOutput> {
    const out = await callWithin(`DescribeInferenceComponent ${name}`, budget, this.clock, (http) =>
      this.clients.sagemaker.send(new DescribeInferenceComponentCommand({ InferenceComponentName: name }), http),
    );
    if (!out.InferenceComponentArn) throw new NotFoundError(`inference component ${name} has no ARN`);
    return out;
  }

  // ----- reads ---------------------------------------------------------------------------------

  private check(ref: TargetRef): VariantId {
    this.checkRef(ref);
    return parseVariantId(ref.id);
  }

  /** The component name when `ref` is `inference-component/<name>`; undefined for a variant id; a bad id is a ValidationError. */
  private componentOf(ref: TargetRef): string | undefined {
    this.checkRef(ref);
    const id = parseTargetId(ref.id);
    return id.kind === 'component' ? id.component : undefined;
  }

  private checkRef(ref: TargetRef): void {
    if (ref.provider !== this.name) throw ValidationError.field('target.provider', `"${ref.provider}" is not ${this.name}`);
    if (ref.region !== undefined && this.options.region !== undefined && ref.region !== this.options.region) {
      throw ValidationError.field('target.region', `${ref.region} is not the region this provider talks to (${this.options.region})`);
    }
  }

  private budget(options: CallOptions | undefined): CallOptions | undefined {
    return mergeBudgets(options, this.options.budget?.());
  }

  private async describeEndpoint(id: VariantId, budget: CallOptions | undefined): Promise<DescribeEndpointCommandOutput> {
    const out = await callWithin(`DescribeEndpoint ${id.endpoint}`, budget, this.clock, (http) =>
      this.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: id.endpoint }), http),
    );
    if (!out.EndpointArn) throw new NotFoundError(`endpoint ${id.endpoint} has no ARN`);
    return out;
  }

  private async config(name: string, budget: CallOptions | undefined): Promise<DescribeEndpointConfigCommandOutput> {
    const cached = this.configs.get(name);
    if (cached) return cached;
    const out = await callWithin(`DescribeEndpointConfig ${name}`, budget, this.clock, (http) =>
      this.clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }), http),
    );
    if (this.configs.size > 100) this.configs.clear();
    this.configs.set(name, out);
    return out;
  }

  private remember(arn: string, state: PersistedState): void {
    if (this.seen.size > 1000) this.seen.clear();
    this.seen.set(arn, structuredClone(state));
  }

  private async tags(arn: string, budget: CallOptions | undefined): Promise<Map<string, string>> {
    const tags = new Map<string, string>();
    let token: string | undefined;
    for (let page = 0; page < 5; page++) {
      const out = await callWithin('ListTags', budget, this.clock, (http) =>
        this.clients.sagemaker.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 50, ...(token ? { NextToken: token } : {}) }), http),
      );
      for (const t of out.Tags ?? []) if (t.Key !== undefined) tags.set(t.Key, t.Value ?? '');
      token = out.NextToken;
      if (!token) break;
    }
    return tags;
  }
}

/** Does the endpoint's state hold everything `wanted` says: each dedupe key, and each mark (or a newer one)? */
function holds(actual: PersistedState, wanted: PersistedState): boolean {
  const keys = new Set(actual.dedupeKeys);
  if (!wanted.dedupeKeys.every((k) => keys.has(k))) return false;
  if ((actual.metricFailures ?? 0) !== (wanted.metricFailures ?? 0)) return false;
  return (['lastScaleOut', 'lastScaleIn', 'lastResize'] as const).every(
    (f) => wanted[f] === undefined || (actual[f] !== undefined && actual[f].at >= wanted[f].at),
  );
}

/** Serverless: the endpoint reports a serverless config for the variant, or its endpoint config gives it one. */
function isServerlessVariant(
  variant: NonNullable<DescribeEndpointCommandOutput['ProductionVariants']>[number],
  configVariant: ProductionVariant | undefined,
): boolean {
  return variant.CurrentServerlessConfig !== undefined || variant.DesiredServerlessConfig !== undefined || configVariant?.ServerlessConfig !== undefined;
}
