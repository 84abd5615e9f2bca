import { DescribeScalingPoliciesCommand } from '@aws-sdk/client-application-auto-scaling';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { validatePolicy, type PolicyInput } from '@autoscaler/core';
import { applyNative, compileNative, nativeStatus, teardownNative } from '../src';
import { sageMakerAlarmRequest } from '@autoscaler/sandbox-aws';
import { awsCron } from '../src/native/compile';
import { ENDPOINT, putUserStepPolicy, REF, registerByHand, startWorld, VARIANT, type TestWorld } from './world';

let w: TestWorld;
afterEach(async () => w?.close());

/** The SageMaker autoscaling notebook's three policies, written once in our language. */
const NOTEBOOK: PolicyInput = {
  name: 'notebook',
  targets: [{ ...REF }],
  limits: { minReplicas: 1, maxReplicas: 4, cooldown: { scaleOut: 300, scaleIn: 600 } },
  rules: [
    { name: 'invocations', targetTracking: { metric: 'InvocationsPerInstance', target: 10, scaleInCooldown: 600, scaleOutCooldown: 300 } },
    { name: 'cpu', targetTracking: { metric: 'CPUUtilization', target: 90 } },
    {
      name: 'latency',
      step: {
        metric: 'OverheadLatency',
        threshold: 100_000,
        adjustmentType: 'ChangeInCapacity',
        cooldown: 300,
        adjustments: [
          { lower: 0, upper: 50_000, change: 1 },
          { lower: 50_000, change: 2 },
        ],
      },
    },
  ],
};

describe('exportNative: the notebook as code', () => {
  const exported = compileNative(validatePolicy(NOTEBOOK), REF);

  it.each([
    [
      'ScalableTarget',
      { ServiceNamespace: 'sagemaker', ResourceId: REF.id, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 4 },
    ],
    [
      'target tracking on SageMakerVariantInvocationsPerInstance (target 10, in 600 s, out 300 s)',
      {
        PolicyName: 'autoscaler-notebook-invocations',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 10,
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          ScaleInCooldown: 600,
          ScaleOutCooldown: 300,
          DisableScaleIn: false,
        },
      },
    ],
    [
      'custom CPUUtilization target 90 in /aws/sagemaker/Endpoints',
      {
        PolicyName: 'autoscaler-notebook-cpu',
        TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
          TargetValue: 90,
          CustomizedMetricSpecification: {
            MetricName: 'CPUUtilization',
            Namespace: '/aws/sagemaker/Endpoints',
            Statistic: 'Average',
            Dimensions: [
              { Name: 'EndpointName', Value: ENDPOINT },
              { Name: 'VariantName', Value: VARIANT },
            ],
          },
        }),
      },
    ],
    [
      'step scaling on OverheadLatency with ChangeInCapacity steps and cooldown',
      {
        PolicyName: 'autoscaler-notebook-latency',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          Cooldown: 300,
          MetricAggregationType: 'Average',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50_000, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 50_000, ScalingAdjustment: 2 },
          ],
        },
      },
    ],
    [
      'the alarm that step policy needs',
      {
        AlarmName: `autoscaler-aas-${ENDPOINT}-${VARIANT}-latency`,
        MetricName: 'OverheadLatency',
        Namespace: 'AWS/SageMaker',
        Threshold: 100_000,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Period: 60,
      },
    ],
  ])('%s', (_what, expected) => {
    expect(exported.resources.map((r) => r.request)).toContainEqual(expect.objectContaining(expected));
  });

  it('reports what the native autoscaler cannot express, one line each', () => {
    const e = compileNative(
      validatePolicy({
        ...NOTEBOOK,
        limits: { ...NOTEBOOK.limits, sizes: ['ml.m5.large', 'ml.m5.xlarge'], maxStep: 2, stabilization: { scaleIn: 300 } },
        rules: [
          { name: 'bigger', threshold: { alarm: 'hot', size: 'next' } },
          {
            name: 'both-sides',
            step: {
              metric: 'CPUUtilization',
              threshold: 50,
              adjustments: [
                { upper: 10, change: -1 },
                { lower: 10, change: 1 },
              ],
            },
          },
          { name: 'nights', schedule: { start: '0 22 * * *', durationMinutes: 180, minReplicas: 1 } },
          { name: 'hpa', targetTracking: { metric: 'CPUUtilization', target: 60, algorithm: 'hpa' } },
          { name: 'canary-off', threshold: { metric: 'Invocation5XXErrors', above: 5, weight: 0 } },
        ],
      }),
      REF,
    );
    expect(e.unsupported).toEqual([
      expect.stringMatching(/^rules\[0\] bigger: vertical scaling/),
      expect.stringMatching(/^rules\[1\] both-sides: a step interval spanning the threshold/),
      expect.stringMatching(/^rules\[2\] nights: schedule .* cannot be written/),
      expect.stringMatching(/^rules\[3\] hpa: native target tracking uses AWS's own tolerance/),
      'rules[4] canary-off: a traffic weight (weight 0) has no Application Auto Scaling dimension; the autoscaler app sets DesiredWeight',
      expect.stringMatching(/^limits\.sizes/),
      expect.stringMatching(/^limits\.maxStep/),
      expect.stringMatching(/^limits\.stabilization/),
    ]);
  });

  it.each([
    ['0 8 * * 1-5', 'cron(0 8 ? * 2-6 *)'],
    ['30 6 1 * *', 'cron(30 6 1 * ? *)'],
    ['0 8 1 * 1', undefined],
  ])('cron %s -> %s', (cron, aws) => expect(awsCron(cron)).toBe(aws));
});

