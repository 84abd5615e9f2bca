import { GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ValidationError, systemClock } from '@autoscaler/core';
import type { CallOptions, Clock, HistoryQuery, MetricPoint, MetricSource, TargetRef } from '@autoscaler/core';
import { callWithin } from '../aws-errors';
import { mergeBudgets } from '../budget';
import type { AwsClients } from '../clients';
import { parseTargetId, PROVIDER_NAME } from '../ids';

/** How a metric is read: namespace, statistic, finest period, and whether a missing period means zero. */
interface MetricSpec {
  namespace: 'AWS/SageMaker' | '/aws/sagemaker/Endpoints';
  metricName: string;
  stat: 'Sum' | 'Average' | 'Maximum';
  minPeriod: number;
  /** Counts: CloudWatch publishes nothing for a minute without invocations, which means 0, not "unknown". */
  zeroFill: boolean;
  /** Asynchronous-endpoint metrics carry the EndpointName dimension only (the queue is the endpoint's). */
  endpointOnly?: boolean;
  /** Published per inference component (InferenceComponentName) only. */
  componentOnly?: boolean;
}

const invocation = (metricName: string, stat: MetricSpec['stat'] = 'Sum', zeroFill = true): MetricSpec => ({
  namespace: 'AWS/SageMaker',
  metricName,
  stat,
  minPeriod: 60,
  zeroFill,
});
const instance = (metricName: string): MetricSpec => ({ namespace: '/aws/sagemaker/Endpoints', metricName, stat: 'Average', minPeriod: 60, zeroFill: false });

/**
 * Canonical names (core's `CANONICAL_METRICS`) and the native SageMaker names this source serves.
 * `cpu` is SageMaker's CPUUtilization: the sum over the instance's cores (0-100% x vCPUs), averaged
 * over instances; it is not normalised to 0-100.
 */
const METRICS: Readonly<Record<string, MetricSpec>> = {
  requests: invocation('Invocations'),
  cpu: instance('CPUUtilization'),
  memory: instance('MemoryUtilization'),
  Invocations: invocation('Invocations'),
  InvocationsPerInstance: invocation('InvocationsPerInstance'),
  Invocation4XXErrors: invocation('Invocation4XXErrors'),
  Invocation5XXErrors: invocation('Invocation5XXErrors'),
  ModelLatency: invocation('ModelLatency', 'Average', false),
  OverheadLatency: invocation('OverheadLatency', 'Average', false),
  // High resolution (10 s) where the endpoint publishes it; absent periods stay absent (an
  // endpoint that does not publish it must not look idle).
  ConcurrentRequestsPerModel: { namespace: 'AWS/SageMaker', metricName: 'ConcurrentRequestsPerModel', stat: 'Maximum', minPeriod: 10, zeroFill: false },
  // Asynchronous endpoints: the queue per endpoint, published every minute.
  ApproximateBacklogSize: { ...invocation('ApproximateBacklogSize', 'Average', false), endpointOnly: true },
  ApproximateBacklogSizePerInstance: { ...invocation('ApproximateBacklogSizePerInstance', 'Average', false), endpointOnly: true },
  HasBacklogWithoutCapacity: { ...invocation('HasBacklogWithoutCapacity', 'Average', false), endpointOnly: true },
  // Inference components: per copy, on the InferenceComponentName dimension.
  InvocationsPerCopy: { ...invocation('InvocationsPerCopy'), componentOnly: true },
  ConcurrentRequestsPerCopy: {
    namespace: 'AWS/SageMaker',
    metricName: 'ConcurrentRequestsPerCopy',
    stat: 'Maximum',
    minPeriod: 10,
    zeroFill: false,
    componentOnly: true,
  },
  NoCapacityInvocationFailures: { ...invocation('NoCapacityInvocationFailures'), componentOnly: true },
  CPUUtilization: instance('CPUUtilization'),
  MemoryUtilization: instance('MemoryUtilization'),
  GPUUtilization: instance('GPUUtilization'),
  GPUMemoryUtilization: instance('GPUMemoryUtilization'),
  DiskUtilization: instance('DiskUtilization'),
};

export const CLOUDWATCH_METRIC_NAMES: readonly string[] = Object.keys(METRICS);

export interface CloudWatchMetricSourceOptions {
  clock?: Clock;
  /** Pages of GetMetricData read per history call at most (default 5; newest pages first, so a cut drops the oldest points). */
  maxPages?: number;
  /**
   * Seconds from a period's end until CloudWatch has its datapoint (default 60, an estimate: AWS
   * documents no figure for SageMaker's metrics). Periods younger than this are not asked for, so a
   * zero fill never reports a minute that is merely not published yet as idle.
   */
  publishDelaySeconds?: number;
  /** The budget of the invocation in progress when the caller passes none (the Lambda sets it). */
  budget?: () => CallOptions | undefined;
}

/** A valid CloudWatch period: 10, 20, 30 or a multiple of 60 seconds. */
function validPeriod(p: number): boolean {
  return Number.isInteger(p) && (p === 10 || p === 20 || p === 30 || (p >= 60 && p % 60 === 0));
}

/**
 * The pull contract on CloudWatch `GetMetricData`: one call (a few pages at most) per history
 * request, for `AWS/SageMaker` invocation metrics (`Invocations` Sum by EndpointName/VariantName,
 * gaps filled with 0 by the metric math expression `FILL(m1, 0)` because CloudWatch omits minutes
 * without invocations), the high-resolution `ConcurrentRequestsPerModel`, and the
 * `/aws/sagemaker/Endpoints` utilization metrics.
 */
