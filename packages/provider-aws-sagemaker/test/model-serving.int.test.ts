import { validatePolicy, type PolicyInput } from '@autoscaler/core';
import { CloudWatchMetricSource, SageMakerProvider, compileNative, type NativeResource } from '../src';
import { ENDPOINT, REF, startWorld, type TestWorld } from './world';

let w: TestWorld | undefined;
afterEach(async () => w?.close());

const provider = new SageMakerProvider({} as never);

/** AWS's asynchronous-endpoint recipe (docs: async-inference-autoscale) in our language. */
const ASYNC: PolicyInput = {
  name: 'async',
  targets: [{ ...REF }],
  limits: { minReplicas: 0, maxReplicas: 5, cooldown: { scaleOut: 300, scaleIn: 600 } },
  rules: [
    { name: 'backlog', targetTracking: { metric: 'ApproximateBacklogSizePerInstance', target: 5 } },
    { name: 'wake', step: { metric: 'HasBacklogWithoutCapacity', threshold: 1, adjustments: [{ lower: 0, change: 1 }] } },
  ],
};

const byKind = (resources: NativeResource[], kind: NativeResource['kind']): NativeResource[] => resources.filter((r) => r.kind === kind);

describe('asynchronous endpoints: down to zero on the backlog, woken by HasBacklogWithoutCapacity', () => {
  it('a zero floor is allowed when a step rule on HasBacklogWithoutCapacity wakes the endpoint', () => {
    expect(provider.checkPolicy(validatePolicy(ASYNC), REF)).toEqual([]);
  });

  it('without the wake-up rule the zero floor is refused, naming limits.minReplicas', () => {
    const issues = provider.checkPolicy(validatePolicy({ ...ASYNC, rules: [ASYNC.rules[0]!] }), REF);
    expect(issues).toEqual([{ path: 'limits.minReplicas', message: expect.stringContaining('HasBacklogWithoutCapacity to wake it') }]);
  });

  it('exports as AWS documents it: MinCapacity 0, backlog per instance on EndpointName only, a step policy and alarm on HasBacklogWithoutCapacity', () => {
    const out = compileNative(validatePolicy(ASYNC), REF).resources;
    expect(byKind(out, 'ScalableTarget')[0]).toMatchObject({ request: { MinCapacity: 0, MaxCapacity: 5 } });
    const [tt, step] = byKind(out, 'ScalingPolicy');
    expect(tt).toMatchObject({
      request: {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 5,
          CustomizedMetricSpecification: {
            MetricName: 'ApproximateBacklogSizePerInstance',
            Namespace: 'AWS/SageMaker',
            Statistic: 'Average',
            Dimensions: [{ Name: 'EndpointName', Value: ENDPOINT }],
          },
        },
      },
    });
    expect(step).toMatchObject({
      request: {
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
      },
    });
    expect(byKind(out, 'Alarm')[0]).toMatchObject({
      request: {
        MetricName: 'HasBacklogWithoutCapacity',
        Namespace: 'AWS/SageMaker',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'EndpointName', Value: ENDPOINT }],
      },
    });
  });

  it('the metric source reads the backlog per endpoint (EndpointName only) over the wire', async () => {
    w = await startWorld();
    const now = w.clock.now();
    const start = Math.floor(now / 60_000) * 60_000 - 10 * 60_000;
    w.fake.cloudwatch.putMetricData('AWS/SageMaker', 'ApproximateBacklogSizePerInstance', { EndpointName: ENDPOINT }, [{ at: start + 30_000, value: 12 }]);
    const points = await new CloudWatchMetricSource(w.clients, { clock: w.clock }).history(REF, {
      metric: 'ApproximateBacklogSizePerInstance',
      from: start,
      to: now,
      periodSeconds: 60,
    });
    expect(points).toEqual([{ at: start, value: 12 }]);
  });
});

describe('high-resolution concurrency (10 s) for target tracking', () => {
  /** Target tracking of `metric` at 5 on REF. */
  const tracking = (name: string, metric: string) =>
    validatePolicy({ name: 'hr', targets: [{ ...REF }], limits: { maxReplicas: 8 }, rules: [{ name, targetTracking: { metric, target: 5 } }] });

  it('ConcurrentRequestsPerModel exports as the high-resolution predefined metric', () => {
    const p = tracking('concurrency', 'ConcurrentRequestsPerModel');
    const [tt] = byKind(compileNative(p, REF).resources, 'ScalingPolicy');
    expect(tt).toMatchObject({
      request: {
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 5,
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution' },
        },
      },
    });
  });

  it('ConcurrentRequestsPerCopy on a variant is refused, naming the rule field (only inference components publish it)', () => {
    const p = tracking('copies', 'ConcurrentRequestsPerCopy');
    expect(provider.checkPolicy(p, REF)).toEqual([
      { path: 'rules[0].targetTracking.metric', message: expect.stringContaining('per inference-component copy') },
    ]);
  });
});