describe('applyNative / teardown against the fake', () => {
  it('applies, is idempotent (no writes the second time), and the policies act through their alarms', async () => {
    w = await startWorld();
    const exported = compileNative(validatePolicy(NOTEBOOK), REF);
    const first = await applyNative(w.clients, exported);
    expect(first.map((c) => `${c.action} ${c.kind}`).sort()).toEqual([
      'created Alarm',
      'created ScalableTarget',
      'created ScalingPolicy',
      'created ScalingPolicy',
      'created ScalingPolicy',
    ]);
    const writes = (): number => w.fake.requests.filter((r) => /^(Put|Register|Delete|Deregister|Tag)/.test(r.operation)).length;
    const before = writes();
    const second = await applyNative(w.clients, exported);
    expect(second.every((c) => c.action === 'unchanged')).toBe(true);
    expect(writes()).toBe(before);
    // Target tracking made its own alarms; the step alarm drives the step policy (value 180000: +2).
    expect(w.fake.cloudwatch.names().filter((n) => n.startsWith('TargetTracking-'))).toHaveLength(4);
    await w.clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: `autoscaler-aas-${ENDPOINT}-${VARIANT}-latency`,
        StateValue: 'ALARM',
        StateReason: 't',
        StateReasonData: JSON.stringify({ recentDatapoints: [180_000] }),
      }),
    );
    expect(w.fake.sagemaker.desiredCount(ENDPOINT, VARIANT)).toBe(4);
    const status = await nativeStatus(w.clients, REF);
    expect(status.target).toMatchObject({ MinCapacity: 1, MaxCapacity: 4 });
    expect(status.activities[0]).toMatchObject({ StatusCode: 'Successful' });
  });

  it('converges when the policy changes: changed policies updated, removed rules deleted', async () => {
    w = await startWorld();
    await applyNative(w.clients, compileNative(validatePolicy(NOTEBOOK), REF));
    const smaller = validatePolicy({ ...NOTEBOOK, limits: { ...NOTEBOOK.limits, maxReplicas: 8 }, rules: [NOTEBOOK.rules[0]!] });
    const changes = await applyNative(w.clients, compileNative(smaller, REF));
    expect(
      changes
        .filter((c) => c.action !== 'unchanged')
        .map((c) => `${c.action} ${c.kind} ${c.name}`)
        .sort(),
    ).toEqual([
      `deleted Alarm autoscaler-aas-${ENDPOINT}-${VARIANT}-latency`,
      'deleted ScalingPolicy autoscaler-notebook-cpu',
      'deleted ScalingPolicy autoscaler-notebook-latency',
      `updated ScalableTarget ${REF.id}`,
    ]);
  });

  it('teardown removes exactly what it created, leaving the user own policy and alarm; refuses a foreign registration', async () => {
    w = await startWorld();
    await registerByHand(w, 1, 3);
    await expect(applyNative(w.clients, compileNative(validatePolicy(NOTEBOOK), REF))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('by someone else'),
    });
    await putUserStepPolicy(w, 'users-own');
    await w.clients.cloudwatch.send(new PutMetricAlarmCommand(sageMakerAlarmRequest({ name: 'users-alarm', metric: 'Invocations', threshold: 5 })));
    await applyNative(w.clients, compileNative(validatePolicy(NOTEBOOK), REF), { adopt: true });
    const removed = await teardownNative(w.clients, REF, 'notebook');
    expect(removed.map((c) => c.name).sort()).toEqual([
      `autoscaler-aas-${ENDPOINT}-${VARIANT}-latency`,
      'autoscaler-notebook-cpu',
      'autoscaler-notebook-invocations',
      'autoscaler-notebook-latency',
      REF.id,
    ]);
    expect(w.fake.cloudwatch.names()).toEqual(['users-alarm']);
    // Adopted targets are deregistered too (they carry our owner tag now), which takes users-own with them: AAS semantics.
    expect((await (await w.clients.autoscalingClient()).send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }))).ScalingPolicies).toEqual(
      [],
    );
  });

  it('teardown of a target someone else owns keeps the registration and their policies', async () => {
    w = await startWorld();
    await applyNative(w.clients, compileNative(validatePolicy(NOTEBOOK), REF));
    await putUserStepPolicy(w, 'users-own');
    const removed = await teardownNative(w.clients, REF, 'another-policy');
    expect(removed.filter((c) => c.kind !== 'Alarm')).toEqual([]);
    expect(w.fake.autoscaling.isRegistered(REF.id)).toBe(true);
  });
});
