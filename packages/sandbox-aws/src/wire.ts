/**
 * Wire encodings the fake speaks: AWS JSON 1.0/1.1 (`X-Amz-Target`) and the
 * AWS query protocol (form body in, XML out), with the real error shapes.
 */

import { textOf } from '@autoscaler/core';

export interface AwsApiErrorOptions {
  /** Code in query protocol responses and in the `x-amzn-query-error` header (query-compatible JSON services). */
  queryCode?: string;
  /** HTTP status in query protocol responses when it differs. */
  queryStatus?: number;
  fault?: 'Sender' | 'Receiver';
}

/** An error the fake answers with, in the shape of the protocol the caller spoke. */
export class AwsApiError extends Error {
  readonly queryCode: string;
  readonly queryStatus: number;
  readonly fault: 'Sender' | 'Receiver';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    options: AwsApiErrorOptions = {},
  ) {
    super(message);
    this.name = 'AwsApiError';
    this.queryCode = options.queryCode ?? code;
    this.queryStatus = options.queryStatus ?? status;
    this.fault = options.fault ?? (status >= 500 ? 'Receiver' : 'Sender');
  }
}

/** The validation message AWS JSON services use for a missing member. */
export function missingMember(member: string): AwsApiError {
  return new AwsApiError(
    'ValidationException',
    `1 validation error detected: Value null at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`,
  );
}

export function badMember(member: string, value: unknown, constraint: string): AwsApiError {
  return new AwsApiError(
    'ValidationException',
    `1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: ${constraint}`,
  );
}

export type Input = Record<string, unknown>;

export function reqString(input: Input, key: string, pattern?: RegExp, constraint?: string): string {
  const v = input[key];
  if (v === undefined || v === null) throw missingMember(key);
  if (typeof v !== 'string') throw badMember(key, v, 'Member must be a string');
  if (pattern && !pattern.test(v)) throw badMember(key, v, constraint ?? `Member must satisfy regular expression pattern: ${pattern.source}`);
  return v;
}

export function optString(input: Input, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badMember(key, v, 'Member must be a string');
  return v;
}

export function optNumber(input: Input, key: string, min?: number): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw badMember(key, v, 'Member must be a number');
  if (min !== undefined && n < min) throw badMember(key, v, `Member must have value greater than or equal to ${min}`);
  return n;
}

export function reqNumber(input: Input, key: string, min?: number): number {
  const n = optNumber(input, key, min);
  if (n === undefined) throw missingMember(key);
  return n;
}

export function optBool(input: Input, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw badMember(key, v, 'Member must be a boolean');
}

export function optArray(input: Input, key: string): Input[] {
  const v = input[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badMember(key, v, 'Member must be a list');
  return v.map((x) => (x !== null && typeof x === 'object' ? (x as Input) : { value: x }));
}

export function optStringArray(input: Input, key: string): string[] {
  const v = input[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badMember(key, v, 'Member must be a list of strings');
  return v as string[];
}

/** Epoch seconds, as JSON protocols send timestamps. */
export const epochSeconds = (ms: number): number => ms / 1000;

// ----- query protocol -----------------------------------------------------------------

/**
 * `A.member.1.B=x` -> `{ A: [{ B: 'x' }] }`; `Attributes.entry.1.key/value` -> a list of `{ key, value }`.
 * Values stay strings: each operation coerces what it reads.
 */
export function parseQueryParams(params: URLSearchParams): Input {
  type Node = Record<string, unknown>;
  const root: Node = {};
  const lists = new WeakSet<Node>();
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if ((part === 'member' || part === 'entry') && i > 0) {
        lists.add(node);
        continue;
      }
      if (i === parts.length - 1) {
        node[part] = value;
      } else {
        if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
        node = node[part] as Node;
      }
    }
  }
  const convert = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const node = v as Node;
    if (lists.has(node)) {
      return Object.keys(node)
        .filter((k) => /^\d+$/.test(k))
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => convert(node[k]));
    }
    const out: Node = {};
    for (const [k, x] of Object.entries(node)) out[k] = convert(x);
    return out;
  };
  return convert(root) as Input;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Query-protocol XML: lists as `<member>`, timestamps (Date) as ISO-8601. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return xmlEscape(textOf(value));
}

export function queryResponse(action: string, xmlns: string, result: unknown, requestId: string): string {
  const body = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
  return `<?xml version="1.0"?>\n<${action}Response xmlns="${xmlns}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryErrorResponse(e: AwsApiError, xmlns: string, requestId: string): string {
  return `<?xml version="1.0"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${e.fault}</Type><Code>${xmlEscape(e.queryCode)}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** JSON results keep epoch-second numbers; query results want Dates for timestamps. */
export function timestampsToDates(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => timestampsToDates(v, keys));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (keys.has(k) && typeof v === 'number') out[k] = new Date(v * 1000);
      else if (keys.has(k) && Array.isArray(v) && v.every((x) => typeof x === 'number')) out[k] = v.map((x: number) => new Date(x * 1000));
      else out[k] = timestampsToDates(v, keys);
    }
    return out;
  }
  return value;
}
