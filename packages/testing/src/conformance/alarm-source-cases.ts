import { expect } from './jest-globals';
import fc from 'fast-check';
import { AutoscalerError, ValidationError } from '@autoscaler/core';
import type { AlarmSourceConformanceFixture, ConformanceCase } from './fixtures';
import { mutatedPayloads } from './payload-mutations';
import { signalProblems } from './well-formed';

type Case = ConformanceCase<AlarmSourceConformanceFixture>;

/** Kept modest so each kit runs in seconds on a 2-core machine. */
const RUNS = { anything: 300, json: 200, mutations: 400 };

/** Bad deliveries every source must refuse, whatever its format. */
const ALWAYS_INVALID: readonly unknown[] = [undefined, null, 42, true, '', 'not json {', '{"unterminated": '];

const describeValue = (v: unknown): string => {
  try {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    return String(v);
  }
};

/**
 * parse() either throws an AutoscalerError or returns well-formed signals.
 * Returns a description of the violation, or undefined when it held.
 */
function parseViolation(fx: AlarmSourceConformanceFixture, raw: unknown): string | undefined {
  let out: unknown;
  try {
    out = fx.source.parse(raw);
  } catch (e) {
    if (e instanceof AutoscalerError) return undefined;
    return `parse threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)} (not an AutoscalerError)`;
  }
  if (!Array.isArray(out)) return `parse returned ${describeValue(out)}, not an array`;
  const problems = out.flatMap((s, i) => signalProblems(s).map((p) => `signal[${i}]: ${p}`));
  return problems.length > 0 ? `parse returned malformed signals: ${problems.join('; ')}` : undefined;
}

function property(fx: AlarmSourceConformanceFixture, arb: fc.Arbitrary<unknown>, numRuns: number): void {
  fc.assert(
    fc.property(arb, (raw) => {
      const v = parseViolation(fx, raw);
      if (v !== undefined) throw new Error(v);
    }),
    { numRuns, seed: fcSeed(), includeErrorInReport: true },
  );
}

/** A fixed seed can be forced for replay (FC_SEED=...); otherwise fast-check picks and prints it on failure. */
function fcSeed(): number | undefined {
  const s = process.env['FC_SEED'];
  return s === undefined || s === '' ? undefined : Number(s);
}

export const alarmSourceConformanceCases: readonly Case[] = [
  {
    name: 'every golden payload parses into well-formed signals',
    async run(fx) {
      expect(fx.valid.length).toBeGreaterThan(0);
      fx.valid.forEach((raw, i) => {
        const signals = fx.source.parse(raw);
        expect({ payload: i, count: signals.length }).toEqual({ payload: i, count: expect.any(Number) });
        expect({ payload: i, atLeastOne: signals.length >= 1 }).toEqual({ payload: i, atLeastOne: true });
        expect({ payload: i, problems: signals.flatMap((s) => signalProblems(s)) }).toEqual({ payload: i, problems: [] });
      });
    },
  },
  {
    name: 'parse is a pure function of the payload: a redelivery gets the same dedupe keys, and the input is not modified',
    async run(fx) {
      fx.valid.forEach((raw, i) => {
        const before = describeValue(raw);
        const first = fx.source.parse(raw).map((s) => s.dedupeKey);
        expect({ payload: i, unchanged: describeValue(raw) === before }).toEqual({ payload: i, unchanged: true });
        const copy = typeof raw === 'object' && raw !== null && !(raw instanceof Uint8Array) ? structuredClone(raw) : raw;
        expect({ payload: i, dedupeKeys: fx.source.parse(copy).map((s) => s.dedupeKey) }).toEqual({ payload: i, dedupeKeys: first });
      });
    },
  },
  {
    name: 'every invalid payload is rejected with a ValidationError',
    async run(fx) {
      const cases = [...ALWAYS_INVALID, ...(fx.invalid ?? [])];
      for (const raw of cases) {
        let thrown: unknown;
        let returned: unknown;
        try {
          returned = fx.source.parse(raw);
        } catch (e) {
          thrown = e;
        }
        const got =
          thrown === undefined
            ? `returned ${describeValue(returned)}`
            : thrown instanceof ValidationError
              ? 'ValidationError'
              : `threw ${thrown instanceof Error ? String(thrown) : describeValue(thrown)}`;
        expect({ payload: describeValue(raw), got }).toEqual({ payload: describeValue(raw), got: 'ValidationError' });
        expect((thrown as ValidationError).message.length).toBeGreaterThan(0);
      }
    },
  },
  {
    name: `fuzz: parse(fc.anything()) throws only AutoscalerErrors and returns only well-formed signals`,
    async run(fx) {
      property(fx, fc.anything({ withBoxedValues: true, withNullPrototype: true, withObjectString: true, withTypedArray: true }), RUNS.anything);
    },
  },
  {
    name: 'fuzz: JSON text and JSON values (fc.json / fc.jsonValue) never crash parse',
    async run(fx) {
      property(fx, fc.oneof(fc.json(), fc.jsonValue()), RUNS.json);
    },
  },
  {
    name: 'fuzz: mutations of the golden payloads (drop a key, change a type, wrap in an array, huge strings) never crash parse',
    async run(fx) {
      expect(fx.valid.length).toBeGreaterThan(0);
      property(fx, mutatedPayloads(fx.valid), RUNS.mutations);
      // Whole-payload wrappers too.
      for (const raw of fx.valid) {
        for (const wrapped of [[raw], { payload: raw }, [raw, raw], JSON.stringify(raw) ?? '']) {
          const v = parseViolation(fx, wrapped);
          expect({ wrapped: describeValue(wrapped), violation: v }).toEqual({ wrapped: describeValue(wrapped), violation: undefined });
        }
      }
    },
  },
];
