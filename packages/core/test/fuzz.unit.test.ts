/**
 * Property tests: the parsers at the edge never throw anything but an AutoscalerError, whatever
 * they are given; `decide` on any valid policy, state and signals keeps its invariants.
 */
import fc from 'fast-check';
import {
  AutoscalerError,
  Forecaster,
  PredictiveRuleSchema,
  forecastLoad,
  MemoryAlarmSource,
  decide,
  effectiveBounds,
  parseCron,
  parsePolicy,
  parseSignal,
  parseTargetState,
  previousFire,
  validatePolicy,
} from '../src/index';
import type { ActionMark, Forecast, MetricPoint, Policy, Signal, TargetState } from '../src/index';

const RUNS = { numRuns: 400 };

/** Runs `f`; anything thrown must be an AutoscalerError (a TypeError from deep inside is a bug). */
function onlyAutoscalerErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof AutoscalerError)) throw new Error(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

const anything = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withObjectString: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
});

// ---------------------------------------------------------------------------------------------
// Parsers
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const VALID_POLICY: Json = {
  name: 'fuzz',
  targets: [{ provider: 'memory', id: 'model-a' }],
  limits: { minReplicas: 1, maxReplicas: 10, sizes: ['s', 'm', 'l'], maxStep: 3, cooldown: { scaleOut: 60, scaleIn: 300 }, stabilization: { scaleIn: 300 } },
  rules: [
    { name: 'up', threshold: { alarm: 'high', change: 1 } },
    { name: 'bigger', threshold: { alarm: 'mem', size: 'next' } },
    {
      name: 'steps',
      step: {
        metric: 'lat',
        threshold: 100,
        adjustmentType: 'PercentChangeInCapacity',
        minAdjustmentMagnitude: 1,
        adjustments: [
          { lower: 0, upper: 50, change: 10 },
          { lower: 50, change: 30 },
        ],
      },
    },
    { name: 'tt', targetTracking: { metric: 'cpu', target: 50, algorithm: 'hpa', tolerance: 0.1 } },
    { name: 'sched', schedule: { start: '0 8 * * mon-fri', end: '0 20 * * mon-fri', timezone: 'Europe/Berlin', minReplicas: 3 } },
  ],
  notifications: [{ type: 'webhook', url: 'https://example.com/h' }],
};

const VALID_SIGNAL: Json = {
  target: { provider: 'memory', id: 'model-a' },
  source: 'memory',
  metric: 'cpu',
  alarm: 'high',
  state: 'firing',
  value: 91.5,
  threshold: 80,
  at: '2026-03-10T12:00:00Z',
  dedupeKey: 'k',
};
const VALID_STATE: Json = {
  capacity: { replicas: 3, size: 'm' },
  status: 'ready',
  lastScaleOut: { at: 1_770_000_000_000, from: 2, to: 3 },
  lastScaleIn: 1_770_000_000_000,
  dedupeKeys: ['a'],
  recommendations: [{ at: 1_770_000_000_000, replicas: 3 }],
};

/** Every path into a JSON document (objects and arrays), root included. */
function pathsOf(doc: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };

/** A valid document with one place replaced, deleted or given an extra key. */
function isPlainContainer(x: object): boolean {
  const proto = Object.getPrototypeOf(x) as unknown;
  return !Object.isFrozen(x) && (Array.isArray(x) || proto === Object.prototype || proto === null);
}

function mutated(valid: Json): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), value: anything }),
    fc.record({
      kind: fc.constant('set' as const),
      value: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.string(), fc.constant(null), fc.constant(''), fc.constant('0 8 * * *')),
    }),
    fc.constant({ kind: 'delete' as const }),
    fc.record({
      kind: fc.constant('add' as const),
      key: fc.oneof(fc.string(), fc.constantFrom('lower', 'upper', 'change', 'name', '__proto__', 'constructor')),
      value: anything,
    }),
  );
  return fc.tuple(fc.array(fc.tuple(fc.nat(paths.length - 1), mutation), { minLength: 1, maxLength: 3 })).map(([muts]) => {
    const doc = structuredClone(valid) as unknown;
    for (const [pi, m] of muts) {
      const path = paths[pi]!;
      if (path.length === 0) {
        if (m.kind === 'set') return m.value;
        continue;
      }
      let parent = doc as Record<string | number, unknown> | undefined;
      for (const key of path.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent[key] as Record<string | number, unknown>) : undefined;
      // An earlier mutation may have put a typed array, a Map or a frozen value on the path: only edit plain JSON containers.
      if (!parent || typeof parent !== 'object' || !isPlainContainer(parent)) continue;
      const last = path[path.length - 1]!;
      if (m.kind === 'set') parent[last] = m.value;
      else if (m.kind === 'delete') delete parent[last];
      else {
        const target = parent[last];
        if (target && typeof target === 'object' && isPlainContainer(target))
          Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      }
    }
    return doc;
  });
}

