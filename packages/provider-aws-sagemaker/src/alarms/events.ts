import * as z from 'zod';

/**
 * The three ways a CloudWatch alarm reaches us, parsed at the edge. Objects
 * are not strict: AWS adds keys over time (the fixtures' README lists some),
 * so unknown keys are ignored while every key we read is checked.
 */

const dimensionPair = z.union([z.object({ name: z.string(), value: z.string() }), z.object({ Name: z.string(), Value: z.string() })]);

const snsMetric = z.object({
  Id: z.string().optional(),
  MetricStat: z
    .object({
      Metric: z.object({ MetricName: z.string().optional(), Namespace: z.string().optional(), Dimensions: z.array(dimensionPair).default([]) }),
    })
    .optional(),
});

/** The JSON inside `Sns.Message` that CloudWatch publishes (`CloudWatchAlarmSNSPayload` in aws-lambda-go). */
export const SnsAlarmMessageSchema = z.object({
  AlarmName: z.string().min(1),
  AlarmArn: z.string().regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/, 'must be a CloudWatch alarm ARN'),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().default(''),
  StateChangeTime: z.string().min(1),
  Trigger: z.object({
    MetricName: z.string().nullish(),
    Namespace: z.string().nullish(),
    Dimensions: z.array(dimensionPair).nullish(),
    Threshold: z.number().nullish(),
    Metrics: z.array(snsMetric).nullish(),
  }),
});

/** What an SNS notification carries whichever way it is delivered (only the certificate key's spelling differs). */
const snsNotificationFields = {
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Message: z.string(),
  Timestamp: z.string(),
  Subject: z.string().nullish(),
  SignatureVersion: z.string().optional(),
  Signature: z.string().optional(),
};

export const SnsRecordSchema = z.object({
  EventSource: z.literal('aws:sns'),
  Sns: z.object({ Type: z.string(), ...snsNotificationFields, SigningCertUrl: z.string().optional() }),
});

export const SnsEventSchema = z.object({ Records: z.array(SnsRecordSchema).min(1, 'holds no record') });

/** SNS's own HTTP(S) delivery body (note the `...URL` spelling). */
export const SnsHttpSchema = z.object({ Type: z.literal('Notification'), ...snsNotificationFields, SigningCertURL: z.string().optional() });

const metricDataQuery = z.object({
  id: z.string().optional(),
  metricStat: z
    .object({
      metric: z.object({ name: z.string().optional(), namespace: z.string().optional(), dimensions: z.record(z.string(), z.string()).default({}) }),
    })
    .optional(),
});

const alarmState = z.object({
  value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  reason: z.string().default(''),
  reasonData: z.string().optional(),
  timestamp: z.string().min(1),
});

const alarmDetail = z.object({
  alarmName: z.string().min(1),
  state: alarmState,
  configuration: z.object({ metrics: z.array(metricDataQuery).default([]) }),
});

/** EventBridge "CloudWatch Alarm State Change". */
export const EventBridgeAlarmSchema = z.object({
  id: z.string().min(1),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  region: z.string().min(1),
  resources: z.array(z.string()).min(1, 'must name the alarm ARN'),
  detail: alarmDetail,
});

/** The event CloudWatch sends a Lambda set directly as the alarm action (`CloudWatchAlarmEvent` in @types/aws-lambda). */
export const LambdaAlarmActionSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmArn: z.string().regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/, 'must be a CloudWatch alarm ARN'),
  region: z.string().min(1),
  alarmData: alarmDetail,
});

/** `reasonData` (a JSON string in EventBridge and alarm-action events). */
export const ReasonDataSchema = z.object({
  recentDatapoints: z.array(z.number()).default([]),
  threshold: z.number().optional(),
});
