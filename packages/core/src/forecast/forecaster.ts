import type { PredictiveRule } from '../policy/schema';
import type { Forecast, MetricPoint } from '../types';

/**
 * Fixed thresholds of the forecaster. None is fitted to a trace: they are stated in minutes or
 * as shares so that a 10 s and a 60 s metric behave alike, and docs/policy.md says why each is
 * what it is.
 */
export const FORECAST_LIMITS = {
  /** Fewer present points than max(levelMinutes, this) minutes of periods: too few to forecast. */
  minHistoryMinutes: 30,
  /** More than this share of the level window's periods missing: the level is a guess. */
  maxLevelGapShare: 0.1,
  /** More than this share of the periods the forecast reads missing: the history is too holey. */
  maxMissingShare: 0.2,
  /** The newest point may end at most horizon + this many periods before `now`. */
  staleSlackPeriods: 3,
  /** Headroom until enough past forecasts can be scored. */
  defaultHeadroom: 1.15,
  minHeadroomRatios: 30,
  minHeadroom: 0.5,
  maxHeadroom: 3,
  /** The headroom quantile is refitted on a fixed grid of this many minutes (same for cold and warm). */
  headroomRefitMinutes: 10,
  /** Past forecasts scored for the headroom are the ones made on each minute boundary. */
  cadenceMinutes: 1,
  /** The seasonal shape is smoothed over this many minutes. */
  smoothingMinutes: 5,
  /** A trend fitted on fewer minutes than this (or trendMinutes, if smaller) is noise: none is used. */
  minTrendMinutes: 15,
  /** A value above this is a broken source, not load. */
  maxValue: 1e15,
  /** Longest horizon a forecast may be asked for (a day's seasonal shape must lie behind it). */
  maxHorizonSeconds: 4 * 3600,
  /**
   * Idle: a load under this share of one instance's target (the rule's `target`). The past days
   * were idle at this time of day when their level-window mean is under it: the seasonal shape is
   * then taken as it was (absolute), not scaled by today's level / theirs, which is 0/0 (or a
   * stray request over nothing) at night. And `decide` plans zero instances for a forecast under
   * it, so a stray request or two never wakes a target scaled to zero.
   */
  idleShare: 0.05,
  /**
   * Today's level over the past days' at the same time scales their shape by at most this: at an
   * onset the past days' window is nearly idle and the ratio explodes (a jump above this is the
   * level's to catch, not the shape's). Same bound as the headroom's.
   */
  maxSeasonRatio: 3,
  /**
   * Recurrence envelopes: beside the forecast, the plan "the highest load of the last W minutes"
   * for each W here (and W = the horizon). At every refit each plan's own headroom is learnt like
   * the forecast's, and the plan used is the cheapest (instances summed over the headroom window)
   * of those whose clamped headroom covered `headroomQuantile` of the scored minutes; when none
   * did, the one that covered most. Diurnal load is covered cheapest by the forecast; load that
   * returns in bursts after 10-60 idle minutes (batch jobs) is covered only by a plan that
   * remembers the last burst across the gap, which a multiplicative headroom over a forecast of
   * the idle level cannot do. 30, 60 and 120 minutes: half an hour, an hour, two hours (spans of
   * time, not fitted to a trace).
   */
  envelopeMinutes: [30, 60, 120],
} as const;

const L = FORECAST_LIMITS;

/** The rule's windows in periods. */
interface Windows {
  periodMs: number;
  level: number;
  jump: number;
  trend: number;
  minTrend: number;
  smooth: number;
  half: number;
  day: number;
  seasonDays: number;
  headroomWindow: number;
  quantile: number;
  refit: number;
  cadence: number;
  minPoints: number;
  /** Periods behind an origin that a forecast made at that origin reads. */
  own: number;
  /** The recurrence envelopes' windows (FORECAST_LIMITS.envelopeMinutes) in periods. */
  envelopes: number[];
  /** Scored periods needed before an envelope may replace the forecast (the longest envelope). */
  judged: number;
  /** Periods behind an origin that any plan made at that origin reads (the forecast's or a fixed envelope's; the horizon's envelope reads H). */
  reach: number;
  /** Periods behind `now`'s data end read for any horizon (headroom included): older points are dropped. */
  cap: number;
}