/** JSON text of a generated value; values with no JSON form (BigInt) become an empty body. */
function jsonText(x: unknown): string {
  try {
    return JSON.stringify(x) ?? '';
  } catch {
    return '';
  }
}

describe('parsers never throw anything but an AutoscalerError', () => {
  it('parsePolicy on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.json()), (text) => onlyAutoscalerErrors(() => parsePolicy(text))),
      RUNS,
    );
  });

  it('parsePolicy on YAML-ish text built from policy words', () => {
    const token = fc.constantFrom(
      'name: p\n',
      'limits:\n',
      '  maxReplicas: 3\n',
      'rules:\n',
      '  - name: r\n',
      '    threshold: { alarm: a, change: 1 }\n',
      '- ',
      ': ',
      '{',
      '}',
      '[',
      ']',
      '&a ',
      '*a ',
      '!!binary ',
      '---\n',
      '"',
      "'",
      '#',
      '\t',
      ' ',
      '\n',
      '<<: *a\n',
      '? ',
      '|\n',
      '%YAML 1.2\n',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (tokens) => onlyAutoscalerErrors(() => parsePolicy(tokens.join('')))),
      RUNS,
    );
  });

  it('parsePolicy on non-string input', () => {
    fc.assert(
      fc.property(anything, (x) => onlyAutoscalerErrors(() => parsePolicy(x as string))),
      RUNS,
    );
  });

  it('validatePolicy on anything', () => {
    fc.assert(
      fc.property(anything, (x) => onlyAutoscalerErrors(() => validatePolicy(x))),
      RUNS,
    );
  });

  it('validatePolicy and parsePolicy on mutated valid policies', () => {
    expect(() => validatePolicy(VALID_POLICY)).not.toThrow();
    fc.assert(
      fc.property(mutated(VALID_POLICY), (doc) => {
        onlyAutoscalerErrors(() => validatePolicy(doc));
        onlyAutoscalerErrors(() => parsePolicy(jsonText(doc)));
      }),
      RUNS,
    );
  });

  it('parseSignal on anything and on mutated valid signals', () => {
    expect(() => parseSignal(VALID_SIGNAL)).not.toThrow();
    fc.assert(
      fc.property(fc.oneof(anything, mutated(VALID_SIGNAL)), (x) => onlyAutoscalerErrors(() => parseSignal(x))),
      RUNS,
    );
  });

  it('parseTargetState on anything and on mutated valid states', () => {
    expect(() => parseTargetState(VALID_STATE)).not.toThrow();
    fc.assert(
      fc.property(fc.oneof(anything, mutated(VALID_STATE)), (x) => onlyAutoscalerErrors(() => parseTargetState(x))),
      RUNS,
    );
  });

  it('MemoryAlarmSource.parse on anything, any text, any bytes', () => {
    const source = new MemoryAlarmSource();
    const raw = fc.oneof(
      anything,
      fc.string(),
      fc.json(),
      fc.uint8Array(),
      mutated(VALID_SIGNAL),
      fc.array(mutated(VALID_SIGNAL), { maxLength: 3 }),
      mutated(VALID_SIGNAL).map(jsonText),
    );
    fc.assert(
      fc.property(raw, (x) => onlyAutoscalerErrors(() => source.parse(x))),
      RUNS,
    );
  });

  it('parseCron on any text', () => {
    const field = fc.oneof(fc.string(), fc.constantFrom('*', '*/5', '1-5', 'mon-fri', 'jan', '0', '59', '60', '1,2', '1-', '-1', '/2', '*/', '1-2-3', '7'));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(field, { maxLength: 7 }).map((f) => f.join(' ')),
        ),
        (expr) => onlyAutoscalerErrors(() => parseCron(expr)),
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Cron: previousFire finds the latest matching minute
// ---------------------------------------------------------------------------------------------

function cronField(min: number, max: number): fc.Arbitrary<string> {
  const v = fc.integer({ min, max });
  return fc.oneof(
    fc.constant('*'),
    fc.integer({ min: 1, max: Math.max(1, max - min) }).map((s) => `*/${s}`),
    v.map(String),
    fc.tuple(v, v).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.tuple(v, v).map(([a, b]) => `${a},${b}`),
  );
}
const cronExpr = fc.tuple(cronField(0, 59), cronField(0, 23), cronField(1, 31), cronField(1, 12), cronField(0, 7)).map((f) => f.join(' '));

describe('previousFire', () => {
  it('returns a matching minute at or before the time, and no later minute matches', () => {
    const MIN = 60_000;
    fc.assert(
      fc.property(cronExpr, fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (expr, t) => {
        const spec = parseCron(expr);
        const fire = previousFire(spec, t);
        const matches = (ms: number): boolean => {
          const d = new Date(ms);
          const dom = spec.dayOfMonth.has(d.getUTCDate());
          const dow = spec.dayOfWeek.has(d.getUTCDay());
          const day = spec.domRestricted && spec.dowRestricted ? dom || dow : dom && dow;
          return spec.minute.has(d.getUTCMinutes()) && spec.hour.has(d.getUTCHours()) && spec.month.has(d.getUTCMonth() + 1) && day;
        };
        if (fire === undefined) return;
        expect(fire).toBeLessThanOrEqual(t);
        expect(fire % MIN).toBe(0);
        expect(matches(fire)).toBe(true);
        // Brute force the gap when it is short enough to walk.
        const end = Math.floor(t / MIN) * MIN;
        if (end - fire <= 12 * 3_600_000) for (let m = fire + MIN; m <= end; m += MIN) expect(matches(m)).toBe(false);
      }),
      { numRuns: 250 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// decide: invariants on valid inputs
// ---------------------------------------------------------------------------------------------

const LADDER = ['xs', 's', 'm', 'l'];
const BASE = Date.parse('2026-03-09T00:00:00Z'); // a Monday
const ALARMS = ['a1', 'a2'];
const METRICS = ['cpu', 'rps', 'lat'];

const limitsArb = fc
  .record({
    min: fc.integer({ min: 0, max: 6 }),
    span: fc.integer({ min: 0, max: 15 }),
    sizes: fc.option(fc.subarray(LADDER, { minLength: 1 }), { nil: undefined }),
    maxStep: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    cooldown: fc.record({ scaleOut: fc.integer({ min: 0, max: 900 }), scaleIn: fc.integer({ min: 0, max: 900 }) }),
    stabilization: fc.record({ scaleOut: fc.integer({ min: 0, max: 600 }), scaleIn: fc.integer({ min: 0, max: 600 }) }),
  })
  .map(({ min, span, sizes, maxStep, cooldown, stabilization }) => ({
    minReplicas: min,
    maxReplicas: Math.max(1, min + span),
    ...(sizes ? { sizes } : {}),
    ...(maxStep ? { maxStep } : {}),
    cooldown,
    stabilization,
  }));

const match = fc.oneof(
  fc.record({ alarm: fc.constantFrom(...ALARMS) }),
  fc.record({ alarm: fc.constantFrom(...ALARMS), metric: fc.constantFrom(...METRICS) }),
  fc.record({ metric: fc.constantFrom(...METRICS) }),
);
const nonZero = fc.integer({ min: -5, max: 5 }).filter((n) => n !== 0);

const thresholdArb = (hasLadder: boolean): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    fc.record({ alarm: fc.constantFrom(...ALARMS), change: nonZero }),
    fc.record({ metric: fc.constantFrom(...METRICS), above: fc.integer({ min: 0, max: 100 }), change: nonZero }),
    fc.record({ metric: fc.constantFrom(...METRICS), below: fc.integer({ min: 0, max: 100 }), change: nonZero }),
    // Twice: resizes are the rarer path and deserve their share of runs.
    ...(hasLadder ? Array.from({ length: 2 }, () => fc.record({ alarm: fc.constantFrom(...ALARMS), size: fc.constantFrom('next', 'previous') })) : []),
  );

/** Contiguous step intervals around 0 from sorted breakpoints; open ends when the breakpoints say so. */
const stepArb = fc
  .record({
    m: match,
    threshold: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    type: fc.constantFrom('ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity'),
    points: fc.uniqueArray(fc.integer({ min: -60, max: 60 }), { minLength: 1, maxLength: 4 }),
    openLow: fc.boolean(),
    openHigh: fc.boolean(),
    changes: fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 6, maxLength: 6 }),
    magnitude: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    cooldown: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
  })
  .map(({ m, threshold, type, points, openLow, openHigh, changes, magnitude, cooldown }) => {
    const sorted = [...points].sort((a, b) => a - b);
    const bounds: Array<[number | null, number | null]> = [];
    if (openLow) bounds.push([null, sorted[0]!]);
    for (let i = 0; i + 1 < sorted.length; i++) bounds.push([sorted[i]!, sorted[i + 1]!]);
    if (openHigh || bounds.length === 0) bounds.push([sorted[sorted.length - 1]!, null]);
    const adjustments = bounds.map(([lower, upper], i) => {
      const raw = changes[i] ?? 1;
      const change = type === 'ExactCapacity' ? Math.abs(raw) % 25 : type === 'ChangeInCapacity' ? Math.round(raw / 20) : raw;
      return { ...(lower === null ? {} : { lower }), ...(upper === null ? {} : { upper }), change };
    });
    return {
      ...m,
      ...(threshold === undefined ? {} : { threshold }),
      adjustmentType: type,
      adjustments,
      ...(type === 'PercentChangeInCapacity' && magnitude ? { minAdjustmentMagnitude: magnitude } : {}),
      ...(cooldown === undefined ? {} : { cooldown }),
    };
  });

const targetTrackingArb = fc.record(
  {
    metric: fc.constantFrom(...METRICS),
    target: fc.double({ min: 0.5, max: 200, noNaN: true }),
    statistic: fc.constantFrom('perInstance', 'total'),
    algorithm: fc.constantFrom('aws', 'hpa'),
    scaleInRatio: fc.double({ min: 0.05, max: 1, noNaN: true }),
    tolerance: fc.double({ min: 0, max: 0.5, noNaN: true }),
    disableScaleIn: fc.boolean(),
    scaleOutCooldown: fc.integer({ min: 0, max: 600 }),
    scaleInCooldown: fc.integer({ min: 0, max: 600 }),
  },
  { requiredKeys: ['metric', 'target'] },
);

const scheduleArb = (maxReplicas: number): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record({
      start: fc.constantFrom('0 8 * * mon-fri', '*/30 * * * *', '0 0 * * *', '15 13 * * 1', '0 12 1 * *'),
      end: fc.option(fc.constantFrom('0 20 * * mon-fri', '45 * * * *', '0 6 * * *'), { nil: undefined }),
      duration: fc.integer({ min: 1, max: 600 }),
      timezone: fc.constantFrom('UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'),
      min: fc.option(fc.integer({ min: 0, max: maxReplicas }), { nil: undefined }),
      max: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    })
    .map(({ start, end, duration, timezone, min, max }) => {
      const lo = min ?? (max === undefined ? 1 : undefined);
      const hi = lo !== undefined && max !== undefined && max < lo ? lo : max;
      return {
        start,
        ...(end ? { end } : { durationMinutes: duration }),
        timezone,
        ...(lo === undefined ? {} : { minReplicas: lo }),
        ...(hi === undefined ? {} : { maxReplicas: hi }),
      };
    });

const predictiveArb = fc.record(
  {
    metric: fc.constantFrom(...METRICS),
    target: fc.double({ min: 0.5, max: 500, noNaN: true }),
    scaleInRatio: fc.double({ min: 0.05, max: 1, noNaN: true }),
    disableScaleIn: fc.boolean(),
  },
  { requiredKeys: ['metric', 'target'] },
);

/** Forecasts for the rules r0..r4: usable ones with any load, unusable ones, or none. */
const forecastsArb: fc.Arbitrary<Record<string, Forecast>> = fc
  .array(
    fc.option(
      fc.oneof(
        fc
          .record({ load: fc.double({ min: 0, max: 20_000, noNaN: true }), headroom: fc.double({ min: 0.5, max: 3, noNaN: true }) })
          .map(({ load, headroom }): Forecast => ({ ok: true, load, level: load / headroom, headroom, horizonSeconds: 600, points: 100 })),
        fc.string().map((reason): Forecast => ({ ok: false, reason })),
      ),
      { nil: undefined },
    ),
    { minLength: 5, maxLength: 5 },
  )
  .map((fs) => Object.fromEntries(fs.flatMap((f, i) => (f === undefined ? [] : [[`r${i}`, f]]))));

const policyArb: fc.Arbitrary<Policy> = limitsArb.chain((limits) =>
  fc
    .array(
      fc.oneof(
        thresholdArb(limits.sizes !== undefined).map((threshold) => ({ threshold })),
        stepArb.map((step) => ({ step })),
        targetTrackingArb.map((targetTracking) => ({ targetTracking })),
        scheduleArb(limits.maxReplicas).map((schedule) => ({ schedule })),
        predictiveArb.map((predictive) => ({ predictive })),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((rules) => validatePolicy({ name: 'fuzz', limits, rules: rules.map((r, i) => ({ name: `r${i}`, ...r })) })),
);

const REF = { provider: 'memory', id: 't' };
const markArb = (now: number): fc.Arbitrary<ActionMark | undefined> =>
  fc.option(
    fc
      .record({ ago: fc.integer({ min: -60, max: 1200 }), from: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) })
      .map(({ ago, from }) => ({ at: now - ago * 1000, ...(from === undefined ? {} : { from }) })),
    { nil: undefined },
  );

const caseArb = fc.integer({ min: 0, max: 7 * 24 * 60 }).chain((minutes) => {
  const now = BASE + minutes * 60_000 + 17_000;
  const signal: fc.Arbitrary<Signal> = fc
    .record({
      alarm: fc.option(fc.constantFrom(...ALARMS, 'other'), { nil: undefined }),
      metric: fc.constantFrom(...METRICS, 'mem'),
      state: fc.constantFrom('firing', 'ok', 'value'),
      value: fc.option(fc.double({ min: -50, max: 1000, noNaN: true }), { nil: undefined }),
      threshold: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    })
    .map(({ alarm, value, threshold, ...rest }) => ({
      target: REF,
      source: 'fuzz',
      dedupeKey: 'k',
      at: now,
      ...rest,
      ...(alarm ? { alarm } : {}),
      ...(value === undefined ? {} : { value }),
      ...(threshold === undefined ? {} : { threshold }),
    }));
  const state: fc.Arbitrary<TargetState> = fc
    .record({
      replicas: fc.integer({ min: 0, max: 30 }),
      size: fc.option(fc.constantFrom(...LADDER, 'not-on-ladder'), { nil: undefined }),
      out: markArb(now),
      in: markArb(now),
      resize: markArb(now),
      recs: fc.array(fc.record({ at: fc.integer({ min: now - 900_000, max: now }), replicas: fc.integer({ min: 0, max: 30 }) }), { maxLength: 5 }),
    })
    .map(({ replicas, size, out, in: inn, resize, recs }) => ({
      ref: REF,
      capacity: { replicas, ...(size ? { size } : {}) },
      status: 'ready',
      managed: true,
      persisted: {
        dedupeKeys: [],
        recommendations: recs,
        ...(out ? { lastScaleOut: out } : {}),
        ...(inn ? { lastScaleIn: inn } : {}),
        ...(resize ? { lastResize: resize } : {}),
      },
    }));
  return fc.record({ now: fc.constant(now), policy: policyArb, state, signals: fc.array(signal, { maxLength: 4 }), forecasts: forecastsArb });
});

describe('decide on any valid policy, state and signals', () => {
  it('keeps every invariant', () => {
    fc.assert(
      fc.property(caseArb, ({ now, policy, state, signals, forecasts }) => {
        const d = decide(policy, state, signals, { forecasts }, now);
        const current = state.capacity.replicas;
        const { min, max } = effectiveBounds(policy.rules, policy.limits, now);
        const to = d.to.replicas;

        expect(d.from).toEqual(state.capacity);
        expect(Number.isInteger(to)).toBe(true);
        // Never further from the bounds than where it started; inside them if it started inside.
        expect(to).toBeGreaterThanOrEqual(Math.min(current, min));
        expect(to).toBeLessThanOrEqual(Math.max(current, max));
        if (current >= min && current <= max) {
          expect(to).toBeGreaterThanOrEqual(min);
          expect(to).toBeLessThanOrEqual(max);
        }
        if (current > max) expect(to).toBeLessThanOrEqual(current);
        if (current < min) expect(to).toBeGreaterThanOrEqual(current);

        if (d.action === 'none') {
          expect(d.to).toEqual(d.from);
        } else if (d.action === 'scale') {
          expect(to).not.toBe(current);
          expect(d.to.size).toBe(d.from.size);
          expect(d.direction).toBe(to > current ? 'out' : 'in');
          if (policy.limits.maxStep !== undefined) expect(Math.abs(to - current)).toBeLessThanOrEqual(policy.limits.maxStep);
        } else {
          // A resize: one rung along the policy's ladder, never off it.
          const ladder = policy.limits.sizes;
          expect(ladder).toBeDefined();
          expect(ladder).toContain(d.to.size);
          const step = ladder!.indexOf(d.to.size!) - ladder!.indexOf(d.from.size!);
          expect(Math.abs(step)).toBe(1);
          expect(d.direction).toBe(step > 0 ? 'up' : 'down');
        }
        if (d.action !== 'resize') expect(d.to.size).toBe(d.from.size);
        expect(typeof d.reason).toBe('string');
        expect(d.reason.length).toBeGreaterThan(0);

        // Pure: the same inputs give the same decision.
        expect(decide(policy, state, signals, { forecasts }, now)).toEqual(d);
      }),
      { numRuns: 600 },
    );
  });

  it('never throws anything but an AutoscalerError for hand-built (unparsed) states and times', () => {
    const badState = fc.record({
      replicas: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.double(), fc.constant(Number.NaN)),
      lastResizeAt: fc.oneof(fc.integer(), fc.double(), fc.constant(9e15)),
    });
    fc.assert(
      fc.property(caseArb, badState, fc.oneof(fc.double(), fc.constant(1e20), fc.constant(-1e20)), ({ policy, state, signals }, bad, now) => {
        const s: TargetState = {
          ...state,
          capacity: { ...state.capacity, replicas: bad.replicas },
          persisted: { ...state.persisted, lastResize: { at: bad.lastResizeAt } },
        };
        onlyAutoscalerErrors(() => decide(policy, s, signals, {}, now));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The forecaster: any history, never a throw, never a non-finite load
// ---------------------------------------------------------------------------------------------

const HOUR_START = Date.parse('2026-03-01T00:00:00Z');

const predictiveRuleArb = fc
  .record({
    periodSeconds: fc.constantFrom(10, 60, 900, 3600),
    seasonDays: fc.integer({ min: 0, max: 3 }),
    levelMinutes: fc.integer({ min: 1, max: 60 }),
    jumpMinutes: fc.integer({ min: 1, max: 10 }),
    trendMinutes: fc.integer({ min: 3, max: 120 }),
    headroomQuantile: fc.double({ min: 0.5, max: 1, noNaN: true }),
    headroomWindowMinutes: fc.integer({ min: 60, max: 720 }),
  })
  .map((knobs) => PredictiveRuleSchema.parse({ metric: 'requests', target: 100, ...knobs }));

/** Mostly well-formed series (so the arithmetic runs), with duplicates, reversals, gaps, bad values and junk. */
const historyArb = (periodSeconds: number): fc.Arbitrary<MetricPoint[]> =>
  fc
    .record({
      steps: fc.array(fc.oneof({ weight: 200, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 40 }) }), { maxLength: 400 }),
      values: fc.oneof(
        { weight: 3, arbitrary: fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 50 }) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.oneof(
              { weight: 20, arbitrary: fc.double({ min: 0, max: 1e4, noNaN: true }) },
              fc.double(),
              fc.constantFrom(0, 1e15, 1e16, -0, Number.MIN_VALUE, Number.MAX_VALUE),
            ),
            {
              minLength: 1,
              maxLength: 50,
            },
          ),
        },
      ),
      offGrid: fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat(400), fc.integer({ min: 1, max: periodSeconds * 1000 - 1 })), { maxLength: 2 }) },
      ),
      junk: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat(400), anything), { maxLength: 2 }) }),
    })
    .map(({ steps, values, offGrid, junk }) => {
      const points: MetricPoint[] = [];
      let index = 0;
      steps.forEach((step, i) => {
        index += step;
        points.push({ at: HOUR_START + index * periodSeconds * 1000, value: values[i % values.length]! });
      });
      for (const [i, ms] of offGrid) if (points[i]) points[i] = { ...points[i], at: points[i].at + ms };
      for (const [i, x] of junk) points.splice(Math.min(i, points.length), 0, x as MetricPoint);
      return points;
    });

