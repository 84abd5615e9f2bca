import * as z from 'zod';
import { parseCron, isValidTimeZone } from './cron';
import { NotificationSchema } from './notifications';

/**
 * The policy language: one document a user writes once and every cloud reads.
 * Every object is strict so that a misspelt field is an error naming it, not a
 * silently ignored setting.
 */

const seconds = z
  .number()
  .finite()
  .min(0, 'must be >= 0 seconds')
  .max(86_400 * 7, 'must be at most 7 days');
const replicas = z.number().int('must be a whole number').min(0, 'must be >= 0').max(100_000, 'must be <= 100000');
const name = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

export const TargetRefSchema = z.strictObject({
  provider: name,
  id: name.max(1024, 'must be at most 1024 characters'),
  region: z.string().min(1).optional(),
});

/** Matches a signal by alarm id/name and/or metric. */
const signalMatch = {
  /** Alarm OCID / ARN / name. Matched against the signal's alarm id first, then its name. */
  alarm: name.optional(),
  metric: name.optional(),
};

export const ThresholdRuleSchema = z
  .strictObject({
    ...signalMatch,
    /** For metric-value signals: act when value > above (scale-out rules). */
    above: z.number().finite().optional(),
    /** For metric-value signals: act when value < below (scale-in rules). */
    below: z.number().finite().optional(),
    /** Replicas to add (positive) or remove (negative). */
    change: z
      .number()
      .int('must be a whole number')
      .refine((v) => v !== 0, 'must not be 0')
      .optional(),
    /** Move along the size ladder instead of changing replicas. */
    size: z.enum(['next', 'previous']).optional(),
    /** Change the load balancer bandwidth by this many Mbps instead (OCI), within limits.bandwidthMbps. */
    bandwidth: z
      .number()
      .int('must be a whole number of Mbps')
      .refine((v) => v !== 0, 'must not be 0')
      .optional(),
    /**
     * Set the target's traffic weight to this value instead (absolute, >= 0): a variant of a
     * multi-variant SageMaker endpoint (`DesiredWeight`); 0 takes the variant out of traffic.
     */
    weight: z.number().finite().min(0, 'must be >= 0').max(1_000_000, 'must be <= 1000000').optional(),
  })
  .superRefine((r, ctx) => {
    if (r.alarm === undefined && r.metric === undefined) ctx.addIssue({ code: 'custom', path: ['alarm'], message: 'name an alarm or a metric to react to' });
    if ([r.change, r.size, r.bandwidth, r.weight].filter((v) => v !== undefined).length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['change'],
        message: 'set exactly one of change (replicas), size (next|previous), bandwidth (Mbps) or weight (traffic weight)',
      });
    if (r.alarm === undefined && r.above === undefined && r.below === undefined)
      ctx.addIssue({ code: 'custom', path: ['above'], message: 'a metric rule without an alarm needs above or below' });
    if (r.above !== undefined && r.below !== undefined) ctx.addIssue({ code: 'custom', path: ['below'], message: 'set above or below, not both' });
  });

const bound = z.number().finite().nullable().optional();

export const StepAdjustmentSchema = z.strictObject({
  /** Lower bound of the metric interval, relative to the alarm threshold (null/absent = -infinity). */
  lower: bound,
  /** Upper bound, relative to the threshold (null/absent = +infinity). */
  upper: bound,
  /** Replicas (ChangeInCapacity / ExactCapacity) or percent (PercentChangeInCapacity). */
  change: z.number().int('must be a whole number'),
});

