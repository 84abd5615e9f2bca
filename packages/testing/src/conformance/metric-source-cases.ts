import { AutoscalerError, TransientError, ValidationError, type MetricPoint, type MetricSource, type TargetRef } from '@autoscaler/core';
import type { ConformanceCase, NotApplicable } from './fixtures';
import { rejectionOf } from './provider-cases';

/** What a metric source's test hands the kit: the source wired to its fake, and levers on the fake. */
export interface MetricSourceConformanceFixture {
  source: MetricSource;
  /** A target the fake serves history for. */
  target: TargetRef;
  /** Give `target` this history of canonical `requests` (oldest first, on the source's period grid). */
  seed(points: readonly MetricPoint[]): Promise<void> | void;
  /** A period-aligned time after the seeded history (the fake's "now"). */
  now: number;
  /** Ids the source must refuse before any call (they would reach a query). */
  invalidIds: string[];
  /** Make the next history call fail the way the cloud throttles (omit if the fake cannot). */
  throttleNext?(): void;
  close(): Promise<void>;
}

type Case = ConformanceCase<MetricSourceConformanceFixture>;

function series(fx: MetricSourceConformanceFixture, count: number, value: (i: number) => number): MetricPoint[] {
  const period = fx.source.periodSeconds * 1000;
  const end = Math.floor((fx.now - fx.source.publishDelaySeconds * 1000) / period) * period;
  return Array.from({ length: count }, (_, i) => ({ at: end - (count - i) * period, value: value(i) }));
}

/** Problems with a history answer: order, grid, range, values. */
export function historyProblems(points: readonly MetricPoint[], from: number, to: number, periodSeconds: number): string[] {
  const problems: string[] = [];
  const period = periodSeconds * 1000;
  points.forEach((p, i) => {
    if (typeof p?.at !== 'number' || typeof p?.value !== 'number') problems.push(`points[${i}]: not { at: number, value: number }`);
    else {
      if (!Number.isFinite(p.value)) problems.push(`points[${i}].value: not finite (${p.value})`);
      if (p.at < from || p.at >= to) problems.push(`points[${i}].at: ${new Date(p.at).toISOString()} is outside [from, to)`);
      if (p.at % period !== 0) problems.push(`points[${i}].at: not on the ${periodSeconds}s grid`);
      if (i > 0 && !(p.at > points[i - 1]!.at)) problems.push(`points[${i}].at: not after points[${i - 1}] (oldest first, no duplicates)`);
    }
  });
  return problems;
}

export const metricSourceConformanceCases: readonly Case[] = [
  {
    name: 'serves canonical `requests` oldest first, one point per period, inside [from, to), values as seeded',
    async run(fx) {
      const seeded = series(fx, 30, (i) => 100 + 10 * i);
      await fx.seed(seeded);
      const from = seeded[0]!.at;
      const to = seeded.at(-1)!.at + fx.source.periodSeconds * 1000;
      const got = await fx.source.history(fx.target, { metric: 'requests', from, to, periodSeconds: fx.source.periodSeconds });
      const problems = historyProblems(got, from, to, fx.source.periodSeconds);
      if (problems.length > 0) throw new Error(`malformed history: ${problems.join('; ')}`);
      if (got.length !== seeded.length) throw new Error(`expected ${seeded.length} points, got ${got.length}`);
      got.forEach((p, i) => {
        if (p.at !== seeded[i]!.at || Math.abs(p.value - seeded[i]!.value) > 1e-6)
          throw new Error(`points[${i}]: expected ${JSON.stringify(seeded[i])}, got ${JSON.stringify(p)}`);
      });
    },
  },
  {
    name: 'a window inside the history gets only that window',
    async run(fx) {
      const seeded = series(fx, 30, () => 50);
      await fx.seed(seeded);
      const from = seeded[10]!.at;
      const to = seeded[20]!.at;
      const got = await fx.source.history(fx.target, { metric: 'requests', from, to, periodSeconds: fx.source.periodSeconds });
      const problems = historyProblems(got, from, to, fx.source.periodSeconds);
      if (problems.length > 0) throw new Error(`malformed history: ${problems.join('; ')}`);
      if (got.length !== 10) throw new Error(`expected the 10 points of [from, to), got ${got.length}`);
    },
  },
  {
    name: 'an unknown metric is a ValidationError naming it',
    async run(fx) {
      await fx.seed(series(fx, 5, () => 1));
      const e = await rejectionOf(
        fx.source.history(fx.target, { metric: 'no-such-metric-xyz', from: fx.now - 3_600_000, to: fx.now, periodSeconds: fx.source.periodSeconds }),
        'history of an unknown metric',
      );
      if (!(e instanceof ValidationError)) throw new Error(`expected ValidationError, got ${String(e)}`);
      if (!e.message.includes('no-such-metric-xyz')) throw new Error(`the error must name the metric: ${e.message}`);
    },
  },
  {
    name: 'a malformed target id is refused before it reaches a query',
    async run(fx) {
      // Seeded, so a source that ignores the id would answer with data instead of refusing.
      await fx.seed(series(fx, 5, () => 1));
      for (const id of fx.invalidIds) {
        const e = await rejectionOf(
          fx.source.history({ ...fx.target, id }, { metric: 'requests', from: fx.now - 3_600_000, to: fx.now, periodSeconds: fx.source.periodSeconds }),
          `history for id ${JSON.stringify(id)}`,
        );
        if (!(e instanceof ValidationError)) throw new Error(`id ${JSON.stringify(id)}: expected ValidationError, got ${String(e)}`);
      }
    },
  },
  {
    name: 'a throttle is a TransientError (the orchestrator retries it within the deadline)',
    async run(fx): Promise<void | NotApplicable> {
      if (!fx.throttleNext) return { notApplicable: 'the fixture cannot throttle' };
      await fx.seed(series(fx, 5, () => 1));
      fx.throttleNext();
      const e = await rejectionOf(
        fx.source.history(fx.target, { metric: 'requests', from: fx.now - 3_600_000, to: fx.now, periodSeconds: fx.source.periodSeconds }),
        'a throttled history call',
      );
      if (!(e instanceof TransientError))
        throw new Error(`expected TransientError, got ${e instanceof AutoscalerError ? `${e.code}: ${e.message}` : String(e)}`);
    },
  },
  {
    name: 'declares its period and publishing delay',
    async run(fx) {
      const { periodSeconds, publishDelaySeconds, provider } = fx.source;
      if (!Number.isInteger(periodSeconds) || periodSeconds < 1) throw new Error(`periodSeconds must be a whole number >= 1, got ${periodSeconds}`);
      if (!Number.isFinite(publishDelaySeconds) || publishDelaySeconds < 0) throw new Error(`publishDelaySeconds must be >= 0, got ${publishDelaySeconds}`);
      if (provider !== fx.target.provider) throw new Error(`source.provider "${provider}" must equal the target's provider "${fx.target.provider}"`);
    },
  },
];