const forecastCaseArb = predictiveRuleArb.chain((rule) =>
  fc.record({
    rule: fc.constant(rule),
    points: historyArb(rule.periodSeconds),
    lagPeriods: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) }, fc.integer({ min: -2, max: 60 })),
    horizonSeconds: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 14_400 }) }, fc.double(), fc.constant(0)),
    cut: fc.nat(400),
  }),
);

describe('the forecaster on any history', () => {
  it('never throws, never yields a non-finite or negative load, and a warm instance equals a cold one', () => {
    let usable = 0;
    fc.assert(
      fc.property(forecastCaseArb, ({ rule, points, lagPeriods, horizonSeconds, cut }) => {
        const last = points.at(-1);
        const lastAt = typeof last?.at === 'number' && Number.isFinite(last.at) ? last.at : HOUR_START;
        const now = lastAt + (lagPeriods + 1) * rule.periodSeconds * 1000;
        const warm = new Forecaster(rule);
        // The caller's array grows at its end between calls.
        const growing = points.slice(0, Math.min(cut, points.length));
        warm.forecast(growing, now, horizonSeconds);
        growing.push(...points.slice(growing.length));
        const f = warm.forecast(growing, now, horizonSeconds);
        if (f.ok) {
          usable++;
          expect(Number.isFinite(f.load)).toBe(true);
          expect(f.load).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(f.level)).toBe(true);
          expect(f.headroom).toBeGreaterThanOrEqual(0.5);
          expect(f.headroom).toBeLessThanOrEqual(3);
        } else {
          expect(f.reason.length).toBeGreaterThan(0);
        }
        expect(forecastLoad(rule, growing, now, horizonSeconds)).toEqual(f);
      }),
      { numRuns: 300 },
    );
    // Not vacuous: a good share of the histories get as far as a forecast.
    expect(usable).toBeGreaterThan(30);
  });

  it('decide never scales in on a forecast that is missing or unusable', () => {
    fc.assert(
      fc.property(forecastCaseArb, fc.integer({ min: 1, max: 30 }), ({ rule, points, horizonSeconds }, replicas) => {
        const f = forecastLoad(rule, points, HOUR_START + 400 * rule.periodSeconds * 1000, horizonSeconds);
        if (f.ok) return;
        const policy = validatePolicy({
          name: 'p',
          limits: { minReplicas: 0, maxReplicas: 30 },
          rules: [{ name: 'f', predictive: { metric: 'requests', target: 100 } }],
        });
        const state: TargetState = { ref: REF, capacity: { replicas }, status: 'ready', managed: true, persisted: { dedupeKeys: [], recommendations: [] } };
        const d = decide(policy, state, [], { forecasts: { f } }, HOUR_START);
        expect(d.to.replicas).toBe(replicas);
        expect(d.reason).toMatch(/forecast unavailable/);
      }),
      { numRuns: 200 },
    );
  });
});
