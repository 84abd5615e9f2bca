import { ConflictError, InstantClock, MemoryProvider, NotReadyError, applyAndWait } from '../../src/index';
import type { ApplyHandle, ApplyOptions, Capacity, TargetRef, TargetState } from '../../src/index';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const A: TargetRef = { provider: 'memory', id: 'model-a' };
const mark = { state: (before: TargetState, to: Capacity, at: number) => ({ ...before.persisted, lastScaleOut: { at, to: to.replicas } }) };

/** A cloud that cannot carry the memory with the change (like a scale subresource). */
class SeparateState extends MemoryProvider {
  override async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    const { state: _ignored, ...rest } = options;
    return super.apply(ref, to, rest);
  }
}

describe('applyAndWait: the memory of a manual change, the conflict error, the time taken', () => {
  it('sends the state with the change where the cloud takes it (one call), and reports how long it took', async () => {
    const clock = new InstantClock(NOW);
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 1 } }], { clock, updateDelayMs: 5_000 });
    const r = await applyAndWait(
      provider,
      A,
      { replicas: 3 },
      { clock, pollMs: 1_000, state: (b, to, at) => ({ ...b.persisted, lastScaleOut: { at, to: to.replicas } }) },
    );
    expect(r.status).toBe('done');
    expect(r.waitedMs).toBe(5_000);
    expect(provider.calls.writeState).toBe(0);
    expect((await provider.readState(A)).lastScaleOut).toEqual({ at: NOW, to: 3 });
  });

  it('writes it after the change where the cloud cannot carry it', async () => {
    const provider = new SeparateState([{ id: 'model-a', capacity: { replicas: 1 } }]);
    await applyAndWait(provider, A, { replicas: 2 }, { wait: false, ...mark });
    expect(provider.calls.writeState).toBe(1);
    expect((await provider.readState(A)).lastScaleOut?.to).toBe(2);
  });

  it('no change, no memory written', async () => {
    const provider = new MemoryProvider([{ id: 'model-a', capacity: { replicas: 2 } }]);
    // An injected clock: on the system clock a loaded machine made this 1 ms once.
    const r = await applyAndWait(provider, A, { replicas: 2 }, { ...mark, clock: new InstantClock(NOW) });
    expect(r).toMatchObject({ status: 'unchanged', waitedMs: 0 });
    expect((await provider.readState(A)).lastScaleOut).toBeUndefined();
  });

  it('a change between read and write (ConflictError) is NotReadyError saying so, on every cloud', async () => {
    const conflictOnApply = new (class extends MemoryProvider {
      override async apply(): Promise<ApplyHandle> {
        throw new ConflictError('model-a: version 1 is stale (now 2)');
      }
    })([{ id: 'model-a', capacity: { replicas: 1 } }]);
    const e = await applyAndWait(conflictOnApply, A, { replicas: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotReadyError);
    expect((e as Error).message).toBe(
      'memory:model-a changed or started updating since it was read (model-a: version 1 is stale (now 2)); try again once it is ready',
    );
  });
});
