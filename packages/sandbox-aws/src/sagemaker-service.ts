import { AwsApiError, badMember, epochSeconds, optArray, optBool, optNumber, optString, reqString, type Input } from './wire';
import type { FakeWorld } from './world';

/** SageMaker name rule (endpoints, configs, variants): `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const TAG_KEY = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

export type EndpointStatus =
  'OutOfService' | 'Creating' | 'Updating' | 'SystemUpdating' | 'RollingBack' | 'InService' | 'Deleting' | 'Failed' | 'UpdateRollbackFailed';

export interface FakeVariantSeed {
  name?: string;
  instanceType?: string;
  instances?: number;
  weight?: number;
  model?: string;
  /** A serverless variant (no instances): its memory, concurrency cap and provisioned concurrency. */
  serverless?: { memorySizeInMB?: number; maxConcurrency?: number; provisionedConcurrency?: number };
}

export interface FakeEndpointSeed {
  name: string;
  configName?: string;
  variants?: FakeVariantSeed[];
  status?: EndpointStatus;
  tags?: Record<string, string>;
}

interface VariantConfig extends Input {
  VariantName: string;
  ModelName?: string;
  InitialInstanceCount?: number;
  InstanceType?: string;
  InitialVariantWeight?: number;
}

interface EndpointConfig {
  name: string;
  arn: string;
  variants: VariantConfig[];
  created: number;
  /** Other request members (DataCaptureConfig, KmsKeyId, AsyncInferenceConfig...) echoed back. */
  extra: Input;
  tags: Map<string, string>;
}

interface LiveVariant {
  name: string;
  current: number;
  desired: number;
  currentWeight: number;
  desiredWeight: number;
  /** Serverless variants: provisioned concurrency now and asked for, with the config's memory and cap. */
  serverless?: { memory: number; maxConcurrency: number; currentPc: number; desiredPc: number };
}

type Pending =
  | { kind: 'capacity'; readyAt: number; started: number }
  | { kind: 'config'; readyAt: number; started: number; configName: string; retain: boolean; exclude: Set<string>; fail?: string };

interface Endpoint {
  name: string;
  arn: string;
  configName: string;
  status: EndpointStatus;
  variants: LiveVariant[];
  created: number;
  modified: number;
  tags: Map<string, string>;
  pending?: Pending;
  failureReason?: string;
}

export type InferenceComponentStatus = 'InService' | 'Creating' | 'Updating' | 'Deleting' | 'Failed';

export interface FakeInferenceComponentSeed {
  name: string;
  /** The endpoint hosting it (need not be seeded: the fake does not check placement). */
  endpoint?: string;
  variant?: string;
  copies?: number;
  status?: InferenceComponentStatus;
  tags?: Record<string, string>;
}

interface InferenceComponent {
  name: string;
  arn: string;
  endpoint: string;
  variant: string;
  status: InferenceComponentStatus;
  current: number;
  desired: number;
  created: number;
  modified: number;
  tags: Map<string, string>;
  readyAt?: number;
}

export interface SageMakerPeers {
  /** True when Application Auto Scaling has this variant registered as a scalable target. */
  isRegistered(resourceId: string): boolean;
}

export class FakeSageMaker {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly configs = new Map<string, EndpointConfig>();
  private readonly components = new Map<string, InferenceComponent>();
  private failNext = new Map<string, string>();
  peers: SageMakerPeers = { isRegistered: () => false };
  /** Instance limits per instance type across all endpoints (ResourceLimitExceeded beyond). */
  readonly instanceLimits = new Map<string, number>();

  constructor(private readonly world: FakeWorld) {}

  // ----- seeding and test controls ------------------------------------------------------

