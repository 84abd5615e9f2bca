import type { IncomingHttpHeaders } from 'node:http';

/** What a fake received and how it answered. */
export interface LoggedRequest {
  method: string;
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Status sent, or `undefined` when the connection was dropped. */
  status?: number;
  /** True when an injected fault answered instead of the handler. */
  faulted: boolean;
}

/** Every request a fake served, in arrival order. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  /** Requests with this method whose path matches (a string prefix or a regex). */
  find(method: string, path?: string | RegExp): LoggedRequest[] {
    return this.entries.filter(
      (e) => e.method === method.toUpperCase() && (path === undefined || (typeof path === 'string' ? e.path.startsWith(path) : path.test(e.path))),
    );
  }

  count(method: string, path?: string | RegExp): number {
    return this.find(method, path).length;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
