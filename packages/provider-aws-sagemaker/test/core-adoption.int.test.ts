import { Autoscaler, StaticPolicies, buildNotifiers, validatePolicy, type AuditRecord, type PolicyInput } from '@autoscaler/core';
import { SageMakerProvider, compileNative, snsNotificationKind } from '../src';
import { REF, startWorld, type TestWorld } from './world';

let w: TestWorld | undefined;
afterEach(async () => w?.close());

const base: PolicyInput = {
  name: 'p',
  targets: [{ ...REF }],
  limits: { minReplicas: 1, maxReplicas: 4 },
  rules: [{ name: 'up', threshold: { alarm: 'hot', change: 1 } }],
};

describe('checkPolicy: what a real-time variant cannot do is refused before any AWS call', () => {
  const provider = new SageMakerProvider({} as never);

  it.each([
    ['limits.minReplicas', { ...base, limits: { minReplicas: 0, maxReplicas: 4 } }],
    [
      'rules[1].schedule.minReplicas',
      { ...base, rules: [...base.rules, { name: 'night', schedule: { start: '0 22 * * *', durationMinutes: 480, minReplicas: 0 } }] },
    ],
  ])('a zero floor at %s is an issue naming it', (path, doc) => {
    const issues = provider.checkPolicy(validatePolicy(doc), REF);
    expect(issues).toEqual([{ path, message: expect.stringContaining('keeps at least one instance') }]);
  });

  it('a floor of one is fine', () => {
    expect(provider.checkPolicy(validatePolicy(base), REF)).toEqual([]);
  });

  it('through the orchestrator: rejected with the field named, no SageMaker call made', async () => {
    w = await startWorld();
    const p = new SageMakerProvider(w.clients, { clock: w.clock });
    const before = w.fake.requests.length;
    const autoscaler = new Autoscaler({
      providers: [p],
      policies: new StaticPolicies([validatePolicy({ ...base, limits: { minReplicas: 0, maxReplicas: 4 } })]),
      clock: w.clock,
    });
    const record = await autoscaler.evaluate(REF);
    expect(record).toMatchObject({ outcome: 'rejected', code: 'VALIDATION' });
    expect(record.reason).toContain('limits.minReplicas');
    expect(w.fake.requests.length).toBe(before);
  });
});

describe('native export reads the new policy fields', () => {
  it('a step rule with metricAggregationType Maximum: the policy and its alarm aggregate with Maximum', () => {
    const p = validatePolicy({
      ...base,
      rules: [{ name: 'lat', step: { metric: 'ModelLatency', threshold: 500, metricAggregationType: 'Maximum', adjustments: [{ lower: 0, change: 1 }] } }],
    });
    const out = compileNative(p, REF);
    const policy = out.resources.find((r) => r.kind === 'ScalingPolicy');
    const alarm = out.resources.find((r) => r.kind === 'Alarm');
    expect(policy?.kind === 'ScalingPolicy' && policy.request.StepScalingPolicyConfiguration?.MetricAggregationType).toBe('Maximum');
    expect(alarm?.kind === 'Alarm' && alarm.request.Statistic).toBe('Maximum');
  });

  it('targetTracking customMetric becomes CustomizedMetricSpecification (namespace, statistic, unit, dimensions)', () => {
    const customMetric = { namespace: 'MyApp', statistic: 'Maximum' as const, unit: 'Milliseconds' as const, dimensions: { Model: 'm1' } };
    const p = validatePolicy({ ...base, rules: [{ name: 'tt', targetTracking: { metric: 'QueueWait', target: 200, customMetric } }] });
    const tt = compileNative(p, REF).resources.find((r) => r.kind === 'ScalingPolicy');
    expect(tt?.kind === 'ScalingPolicy' && tt.request.TargetTrackingScalingPolicyConfiguration?.CustomizedMetricSpecification).toEqual({
      MetricName: 'QueueWait',
      Namespace: 'MyApp',
      Statistic: 'Maximum',
      Unit: 'Milliseconds',
      Dimensions: [{ Name: 'Model', Value: 'm1' }],
    });
  });
});

describe('snsNotificationKind', () => {
  it('refuses a topic that is not an SNS ARN, naming the field', () => {
    expect(snsNotificationKind.schema.safeParse({ type: 'sns', topicArn: 'ops' }).error?.issues[0]?.path).toEqual(['topicArn']);
    expect(snsNotificationKind.schema.safeParse({ type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:ops', extra: 'x' }).success).toBe(false);
  });

  it("built by core's buildNotifiers, publishes the audit record to the fake's topic over the wire", async () => {
    w = await startWorld();
    w.fake.sns.createTopic('ops');
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:ops';
    const policy = validatePolicy({
      ...base,
      notifications: [
        { type: 'sns', topicArn },
        { type: 'ons', topicId: 'ocid1.onstopic.oc1..x' },
      ],
    });
    const warnings: unknown[] = [];
    const notifiers = buildNotifiers(policy, {
      kinds: [snsNotificationKind],
      deps: { clients: w.clients, clock: w.clock },
      logger: { log: (level, _m, fields) => level === 'warn' && warnings.push(fields) },
    });
    expect(notifiers.map((n) => n.name)).toEqual(['sns']);
    expect(warnings).toHaveLength(1);
    const record = { at: w.clock.now(), policy: 'p', target: REF, outcome: 'ok', reason: 'scaled 1 -> 2' } as unknown as AuditRecord;
    await notifiers[0]!.notify(record);
    expect(w.fake.sns.published).toHaveLength(1);
    expect(w.fake.sns.published[0]).toMatchObject({ topicArn });
    expect(JSON.parse(w.fake.sns.published[0]!.message)).toMatchObject({ reason: 'scaled 1 -> 2' });
  });
});
