import { ValidationError } from '@autoscaler/core';
import { hashSeed, Rng } from '../model/rng';
import type { Trace } from './trace';

/**
 * Synthetic scenarios beside the real traces: the shapes a policy must survive that the
 * shipped traces have too little of. Generated deterministically from a seed (same seed,
 * same counts), in requests per minute at a nominal peak of about 1000/min; `simulate`
 * scales them to `--peak-rps` like any trace. Each has a few days of ordinary diurnal
 * traffic first, so a seasonal forecast has history, as it would in production.
 */
export interface SyntheticScenario {
  name: string;
  description: string;
  /** Minutes generated. */
  minutes: number;
  generate(seed: number): Trace;
}

const DAY = 1440;

/** A weekday diurnal shape in [0.15, 1]: quiet nights, a broad day peak. */
function diurnal(m: number): number {
  const h = ((m % DAY) / DAY) * 2 * Math.PI;
  return 0.575 - 0.425 * Math.cos(h - 0.6);
}

/** Counts from a rate profile with Poisson-like noise (normal approximation, seeded). */
function counts(rate: (m: number) => number, minutes: number, seed: number, name: string): Float64Array {
  const rng = new Rng(hashSeed(seed, name));
  const out = new Float64Array(minutes);
  for (let m = 0; m < minutes; m++) {
    const r = Math.max(0, rate(m));
    // Box-Muller from two uniforms; sqrt(r) spread, like a Poisson count.
    const u = Math.max(1e-12, rng.next());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    out[m] = Math.max(0, Math.round(r + z * Math.sqrt(r)));
  }
  return out;
}

function trace(name: string, description: string, requests: Float64Array, seed: number): Trace {
  return { name, source: `synthetic:${name} (seed ${seed})`, requests, notes: [`synthetic scenario "${name}", seed ${seed}: ${description}`] };
}

const BASE = 200;

export const syntheticScenarios: readonly SyntheticScenario[] = [
  {
    name: 'flash-crowd',
    description: '3 days of diurnal traffic, then a 5x flash crowd that arrives within one minute at mid-morning of day 4 and lasts 90 minutes',
    minutes: 4 * DAY,
    generate(seed) {
      const at = 3 * DAY + 10 * 60;
      const rate = (m: number): number => BASE * diurnal(m) * (m >= at && m < at + 90 ? 5 : 1);
      return trace(this.name, this.description, counts(rate, this.minutes, seed, this.name), seed);
    },
  },
  {
    name: 'ramp-10x',
    description: '3 days of diurnal traffic at a tenth of the later level, then a 10x ramp over one hour on day 4 (a launch) that stays',
    minutes: 4 * DAY,
    generate(seed) {
      const at = 3 * DAY + 9 * 60;
      const rate = (m: number): number => (BASE / 2) * diurnal(m) * (m < at ? 1 : m < at + 60 ? 1 + (9 * (m - at)) / 60 : 10);
      return trace(this.name, this.description, counts(rate, this.minutes, seed, this.name), seed);
    },
  },
  {
    name: 'weekly-holiday',
    description: 'two weeks of weekday peaks and quieter weekends (40%), with a quiet holiday (20%) on the Monday of week 2',
    minutes: 14 * DAY,
    generate(seed) {
      const rate = (m: number): number => {
        const day = Math.floor(m / DAY);
        const dow = day % 7; // day 0 is a Monday
        const factor = day === 7 ? 0.2 : dow >= 5 ? 0.4 : 1;
        return BASE * 2 * diurnal(m) * factor;
      };
      return trace(this.name, this.description, counts(rate, this.minutes, seed, this.name), seed);
    },
  },
  {
    name: 'on-off',
    description: 'two days of diurnal background at 5% with on/off batches: on for 5-30 minutes at full load, off for 10-60 minutes (seeded)',
    minutes: 2 * DAY,
    generate(seed) {
      const rng = new Rng(hashSeed(seed, 'on-off:periods'));
      const on = new Uint8Array(this.minutes);
      for (let m = 0; m < this.minutes;) {
        const off = 10 + Math.floor(rng.next() * 51);
        const dur = 5 + Math.floor(rng.next() * 26);
        for (let k = m + off; k < Math.min(this.minutes, m + off + dur); k++) on[k] = 1;
        m += off + dur;
      }
      const rate = (m: number): number => BASE * 2 * (on[m] ? 1 : 0.05 * diurnal(m));
      return trace(this.name, this.description, counts(rate, this.minutes, seed, this.name), seed);
    },
  },
  {
    name: 'business-hours',
    description:
      'one week of traffic on weekdays 08:00-19:00 only (diurnal), nothing at night and at the weekend except a stray request or two in about 1% of those minutes (seeded): the shape where scale to zero pays',
    minutes: 7 * DAY,
    generate(seed) {
      const rng = new Rng(hashSeed(seed, 'business-hours:stray'));
      const stray = Float64Array.from({ length: this.minutes }, () => (rng.next() < 0.01 ? 1 + Math.floor(rng.next() * 2) : 0));
      const open = (m: number): boolean => {
        const day = Math.floor(m / DAY);
        const hour = (m % DAY) / 60;
        return day % 7 < 5 && hour >= 8 && hour < 19;
      };
      const busy = counts((m) => (open(m) ? BASE * diurnal(m) : 0), this.minutes, seed, this.name);
      const requests = Float64Array.from(busy, (c, m) => (open(m) ? c : stray[m]!));
      return trace(this.name, this.description, requests, seed);
    },
  },
];

/** Scenarios the policy comparison (bench/policies.ts, docs/simulator.md's table) runs; business-hours is for scale to zero. */
export const comparisonScenarios: readonly SyntheticScenario[] = syntheticScenarios.filter((s) => s.name !== 'business-hours');

export const syntheticScenarioNames: readonly string[] = syntheticScenarios.map((s) => s.name);

/** The named scenario's trace for `seed`; an unknown name is a `ValidationError` listing the valid ones. */
export function syntheticTrace(name: string, seed: number, flag = '--scenario'): Trace {
  const s = syntheticScenarios.find((x) => x.name === name);
  if (!s) throw ValidationError.field(flag, `unknown scenario "${name}": use one of ${syntheticScenarioNames.join(', ')}`);
  return s.generate(seed);
}
