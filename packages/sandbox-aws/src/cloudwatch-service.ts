import { AwsApiError, epochSeconds, optArray, optBool, optNumber, optString, optStringArray, reqNumber, reqString, type Input } from './wire';
import type { FakeWorld } from './world';
import { textOf } from '@autoscaler/core';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface MetricAlarm {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  AlarmConfigurationUpdatedTimestamp: number;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  StateValue: AlarmState;
  StateReason: string;
  StateReasonData?: string;
  StateUpdatedTimestamp: number;
  StateTransitionedTimestamp: number;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions: Array<{ Name: string; Value: string }>;
  Period?: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  Metrics?: Input[];
  tags: Map<string, string>;
}

export interface CloudWatchPeers {
  /** An alarm action naming an SNS topic: CloudWatch publishes its notification there. */
  notify(topicArn: string, alarm: MetricAlarm, oldState: AlarmState): void;
  /** An alarm action naming a scaling policy: Application Auto Scaling runs it. */
  executePolicy(policyArn: string, alarm: { name: string; value: number | undefined; threshold: number }): void;
}

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
const OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
];
const ACTION_ARN = /^arn:aws[a-z-]*:(sns|autoscaling|lambda|ssm|ec2|swf|ssm-incidents):/;

const invalid = (msg: string): AwsApiError => new AwsApiError('InvalidParameterValueException', msg, 400, { queryCode: 'InvalidParameterValue' });
const missing = (name: string): AwsApiError =>
  new AwsApiError('MissingRequiredParameterException', `The parameter ${name} is required.`, 400, { queryCode: 'MissingParameter' });

/** One raw datapoint of a metric series (what PutMetricData would have stored). */
export interface MetricDatum {
  /** Epoch ms. */
  at: number;
  value: number;
}