function windows(rule: PredictiveRule): Windows {
  const P = rule.periodSeconds;
  const periods = (minutes: number): number => Math.max(1, Math.round((minutes * 60) / P));
  const level = periods(rule.levelMinutes);
  const trend = periods(rule.trendMinutes);
  const smooth = periods(L.smoothingMinutes);
  const half = Math.floor(smooth / 2);
  const day = Math.max(1, Math.round(86_400 / P));
  const own = Math.max(trend, level + rule.seasonDays * day + half + 1);
  const headroomWindow = periods(rule.headroomWindowMinutes);
  const refit = periods(L.headroomRefitMinutes);
  const cadence = periods(L.cadenceMinutes);
  const maxHorizon = Math.ceil(L.maxHorizonSeconds / P);
  const envelopes = L.envelopeMinutes.map(periods);
  // (The envelope as long as the horizon reads H periods: callers take max(reach, H).)
  const reach = Math.max(own, ...envelopes);
  return {
    periodMs: P * 1000,
    level,
    jump: periods(rule.jumpMinutes),
    trend,
    minTrend: Math.min(periods(L.minTrendMinutes), trend),
    smooth,
    half,
    day,
    seasonDays: rule.seasonDays,
    headroomWindow,
    quantile: rule.headroomQuantile,
    refit,
    cadence,
    minPoints: periods(Math.max(rule.levelMinutes, L.minHistoryMinutes)),
    own,
    envelopes,
    judged: Math.max(...envelopes),
    reach,
    cap: Math.max(reach, maxHorizon) + headroomWindow + maxHorizon + refit + cadence + 1,
  };
}

/**
 * Seconds of history before `now` that a forecast reads. A caller that keeps at least this much
 * (plus its metric's publishing delay) gets the same forecast from a fresh `Forecaster` as from a
 * warm one.
 */
export function forecastLookbackSeconds(rule: PredictiveRule, horizonSeconds: number): number {
  const w = windows(rule);
  const horizon = Math.ceil(Math.min(Math.max(horizonSeconds, 0), L.maxHorizonSeconds) / rule.periodSeconds);
  return lookbackPeriods(w, horizon) * rule.periodSeconds;
}

/** Periods a forecast at the data end reads for horizon H periods. */
function readPeriods(w: Windows, H: number): number {
  return Math.max(w.reach, H) + w.headroomWindow + H + w.refit + w.cadence + 1;
}

/** Periods before `now` a forecast reads: what it reads at the data end, plus how far the data end may lag `now`. */
function lookbackPeriods(w: Windows, H: number): number {
  return readPeriods(w, H) + H + L.staleSlackPeriods;
}

