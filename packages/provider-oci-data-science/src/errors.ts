import { AutoscalerError, ConflictError, NotFoundError, ProviderError, TransientError } from '@autoscaler/core';

/** What the OCI SDK throws: `OciError` for answers, a plain `{ code, message }` for network failures. */
interface OciErrorLike {
  statusCode?: number;
  serviceCode?: string;
  message?: string;
  code?: string | number;
  name?: string;
  opcRequestId?: string | null;
}

function asLike(e: unknown): OciErrorLike {
  return e !== null && typeof e === 'object' ? e : { message: String(e) };
}

/** The first line of an SDK error message (they append long troubleshooting text). */
function shortMessage(e: OciErrorLike): string {
  return String(e.message ?? 'unknown error')
    .split('\n')[0]!
    .slice(0, 300);
}

/**
 * SDK errors -> core errors, so the orchestrator knows what to do:
 * 412 NoEtagMatch and 409 (IncorrectState: an update in flight) -> ConflictError
 * (re-describe and decide again); 429, 5xx, timeouts and dropped connections ->
 * TransientError; 404 -> NotFoundError; the rest -> ProviderError with the status.
 */
export function translateOciError(e: unknown, what: string): AutoscalerError {
  if (e instanceof AutoscalerError) return e;
  const err = asLike(e);
  const status = typeof err.statusCode === 'number' && Number.isFinite(err.statusCode) && err.statusCode > 0 ? err.statusCode : undefined;
  const service = err.serviceCode && err.serviceCode !== 'None' ? ` ${err.serviceCode}` : '';
  const request = err.opcRequestId ? ` (opc-request-id ${err.opcRequestId})` : '';
  const text = `${what}: ${status ?? 'network'}${service}: ${shortMessage(err)}${request}`;
  if (status === undefined) return new TransientError(text, { cause: e });
  if (status === 412 || status === 409) return new ConflictError(text, { cause: e });
  if (status === 429 || status >= 500) return new TransientError(text, { cause: e });
  if (status === 404) return new NotFoundError(text);
  if (status === 401) return new ProviderError(`${text}. Check the key, fingerprint and clock (or the function's resource principal)`, { cause: e, status });
  return new ProviderError(text, { cause: e, status });
}

/** Run an SDK call and translate what it throws. */
export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translateOciError(e, what);
  }
}