  seedEndpoint(seed: FakeEndpointSeed): void {
    if (!SAGEMAKER_NAME.test(seed.name)) throw new Error(`bad endpoint name ${seed.name}`);
    const now = this.world.clock.now();
    const configName = seed.configName ?? `${seed.name}-config`;
    const variants: VariantConfig[] = (seed.variants ?? [{}]).map((v) =>
      v.serverless
        ? {
            VariantName: v.name ?? 'AllTraffic',
            ModelName: v.model ?? `${seed.name}-model`,
            InitialVariantWeight: v.weight ?? 1,
            ServerlessConfig: {
              MemorySizeInMB: v.serverless.memorySizeInMB ?? 2048,
              MaxConcurrency: v.serverless.maxConcurrency ?? 20,
              ...(v.serverless.provisionedConcurrency !== undefined ? { ProvisionedConcurrency: v.serverless.provisionedConcurrency } : {}),
            },
          }
        : {
            VariantName: v.name ?? 'AllTraffic',
            ModelName: v.model ?? `${seed.name}-model`,
            InitialInstanceCount: v.instances ?? 1,
            InstanceType: v.instanceType ?? 'ml.m5.large',
            InitialVariantWeight: v.weight ?? 1,
          },
    );
    this.configs.set(configName, { name: configName, arn: this.arn('endpoint-config', configName), variants, created: now, extra: {}, tags: new Map() });
    this.endpoints.set(seed.name, {
      name: seed.name,
      arn: this.arn('endpoint', seed.name),
      configName,
      status: seed.status ?? 'InService',
      variants: variants.map((v) => liveVariant(v)),
      created: now,
      modified: now,
      tags: new Map(Object.entries(seed.tags ?? {})),
    });
  }

  seedInferenceComponent(seed: FakeInferenceComponentSeed): void {
    if (!SAGEMAKER_NAME.test(seed.name)) throw new Error(`bad inference component name ${seed.name}`);
    const now = this.world.clock.now();
    const copies = seed.copies ?? 1;
    this.components.set(seed.name, {
      name: seed.name,
      arn: this.arn('inference-component', seed.name),
      endpoint: seed.endpoint ?? `${seed.name}-endpoint`,
      variant: seed.variant ?? 'AllTraffic',
      status: seed.status ?? 'InService',
      current: copies,
      desired: copies,
      created: now,
      modified: now,
      tags: new Map(Object.entries(seed.tags ?? {})),
    });
  }

  /** Force an inference component's status (`Updating` for `readyInMs` of clock time, or until forced back). */
  setComponentStatus(name: string, status: InferenceComponentStatus, readyInMs?: number): void {
    const c = this.components.get(name);
    if (!c) throw new Error(`fake: no inference component ${name}`);
    c.status = status;
    if (status === 'Updating' && readyInMs !== undefined) c.readyAt = this.world.clock.now() + readyInMs;
    else delete c.readyAt;
  }

  componentSnapshot(name: string): { status: InferenceComponentStatus; current: number; desired: number; tags: Record<string, string> } | undefined {
    this.world.settle();
    const c = this.components.get(name);
    return c && { status: c.status, current: c.current, desired: c.desired, tags: Object.fromEntries(c.tags) };
  }

  componentExists(name: string): boolean {
    return this.components.has(name);
  }

  /** What Application Auto Scaling does when a policy on an inference component fires. */
  scaleComponent(name: string, copies: number): void {
    this.updateComponentRuntimeConfig({ InferenceComponentName: name, DesiredRuntimeConfig: { CopyCount: copies } });
  }

  /** Force a status (e.g. `Updating` until `finishUpdate`), as another actor would cause. */
  setStatus(name: string, status: EndpointStatus, readyInMs?: number): void {
    const e = this.mustGet(name);
    e.status = status;
    if (status === 'Updating' && readyInMs !== undefined)
      e.pending = { kind: 'capacity', readyAt: this.world.clock.now() + readyInMs, started: this.world.clock.now() };
  }

  /** The next UpdateEndpoint of this endpoint fails and rolls back with this reason. */
  failNextConfigUpdate(name: string, reason: string): void {
    this.failNext.set(name, reason);
  }