interface Problem {
  /** Period index the problem is attributed to (monotone in arrival order). */
  at: number;
  reason: string;
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

const NONE = -1;

/** The plan fitted on the refit grid: the forecast (window 0) or the envelope of `window` periods, and headrooms. */
interface Fit {
  window: number;
  headroom: number;
  /** The forecast's own headroom (used for a wake forecast whatever the plan). */
  forecastHeadroom: number;
}

/**
 * The predictive rule's forecaster: metric history in, the load to plan for out. Pure (no I/O,
 * no clock: `now` is an argument) and deterministic.
 *
 * Forecast made at data end `v` (one past the newest point), for the periods `v..v+H` where
 * `H = ceil(horizonSeconds / periodSeconds)`:
 * - level = max(mean of the last levelMinutes, mean of the last jumpMinutes);
 * - trend = least-squares slope over the last trendMinutes, extrapolated only when rising;
 * - season = for each of the past seasonDays days, the load at the same time of day smoothed over
 *   5 minutes, scaled by level / (that day's mean over the window the level came from: the level
 *   window, or the jump window when the jump set the level; at most 3x), averaged over the days;
 *   when the days' mean over that window is idle (under idleShare x target: they were quiet
 *   at this time), the days' load as it was, unscaled: demand that returns every morning is
 *   forecast from the night before, one horizon ahead, so a target scaled to zero wakes in time;
 * - forecast(u) = max(level + slope⁺·(u − v + 1), season(u)); peak = max over the horizon;
 * - headroom = the headroomQuantile of actual(m) / peak made at the minute boundary ≤ m − H (the
 *   forecast in force when the capacity serving m was ordered; not a wake forecast), over headroomWindowMinutes,
 *   clamped to [0.5, 3]; 1.15 until 30 ratios exist; refitted every 10 minutes of data.
 * - load = peak × headroom, unless that capped headroom failed to cover headroomQuantile of the
 *   scored minutes (load returning in bursts after idle gaps): then a recurrence envelope, the
 *   highest load of the last W minutes × its own headroom learnt the same way, for the cheapest W
 *   among the horizon and FORECAST_LIMITS.envelopeMinutes that covers (see `fit`).
 *
 * A warm instance remembers the history it has read and every past peak, so a caller that appends to the same array
 * pays for the new points only. Its results are identical to a fresh instance's given the same array when the array
 * grew at its end, lost points at its front or had its last point revised (read afresh), or holds `forecastLookbackSeconds`;
 * a point revised in place elsewhere is not seen (the middle is not re-read): hand such a history to a fresh instance. */
export class Forecaster {
  private readonly w: Windows;
  // What was read of the caller's array.
  private seen = 0;
  private firstRaw: MetricPoint | undefined;
  private lastRaw: MetricPoint | undefined;
  private maxAt = -Infinity;
  // The history, by period index: slot i holds period base + i.
  private base = 0;
  private first = NaN;
  private end = 0;
  private values: Float64Array = new Float64Array(0);
  /** counts[i] = present points in slots [0, i). */
  private counts: Float64Array = new Float64Array(1);
  /** Smoothed load by period, NaN = not computed yet, NONE = no data. */
  private smoothed: Float64Array = new Float64Array(0);
  /** Peak forecast (before headroom) made at each cadence origin, NaN = not computed, NONE = none. */
  private peaks: Float64Array = new Float64Array(0);
  private problems: Problem[] = [];
  private pending: string[] = [];
  // Memo of the fit (plan and headroom), and its scratch arrays.
  private horizon = -1;
  private fitAt = NaN;
  private fitted: Fit = { window: 0, headroom: L.defaultHeadroom, forecastHeadroom: L.defaultHeadroom };
  private ratios: Float64Array = new Float64Array(0);
  private actuals: Float64Array = new Float64Array(0);
  private bases: Float64Array = new Float64Array(0);
  private origins: Float64Array = new Float64Array(0);
  private deque: Int32Array = new Int32Array(0);
  private readonly anchors: Float64Array;

  constructor(readonly rule: PredictiveRule) {
    this.w = windows(rule);
    this.anchors = new Float64Array(rule.seasonDays + 1);
  }

