import { HttpError } from '@autoscaler/testing';

/** A `metav1.Status` cause (field-level problem of a 422 Invalid). */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** The `metav1.Status` failure object every apiserver error carries. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

const REASON: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function kubeStatus(code: number, message: string, details?: KubeStatus['details'], reason?: string): KubeStatus {
  const s: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: reason ?? REASON[code] ?? 'Unknown', code };
  if (details) s.details = details;
  return s;
}

/** Throwable Status answer (the fake server writes it as the response). */
export function statusError(code: number, message: string, details?: KubeStatus['details'], reason?: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(code, kubeStatus(code, message, details, reason), headers);
}

/** `deployments.apps` / `pods` — how the apiserver names a resource in messages. */
export function qualified(resource: string, group: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

export function notFound(resource: string, group: string, name: string): HttpError {
  return statusError(404, `${qualified(resource, group)} "${name}" not found`, { name, group, kind: resource });
}

/** The exact conflict the apiserver answers to a stale resourceVersion. */
export function conflict(resource: string, group: string, name: string): HttpError {
  return statusError(
    409,
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

export function alreadyExists(resource: string, group: string, name: string): HttpError {
  return statusError(409, `${qualified(resource, group)} "${name}" already exists`, { name, group, kind: resource }, 'AlreadyExists');
}

export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): HttpError {
  const summary = causes.map((c) => `${c.field ?? ''}: ${c.message}`).join(', ');
  return statusError(422, `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, { name, group, kind, causes });
}

/** A Status body for an injected fault (429 carries Retry-After like the apiserver's max-in-flight filter). */
export function faultStatus(code: 429 | 500 | 503 | 504 | 409, name = 'injected'): { status: number; body: KubeStatus; headers?: Record<string, string> } {
  switch (code) {
    case 429:
      return { status: 429, body: kubeStatus(429, 'Too many requests, please try again later.', { retryAfterSeconds: 1 }), headers: { 'retry-after': '1' } };
    case 500:
      return { status: 500, body: kubeStatus(500, 'Internal error occurred: injected fault') };
    case 503:
      return { status: 503, body: kubeStatus(503, 'the server is currently unable to handle the request') };
    case 504:
      return { status: 504, body: kubeStatus(504, 'Timeout: request did not complete within the allowed duration') };
    case 409:
      return {
        status: 409,
        body: kubeStatus(
          409,
          `Operation cannot be fulfilled on deployments.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name, group: 'apps', kind: 'deployments' },
        ),
      };
  }
}
