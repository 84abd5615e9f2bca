import { randomUUID } from 'node:crypto';

/** An OCI error response: `{ code, message }` with the status, as every OCI service answers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** `body` is text to send as-is (Object Storage objects), not JSON. */
  raw?: boolean;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** Operation name as in the API reference (`UpdateModelDeployment`): faults and counts use it. */
  op: string;
  /** Names of the `{param}` path segments, in order. */
  names: readonly string[];
  /** Served without a signature (pre-authenticated requests). */
  unsigned?: boolean;
  handle(req: ApiRequest): ApiResponse;
}

export function route(method: string, path: string, op: string, handle: (req: ApiRequest) => ApiResponse, options: { unsigned?: boolean } = {}): Route {
  const names: string[] = [];
  const source = path.replace(/\{([a-zA-Z]+)\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), op, names, handle, ...(options.unsigned ? { unsigned: true } : {}) };
}

export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
    return { route: r, params };
  }
  return pathMatched ? 'method' : undefined;
}

export function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A required query parameter (`compartmentId` on every List call): 400 MissingParameter when absent or empty. */
export function requireQuery(req: ApiRequest, name: string): string {
  const v = req.query.get(name);
  if (!v) throw new ApiError(400, 'MissingParameter', `${name} is required`);
  return v;
}

/** Optimistic concurrency: an `if-match` header other than the current ETag is 412 NoEtagMatch (no header: no check). */
export function checkIfMatch(req: ApiRequest, etag: string, what: string): void {
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined && ifMatch !== etag) throw new ApiError(412, 'NoEtagMatch', `The ETag ${ifMatch} does not match the ${what}'s current ETag`);
}

/** 200 with a copy of the resource and its ETag header, as Get/Create/Update calls answer. */
export function withEtag(resource: Record<string, unknown>, etag: string): ApiResponse {
  return { status: 200, body: structuredClone(resource), headers: { etag } };
}

/** The JSON body must be an object; anything else is 400 CannotParseRequest. */
export function objectBody(req: ApiRequest): Record<string, unknown> {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))
    throw new ApiError(400, 'CannotParseRequest', 'the request body must be a JSON object');
  return req.body as Record<string, unknown>;
}

export function requireString(obj: Record<string, unknown>, key: string, where = ''): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.length === 0)
    throw new ApiError(400, v === undefined ? 'MissingParameter' : 'InvalidParameter', `${where}${key} must be a non-empty string`);
  return v;
}

export function optionalString(obj: Record<string, unknown>, key: string, where = ''): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, 'InvalidParameter', `${where}${key} must be a string`);
  return v;
}

export function tagsOf(v: unknown, key: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, 'InvalidParameter', `${key} must be an object`);
  const out: Record<string, string> = {};
  const entries = Object.entries(v as Record<string, unknown>);
  // OCI limits: 64 tags per resource, keys up to 100 characters, values up to 256.
  if (entries.length > 64) throw new ApiError(400, 'InvalidParameter', `${key}: at most 64 tags per resource`);
  for (const [k, val] of entries) {
    if (typeof val !== 'string') throw new ApiError(400, 'InvalidParameter', `${key}.${k} must be a string`);
    if (k.length === 0 || k.length > 100) throw new ApiError(400, 'InvalidParameter', `${key}: tag key "${k.slice(0, 20)}" must be 1-100 characters`);
    if (val.length > 256) throw new ApiError(400, 'InvalidParameter', `${key}.${k}: tag value must be at most 256 characters`);
    out[k] = val;
  }
  return out;
}

/** List pagination the OCI way: `limit` + opaque `page`, next page token in `opc-next-page`. */
export function paginate<T>(items: readonly T[], req: ApiRequest, defaultLimit: number): ApiResponse {
  const limit = Math.max(1, Math.min(1000, Number(req.query.get('limit') ?? defaultLimit) || defaultLimit));
  const page = req.query.get('page');
  const start = page ? Number(Buffer.from(page, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'InvalidParameter', 'page is not a token this service issued');
  const slice = items.slice(start, start + limit);
  const headers: Record<string, string> = {};
  if (start + limit < items.length) headers['opc-next-page'] = Buffer.from(String(start + limit), 'utf8').toString('base64url');
  return { status: 200, body: slice, headers };
}

export function newEtag(): string {
  return randomUUID().replace(/-/g, '');
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