  /**
   * The forecast for `horizonSeconds` past the newest point, or why there is none. Never throws
   * on bad history: it says what is wrong with it.
   */
  forecast(points: readonly MetricPoint[], now: number, horizonSeconds: number): Forecast {
    if (typeof now !== 'number' || !Number.isFinite(now)) return { ok: false, reason: `now must be epoch milliseconds, got ${String(now)}` };
    if (typeof horizonSeconds !== 'number' || !(horizonSeconds > 0) || horizonSeconds > L.maxHorizonSeconds) {
      return { ok: false, reason: `horizonSeconds must be > 0 and <= ${L.maxHorizonSeconds}, got ${String(horizonSeconds)}` };
    }
    if (!Array.isArray(points)) return { ok: false, reason: 'history is not a list of points' };
    this.read(points);
    const w = this.w;
    const H = Math.ceil(horizonSeconds / this.rule.periodSeconds);
    if (H !== this.horizon) {
      this.horizon = H;
      this.peaks.fill(NaN);
      this.fitAt = NaN;
    }
    const v = this.end;
    const lookback = readPeriods(w, H);
    // Problems older than anything a forecast reads are forgotten; the rest block if this one reads them.
    while (this.problems.length > 0 && this.problems[0]!.at < v - w.cap) this.problems.shift();
    const bad = this.problems.findIndex((p) => p.at >= v - lookback);
    if (bad >= 0) {
      const more = this.problems.length - bad - 1;
      return { ok: false, reason: `bad history: ${this.problems[bad]!.reason}${more > 0 ? ` (and ${more} more)` : ''}` };
    }
    if (this.pending.length > 0) return { ok: false, reason: `bad history: ${this.pending[0]!}` };
    if (Number.isNaN(this.first)) return { ok: false, reason: 'no datapoints' };
    const P = w.periodMs;
    const newest = (v - 1) * P;
    if (newest > now) return { ok: false, reason: `newest point (${iso(newest)}) is after now (${iso(now)})` };
    const late = now - v * P;
    if (late > horizonSeconds * 1000 + L.staleSlackPeriods * P) {
      return {
        ok: false,
        reason: `stale data: the newest point ends ${Math.round(late / 1000)} s before now (at most the horizon ${horizonSeconds} s + ${L.staleSlackPeriods} periods)`,
      };
    }
    // The periods judged start at the first point a caller keeping only the lookback would still
    // hold: after a long gap the same answer as from that trimmed array, not a refusal for "missing" periods.
    const cut = Math.ceil(now / P) - lookbackPeriods(w, H);
    const from = Math.max(this.firstPresent(Math.max(this.first, cut), v), v - w.own);
    const present = this.count(from, v);
    if (present < w.minPoints) {
      return {
        ok: false,
        reason: `too few points: ${present} of the ${w.minPoints} needed (max(levelMinutes, ${L.minHistoryMinutes}) minutes of ${this.rule.periodSeconds} s periods)`,
      };
    }
    const span = v - from;
    if (span - present > L.maxMissingShare * span) {
      return { ok: false, reason: `too many missing periods: ${span - present} of the last ${span} (at most ${L.maxMissingShare * 100}%)` };
    }
    const levelMissing = w.level - this.count(v - w.level, v);
    const allowed = Math.floor(L.maxLevelGapShare * w.level);
    if (levelMissing > allowed) {
      return { ok: false, reason: `gap in the recent level window: ${levelMissing} of the last ${w.level} periods missing (at most ${allowed})` };
    }
    const made = this.forecastAt(v, H);
    // On the cadence grid this is the past forecast the headroom will score: keep it.
    const slot = v - this.base;
    if (v % w.cadence === 0 && slot < this.peaks.length) this.peaks[slot] = made === undefined || made.wake ? NONE : made.peak;
    if (made === undefined) return { ok: false, reason: 'no data in the level window' };
    const fit = this.fit(v, H);
    // A wake forecast (idle days' load as it was) is the forecast's own: no envelope remembers a night.
    const envelope = fit.window > 0 && !made.wake;
    const headroom = envelope ? fit.headroom : fit.forecastHeadroom;
    const load = (envelope ? this.envelopeAt(v, fit.window) : made.peak) * headroom;
    if (!Number.isFinite(load) || !Number.isFinite(made.level)) return { ok: false, reason: 'the forecast is not a finite number (values too large)' };
    const base = { ok: true as const, load, level: made.level, headroom, horizonSeconds, points: present };
    return envelope ? { ...base, envelopeMinutes: (fit.window * this.rule.periodSeconds) / 60 } : base;
  }

  // --- reading the caller's array ------------------------------------------------------------

  private read(points: readonly MetricPoint[]): void {
    let start = 0;
    if (this.seen > 0) {
      start = this.resume(points);
      if (start < 0) {
        this.reset();
        start = 0;
      }
    }
    for (let i = start; i < points.length; i++) this.ingest(points[i]);
    this.seen = points.length;
    this.firstRaw = snapshot(points[0]);
    this.lastRaw = snapshot(points[points.length - 1]);
  }

  /** Where to go on in an array that grew (or lost points at its front); -1 when it changed otherwise. */
  private resume(points: readonly MetricPoint[]): number {
    const last = this.lastRaw;
    if (last === undefined || points.length === 0) return -1;
    if (points.length >= this.seen && same(points[this.seen - 1], last) && same(points[0], this.firstRaw)) return this.seen;
    // Trimmed at the front starts later than the first point read; a first point at or before it that differs is a changed array.
    const head = points[0]?.at;
    if (this.firstRaw === undefined || typeof head !== 'number' || !(head > this.firstRaw.at)) return -1;
    // Find the last point read by its time (the array is sorted if it was valid).
    let lo = 0;
    let hi = points.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = points[mid]?.at;
      if (typeof at !== 'number' || Number.isNaN(at)) return -1;
      if (at < last.at) lo = mid + 1;
      else if (at > last.at) hi = mid - 1;
      else return same(points[mid], last) ? mid + 1 : -1;
    }
    return -1;
  }