export class CloudWatchMetricSource implements MetricSource {
  readonly name = 'cloudwatch-metrics';
  readonly provider = PROVIDER_NAME;
  readonly periodSeconds = 60;
  readonly publishDelaySeconds: number;
  private readonly clock: Clock;
  private readonly maxPages: number;

  constructor(
    private readonly clients: Pick<AwsClients, 'cloudwatch'>,
    private readonly options: CloudWatchMetricSourceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxPages = options.maxPages ?? 5;
    this.publishDelaySeconds = options.publishDelaySeconds ?? 60;
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1)
      throw ValidationError.field('maxPages', `must be a whole number >= 1, got ${String(options.maxPages)}`);
  }

  async history(ref: TargetRef, query: HistoryQuery, options?: CallOptions): Promise<MetricPoint[]> {
    if (ref.provider !== PROVIDER_NAME) throw ValidationError.field('target.provider', `"${ref.provider}" is not ${PROVIDER_NAME}`);
    const id = parseTargetId(ref.id);
    const spec = METRICS[query.metric];
    if (!spec)
      throw ValidationError.field(
        'metric',
        `"${String(query.metric).slice(0, 80)}" is not a metric this source serves (use requests, cpu, memory or one of ${CLOUDWATCH_METRIC_NAMES.filter((m) => !['requests', 'cpu', 'memory'].includes(m)).join(', ')})`,
      );
    const period = query.periodSeconds;
    if (!validPeriod(period))
      throw ValidationError.field('periodSeconds', `must be 10, 20, 30 or a multiple of 60 (CloudWatch periods), got ${String(period)}`);
    if (period < spec.minPeriod)
      throw ValidationError.field(
        'periodSeconds',
        `${query.metric} is published every ${spec.minPeriod} s; ask for ${spec.minPeriod} s or more, not ${period}`,
      );
    if (!Number.isFinite(query.from) || !Number.isFinite(query.to)) throw ValidationError.field('from', 'from and to must be epoch milliseconds');
    const ms = period * 1000;
    const start = Math.ceil(query.from / ms) * ms;
    // Only periods that have ended and been published: younger ones would come back empty (or zero-filled).
    const published = Math.floor((this.clock.now() - this.publishDelaySeconds * 1000) / ms) * ms;
    const end = Math.min(Math.floor(query.to / ms) * ms, published);
    if (end <= start) return [];

    if (id.kind === 'component' ? spec.endpointOnly === true || spec.namespace !== 'AWS/SageMaker' : spec.componentOnly === true)
      throw ValidationError.field(
        'metric',
        `${query.metric} is not published for ${id.kind === 'component' ? 'an inference component (it is per endpoint or per instance)' : 'a variant (it is per inference component)'}`,
      );
    const dimensions =
      id.kind === 'component'
        ? [{ Name: 'InferenceComponentName', Value: id.component }]
        : [{ Name: 'EndpointName', Value: id.endpoint }, ...(spec.endpointOnly === true ? [] : [{ Name: 'VariantName', Value: id.variant }])];
    const label = id.kind === 'component' ? `inference-component/${id.component}` : `${id.endpoint}/${id.variant}`;
    const queries: MetricDataQuery[] = [
      {
        Id: 'm1',
        MetricStat: { Metric: { Namespace: spec.namespace, MetricName: spec.metricName, Dimensions: dimensions }, Period: period, Stat: spec.stat },
        ReturnData: true,
      },
    ];
    if (spec.zeroFill) queries.push({ Id: 'filled', Expression: 'FILL(m1, 0)', Label: `${spec.metricName} (missing = 0)`, ReturnData: true });

    // History is an input to the decision: it may use at most half of the time left, so a hung
    // GetMetricData leaves the describe and the change theirs (the predictive rule falls back).
    const given = mergeBudgets(options, this.options.budget?.());
    const budget = given?.deadline !== undefined ? { ...given, deadline: this.clock.now() + Math.max(0, given.deadline - this.clock.now()) / 2 } : given;
    const raw = new Map<number, number>();
    const filled = new Map<number, number>();
    let token: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const out: GetMetricDataCommandOutput = await callWithin(`GetMetricData ${spec.metricName} ${label}`, budget, this.clock, (http) =>
        this.clients.cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: new Date(start),
            EndTime: new Date(end),
            ScanBy: 'TimestampDescending',
            ...(token ? { NextToken: token } : {}),
          }),
          http,
        ),
      );
      for (const r of out.MetricDataResults ?? []) {
        const into = r.Id === 'filled' ? filled : r.Id === 'm1' ? raw : undefined;
        if (!into) continue;
        const ts = r.Timestamps ?? [];
        const vs = r.Values ?? [];
        for (let i = 0; i < ts.length && i < vs.length; i++) {
          const at = ts[i]!.getTime();
          const v = vs[i]!;
          if (Number.isFinite(at) && Number.isFinite(v) && at >= start && at < end) into.set(at, v);
        }
      }
      token = out.NextToken;
      if (!token) break;
    }
    // A series with no datapoint at all is "no data" (the endpoint publishes nothing, or is new), never a run of zeros.
    if (!spec.zeroFill || raw.size === 0) return toPoints(raw);
    const series = new Map([...filled, ...raw]);
    if (token && filled.size > 0) {
      // Cut short after maxPages: pages run newest first, so keep only the span the fill covered.
      const oldest = Math.min(...filled.keys());
      for (const at of [...series.keys()]) if (at < oldest) series.delete(at);
    }
    return toPoints(series);
  }
}

function toPoints(series: ReadonlyMap<number, number>): MetricPoint[] {
  return [...series].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at, value }));
}
