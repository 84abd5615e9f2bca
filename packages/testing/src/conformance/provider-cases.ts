import { expect } from './jest-globals';
import { AutoscalerError, ConflictError, NotFoundError, ValidationError } from '@autoscaler/core';
import type { Capacity, PersistedState, TargetRef, TargetState } from '@autoscaler/core';
import type { ConformanceCase, NotApplicable, ProviderConformanceFixture } from './fixtures';
import { brief, onlyRecord, probeAutoscaler, probeSignal } from './orchestrator-probe';
import { targetStateProblems } from './well-formed';

type Case = ConformanceCase<ProviderConformanceFixture>;

/**
 * The ready target's size ladder: the fixture's, else the provider's own `sizes` helper;
 * undefined when the fixture declares a fixed size per target.
 */
async function ladderOf(fx: ProviderConformanceFixture): Promise<readonly string[] | undefined> {
  if (fx.capabilities?.resize === false) return undefined;
  if (fx.ladder) return fx.ladder;
  const sizes = (fx.provider as { sizes?: (ref: TargetRef) => Promise<readonly string[]> }).sizes;
  if (typeof sizes !== 'function')
    throw new Error("give the fixture `ladder` (the ready target's sizes, smallest first), or declare capabilities.resize false");
  return sizes.call(fx.provider, fx.ready);
}

/** describe(), failing the test with every problem listed when the state is malformed. */
async function describeChecked(fx: ProviderConformanceFixture, ref: TargetRef): Promise<TargetState> {
  const state = await fx.provider.describe(ref);
  expect(targetStateProblems(state, ref)).toEqual([]);
  return state;
}

