import { AutoscalerError, ConflictError, NotFoundError, ProviderError, TransientError, type CallOptions, type Clock } from '@autoscaler/core';
import { withinBudget, type HttpCallOptions } from './budget';

/** The parts of an SDK v3 service exception we read. */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);
const AUTH = new Set([
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AccessDeniedException',
  'AccessDenied',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
]);

/** SageMaker's answer to any change while the endpoint is Creating/Updating/RollingBack. */
export function isInProgressError(e: unknown): boolean {
  const err = e as SdkError;
  return (
    err?.name === 'ValidationException' && typeof err.message === 'string' && /^Cannot update in-progress (endpoint|inference component)/.test(err.message)
  );
}

/**
 * SDK errors -> core errors. Throttling, 5xx and network failures are
 * `TransientError` (the orchestrator retries them with its clock, after the
 * SDK's own bounded retries); "Cannot update in-progress endpoint" is a
 * `ConflictError` (someone else started an update: look again, do not retry
 * blindly); missing resources are `NotFoundError`; the rest `ProviderError`.
 */
export function toCoreError(e: unknown, what: string): AutoscalerError {
  if (e instanceof AutoscalerError) return e;
  const err = (e ?? {}) as SdkError;
  const name = err.name ?? '';
  const message = err.message ?? String(e);
  const status = err.$metadata?.httpStatusCode;
  const text = `${what}: ${name ? `${name}: ` : ''}${message}`;
  if (THROTTLING.has(name)) return new TransientError(text, { cause: e });
  if (NETWORK.has(err.code ?? '') || NETWORK.has(name) || name === 'TimeoutError' || name === 'AbortError' || /socket hang up|ECONNRESET/.test(message))
    return new TransientError(text, { cause: e });
  if (err.$fault === 'server' || (status !== undefined && status >= 500)) return new TransientError(text, { cause: e });
  if (name === 'ConcurrentUpdateException') return new TransientError(text, { cause: e });
  if (isInProgressError(e)) return new ConflictError(`${what}: it has an update in progress (${message})`, { cause: e });
  if (
    name === 'ObjectNotFoundException' ||
    name === 'ResourceNotFound' ||
    name === 'ResourceNotFoundException' ||
    name === 'NotFoundException' ||
    name === 'NotFound'
  )
    return new NotFoundError(text);
  if (name === 'ValidationException' && /^Could not find (endpoint|endpoint configuration|inference component) /.test(message)) return new NotFoundError(text);
  if (AUTH.has(name))
    return new ProviderError(`${text} (check the credentials, region and IAM permissions)`, { cause: e, ...(status !== undefined ? { status } : {}) });
  return new ProviderError(text, { cause: e, ...(status !== undefined ? { status } : {}) });
}

/** Run an SDK call and translate its failure. */
export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toCoreError(e, what);
  }
}

/** Run an SDK call inside the invocation's budget (see `withinBudget`) and translate its failure. */
export async function callWithin<T>(what: string, budget: CallOptions | undefined, clock: Clock, fn: (http: HttpCallOptions) => Promise<T>): Promise<T> {
  try {
    return await withinBudget(what, budget, clock, fn);
  } catch (e) {
    throw toCoreError(e, what);
  }
}
