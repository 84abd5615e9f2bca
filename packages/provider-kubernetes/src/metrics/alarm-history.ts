import { NotFoundError, type MetricPoint } from '@autoscaler/core';
import type { KubeApi } from '../kube/kube-api';
import type { Sample } from './alarm-rules';

const MAX_SAMPLES = 120;
const MINUTE_MS = 60_000;
/** Minutes of per-minute history kept per series by default: the predictive rule's 3 seasonal days plus an hour. */
export const DEFAULT_HISTORY_MINUTES = 3 * 1440 + 60;
/**
 * Bytes `serialize` may write by default. A ConfigMap holds at most 1 MiB (1,048,576 bytes) of
 * data; this leaves room for the object's metadata and JSON escaping.
 */
export const DEFAULT_HISTORY_BYTES = 900_000;

/** Samples of the alarm metrics per target, kept across polls (and, persisted, across CronJob runs). */
export interface AlarmHistory {
  samples(key: string): readonly Sample[];
  /** Add a sample, dropping those older than `retainMs` before it. */
  record(key: string, sample: Sample, retainMs: number): void;
  /** Add a sample to the per-minute history of a target's metric (what `RecordedMetricSource` serves). */
  recordMinute?(target: string, metric: string, at: number, value: number): void;
}

/** One minute of a metric: the mean of the samples taken in it (and how many, to merge later ones). */
interface Minute {
  at: number;
  sum: number;
  count: number;
}

/** Four significant digits: 72.35 (%), 0.1234 (cores), 1.235e+9 (bytes) - a few bytes per minute. */
const compact = (v: number): number => Number(v.toPrecision(4));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * In-process history: the alarm samples (enough for the CronJob's loop mode or a long-running
 * process) and per-minute means of the metrics a predictive rule forecasts, served back as a
 * `MetricSource` when no Prometheus is configured.
 */
export class MemoryAlarmHistory implements AlarmHistory {
  protected series = new Map<string, Sample[]>();
  protected minutes = new Map<string, Minute[]>();

  constructor(
    /** Newest minutes kept per metric series. */
    readonly historyMinutes = DEFAULT_HISTORY_MINUTES,
    /** Largest `serialize` output; the oldest minutes go first when it would be larger. */
    readonly maxBytes = DEFAULT_HISTORY_BYTES,
  ) {}

  samples(key: string): readonly Sample[] {
    return this.series.get(key) ?? [];
  }

  record(key: string, sample: Sample, retainMs: number): void {
    const kept = (this.series.get(key) ?? []).filter((s) => s.at > sample.at - retainMs && s.at !== sample.at);
    kept.push(sample);
    this.series.set(key, kept.slice(-MAX_SAMPLES));
  }