  /** Remove tags behind the API's back (what a concurrent writer's stale overwrite leaves). */
  eraseTags(name: string, keys: readonly string[]): void {
    const e = this.mustGet(name);
    for (const k of keys) e.tags.delete(k);
  }

  snapshot(
    name: string,
  ): { status: EndpointStatus; configName: string; variants: Array<LiveVariant & { instanceType?: string }>; tags: Record<string, string> } | undefined {
    this.world.settle();
    const e = this.endpoints.get(name);
    if (!e) return undefined;
    const cfg = this.configs.get(e.configName);
    return {
      status: e.status,
      configName: e.configName,
      variants: e.variants.map((v) => ({ ...v, instanceType: cfg?.variants.find((c) => c.VariantName === v.name)?.InstanceType })),
      tags: Object.fromEntries(e.tags),
    };
  }

  listEndpointNames(): string[] {
    return [...this.endpoints.keys()];
  }

  variantExists(endpoint: string, variant: string): boolean {
    return this.endpoints.get(endpoint)?.variants.some((v) => v.name === variant) ?? false;
  }

  desiredCount(endpoint: string, variant: string): number | undefined {
    this.world.settle();
    return this.endpoints.get(endpoint)?.variants.find((v) => v.name === variant)?.desired;
  }

  statusOf(endpoint: string): EndpointStatus | undefined {
    this.world.settle();
    return this.endpoints.get(endpoint)?.status;
  }

  /** A serverless variant's provisioned concurrency asked for (undefined: no such serverless variant). */
  provisionedConcurrency(endpoint: string, variant: string): number | undefined {
    this.world.settle();
    return this.endpoints.get(endpoint)?.variants.find((v) => v.name === variant)?.serverless?.desiredPc;
  }

  /** What Application Auto Scaling does when a provisioned-concurrency policy fires. */
  scaleProvisionedConcurrency(endpoint: string, variant: string, pc: number): void {
    this.updateWeightsAndCapacities({
      EndpointName: endpoint,
      DesiredWeightsAndCapacities: [{ VariantName: variant, ServerlessUpdateConfig: { ProvisionedConcurrency: pc } }],
    });
  }

  /** What Application Auto Scaling does when a policy fires: a capacity update. */
  scaleVariant(endpoint: string, variant: string, desired: number): void {
    this.updateWeightsAndCapacities({ EndpointName: endpoint, DesiredWeightsAndCapacities: [{ VariantName: variant, DesiredInstanceCount: desired }] });
  }

  settle(now: number): void {
    for (const c of this.components.values()) {
      if (c.readyAt === undefined || now < c.readyAt) continue;
      c.modified = c.readyAt;
      delete c.readyAt;
      c.status = 'InService';
      c.current = c.desired;
    }
    for (const e of this.endpoints.values()) {
      const p = e.pending;
      if (!p || now < p.readyAt) continue;
      delete e.pending;
      e.modified = p.readyAt;
      e.status = 'InService';
      if (p.kind === 'capacity') {
        for (const v of e.variants) {
          v.current = v.desired;
          v.currentWeight = v.desiredWeight;
          if (v.serverless) v.serverless.currentPc = v.serverless.desiredPc;
        }
        continue;
      }
      if (p.fail !== undefined) {
        e.failureReason = p.fail;
        continue;
      }
      const cfg = this.configs.get(p.configName)!;
      e.variants = cfg.variants.map((c) => {
        const old = e.variants.find((v) => v.name === c.VariantName);
        const keepCount = p.retain && old && !p.exclude.has('DesiredInstanceCount');
        const keepWeight = p.retain && old && !p.exclude.has('DesiredWeight');
        const count = keepCount ? old.desired : (c.InitialInstanceCount ?? 1);
        const weight = keepWeight ? old.desiredWeight : (c.InitialVariantWeight ?? 1);
        const fresh = liveVariant(c);
        return { ...fresh, current: count, desired: count, currentWeight: weight, desiredWeight: weight };
      });
      e.configName = p.configName;
      delete e.failureReason;
    }
  }