  private reset(): void {
    this.seen = 0;
    this.maxAt = -Infinity;
    this.base = 0;
    this.first = NaN;
    this.end = 0;
    this.values = new Float64Array(0);
    this.counts = new Float64Array(1);
    this.smoothed = new Float64Array(0);
    this.peaks = new Float64Array(0);
    this.problems = [];
    this.pending = [];
    this.fitAt = NaN;
  }

  private problem(at: number, reason: string): void {
    if (Number.isNaN(this.first) || at < this.first) {
      if (this.pending.length < 100) this.pending.push(reason);
      return;
    }
    const last = this.problems[this.problems.length - 1];
    this.problems.push({ at: last === undefined ? at : Math.max(at, last.at), reason });
  }

  private ingest(p: MetricPoint | undefined): void {
    const P = this.w.periodMs;
    const at: unknown = p?.at;
    const value: unknown = p?.value;
    const lastIndex = Math.floor(this.maxAt / P);
    if (typeof at !== 'number' || !Number.isFinite(at)) {
      this.problem(lastIndex, `a point with time ${String(at)}${Number.isFinite(this.maxAt) ? ` after ${iso(this.maxAt)}` : ''}`);
      return;
    }
    if (at <= this.maxAt) {
      this.problem(
        lastIndex,
        at === this.maxAt
          ? `duplicate point at ${iso(at)}`
          : `point at ${iso(at)} is out of order (after ${iso(this.maxAt)}): points must be strictly increasing`,
      );
      return;
    }
    this.maxAt = at;
    const index = Math.floor(at / P);
    if (at % P !== 0) {
      this.problem(index, `point at ${iso(at)} is not on the ${this.rule.periodSeconds} s period grid`);
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problem(index, `point at ${iso(at)} has a non-finite value (${String(value)})`);
      return;
    }
    if (value < 0) {
      this.problem(index, `point at ${iso(at)} has a negative value (${value})`);
      return;
    }
    if (value > L.maxValue) {
      this.problem(index, `point at ${iso(at)} has value ${value}, above ${L.maxValue}`);
      return;
    }
    this.store(index, value);
  }

  private store(index: number, value: number): void {
    const w = this.w;
    if (Number.isNaN(this.first) || index - this.end >= w.cap) {
      // The first point, or one after a gap longer than anything a forecast reads: start afresh.
      const first = Number.isNaN(this.first);
      this.base = index;
      this.first = index;
      this.end = index;
      this.values = new Float64Array(0);
      this.counts = new Float64Array(1);
      this.smoothed = new Float64Array(0);
      this.peaks = new Float64Array(0);
      this.fitAt = NaN;
      if (first && this.pending.length > 0) {
        for (const reason of this.pending) this.problems.push({ at: index, reason });
        this.pending = [];
      }
    }
    if (index - this.base > 2 * w.cap + 4096) this.compact(index);
    const slot = index - this.base;
    this.ensure(slot + 1);
    const endSlot = this.end - this.base;
    const before = this.counts[endSlot]!;
    for (let s = endSlot; s < slot; s++) {
      this.values[s] = NaN;
      this.counts[s + 1] = before;
    }
    this.values[slot] = value;
    this.counts[slot + 1] = before + 1;
    this.end = index + 1;
  }

  /** Drops periods no forecast will read again (the first point's index is kept). */
  private compact(index: number): void {
    const drop = index - this.w.cap - 1024 - this.base;
    if (drop <= 0) return;
    const n = this.end - this.base;
    const offset = this.counts[drop]!;
    this.values.copyWithin(0, drop, n);
    this.smoothed.copyWithin(0, drop, n).fill(NaN, n - drop);
    this.peaks.copyWithin(0, drop, n).fill(NaN, n - drop);
    for (let i = 0; i <= n - drop; i++) this.counts[i] = this.counts[i + drop]! - offset;
    this.base += drop;
  }

