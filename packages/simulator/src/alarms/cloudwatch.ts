import { ValidationError, type Signal } from '@autoscaler/core';
import { OPERATOR_WORDS, datapoint, evaluateAlarm, invokesActions, validateAlarmSpec } from '@autoscaler/cloud-semantics';
import type { AlarmState, CloudWatchAlarmSpec } from '@autoscaler/cloud-semantics';
import { canonicalMetric, HIGH_RES_METRICS, HIGH_RES_SECONDS, type MetricName } from './metric-store';
import { bag, epochMs, finite, isBag, jsonDocument, text } from './payload';
import { NOTHING, type SimulatedSource, type SourceContext, type SourceOutput } from './source';

export type { CloudWatchAlarmSpec } from '@autoscaler/cloud-semantics';
export { targetTrackingAlarms } from '@autoscaler/cloud-semantics';

interface AlarmRuntime {
  spec: CloudWatchAlarmSpec;
  metric: MetricName;
  arn: string;
  state: AlarmState;
  changedAt: number;
}

/**
 * CloudWatch alarms played on the simulated metrics: every period, the last `evaluationPeriods`
 * periods of published datapoints go through `@autoscaler/cloud-semantics`' `evaluateAlarm` (M of N,
 * `TreatMissingData`) and `invokesActions` (transitions; Auto Scaling actions again every period
 * while in ALARM). Before there are `evaluationPeriods` periods the alarm is not evaluated (it stays
 * INSUFFICIENT_DATA). Minute metrics take periods of whole minutes; ConcurrentRequestsPerModel
 * (10 s datapoints, none while no instance serves) also 10/20/30 s, evaluated every 10 s.
 * Deliveries are the alarm-state message SNS carries (`Records[].Sns.Message`).
 */
export class CloudWatchAlarms implements SimulatedSource {
  readonly name = 'sim-cloudwatch';
  /** 60, or 10 when an alarm evaluates a high-resolution metric on a sub-minute period. */
  readonly cadenceSeconds: number;
  /** The shortest alarm period, seconds. */
  readonly fastestPeriod: number;
  private readonly alarms: AlarmRuntime[];

  constructor(
    private readonly ctx: SourceContext,
    specs: readonly CloudWatchAlarmSpec[],
  ) {
    this.alarms = specs.map((spec, i) => {
      const metric = canonicalMetric(spec.metric);
      if (!metric) throw ValidationError.field(`alarms[${i}].metric`, `unknown metric "${spec.metric}"`);
      validateAlarmSpec(spec, `alarms[${i}]`);
      // Real CloudWatch accepts a 10/20/30 s alarm on a minute metric and leaves it in INSUFFICIENT_DATA: refuse it instead.
      if (spec.period % 60 !== 0 && !HIGH_RES_METRICS.includes(metric))
        throw ValidationError.field(
          `alarms[${i}].period`,
          `${spec.period} s needs a high-resolution metric (${HIGH_RES_METRICS.join(', ')}); ${spec.metric} has one datapoint a minute, so use a multiple of 60 seconds`,
        );
      return { spec, metric, arn: `arn:aws:cloudwatch:sim:000000000000:alarm:${spec.name}`, state: 'INSUFFICIENT_DATA', changedAt: 0 };
    });
    this.cadenceSeconds = this.alarms.some((a) => a.spec.period < 60) ? HIGH_RES_SECONDS : 60;
    this.fastestPeriod = Math.min(...this.alarms.map((a) => a.spec.period));
  }

  /** The last `evaluationPeriods` datapoints, newest first (undefined = missing), or undefined before there are that many periods. */
  private window(a: AlarmRuntime, now: number): Array<number | undefined> | undefined {
    const s = a.spec;
    const out: Array<number | undefined> = [];
    if (s.period < 60) {
      const perPeriod = s.period / HIGH_RES_SECONDS;
      const periods = Math.floor(this.ctx.store.visibleBuckets(now) / perPeriod);
      if (periods < s.evaluationPeriods) return undefined;
      const series = this.ctx.store.rawHighRes(a.metric)!;
      for (let k = periods - 1; k >= periods - s.evaluationPeriods; k--) {
        const samples = Array.from(series.subarray(k * perPeriod, (k + 1) * perPeriod)).filter((v) => !Number.isNaN(v));
        out.push(datapoint(s.statistic, samples));
      }
      return out;
    }
    const perPeriod = s.period / 60;
    const periods = Math.floor(this.ctx.store.visibleMinutes(now) / perPeriod);
    if (periods < s.evaluationPeriods) return undefined;
    const series = this.ctx.store.raw(a.metric);
    for (let k = periods - 1; k >= periods - s.evaluationPeriods; k--)
      out.push(datapoint(s.statistic, Array.from(series.subarray(k * perPeriod, (k + 1) * perPeriod))));
    return out;
  }