  // ----- wire operations ------------------------------------------------------------------

  handle(operation: string, input: Input): unknown {
    switch (operation) {
      case 'DescribeEndpoint':
        return this.describeEndpoint(input);
      case 'DescribeEndpointConfig':
        return this.describeEndpointConfig(input);
      case 'ListEndpoints':
        return this.listEndpoints(input);
      case 'UpdateEndpointWeightsAndCapacities':
        return this.updateWeightsAndCapacities(input);
      case 'CreateEndpointConfig':
        return this.createEndpointConfig(input);
      case 'DeleteEndpointConfig':
        return this.deleteEndpointConfig(input);
      case 'UpdateEndpoint':
        return this.updateEndpoint(input);
      case 'DescribeInferenceComponent':
        return this.describeComponent(input);
      case 'UpdateInferenceComponentRuntimeConfig':
        return this.updateComponentRuntimeConfig(input);
      case 'ListTags':
        return this.listTags(input);
      case 'AddTags':
        return this.addTags(input);
      case 'DeleteTags':
        return this.deleteTags(input);
      default:
        throw new AwsApiError('UnknownOperationException', `Operation ${operation} is not supported by this fake`, 400);
    }
  }

  private describeEndpoint(input: Input): unknown {
    const e = this.endpointOrThrow(reqString(input, 'EndpointName'));
    const updating = e.status === 'Updating';
    const out: Input = {
      EndpointName: e.name,
      EndpointArn: e.arn,
      EndpointConfigName: e.configName,
      ProductionVariants: e.variants.map((v) => ({
        VariantName: v.name,
        DeployedImages: [
          { SpecifiedImage: 'fake.dkr.ecr.local/model:latest', ResolvedImage: 'fake.dkr.ecr.local/model@sha256:0', ResolutionTime: epochSeconds(e.created) },
        ],
        CurrentWeight: v.currentWeight,
        DesiredWeight: v.desiredWeight,
        // A serverless variant has no instances: its capacity is the serverless config.
        ...(v.serverless
          ? {
              CurrentServerlessConfig: serverlessConfig(v.serverless, v.serverless.currentPc),
              DesiredServerlessConfig: serverlessConfig(v.serverless, v.serverless.desiredPc),
            }
          : { CurrentInstanceCount: v.current, DesiredInstanceCount: v.desired }),
        ...(updating && e.pending ? { VariantStatus: [{ Status: 'Updating', StartTime: epochSeconds(e.pending.started) }] } : {}),
      })),
      EndpointStatus: e.status,
      CreationTime: epochSeconds(e.created),
      LastModifiedTime: epochSeconds(e.modified),
    };
    if (e.failureReason) out.FailureReason = e.failureReason;
    if (e.pending?.kind === 'config') {
      const next = this.configs.get(e.pending.configName);
      out.PendingDeploymentSummary = {
        EndpointConfigName: e.pending.configName,
        StartTime: epochSeconds(e.pending.started),
        ProductionVariants: (next?.variants ?? []).map((c) => ({
          VariantName: c.VariantName,
          DesiredInstanceCount: c.InitialInstanceCount,
          InstanceType: c.InstanceType,
          VariantStatus: [{ Status: 'Creating', StartTime: epochSeconds(e.pending!.started) }],
        })),
      };
    }
    return out;
  }

  private describeComponent(input: Input): unknown {
    const c = this.componentOrThrow(reqString(input, 'InferenceComponentName'));
    return {
      InferenceComponentName: c.name,
      InferenceComponentArn: c.arn,
      EndpointName: c.endpoint,
      EndpointArn: this.arn('endpoint', c.endpoint),
      VariantName: c.variant,
      RuntimeConfig: { DesiredCopyCount: c.desired, CurrentCopyCount: c.current },
      CreationTime: epochSeconds(c.created),
      LastModifiedTime: epochSeconds(c.modified),
      InferenceComponentStatus: c.status,
    };
  }