  private ensure(size: number): void {
    if (this.values.length >= size) return;
    const cap = Math.max(size, this.values.length * 2, 256);
    const grow = (a: Float64Array, length: number): Float64Array => {
      const b = new Float64Array(length).fill(NaN);
      b.set(a);
      return b;
    };
    this.values = grow(this.values, cap);
    this.smoothed = grow(this.smoothed, cap);
    this.peaks = grow(this.peaks, cap);
    const counts = new Float64Array(cap + 1);
    counts.set(this.counts);
    this.counts = counts;
  }

  // --- the arithmetic ------------------------------------------------------------------------

  private value(index: number): number {
    return index >= this.base && index < this.end ? this.values[index - this.base]! : NaN;
  }

  /** The first period in [from, to) that holds a point; `to` when none does. */
  private firstPresent(from: number, to: number): number {
    const start = Math.max(from, this.base);
    if (this.count(start, to) === 0) return to;
    // counts is nondecreasing: the first k whose [start, k + 1) holds a point.
    let lo = start;
    let hi = Math.min(to, this.end) - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.count(start, mid + 1) > 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Present points in periods [from, to). */
  private count(from: number, to: number): number {
    const a = Math.min(Math.max(from, this.base), this.end) - this.base;
    const b = Math.min(Math.max(to, this.base), this.end) - this.base;
    return b > a ? this.counts[b]! - this.counts[a]! : 0;
  }

  /** Mean of the present points of the smoothing window around `index`, NONE when there are none. */
  private smooth(index: number): number {
    if (index < this.base || index >= this.end) return NONE;
    const memo = this.smoothed[index - this.base]!;
    if (!Number.isNaN(memo)) return memo;
    const lo = index - this.w.half;
    const hi = lo + this.w.smooth;
    let sum = 0;
    let n = 0;
    for (let k = lo; k < hi; k++) {
      const x = this.value(k);
      if (x === x) {
        sum += x;
        n++;
      }
    }
    const s = n > 0 ? sum / n : NONE;
    // Only a window wholly behind the data end is final (later points could still arrive).
    if (hi <= this.end) this.smoothed[index - this.base] = s;
    return s;
  }

  /**
   * The peak (before headroom) and level of a forecast made at data end `v`; `wake` when the idle
   * days' unscaled load set the peak (not scored for the headroom: it forecasts a return from idle,
   * whose first minutes a scaled-to-zero target does not even count).
   */
  private forecastAt(v: number, H: number): { peak: number; level: number; wake: boolean } | undefined {
    const w = this.w;
    // The history starts, for this forecast, at the first point among those it reads: after a long
    // gap the trend window and the past days are those of a caller keeping only the lookback.
    const F = this.firstPresent(Math.max(this.first, v - w.own), v);
    let sum = 0;
    let n = 0;
    for (let k = Math.max(v - w.level, F); k < v; k++) {
      const x = this.value(k);
      if (x === x) {
        sum += x;
        n++;
      }
    }
    if (n === 0) return undefined;
    let level = sum / n;
    // The periods the level was measured on: the past days' anchor is taken over the same ones.
    let measured = w.level;
    sum = 0;
    n = 0;
    for (let k = Math.max(v - w.jump, F); k < v; k++) {
      const x = this.value(k);
      if (x === x) {
        sum += x;
        n++;
      }
    }
    if (n > 0 && sum / n > level) {
      level = sum / n;
      measured = w.jump;
    }
    // Trend: least squares over the present points of the window; a short window is noise.
    let slope = 0;
    const tn = Math.min(w.trend, v - F);
    if (tn >= w.minTrend) {
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      let m = 0;
      for (let i = 0; i < tn; i++) {
        const y = this.value(v - tn + i);
        if (y !== y) continue;
        sx += i;
        sy += y;
        sxy += i * y;
        sxx += i * i;
        m++;
      }
      const den = m * sxx - sx * sx;
      if (den > 0) slope = (m * sxy - sx * sy) / den;
    }
    const rising = slope > 0 ? slope : 0;
    // Season: each past day whose level window the history covers; its anchor is that day's
    // smoothed load over the minutes the current level was measured on.
    const days = Math.min(w.seasonDays, Math.floor((v - w.level - w.half - F) / w.day));
    const anchors = this.anchors;
    let usable = 0;
    let anchorSum = 0;
    for (let d = 1; d <= days; d++) {
      let a = 0;
      let c = 0;
      for (let k = v - measured; k < v; k++) {
        const s = this.smooth(k - d * w.day);
        if (s >= 0) {
          a += s;
          c++;
        }
      }
      anchors[d] = c > 0 ? a / c : NONE;
      if (c > 0) {
        anchorSum += a / c;
        usable++;
      }
    }
    const anchor = usable > 0 ? anchorSum / usable : 0;
    // Past days idle over the level window: today's level / theirs means nothing; take their load as it was (or none).
    const absolute = anchor <= L.idleShare * this.rule.target;
    const seasonal = usable > 0 && (!absolute || this.rule.wakeFromIdle !== false);
    let peak = 0;
    let wake = false;
    for (let u = v; u <= v + H; u++) {
      let f = level + rising * (u - (v - 1));
      let fromIdle = false;
      if (seasonal) {
        let t = 0;
        for (let d = 1; d <= days; d++) {
          const a = anchors[d]!;
          if (a < 0) continue;
          const s = this.smooth(u - d * w.day);
          t += s >= 0 ? s : a;
        }
        const season = absolute ? t / usable : (t / usable) * Math.min(level / anchor, L.maxSeasonRatio);
        if (season > f) {
          f = season;
          fromIdle = absolute;
        }
      }
      if (f > peak) {
        peak = f;
        wake = fromIdle;
      }
    }
    return { peak, level, wake };
  }

  /** The memoized peak made at cadence origin `o` (data end), NONE when none could be made. */
  private peakAt(o: number, H: number): number {
    if (o < this.base || o > this.end) return NONE;
    const slot = o - this.base;
    const memo = this.peaks[slot];
    if (memo !== undefined && !Number.isNaN(memo)) return memo;
    const made = this.forecastAt(o, H);
    const peak = made === undefined || made.wake ? NONE : made.peak;
    // Final: a forecast at `o` reads only periods before it, and those never change.
    if (memo !== undefined) this.peaks[slot] = peak;
    return peak;
  }

  /** The highest present value in periods [v - W, v), 0 when there is none. */
  private envelopeAt(v: number, W: number): number {
    let max = 0;
    for (let k = v - W; k < v; k++) {
      const x = this.value(k);
      if (x > max) max = x;
    }
    return max;
  }

  /** bases[i] = envelopeAt(origins[i], W) for the n nondecreasing origins (a sliding maximum). */
  private envelopes(W: number, n: number): void {
    const { origins, bases, values } = this;
    if (n === 0) return;
    // Slots (period - base) of the periods read; none before the first stored one.
    const off = this.base;
    const from = Math.max(origins[0]! - W, off);
    const size = Math.max(0, origins[n - 1]! - from) + 1;
    if (this.deque.length < size) this.deque = new Int32Array(size);
    const dq = this.deque;
    let head = 0;
    let tail = 0;
    let next = from;
    for (let i = 0; i < n; i++) {
      const o = origins[i]!;
      for (; next < o; next++) {
        const x = values[next - off]!;
        if (x !== x) continue;
        while (tail > head && values[dq[tail - 1]! + from - off]! <= x) tail--;
        dq[tail++] = next - from;
      }
      while (tail > head && dq[head]! + from < o - W) head++;
      bases[i] = tail > head ? values[dq[head]! + from - off]! : 0;
    }
  }

  /** The headroom and the minutes covered of the plan whose bases are in `bases` (ratios are reordered). */
  private score(n: number, k: number): { headroom: number; covered: number } {
    const { ratios, actuals, bases } = this;
    for (let i = 0; i < n; i++) {
      const b = bases[i]!;
      const a = actuals[i]!;
      ratios[i] = b > 0 ? a / b : a > 0 ? Infinity : 0;
    }
    const headroom = Math.min(L.maxHeadroom, Math.max(L.minHeadroom, select(ratios, n, k)));
    let covered = 0;
    for (let i = 0; i < n; i++) if (ratios[i]! <= headroom) covered++;
    return { headroom, covered };
  }

  /** Instances the plan whose bases are in `bases` asks for, summed over the scored minutes (as decide plans them). */
  private cost(n: number, headroom: number): number {
    const { bases } = this;
    const target = this.rule.target;
    const idle = L.idleShare * target;
    let cost = 0;
    for (let i = 0; i < n; i++) {
      const plan = bases[i]! * headroom;
      if (plan >= idle) cost += Math.ceil(plan / target);
    }
    return cost;
  }

  /**
   * The plan on the refit grid. The scored minutes are those of the last headroomWindowMinutes
   * whose capacity was ordered under a (non-wake) forecast: actual(m) against what each plan
   * made at the minute boundary <= m - H. Each plan's headroom is the headroomQuantile of its
   * actual / plan ratios, clamped to [0.5, 3]; a plan covers a minute when the ratio is within
   * its headroom, and covers the window when it covers headroomQuantile of the minutes (which
   * the quantile guarantees unless the clamp cut it). The plan is the forecast (headroom 1.15
   * until 30 minutes are scored) while it covers the window. When it does not, and the scored
   * minutes span the longest envelope: the cheapest covering envelope (instances summed over the
   * scored minutes), or when none covers, the most covering plan, the forecast included (the
   * cheaper on a tie, the forecast on a full tie).
   */
  private fit(v: number, H: number): Fit {
    const w = this.w;
    const g = Math.floor(v / w.refit) * w.refit;
    if (g === this.fitAt) return this.fitted;
    const size = w.headroomWindow;
    if (this.ratios.length < size) {
      this.ratios = new Float64Array(size);
      this.actuals = new Float64Array(size);
      this.bases = new Float64Array(size);
      this.origins = new Float64Array(size);
    }
    const { actuals, bases, origins } = this;
    let n = 0;
    for (let m = Math.max(g - w.headroomWindow, this.first); m < g; m++) {
      const actual = this.value(m);
      if (actual !== actual) continue;
      const o = Math.floor((m - H) / w.cadence) * w.cadence;
      if (o <= this.first) continue;
      const peak = this.peakAt(o, H);
      if (!(peak > 0)) continue;
      actuals[n] = actual;
      bases[n] = peak;
      origins[n] = o;
      n++;
    }
    let fitted: Fit = { window: 0, headroom: L.defaultHeadroom, forecastHeadroom: L.defaultHeadroom };
    if (n >= L.minHeadroomRatios) {
      const k = Math.min(n - 1, Math.floor(w.quantile * n));
      const forecast = this.score(n, k);
      fitted = { window: 0, headroom: forecast.headroom, forecastHeadroom: forecast.headroom };
      const enough = w.quantile * n;
      // The envelopes only when the forecast's capped headroom misses, judged on at least the longest envelope's span.
      if (forecast.covered < enough && n >= w.judged) {
        let best = { ...forecast, cost: this.cost(n, forecast.headroom) };
        for (const W of [H, ...w.envelopes]) {
          this.envelopes(W, n);
          const e = { ...this.score(n, k), cost: 0 };
          e.cost = this.cost(n, e.headroom);
          const covers = e.covered >= enough;
          const bestCovers = best.covered >= enough;
          const better = covers
            ? !bestCovers || e.cost < best.cost
            : !bestCovers && (e.covered > best.covered || (e.covered === best.covered && e.cost < best.cost));
          if (better) {
            best = e;
            fitted = { window: W, headroom: e.headroom, forecastHeadroom: forecast.headroom };
          }
        }
      }
    }
    this.fitAt = g;
    this.fitted = fitted;
    return fitted;
  }
}

/** One forecast from a fresh forecaster: the pure function behind `Forecaster`. */
export function forecastLoad(rule: PredictiveRule, points: readonly MetricPoint[], now: number, horizonSeconds: number): Forecast {
  return new Forecaster(rule).forecast(points, now, horizonSeconds);
}

function snapshot(p: MetricPoint | undefined): MetricPoint | undefined {
  if (p === null || typeof p !== 'object') return undefined;
  return { at: p.at, value: p.value };
}

function same(p: MetricPoint | undefined, q: MetricPoint | undefined): boolean {
  if (p === null || typeof p !== 'object' || q === undefined) return false;
  return Object.is(p.at, q.at) && Object.is(p.value, q.value);
}

/** The k-th smallest of a[0..n) (quickselect, reorders a). */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
