import { ApiException } from '@kubernetes/client-node';
import { AutoscalerError, ConflictError, NotFoundError, ProviderError, TransientError } from '@autoscaler/core';

/** The `message` of a `metav1.Status` body (client-node hands it over as text or as an object). */
function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body) as unknown;
    } catch {
      return body.length > 0 ? body.slice(0, 300) : undefined;
    }
  }
  if (typeof b === 'object' && b !== null && typeof (b as { message?: unknown }).message === 'string') return (b as { message: string }).message;
  return undefined;
}

const REASON: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const NETWORK = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up|network timeout|other side closed/i;

/**
 * Translates what `@kubernetes/client-node` throws into the autoscaler's errors:
 * 409 -> ConflictError (stale resourceVersion), 429/5xx/network -> TransientError
 * (the orchestrator retries with backoff), 404 -> NotFoundError, the rest ->
 * ProviderError carrying the HTTP status and the apiserver's own message.
 */
export function translateKubeError(e: unknown, what: string): AutoscalerError {
  if (e instanceof AutoscalerError) return e;
  if (e instanceof ApiException) {
    const ex = e as ApiException<unknown>;
    const message = statusMessage(ex.body) ?? REASON[ex.code] ?? 'error';
    const text = `${what}: ${message}`;
    if (ex.code === 409) return new ConflictError(text, { cause: e });
    if (ex.code === 404) return new NotFoundError(text);
    if (ex.code === 429 || ex.code >= 500) {
      const retry = ex.headers?.['retry-after'];
      return new TransientError(`${text}${retry ? ` (retry after ${retry}s)` : ''}`, { cause: e });
    }
    return new ProviderError(`${text} (HTTP ${ex.code})`, { cause: e, status: ex.code });
  }
  const err = e as { message?: string; code?: string; name?: string } | undefined;
  // The caller's deadline aborted the request: worth another try later, not a provider fault.
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError' || /\baborted\b/i.test(err?.message ?? ''))
    return new TransientError(`${what}: aborted at the deadline`, { cause: e });
  const detail = `${err?.code ?? ''} ${err?.message ?? String(e)}`;
  if (NETWORK.test(detail)) return new TransientError(`${what}: ${err?.message ?? String(e)}`, { cause: e });
  return new ProviderError(`${what}: ${err?.message ?? String(e)}`, { cause: e });
}