  /** Adds a sample to its minute's mean (`target` is the workload id). Samples older than the newest minute are dropped. */
  recordMinute(target: string, metric: string, at: number, value: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(at)) return;
    const key = `${target}|${metric}`;
    const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    const list = this.minutes.get(key) ?? [];
    const last = list.at(-1);
    if (last && last.at === minute) {
      last.sum += value;
      last.count++;
    } else if (!last || last.at < minute) {
      list.push({ at: minute, sum: value, count: 1 });
    } else {
      return;
    }
    const oldest = minute - (this.historyMinutes - 1) * MINUTE_MS;
    const drop = list.findIndex((m) => m.at >= oldest);
    this.minutes.set(key, drop > 0 ? list.slice(drop) : list);
  }

  /** Per-minute means of `metric` for `target` with `from <= at < to`, oldest first; minutes without samples are absent. */
  minutePoints(target: string, metric: string, from: number, to: number): MetricPoint[] {
    return (this.minutes.get(`${target}|${metric}`) ?? []).filter((m) => m.at >= from && m.at < to).map((m) => ({ at: m.at, value: m.sum / m.count }));
  }

  /**
   * Compact JSON: `{ alarms: { key: [[epochSeconds, value], ...] }, minutes: { key: { t, v, c } } }`,
   * where a minute series is its first minute `t` (epoch seconds), the means `v` (null for a
   * minute without samples) and the sample count `c` of the last one. At most `maxBytes`: when
   * over, every minute series keeps only its newest N minutes, N as large as fits.
   */
  serialize(): string {
    const alarms: Record<string, Array<[number, number]>> = {};
    for (const [k, v] of this.series) if (v.length > 0) alarms[k] = v.map((s) => [Math.round(s.at / 1000), Math.round(s.value * 1000) / 1000]);
    const encoded = [...this.minutes]
      .filter(([, list]) => list.length > 0)
      .map(([key, list]) => {
        const first = list[0]!.at;
        const values: Array<number | null> = new Array<number | null>((list.at(-1)!.at - first) / MINUTE_MS + 1).fill(null);
        for (const m of list) values[(m.at - first) / MINUTE_MS] = compact(m.sum / m.count);
        return { key, first, values, count: list.at(-1)!.count };
      });
    const render = (keep: number): string => {
      const minutes: Record<string, { t: number; v: Array<number | null>; c: number }> = {};
      for (const e of encoded) {
        let cut = Math.max(0, e.values.length - keep);
        while (cut < e.values.length && e.values[cut] === null) cut++;
        if (cut >= e.values.length) continue;
        minutes[e.key] = { t: (e.first + cut * MINUTE_MS) / 1000, v: e.values.slice(cut), c: e.count };
      }
      return JSON.stringify({ alarms, minutes });
    };
    const longest = Math.max(0, ...encoded.map((e) => e.values.length));
    let text = render(longest);
    if (text.length <= this.maxBytes) return text;
    // Binary search the largest per-series length that fits.
    let lo = 0;
    let hi = longest;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (render(mid).length <= this.maxBytes) lo = mid;
      else hi = mid - 1;
    }
    text = render(lo);
    return text.length <= this.maxBytes ? text : JSON.stringify({ alarms: {}, minutes: {} });
  }

  /** Loads what `serialize` wrote (or the older `{ key: [[s, v]] }` alarm-only form); anything malformed is dropped (history is a cache, not a record). */
  restore(text: string | undefined): void {
    this.series.clear();
    this.minutes.clear();
    if (!text) return;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return;
    }
    if (!isObject(doc)) return;
    const versioned = isObject(doc['alarms']) || isObject(doc['minutes']);
    const alarms = versioned ? doc['alarms'] : doc;
    if (isObject(alarms)) {
      for (const [k, v] of Object.entries(alarms)) {
        if (!Array.isArray(v)) continue;
        const samples = v
          .filter((x): x is [number, number] => Array.isArray(x) && Number.isFinite(x[0]) && Number.isFinite(x[1]))
          .map(([at, value]) => ({ at: at * 1000, value }));
        if (samples.length > 0) this.series.set(k, samples.slice(-MAX_SAMPLES));
      }
    }
    const minutes = versioned ? doc['minutes'] : undefined;
    if (!isObject(minutes)) return;
    for (const [k, s] of Object.entries(minutes)) {
      if (!isObject(s) || !Array.isArray(s['v']) || typeof s['t'] !== 'number' || !Number.isInteger(s['t']) || s['t'] % 60 !== 0) continue;
      const first = s['t'] * 1000;
      const values = s['v'].slice(-this.historyMinutes);
      const offset = s['v'].length - values.length;
      const lastCount = typeof s['c'] === 'number' && Number.isInteger(s['c']) && s['c'] >= 1 && s['c'] <= 1000 ? s['c'] : 1;
      const list: Minute[] = [];
      values.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return;
        const count = i === values.length - 1 ? lastCount : 1;
        list.push({ at: first + (offset + i) * MINUTE_MS, sum: v * count, count });
      });
      if (list.length > 0 && Number.isFinite(list.at(-1)!.at)) this.minutes.set(k, list);
    }
  }
}

/**
 * History in one ConfigMap (the CronJob's own namespace): one GET when a run starts and one
 * write when it ends, whatever the number of workloads, so `datapointsToAlarm` over several
 * minutes and the predictive rule's days of history work across CronJob runs.
 */
export class ConfigMapAlarmHistory extends MemoryAlarmHistory {
  private exists = false;

  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
    readonly name = 'autoscaler-alarm-history',
    historyMinutes?: number,
    maxBytes?: number,
  ) {
    super(historyMinutes, maxBytes);
  }

  async load(): Promise<void> {
    try {
      const cm = await this.api.getConfigMap(this.namespace, this.name);
      this.exists = true;
      this.restore(cm.data?.['history.json']);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      this.exists = false;
      this.restore(undefined);
    }
  }

  async save(): Promise<void> {
    const data = { 'history.json': this.serialize() };
    if (this.exists) {
      await this.api.patchConfigMap(this.namespace, this.name, { data });
    } else {
      await this.api.createConfigMap(this.namespace, {
        metadata: { name: this.name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'autoscaler' } },
        data,
      });
      this.exists = true;
    }
  }
}
