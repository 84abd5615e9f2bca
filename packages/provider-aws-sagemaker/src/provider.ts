import {
  AddTagsCommand,
  CreateEndpointConfigCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DeleteTagsCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type CreateEndpointConfigInput,
  type DescribeEndpointCommandOutput,
  type DescribeEndpointConfigCommandOutput,
  type ProductionVariant,
} from '@aws-sdk/client-sagemaker';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  systemClock,
  type ApplyHandle,
  type ApplyOptions,
  type Capacity,
  type Clock,
  type NativeExport,
  type PersistedState,
  type Policy,
  type Provider,
  type SizeLadder,
  type TargetRef,
  type TargetState,
  type TargetStatus,
} from '@autoscaler/core';
import { call, toCoreError } from './aws-errors';
import type { AwsClients } from './clients';
import { parseVariantId, PROVIDER_NAME, variantId, type VariantId } from './ids';
import { sizeLadderFor } from './instance-types';
import { compileNative } from './native/compile';
import { deregister, restoreRegistration, saveRegistration } from './native/registration';
import { decodeState, encodeState, MANAGED_TAG, tagChanges } from './state-tags';

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
}

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

  constructor(
    private readonly clients: AwsClients,
    private readonly options: SageMakerProviderOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  validateId(id: string): void {
    parseVariantId(id);
  }

  async describe(ref: TargetRef): Promise<TargetState> {
    const id = this.check(ref);
    const endpoint = await this.describeEndpoint(id);
    const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === id.variant);
    if (!variant) throw new NotFoundError(`endpoint ${id.endpoint} has no variant ${id.variant} (has: ${(endpoint.ProductionVariants ?? []).map((v) => v.VariantName).join(', ') || 'none'})`);
    const configName = endpoint.EndpointConfigName;
    const size = configName ? (await this.config(configName)).ProductionVariants?.find((v) => v.VariantName === id.variant)?.InstanceType : undefined;
    const tags = await this.tags(endpoint.EndpointArn!);
    const raw = endpoint.EndpointStatus ?? 'Failed';
    const status = STATUS[raw] ?? 'failed';
    const capacity: Capacity = { replicas: variant.DesiredInstanceCount ?? variant.CurrentInstanceCount ?? 0 };
    if (size !== undefined) capacity.size = size;
    const state: TargetState = {
      ref,
      capacity,
      status,
      managed: tags.get(MANAGED_TAG) === 'true',
      persisted: decodeState(tags),
    };
    state.version = versionOf(endpoint);
    if (status !== 'ready') state.reason = `EndpointStatus ${raw}${endpoint.FailureReason ? `: ${endpoint.FailureReason}` : ''}`;
    return state;
  }

  async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    const id = this.check(ref);
    if (!Number.isInteger(to.replicas) || to.replicas < 0) throw ValidationError.field('capacity.replicas', `must be a whole number >= 0, got ${String(to.replicas)}`);
    if (to.size !== undefined && !INSTANCE_TYPE.test(to.size)) throw ValidationError.field('capacity.size', `"${to.size}" is not a SageMaker instance type like ml.m5.large`);
    const endpoint = await this.describeEndpoint(id);
    const arn = endpoint.EndpointArn!;
    if (endpoint.EndpointStatus !== 'InService') throw new ConflictError(`endpoint ${id.endpoint} is ${endpoint.EndpointStatus ?? 'unknown'}: not changing it until it is InService`);
    if (options.ifMatch !== undefined && options.ifMatch !== versionOf(endpoint)) {
      throw new ConflictError(`endpoint ${id.endpoint} is now at version ${versionOf(endpoint)}, not ${options.ifMatch}: it changed since it was described`);
    }
    const variant = endpoint.ProductionVariants?.find((v) => v.VariantName === id.variant);
    if (!variant) throw new NotFoundError(`endpoint ${id.endpoint} has no variant ${id.variant}`);
    const config = await this.config(endpoint.EndpointConfigName!);
    const currentSize = config.ProductionVariants?.find((v) => v.VariantName === id.variant)?.InstanceType;
    if (to.size !== undefined && to.size !== currentSize) return this.resize(id, endpoint, config, to);

    if (to.replicas === variant.DesiredInstanceCount) return { kind: 'immediate', id: arn };
    await call(`UpdateEndpointWeightsAndCapacities ${id.endpoint}`, () =>
      this.clients.sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: id.endpoint, DesiredWeightsAndCapacities: [{ VariantName: id.variant, DesiredInstanceCount: to.replicas }] })),
    );
    return { kind: 'endpoint', id: arn };
  }

  async sizes(ref: TargetRef): Promise<SizeLadder> {
    const state = await this.describe(ref);
    return sizeLadderFor(state.capacity.size);
  }

  async readState(ref: TargetRef): Promise<PersistedState> {
    const id = this.check(ref);
    const endpoint = await this.describeEndpoint(id);
    return decodeState(await this.tags(endpoint.EndpointArn!));
  }

  async writeState(ref: TargetRef, state: PersistedState): Promise<void> {
    const id = this.check(ref);
    const endpoint = await this.describeEndpoint(id);
    const arn = endpoint.EndpointArn!;
    const { put, remove } = tagChanges(await this.tags(arn), encodeState(state));
    if (put.length > 0) await call(`AddTags ${id.endpoint}`, () => this.clients.sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: put })));
    if (remove.length > 0) await call(`DeleteTags ${id.endpoint}`, () => this.clients.sagemaker.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: remove })));
  }

  exportNative(policy: Policy, ref: TargetRef): NativeExport {
    this.check(ref);
    return compileNative(policy, ref);
  }

  // ----- vertical ------------------------------------------------------------------------------

  /**
   * Blue/green to a new instance type: new endpoint config (a copy of the
   * current one with this variant's type changed) + UpdateEndpoint with
   * RetainAllVariantProperties. Application Auto Scaling refuses instance-type
   * changes of registered variants, so a registration is saved, removed, and
   * restored afterwards, and restored too if anything fails.
   */
  private async resize(id: VariantId, endpoint: DescribeEndpointCommandOutput, config: DescribeEndpointConfigCommandOutput, to: Capacity): Promise<ApplyHandle> {
    const resourceId = variantId(id.endpoint, id.variant);
    const saved = await saveRegistration(this.clients, resourceId);
    if (saved) await deregister(this.clients, resourceId);
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
      for (const k of ['DataCaptureConfig', 'KmsKeyId', 'AsyncInferenceConfig', 'ExplainerConfig', 'ShadowProductionVariants', 'ExecutionRoleArn', 'VpcConfig', 'EnableNetworkIsolation'] as const) {
        if (config[k] !== undefined) (input as unknown as Record<string, unknown>)[k] = config[k];
      }
      await call(`CreateEndpointConfig ${name}`, () => this.clients.sagemaker.send(new CreateEndpointConfigCommand(input)));
      created = name;
      const countChanges = to.replicas !== desired.get(id.variant);
      await call(`UpdateEndpoint ${id.endpoint}`, () =>
        this.clients.sagemaker.send(
          new UpdateEndpointCommand({
            EndpointName: id.endpoint,
            EndpointConfigName: name,
            RetainAllVariantProperties: true,
            ...(countChanges ? { ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredInstanceCount' }] } : {}),
          }),
        ),
      );
    } catch (e) {
      const failure = toCoreError(e, `resize ${resourceId} to ${to.size}`);
      if (created) await this.clients.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: created })).catch(() => undefined);
      if (saved) {
        try {
          await restoreRegistration(this.clients, saved);
        } catch (restoreError) {
          throw new ConflictError(`${failure.message}; and restoring its Application Auto Scaling registration failed too (${(restoreError as Error).message}): re-register it by hand`, { cause: e });
        }
      }
      throw failure;
    }
    if (saved) await restoreRegistration(this.clients, saved);
    return { kind: 'endpoint', id: endpoint.EndpointArn! };
  }

  private newConfigName(endpoint: string): string {
    const suffix = `-as${Math.floor(this.clock.now() / 1000).toString(36)}`;
    return `${endpoint.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
  }

  // ----- reads ---------------------------------------------------------------------------------

  private check(ref: TargetRef): VariantId {
    if (ref.provider !== this.name) throw ValidationError.field('target.provider', `"${ref.provider}" is not ${this.name}`);
    if (ref.region !== undefined && this.options.region !== undefined && ref.region !== this.options.region) {
      throw ValidationError.field('target.region', `${ref.region} is not the region this provider talks to (${this.options.region})`);
    }
    return parseVariantId(ref.id);
  }

  private async describeEndpoint(id: VariantId): Promise<DescribeEndpointCommandOutput> {
    const out = await call(`DescribeEndpoint ${id.endpoint}`, () => this.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: id.endpoint })));
    if (!out.EndpointArn) throw new NotFoundError(`endpoint ${id.endpoint} has no ARN`);
    return out;
  }

  private async config(name: string): Promise<DescribeEndpointConfigCommandOutput> {
    const cached = this.configs.get(name);
    if (cached) return cached;
    const out = await call(`DescribeEndpointConfig ${name}`, () => this.clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })));
    if (this.configs.size > 100) this.configs.clear();
    this.configs.set(name, out);
    return out;
  }

  private async tags(arn: string): Promise<Map<string, string>> {
    const tags = new Map<string, string>();
    let token: string | undefined;
    for (let page = 0; page < 5; page++) {
      const out = await call('ListTags', () => this.clients.sagemaker.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 50, ...(token ? { NextToken: token } : {}) })));
      for (const t of out.Tags ?? []) if (t.Key !== undefined) tags.set(t.Key, t.Value ?? '');
      token = out.NextToken;
      if (!token) break;
    }
    return tags;
  }
}
