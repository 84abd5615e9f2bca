import { ValidationError, type Signal } from '@autoscaler/core';
import { aggregateMql, compareMql, parseMqlThreshold, type MqlComparison, type MqlStatistic } from '@autoscaler/cloud-semantics';
import { canonicalMetric, type MetricName } from './metric-store';
import { bag, epochMs, finite, isBag, jsonDocument, text } from './payload';
import { NOTHING, type SimulatedSource, type SourceContext, type SourceOutput } from './source';

export type OciStatistic = MqlStatistic;
export type Comparison = MqlComparison;

/** One OCI Monitoring alarm, as `ensureAlarms` would create it. */
export interface OciAlarmSpec {
  name: string;
  /** MQL: `Metric[5m]{dims}.grouping().max() > 80` (dimensions are accepted and ignored). */
  query: string;
  /** Seconds the condition must hold before FIRING (pendingDuration; default PT1M = first breach). */
  pendingSeconds?: number;
  /** Seconds between REPEAT notifications while FIRING (repeatNotificationDuration; default none). */
  repeatSeconds?: number;
}

export interface ParsedQuery {
  metric: MetricName;
  metricName: string;
  windowMinutes: number;
  statistic: OciStatistic;
  op: Comparison;
  threshold: number;
}

/**
 * A threshold alarm's MQL through cloud-semantics' parser (the one the OCI provider writes its alarms
 * with), narrowed to the metrics the simulator publishes. Errors name `path`.
 */
export function parseMql(query: string, path: string): ParsedQuery {
  const q = parseMqlThreshold(query, path, { maxIntervalMinutes: 1440 });
  const metric = canonicalMetric(q.metric);
  if (!metric) throw ValidationError.field(path, `unknown metric "${q.metric}"`);
  return { metric, metricName: q.metric, windowMinutes: q.intervalMinutes, statistic: q.statistic, op: q.operator, threshold: q.threshold };
}

type OciMessageType = 'OK_TO_FIRING' | 'REPEAT' | 'FIRING_TO_OK';

interface AlarmRuntime {
  spec: OciAlarmSpec;
  query: ParsedQuery;
  id: string;
  firing: boolean;
  breachedSince?: number;
  lastNotified: number;
  episode: number;
}

/**
 * OCI Monitoring alarm evaluation: every minute (resolution 1m) the query's
 * statistic over its interval window of published datapoints is compared with
 * the threshold; FIRING after the condition held for the pending duration,
 * REPEAT every repeat duration while firing, back to OK after one clear
 * evaluation. Each notification is an alarm message (format 1.3 fields) that
 * `parse` turns into signals, as the OCI Function receives them.
 */
export class OciMonitoringAlarms implements SimulatedSource {
  readonly name = 'sim-oci-monitoring';
  readonly cadenceSeconds = 60;
  private readonly alarms: AlarmRuntime[];

  constructor(
    private readonly ctx: SourceContext,
    specs: readonly OciAlarmSpec[],
  ) {
    this.alarms = specs.map((spec, i) => ({
      spec,
      query: parseMql(spec.query, `alarms[${i}].query`),
      id: `ocid1.alarm.oc1.sim.${spec.name.toLowerCase().replace(/[^a-z0-9]/g, '')}${i}`,
      firing: false,
      lastNotified: 0,
      episode: 0,
    }));
  }

