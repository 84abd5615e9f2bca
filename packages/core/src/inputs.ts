import * as z from 'zod';
import { ValidationError } from './errors';
import { zodIssues } from './policy/issues';
import { TargetRefSchema } from './policy/schema';
import type { ActionMark, Signal, TargetRef, TargetState } from './types';

/** Epoch milliseconds or an ISO-8601 string. */
export const TimeSchema = z.union([
  // 8.64e15 ms is the last instant a JavaScript Date can hold; later "times" break date arithmetic.
  z.number().int().min(0, 'must be epoch milliseconds >= 0').max(8.64e15, 'must be epoch milliseconds <= 8.64e15 (year 275760)'),
  z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time like 2026-01-01T00:00:00Z')
    .transform((s) => Date.parse(s)),
]);

const MarkSchema = z.union([
  TimeSchema.transform((at): ActionMark => ({ at })),
  z.strictObject({ at: TimeSchema, from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional() }),
]);

export const SignalInputSchema = z
  .strictObject({
    target: TargetRefSchema.default({ provider: 'memory', id: 'default' }),
    source: z.string().min(1).default('input'),
    metric: z.string().min(1, 'must not be empty'),
    alarm: z.string().min(1).optional(),
    alarmName: z.string().min(1).optional(),
    state: z.enum(['firing', 'ok', 'value']),
    value: z.number().finite().optional(),
    threshold: z.number().finite().optional(),
    dedupeKey: z.string().min(1).optional(),
    at: TimeSchema,
    dimensions: z.record(z.string(), z.string()).optional(),
  })
  .refine((s) => s.state !== 'value' || s.value !== undefined, { path: ['value'], message: "is required when state is 'value'" });

export const TargetStateInputSchema = z.strictObject({
  target: TargetRefSchema.optional(),
  capacity: z.strictObject({
    replicas: z.number().int('must be a whole number').min(0, 'must be >= 0'),
    size: z.string().min(1).optional(),
    bandwidthMbps: z.number().int().min(1).optional(),
  }),
  status: z.enum(['ready', 'updating', 'failed', 'missing']).default('ready'),
  reason: z.string().optional(),
  version: z.string().optional(),
  managed: z.boolean().default(true),
  lastScaleOut: MarkSchema.optional(),
  lastScaleIn: MarkSchema.optional(),
  lastResize: MarkSchema.optional(),
  dedupeKeys: z.array(z.string()).default([]),
  recommendations: z.array(z.strictObject({ at: TimeSchema, replicas: z.number().int().min(0) })).default([]),
});

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(`invalid ${what}`, zodIssues(r.error));
  return r.data;
}

/** A `Signal` from user JSON (CLI `--signal`, tests). */
export function parseSignal(input: unknown, fallbackTarget?: TargetRef): Signal {
  const s = parse(SignalInputSchema, input, 'signal');
  const target = (input as { target?: unknown })?.target === undefined && fallbackTarget ? fallbackTarget : s.target;
  const signal: Signal = {
    target,
    source: s.source,
    metric: s.metric,
    state: s.state,
    at: s.at,
    dedupeKey: s.dedupeKey ?? `${s.source}:${s.alarm ?? s.metric}:${s.state}:${s.at}`,
  };
  if (s.alarm !== undefined) signal.alarm = s.alarm;
  if (s.alarmName !== undefined) signal.alarmName = s.alarmName;
  if (s.value !== undefined) signal.value = s.value;
  if (s.threshold !== undefined) signal.threshold = s.threshold;
  if (s.dimensions !== undefined) signal.dimensions = s.dimensions;
  return signal;
}

/** A `TargetState` from the CLI's state.json format (flat last-action times). */
export function parseTargetState(input: unknown, fallbackTarget: TargetRef = { provider: 'memory', id: 'default' }): TargetState {
  const s = parse(TargetStateInputSchema, input, 'state');
  const state: TargetState = {
    ref: s.target ?? fallbackTarget,
    capacity: s.capacity,
    status: s.status,
    managed: s.managed,
    persisted: { dedupeKeys: s.dedupeKeys, recommendations: s.recommendations },
  };
  if (s.reason !== undefined) state.reason = s.reason;
  if (s.version !== undefined) state.version = s.version;
  if (s.lastScaleOut) state.persisted.lastScaleOut = s.lastScaleOut;
  if (s.lastScaleIn) state.persisted.lastScaleIn = s.lastScaleIn;
  if (s.lastResize) state.persisted.lastResize = s.lastResize;
  return state;
}

/** Decision history file: `{ recommendations: [{ at, replicas }] }`. */
export const HistoryInputSchema = z.strictObject({
  recommendations: z.array(z.strictObject({ at: TimeSchema, replicas: z.number().int().min(0) })).default([]),
});

export function parseHistory(input: unknown): { recommendations: Array<{ at: number; replicas: number }> } {
  return parse(HistoryInputSchema, input, 'history');
}
