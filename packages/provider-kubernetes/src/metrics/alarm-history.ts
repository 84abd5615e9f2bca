import { NotFoundError } from '@autoscaler/core';
import type { KubeApi } from '../kube/kube-api';
import type { Sample } from './alarm-rules';

const MAX_SAMPLES = 120;

/** Samples of the alarm metrics per target, kept across polls (and, persisted, across CronJob runs). */
export interface AlarmHistory {
  samples(key: string): readonly Sample[];
  /** Add a sample, dropping those older than `retainMs` before it. */
  record(key: string, sample: Sample, retainMs: number): void;
}

/** In-process history: enough for the CronJob's loop mode or a long-running process. */
export class MemoryAlarmHistory implements AlarmHistory {
  protected series = new Map<string, Sample[]>();

  samples(key: string): readonly Sample[] {
    return this.series.get(key) ?? [];
  }

  record(key: string, sample: Sample, retainMs: number): void {
    const kept = (this.series.get(key) ?? []).filter((s) => s.at > sample.at - retainMs && s.at !== sample.at);
    kept.push(sample);
    this.series.set(key, kept.slice(-MAX_SAMPLES));
  }

  /** Compact JSON: `{ key: [[epochSeconds, value], ...] }`. */
  serialize(): string {
    const out: Record<string, Array<[number, number]>> = {};
    for (const [k, v] of this.series) if (v.length > 0) out[k] = v.map((s) => [Math.round(s.at / 1000), Math.round(s.value * 1000) / 1000]);
    return JSON.stringify(out);
  }

  /** Loads what `serialize` wrote; anything malformed is dropped (history is a cache, not a record). */
  restore(text: string | undefined): void {
    this.series.clear();
    if (!text) return;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return;
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      if (!Array.isArray(v)) continue;
      const samples = v.filter((x): x is [number, number] => Array.isArray(x) && Number.isFinite(x[0]) && Number.isFinite(x[1])).map(([at, value]) => ({ at: at * 1000, value }));
      if (samples.length > 0) this.series.set(k, samples.slice(-MAX_SAMPLES));
    }
  }
}

/**
 * History in one ConfigMap (the CronJob's own namespace): one GET when a pass
 * starts and one write when it ends, whatever the number of workloads, so
 * `datapointsToAlarm` over several minutes works across CronJob runs.
 */
export class ConfigMapAlarmHistory extends MemoryAlarmHistory {
  private exists = false;

  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
    readonly name = 'autoscaler-alarm-history',
  ) {
    super();
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
      await this.api.createConfigMap(this.namespace, { metadata: { name: this.name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'autoscaler' } }, data });
      this.exists = true;
    }
  }
}
