import { parseSignal, type Signal, type TargetRef } from '@autoscaler/core';
import { NOTHING, type SimulatedSource, type SourceContext, type SourceOutput } from './source';

/** Knobs of the forecaster (all have defaults that do not depend on the trace). */
export interface ForecastOptions {
  /** Minutes ahead the forecast must cover; default: provisioning time (+ jitter) + metric delay + 2. */
  horizonMinutes?: number;
  /** Past days averaged for the seasonal shape (same minute of day). */
  seasonDays: number;
  /** Minutes in the recent-level average. */
  levelMinutes: number;
  /** Minutes in the short average that overrides the level when higher (a jump is not noise to wait out). */
  jumpMinutes: number;
  /** Minutes in the trend (least-squares slope) window. */
  trendMinutes: number;
  /** Quantile of recent actual/forecast ratios used as headroom for minute-level noise. */
  headroomQuantile: number;
  /** Minutes of residual history the headroom is fitted on. */
  headroomWindow: number;
}

/**
 * When the policy's rules are known, the source signals only when some rule would
 * act (like the alarm pair AWS creates for target tracking): forecast utilization
 * above `above` or below `below` (unless already at `minReplicas`), or latency
 * ratio at least `latencyAtLeast`. Without a gate it signals every minute.
 */
export interface ForecastGate {
  above: number;
  below: number;
  /** The forecast rule's target: a scale-in it cannot round to fewer replicas is no scale-in. */
  target: number;
  /** Measured SloUtilization above which a rule acts. */
  measuredAbove: number;
  latencyAtLeast: number;
  /** Latency ratio above which a threshold rule acts. */
  latencyAbove: number;
  minReplicas: number;
}

/** Chosen on the NASA trace (OCI profile); the other traces are held out. */
export const defaultForecastOptions: ForecastOptions = { seasonDays: 3, levelMinutes: 30, jumpMinutes: 5, trendMinutes: 60, headroomQuantile: 0.96, headroomWindow: 720 };

const DAY = 1440;

/**
 * Predictive signals from the request history the monitoring service holds
 * (`Provider.metrics` in a real deployment): where load will be once capacity
 * ordered now is serving. Forecast = max over the horizon of
 * max(seasonal shape of past days scaled to the current level, level + trend),
 * times the recent quantile of actual/forecast (noise headroom). It emits, each
 * minute:
 * - `ForecastSloUtilization`: forecast load / SLO-safe capacity of the current desired fleet, percent;
 * - `MeasuredSloUtilization`: the newest measured load / SLO-safe capacity of the desired fleet, percent;
 * - `LatencySloRatio`: newest measured p95 / objective.
 * A targetTracking rule on the first is predictive scaling through core's `decide`.
 */
export class ForecastSignals implements SimulatedSource {
  readonly name = 'sim-forecast';
  readonly cadenceSeconds = 60;
  private readonly horizon: number;
  private readonly options: ForecastOptions;
  /** Peak forecast over the horizon (rps, before headroom) decided at minute m, to learn the headroom. */
  private readonly decided: Float64Array;
  /** Minutes from a decision until capacity it orders serves. */
  private readonly lead: number;
  private headroom = 1.15;
  private readonly scratch: Float64Array;
  private lastFit = -Infinity;

  /** Prefix sums of visible rps: prefix[k] = sum of minutes [0, k). */
  private readonly prefix: Float64Array;
  private summed = 0;

  constructor(
    private readonly ctx: SourceContext,
    options: Partial<ForecastOptions> = {},
    private readonly gate?: ForecastGate,
  ) {
    this.options = { ...defaultForecastOptions, ...options };
    const p = ctx.profile;
    this.horizon = this.options.horizonMinutes ?? Math.ceil((p.scaleOutSeconds * (1 + p.jitter) + p.metricDelaySeconds) / 60) + 2;
    this.decided = new Float64Array(ctx.store.minutes + 1).fill(NaN);
    this.lead = Math.ceil(p.scaleOutSeconds / 60) + 1;
    this.scratch = new Float64Array(this.options.headroomWindow);
    this.prefix = new Float64Array(ctx.store.minutes + 1);
  }

  /** Requests per second of visible minute m. */
  private rps(m: number): number {
    return this.ctx.store.value('Invocations', m) / 60;
  }

  /** The forecast (rps) for minute `u`, from `v` visible minutes. */
  private forecastAt(u: number, v: number, level: number, slope: number, anchor: number): number {
    const trend = level + Math.max(0, slope) * (u - (v - 1));
    const days = Math.min(this.options.seasonDays, Math.floor((v - 1) / DAY));
    if (days === 0 || anchor <= 0) return trend;
    let s = 0;
    for (let d = 1; d <= days; d++) s += this.smoothed(u - d * DAY);
    s /= days;
    return Math.max(trend, (level * s) / anchor);
  }