  /** As AWS: refused while the component is not InService; 0 copies allowed (scale to zero). */
  private updateComponentRuntimeConfig(input: Input): unknown {
    const c = this.componentOrThrow(reqString(input, 'InferenceComponentName', SAGEMAKER_NAME));
    const desired = input.DesiredRuntimeConfig;
    if (desired === null || typeof desired !== 'object' || Array.isArray(desired)) throw badMember('desiredRuntimeConfig', desired, 'Member must not be null');
    const copies = optNumber(desired as Input, 'CopyCount', 0);
    if (copies === undefined || !Number.isInteger(copies))
      throw badMember('desiredRuntimeConfig.copyCount', copies, 'Member must be an integer greater than or equal to 0');
    if (c.status !== 'InService') throw new AwsApiError('ValidationException', `Cannot update in-progress inference component "${c.arn}".`);
    const now = this.world.clock.now();
    c.desired = copies;
    c.modified = now;
    c.status = 'Updating';
    c.readyAt = now + this.world.capacityUpdateMs;
    return { InferenceComponentArn: c.arn };
  }

  private componentOrThrow(name: string): InferenceComponent {
    this.world.settle();
    const c = this.components.get(name);
    if (!c) throw new AwsApiError('ValidationException', `Could not find inference component "${this.arn('inference-component', name)}".`);
    return c;
  }

  private describeEndpointConfig(input: Input): unknown {
    const name = reqString(input, 'EndpointConfigName');
    const c = this.configs.get(name);
    if (!c) throw new AwsApiError('ValidationException', `Could not find endpoint configuration "${this.arn('endpoint-config', name)}".`);
    return { EndpointConfigName: c.name, EndpointConfigArn: c.arn, ProductionVariants: c.variants, CreationTime: epochSeconds(c.created), ...c.extra };
  }

  private listEndpoints(input: Input): unknown {
    this.world.settle();
    const contains = optString(input, 'NameContains');
    const max = optNumber(input, 'MaxResults', 1) ?? 10;
    const start = Number(optString(input, 'NextToken') ?? '0');
    const all = [...this.endpoints.values()]
      .filter((e) => contains === undefined || e.name.includes(contains))
      .sort((a, b) => b.created - a.created || a.name.localeCompare(b.name));
    const page = all.slice(start, start + max);
    return {
      Endpoints: page.map((e) => ({
        EndpointName: e.name,
        EndpointArn: e.arn,
        CreationTime: epochSeconds(e.created),
        LastModifiedTime: epochSeconds(e.modified),
        EndpointStatus: e.status,
      })),
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
    };
  }

