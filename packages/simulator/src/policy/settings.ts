import * as z from 'zod';
import { parse as parseYaml } from 'yaml';
import { ValidationError, zodIssues } from '@autoscaler/core';

/**
 * How the simulator wires a policy to a cloud: which alarms exist (what
 * `ensureAlarms` or the console would have created) and which loops run.
 * Lives next to the policy as `<name>.sim.yaml`, because alarm definitions
 * are cloud configuration, not policy.
 */
const duration = z.union([z.number().min(0), z.string().regex(/^P/, 'must be an ISO-8601 duration like PT5M')]);
const name = z.string().min(1, 'must not be empty');

const OciAlarm = z.strictObject({
  name,
  query: z.string().min(1, 'must be an MQL query'),
  pendingDuration: duration.optional(),
  repeatNotificationDuration: duration.optional(),
});

const CloudWatchAlarm = z.strictObject({
  name,
  metric: name,
  statistic: z.enum(['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount']).default('Average'),
  /** Seconds: a multiple of 60, or 10/20/30 on a high-resolution metric (ConcurrentRequestsPerModel). */
  period: z.number().int().min(10).default(60),
  evaluationPeriods: z.number().int().min(1).default(1),
  datapointsToAlarm: z.number().int().min(1).optional(),
  comparisonOperator: z.enum(['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold']),
  threshold: z.number(),
  treatMissingData: z.enum(['missing', 'notBreaching', 'breaching', 'ignore']).optional(),
  autoScalingAction: z.boolean().default(true),
});

const Source = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('oci-monitoring'), alarms: z.array(OciAlarm).min(1, 'needs at least one alarm') }),
  z.strictObject({
    kind: z.literal('cloudwatch'),
    alarms: z.array(CloudWatchAlarm).default([]),
    /** Create Application Auto Scaling's alarm pair for every `algorithm: aws` targetTracking rule. */
    targetTracking: z.boolean().default(false),
    /** The pair's scale-out alarm on 10 s periods (a high-resolution metric such as ConcurrentRequestsPerModel). */
    highResolution: z.boolean().default(false),
  }),
  z.strictObject({ kind: z.literal('hpa'), syncPeriodSeconds: z.number().int().min(1).max(300).default(15) }),
  z.strictObject({ kind: z.literal('metrics'), metrics: z.array(name).min(1), everySeconds: z.number().int().min(15).default(60) }),
]);

const LoadTest = z.strictObject({
  rule: name,
  safetyFactor: z.number().gt(0).max(1).default(0.5),
  perMinute: z.boolean().default(true),
  /**
   * The rule tracks requests in flight per instance (ConcurrentRequestsPerModel), not a rate: the
   * target is the M/M/c mean number in system at MAX_RPS x safetyFactor (perMinute is ignored).
   */
  concurrency: z.boolean().default(false),
});

export const SimulationSettingsSchema = z.strictObject({
  /** Display name in tables (defaults to the policy name). */
  label: z.string().min(1).optional(),
  /** A published default we compare against (not our own policy). */
  baseline: z.boolean().default(false),
  /** Where the numbers come from, for the report. */
  source: z.string().optional(),
  /**
   * Size to run at: a rung index, a size name, `{ vcpus: N }` (the smallest rung with at
   * least N vCPUs, the same on every provider), or `auto` (lowest price per SLO-safe capacity).
   */
  size: z.union([z.number().int().min(0), z.string().min(1), z.strictObject({ vcpus: z.number().int().min(1) })]).default(0),
  /**
   * The alarms and loops that push signals. May be empty for a policy whose rules all run on the
   * periodic evaluation (predictive rules and the reactive rules on the metric they pull).
   */
  sources: z.array(Source).default([]),
  /**
   * AWS's load-test recipe for a target: MAX_RPS x safetyFactor (x 60 for a per-minute
   * metric such as SageMakerVariantInvocationsPerInstance), with MAX_RPS measured on
   * the simulated instance at the objective. Replaces the named rule's target (a
   * targetTracking or predictive rule); a list sets several rules.
   */
  loadTestTarget: z.union([LoadTest, z.array(LoadTest).min(1)]).optional(),
});

export type SimulationSettings = z.output<typeof SimulationSettingsSchema>;
export type SourceSettings = SimulationSettings['sources'][number];

export function parseSettings(text: string, source = 'settings'): SimulationSettings {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ValidationError(`${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, [{ path: '(document)', message: 'not valid YAML' }]);
  }
  const r = SimulationSettingsSchema.safeParse(doc);
  if (!r.success) throw new ValidationError(`${source}: invalid simulation settings`, zodIssues(r.error));
  return r.data;
}
