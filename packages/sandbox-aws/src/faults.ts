import { AwsApiError } from './wire';

export type FakeService = 'sagemaker' | 'autoscaling' | 'cloudwatch' | 'sns';

/**
 * A fault the fake injects into matching requests, before any state changes:
 * - `throttle`: the service's throttling error (the SDK retries it),
 * - `server-error`: a 5xx (`InternalFailure` 500 or `ServiceUnavailable` 503),
 * - `drop`: the connection is destroyed without an answer (ECONNRESET),
 * - `latency`: the answer is delayed by `latencyMs` of real time,
 * - `hang`: no answer at all until the client gives up (timeouts),
 * - `lose`: answered as a success, but the request is not applied (a write that silently vanished).
 */
export interface FaultSpec {
  kind: 'throttle' | 'server-error' | 'drop' | 'latency' | 'hang' | 'lose';
  service?: FakeService;
  /** Operation name (`UpdateEndpointWeightsAndCapacities`, `Publish`...). */
  operation?: string;
  /** How many matching requests it hits (default 1; `Infinity` until cleared). */
  times?: number;
  status?: 500 | 503;
  latencyMs?: number;
}

/** Whether a queued fault hits a request to this service and operation. */
export const hits =
  (service: FakeService, operation: string) =>
  (f: FaultSpec): boolean =>
    (f.service === undefined || f.service === service) && (f.operation === undefined || f.operation === operation);

/** The error each service answers a throttled request with. */
export function throttlingError(service: FakeService): AwsApiError {
  switch (service) {
    case 'sns':
      return new AwsApiError('Throttling', 'Rate exceeded', 400, { queryCode: 'Throttling' });
    case 'cloudwatch':
      return new AwsApiError('ThrottlingException', 'Rate exceeded', 400, { queryCode: 'Throttling' });
    default:
      return new AwsApiError('ThrottlingException', 'Rate exceeded', 400);
  }
}

export function serverError(status: 500 | 503 = 500): AwsApiError {
  return status === 503
    ? new AwsApiError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503, { queryCode: 'ServiceUnavailable' })
    : new AwsApiError('InternalFailure', 'We encountered an internal error. Please try again.', 500, { queryCode: 'InternalFailure' });
}
