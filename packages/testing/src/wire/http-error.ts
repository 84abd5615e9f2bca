/**
 * Thrown by a fake's handler to answer with an HTTP error in the cloud's own
 * error shape (OCI `{ code, message }`, AWS `{ __type, message }`, Kubernetes
 * `Status`). The fake server writes it; the handler stays linear.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`HTTP ${status}${typeof body === 'object' && body !== null && 'message' in body ? `: ${String(body.message)}` : ''}`);
    this.name = 'HttpError';
  }
}
