import { AwsApiError, epochSeconds, optArray, optBool, optNumber, optString, optStringArray, reqString, type Input } from './wire';
import type { FakeWorld } from './world';

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
const OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'];
const ACTION_ARN = /^arn:aws[a-z-]*:(sns|autoscaling|lambda|ssm|ec2|swf|ssm-incidents):/;

const invalid = (msg: string): AwsApiError => new AwsApiError('InvalidParameterValueException', msg, 400, { queryCode: 'InvalidParameterValue' });
const missing = (name: string): AwsApiError => new AwsApiError('MissingRequiredParameterException', `The parameter ${name} is required.`, 400, { queryCode: 'MissingParameter' });

/** CloudWatch alarms (JSON 1.0 `GraniteServiceVersion20100801.*`, and the query protocol). */
export class FakeCloudWatch {
  private readonly alarms = new Map<string, MetricAlarm>();
  peers: CloudWatchPeers = { notify: () => undefined, executePolicy: () => undefined };

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
    if (metrics.length === 0 && (metricName === undefined || namespace === undefined)) throw invalid('Either MetricName and Namespace or Metrics must be specified.');
    const statistic = optString(input, 'Statistic');
    if (statistic !== undefined && !STATISTICS.includes(statistic)) throw invalid(`The parameter Statistic must be one of ${STATISTICS.join(', ')}.`);
    if (metricName !== undefined && statistic === undefined && optString(input, 'ExtendedStatistic') === undefined) throw missing('Statistic');
    const period = optNumber(input, 'Period', 1);
    if (metricName !== undefined && period === undefined) throw missing('Period');
    if (period !== undefined && !(period === 10 || period === 20 || period === 30 || period % 60 === 0)) throw invalid('The parameter Period must be 10, 20, 30 or a multiple of 60.');
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
    if (names.length > 0 && prefix !== undefined) throw new AwsApiError('InvalidParameterCombinationException', 'AlarmNames and AlarmNamePrefix cannot be specified together.', 400, { queryCode: 'InvalidParameterCombination' });
    const state = optString(input, 'StateValue');
    const actionPrefix = optString(input, 'ActionPrefix');
    const types = optStringArray(input, 'AlarmTypes');
    const max = optNumber(input, 'MaxRecords', 1) ?? 50;
    if (max > 100) throw invalid('The parameter MaxRecords must be less than or equal to 100.');
    const start = Number(optString(input, 'NextToken') ?? '0');
    if (!Number.isInteger(start) || start < 0) throw new AwsApiError('InvalidNextToken', 'The service returned an error due to invalid NextToken.', 400);
    const all = [...this.alarms.values()]
      .filter((a) => (names.length === 0 || names.includes(a.AlarmName)) && (prefix === undefined || a.AlarmName.startsWith(prefix)) && (state === undefined || a.StateValue === state))
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
      else if (arn.includes(':autoscaling:') && value === 'ALARM') this.peers.executePolicy(arn, { name: alarm.AlarmName, value: metricValue, threshold: alarm.Threshold ?? 0 });
    }
  }
}

