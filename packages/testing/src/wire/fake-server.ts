import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@autoscaler/core';
import { FaultQueue, type Fault } from './fault-queue';
import { readBody, toFakeRequest, type FakeRequest } from './fake-request';
import { HttpError } from './http-error';
import { RequestLog } from './request-log';
import { selfSignedCertificate } from '../tls/self-signed-certificate';

/** What a handler may return instead of writing the response itself. */
export interface FakeReply {
  status?: number;
  /** Objects are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeHandler = (req: FakeRequest, res: ServerResponse) => FakeReply | void | Promise<FakeReply | void>;

export interface FakeServerOptions {
  /** Clock for fault delays; a `ManualClock` keeps latency tests free of real waiting. */
  clock?: Pick<Clock, 'sleep'>;
  faults?: FaultQueue;
  log?: RequestLog;
  /** 0 (default) picks a free port; a standalone sandbox (`--port N`) asks for one. */
  port?: number;
  /**
   * Serve HTTPS with this PEM key and certificate, or with `true` a fresh self-signed one for
   * 127.0.0.1 and localhost (`FakeServer.ca` is then the certificate a client trusts). Default: plain HTTP.
   */
  tls?: { key: string; cert: string } | true;
  /** Bodies over this answer 413 (default 16 MiB). */
  maxBodyBytes?: number;
  /** Keep only the newest entries of the request log (a long-running sandbox). */
  maxLogEntries?: number;
  /** The 500 body when the handler has a bug (a non-`HttpError`), in the API's own error shape. */
  bugBody?: (message: string) => unknown;
  /** The body of an injected fault that brings none of its own. */
  faultBody?: (status: number) => unknown;
}

export interface FakeServer {
  /** `http://127.0.0.1:<port>` (or `https://` with `tls`) with no trailing slash. */
  url: string;
  port: number;
  faults: FaultQueue;
  log: RequestLog;
  /** Errors the handler threw that were not `HttpError`s: bugs in the fake, answered as 500. */
  errors: unknown[];
  /** With `tls`: the PEM certificate a client must trust (its only CA) to reach this server. */
  ca?: string;
  close(): Promise<void>;
}

/** Writes a JSON body with a content-length, as every cloud API does. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendReply(res: ServerResponse, reply: FakeReply): void {
  const status = reply.status ?? 200;
  const body = reply.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...reply.headers });
    res.end(body);
  } else {
    sendJson(res, status, body, reply.headers);
  }
}

const realTimers: Pick<Clock, 'sleep'> = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * A wire-level fake on 127.0.0.1 and a random port: reads each body (so the
 * handler can verify signatures over it), applies queued faults, logs every
 * request and turns thrown `HttpError`s into responses.
 */
export async function startFakeServer(handler: FakeHandler, options: FakeServerOptions = {}): Promise<FakeServer> {
  const faults = options.faults ?? new FaultQueue();
  const log = options.log ?? new RequestLog();
  const clock = options.clock ?? realTimers;
  const errors: unknown[] = [];

  const bugBody = options.bugBody ?? ((message: string) => ({ code: 'FakeServerBug', message }));
  const faultBody = options.faultBody ?? ((status: number) => ({ code: 'InjectedFault', message: `injected ${status}` }));

  const handle = (raw: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      let req: FakeRequest | undefined;
      let fault: Fault | undefined;
      try {
        req = toFakeRequest(raw, await readBody(raw, options.maxBodyBytes));
        fault = faults.take(req);
        if (fault?.delayMs) await clock.sleep(fault.delayMs);
        if (fault?.drop) {
          raw.socket.destroy();
          return;
        }
        if (fault?.status !== undefined) {
          sendReply(res, { status: fault.status, body: fault.body ?? faultBody(fault.status), ...(fault.headers ? { headers: fault.headers } : {}) });
          return;
        }
        const reply = await handler(req, res);
        if (reply && !res.headersSent) sendReply(res, reply);
        else if (!res.writableEnded && !res.headersSent) sendReply(res, { status: 204, body: '' });
      } catch (e) {
        if (res.headersSent) {
          res.destroy();
        } else if (e instanceof HttpError) {
          sendReply(res, { status: e.status, body: e.body, headers: { ...e.headers } });
        } else {
          errors.push(e);
          sendJson(res, 500, bugBody(e instanceof Error ? e.message : String(e)));
        }
      } finally {
        if (req) {
          const entry = {
            method: req.method,
            url: req.url,
            path: req.path,
            headers: req.headers,
            body: req.text(),
            faulted: fault !== undefined && (fault.status !== undefined || fault.drop === true),
          };
          log.add(fault?.drop ? entry : { ...entry, status: res.statusCode });
          if (options.maxLogEntries !== undefined && log.entries.length > options.maxLogEntries)
            log.entries.splice(0, log.entries.length - options.maxLogEntries);
        }
      }
    })();
  };
  const tls = options.tls === true ? selfSignedCertificate() : options.tls;
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handle) : createServer(handle);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    faults,
    log,
    errors,
    ...(tls ? { ca: tls.cert } : {}),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // Keep-alive sockets from SDK agents would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