  tick(now: number): SourceOutput {
    const deliveries: unknown[] = [];
    const elapsed = now - this.ctx.store.start;
    for (const a of this.alarms) {
      const s = a.spec;
      // Only evaluate on the alarm's period boundary.
      if (elapsed % (s.period * 1000) !== 0) continue;
      const datapoints = this.window(a, now);
      if (!datapoints) continue;
      const { state: next, breaching } = evaluateAlarm(s, datapoints, a.state);
      const old = a.state;
      if (!invokesActions(s, old, next)) continue;
      if (next !== old) {
        a.state = next;
        a.changedAt = now;
      }
      deliveries.push(this.message(a, old, now, datapoints, breaching));
    }
    return deliveries.length === 0 ? NOTHING : { deliveries, signals: [] };
  }

  private message(a: AlarmRuntime, old: AlarmState, now: number, window: Array<number | undefined>, breaching: number): Record<string, unknown> {
    const s = a.spec;
    // Newest first, as CloudWatch prints them (missing ones left out); only the newest carries its time (formatting dates is the slow part).
    const datapoints = window.filter((v): v is number => v !== undefined);
    const shown = datapoints
      .map((v, i) => (i === 0 ? `${Math.round(v * 1000) / 1000} (${new Date(now - s.period * 1000).toISOString()})` : `${Math.round(v * 1000) / 1000}`))
      .join(', ');
    return {
      AlarmName: s.name,
      AlarmArn: a.arn,
      NewStateValue: a.state,
      OldStateValue: old,
      NewStateReason: `Threshold Crossed: ${breaching} out of the last ${datapoints.length} datapoints [${shown}] was ${OPERATOR_WORDS[s.comparisonOperator]} the threshold (${s.threshold}).`,
      StateChangeTime: new Date(a.changedAt).toISOString(),
      EvaluatedAt: now,
      Trigger: {
        MetricName: s.metric,
        Namespace: 'AWS/SageMaker',
        Statistic: s.statistic.toUpperCase(),
        Dimensions: [{ name: 'ResourceId', value: this.ctx.ref.id }],
        Period: s.period,
        EvaluationPeriods: s.evaluationPeriods,
        ComparisonOperator: s.comparisonOperator,
        Threshold: s.threshold,
      },
    };
  }

  /** An alarm-state message (object, JSON text, or an SNS event wrapping it) to one signal. */
  parse(raw: unknown): Signal[] {
    const doc = jsonDocument(raw, 'Message');
    const records = isBag(doc) ? doc['Records'] : undefined;
    if (Array.isArray(records)) {
      if (records.length === 0) throw ValidationError.field('Records', 'must not be empty');
      return records.flatMap((r, i) => {
        const sns = isBag(r) && isBag(r['Sns']) ? r['Sns'] : undefined;
        if (sns?.['Message'] === undefined) throw ValidationError.field(`Records[${i}].Sns.Message`, 'missing');
        return this.parse(sns['Message']);
      });
    }
    const m = bag(doc, 'Message');
    const state = m['NewStateValue'];
    if (state !== 'ALARM' && state !== 'OK' && state !== 'INSUFFICIENT_DATA')
      throw ValidationError.field('NewStateValue', `must be ALARM, OK or INSUFFICIENT_DATA, got ${JSON.stringify(state) ?? 'nothing'}`);
    const name = text(m['AlarmName'], 'AlarmName');
    const trigger = bag(m['Trigger'], 'Trigger');
    const metric = text(trigger['MetricName'], 'Trigger.MetricName');
    const dims = trigger['Dimensions'];
    const dim: unknown = Array.isArray(dims) ? dims.find((d) => isBag(d) && d['name'] === 'ResourceId') : undefined;
    const id = text(isBag(dim) ? dim['value'] : undefined, 'Trigger.Dimensions');
    const evaluated = finite(m['EvaluatedAt']);
    const at = epochMs(evaluated ?? Date.parse(String(m['StateChangeTime'])), evaluated === undefined ? 'StateChangeTime' : 'EvaluatedAt');
    const arn = typeof m['AlarmArn'] === 'string' && m['AlarmArn'] !== '' ? m['AlarmArn'] : name;
    // The newest datapoint is the first one in the reason's list, as CloudWatch prints it.
    const first = /\[(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(typeof m['NewStateReason'] === 'string' ? m['NewStateReason'] : '');
    const signal: Signal = {
      target: { provider: 'simulator', id },
      source: this.name,
      metric,
      alarm: arn,
      alarmName: name,
      state: state === 'ALARM' ? 'firing' : 'ok',
      dedupeKey: `${arn}:${state}:${at}`,
      at,
    };
    const threshold = finite(trigger['Threshold']);
    if (threshold !== undefined) signal.threshold = threshold;
    const value = first ? finite(Number(first[1])) : undefined;
    if (value !== undefined) signal.value = value;
    return state === 'INSUFFICIENT_DATA' ? [] : [signal];
  }
}