export const StepRuleSchema = z
  .strictObject({
    ...signalMatch,
    /** The alarm threshold the bounds are relative to; defaults to the threshold the alarm reports. */
    threshold: z.number().finite().optional(),
    adjustmentType: z.enum(['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity']).default('ChangeInCapacity'),
    minAdjustmentMagnitude: z.number().int().min(1, 'must be >= 1').optional(),
    adjustments: z.array(StepAdjustmentSchema).min(1, 'needs at least one step adjustment').max(20, 'at most 20 step adjustments'),
    /** Cooldown for this rule's actions in seconds; defaults to the policy's cooldown for the direction. */
    cooldown: seconds.optional(),
    /**
     * How the alarm's datapoints are aggregated (AWS step scaling's `MetricAggregationType`), for
     * exports and alarms. `decide` reads the value the signal carries, already aggregated.
     */
    metricAggregationType: z.enum(['Average', 'Minimum', 'Maximum']).default('Average'),
  })
  .superRefine((r, ctx) => {
    if (r.alarm === undefined && r.metric === undefined) ctx.addIssue({ code: 'custom', path: ['alarm'], message: 'name an alarm or a metric to react to' });
    if (r.minAdjustmentMagnitude !== undefined && r.adjustmentType !== 'PercentChangeInCapacity') {
      ctx.addIssue({ code: 'custom', path: ['minAdjustmentMagnitude'], message: 'only applies to PercentChangeInCapacity' });
    }
    r.adjustments.forEach((a, i) => {
      if (a.lower != null && a.upper != null) {
        if (a.lower > a.upper) ctx.addIssue({ code: 'custom', path: ['adjustments', i, 'lower'], message: 'must be <= upper' });
        else if (a.lower === a.upper) ctx.addIssue({ code: 'custom', path: ['adjustments', i, 'lower'], message: 'must be < upper (the interval is empty)' });
      }
      if (r.adjustmentType === 'ExactCapacity' && a.change < 0)
        ctx.addIssue({ code: 'custom', path: ['adjustments', i, 'change'], message: 'ExactCapacity must be >= 0' });
    });
    // AWS: intervals may not overlap nor leave gaps; one open end at most on each side.
    // Inverted or empty intervals are reported above; leave them out rather than report them twice.
    const sorted = r.adjustments
      .map((a, i) => ({ lo: a.lower ?? -Infinity, hi: a.upper ?? Infinity, i }))
      .filter((x) => x.lo < x.hi)
      .sort((a, b) => a.lo - b.lo);
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1]!;
      const cur = sorted[k]!;
      if (cur.lo < prev.hi) ctx.addIssue({ code: 'custom', path: ['adjustments', cur.i, 'lower'], message: `overlaps adjustments[${prev.i}]` });
      else if (cur.lo > prev.hi)
        ctx.addIssue({ code: 'custom', path: ['adjustments', cur.i, 'lower'], message: `leaves a gap after adjustments[${prev.i}] (upper ${prev.hi})` });
    }
  });

/** CloudWatch's units (`StandardUnit`). */
export const METRIC_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;

/**
 * How a custom metric is aggregated where it is exported (AWS `CustomizedMetricSpecification`).
 * `decide` ignores it: the signal already carries the aggregated value.
 */