  private updateWeightsAndCapacities(input: Input): unknown {
    const e = this.endpointOrThrow(reqString(input, 'EndpointName'));
    const wanted = optArray(input, 'DesiredWeightsAndCapacities');
    if (wanted.length === 0) throw badMember('DesiredWeightsAndCapacities', [], 'Member must have length greater than or equal to 1');
    this.requireInService(e);
    const changes = wanted.map((w, i) => {
      const name = reqString(w, 'VariantName', SAGEMAKER_NAME);
      const v = e.variants.find((x) => x.name === name);
      if (!v) throw new AwsApiError('ValidationException', `The variant name(s) [${name}] is/are not present in endpoint "${e.arn}".`);
      const count = optNumber(w, 'DesiredInstanceCount', 0);
      const weight = optNumber(w, 'DesiredWeight', 0);
      const su = w.ServerlessUpdateConfig as Input | undefined;
      const pc = su === undefined ? undefined : optNumber(su, 'ProvisionedConcurrency', 1);
      const maxConcurrency = su === undefined ? undefined : optNumber(su, 'MaxConcurrency', 1);
      if (count === undefined && weight === undefined && su === undefined)
        throw new AwsApiError(
          'ValidationException',
          `Either DesiredWeight, DesiredInstanceCount or ServerlessUpdateConfig must be specified for desiredWeightsAndCapacities.${i + 1}.member`,
        );
      if (count !== undefined && !Number.isInteger(count))
        throw badMember(`desiredWeightsAndCapacities.${i + 1}.member.desiredInstanceCount`, count, 'Member must be an integer');
      if (count !== undefined && v.serverless)
        throw new AwsApiError('ValidationException', `DesiredInstanceCount cannot be specified for the serverless variant ${name} of endpoint "${e.arn}".`);
      if (su !== undefined && !v.serverless)
        throw new AwsApiError(
          'ValidationException',
          `ServerlessUpdateConfig can only be specified for a serverless variant; ${name} of endpoint "${e.arn}" is not one.`,
        );
      if (pc !== undefined && (!Number.isInteger(pc) || pc > 200))
        throw badMember(
          `desiredWeightsAndCapacities.${i + 1}.member.serverlessUpdateConfig.provisionedConcurrency`,
          pc,
          'Member must be an integer from 1 to 200',
        );
      const cap = maxConcurrency ?? v.serverless?.maxConcurrency ?? 0;
      if (pc !== undefined && pc > cap)
        throw new AwsApiError('ValidationException', `ProvisionedConcurrency (${pc}) cannot be greater than MaxConcurrency (${cap}) for variant ${name}.`);
      return { v, count, weight, pc, maxConcurrency };
    });
    for (const c of changes) if (c.count !== undefined) this.checkLimit(e, c.v.name, c.count);
    for (const c of changes) {
      if (c.count !== undefined) c.v.desired = c.count;
      if (c.weight !== undefined) c.v.desiredWeight = c.weight;
      if (c.v.serverless && c.maxConcurrency !== undefined) c.v.serverless.maxConcurrency = c.maxConcurrency;
      if (c.v.serverless && c.pc !== undefined) c.v.serverless.desiredPc = c.pc;
    }
    const now = this.world.clock.now();
    e.status = 'Updating';
    e.modified = now;
    e.pending = { kind: 'capacity', readyAt: now + this.world.capacityUpdateMs, started: now };
    return { EndpointArn: e.arn };
  }

  private createEndpointConfig(input: Input): unknown {
    const name = reqString(input, 'EndpointConfigName', SAGEMAKER_NAME);
    if (this.configs.has(name))
      throw new AwsApiError('ValidationException', `Cannot create already existing endpoint configuration "${this.arn('endpoint-config', name)}".`);
    const variants = optArray(input, 'ProductionVariants');
    if (variants.length === 0) throw badMember('ProductionVariants', [], 'Member must have length greater than or equal to 1');
    const seen = new Set<string>();
    const parsed = variants.map((v): VariantConfig => {
      const vn = reqString(v, 'VariantName', SAGEMAKER_NAME);
      if (seen.has(vn)) throw new AwsApiError('ValidationException', `The variant name(s) [${vn}] is/are repeated in the endpoint configuration.`);
      seen.add(vn);
      const type = optString(v, 'InstanceType');
      if (type !== undefined && !INSTANCE_TYPE.test(type))
        throw badMember('productionVariants.1.member.instanceType', type, 'Member must satisfy enum value set');
      optNumber(v, 'InitialInstanceCount', 1);
      return { ...v, VariantName: vn };
    });
    const tags = this.parseTags(optArray(input, 'Tags'));
    const { EndpointConfigName: _n, ProductionVariants: _p, Tags: _t, ...extra } = input;
    this.configs.set(name, { name, arn: this.arn('endpoint-config', name), variants: parsed, created: this.world.clock.now(), extra, tags: new Map(tags) });
    return { EndpointConfigArn: this.arn('endpoint-config', name) };
  }

  private deleteEndpointConfig(input: Input): unknown {
    const name = reqString(input, 'EndpointConfigName');
    if (!this.configs.has(name)) throw new AwsApiError('ValidationException', `Could not find endpoint configuration "${this.arn('endpoint-config', name)}".`);
    this.configs.delete(name);
    return {};
  }

