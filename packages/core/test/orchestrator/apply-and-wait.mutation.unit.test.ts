import { NotReadyError, TransientError } from '../../src/errors';
import { emptyPersistedState } from '../../src/index';
import { InstantClock } from '../../src/ports/clock';
import type { ApplyHandle, ApplyOptions, Capacity, CallOptions, PersistedState, Provider, TargetRef, TargetState } from '../../src/types';
import { applyAndWait } from '../../src/orchestrator/apply-and-wait';

/** applyAndWait, call by call, against a scripted provider (found by mutation testing, bench/mutation.ts). */
const NOW = Date.parse('2026-03-10T12:00:00Z');
const REF: TargetRef = { provider: 'memory', id: 'm' };

interface Script {
  before: Capacity;
  version?: string;
  /** The describes after the change, in order; the last one repeats. */
  after?: Array<Partial<TargetState>>;
  stateWritten?: boolean;
}
function scripted(s: Script) {
  const calls = {
    describe: [] as Array<CallOptions | undefined>,
    apply: [] as Array<{ to: Capacity; options: ApplyOptions }>,
    writeState: [] as PersistedState[],
    writeStateOptions: [] as Array<CallOptions | undefined>,
  };
  let n = 0;
  const provider = {
    name: 'memory',
    validateId: () => undefined,
    async describe(_ref: TargetRef, options?: CallOptions): Promise<TargetState> {
      calls.describe.push(options);
      const i = n++;
      const base: TargetState = {
        ref: REF,
        capacity: s.before,
        status: 'ready',
        managed: true,
        persisted: emptyPersistedState(),
        ...(s.version ? { version: s.version } : {}),
      };
      if (i === 0) return base;
      const after = s.after ?? [];
      return { ...base, ...(after[Math.min(i - 1, after.length - 1)] ?? {}) };
    },
    async apply(_ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
      calls.apply.push({ to, options });
      return { id: 'h1', ...(s.stateWritten === undefined ? {} : { stateWritten: s.stateWritten }) } as ApplyHandle;
    },
    async writeState(_ref: TargetRef, state: PersistedState, options?: CallOptions): Promise<void> {
      calls.writeState.push(state);
      calls.writeStateOptions.push(options);
    },
  } as unknown as Provider;
  return { provider, calls };
}

describe('applyAndWait: what counts as already there', () => {
  const before: Capacity = { replicas: 2, size: 's', bandwidthMbps: 10, weight: 1 };
  it.each<[Partial<Capacity>, boolean]>([
    [{ replicas: 2 }, true],
    [{ replicas: 2, size: undefined }, true],
    [{ weight: 1, size: 's' }, true],
    [{ size: 'm' }, false],
    [{ bandwidthMbps: 20 }, false],
    [{ weight: 2 }, false],
  ])('%j on %j: unchanged %p', async (change, unchanged) => {
    const { provider, calls } = scripted({ before, after: [{ capacity: { ...before, ...change } }] });
    const r = await applyAndWait(provider, REF, change, { clock: new InstantClock(NOW) });
    expect(r.status).toBe(unchanged ? 'unchanged' : 'done');
    expect(calls.apply).toHaveLength(unchanged ? 0 : 1);
    expect(r.to).toEqual({ ...before, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) });
  });

  it('a target without a size, bandwidth or weight is done at the replicas alone', async () => {
    const { provider } = scripted({ before: { replicas: 2 }, after: [{ capacity: { replicas: 3, size: 'x', bandwidthMbps: 5, weight: 9 } }] });
    expect((await applyAndWait(provider, REF, { replicas: 3 }, { clock: new InstantClock(NOW) })).status).toBe('done');
  });
});

describe('applyAndWait: calls, memory and time', () => {
  it('every call gets the deadline; apply gets the version and the memory; waitedMs and progress count on the clock', async () => {
    const clock = new InstantClock(NOW);
    const memory = { ...emptyPersistedState(), lastScaleOut: { at: NOW, from: 2, to: 3 } };
    const { provider, calls } = scripted({ before: { replicas: 2 }, version: 'v7', after: [{ status: 'updating' }, { capacity: { replicas: 3 } }] });
    const elapsed: number[] = [];
    const r = await applyAndWait(
      provider,
      REF,
      { replicas: 3 },
      { clock, deadline: NOW + 60_000, pollMs: 5_000, state: () => memory, onProgress: (_s, ms) => elapsed.push(ms) },
    );
    expect(calls.describe).toEqual([{ deadline: NOW + 60_000 }, { deadline: NOW + 60_000 }, { deadline: NOW + 60_000 }]);
    expect(calls.apply).toEqual([{ to: { replicas: 3 }, options: { ifMatch: 'v7', state: memory, deadline: NOW + 60_000 } }]);
    expect(calls.writeState).toEqual([memory]);
    expect(calls.writeStateOptions).toEqual([{ deadline: NOW + 60_000 }]);
    expect(elapsed).toEqual([0, 5_000]);
    expect(r).toMatchObject({ status: 'done', waitedMs: 5_000, handle: { id: 'h1' } });
  });

  it('without a version or memory, apply gets the deadline alone, and nothing is written', async () => {
    const { provider, calls } = scripted({ before: { replicas: 2 }, after: [{ capacity: { replicas: 3 } }] });
    await applyAndWait(provider, REF, { replicas: 3 }, { clock: new InstantClock(NOW), deadline: NOW + 1_000 });
    expect(Object.keys(calls.apply[0]!.options)).toEqual(['deadline']);
    expect(calls.apply[0]!.options.deadline).toBe(NOW + 1_000);
    expect(calls.writeState).toEqual([]);
  });

  it('memory the cloud wrote with the change is not written again', async () => {
    const { provider, calls } = scripted({ before: { replicas: 2 }, stateWritten: true, after: [{ capacity: { replicas: 3 } }] });
    await applyAndWait(provider, REF, { replicas: 3 }, { clock: new InstantClock(NOW), state: () => emptyPersistedState() });
    expect(calls.writeState).toEqual([]);
  });
});

describe('applyAndWait: how the wait ends', () => {
  it.each(['failed', 'missing'] as const)('%s after the change is NotReadyError naming it and the reason', async (status) => {
    const { provider } = scripted({ before: { replicas: 2 }, after: [{ status, reason: 'quota' }] });
    const e = await applyAndWait(provider, REF, { replicas: 3 }, { clock: new InstantClock(NOW) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotReadyError);
    expect((e as Error).message).toBe(`memory:m is ${status} after the change (quota)`);
  });

  it('a poll that ends exactly at the deadline still happens; the next one past it does not', async () => {
    const { provider, calls } = scripted({ before: { replicas: 2 }, after: [{ status: 'updating' }] });
    const e = await applyAndWait(provider, REF, { replicas: 3, size: 'm' }, { clock: new InstantClock(NOW), deadline: NOW + 4_000, pollMs: 2_000 }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toBe('memory:m was not ready at 3 x m before the deadline (still updating)');
    expect(calls.describe).toHaveLength(4);
  });

  it('without a size the message names the replicas alone', async () => {
    const { provider } = scripted({ before: { replicas: 2 }, after: [{ status: 'updating' }] });
    await expect(applyAndWait(provider, REF, { replicas: 3 }, { clock: new InstantClock(NOW), deadline: NOW + 1_000, pollMs: 2_000 })).rejects.toThrow(
      /^memory:m was not ready at 3 before the deadline \(still updating\)$/,
    );
  });
});
