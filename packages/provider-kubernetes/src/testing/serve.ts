import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@autoscaler/core';
import { FaultQueue, HttpError, RequestLog, readBody, sendJson, toFakeRequest, type Fault, type FakeHandler, type FakeReply, type FakeRequest } from '@autoscaler/testing';
import type { TlsCredentials } from './self-signed-certificate';

export interface ServeOptions {
  /** 0 (default) picks a free port; `autoscaler sandbox k8s --port N` asks for one. */
  port?: number;
  clock?: Pick<Clock, 'sleep'>;
  faults?: FaultQueue;
  log?: RequestLog;
  /** Keep the request log bounded in a long-running sandbox. */
  maxLogEntries?: number;
  /** Serve HTTPS with this key and certificate (default: plain HTTP). */
  tls?: TlsCredentials;
}

export interface ServedFake {
  /** `http://127.0.0.1:<port>`, or `https://` with `tls`. */
  url: string;
  port: number;
  faults: FaultQueue;
  log: RequestLog;
  errors: unknown[];
  close(): Promise<void>;
}

function reply(res: ServerResponse, r: FakeReply): void {
  const status = r.status ?? 200;
  if (typeof r.body === 'string' || Buffer.isBuffer(r.body)) {
    res.writeHead(status, { 'content-length': String(Buffer.byteLength(r.body)), ...r.headers });
    res.end(r.body);
  } else sendJson(res, status, r.body, r.headers);
}

const realTimers: Pick<Clock, 'sleep'> = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * `startFakeServer` from @autoscaler/testing, plus a chosen port and optional TLS: reads each
 * body, applies queued faults (status, latency, dropped connections), logs the
 * request and answers thrown `HttpError`s with their Status body.
 */
export async function serveFake(handler: FakeHandler, options: ServeOptions = {}): Promise<ServedFake> {
  const faults = options.faults ?? new FaultQueue();
  const log = options.log ?? new RequestLog();
  const clock = options.clock ?? realTimers;
  const errors: unknown[] = [];
  const handle = (raw: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      let req: FakeRequest | undefined;
      let fault: Fault | undefined;
      try {
        req = toFakeRequest(raw, await readBody(raw));
        fault = faults.take(req);
        if (fault?.delayMs) await clock.sleep(fault.delayMs);
        if (fault?.drop) {
          raw.socket.destroy();
          return;
        }
        if (fault?.status !== undefined) {
          reply(res, { status: fault.status, body: fault.body ?? { message: `injected ${fault.status}` }, ...(fault.headers ? { headers: fault.headers } : {}) });
          return;
        }
        const r = await handler(req, res);
        if (r && !res.headersSent) reply(res, r);
        else if (!res.headersSent) reply(res, { status: 204, body: '' });
      } catch (e) {
        if (res.headersSent) res.destroy();
        else if (e instanceof HttpError) reply(res, { status: e.status, body: e.body, headers: { ...e.headers } });
        else {
          errors.push(e);
          sendJson(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `fake apiserver bug: ${e instanceof Error ? e.message : String(e)}`, reason: 'InternalError', code: 500 });
        }
      } finally {
        if (req) {
          const entry = { method: req.method, url: req.url, path: req.path, headers: req.headers, body: req.text(), faulted: fault !== undefined && (fault.status !== undefined || fault.drop === true) };
          log.add(fault?.drop ? entry : { ...entry, status: res.statusCode });
          if (options.maxLogEntries !== undefined && log.entries.length > options.maxLogEntries) log.entries.splice(0, log.entries.length - options.maxLogEntries);
        }
      }
    })();
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    faults,
    log,
    errors,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
