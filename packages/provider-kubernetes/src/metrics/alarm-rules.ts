import * as z from 'zod';
import { ValidationError, zodIssues } from '@autoscaler/core';
import { parseYamlDocument } from '../model/yaml-text';

/**
 * A windowed alarm evaluated by the source itself, as CloudWatch and OCI
 * Monitoring evaluate theirs: each `periodSeconds` bucket's samples reduce to one
 * datapoint (`mean` or `max`); the alarm fires when at least `datapointsToAlarm`
 * of the last `evaluationPeriods` datapoints breach. A missing datapoint never breaches.
 */
export const AlarmRuleSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_", "-" only'),
    /** cpu | memory (percent of requests), cpu_cores | memory_bytes (mean per pod), or a Prometheus query's metric name. */
    metric: z.string().min(1).max(128),
    statistic: z.enum(['mean', 'max']).default('mean'),
    periodSeconds: z.number().int().min(10, 'must be >= 10 s (metrics-server resolution)').max(3600).default(60),
    evaluationPeriods: z.number().int().min(1).max(60).default(1),
    datapointsToAlarm: z.number().int().min(1).max(60).optional(),
    comparison: z.enum(['above', 'below']),
    threshold: z.number().finite(),
  })
  .superRefine((a, ctx) => {
    if (a.datapointsToAlarm !== undefined && a.datapointsToAlarm > a.evaluationPeriods)
      ctx.addIssue({ code: 'custom', path: ['datapointsToAlarm'], message: `must be <= evaluationPeriods (${a.evaluationPeriods})` });
  });

export type AlarmRule = z.output<typeof AlarmRuleSchema>;
export type AlarmRuleInput = z.input<typeof AlarmRuleSchema>;

export function parseAlarmRules(input: unknown, field = 'alarms'): AlarmRule[] {
  const doc = typeof input === 'string' ? parseYamlDocument(input, field) : input;
  const r = z.array(AlarmRuleSchema).safeParse(doc);
  if (!r.success)
    throw new ValidationError(
      `invalid ${field}`,
      zodIssues(r.error).map((i) => ({ path: `${field}${i.path.startsWith('[') ? '' : '.'}${i.path}`, message: i.message })),
    );
  const names = new Set<string>();
  r.data.forEach((a, i) => {
    if (names.has(a.name)) throw ValidationError.field(`${field}[${i}].name`, `duplicate alarm "${a.name}"`);
    names.add(a.name);
  });
  return r.data;
}

export interface Sample {
  at: number;
  value: number;
}

export interface AlarmEvaluation {
  firing: boolean;
  /** Newest datapoint (the current period's, if any). */
  value?: number;
  breaching: number;
  datapoints: number;
  /** Start of the current period (epoch ms): the dedupe key of a firing. */
  periodStart: number;
}

/** Evaluates an alarm over samples of its metric (any order). */
export function evaluateAlarm(rule: AlarmRule, samples: readonly Sample[], now: number): AlarmEvaluation {
  const period = rule.periodSeconds * 1000;
  const current = Math.floor(now / period);
  const buckets = new Map<number, number[]>();
  for (const s of samples) {
    const b = Math.floor(s.at / period);
    if (b > current || b <= current - rule.evaluationPeriods || !Number.isFinite(s.value)) continue;
    const list = buckets.get(b) ?? [];
    list.push(s.value);
    buckets.set(b, list);
  }
  let breaching = 0;
  let newest: number | undefined;
  for (let b = current; b > current - rule.evaluationPeriods; b--) {
    const values = buckets.get(b);
    if (!values) continue;
    const dp = rule.statistic === 'max' ? Math.max(...values) : values.reduce((x, y) => x + y, 0) / values.length;
    if (newest === undefined) newest = dp;
    if (rule.comparison === 'above' ? dp > rule.threshold : dp < rule.threshold) breaching++;
  }
  const needed = rule.datapointsToAlarm ?? rule.evaluationPeriods;
  const out: AlarmEvaluation = { firing: breaching >= needed, breaching, datapoints: buckets.size, periodStart: current * period };
  if (newest !== undefined) out.value = newest;
  return out;
}
