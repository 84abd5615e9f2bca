import { AutoscalerError } from '../errors';
import { formatTarget, type CallOptions, type MetricPoint, type MetricSource, type TargetRef } from '../types';

interface Series {
  periodSeconds: number;
  points: MetricPoint[];
  /** Epoch ms up to which the source has been asked (exclusive). */
  fetchedTo: number;
}

/**
 * Metric history per target and metric, kept for the life of the process: a warm container
 * (and the simulator's minute loop) asks the source only for the periods it has not seen.
 * The array of a series only grows at its end until it is trimmed, so the forecaster's own
 * memo stays valid between evaluations.
 */
export class MetricHistoryCache {
  private readonly series = new Map<string, Series>();

  /**
   * The history of `metric` over `[now - lookbackMs, now)`, with one `history` call for the
   * missing tail. Throws what the source throws (the caller falls back).
   */
  async read(
    source: MetricSource,
    ref: TargetRef,
    metric: string,
    periodSeconds: number,
    lookbackMs: number,
    now: number,
    options: CallOptions,
  ): Promise<readonly MetricPoint[]> {
    const key = `${formatTarget(ref)} ${metric} ${periodSeconds}`;
    const periodMs = periodSeconds * 1000;
    const from = Math.floor((now - lookbackMs) / periodMs) * periodMs;
    // Only periods the cloud has published by now: an unpublished one asked for too early would
    // be skipped for good, and a gap makes the forecast fall back.
    const to = Math.floor((now - source.publishDelaySeconds * 1000) / periodMs) * periodMs;
    let s = this.series.get(key);
    if (s === undefined || s.fetchedTo < from) {
      s = { periodSeconds, points: [], fetchedTo: from };
      this.series.set(key, s);
    }
    if (to > s.fetchedTo) {
      const fresh = await source.history(ref, { metric, from: s.fetchedTo, to, periodSeconds }, options);
      for (const p of fresh) {
        if (!isPoint(p)) throw new AutoscalerError('PROVIDER', `metric source ${source.name} returned a malformed datapoint for ${metric}`);
        // Only the asked range: every cached point lies before fetchedTo, so a source answering
        // with an overlap cannot reorder the series.
        if (p.at >= s.fetchedTo && p.at < to) s.points.push(p);
      }
      s.fetchedTo = to;
    }
    // Trim rarely (a quarter past the window) so the array is append-only between trims.
    if (s.points.length > 0 && s.points[0]!.at < from - lookbackMs / 4) {
      const keep = s.points.findIndex((p) => p.at >= from);
      s.points = keep < 0 ? [] : s.points.slice(keep);
    }
    return s.points;
  }
}

function isPoint(p: unknown): p is MetricPoint {
  const q = p as MetricPoint | null;
  return q !== null && typeof q === 'object' && typeof q.at === 'number' && typeof q.value === 'number';
}
