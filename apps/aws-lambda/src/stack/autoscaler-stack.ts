import { join } from 'node:path';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFn, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { parsePolicy } from '@autoscaler/core';
import { alarmsForPolicy, OWNER_TAG, parseTargetId, PROVIDER_NAME } from '@autoscaler/provider-aws-sagemaker';

export interface AutoscalerStackProps extends StackProps {
  /** The policy (YAML or JSON) the function runs; its `targets` are the only endpoints it may touch. */
  policyText: string;
  /** The bundled handler; defaults to `dist/lambda` (built by `node apps/aws-lambda/build.mjs`). */
  code?: Code;
  /** How often alarms still in ALARM and schedules are re-checked (minutes, default 1). */
  recheckMinutes?: number;
}

/**
 * The deployable autoscaler: the Lambda with a least-privilege role (only the
 * policy's endpoints, only the actions used), the SNS topic alarms notify, the
 * alarms the policy needs, and the re-check schedule.
 */
export class AutoscalerStack extends Stack {
  readonly topic: Topic;
  readonly fn: LambdaFn;

  constructor(scope: Construct, id: string, props: AutoscalerStackProps) {
    super(scope, id, props);
    const policy = parsePolicy(props.policyText, 'policyText');
    const targets = policy.targets.filter((t) => t.provider === PROVIDER_NAME);
    const ids = targets.map((t) => parseTargetId(t.id));
    const endpoints = [...new Set(ids.flatMap((i) => (i.kind === 'variant' ? [i.endpoint] : [])))];
    const components = [...new Set(ids.flatMap((i) => (i.kind === 'component' ? [i.component] : [])))];
    const vertical = (policy.limits.sizes?.length ?? 0) > 1;
    const arn = (service: string, resource: string): string => `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;

    this.topic = new Topic(this, 'AlarmTopic', { displayName: `autoscaler ${policy.name}` });
    // Only CloudWatch alarms of this account publish here: whoever can publish could otherwise
    // drive scaling (the function still verifies every alarm against CloudWatch).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyCloudWatchAlarmsOfThisAccountPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'NobodyElsePublishes',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringNotEqualsIfExists: { 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' } },
      }),
    );
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `autoscaler ${policy.name}: least privilege` });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    /** Lets the function do `actions` on `resources` (a statement named `sid`), under `conditions` when given. */
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, Record<string, string>>): void => {
      role.addToPolicy(new PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }));
    };
    /** A request or resource tag that names this policy as the owner (what `setup aws` puts on a scalable target). */
    const ownedBy = (tag: 'ResourceTag' | 'RequestTag'): Record<string, Record<string, string>> => ({
      StringEquals: { [`aws:${tag}/${OWNER_TAG}`]: policy.name },
    });

    const endpointArns = endpoints.map((e) => arn('sagemaker', `endpoint/${e.toLowerCase()}`));
    const ownConfigs = endpoints.map((e) => arn('sagemaker', `endpoint-config/${e.toLowerCase()}-as*`));
    const tagging = ['sagemaker:ListTags', 'sagemaker:AddTags', 'sagemaker:DeleteTags'];
    if (endpointArns.length > 0) {
      allow('ScaleTheNamedEndpoints', ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities', ...tagging], endpointArns);
      // Configs are immutable and read by name; their names are not known in advance.
      allow('ReadEndpointConfigs', ['sagemaker:DescribeEndpointConfig'], [arn('sagemaker', 'endpoint-config/*')]);
    }
    if (components.length > 0) {
      // Inference components: copies through UpdateInferenceComponentRuntimeConfig, state in their own tags.
      allow(
        'ScaleTheNamedInferenceComponents',
        ['sagemaker:DescribeInferenceComponent', 'sagemaker:UpdateInferenceComponentRuntimeConfig', ...tagging],
        components.map((c) => arn('sagemaker', `inference-component/${c.toLowerCase()}`)),
      );
    }
    if (targets.length > 0) {
      // Only the alarms this stack creates (autoscaler-app-<endpoint>-<variant>-<rule>, autoscaler-app-ic-<component>-<rule>) are read, so only they can drive scaling.
      allow(
        'VerifyAndRecheckOwnAlarms',
        ['cloudwatch:DescribeAlarms'],
        [
          ...endpoints.map((e) => arn('cloudwatch', `alarm:autoscaler-app-${e}-*`)),
          ...components.map((c) => arn('cloudwatch', `alarm:autoscaler-app-ic-${c}-*`)),
        ],
      );
      // GetMetricData has no resource-level permissions (Service Authorization Reference: no resource type).
      allow('ReadMetricHistory', ['cloudwatch:GetMetricData'], ['*']);
    }
    if (vertical && endpointArns.length > 0) {
      // UpdateEndpoint authorizes the endpoint and the config it moves to: only configs this function creates.
      allow('ResizeBlueGreen', ['sagemaker:UpdateEndpoint'], [...endpointArns, ...ownConfigs]);
      allow('OwnResizeConfigs', ['sagemaker:CreateEndpointConfig', 'sagemaker:DeleteEndpointConfig', 'sagemaker:AddTags'], ownConfigs);
      // Describe* of Application Auto Scaling have no resource-level permissions; every write is
      // limited to scalable targets carrying this policy's owner tag (what `setup aws` puts there).
      allow(
        'ReadAutoScalingRegistration',
        [
          'application-autoscaling:DescribeScalableTargets',
          'application-autoscaling:DescribeScalingPolicies',
          'application-autoscaling:DescribeScheduledActions',
        ],
        ['*'],
      );
      const scalableTargets = [arn('application-autoscaling', 'scalable-target/*')];
      allow(
        'MoveOwnRegistrationAside',
        [
          'application-autoscaling:DeregisterScalableTarget',
          'application-autoscaling:ListTagsForResource',
          'application-autoscaling:PutScalingPolicy',
          'application-autoscaling:PutScheduledAction',
        ],
        scalableTargets,
        ownedBy('ResourceTag'),
      );
      allow(
        'RegisterOwnRegistrationAgain',
        ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource'],
        scalableTargets,
        ownedBy('RequestTag'),
      );
      // Step-scaling alarms `setup aws` made (autoscaler-aas-<endpoint>-<variant>-<rule>) are pointed at the re-created policies.
      allow(
        'RepointOwnStepAlarms',
        ['cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm'],
        endpoints.map((e) => arn('cloudwatch', `alarm:autoscaler-aas-${e}-*`)),
      );
    }
    const notifyTopics = policy.notifications.flatMap((n) => (n.type === 'sns' && typeof n.topicArn === 'string' ? [n.topicArn] : []));
    if (notifyTopics.length > 0) allow('Notify', ['sns:Publish'], notifyTopics);

    this.fn = new LambdaFn(this, 'Handler', {
      // nodejs20.x is deprecated (2026-04-30): CloudFormation validation warns on it. The bundle targets node20 syntax, which 22 runs.
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code ?? Code.fromAsset(join(__dirname, '../../dist/lambda')),
      role,
      logGroup,
      memorySize: 256,
      timeout: Duration.seconds(30),
      // One scaling decision per target at a time across containers is also enforced by the endpoint itself.
      reservedConcurrentExecutions: 5,
      environment: {
        // The validated policy as JSON: the function then never loads the YAML parser.
        AUTOSCALER_POLICY: JSON.stringify(policy),
        AUTOSCALER_SNS_TOPIC_ARNS: this.topic.topicArn,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.topic.addSubscription(new LambdaSubscription(this.fn));
    new Rule(this, 'Recheck', { schedule: Schedule.rate(Duration.minutes(props.recheckMinutes ?? 1)), targets: [new LambdaFunction(this.fn)] });

    for (const t of targets) {
      for (const a of alarmsForPolicy(policy, t, this.topic.topicArn)) {
        new CfnAlarm(this, `Alarm${a.AlarmName!.replace(/[^A-Za-z0-9]/g, '')}`, {
          alarmName: a.AlarmName,
          alarmDescription: a.AlarmDescription,
          namespace: a.Namespace,
          metricName: a.MetricName,
          dimensions: a.Dimensions?.map((d) => ({ name: d.Name!, value: d.Value! })),
          statistic: a.Statistic,
          period: a.Period,
          evaluationPeriods: a.EvaluationPeriods!,
          threshold: a.Threshold,
          comparisonOperator: a.ComparisonOperator!,
          treatMissingData: a.TreatMissingData,
          actionsEnabled: true,
          alarmActions: [this.topic.topicArn],
        });
      }
    }
  }
}
