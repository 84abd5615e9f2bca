import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AutoscalerStack } from '../src/stack/autoscaler-stack';

const POLICY = `
name: prod
targets:
  - { provider: aws-sagemaker, id: endpoint/my-endpoint/variant/AllTraffic }
limits: { minReplicas: 1, maxReplicas: 8, sizes: [ml.m5.large, ml.m5.xlarge] }
rules:
  - { name: cpu-high, threshold: { metric: CPUUtilization, above: 80, change: 1 } }
  - { name: invocations, targetTracking: { metric: InvocationsPerInstance, target: 10 } }
notifications:
  - { type: sns, topicArn: arn:aws:sns:us-east-1:123456789012:ops }
`;

function synth(policyText = POLICY): Template {
  const app = new App();
  const stack = new AutoscalerStack(app, 'Autoscaler', { policyText, code: Code.fromInline('export const handler = async () => ({})'), env: { account: '123456789012', region: 'us-east-1' } });
  return Template.fromStack(stack);
}

/** Every IAM statement in the template, flattened. */
function statements(t: Template): Array<{ Sid?: string; Action: string | string[]; Resource: unknown }> {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Sid?: string; Action: string | string[]; Resource: unknown }> } } }).Properties.PolicyDocument.Statement);
}

describe('AutoscalerStack (cdk synth)', () => {
  const t = synth();

  it('deploys the handler on Node 20 with the validated policy as JSON and the topic allow-list', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Environment: { Variables: { AUTOSCALER_POLICY: Match.stringLikeRegexp('^\\{"apiVersion":"autoscaler.dev/v1"'), AUTOSCALER_SNS_TOPIC_ARNS: { Ref: Match.stringLikeRegexp('AlarmTopic') } } },
    });
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('least privilege: SageMaker writes only on the named endpoint, no wildcard actions, no managed policies', () => {
    const all = statements(t);
    const scale = all.find((s) => s.Sid === 'ScaleTheNamedEndpoints')!;
    expect(scale.Action).toEqual(['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities', 'sagemaker:ListTags', 'sagemaker:AddTags', 'sagemaker:DeleteTags']);
    expect(JSON.stringify(scale.Resource)).toContain(':endpoint/my-endpoint"');
    expect(JSON.stringify(scale.Resource)).not.toContain('*');
    for (const s of all) for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*$/);
    const star = all.filter((s) => s.Resource === '*').map((s) => s.Sid);
    expect(star).toEqual(['MoveAutoScalingRegistration']);
    expect(all.find((s) => s.Sid === 'Notify')!.Resource).toBe('arn:aws:sns:us-east-1:123456789012:ops');
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as Array<{ Properties: { ManagedPolicyArns?: unknown } }>;
    expect(roles.every((r) => r.Properties.ManagedPolicyArns === undefined)).toBe(true);
  });

  it('without a size ladder there is no UpdateEndpoint, CreateEndpointConfig or Application Auto Scaling permission', () => {
    const flat = synth(POLICY.replace(', sizes: [ml.m5.large, ml.m5.xlarge]', ''));
    const actions = statements(flat).flatMap((s) => [s.Action].flat());
    expect(actions).not.toEqual(expect.arrayContaining(['sagemaker:UpdateEndpoint']));
    expect(actions.filter((a) => a.startsWith('application-autoscaling:') || a === 'sagemaker:CreateEndpointConfig')).toEqual([]);
  });

  it('creates the alarms the policy needs, notifying the topic', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'autoscaler-app-my-endpoint-AllTraffic-cpu-high',
      MetricName: 'CPUUtilization',
      Namespace: '/aws/sagemaker/Endpoints',
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'EndpointName', Value: 'my-endpoint' }, { Name: 'VariantName', Value: 'AllTraffic' }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'autoscaler-app-my-endpoint-AllTraffic-invocations-low', Threshold: 9, ComparisonOperator: 'LessThanThreshold', Statistic: 'Sum' });
  });

  it('refuses an invalid policy at synth time, naming the field', () => {
    expect(() => synth('name: x\nlimits: { maxReplicas: 0 }\nrules: []')).toThrow(/limits\.maxReplicas|rules/);
  });
});