export const CustomMetricSchema = z.strictObject({
  /** CloudWatch namespace; default: the provider's own for its metrics. */
  namespace: name.optional(),
  statistic: z.enum(['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum']),
  unit: z.enum(METRIC_UNITS).optional(),
  /** Metric dimensions, name -> value (at most 30, as CloudWatch allows). */
  dimensions: z
    .record(name, z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'))
    .refine((d) => Object.keys(d).length <= 30, 'at most 30 dimensions')
    .optional(),
});

export const TargetTrackingRuleSchema = z.strictObject({
  /** How the metric is aggregated for exports (AWS customized metric); absent: the provider's predefined metric. */
  customMetric: CustomMetricSchema.optional(),
  metric: name,
  /** The value to hold the metric at, per instance unless `statistic: total`. */
  target: z.number().finite().positive('must be > 0'),
  /** `total`: the metric is a sum over all instances and is divided by replicas. */
  statistic: z.enum(['perInstance', 'total']).default('perInstance'),
  /** `aws`: out above target, in only below scaleInRatio x target. `hpa`: ratio outside tolerance. */
  algorithm: z.enum(['aws', 'hpa']).default('aws'),
  scaleInRatio: z.number().gt(0, 'must be > 0').max(1, 'must be <= 1').default(0.9),
  /** Relative band around the target that causes no change (HPA default 0.1). */
  tolerance: z.number().min(0, 'must be >= 0').max(1, 'must be <= 1').optional(),
  disableScaleIn: z.boolean().default(false),
  scaleOutCooldown: seconds.optional(),
  scaleInCooldown: seconds.optional(),
  /**
   * What the rule moves: `replicas` (absent) or the load balancer's `bandwidth` (OCI), where the
   * metric is bandwidth utilization in percent and bandwidth = ceil(current x metric / target)
   * within limits.bandwidthMbps.
   */
  capacity: z.enum(['replicas', 'bandwidth']).optional(),
});

/**
 * Capacity planned from a forecast of the load metric, like AWS predictive scaling's
 * load-metric/target pair. Only `metric` and `target` are required; every other knob has a
 * default that does not depend on any trace. The forecast is made by core's pure forecaster
 * from the history a `MetricSource` serves on each periodic evaluation.
 */
export const PredictiveRuleSchema = z.strictObject({
  /** The load metric, summed over the target per period: `requests` (canonical) or a cloud metric name. */
  metric: name,
  /** Load per instance per period that one instance serves within the latency objective. */
  target: z.number().finite().positive('must be > 0'),
  /** Datapoint period, seconds (60; 10 for high-resolution metrics). */
  periodSeconds: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be >= 1')
    .max(3600, 'must be <= 3600')
    // The seasonal shape compares the same period of past days.
    .refine((v) => 86_400 % v === 0, 'must divide a day (86400 s), e.g. 10 or 60')
    .default(60),
  /** How far ahead to plan; default: the provider's provisioning time plus the metric's publishing delay. */
  horizonSeconds: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be >= 1')
    .max(4 * 3600, 'must be <= 14400 (4 hours)')
    .optional(),
  /** Past days whose same time of day shapes the forecast (0 = trend only). */
  seasonDays: z.number().int('must be a whole number').min(0, 'must be >= 0').max(14, 'must be <= 14').default(3),
  /** Minutes averaged for the current level. */
  levelMinutes: z.number().int('must be a whole number').min(1, 'must be >= 1').max(240, 'must be <= 240').default(30),
  /** Minutes of the short average that overrides the level when higher (a jump is not noise to wait out). */
  jumpMinutes: z.number().int('must be a whole number').min(1, 'must be >= 1').max(60, 'must be <= 60').default(5),
  /** Minutes the trend (least-squares slope) is fitted on. */
  trendMinutes: z.number().int('must be a whole number').min(3, 'must be >= 3').max(480, 'must be <= 480').default(60),
  /** Quantile of recent actual/forecast ratios used as headroom: a noisier load gets more. */
  headroomQuantile: z.number().min(0.5, 'must be >= 0.5').max(1, 'must be <= 1').default(0.96),
  /** Minutes of past forecasts the headroom is learnt from. */
  headroomWindowMinutes: z.number().int('must be a whole number').min(60, 'must be >= 60').max(20_160, 'must be <= 20160 (14 days)').default(720),
  /** Scale in only when the forecast needs less than this share of the current fleet (hysteresis). */
  scaleInRatio: z.number().gt(0, 'must be > 0').max(1, 'must be <= 1').default(0.85),
  disableScaleIn: z.boolean().default(false),
  /**
   * When the past days were idle at this time of day, forecast their load as it was (so demand that
   * returns every morning wakes a target scaled to zero one horizon ahead). Default (unset): true.
   * false: no seasonal forecast out of idle; a zero floor then wakes only on its reactive rule.
   */
  wakeFromIdle: z.boolean().optional(),
});

export const ScheduleRuleSchema = z
  .strictObject({
    /** Cron (5 fields) of when the window opens. */
    start: z.string(),
    /** Cron of when it closes; or use durationMinutes. */
    end: z.string().optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1, 'must be >= 1')
      .max(60 * 24 * 31, 'must be at most 31 days')
      .optional(),
    timezone: z.string().default('UTC'),
    minReplicas: replicas.optional(),
    maxReplicas: replicas.optional(),
  })
  .superRefine((r, ctx) => {
    for (const key of ['start', 'end'] as const) {
      const v = r[key];
      if (v === undefined) continue;
      try {
        parseCron(v, key);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [key], message: (e as { issues?: Array<{ message: string }> }).issues?.[0]?.message ?? 'invalid cron' });
      }
    }
    if ((r.end === undefined) === (r.durationMinutes === undefined))
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'set exactly one of end (cron) or durationMinutes' });
    if (r.minReplicas === undefined && r.maxReplicas === undefined)
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: 'a schedule sets minReplicas, maxReplicas or both' });
    if (r.minReplicas !== undefined && r.maxReplicas !== undefined && r.minReplicas > r.maxReplicas)
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: 'must be <= maxReplicas' });
    if (!isValidTimeZone(r.timezone)) ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${r.timezone}"` });
  });