const seriesKey = (namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): string =>
  `${namespace}|${metricName}|${Object.entries(dimensions)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const FILL = /^\s*FILL\(\s*([a-z][a-zA-Z0-9_]*)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)\s*$/i;

/** CloudWatch alarms and metric data (JSON 1.0 `GraniteServiceVersion20100801.*`, and the query protocol). */
export class FakeCloudWatch {
  private readonly alarms = new Map<string, MetricAlarm>();
  private readonly series = new Map<string, MetricDatum[]>();
  /** Datapoints per GetMetricData page when the caller sets no MaxDatapoints (the service's is 100,800). */
  metricPageSize = 100_800;
  peers: CloudWatchPeers = { notify: () => undefined, executePolicy: () => undefined };

  /** Store datapoints of a metric series (as PutMetricData would), for GetMetricData to aggregate. */
  putMetricData(namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>, points: readonly MetricDatum[]): void {
    const key = seriesKey(namespace, metricName, dimensions);
    const list = this.series.get(key) ?? [];
    list.push(...points.filter((p) => Number.isFinite(p.at) && Number.isFinite(p.value)));
    this.series.set(key, list);
  }

  clearMetricData(): void {
    this.series.clear();
  }

  constructor(private readonly world: FakeWorld) {}

  get(name: string): MetricAlarm | undefined {
    return this.alarms.get(name);
  }

  names(): string[] {
    return [...this.alarms.keys()];
  }

  handle(operation: string, input: Input): unknown {
    switch (operation) {
      case 'PutMetricAlarm':
        this.put(input);
        return {};
      case 'DescribeAlarms':
        return this.describe(input);
      case 'DeleteAlarms':
        return this.delete(input);
      case 'SetAlarmState':
        return this.setState(input);
      case 'GetMetricData':
        return this.getMetricData(input);
      default:
        throw new AwsApiError('UnknownOperationException', `Operation ${operation} is not supported by this fake`, 400, { queryCode: 'InvalidAction' });
    }
  }

  /** For Application Auto Scaling: an alarm it owns (target tracking). */
  putManaged(input: Input): string {
    return this.put(input).AlarmArn;
  }

  deleteManaged(names: readonly string[]): void {
    for (const n of names) this.alarms.delete(n);
  }

  private put(input: Input): MetricAlarm {
    const name = optString(input, 'AlarmName');
    if (name === undefined) throw missing('AlarmName');
    if (name.length < 1 || name.length > 255) throw invalid('The parameter AlarmName must be between 1 and 255 characters.');
    const evaluationPeriods = optNumber(input, 'EvaluationPeriods', 1);
    if (evaluationPeriods === undefined) throw missing('EvaluationPeriods');
    const op = optString(input, 'ComparisonOperator');
    if (op === undefined) throw missing('ComparisonOperator');
    if (!OPERATORS.includes(op)) throw invalid(`The parameter ComparisonOperator must be one of ${OPERATORS.join(', ')}.`);
    const metrics = optArray(input, 'Metrics');
    const metricName = optString(input, 'MetricName');
    const namespace = optString(input, 'Namespace');
    if (metrics.length === 0 && (metricName === undefined || namespace === undefined))
      throw invalid('Either MetricName and Namespace or Metrics must be specified.');
    const statistic = optString(input, 'Statistic');
    if (statistic !== undefined && !STATISTICS.includes(statistic)) throw invalid(`The parameter Statistic must be one of ${STATISTICS.join(', ')}.`);
    if (metricName !== undefined && statistic === undefined && optString(input, 'ExtendedStatistic') === undefined) throw missing('Statistic');
    const period = optNumber(input, 'Period', 1);
    if (metricName !== undefined && period === undefined) throw missing('Period');
    if (period !== undefined && !(period === 10 || period === 20 || period === 30 || period % 60 === 0))
      throw invalid('The parameter Period must be 10, 20, 30 or a multiple of 60.');
    const threshold = optNumber(input, 'Threshold');
    if (threshold === undefined && optString(input, 'ThresholdMetricId') === undefined) throw missing('Threshold');
    const actions = (k: string): string[] => {
      const list = optStringArray(input, k);
      for (const a of list) if (!ACTION_ARN.test(a)) throw invalid(`Invalid arn syntax: ${a}`);
      return list;
    };
    const now = this.world.clock.now();
    const existing = this.alarms.get(name);
    const alarm: MetricAlarm = {
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${this.world.region}:${this.world.accountId}:alarm:${name}`,
      AlarmConfigurationUpdatedTimestamp: now,
      ActionsEnabled: optBool(input, 'ActionsEnabled') ?? true,
      OKActions: actions('OKActions'),
      AlarmActions: actions('AlarmActions'),
      InsufficientDataActions: actions('InsufficientDataActions'),
      StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? now,
      StateTransitionedTimestamp: existing?.StateTransitionedTimestamp ?? now,
      Dimensions: optArray(input, 'Dimensions').map((d) => ({ Name: reqString(d, 'Name'), Value: reqString(d, 'Value') })),
      EvaluationPeriods: evaluationPeriods,
      ComparisonOperator: op,
      tags: existing?.tags ?? new Map(optArray(input, 'Tags').map((t) => [reqString(t, 'Key'), reqString(t, 'Value')])),
    };
    const copy = <K extends keyof MetricAlarm>(k: K, v: MetricAlarm[K] | undefined): void => {
      if (v !== undefined) alarm[k] = v;
    };
    copy('AlarmDescription', optString(input, 'AlarmDescription'));
    copy('StateReasonData', existing?.StateReasonData);
    copy('MetricName', metricName);
    copy('Namespace', namespace);
    copy('Statistic', statistic);
    copy('ExtendedStatistic', optString(input, 'ExtendedStatistic'));
    copy('Period', period);
    copy('Unit', optString(input, 'Unit'));
    copy('DatapointsToAlarm', optNumber(input, 'DatapointsToAlarm', 1));
    copy('Threshold', threshold);
    copy('TreatMissingData', optString(input, 'TreatMissingData'));
    if (metrics.length > 0) alarm.Metrics = metrics;
    this.alarms.set(name, alarm);
    return alarm;
  }

  private describe(input: Input): unknown {
    const names = optStringArray(input, 'AlarmNames');
    const prefix = optString(input, 'AlarmNamePrefix');
    if (names.length > 0 && prefix !== undefined)
      throw new AwsApiError('InvalidParameterCombinationException', 'AlarmNames and AlarmNamePrefix cannot be specified together.', 400, {
        queryCode: 'InvalidParameterCombination',
      });
    const state = optString(input, 'StateValue');
    const actionPrefix = optString(input, 'ActionPrefix');
    const types = optStringArray(input, 'AlarmTypes');
    const max = optNumber(input, 'MaxRecords', 1) ?? 50;
    if (max > 100) throw invalid('The parameter MaxRecords must be less than or equal to 100.');
    const start = Number(optString(input, 'NextToken') ?? '0');
    if (!Number.isInteger(start) || start < 0) throw new AwsApiError('InvalidNextToken', 'The service returned an error due to invalid NextToken.', 400);
    const all = [...this.alarms.values()]
      .filter(
        (a) =>
          (names.length === 0 || names.includes(a.AlarmName)) &&
          (prefix === undefined || a.AlarmName.startsWith(prefix)) &&
          (state === undefined || a.StateValue === state),
      )
      .filter((a) => actionPrefix === undefined || [...a.AlarmActions, ...a.OKActions, ...a.InsufficientDataActions].some((x) => x.startsWith(actionPrefix)))
      .sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1));
    const metricAlarms = types.length === 0 || types.includes('MetricAlarm') ? all : [];
    const page = metricAlarms.slice(start, start + max);
    return {
      MetricAlarms: page.map(({ tags: _t, AlarmConfigurationUpdatedTimestamp, StateUpdatedTimestamp, StateTransitionedTimestamp, ...a }) => ({
        ...a,
        AlarmConfigurationUpdatedTimestamp: epochSeconds(AlarmConfigurationUpdatedTimestamp),
        StateUpdatedTimestamp: epochSeconds(StateUpdatedTimestamp),
        StateTransitionedTimestamp: epochSeconds(StateTransitionedTimestamp),
      })),
      CompositeAlarms: [],
      ...(start + max < metricAlarms.length ? { NextToken: String(start + max) } : {}),
    };
  }

  /**
   * GetMetricData: metric queries aggregated per period (Sum, Average, Maximum, Minimum,
   * SampleCount over the stored datapoints; a period without datapoints is absent, as in
   * CloudWatch), the metric math expression `FILL(<id>, <number>)` (every period of the
   * range; a series with no datapoint in the range stays empty), ScanBy, and NextToken
   * paging by datapoints.
   */
  private getMetricData(input: Input): unknown {
    const queries = optArray(input, 'MetricDataQueries');
    if (queries.length === 0) throw missing('MetricDataQueries');
    if (queries.length > 500) throw invalid('The collection MetricDataQueries must not have a size greater than 500.');
    const time = (k: string): number => {
      const v = input[k];
      if (v === undefined || v === null) throw missing(k);
      const t = typeof v === 'number' ? v * 1000 : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(textOf(v));
      if (!Number.isFinite(t)) throw invalid(`The parameter ${k} must be a timestamp.`);
      return t;
    };
    const start = time('StartTime');
    const end = time('EndTime');
    if (end <= start) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    const scan = optString(input, 'ScanBy') ?? 'TimestampDescending';
    if (scan !== 'TimestampDescending' && scan !== 'TimestampAscending')
      throw invalid('The parameter ScanBy must be TimestampDescending or TimestampAscending.');
    const pageSize = optNumber(input, 'MaxDatapoints', 1) ?? this.metricPageSize;
    const offset = Number(optString(input, 'NextToken') ?? '0');
    if (!Number.isInteger(offset) || offset < 0)
      throw new AwsApiError('InvalidNextToken', 'The service returned an error due to invalid NextToken.', 400, { queryCode: 'InvalidNextToken' });

    const ids = new Set<string>();
    const computed = new Map<string, { period: number; points: Map<number, number> }>();
    const results: Array<{ Id: string; Label: string; points: Map<number, number> }> = [];
    for (const q of queries) {
      const id = reqString(q, 'Id');
      if (!QUERY_ID.test(id))
        throw invalid(
          `The value ${id} for parameter MetricDataQueries.member.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.`,
        );
      if (ids.has(id)) throw invalid(`The value ${id} for parameter MetricDataQueries.member.Id is not unique.`);
      ids.add(id);
      const stat = q.MetricStat as Input | undefined;
      const expression = optString(q, 'Expression');
      if ((stat === undefined) === (expression === undefined))
        throw invalid(`Exactly one of MetricStat and Expression must be set in MetricDataQueries.member ${id}.`);
      let label: string;
      let entry: { period: number; points: Map<number, number> };
      if (stat !== undefined) {
        const metric = (stat.Metric as Input | undefined) ?? {};
        const namespace = reqString(metric, 'Namespace');
        const metricName = reqString(metric, 'MetricName');
        const dims = Object.fromEntries(optArray(metric, 'Dimensions').map((d) => [reqString(d, 'Name'), reqString(d, 'Value')]));
        const period = reqNumber(stat, 'Period', 1);
        if (!(period === 1 || period === 5 || period === 10 || period === 20 || period === 30 || period % 60 === 0))
          throw invalid('The parameter MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60.');
        const statName = reqString(stat, 'Stat');
        if (!STATISTICS.includes(statName)) throw invalid(`The parameter MetricStat.Stat must be one of ${STATISTICS.join(', ')} in this fake.`);
        entry = { period, points: this.aggregate(seriesKey(namespace, metricName, dims), start, end, period, statName) };
        label = optString(q, 'Label') ?? metricName;
      } else {
        const m = FILL.exec(expression!);
        if (!m) throw invalid(`Unsupported expression "${expression!}": this fake evaluates only FILL(<id>, <number>).`);
        const ref = computed.get(m[1]!);
        if (!ref) throw invalid(`Error in expression ${id}: Unrecognized metric or expression id ${m[1]!} (it must come earlier in MetricDataQueries).`);
        const points = new Map<number, number>();
        if (ref.points.size > 0) {
          const ms = ref.period * 1000;
          for (let t = Math.floor(start / ms) * ms; t < end; t += ms) points.set(t, ref.points.get(t) ?? Number(m[2]));
        }
        entry = { period: ref.period, points };
        label = optString(q, 'Label') ?? id;
      }
      computed.set(id, entry);
      if (optBool(q, 'ReturnData') !== false) results.push({ Id: id, Label: label, points: entry.points });
    }

    // Pages cut the flattened (result, datapoint) list; each result shows its slice.
    const flat = results.flatMap((r, ri) =>
      [...r.points].sort((a, b) => (scan === 'TimestampAscending' ? a[0] - b[0] : b[0] - a[0])).map(([at, v]) => ({ ri, at, v })),
    );
    const page = flat.slice(offset, offset + pageSize);
    const more = offset + pageSize < flat.length;
    return {
      MetricDataResults: results.map((r, ri) => {
        const mine = page.filter((p) => p.ri === ri);
        return {
          Id: r.Id,
          Label: r.Label,
          Timestamps: mine.map((p) => epochSeconds(p.at)),
          Values: mine.map((p) => p.v),
          StatusCode: more ? 'PartialData' : 'Complete',
        };
      }),
      Messages: [],
      ...(more ? { NextToken: String(offset + pageSize) } : {}),
    };
  }

  private aggregate(key: string, start: number, end: number, period: number, stat: string): Map<number, number> {
    const ms = period * 1000;
    const buckets = new Map<number, number[]>();
    for (const d of this.series.get(key) ?? []) {
      const b = Math.floor(d.at / ms) * ms;
      if (b < Math.floor(start / ms) * ms || b >= end) continue;
      const list = buckets.get(b) ?? [];
      list.push(d.value);
      buckets.set(b, list);
    }
    const out = new Map<number, number>();
    for (const [b, vs] of buckets) {
      const sum = vs.reduce((a, x) => a + x, 0);
      out.set(
        b,
        stat === 'Sum' ? sum : stat === 'Average' ? sum / vs.length : stat === 'Maximum' ? Math.max(...vs) : stat === 'Minimum' ? Math.min(...vs) : vs.length,
      );
    }
    return out;
  }

  private delete(input: Input): unknown {
    const names = optStringArray(input, 'AlarmNames');
    const unknown = names.filter((n) => !this.alarms.has(n));
    if (unknown.length > 0) throw new AwsApiError('ResourceNotFound', `Could not find alarm(s): ${unknown.join(', ')}`, 404, { queryCode: 'ResourceNotFound' });
    for (const n of names) this.alarms.delete(n);
    return {};
  }

  private setState(input: Input): unknown {
    const name = reqString(input, 'AlarmName');
    const value = reqString(input, 'StateValue') as AlarmState;
    if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(value)) throw invalid('The parameter StateValue must be one of OK, ALARM, INSUFFICIENT_DATA.');
    const reason = reqString(input, 'StateReason');
    const data = optString(input, 'StateReasonData');
    if (data !== undefined) {
      try {
        JSON.parse(data);
      } catch {
        throw new AwsApiError('InvalidFormatFault', 'StateReasonData is not valid JSON', 400, { queryCode: 'InvalidFormat' });
      }
    }
    const alarm = this.alarms.get(name);
    if (!alarm) throw new AwsApiError('ResourceNotFound', `Could not find alarm: ${name}`, 404, { queryCode: 'ResourceNotFound' });
    this.transition(alarm, value, reason, data);
    return {};
  }

  /** Move an alarm (what the metric evaluation would do) and fire its actions on a transition. */
  transition(alarm: MetricAlarm, value: AlarmState, reason: string, data?: string): void {
    const now = this.world.clock.now();
    const old = alarm.StateValue;
    alarm.StateValue = value;
    alarm.StateReason = reason;
    if (data !== undefined) alarm.StateReasonData = data;
    else delete alarm.StateReasonData;
    alarm.StateUpdatedTimestamp = now;
    if (old === value) return;
    alarm.StateTransitionedTimestamp = now;
    if (!alarm.ActionsEnabled) return;
    const actions = value === 'ALARM' ? alarm.AlarmActions : value === 'OK' ? alarm.OKActions : alarm.InsufficientDataActions;
    let metricValue: number | undefined;
    try {
      const parsed = data === undefined ? undefined : (JSON.parse(data) as { recentDatapoints?: unknown[] });
      const first = parsed?.recentDatapoints?.[0];
      if (typeof first === 'number') metricValue = first;
    } catch {
      metricValue = undefined;
    }
    for (const arn of actions) {
      if (arn.startsWith(`arn:aws:sns:`)) this.peers.notify(arn, alarm, old);
      else if (arn.includes(':autoscaling:') && value === 'ALARM')
        this.peers.executePolicy(arn, { name: alarm.AlarmName, value: metricValue, threshold: alarm.Threshold ?? 0 });
    }
  }
}