  tick(now: number): SourceOutput {
    const visible = this.ctx.store.visibleMinutes(now);
    if (visible === 0) return NOTHING;
    const deliveries: unknown[] = [];
    for (const a of this.alarms) {
      const q = a.query;
      const from = Math.max(0, visible - q.windowMinutes);
      // from < visible (the window is at least a minute), so the aggregate is defined.
      const value = aggregateMql(this.ctx.store.raw(q.metric), from, visible, q.statistic) ?? 0;
      const breach = compareMql(value, q.op, q.threshold);
      const pending = (a.spec.pendingSeconds ?? 60) * 1000;
      if (breach) {
        a.breachedSince ??= now;
        if (!a.firing && now - a.breachedSince + 60_000 >= pending) {
          a.firing = true;
          a.episode++;
          a.lastNotified = now;
          deliveries.push(this.message(a, 'OK_TO_FIRING', now, value));
        } else if (a.firing && a.spec.repeatSeconds !== undefined && now - a.lastNotified >= a.spec.repeatSeconds * 1000) {
          a.lastNotified = now;
          deliveries.push(this.message(a, 'REPEAT', now, value));
        }
      } else {
        delete a.breachedSince;
        if (a.firing) {
          a.firing = false;
          a.lastNotified = now;
          deliveries.push(this.message(a, 'FIRING_TO_OK', now, value));
        }
      }
    }
    return deliveries.length === 0 ? NOTHING : { deliveries, signals: [] };
  }

  /** The alarm message a Notifications topic delivers (fields of message format 1.3 + metricValues of 1.5). */
  private message(a: AlarmRuntime, type: OciMessageType, now: number, value: number): Record<string, unknown> {
    return {
      dedupeKey: `${a.id}-${a.episode}`,
      title: a.spec.name,
      type,
      severity: 'CRITICAL',
      timestampEpochMillis: now,
      timestamp: new Date(now).toISOString(),
      alarmMetaData: [
        {
          id: a.id,
          status: type === 'FIRING_TO_OK' ? 'OK' : 'FIRING',
          severity: 'CRITICAL',
          namespace: 'oci_datascience_modeldeploy',
          query: a.spec.query,
          totalMetricsFiring: type === 'FIRING_TO_OK' ? 0 : 1,
          dimensions: [{ resourceId: this.ctx.ref.id }],
          metricValues: [{ [`{resourceId = "${this.ctx.ref.id}"}`]: value }],
        },
      ],
      version: 1.3,
    };
  }

  /** An alarm message (object or JSON text) to signals; a bad field is a `ValidationError` naming it. */
  parse(raw: unknown): Signal[] {
    const m = bag(jsonDocument(raw, 'body'), 'body');
    const type = m['type'];
    if (type !== 'OK_TO_FIRING' && type !== 'REPEAT' && type !== 'FIRING_TO_OK')
      throw ValidationError.field('type', `must be OK_TO_FIRING, REPEAT or FIRING_TO_OK, got ${JSON.stringify(type) ?? 'nothing'}`);
    const at = epochMs(m['timestampEpochMillis'], 'timestampEpochMillis');
    const dedupeKey = text(m['dedupeKey'], 'dedupeKey');
    const title = m['title'] === undefined ? undefined : text(m['title'], 'title');
    const meta = m['alarmMetaData'];
    if (!Array.isArray(meta) || meta.length === 0) throw ValidationError.field('alarmMetaData', 'must be a non-empty list');
    return meta.map((entry, i) => {
      const e = bag(entry, `alarmMetaData[${i}]`);
      const q = parseMql(text(e['query'], `alarmMetaData[${i}].query`), `alarmMetaData[${i}].query`);
      const id = text(e['id'], `alarmMetaData[${i}].id`);
      const dims = e['dimensions'];
      const first = Array.isArray(dims) && isBag(dims[0]) ? dims[0] : undefined;
      const resourceId = text(first?.['resourceId'], `alarmMetaData[${i}].dimensions[0].resourceId`);
      const signal: Signal = {
        target: { provider: 'simulator', id: resourceId },
        source: this.name,
        metric: q.metricName,
        alarm: id,
        alarmName: title ?? id,
        state: type === 'FIRING_TO_OK' ? 'ok' : 'firing',
        threshold: q.threshold,
        dedupeKey: `${dedupeKey}:${at}`,
        at,
      };
      const mv = e['metricValues'];
      if (Array.isArray(mv) && isBag(mv[0])) {
        const v = finite(Object.values(mv[0])[0]);
        if (v !== undefined) signal.value = v;
      }
      return signal;
    });
  }
}
