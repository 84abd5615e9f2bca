import { ConflictError, NotFoundError, ValidationError } from '@autoscaler/core';
import type {
  ApplyHandle,
  ApplyOptions,
  Capacity,
  Clock,
  MetricPoint,
  MetricQuery,
  PersistedState,
  Provider,
  SizeLadder,
  TargetRef,
  TargetState,
} from '@autoscaler/core';
import type { Rng } from '../model/rng';
import type { ProviderProfile } from '../profiles/profile';
import { canonicalMetric, type MetricStore } from '../alarms/metric-store';

/** Instances started together: same size, same moment they start serving. */
interface InstanceGroup {
  size: string;
  count: number;
  createdAt: number;
  readyAt: number;
  /** Which size generation (resize) it belongs to. */
  generation: number;
}

/** A change the deployment accepted, for the HPA's scale events and the report. */
export interface CapacityChange {
  at: number;
  from: Capacity;
  to: Capacity;
}

/** A pod as the HPA sees it. */
export interface SimulatedPod {
  name: string;
  createdAt: number;
  readyAt: number;
  size: string;
}

const ID = /^sim\/[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * A model deployment that behaves like the profile's cloud: added instances serve
 * only after the provisioning delay (billed from the request), a size change is
 * blue/green (the old fleet serves and bills until the new one is ready), and
 * OCI/SageMaker refuse further changes while one is in flight. It implements the
 * real `Provider` contract: versions, ifMatch, persisted state.
 */
export class SimulatedDeployment implements Provider {
  readonly name = 'simulator';
  /**
   * Seconds from apply until added instances serve: the profile's slowest draw (scale-out time
   * plus its jitter), so a forecast over this horizon covers every order placed now.
   */
  readonly provisioningSeconds: number;
  readonly changes: CapacityChange[] = [];
  private groups: InstanceGroup[] = [];
  private desired: Capacity;
  private version = 1;
  private busyUntil = 0;
  private generation = 0;
  /** When each size generation starts serving. */
  private readonly switchAt: number[] = [0];
  private persisted: PersistedState = { dedupeKeys: [], recommendations: [] };
  private seq = 0;

  constructor(
    private readonly ref: TargetRef,
    private readonly profile: ProviderProfile,
    private readonly clock: Clock,
    private readonly rng: Rng,
    initial: Capacity,
    private readonly metricStore?: MetricStore,
  ) {
    this.validateId(ref.id);
    this.provisioningSeconds = Math.ceil(Math.max(profile.scaleOutSeconds, profile.scaleFromZeroSeconds ?? 0) * (1 + profile.jitter));
    const size = initial.size ?? profile.sizes[0]!.name;
    this.desired = { replicas: initial.replicas, size };
    if (initial.replicas > 0) this.groups.push({ size, count: initial.replicas, createdAt: clock.now(), readyAt: clock.now(), generation: 0 });
  }

  validateId(id: string): void {
    if (typeof id !== 'string' || !ID.test(id)) throw ValidationError.field('target.id', `"${String(id)}" is not a simulator id (sim/<name>)`);
  }

  private check(ref: TargetRef): void {
    if (ref.id !== this.ref.id) throw new NotFoundError(`simulated target ${ref.id} does not exist`);
  }

  status(now = this.clock.now()): 'ready' | 'updating' {
    return this.profile.blocksWhileUpdating && now < this.busyUntil ? 'updating' : 'ready';
  }

  async describe(ref: TargetRef): Promise<TargetState> {
    this.check(ref);
    const status = this.status();
    const state: TargetState = {
      ref,
      capacity: { ...this.desired },
      status,
      version: String(this.version),
      managed: true,
      persisted: { ...this.persisted, dedupeKeys: [...this.persisted.dedupeKeys], recommendations: [...this.persisted.recommendations] },
    };
    if (status === 'updating') state.reason = `an update is in progress until ${new Date(this.busyUntil).toISOString()}`;
    return state;
  }

  async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    this.check(ref);
    const now = this.clock.now();
    if (options.ifMatch !== undefined && options.ifMatch !== String(this.version))
      throw new ConflictError(`${ref.id}: version ${options.ifMatch} is stale (now ${this.version})`);
    if (this.status(now) === 'updating') throw new ConflictError(`${ref.id}: cannot update while an update is in progress`);
    if (!Number.isInteger(to.replicas) || to.replicas < 0) throw ValidationError.field('capacity.replicas', `must be a whole number >= 0, got ${to.replicas}`);
    const size = to.size ?? this.desired.size!;
    if (!this.profile.sizes.some((s) => s.name === size))
      throw ValidationError.field('capacity.size', `"${size}" is not one of ${this.profile.sizes.map((s) => s.name).join(', ')}`);
    const from = { ...this.desired };
    if (size !== this.desired.size) {
      this.generation++;
      const readyAt = now + this.delay(this.profile.resizeSeconds);
      this.switchAt[this.generation] = readyAt;
      if (to.replicas > 0) this.groups.push({ size, count: to.replicas, createdAt: now, readyAt, generation: this.generation });
      this.busyUntil = Math.max(this.busyUntil, readyAt);
    } else if (to.replicas > this.desired.replicas) {
      // From zero (scale-to-zero profiles) an instance must come up before the copy starts.
      const seconds =
        this.desired.replicas === 0 && this.profile.scaleFromZeroSeconds !== undefined ? this.profile.scaleFromZeroSeconds : this.profile.scaleOutSeconds;
      const readyAt = Math.max(now + this.delay(seconds), this.switchAt[this.generation]!);
      this.groups.push({ size, count: to.replicas - this.desired.replicas, createdAt: now, readyAt, generation: this.generation });
      this.busyUntil = Math.max(this.busyUntil, readyAt);
    } else if (to.replicas < this.desired.replicas) {
      this.remove(this.desired.replicas - to.replicas);
      this.busyUntil = Math.max(this.busyUntil, now + this.profile.scaleInSeconds * 1000);
    }
    this.desired = { replicas: to.replicas, size };
    this.version++;
    this.changes.push({ at: now, from, to: { ...this.desired } });
    return { kind: this.profile.blocksWhileUpdating ? 'work-request' : 'rollout', id: `sim-change-${++this.seq}` };
  }

  /** Scale-in removes the newest instances of the current generation first (unready before ready). */
  private remove(n: number): void {
    let left = n;
    for (let i = this.groups.length - 1; i >= 0 && left > 0; i--) {
      const g = this.groups[i]!;
      if (g.generation !== this.generation) continue;
      const take = Math.min(g.count, left);
      g.count -= take;
      left -= take;
    }
    this.groups = this.groups.filter((g) => g.count > 0);
  }

  private delay(seconds: number): number {
    const j = this.profile.jitter;
    return Math.round(seconds * 1000 * (1 + (j > 0 ? this.rng.between(-j, j) : 0)));
  }

  /** The generation serving at `now`: the newest whose switch time has passed. */
  private servingGeneration(now: number): number {
    for (let g = this.generation; g > 0; g--) if (this.switchAt[g]! <= now) return g;
    return 0;
  }

  /** Retire groups of generations older than the serving one (blue/green done). */
  private settle(now: number): void {
    if (this.generation === 0) return;
    const gen = this.servingGeneration(now);
    if (this.groups.some((g) => g.generation < gen)) this.groups = this.groups.filter((g) => g.generation >= gen);
  }

  /** Instances serving at `now` and their size. */
  serving(now: number): { replicas: number; size: string } {
    this.settle(now);
    const gen = this.servingGeneration(now);
    let replicas = 0;
    let size = this.desired.size!;
    for (const g of this.groups) {
      if (g.generation === gen && g.readyAt <= now) {
        replicas += g.count;
        size = g.size;
      }
    }
    return { replicas, size };
  }

  /** Instances billed at `now` (provisioning and blue/green fleets included) and their hourly cost. */
  billed(now: number, hourly: ReadonlyMap<string, number>): { count: number; perHour: number } {
    this.settle(now);
    let count = 0;
    let perHour = 0;
    for (const g of this.groups) {
      count += g.count;
      perHour += g.count * hourly.get(g.size)!;
    }
    return { count, perHour };
  }

  /** Pods of the current generation, and how many were ready at `at` (without building the list). */
  podCounts(at: number): { total: number; ready: number } {
    let total = 0;
    let ready = 0;
    for (const g of this.groups) {
      if (g.generation !== this.generation) continue;
      total += g.count;
      if (g.readyAt <= at) ready += g.count;
    }
    return { total, ready };
  }

  /** The pods of the current generation, one per instance (for the HPA's replica calculator). */
  pods(): SimulatedPod[] {
    const out: SimulatedPod[] = [];
    let k = 0;
    for (const g of this.groups) {
      if (g.generation !== this.generation) continue;
      for (let i = 0; i < g.count; i++) out.push({ name: `pod-${k++}`, createdAt: g.createdAt, readyAt: g.readyAt, size: g.size });
    }
    return out;
  }

  /** Another actor changed the deployment (console, CLI): new capacity at once, new version. */
  changeOutOfBand(to: Capacity): void {
    this.desired = { replicas: to.replicas, size: to.size ?? this.desired.size! };
    this.groups =
      to.replicas > 0
        ? [{ size: this.desired.size!, count: to.replicas, createdAt: this.clock.now(), readyAt: this.clock.now(), generation: this.generation }]
        : [];
    this.version++;
  }

  desiredCapacity(): Capacity {
    return { ...this.desired };
  }

  async sizes(ref: TargetRef): Promise<SizeLadder> {
    this.check(ref);
    return this.profile.sizes.map((s) => s.name);
  }

  async readState(ref: TargetRef): Promise<PersistedState> {
    this.check(ref);
    return { ...this.persisted, dedupeKeys: [...this.persisted.dedupeKeys], recommendations: [...this.persisted.recommendations] };
  }

  async writeState(ref: TargetRef, state: PersistedState): Promise<void> {
    this.check(ref);
    this.persisted = { ...state, dedupeKeys: [...state.dedupeKeys], recommendations: [...state.recommendations] };
    this.version++;
  }

  /** Published datapoints (what the cloud's monitoring service would return), delayed like the profile. */
  async metrics(ref: TargetRef, query: MetricQuery): Promise<MetricPoint[]> {
    this.check(ref);
    const metric = canonicalMetric(query.metric);
    if (!metric) throw ValidationError.field('query.metric', `unknown metric "${query.metric}"`);
    if (!this.metricStore) return [];
    return this.metricStore.points(metric, query.start, query.end, this.clock.now());
  }
}