  private updateEndpoint(input: Input): unknown {
    const e = this.endpointOrThrow(reqString(input, 'EndpointName'));
    const configName = reqString(input, 'EndpointConfigName');
    const cfg = this.configs.get(configName);
    if (!cfg) throw new AwsApiError('ValidationException', `Could not find endpoint configuration "${this.arn('endpoint-config', configName)}".`);
    this.requireInService(e);
    const retain = optBool(input, 'RetainAllVariantProperties') ?? false;
    const exclude = new Set(optArray(input, 'ExcludeRetainedVariantProperties').map((p) => reqString(p, 'VariantPropertyType')));
    // Application Auto Scaling blocks instance-type changes (and removals) of registered variants.
    const current = this.configs.get(e.configName);
    for (const v of e.variants) {
      if (!this.peers.isRegistered(`endpoint/${e.name}/variant/${v.name}`)) continue;
      const before = current?.variants.find((c) => c.VariantName === v.name)?.InstanceType;
      const after = cfg.variants.find((c) => c.VariantName === v.name);
      if (!after || after.InstanceType !== before) {
        throw new AwsApiError(
          'ValidationException',
          `The variant(s) "[${v.name}]" of endpoint "${e.arn}" is/are registered as scalable target(s) with Application Auto Scaling. Deregister the scalable target(s) before updating or removing the variant(s).`,
        );
      }
    }
    for (const c of cfg.variants)
      if (c.InstanceType && c.InitialInstanceCount)
        this.checkLimit(
          e,
          c.VariantName,
          retain ? (e.variants.find((v) => v.name === c.VariantName)?.desired ?? c.InitialInstanceCount) : c.InitialInstanceCount,
          c.InstanceType,
        );
    const now = this.world.clock.now();
    e.status = 'Updating';
    e.modified = now;
    const fail = this.failNext.get(e.name);
    this.failNext.delete(e.name);
    e.pending = {
      kind: 'config',
      readyAt: now + this.world.configUpdateMs,
      started: now,
      configName,
      retain,
      exclude,
      ...(fail !== undefined ? { fail } : {}),
    };
    return { EndpointArn: e.arn };
  }

  private listTags(input: Input): unknown {
    const tags = this.tagsOf(reqString(input, 'ResourceArn'));
    const max = optNumber(input, 'MaxResults', 50) ?? 50;
    const start = Number(optString(input, 'NextToken') ?? '0');
    const all = [...tags].map(([Key, Value]) => ({ Key, Value }));
    return { Tags: all.slice(start, start + max), ...(start + max < all.length ? { NextToken: String(start + max) } : {}) };
  }

  private addTags(input: Input): unknown {
    const tags = this.tagsOf(reqString(input, 'ResourceArn'));
    const incoming = this.parseTags(optArray(input, 'Tags'));
    const merged = new Map(tags);
    for (const [k, v] of incoming) merged.set(k, v);
    if (merged.size > 50) throw new AwsApiError('ValidationException', 'Too many tags. A resource can have at most 50 tags.');
    for (const [k, v] of incoming) tags.set(k, v);
    return { Tags: incoming.map(([Key, Value]) => ({ Key, Value })) };
  }

  private deleteTags(input: Input): unknown {
    const tags = this.tagsOf(reqString(input, 'ResourceArn'));
    const keys = input.TagKeys;
    if (!Array.isArray(keys) || keys.length === 0) throw badMember('TagKeys', keys, 'Member must have length greater than or equal to 1');
    for (const k of keys) tags.delete(String(k));
    return {};
  }

  // ----- helpers ---------------------------------------------------------------------------