  /** Mean rps of a 5-minute window around minute m, within the visible minutes. */
  private smoothed(m: number): number {
    const lo = Math.max(0, m - 2);
    const hi = Math.min(this.summed, m + 3);
    return hi > lo ? (this.prefix[hi]! - this.prefix[lo]!) / (hi - lo) : 0;
  }

  private extend(v: number): void {
    for (let m = this.summed; m < v; m++) this.prefix[m + 1] = this.prefix[m]! + this.rps(m);
    this.summed = Math.max(this.summed, v);
  }

  tick(now: number): SourceOutput {
    const store = this.ctx.store;
    const v = store.visibleMinutes(now);
    if (v === 0) return NOTHING;
    const o = this.options;
    this.extend(v);
    // Level: mean of the newest minutes; slope: least squares over the trend window.
    const ln = Math.min(o.levelMinutes, v);
    const jn = Math.min(o.jumpMinutes, v);
    const level = Math.max((this.prefix[v]! - this.prefix[v - ln]!) / ln, (this.prefix[v]! - this.prefix[v - jn]!) / jn);
    const tn = Math.min(o.trendMinutes, v);
    let slope = 0;
    // A slope from a handful of minutes is noise extrapolated over the horizon: wait for a window.
    if (tn >= Math.min(15, o.trendMinutes)) {
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      for (let i = 0; i < tn; i++) {
        const y = this.rps(v - tn + i);
        sx += i;
        sy += y;
        sxy += i * y;
        sxx += i * i;
      }
      slope = (tn * sxy - sx * sy) / (tn * sxx - sx * sx);
    }
    // Seasonal anchor: the past days' level at the minutes the current level was measured.
    const days = Math.min(o.seasonDays, Math.floor((v - 1) / DAY));
    let anchor = 0;
    if (days > 0) {
      for (let d = 1; d <= days; d++) for (let m = v - ln; m < v; m++) anchor += this.smoothed(m - d * DAY);
      anchor /= days * ln;
    }
    const current = Math.floor((now - store.start) / 60_000);
    let peak = 0;
    for (let u = current; u <= current + this.horizon; u++) {
      const f = this.forecastAt(u, v, level, slope, anchor);
      if (f > peak) peak = f;
    }
    if (current < this.decided.length) this.decided[current] = peak;
    this.fitHeadroom(v);
    const desired = this.ctx.deployment.desiredCapacity();
    const q = this.ctx.queues.get(desired.size!)!;
    const forecastUtil = desired.replicas > 0 ? (100 * peak * this.headroom) / (desired.replicas * q.maxRps) : peak > 0 ? 1e6 : 0;
    const last = v - 1;
    const latency = store.value('LatencySloRatio', last);
    // Normalized by the desired fleet, the replicas decide multiplies by: no compounding while capacity is on its way.
    const measured = desired.replicas > 0 ? (100 * this.rps(last)) / (desired.replicas * q.maxRps) : this.rps(last) > 0 ? 1e6 : 0;
    const g = this.gate;
    if (g) {
      const n = desired.replicas;
      const scalesIn = forecastUtil < g.below && n > g.minReplicas && Math.ceil((n * forecastUtil) / g.target) < n;
      if (forecastUtil <= g.above && !scalesIn && measured <= g.measuredAbove && latency < g.latencyAtLeast && latency <= g.latencyAbove) return NOTHING;
    }
    const signals: Signal[] = [
      this.signal('ForecastSloUtilization', forecastUtil, now),
      this.signal('MeasuredSloUtilization', measured, now),
      this.signal('LatencySloRatio', latency, now),
    ];
    return { deliveries: [], signals };
  }

  /**
   * Headroom = a high quantile of actual load / the peak forecast that was in force
   * when that minute's capacity was ordered (refit every 10 minutes). It calibrates the
   * whole forecast, so it may be below 1 when the horizon max is already generous.
   */
  private fitHeadroom(v: number): void {
    if (v - this.lastFit < 10) return;
    this.lastFit = v;
    const ratios = this.scratch;
    let n = 0;
    for (let m = Math.max(this.lead, v - this.options.headroomWindow); m < v; m++) {
      const f = this.decided[m - this.lead]!;
      if (!(f > 0)) continue;
      ratios[n++] = this.rps(m) / f;
    }
    if (n < 30) return;
    const r = select(ratios, n, Math.min(n - 1, Math.floor(this.options.headroomQuantile * n)));
    this.headroom = Math.min(3, Math.max(0.5, r));
  }

  private signal(metric: string, value: number, now: number): Signal {
    return { target: this.ctx.ref, source: this.name, metric, state: 'value', value, dedupeKey: `${this.name}:${metric}:${now}`, at: now };
  }

  async poll(_target: TargetRef, now: number): Promise<Signal[]> {
    return this.tick(now).signals;
  }

  parse(raw: unknown): Signal[] {
    return (Array.isArray(raw) ? raw : [raw]).map((item) => parseSignal(item, this.ctx.ref));
  }
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
