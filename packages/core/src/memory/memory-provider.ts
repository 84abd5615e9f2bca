import { ConflictError, NotFoundError, ValidationError, type AutoscalerError } from '../errors';
import { emptyPersistedState } from '../types';
import type { ApplyHandle, ApplyOptions, Capacity, Clock, PersistedState, Provider, SizeLadder, TargetRef, TargetState, TargetStatus } from '../types';

export interface MemoryTargetSeed {
  id: string;
  capacity: Capacity;
  ladder?: SizeLadder;
  status?: TargetStatus;
  managed?: boolean;
  persisted?: PersistedState;
}

interface MemoryTarget {
  capacity: Capacity;
  ladder: SizeLadder;
  status: TargetStatus;
  managed: boolean;
  persisted: PersistedState;
  version: number;
  /** When an update in flight finishes (clock time). */
  readyAt?: number;
}

/** What a memory target id may look like (shared with `MemoryMetricSource`). */
export const MEMORY_ID = /^[a-z0-9][a-z0-9._/-]{0,199}$/;
const ID = MEMORY_ID;

/**
 * Deep copy of plain data (what a cloud stores as tags or annotations), so callers never share
 * objects with the store. structuredClone took a third of a handled event.
 */
function copyData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyData(v);
    return out as T;
  }
  return value;
}

/**
 * The reference provider: every `Provider` contract rule, no I/O. Used by core's
 * tests, the CLI demo and the conformance kit's self-test. An optional update
 * delay models clouds that go through `updating` before `ready`.
 */
export class MemoryProvider implements Provider {
  readonly name: string;
  private readonly targets = new Map<string, MemoryTarget>();
  private readonly faults: AutoscalerError[] = [];
  private seq = 0;
  /** Calls made, by method, for tests. */
  readonly calls = { describe: 0, apply: 0, writeState: 0 };

  constructor(
    seeds: readonly MemoryTargetSeed[] = [],
    private readonly options: { name?: string; clock?: Clock; updateDelayMs?: number } = {},
  ) {
    this.name = options.name ?? 'memory';
    for (const s of seeds) this.add(s);
  }

  add(seed: MemoryTargetSeed): void {
    this.validateId(seed.id);
    this.targets.set(seed.id, {
      capacity: { ...seed.capacity },
      ladder: seed.ladder ?? (seed.capacity.size ? [seed.capacity.size] : []),
      status: seed.status ?? 'ready',
      managed: seed.managed ?? true,
      persisted: seed.persisted ?? emptyPersistedState(),
      version: 1,
    });
  }

  /** The next call to describe/apply/writeState fails with this error. */
  injectFault(error: AutoscalerError): void {
    this.faults.push(error);
  }

  /** Change a target behind the autoscaler's back (another actor), bumping its version. */
  tamper(id: string, change: Partial<Pick<MemoryTarget, 'capacity' | 'status' | 'managed' | 'persisted'>>): void {
    const t = this.get(id);
    Object.assign(t, change);
    t.version++;
  }

  validateId(id: string): void {
    if (typeof id !== 'string' || !ID.test(id))
      throw ValidationError.field('target.id', `"${String(id)}" is not a valid ${this.name} id (lowercase letters, digits, . _ / -)`);
  }

  async describe(ref: TargetRef): Promise<TargetState> {
    this.calls.describe++;
    this.fault();
    const t = this.settle(this.get(ref.id));
    return {
      ref,
      capacity: { ...t.capacity },
      status: t.status,
      ...(t.status === 'updating' ? { reason: 'an update is in progress' } : {}),
      version: String(t.version),
      managed: t.managed,
      persisted: copyData(t.persisted),
    };
  }

  async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    this.calls.apply++;
    this.fault();
    const t = this.settle(this.get(ref.id));
    if (options.ifMatch !== undefined && options.ifMatch !== String(t.version))
      throw new ConflictError(`${ref.id}: version ${options.ifMatch} is stale (now ${t.version})`);
    if (t.status !== 'ready') throw new ConflictError(`${ref.id}: cannot update while ${t.status}`);
    if (!Number.isInteger(to.replicas) || to.replicas < 0) throw ValidationError.field('capacity.replicas', `must be a whole number >= 0, got ${to.replicas}`);
    if (to.size !== undefined && t.ladder.length > 0 && !t.ladder.includes(to.size))
      throw ValidationError.field('capacity.size', `"${to.size}" is not one of ${t.ladder.join(', ')}`);
    t.capacity = { ...to };
    // Like tags on the updated resource: the memory lands in the same change.
    if (options.state) t.persisted = copyData(options.state);
    t.version++;
    const delay = this.options.updateDelayMs ?? 0;
    if (delay > 0 && this.options.clock) {
      t.status = 'updating';
      t.readyAt = this.options.clock.now() + delay;
    }
    return { kind: delay > 0 ? 'work-request' : 'immediate', id: `${this.name}-change-${++this.seq}`, stateWritten: options.state !== undefined };
  }

  async sizes(ref: TargetRef): Promise<SizeLadder> {
    return this.get(ref.id).ladder;
  }

  async readState(ref: TargetRef): Promise<PersistedState> {
    return copyData(this.get(ref.id).persisted);
  }

  async writeState(ref: TargetRef, state: PersistedState): Promise<void> {
    this.calls.writeState++;
    this.fault();
    const t = this.get(ref.id);
    t.persisted = copyData(state);
    t.version++;
  }

  /** Current capacity, for assertions. */
  capacityOf(id: string): Capacity {
    return { ...this.settle(this.get(id)).capacity };
  }

  private settle(t: MemoryTarget): MemoryTarget {
    if (t.status === 'updating' && t.readyAt !== undefined && this.options.clock && this.options.clock.now() >= t.readyAt) {
      t.status = 'ready';
      delete t.readyAt;
    }
    return t;
  }

  private get(id: string): MemoryTarget {
    const t = this.targets.get(id);
    if (!t) throw new NotFoundError(`${this.name} target ${id} does not exist`);
    return t;
  }

  private fault(): void {
    const f = this.faults.shift();
    if (f) throw f;
  }
}
