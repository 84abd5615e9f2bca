import { FORECAST_LIMITS } from '@autoscaler/core';
import type { CapacityChange } from '../provider/simulated-deployment';
import type { Scenario } from './scenario';

/**
 * How fast a policy answers demand steps, measured on the run itself (not a synthetic test).
 *
 * A demand step is a minute whose arrival rate rose above what the serving fleet meets at the
 * objective (replicas x the size's SLO-safe MAX_RPS), after a minute that was met; a rate under the
 * engine's idle share (5%) of one instance's MAX_RPS (a stray request) is not one. From the start
 * of that minute we time:
 * - decision: the first accepted scale-out (more SLO-safe capacity asked for) at or after it; when
 *   capacity already under way arrives first, the decision counts as 0 s (it was taken before);
 * - capacity: the first 10 s instant at which the serving fleet meets the step minute's rate.
 * Steps still open after `REACTION_HORIZON_MINUTES`, or at the end of the trace, count as
 * undecided / unmet and are left out of the percentiles.
 */
export interface ReactionTimes {
  steps: number;
  /** Seconds, one per decided step, in step order. */
  decisionSeconds: number[];
  /** Seconds, one per step whose capacity arrived. */
  capacitySeconds: number[];
  undecided: number;
  unmet: number;
}

export const REACTION_HORIZON_MINUTES = 180;
const PROBE_SECONDS = 10;

interface OpenStep {
  at: number;
  minute: number;
  rps: number;
  decision?: number;
  capacity?: number;
}

type Fleet = { replicas: number; size: string };

/** Feeds on the run minute by minute; `finish` gives the figures. */
export class ReactionTracker {
  private readonly open: OpenStep[] = [];
  private readonly done: OpenStep[] = [];
  private wasMet = true;
  private seenChanges = 0;

  constructor(private readonly s: Scenario) {}

  private capacityRps(f: Fleet): number {
    return f.replicas * (this.s.queues.get(f.size)?.maxRps ?? 0);
  }

  /** At the start of minute m, with the fleet serving then. */
  minuteStart(m: number, t0: number, serving: Fleet): void {
    const rps = this.s.load.rps[m]!;
    // Below the engine's idle share of one instance (a stray request) is noise, not a step.
    const idle = FORECAST_LIMITS.idleShare * (this.s.queues.get(serving.size)?.maxRps ?? 0);
    const met = rps <= idle || this.capacityRps(serving) >= rps;
    const rose = m > 0 && rps > this.s.load.rps[m - 1]!;
    if (!met && this.wasMet && rose) this.open.push({ at: t0, minute: m, rps });
    this.wasMet = met;
  }

  /** At the end of minute m: new changes, and the fleet at each 10 s instant of the minute. */
  minuteEnd(m: number, t0: number, changes: readonly CapacityChange[], servingAt: (t: number) => Fleet): void {
    for (; this.seenChanges < changes.length; this.seenChanges++) {
      const c = changes[this.seenChanges]!;
      const from = this.capacityRps({ replicas: c.from.replicas, size: c.from.size ?? c.to.size ?? '' });
      const to = this.capacityRps({ replicas: c.to.replicas, size: c.to.size ?? c.from.size ?? '' });
      if (to <= from) continue;
      for (const o of this.open) if (o.decision === undefined && c.at >= o.at) o.decision = (c.at - o.at) / 1000;
    }
    for (let k = 0; k < 60 / PROBE_SECONDS && this.open.length > 0; k++) {
      const t = t0 + k * PROBE_SECONDS * 1000;
      const cap = this.capacityRps(servingAt(t));
      for (const o of this.open) {
        if (o.capacity !== undefined || t < o.at || cap < o.rps) continue;
        o.capacity = (t - o.at) / 1000;
        o.decision ??= 0;
      }
    }
    for (let i = this.open.length - 1; i >= 0; i--) {
      const o = this.open[i]!;
      if ((o.decision !== undefined && o.capacity !== undefined) || m + 1 - o.minute >= REACTION_HORIZON_MINUTES) {
        this.done.push(o);
        this.open.splice(i, 1);
      }
    }
  }

  finish(): ReactionTimes {
    const all = [...this.done, ...this.open].sort((a, b) => a.at - b.at);
    return {
      steps: all.length,
      decisionSeconds: all.flatMap((o) => (o.decision === undefined ? [] : [o.decision])),
      capacitySeconds: all.flatMap((o) => (o.capacity === undefined ? [] : [o.capacity])),
      undecided: all.filter((o) => o.decision === undefined).length,
      unmet: all.filter((o) => o.capacity === undefined).length,
    };
  }
}

/** Nearest-rank quantile of a list (undefined when empty). */
export function quantile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Median and p95 of decision and capacity times, seconds (null when no step got there). */
export interface ReactionSummary {
  steps: number;
  decisionP50: number | null;
  decisionP95: number | null;
  capacityP50: number | null;
  capacityP95: number | null;
  undecided: number;
  unmet: number;
}

export function summarizeReaction(r: ReactionTimes): ReactionSummary {
  return {
    steps: r.steps,
    decisionP50: quantile(r.decisionSeconds, 0.5) ?? null,
    decisionP95: quantile(r.decisionSeconds, 0.95) ?? null,
    capacityP50: quantile(r.capacitySeconds, 0.5) ?? null,
    capacityP95: quantile(r.capacitySeconds, 0.95) ?? null,
    undecided: r.undecided,
    unmet: r.unmet,
  };
}
