import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// Synthesis writes an assembly: into one folder this file removes, not a new cdk.out* per synth.
const outdir = mkdtempSync(join(tmpdir(), 'autoscaler-stack-test-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
let n = 0;

function synth(policyText = POLICY): Template {
  const app = new App({ outdir: join(outdir, String(n++)) });
  const stack = new AutoscalerStack(app, 'Autoscaler', {
    policyText,
    code: Code.fromInline('export const handler = async () => ({})'),
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return Template.fromStack(stack);
}

/** Every IAM statement in the template, flattened. */
type Statement = { Sid?: string; Effect?: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
function statements(t: Template, type = 'AWS::IAM::Policy'): Statement[] {
  return Object.values(t.findResources(type)).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

describe('AutoscalerStack (cdk synth)', () => {
  const t = synth();

  it('deploys the handler (nodejs22.x: 20 is deprecated) with the validated policy as JSON and the topic allow-list', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Environment: {
        Variables: {
          AUTOSCALER_POLICY: Match.stringLikeRegexp('^\\{"apiVersion":"autoscaler.dev/v1"'),
          AUTOSCALER_SNS_TOPIC_ARNS: { Ref: Match.stringLikeRegexp('AlarmTopic') },
        },
      },
    });
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('least privilege: SageMaker writes only on the named endpoint, alarms by the stack prefix, Application Auto Scaling writes only on owner-tagged targets', () => {
    const all = statements(t);
    const bySid = (sid: string): Statement => all.find((s) => s.Sid === sid)!;
    const scale = bySid('ScaleTheNamedEndpoints');
    expect(scale.Action).toEqual([
      'sagemaker:DescribeEndpoint',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sagemaker:ListTags',
      'sagemaker:AddTags',
      'sagemaker:DeleteTags',
    ]);
    expect(JSON.stringify(scale.Resource)).toContain(':endpoint/my-endpoint"');
    expect(JSON.stringify(scale.Resource)).not.toContain('*');
    for (const s of all) for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*$/);
    // Only calls with no resource-level permissions get "*".
    expect(
      all
        .filter((s) => s.Resource === '*')
        .map((s) => s.Sid)
        .sort(),
    ).toEqual(['ReadAutoScalingRegistration', 'ReadMetricHistory']);
    expect(bySid('ReadMetricHistory').Action).toBe('cloudwatch:GetMetricData');
    expect(JSON.stringify(bySid('VerifyAndRecheckOwnAlarms').Resource)).toContain(':alarm:autoscaler-app-my-endpoint-*');
    expect(JSON.stringify(bySid('RepointOwnStepAlarms').Resource)).toContain(':alarm:autoscaler-aas-my-endpoint-*');
    expect(JSON.stringify(bySid('ResizeBlueGreen').Resource)).toContain(':endpoint-config/my-endpoint-as*');
    expect(JSON.stringify(bySid('ResizeBlueGreen').Resource)).not.toContain('endpoint-config/*');
    expect(bySid('MoveOwnRegistrationAside').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/autoscaler:owner': 'prod' } });
    expect(bySid('RegisterOwnRegistrationAgain').Condition).toEqual({ StringEquals: { 'aws:RequestTag/autoscaler:owner': 'prod' } });
    expect(JSON.stringify(bySid('MoveOwnRegistrationAside').Resource)).toContain(':scalable-target/*');
    expect(bySid('Notify').Resource).toBe('arn:aws:sns:us-east-1:123456789012:ops');
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as Array<{ Properties: { ManagedPolicyArns?: unknown } }>;
    expect(roles.every((r) => r.Properties.ManagedPolicyArns === undefined)).toBe(true);
  });

  it('the alarm topic lets only CloudWatch (this account) publish, and denies everyone else', () => {
    const topic = statements(t, 'AWS::SNS::TopicPolicy');
    const publish = (sid: string) => topic.filter((s) => s.Sid === sid).map((s) => [s.Effect, s.Action, s.Principal, s.Condition]);
    expect(publish('OnlyCloudWatchAlarmsOfThisAccountPublish')).toEqual([
      ['Allow', 'sns:Publish', { Service: 'cloudwatch.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': '123456789012' } }],
    ]);
    expect(publish('NobodyElsePublishes')).toEqual([
      ['Deny', 'sns:Publish', { AWS: '*' }, { StringNotEqualsIfExists: { 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' } }],
    ]);
    expect(topic.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('sns:Publish'))).toHaveLength(1);
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
      Dimensions: [
        { Name: 'EndpointName', Value: 'my-endpoint' },
        { Name: 'VariantName', Value: 'AllTraffic' },
      ],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'autoscaler-app-my-endpoint-AllTraffic-invocations-low',
      Threshold: 9,
      ComparisonOperator: 'LessThanThreshold',
      Statistic: 'Sum',
    });
  });

  it('an inference-component target gets its own least-privilege grants and its alarms on InferenceComponentName', () => {
    const ic = synth(`
name: ic
targets:
  - { provider: aws-sagemaker, id: inference-component/llama-ic }
limits: { minReplicas: 0, maxReplicas: 4 }
rules:
  - { name: wake, threshold: { metric: NoCapacityInvocationFailures, above: 0, change: 1 } }
`);
    const all = statements(ic);
    const bySid = (sid: string): Statement | undefined => all.find((s) => s.Sid === sid);
    expect(bySid('ScaleTheNamedEndpoints')).toBeUndefined();
    expect(bySid('ScaleTheNamedInferenceComponents')!.Action).toEqual([
      'sagemaker:DescribeInferenceComponent',
      'sagemaker:UpdateInferenceComponentRuntimeConfig',
      'sagemaker:ListTags',
      'sagemaker:AddTags',
      'sagemaker:DeleteTags',
    ]);
    expect(JSON.stringify(bySid('ScaleTheNamedInferenceComponents')!.Resource)).toContain(':inference-component/llama-ic"');
    expect(JSON.stringify(bySid('VerifyAndRecheckOwnAlarms')!.Resource)).toContain(':alarm:autoscaler-app-ic-llama-ic-*');
    ic.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'autoscaler-app-ic-llama-ic-wake',
      MetricName: 'NoCapacityInvocationFailures',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'llama-ic' }],
      Statistic: 'Sum',
    });
  });

  it('refuses an invalid policy at synth time, naming the field', () => {
    expect(() => synth('name: x\nlimits: { maxReplicas: 0 }\nrules: []')).toThrow(/limits\.maxReplicas|rules/);
  });
});
