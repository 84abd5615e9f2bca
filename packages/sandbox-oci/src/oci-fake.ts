import type { ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '@autoscaler/core';
import { FaultQueue, startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from '@autoscaler/testing';
import { ApiError, matchRoute, type ApiResponse, type Route } from './fake-http';
import { FakeDataScience } from './fake-data-science';
import { FakeMonitoring } from './fake-monitoring';
import { FakeNotifications } from './fake-notifications';
import { FakeObjectStorage } from './fake-object-storage';
import { OcidFactory } from './ocid-factory';
import { SignatureError, verifyRequest } from './oci-signature';
import { textOf } from '@autoscaler/core';

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
  /** How many matching requests fail. Default 1 (`Infinity` until cleared). */
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

const DEFAULT_CODES: Record<number, string> = {
  400: 'InvalidParameter',
  401: 'NotAuthenticated',
  404: 'NotAuthorizedOrNotFound',
  409: 'IncorrectState',
  412: 'NoEtagMatch',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export class OciFake {
  readonly clock: Clock;
  readonly ocids: OcidFactory;
  readonly dataScience: FakeDataScience;
  readonly monitoring: FakeMonitoring;
  readonly notifications: FakeNotifications;
  readonly objectStorage = new FakeObjectStorage();
  readonly requests: RequestRecord[] = [];
  private readonly keys = new Map<string, KeyObject>();
  private readonly faults = new FaultQueue<Fault>();
  private readonly routes: Route[];
  private readonly hanging = new Set<ServerResponse>();
  private server?: FakeServer;

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
    this.faults.next(fault);
    return this;
  }

  clearFaults(): void {
    this.faults.clear();
  }

  get url(): string {
    if (!this.server) throw new Error('the OCI fake is not started');
    return this.server.url;
  }

  /** Listen on 127.0.0.1 (`port` 0: a free one), on the shared fake server of @autoscaler/testing. */
  async start(port = 0): Promise<this> {
    this.server = await startFakeServer((req, res) => this.onRequest(req, res), { port, maxLogEntries: 0 });
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await server.close();
  }

  /** Requests answered for an operation (optionally only with this status). */
  count(op: string, status?: number): number {
    return this.requests.filter((r) => r.op === op && (status === undefined || r.status === status)).length;
  }

  private takeFault(op: string, path: string): Fault | undefined {
    return this.faults.takeFirst((f) => {
      const ops = f.op === undefined ? undefined : typeof f.op === 'string' ? [f.op] : f.op;
      return (ops === undefined || ops.includes(op)) && (f.resourceId === undefined || path.includes(f.resourceId));
    });
  }

  private async onRequest(req: FakeRequest, res: ServerResponse): Promise<FakeReply> {
    const receivedAt = performance.now();
    const raw = req.body;
    const method = req.method.toUpperCase();
    const path = req.path;
    const record: RequestRecord = { method, path, op: 'Unknown', status: 0, receivedAt };
    this.requests.push(record);
    const send = async (r: ApiResponse): Promise<FakeReply> => {
      record.status = r.status;
      if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      const headers: Record<string, string> = { 'opc-request-id': `fake-${this.requests.length}`, ...(r.headers ?? {}) };
      record.ms = performance.now() - receivedAt;
      if (r.body === undefined) return { status: r.status, body: '', headers };
      return r.raw
        ? { status: r.status, body: textOf(r.body), headers: { 'content-type': 'application/json', ...headers } }
        : { status: r.status, body: r.body, headers };
    };
    const error = (status: number, code: string, message: string): Promise<FakeReply> => send({ status, body: { code, message } });
    /** Never answered: the connection is cut (drop) or held until stop (hang). */
    const never = (): Promise<FakeReply> => new Promise<FakeReply>(() => undefined);
    try {
      const matched = matchRoute(this.routes, method, path);
      if (matched === undefined) return await error(404, 'NotFound', `no operation at ${method} ${path}`);
      if (matched === 'method') return await error(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
      record.op = matched.route.op;
      if (!matched.route.unsigned) {
        try {
          const sig = verifyRequest(
            { method, url: req.url, headers: req.headers, body: raw },
            (k) => this.keys.get(k),
            (this.options.signatureNow ?? Date.now)(),
          );
          record.keyId = sig.keyId;
        } catch (e) {
          if (e instanceof SignatureError)
            return await error(401, 'NotAuthenticated', `The required information to complete authentication was not provided or was incorrect: ${e.message}`);
          throw e;
        }
      }
      const fault = this.takeFault(record.op, path);
      if (fault) {
        record.fault = fault.kind ?? 'error';
        if (fault.kind === 'drop') {
          record.status = -1;
          req.raw.socket.destroy();
          return await never();
        }
        if (fault.kind === 'hang') {
          record.status = -1;
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return await never();
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
      const answer = matched.route.handle({ method, path, params: matched.params, query: req.query, headers: req.headers, body });
      return await send(answer);
    } catch (e) {
      if (e instanceof ApiError) return await error(e.status, e.code, e.message);
      return await error(500, 'InternalServerError', `fake bug: ${(e as Error).message}`);
    }
  }
}