  private parseTags(list: Input[]): Array<[string, string]> {
    return list.map((t, i) => {
      const key = reqString(t, 'Key');
      const value = optString(t, 'Value') ?? '';
      const at = `tags.${i + 1}.member`;
      if (key.length < 1 || key.length > 128) throw badMember(`${at}.key`, key, 'Member must have length less than or equal to 128');
      if (value.length > 256) throw badMember(`${at}.value`, value, 'Member must have length less than or equal to 256');
      if (!TAG_KEY.test(key)) throw badMember(`${at}.key`, key, 'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$');
      if (!TAG_KEY.test(value)) throw badMember(`${at}.value`, value, 'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$');
      if (key.toLowerCase().startsWith('aws:')) throw new AwsApiError('ValidationException', `Tag keys beginning with "aws:" are reserved: ${key}`);
      return [key, value];
    });
  }

  private tagsOf(arn: string): Map<string, string> {
    for (const e of this.endpoints.values()) if (e.arn === arn) return e.tags;
    for (const c of this.configs.values()) if (c.arn === arn) return c.tags;
    for (const c of this.components.values()) if (c.arn === arn) return c.tags;
    throw new AwsApiError('ValidationException', `Resource ${arn} not found.`);
  }

  private checkLimit(e: Endpoint, variant: string, count: number, type?: string): void {
    const instanceType = type ?? this.configs.get(e.configName)?.variants.find((c) => c.VariantName === variant)?.InstanceType;
    if (!instanceType) return;
    const limit = this.instanceLimits.get(instanceType);
    if (limit === undefined) return;
    let used = 0;
    for (const other of this.endpoints.values()) {
      const cfg = this.configs.get(other.configName);
      for (const v of other.variants) {
        if (other === e && v.name === variant) continue;
        if (cfg?.variants.find((c) => c.VariantName === v.name)?.InstanceType === instanceType) used += v.desired;
      }
    }
    if (used + count > limit) {
      throw new AwsApiError(
        'ResourceLimitExceeded',
        `The account-level service limit '${instanceType} for endpoint usage' is ${limit} Instances, with current utilization of ${used} Instances and a request delta of ${count} Instances. Please use AWS Service Quotas to request an increase for this quota.`,
      );
    }
  }

  private requireInService(e: Endpoint): void {
    if (e.status !== 'InService') throw new AwsApiError('ValidationException', `Cannot update in-progress endpoint "${e.arn}".`);
  }

  private endpointOrThrow(name: string): Endpoint {
    this.world.settle();
    const e = this.endpoints.get(name);
    if (!e) throw new AwsApiError('ValidationException', `Could not find endpoint "${this.arn('endpoint', name)}".`);
    return e;
  }

  private mustGet(name: string): Endpoint {
    const e = this.endpoints.get(name);
    if (!e) throw new Error(`fake: no endpoint ${name}`);
    return e;
  }

  arn(kind: string, name: string): string {
    return `arn:aws:sagemaker:${this.world.region}:${this.world.accountId}:${kind}/${name.toLowerCase()}`;
  }
}

function liveVariant(c: VariantConfig): LiveVariant {
  const sc = c.ServerlessConfig as Input | undefined;
  const count = sc ? 0 : (c.InitialInstanceCount ?? 1);
  const weight = c.InitialVariantWeight ?? 1;
  const pc = sc && typeof sc.ProvisionedConcurrency === 'number' ? sc.ProvisionedConcurrency : 0;
  return {
    name: c.VariantName,
    current: count,
    desired: count,
    currentWeight: weight,
    desiredWeight: weight,
    ...(sc
      ? {
          serverless: {
            memory: typeof sc.MemorySizeInMB === 'number' ? sc.MemorySizeInMB : 2048,
            maxConcurrency: typeof sc.MaxConcurrency === 'number' ? sc.MaxConcurrency : 20,
            currentPc: pc,
            desiredPc: pc,
          },
        }
      : {}),
  };
}

function serverlessConfig(s: NonNullable<LiveVariant['serverless']>, pc: number): Input {
  return { MemorySizeInMB: s.memory, MaxConcurrency: s.maxConcurrency, ...(pc > 0 ? { ProvisionedConcurrency: pc } : {}) };
}