/**
 * A rule as users write it: a name and exactly one kind key (`threshold: {...}`, ...). The
 * parsed type is the union of the five kinds (see `Rule`); `ruleKind` tells which.
 */
export const RuleSchema = z
  .strictObject({
    name,
    description: z.string().optional(),
    threshold: ThresholdRuleSchema.optional(),
    step: StepRuleSchema.optional(),
    targetTracking: TargetTrackingRuleSchema.optional(),
    schedule: ScheduleRuleSchema.optional(),
    predictive: PredictiveRuleSchema.optional(),
  })
  .superRefine((r, ctx) => {
    const kinds = (['threshold', 'step', 'targetTracking', 'schedule', 'predictive'] as const).filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: kinds.length === 0 ? 'set one of threshold, step, targetTracking, schedule, predictive' : `set only one of ${kinds.join(', ')}`,
      });
    }
  })
  // The check above leaves exactly one kind key set: the output is the union by kind.
  .transform((r) => r as Rule);

export const LimitsSchema = z
  .strictObject({
    minReplicas: replicas.default(1),
    maxReplicas: replicas.refine((v) => v >= 1, 'must be >= 1'),
    /** Size ladder, smallest first; sizes a rule may move to. */
    sizes: z.array(name).min(1, 'needs at least one size').optional(),
    /** At most this many replicas added or removed by one action. */
    maxStep: z.number().int().min(1, 'must be >= 1').optional(),
    cooldown: z.strictObject({ scaleOut: seconds.default(300), scaleIn: seconds.default(300) }).default({ scaleOut: 300, scaleIn: 300 }),
    /** HPA-style: scale in only to the highest recommendation seen in the window. */
    stabilization: z.strictObject({ scaleOut: seconds.default(0), scaleIn: seconds.default(0) }).default({ scaleOut: 0, scaleIn: 0 }),
    bandwidthMbps: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) }).optional(),
  })
  .superRefine((l, ctx) => {
    if (l.minReplicas > l.maxReplicas) ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: `must be <= maxReplicas (${l.maxReplicas})` });
    if (l.sizes) {
      const seen = new Set<string>();
      l.sizes.forEach((s, i) => {
        if (seen.has(s)) ctx.addIssue({ code: 'custom', path: ['sizes', i], message: `duplicate size "${s}"` });
        seen.add(s);
      });
    }
    if (l.bandwidthMbps && l.bandwidthMbps.min > l.bandwidthMbps.max)
      ctx.addIssue({ code: 'custom', path: ['bandwidthMbps', 'min'], message: 'must be <= max' });
  });

/** What to do when a target's metrics keep failing (KEDA's `fallback`). */
export const FallbackSchema = z.strictObject({
  /** Failed metric reads in a row before the fallback applies. */
  failureThreshold: z.number().int('must be a whole number').min(1, 'must be >= 1').max(1000, 'must be <= 1000').default(3),
  /** Replicas to move out to (inside the limits); absent: hold. Never a reason to scale in. */
  replicas: replicas.optional(),
});

