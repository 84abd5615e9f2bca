import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { validatePolicy, type PolicyInput, type TargetRef } from '@autoscaler/core';
import { applyNative, compileNative, nativeStatus, teardownNative } from '../src';
import { startWorld, type TestWorld } from './world';

const IC = 'llama-ic';
const IC_REF: TargetRef = { provider: 'aws-sagemaker', id: `inference-component/${IC}` };
const WAKE_ALARM = `autoscaler-aas-ic-${IC}-wake-from-zero`;

let w: TestWorld;
afterEach(async () => w?.close());

const ZERO: PolicyInput = {
  name: 'ic-zero',
  targets: [{ ...IC_REF }],
  limits: { minReplicas: 0, maxReplicas: 4, cooldown: { scaleOut: 60, scaleIn: 300 } },
  rules: [{ name: 'per-copy', targetTracking: { metric: 'ConcurrentRequestsPerCopy', target: 4 } }],
};

async function world(copies = 0): Promise<TestWorld> {
  w = await startWorld({ inferenceComponents: [{ name: IC, endpoint: 'shared', copies, tags: { 'autoscaler:managed': 'true' } }] });
  return w;
}

describe('setup / status / teardown aws for an inference component (Application Auto Scaling fake)', () => {
  it('registers inference-component/<name> on DesiredCopyCount with min 0, its target tracking, and the wake-up step policy with its alarm', async () => {
    await world();
    const exported = compileNative(validatePolicy(ZERO), IC_REF);
    const first = await applyNative(w.clients, exported);
    expect(first.map((c) => `${c.action} ${c.kind} ${c.name}`).sort()).toEqual([
      `created Alarm ${WAKE_ALARM}`,
      `created ScalableTarget ${IC_REF.id}`,
      'created ScalingPolicy autoscaler-ic-zero-per-copy',
      'created ScalingPolicy autoscaler-ic-zero-wake-from-zero',
    ]);
    const targets = await (
      await w.clients.autoscalingClient()
    ).send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: [IC_REF.id] }));
    expect(targets.ScalableTargets).toEqual([
      expect.objectContaining({ ResourceId: IC_REF.id, ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 0, MaxCapacity: 4 }),
    ]);
    // Idempotent: a second run writes nothing.
    const writes = (): number => w.fake.requests.filter((r) => /^(Put|Register|Delete|Deregister|Tag)/.test(r.operation)).length;
    const before = writes();
    expect((await applyNative(w.clients, exported)).every((c) => c.action === 'unchanged')).toBe(true);
    expect(writes()).toBe(before);

    // The target-tracking alarms the service made watch the component's per-copy metric.
    const tt = w.fake.cloudwatch.names().filter((n) => n.startsWith(`TargetTracking-${IC_REF.id}-`));
    expect(tt).toHaveLength(2);

    // A request finds no capacity: the wake alarm fires its step policy, one copy comes back.
    await w.clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: WAKE_ALARM, StateValue: 'ALARM', StateReason: 't', StateReasonData: JSON.stringify({ recentDatapoints: [3] }) }),
    );
    expect(w.fake.sagemaker.componentSnapshot(IC)).toMatchObject({ desired: 1, status: 'Updating' });

    const status = await nativeStatus(w.clients, IC_REF);
    expect(status.target).toMatchObject({ MinCapacity: 0, MaxCapacity: 4 });
    expect(status.policies.map((p) => p.PolicyName).sort()).toEqual(['autoscaler-ic-zero-per-copy', 'autoscaler-ic-zero-wake-from-zero']);
    expect(status.alarms.map((a) => [a.AlarmName, a.MetricName])).toEqual([[WAKE_ALARM, 'NoCapacityInvocationFailures']]);
    expect(status.activities[0]).toMatchObject({ StatusCode: 'Successful', Description: 'Setting desired copy count to 1.' });

    const removed = await teardownNative(w.clients, IC_REF, 'ic-zero');
    expect(removed.map((c) => `${c.action} ${c.kind} ${c.name}`).sort()).toEqual([
      `deleted Alarm ${WAKE_ALARM}`,
      `deleted ScalableTarget ${IC_REF.id}`,
      'deleted ScalingPolicy autoscaler-ic-zero-per-copy',
      'deleted ScalingPolicy autoscaler-ic-zero-wake-from-zero',
    ]);
    expect(w.fake.cloudwatch.names()).toEqual([]);
    expect(w.fake.autoscaling.policyCount()).toBe(0);
  });

  it('the wake alarm is the documented one: NoCapacityInvocationFailures, InferenceComponentName, Sum over 60 s, one datapoint', () => {
    const alarm = compileNative(validatePolicy(ZERO), IC_REF).resources.find((r) => r.kind === 'Alarm');
    expect(alarm?.kind === 'Alarm' && alarm.request).toMatchObject({
      AlarmName: WAKE_ALARM,
      Namespace: 'AWS/SageMaker',
      MetricName: 'NoCapacityInvocationFailures',
      Dimensions: [{ Name: 'InferenceComponentName', Value: IC }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it("the service's target-tracking pair comes from cloud-semantics: AlarmHigh 3 x 10 s on the high-resolution per-copy metric, AlarmLow 15 x 60 s at 90 %", async () => {
    await world(2);
    await applyNative(w.clients, compileNative(validatePolicy(ZERO), IC_REF));
    const out = await w.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `TargetTracking-${IC_REF.id}-` }));
    const byKind = (k: string) => out.MetricAlarms!.find((a) => a.AlarmName!.includes(`-${k}-`))!;
    expect(byKind('AlarmHigh')).toMatchObject({
      MetricName: 'ConcurrentRequestsPerCopy',
      Dimensions: [{ Name: 'InferenceComponentName', Value: IC }],
      Period: 10,
      EvaluationPeriods: 3,
      Threshold: 4,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(byKind('AlarmLow')).toMatchObject({ Period: 60, EvaluationPeriods: 15, Threshold: 3.6, ComparisonOperator: 'LessThanThreshold' });
  });

  it('target tracking scales a component in to zero copies, and only the wake-up step brings it back', async () => {
    await world(2);
    await applyNative(w.clients, compileNative(validatePolicy(ZERO), IC_REF));
    const low = w.fake.cloudwatch.names().find((n) => n.startsWith(`TargetTracking-${IC_REF.id}-AlarmLow`))!;
    await w.clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: low, StateValue: 'ALARM', StateReason: 't', StateReasonData: JSON.stringify({ recentDatapoints: [0] }) }),
    );
    expect(w.fake.sagemaker.componentSnapshot(IC)).toMatchObject({ desired: 0 });
  });

  it('the fake refuses what the service refuses: a component id on the variant dimension, a missing component, a variant metric on a component', async () => {
    await world();
    const aas = await w.clients.autoscalingClient();
    await expect(
      aas.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: IC_REF.id,
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
          MinCapacity: 0,
          MaxCapacity: 2,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      aas.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: 'inference-component/nope',
          ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
          MinCapacity: 0,
          MaxCapacity: 2,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('nope') });
    const wrongMetric = validatePolicy({ ...ZERO, rules: [{ name: 'tt', targetTracking: { metric: 'InvocationsPerCopy', target: 4 } }] });
    const exported = compileNative(wrongMetric, IC_REF);
    for (const r of exported.resources)
      if (r.kind === 'ScalingPolicy' && r.request.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification)
        r.request.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType = 'SageMakerVariantInvocationsPerInstance';
    await expect(applyNative(w.clients, exported)).rejects.toMatchObject({ message: expect.stringContaining('Unsupported predefined metric type') });
  });
});
