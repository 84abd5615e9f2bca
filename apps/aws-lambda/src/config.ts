import * as z from 'zod';
import { parseWith } from '@autoscaler/core';

/** The Lambda's configuration: environment variables, validated up front with errors naming the variable. */
const EnvSchema = z
  .object({
    AWS_REGION: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be a region code like us-east-1'),
    /** The policy itself (YAML or JSON). */
    AUTOSCALER_POLICY: z.string().min(1).optional(),
    /** Or an SSM parameter name holding it (String or SecureString). */
    AUTOSCALER_POLICY_SSM: z
      .string()
      .regex(/^\/?[A-Za-z0-9_.\-/]{1,1011}$/, 'must be an SSM parameter name')
      .optional(),
    /** Or an S3 object: s3://bucket/key. */
    AUTOSCALER_POLICY_S3: z
      .string()
      .regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+$/, 'must be s3://bucket/key')
      .optional(),
    /** SNS topics alarm notifications may come from (comma-separated); others are refused. Required: without it anyone's topic could drive scaling. */
    AUTOSCALER_SNS_TOPIC_ARNS: z.string({ error: 'is required: the SNS topic ARNs (comma-separated) alarm notifications may come from' }).refine((v) => {
      const topics = v
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      return topics.length > 0 && topics.every((t) => /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(t));
    }, 'must be SNS topic ARNs like arn:aws:sns:us-east-1:123456789012:autoscaler-alarms, comma-separated'),
    /** Alarm deliveries whose state change is older than this are refused as stale or replayed (default 600). */
    AUTOSCALER_MAX_MESSAGE_AGE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
    /** Kept free at the end of each invocation for the response and logs (default 1500 ms). */
    AUTOSCALER_DEADLINE_MARGIN_MS: z.coerce.number().int().min(0).max(60_000).default(1_500),
    /** Calls per AWS operation, first included (default 3). */
    AUTOSCALER_SDK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    /** Orchestrator attempts on transient errors (default 2). */
    AUTOSCALER_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(5).default(2),
    AUTOSCALER_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** Sandbox only: an endpoint URL for every AWS client (the local fake). */
    AUTOSCALER_AWS_ENDPOINT_URL: z.url().optional(),
    /** Sandbox only: where to fetch SNS certificates from instead of sns.<region>.amazonaws.com (host still vetted). */
    AUTOSCALER_SNS_CERT_BASE_URL: z.url().optional(),
  })
  .superRefine((e, ctx) => {
    const sources = ['AUTOSCALER_POLICY', 'AUTOSCALER_POLICY_SSM', 'AUTOSCALER_POLICY_S3'] as const;
    const set = sources.filter((k) => e[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['AUTOSCALER_POLICY'],
        message: set.length === 0 ? `set one of ${sources.join(', ')}` : `set only one of ${set.join(', ')}`,
      });
  });

export type LambdaConfig = z.output<typeof EnvSchema>;

export function parseEnv(env: Readonly<Record<string, string | undefined>>): LambdaConfig {
  const picked: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if ((k.startsWith('AUTOSCALER_') || k === 'AWS_REGION') && v !== undefined && v !== '') picked[k] = v;
  return parseWith(EnvSchema, picked, 'Lambda environment');
}