export const PolicySchema = z
  .strictObject({
    apiVersion: z.literal('autoscaler.dev/v1').default('autoscaler.dev/v1'),
    kind: z.literal('ScalingPolicy').default('ScalingPolicy'),
    name,
    description: z.string().optional(),
    /** The managed allow-list: alarms naming any other target are refused. */
    targets: z.array(TargetRefSchema).default([]),
    limits: LimitsSchema,
    rules: z.array(RuleSchema).min(1, 'needs at least one rule'),
    dryRun: z.boolean().default(false),
    notifications: z.array(NotificationSchema).default([]),
    /** After this many failed metric reads in a row: hold, or move out to `replicas`. */
    fallback: FallbackSchema.optional(),
  })
  .superRefine(
    (p, ctx) => {
      // Runs even when other fields failed (so every problem is listed at once): read defensively.
      if (p === null || typeof p !== 'object') return;
      const doc = p as unknown as { rules?: unknown; limits?: { sizes?: unknown; maxReplicas?: unknown; bandwidthMbps?: unknown } | null };
      const rules: unknown[] = Array.isArray(doc.rules) ? doc.rules : [];
      const maxReplicas = typeof doc.limits?.maxReplicas === 'number' ? doc.limits.maxReplicas : undefined;
      const names = new Map<string, number>();
      rules.forEach((raw, i) => {
        if (raw === null || typeof raw !== 'object') return;
        const r = raw as {
          name?: unknown;
          threshold?: { size?: unknown; bandwidth?: unknown };
          targetTracking?: { capacity?: unknown };
          schedule?: { minReplicas?: unknown };
        };
        if (typeof r.name === 'string') {
          if (names.has(r.name))
            ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name (also rules[${names.get(r.name)}])` });
          names.set(r.name, i);
        }
        if (typeof r.threshold === 'object' && r.threshold?.size && !doc.limits?.sizes)
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'threshold', 'size'], message: 'needs limits.sizes (the size ladder)' });
        const bw = doc.limits?.bandwidthMbps;
        if (typeof r.threshold === 'object' && r.threshold?.bandwidth !== undefined && !bw)
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'threshold', 'bandwidth'], message: 'needs limits.bandwidthMbps (min and max)' });
        if (typeof r.targetTracking === 'object' && r.targetTracking?.capacity === 'bandwidth' && !bw)
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'targetTracking', 'capacity'], message: 'needs limits.bandwidthMbps (min and max)' });
        const min = typeof r.schedule === 'object' ? r.schedule?.minReplicas : undefined;
        if (typeof min === 'number' && maxReplicas !== undefined && min > maxReplicas)
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'schedule', 'minReplicas'], message: `must be <= limits.maxReplicas (${maxReplicas})` });
      });
    },
    { when: () => true },
  );

export type Policy = z.output<typeof PolicySchema>;
/** What a user writes (defaults not yet applied). */
export type PolicyInput = z.input<typeof PolicySchema>;
/** The rule kinds, in the order the docs list them. */
export const RULE_KINDS = ['threshold', 'step', 'targetTracking', 'schedule', 'predictive'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

interface RuleCommon {
  name: string;
  description?: string | undefined;
}
/** One kind key set, the others absent: `rule.threshold !== undefined` narrows to the threshold kind. */
type RuleOf<K extends RuleKind, T> = RuleCommon & { [P in K]: T } & { [P in Exclude<RuleKind, K>]?: undefined };
export type ThresholdRuleEntry = RuleOf<'threshold', ThresholdRule>;
export type StepRuleEntry = RuleOf<'step', StepRule>;
export type TargetTrackingRuleEntry = RuleOf<'targetTracking', TargetTrackingRule>;
export type ScheduleRuleEntry = RuleOf<'schedule', ScheduleRule>;
export type PredictiveRuleEntry = RuleOf<'predictive', PredictiveRule>;
/** A parsed rule: a discriminated union by its one kind key (`ruleKind(rule)`). */
export type Rule = ThresholdRuleEntry | StepRuleEntry | TargetTrackingRuleEntry | ScheduleRuleEntry | PredictiveRuleEntry;
export type ThresholdRule = z.output<typeof ThresholdRuleSchema>;
export type StepRule = z.output<typeof StepRuleSchema>;
export type StepAdjustment = z.output<typeof StepAdjustmentSchema>;
export type TargetTrackingRule = z.output<typeof TargetTrackingRuleSchema>;
export type ScheduleRule = z.output<typeof ScheduleRuleSchema>;
export type PredictiveRule = z.output<typeof PredictiveRuleSchema>;
export type Limits = z.output<typeof LimitsSchema>;
export type Fallback = z.output<typeof FallbackSchema>;
export type CustomMetric = z.output<typeof CustomMetricSchema>;
