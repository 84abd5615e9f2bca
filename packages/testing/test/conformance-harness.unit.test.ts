import { ConflictError, MemoryAlarmSource, MemoryProvider, ProviderError, TransientError, ValidationError } from '@autoscaler/core';
import type { ApplyHandle, ApplyOptions, Capacity, PersistedState, Signal, TargetRef, TargetState } from '@autoscaler/core';
import { alarmSourceConformanceCases, providerConformanceCases } from '../src';
import type { AlarmSourceConformanceFixture, ConformanceCase, ProviderConformanceFixture } from '../src';
import { memoryFixture } from './memory-fixture';

// Tests of the test harness (as typescript-eslint tests its RuleTester): each
// broken implementation must make the named case fail, and the reference
// implementation must pass that same case, so the case is neither vacuous nor wrong.

function caseNamed<F>(cases: readonly ConformanceCase<F>[], prefix: string): ConformanceCase<F> {
  const c = cases.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no conformance case starts with "${prefix}"`);
  return c;
}

class IgnoresIfMatch extends MemoryProvider {
  override apply(ref: TargetRef, to: Capacity, _options: ApplyOptions): Promise<ApplyHandle> {
    return super.apply(ref, to, {});
  }
}
class AcceptsAnyId extends MemoryProvider {
  override validateId(): void {
    // Every id is welcome: exactly the bug the kit must catch.
  }
}
class BlamesTheWrongField extends MemoryProvider {
  override validateId(id: string): void {
    if (!/^endpoint\/[a-z]+$/.test(id)) throw ValidationError.field('target.name', 'bad');
  }
}
class NumericVersion extends MemoryProvider {
  override async describe(ref: TargetRef): Promise<TargetState> {
    const s = await super.describe(ref);
    return { ...s, version: Number(s.version) as unknown as string };
  }
}
class AlwaysReady extends MemoryProvider {
  override async describe(ref: TargetRef): Promise<TargetState> {
    const { reason: _reason, ...s } = await super.describe(ref);
    return { ...s, status: 'ready' };
  }
}
class ForgetsDedupeKeys extends MemoryProvider {
  override writeState(ref: TargetRef, state: PersistedState): Promise<void> {
    return super.writeState(ref, { ...state, dedupeKeys: [] });
  }
  // The orchestrator hands the memory to apply as well (written with the change).
  override apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    return super.apply(ref, to, options.state ? { ...options, state: { ...options.state, dedupeKeys: [] } } : options);
  }
}
class SecondsNotMilliseconds extends MemoryProvider {
  override async describe(ref: TargetRef): Promise<TargetState> {
    const s = await super.describe(ref);
    const out = s.persisted.lastScaleOut;
    if (out) s.persisted.lastScaleOut = { ...out, at: Math.floor(out.at / 1000) * 1000 };
    return s;
  }
}
class WipesStateOnApply extends MemoryProvider {
  override async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    const h = await super.apply(ref, to, options);
    await super.writeState(ref, { dedupeKeys: [], recommendations: [] });
    return h;
  }
}
class RefusesNoOp extends MemoryProvider {
  override async apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    const now = await super.describe(ref);
    if (now.capacity.replicas === to.replicas && now.capacity.size === to.size) throw new ConflictError('nothing to change');
    return super.apply(ref, to, options);
  }
}
class LosesTheChange extends MemoryProvider {
  override async apply(ref: TargetRef, _to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    return super.apply(ref, (await super.describe(ref)).capacity, options);
  }
}
class DropsSize extends MemoryProvider {
  override apply(ref: TargetRef, to: Capacity, options: ApplyOptions): Promise<ApplyHandle> {
    // A provider that only knows how to change replicas.
    return super.apply(ref, { ...to, size: 'small' }, options);
  }
}
class TypeErrorWhenMissing extends MemoryProvider {
  override async describe(ref: TargetRef): Promise<TargetState> {
    if (ref.id === 'endpoint/absent') throw new TypeError("Cannot read properties of undefined (reading 'lifecycleState')");
    return super.describe(ref);
  }
}
class RetriesForeverWhenMissing extends MemoryProvider {
  override async describe(ref: TargetRef): Promise<TargetState> {
    if (ref.id === 'endpoint/absent') throw new TransientError('404 treated as retryable');
    return super.describe(ref);
  }
}
class GenericErrorWhenMissing extends MemoryProvider {
  override async describe(ref: TargetRef): Promise<TargetState> {
    if (ref.id === 'endpoint/absent') throw new ProviderError('not implemented: describe');
    return super.describe(ref);
  }
}

type Make = ConstructorParameters<typeof MemoryProvider>;
const broken = (Cls: new (...a: Make) => MemoryProvider) => () => memoryFixture((seeds, clock) => new Cls(seeds, { clock, updateDelayMs: 30_000 }));

describe('the provider kit fails a broken provider on the right case', () => {
  const table: Array<[string, () => ProviderConformanceFixture, string, RegExp]> = [
    ['ignores ifMatch', broken(IgnoresIfMatch), 'apply with a stale version', /expected ConflictError, got no error|must reject/],
    ['accepts any id', broken(AcceptsAnyId), 'validateId', /expected ValidationError, got no error/],
    ['blames the wrong field', broken(BlamesTheWrongField), 'validateId', /namesIdField/],
    ['reports a numeric version', broken(NumericVersion), 'describe returns', /version must be a non-empty string/],
    ['reports ready while updating', broken(AlwaysReady), 'an updating target', /updating/],
    ['forgets dedupe keys', broken(ForgetsDedupeKeys), 'writeState then describe', /dedupeKeys/],
    [
      'forgets dedupe keys (seen through the orchestrator from another container)',
      broken(ForgetsDedupeKeys),
      'through the orchestrator, one delivery',
      /duplicate/,
    ],
    ['truncates marks to seconds', broken(SecondsNotMilliseconds), 'writeState then describe', /lastScaleOut/],
    ['wipes its state when applying', broken(WipesStateOnApply), 'persisted state survives', /conformance:survives/],
    ['refuses a no-op apply', broken(RefusesNoOp), 'applying the current capacity twice', /nothing to change/],
    ['loses the change', broken(LosesTheChange), 'apply with the current version', /replicas/],
    ['drops the size', broken(DropsSize), 'apply moves the size', /medium/],
    ['throws a TypeError for a missing target', broken(TypeErrorWhenMissing), 'a missing target', /expected AutoscalerError, got TypeError/],
    ['calls a missing target retryable', broken(RetriesForeverWhenMissing), 'a missing target', /TRANSIENT would be retried/],
    [
      'fails a missing target with a generic error',
      broken(GenericErrorWhenMissing),
      'a missing target',
      /expected NotFoundError or an error naming endpoint\/absent/,
    ],
  ];

  it.each(table)('%s', async (_what, make, prefix, message) => {
    const c = caseNamed(providerConformanceCases, prefix);
    const reference = memoryFixture();
    await expect(c.run(reference)).resolves.toBeUndefined();
    const fx = make();
    await expect(c.run(fx)).rejects.toThrow(message);
    await fx.close();
  });

  it('reports (not passes silently) the cases a fixture cannot feed', async () => {
    const { updating: _u, missing: _m, ...partial } = memoryFixture((seeds) => new MemoryProvider(seeds));
    await expect(caseNamed(providerConformanceCases, 'a missing target').run(partial)).resolves.toEqual({ notApplicable: expect.stringContaining('missing') });
    // Without an `updating` target the kit catches the ready one mid-change, if the provider has such a state.
    await expect(caseNamed(providerConformanceCases, 'an updating target').run(partial)).resolves.toEqual({
      notApplicable: expect.stringContaining('updating'),
    });
    const slow = memoryFixture();
    const { updating: _u2, ...noUpdating } = slow;
    await expect(caseNamed(providerConformanceCases, 'an updating target').run(noUpdating)).resolves.toBeUndefined();
  });
});

const goldenSignal = {
  target: { provider: 'memory', id: 'endpoint/ready' },
  metric: 'CpuUtilization',
  alarm: 'high-cpu',
  state: 'firing',
  value: 91.5,
  at: 1768469400000,
  dedupeKey: 'k1',
};
const sourceFixture = (source: MemoryAlarmSource, extra: Partial<AlarmSourceConformanceFixture> = {}): AlarmSourceConformanceFixture => ({
  source,
  valid: [goldenSignal],
  ...extra,
});

class CrashesOnAnything extends MemoryAlarmSource {
  override parse(raw: unknown): Signal[] {
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0) return [(raw as { x: { y: Signal } }).x.y];
    return super.parse(raw);
  }
}
class CrashesOnAMutation extends MemoryAlarmSource {
  override parse(raw: unknown): Signal[] {
    // Trusts a field that golden payloads always carry: any mutation there is a TypeError.
    if (raw !== null && typeof raw === 'object' && 'alarm' in raw) (raw as unknown as { target: { id: string } }).target.id.trim();
    return super.parse(raw);
  }
}
class MalformedSignals extends MemoryAlarmSource {
  override parse(raw: unknown): Signal[] {
    return super.parse(raw).map((s) => ({ ...s, at: Number.NaN }));
  }
}
class AcceptsGarbage extends MemoryAlarmSource {
  override parse(raw: unknown): Signal[] {
    try {
      return super.parse(raw);
    } catch {
      return [];
    }
  }
}
class RandomDedupeKeys extends MemoryAlarmSource {
  private n = 0;
  override parse(raw: unknown): Signal[] {
    return super.parse(raw).map((s) => ({ ...s, dedupeKey: `k${++this.n}` }));
  }
}
class ConsumesItsInput extends MemoryAlarmSource {
  override parse(raw: unknown): Signal[] {
    const out = super.parse(raw);
    if (raw !== null && typeof raw === 'object') delete (raw as { dedupeKey?: string }).dedupeKey;
    return out;
  }
}
class PlainErrors extends MemoryAlarmSource {
  override parse(raw: unknown): Signal[] {
    try {
      return super.parse(raw);
    } catch (e) {
      throw new Error((e as Error).message);
    }
  }
}

describe('the alarm-source kit fails a broken source on the right case', () => {
  const table: Array<[string, AlarmSourceConformanceFixture, string, RegExp]> = [
    ['crashes on an empty object', sourceFixture(new CrashesOnAnything()), 'fuzz: parse(fc.anything())', /not an AutoscalerError/],
    ['crashes when a golden field is mutated', sourceFixture(new CrashesOnAMutation()), 'fuzz: mutations', /TypeError/],
    ['returns signals with at = NaN', sourceFixture(new MalformedSignals()), 'every golden payload', /at must be epoch milliseconds/],
    [
      'answers garbage with no signal instead of an error',
      sourceFixture(new AcceptsGarbage(), { invalid: [{ metric: 'x' }] }),
      'every invalid payload',
      /returned \[\]/,
    ],
    ['throws plain Errors', sourceFixture(new PlainErrors()), 'every invalid payload', /threw Error/],
    ['mints a new dedupe key per parse', sourceFixture(new RandomDedupeKeys()), 'parse is a pure function', /dedupeKeys/],
    ['modifies its input', sourceFixture(new ConsumesItsInput()), 'parse is a pure function', /unchanged/],
  ];

  it.each(table)('%s', async (_what, fx, prefix, message) => {
    const c = caseNamed(alarmSourceConformanceCases, prefix);
    await expect(c.run(sourceFixture(new MemoryAlarmSource(), { invalid: fx.invalid ?? [] }))).resolves.toBeUndefined();
    await expect(c.run(fx)).rejects.toThrow(message);
  });

  it('only the broken case fails: the crash-on-mutation source passes the golden and invalid cases', async () => {
    const fx = sourceFixture(new CrashesOnAMutation());
    await expect(caseNamed(alarmSourceConformanceCases, 'every golden payload').run(fx)).resolves.toBeUndefined();
    await expect(caseNamed(alarmSourceConformanceCases, 'every invalid payload').run(fx)).resolves.toBeUndefined();
  });
});

describe('capability flags: a kit that does not demand every feature', () => {
  const resizeCase = () => caseNamed(providerConformanceCases, 'apply moves the size to the next rung');

  it('a cloud with a fixed size per target declares it, and the resize case is not run, by declaration', async () => {
    const fx = { ...memoryFixture(), capabilities: { resize: false } };
    await expect(resizeCase().run(fx)).resolves.toEqual({ notApplicable: expect.stringContaining('fixed size') });
  });

  it('a ladder given by the fixture is used instead of a provider helper', async () => {
    const fx = memoryFixture();
    // The same provider without its `sizes` helper.
    const bare = Object.assign(Object.create(Object.getPrototypeOf(fx.provider) as object) as object, fx.provider, { sizes: undefined });
    await expect(resizeCase().run({ ...fx, provider: bare, ladder: ['small', 'medium', 'large'] })).resolves.toBeUndefined();
    await expect(resizeCase().run({ ...fx, provider: bare })).rejects.toThrow(/give the fixture `ladder`/);
  });
});
