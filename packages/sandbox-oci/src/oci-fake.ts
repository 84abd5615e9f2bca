import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '@autoscaler/core';
import { ApiError, matchRoute, type ApiResponse, type Route } from './fake-http';
import { FakeDataScience } from './fake-data-science';
import { FakeMonitoring } from './fake-monitoring';
import { FakeNotifications } from './fake-notifications';
import { FakeObjectStorage } from './fake-object-storage';
import { OcidFactory } from './ocid-factory';
import { SignatureError, verifyRequest } from './oci-signature';

/**
 * A wire-level fake of the OCI Data Science, Monitoring and Notifications REST
 * APIs (and Object Storage GetObject, for policies) on one local port. Real SDK clients point at it with
 * `client.endpoint = fake.url`. Every request must carry a valid OCI HTTP
 * signature from a trusted key (401 NotAuthenticated otherwise). Faults are
 * injected per operation: an error status, a dropped connection, or a request
 * that never gets an answer.
 */
export interface OciFakeOptions {
  /** Drives lifecycle transitions, work requests and alarm timestamps. */
  clock?: Clock;
  /** How long a configuration update keeps a deployment UPDATING (clock ms). Default 60 s. */
  updateDelayMs?: number;
  /** Reference time for the signature's date header (the SDK signs with the real time). */
  signatureNow?: () => number;
  /** Page size of list operations (small values exercise pagination). Default 100. */
  pageSize?: number;
  /** Real latency added to every answer, ms. */
  latencyMs?: number;
  regionKey?: string;
  region?: string;
}

export interface Fault {
  /** Operation(s) to hit (`UpdateModelDeployment`, `GetModelDeployment`, `CreateAlarm`, ...); all when absent. */
  op?: string | readonly string[];
  /** Only requests for this resource id (path contains it). */
  resourceId?: string;
  kind?: 'error' | 'drop' | 'hang';
  status?: number;
  code?: string;
  message?: string;
  /** How many matching requests fail. Default 1. */
  times?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  op: string;
  status: number;
  keyId?: string;
  /** What the fault injector did, if anything. */
  fault?: Fault['kind'];
  /** When the request arrived (performance.now()) and how long the fake took to answer it, ms. */
  receivedAt: number;
  ms?: number;
}

const DEFAULT_CODES: Record<number, string> = { 400: 'InvalidParameter', 401: 'NotAuthenticated', 404: 'NotAuthorizedOrNotFound', 409: 'IncorrectState', 412: 'NoEtagMatch', 429: 'TooManyRequests', 500: 'InternalServerError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout' };

export class OciFake {
  readonly clock: Clock;
  readonly ocids: OcidFactory;
  readonly dataScience: FakeDataScience;
  readonly monitoring: FakeMonitoring;
  readonly notifications: FakeNotifications;
  readonly objectStorage = new FakeObjectStorage();
  readonly requests: RequestRecord[] = [];
  private readonly keys = new Map<string, KeyObject>();
  private readonly faults: Array<Fault & { left: number }> = [];
  private readonly routes: Route[];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private server?: Server;
  private port = 0;

  constructor(private readonly options: OciFakeOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.ocids = new OcidFactory(options.regionKey ?? 'iad', options.region ?? 'us-ashburn-1');
    const pageSize = options.pageSize ?? 100;
    this.dataScience = new FakeDataScience(this.clock, this.ocids, { updateDelayMs: options.updateDelayMs ?? 60_000, pageSize });
    this.notifications = new FakeNotifications(this.clock, this.ocids, { pageSize });
    this.monitoring = new FakeMonitoring(this.clock, this.ocids, this.notifications, { pageSize });
    this.routes = [...this.dataScience.routes(), ...this.monitoring.routes(), ...this.notifications.routes(), ...this.objectStorage.routes()];
  }

  /** Accept requests signed with this key (`keyId` = `tenancy/user/fingerprint`). */
  trust(identity: { keyId: string; publicKey: KeyObject }): this {
    this.keys.set(identity.keyId, identity.publicKey);
    return this;
  }

  inject(fault: Fault): this {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  get url(): string {
    if (!this.server) throw new Error('the OCI fake is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests answered for an operation (optionally only with this status). */
  count(op: string, status?: number): number {
    return this.requests.filter((r) => r.op === op && (status === undefined || r.status === status)).length;
  }

  private takeFault(op: string, path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => {
      const ops = f.op === undefined ? undefined : typeof f.op === 'string' ? [f.op] : f.op;
      return (ops === undefined || ops.includes(op)) && (f.resourceId === undefined || path.includes(f.resourceId));
    });
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (--f.left <= 0) this.faults.splice(i, 1);
    return f;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RequestRecord = { method, path: url.pathname, op: 'Unknown', status: 0, receivedAt };
    this.requests.push(record);
    const send = async (r: ApiResponse): Promise<void> => {
      record.status = r.status;
      if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      const headers: Record<string, string> = { 'opc-request-id': `fake-${this.requests.length}`, ...(r.headers ?? {}) };
      if (r.body !== undefined) {
        const text = r.raw ? String(r.body) : JSON.stringify(r.body);
        res.writeHead(r.status, { 'content-type': 'application/json', ...headers, 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
      } else {
        res.writeHead(r.status, { ...headers, 'content-length': '0' });
        res.end();
      }
      record.ms = performance.now() - receivedAt;
    };
    const error = (status: number, code: string, message: string): Promise<void> => send({ status, body: { code, message } });

    try {
      const matched = matchRoute(this.routes, method, url.pathname);
      if (matched === undefined) return await error(404, 'NotFound', `no operation at ${method} ${url.pathname}`);
      if (matched === 'method') return await error(405, 'MethodNotAllowed', `${method} is not allowed on ${url.pathname}`);
      record.op = matched.route.op;

      if (!matched.route.unsigned) {
        try {
          const sig = verifyRequest({ method, url: req.url ?? '/', headers: req.headers, body: raw }, (k) => this.keys.get(k), (this.options.signatureNow ?? Date.now)());
          record.keyId = sig.keyId;
        } catch (e) {
          if (e instanceof SignatureError) return await error(401, 'NotAuthenticated', `The required information to complete authentication was not provided or was incorrect: ${e.message}`);
          throw e;
        }
      }

      const fault = this.takeFault(record.op, url.pathname);
      if (fault) {
        record.fault = fault.kind ?? 'error';
        if (fault.kind === 'drop') {
          record.status = -1;
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'hang') {
          record.status = -1;
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        }
        const status = fault.status ?? 500;
        return await error(status, fault.code ?? DEFAULT_CODES[status] ?? 'InternalServerError', fault.message ?? `injected ${status}`);
      }

      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return await error(400, 'CannotParseRequest', 'the request body is not valid JSON');
        }
      }
      const answer = matched.route.handle({ method, path: url.pathname, params: matched.params, query: url.searchParams, headers: req.headers, body });
      await send(answer);
    } catch (e) {
      if (e instanceof ApiError) return void (await error(e.status, e.code, e.message));
      await error(500, 'InternalServerError', `fake bug: ${(e as Error).message}`);
    }
  }
}
