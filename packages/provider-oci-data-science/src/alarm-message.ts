import * as z from 'zod';
import { ValidationError, zodIssues } from '@autoscaler/core';

/**
 * Monitoring alarm messages as Notifications delivers them (message format
 * versions 1.0-1.5; https://docs.oracle.com/iaas/Content/Monitoring/alarm-message-format.htm).
 * Objects are loose because Oracle adds fields over versions; every field we
 * use is checked, with a size cap, so a hostile body cannot make us work hard.
 */
const optionalText = (max: number) => z.string().max(max, `must be at most ${max} characters`).nullish();

const DimensionSchema = z.record(z.string().max(256), z.union([z.string().max(2048), z.number(), z.boolean(), z.null()]));

export const AlarmMetaDataSchema = z.looseObject({
  id: z.string().min(1, 'must not be empty').max(255),
  status: optionalText(32),
  severity: optionalText(32),
  namespace: optionalText(256),
  query: optionalText(4000),
  totalMetricsFiring: z.number().nullish(),
  dimensions: z.array(DimensionSchema).max(1000, 'at most 1000 dimension sets').nullish(),
  alarmUrl: optionalText(2048),
  alarmSummary: optionalText(4000),
  metricValues: z
    .array(z.record(z.string().max(512), z.union([z.string().max(64), z.number()])))
    .max(1000)
    .nullish(),
});

export const ALARM_TYPES = ['OK_TO_FIRING', 'FIRING_TO_OK', 'REPEAT', 'RESET'] as const;

export const AlarmMessageSchema = z.looseObject({
  dedupeKey: z.string().min(1, 'must not be empty').max(256),
  title: optionalText(1024),
  body: optionalText(65_536),
  type: z.enum(ALARM_TYPES, { message: `must be one of ${ALARM_TYPES.join(', ')}` }),
  severity: optionalText(32),
  timestampEpochMillis: z.number().int('must be whole epoch milliseconds').min(0).nullish(),
  /** Kept as text: the seed sample's own payload has "2022-07-08T22: 45: 00Z". */
  timestamp: optionalText(64),
  alarmMetaData: z.array(AlarmMetaDataSchema).min(1, 'needs at least one entry').max(100, 'at most 100 entries'),
  version: z.number().nullish(),
  notificationType: optionalText(128),
});

export type AlarmMessage = z.output<typeof AlarmMessageSchema>;
export type AlarmMetaData = z.output<typeof AlarmMetaDataSchema>;

function parseJsonText(text: string, field: string): unknown {
  if (text.trim().length === 0) throw ValidationError.field(field, 'is empty: expected an OCI alarm message (JSON)');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw ValidationError.field(field, `is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Accept what a function can receive: the raw message (object, JSON text or
 * bytes), a JSON string of it, or a Notifications `MessageDetails` wrapper
 * (`{ title, body: "<the message as JSON text>" }`) as published by hand.
 */
export function unwrapAlarmMessage(raw: unknown): unknown {
  let doc: unknown = raw;
  if (doc instanceof Uint8Array) doc = Buffer.from(doc).toString('utf8');
  if (typeof doc === 'string') doc = parseJsonText(doc, 'body');
  if (typeof doc === 'string') doc = parseJsonText(doc, 'body');
  if (!isObject(doc))
    throw ValidationError.field(
      'body',
      `must be a JSON object (an OCI alarm message), got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc}`,
    );
  if (!('alarmMetaData' in doc) && typeof doc['body'] === 'string') {
    let inner: unknown;
    try {
      inner = JSON.parse(doc['body']);
    } catch {
      inner = undefined;
    }
    if (isObject(inner) && 'alarmMetaData' in inner) return inner;
  }
  return doc;
}

/** Structural parse: every problem listed by path (`alarmMetaData[0].id`, `type`, ...). */
export function parseAlarmMessage(raw: unknown): AlarmMessage {
  const doc = unwrapAlarmMessage(raw);
  const r = AlarmMessageSchema.safeParse(doc);
  if (!r.success) throw new ValidationError('not a valid OCI alarm message', zodIssues(r.error));
  return r.data;
}

/** When the alarm fired: `timestampEpochMillis` wins; `timestamp` only if it is a real ISO time. */
export function messageTime(m: AlarmMessage): number {
  if (typeof m.timestampEpochMillis === 'number') return m.timestampEpochMillis;
  const t = m.timestamp && /^\d{4}-\d{2}-\d{2}T/.test(m.timestamp) ? Date.parse(m.timestamp) : NaN;
  if (Number.isFinite(t)) return t;
  throw ValidationError.field(
    'timestampEpochMillis',
    m.timestamp ? `is missing and timestamp "${m.timestamp}" is not an ISO-8601 time` : 'is missing (and so is timestamp)',
  );
}