async function readyState(fx: ProviderConformanceFixture): Promise<TargetState> {
  const s = await describeChecked(fx, fx.ready);
  expect({ status: s.status, reason: s.reason }).toEqual({ status: 'ready', reason: s.reason });
  return s;
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(p: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error(`${what} resolved; it must reject`);
}

function errorSummary(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/** Fails with what was thrown instead, which `toBeInstanceOf` does not print. */
function expectError<T>(e: unknown, type: abstract new (...args: never[]) => T, what: string): T {
  if (!(e instanceof type)) throw new Error(`${what}: expected ${type.name}, got ${e === undefined ? 'no error' : errorSummary(e)}`);
  return e;
}

/**
 * NotFoundError, or another typed, non-retryable error that names the target
 * (so a provider failing everything with one generic error does not pass).
 */
function expectNotFound(e: unknown, ref: TargetRef, what: string): void {
  const err = expectError(e, AutoscalerError, what);
  if (err instanceof NotFoundError) return;
  if (err.code === 'TRANSIENT' || err.code === 'CONFLICT')
    throw new Error(`${what}: ${err.code} would be retried or re-decided forever; expected NotFoundError, got ${errorSummary(err)}`);
  if (!err.message.includes(ref.id)) throw new Error(`${what}: expected NotFoundError or an error naming ${ref.id}, got ${errorSummary(err)}`);
}

const plusOne = (c: Capacity): Capacity => ({ ...c, replicas: c.replicas + 1 });

/** An updating target: the fixture's, or the ready one caught mid-change (not settled). */
async function updatingTarget(fx: ProviderConformanceFixture): Promise<TargetRef | NotApplicable> {
  if (fx.updating) return fx.updating;
  const before = await readyState(fx);
  await fx.provider.apply(fx.ready, plusOne(before.capacity), { ifMatch: before.version! });
  const after = await describeChecked(fx, fx.ready);
  if (after.status === 'updating') return fx.ready;
  return { notApplicable: 'the fixture has no `updating` target and an applied change is ready at once' };
}

export const providerConformanceCases: readonly Case[] = [
  {
    name: 'describe returns a well-formed TargetState for the ready target',
    async run(fx) {
      const s = await readyState(fx);
      expect(s.capacity.replicas).toBeGreaterThanOrEqual(1);
      expect(s.managed).toBe(true);
      const again = await describeChecked(fx, fx.ready);
      // Nothing changed in between, so the version must not either (or ifMatch would always conflict).
      expect(again.version).toBe(s.version);
    },
  },
  {
    name: 'validateId accepts the fixture ids and rejects each invalid id with a ValidationError naming the id field',
    async run(fx) {
      expect(() => fx.provider.validateId(fx.ready.id)).not.toThrow();
      if (fx.missing) expect(() => fx.provider.validateId(fx.missing!.id)).not.toThrow();
      expect(fx.invalidIds.length).toBeGreaterThan(0);
      for (const id of fx.invalidIds) {
        let thrown: unknown;
        try {
          fx.provider.validateId(id);
        } catch (e) {
          thrown = e;
        }
        const v = expectError(thrown, ValidationError, `validateId(${JSON.stringify(id)})`);
        const namesId = v.issues.some((i) => /\bid\b|Id\b|\.id/i.test(i.path)) || /\bid\b/i.test(v.message);
        expect({ id, message: v.message, namesIdField: namesId }).toEqual({ id, message: v.message, namesIdField: true });
      }
    },
  },
  {
    name: 'apply with the current version adds a replica, visible after settle',
    async run(fx) {
      const before = await readyState(fx);
      const handle = await fx.provider.apply(fx.ready, plusOne(before.capacity), { ifMatch: before.version! });
      expect(typeof handle.id === 'string' && handle.id.length > 0).toBe(true);
      expect(['work-request', 'endpoint', 'rollout', 'immediate']).toContain(handle.kind);
      await fx.settle(fx.ready);
      const after = await readyState(fx);
      expect(after.capacity).toEqual(plusOne(before.capacity));
      expect(after.version).not.toBe(before.version);
    },
  },
  {
    name: 'apply with a stale version (after another actor changed the target) is a ConflictError and changes nothing',
    async run(fx) {
      const stale = await readyState(fx);
      await fx.tamper(fx.ready);
      await fx.settle(fx.ready);
      const current = await describeChecked(fx, fx.ready);
      expect(current.version).not.toBe(stale.version);
      const e = await rejectionOf(fx.provider.apply(fx.ready, plusOne(current.capacity), { ifMatch: stale.version! }), 'apply with a stale ifMatch');
      expectError(e, ConflictError, 'apply with a stale ifMatch');
      await fx.settle(fx.ready);
      const after = await describeChecked(fx, fx.ready);
      expect(after.capacity).toEqual(current.capacity);
      expect(after.version).toBe(current.version);
    },
  },
  {
    name: "an updating target describes as 'updating' with a reason, and the orchestrator skips it without a change",
    async run(fx) {
      const ref = await updatingTarget(fx);
      if ('notApplicable' in ref) return ref;
      const before = await describeChecked(fx, ref);
      expect(before.status).toBe('updating');
      expect(typeof before.reason === 'string' && before.reason.length > 0).toBe(true);
      const autoscaler = probeAutoscaler(fx.provider, ref, before.capacity.replicas + 10);
      const record = onlyRecord((await autoscaler.handleSignals([probeSignal(ref)])).records);
      expect(brief(record)).toEqual({ ...brief(record), outcome: 'skipped' });
      const after = await describeChecked(fx, ref);
      expect(after.capacity).toEqual(before.capacity);
      expect(after.version).toBe(before.version);
    },
  },
  {
    name: 'writeState then describe().persisted gives back the same marks, dedupe keys and recommendations',
    async run(fx) {
      const before = await readyState(fx);
      const t = Date.UTC(2026, 0, 15, 9, 30, 0, 123);
      const state: PersistedState = {
        lastScaleOut: { at: t, from: 2, to: 3 },
        lastScaleIn: { at: t - 3_600_000, from: 4, to: 2 },
        lastResize: { at: t - 86_400_000 },
        dedupeKeys: ['oci-monitoring:ocid1.alarm.oc1.iad.aaaaexample:1768469400000', 'cloudwatch:8e1d5a4e-5c1e-4d6b-9b1a-2f0e0c7d9a11', 'conformance/3'],
        recommendations: [
          { at: t - 60_000, replicas: 3 },
          { at: t, replicas: 4 },
        ],
      };
      await fx.provider.writeState(fx.ready, structuredClone(state));
      const described = await describeChecked(fx, fx.ready);
      expect(described.persisted).toEqual(state);
      // Our own bookkeeping must not change what runs.
      expect(described.capacity).toEqual(before.capacity);
      await fx.provider.writeState(fx.ready, { dedupeKeys: [], recommendations: [] });
      expect((await describeChecked(fx, fx.ready)).persisted).toEqual({ dedupeKeys: [], recommendations: [] });
    },
  },
  {
    name: 'persisted state survives a capacity change',
    async run(fx) {
      const state: PersistedState = { lastScaleIn: { at: Date.UTC(2026, 0, 2), from: 3, to: 2 }, dedupeKeys: ['conformance:survives'], recommendations: [] };
      await fx.provider.writeState(fx.ready, state);
      const before = await readyState(fx);
      await fx.provider.apply(fx.ready, plusOne(before.capacity), { ifMatch: before.version! });
      await fx.settle(fx.ready);
      expect((await describeChecked(fx, fx.ready)).persisted).toEqual(state);
    },
  },
  {
    name: 'applying the current capacity twice leaves it unchanged and does not fail',
    async run(fx) {
      const before = await readyState(fx);
      for (let i = 0; i < 2; i++) {
        const now = await readyState(fx);
        await fx.provider.apply(fx.ready, { ...before.capacity }, { ifMatch: now.version! });
        await fx.settle(fx.ready);
        expect((await readyState(fx)).capacity).toEqual(before.capacity);
      }
    },
  },
  {
    name: 'apply moves the size to the next rung of the ladder',
    async run(fx): Promise<void | NotApplicable> {
      const before = await readyState(fx);
      const ladder = await ladderOf(fx);
      if (ladder === undefined) return { notApplicable: 'declared: the provider has a fixed size per target (capabilities.resize false)' };
      expect(ladder.length).toBeGreaterThanOrEqual(2);
      const rung = before.capacity.size === undefined ? -1 : ladder.indexOf(before.capacity.size);
      expect({ size: before.capacity.size, onLadder: rung >= 0 && rung < ladder.length - 1 }).toEqual({ size: before.capacity.size, onLadder: true });
      const next = ladder[rung + 1]!;
      await fx.provider.apply(fx.ready, { ...before.capacity, size: next }, { ifMatch: before.version! });
      await fx.settle(fx.ready);
      const after = await readyState(fx);
      expect(after.capacity).toEqual({ ...before.capacity, size: next });
    },
  },
  {
    name: 'through the orchestrator, one delivery scales once; the same signal again (same or another container) is a duplicate',
    async run(fx) {
      const before = await readyState(fx);
      const signal = probeSignal(fx.ready);
      const first = onlyRecord((await probeAutoscaler(fx.provider, fx.ready, before.capacity.replicas + 10).handleSignals([signal])).records);
      expect(brief(first)).toEqual({ ...brief(first), outcome: 'scaled' });
      await fx.settle(fx.ready);
      const autoscaler = probeAutoscaler(fx.provider, fx.ready, before.capacity.replicas + 10);
      const again = onlyRecord((await autoscaler.handleSignals([signal])).records);
      // A fresh orchestrator has an empty dedupe store: only the keys persisted on the target can catch this.
      expect(brief(again)).toEqual({ ...brief(again), outcome: 'duplicate' });
      const third = onlyRecord((await autoscaler.handleSignals([{ ...signal }])).records);
      expect(brief(third)).toEqual({ ...brief(third), outcome: 'duplicate' });
      await fx.settle(fx.ready);
      expect((await readyState(fx)).capacity).toEqual(plusOne(before.capacity));
    },
  },
  {
    name: 'through the orchestrator, 5 concurrent copies of one signal make exactly one change',
    async run(fx) {
      const before = await readyState(fx);
      const autoscaler = probeAutoscaler(fx.provider, fx.ready, before.capacity.replicas + 10);
      const signal = probeSignal(fx.ready);
      const results = await Promise.all(Array.from({ length: 5 }, () => autoscaler.handleSignals([{ ...signal }])));
      const outcomes = results.map((r) => onlyRecord(r.records).outcome).sort();
      expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'scaled']);
      await fx.settle(fx.ready);
      expect((await readyState(fx)).capacity).toEqual(plusOne(before.capacity));
    },
  },
  {
    name: 'a missing target is a typed AutoscalerError (NotFoundError), never a TypeError or a retryable error',
    async run(fx) {
      const missing = fx.missing;
      if (!missing) return { notApplicable: 'the fixture has no `missing` target' };
      const e = await rejectionOf(fx.provider.describe(missing), 'describe of a missing target');
      expectNotFound(e, missing, 'describe of a missing target');
      expectNotFound(await rejectionOf(fx.provider.apply(missing, { replicas: 2 }, {}), 'apply to a missing target'), missing, 'apply to a missing target');
      const record = onlyRecord((await probeAutoscaler(fx.provider, missing, 10).handleSignals([probeSignal(missing)])).records);
      expect(['error', 'rejected']).toContain(record.outcome);
      expect(record.code).not.toBe('INTERNAL');
    },
  },
];
