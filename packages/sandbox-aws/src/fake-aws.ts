import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '@autoscaler/core';
import { FakeAutoscaling } from './autoscaling-service';
import { FakeCloudWatch } from './cloudwatch-service';
import { FaultPlan, serverError, throttlingError, type FakeService, type FaultSpec } from './faults';
import { FakeSageMaker, type FakeEndpointSeed, type FakeInferenceComponentSeed } from './sagemaker-service';
import { verifySigV4, type FakeCredential } from './sigv4';
import { FakeSns } from './sns-service';
import { AwsApiError, parseQueryParams, queryErrorResponse, queryResponse, timestampsToDates, type Input } from './wire';
import { createWorld, type FakeWorld } from './world';

export interface FakeAwsOptions {
  region?: string;
  accountId?: string;
  /** Drives endpoint updates (`Updating` -> `InService`) and timestamps. Default: the system clock. */
  clock?: Clock;
  /** Wall clock for SigV4 date-skew checks (the SDK signs with real time even when `clock` is manual). */
  wallClock?: () => number;
  credentials?: FakeCredential[];
  capacityUpdateMs?: number;
  configUpdateMs?: number;
  /** 0 (default) picks a free port. Always bound to 127.0.0.1. */
  port?: number;
  endpoints?: FakeEndpointSeed[];
  inferenceComponents?: FakeInferenceComponentSeed[];
  /** Topic names created up front. */
  topics?: string[];
}

/** One request as the fake saw it, for assertions. */
export interface RecordedRequest {
  service: FakeService | 'unknown';
  operation: string;
  status: number;
  errorCode?: string;
  /** Fake clock time. */
  at: number;
  accessKeyId?: string;
  protocol: 'json' | 'query' | 'other';
}

/** Test credentials the fake accepts unless told otherwise (the shape of an IAM user key). */
export const FAKE_CREDENTIALS: FakeCredential = { accessKeyId: 'AKIAFAKEAUTOSCALER01', secretAccessKey: 'fake/secret/for/the/local/aws/sandbox+0000' };

const JSON_TARGETS: ReadonlyArray<{ prefix: string; service: FakeService; signingName: string; contentType: string }> = [
  { prefix: 'SageMaker.', service: 'sagemaker', signingName: 'sagemaker', contentType: 'application/x-amz-json-1.1' },
  { prefix: 'AnyScaleFrontendService.', service: 'autoscaling', signingName: 'application-autoscaling', contentType: 'application/x-amz-json-1.1' },
  { prefix: 'GraniteServiceVersion20100801.', service: 'cloudwatch', signingName: 'monitoring', contentType: 'application/x-amz-json-1.0' },
];
const QUERY_SERVICES: Readonly<Record<string, { service: FakeService; xmlns: string }>> = {
  sns: { service: 'sns', xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/' },
  monitoring: { service: 'cloudwatch', xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
};
const CLOUDWATCH_TIMESTAMPS = new Set(['AlarmConfigurationUpdatedTimestamp', 'StateUpdatedTimestamp', 'StateTransitionedTimestamp', 'Timestamps']);
const MAX_BODY = 10 * 1024 * 1024;

/**
 * A wire-level fake of SageMaker, Application Auto Scaling, CloudWatch and SNS
 * on one node:http server: the real SDK v3 clients (and the AWS CLI / boto3 with
 * `--endpoint-url`) talk to it. Every request's SigV4 signature is verified;
 * state is kept; faults can be injected.
 */
export class FakeAws {
  readonly world: FakeWorld;
  readonly sagemaker: FakeSageMaker;
  readonly autoscaling: FakeAutoscaling;
  readonly cloudwatch: FakeCloudWatch;
  readonly sns: FakeSns;
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new FaultPlan();
  private readonly credentialMap: Map<string, FakeCredential>;
  private readonly wallClock: () => number;
  private readonly hung = new Set<ServerResponse>();
  private server?: Server;
  private baseUrl = '';

  constructor(options: FakeAwsOptions = {}) {
    this.world = createWorld(
      {
        region: options.region ?? 'us-east-1',
        accountId: options.accountId ?? '123456789012',
        clock: options.clock ?? systemClock,
        capacityUpdateMs: options.capacityUpdateMs ?? 60_000,
        configUpdateMs: options.configUpdateMs ?? 300_000,
      },
      () => this.sagemaker.settle(this.world.clock.now()),
    );
    this.sagemaker = new FakeSageMaker(this.world);
    this.autoscaling = new FakeAutoscaling(this.world, this.sagemaker);
    this.cloudwatch = new FakeCloudWatch(this.world);
    this.sns = new FakeSns(this.world);
    this.sagemaker.peers = { isRegistered: (id) => this.autoscaling.isRegistered(id) };
    this.autoscaling.peers = { putManagedAlarm: (a) => this.cloudwatch.putManaged(a), deleteManagedAlarms: (n) => this.cloudwatch.deleteManaged(n) };
    this.cloudwatch.peers = { notify: (t, a, old) => this.sns.notifyAlarm(t, a, old), executePolicy: (arn, a) => this.autoscaling.execute(arn, a) };
    this.credentialMap = new Map((options.credentials ?? [FAKE_CREDENTIALS]).map((c) => [c.accessKeyId, c]));
    this.wallClock = options.wallClock ?? Date.now;
    for (const e of options.endpoints ?? []) this.sagemaker.seedEndpoint(e);
    for (const c of options.inferenceComponents ?? []) this.sagemaker.seedInferenceComponent(c);
    for (const t of options.topics ?? []) this.sns.createTopic(t);
  }

  static async start(options: FakeAwsOptions = {}): Promise<FakeAws> {
    const fake = new FakeAws(options);
    await fake.listen(options.port ?? 0);
    return fake;
  }

  get url(): string {
    return this.baseUrl;
  }

  get region(): string {
    return this.world.region;
  }

  get accountId(): string {
    return this.world.accountId;
  }

  /** The first accepted credential, for SDK clients. */
  get credentials(): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
    return [...this.credentialMap.values()][0]!;
  }

  /** `{ endpoint, region, credentials }` for an SDK v3 client constructor. */
  clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.url, region: this.region, credentials: { ...this.credentials } };
  }

  inject(fault: FaultSpec): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Requests of one operation (successful or not), for assertions. */
  calls(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  async listen(port: number): Promise<void> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ----- request pipeline -----------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      res.statusCode = 413;
      res.end();
      return;
    }
    const requestId = randomUUID();
    const target = header(req, 'x-amz-target');
    const contentType = header(req, 'content-type') ?? '';

    if (req.method === 'GET' && /^\/SimpleNotificationService-[0-9a-f]{32}\.pem$/.test(req.url ?? '') && this.sns.signingCertUrl.endsWith(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(this.sns.signing.certificatePem);
      return;
    }

    if (target !== undefined) {
      const route = JSON_TARGETS.find((r) => target.startsWith(r.prefix));
      const operation = route ? target.slice(route.prefix.length) : target;
      return this.respond(
        res,
        requestId,
        route?.service ?? 'unknown',
        operation,
        'json',
        route?.contentType ?? 'application/x-amz-json-1.1',
        header(req, 'x-amzn-query-mode') === 'true',
        async (scope) => {
          if (!route) throw new AwsApiError('UnknownOperationException', `Unknown target ${target}`, 400);
          if (scope.service !== route.signingName)
            throw new AwsApiError('InvalidSignatureException', `Credential should be scoped to correct service: '${route.signingName}'. `, 400);
          if (req.method !== 'POST') throw new AwsApiError('UnknownOperationException', 'JSON protocol requests must be POST', 400);
          if (!contentType.startsWith('application/x-amz-json-'))
            throw new AwsApiError('UnknownOperationException', `Unsupported content type ${contentType}`, 400);
          let input: Input;
          try {
            const text = body.toString('utf8');
            input = text.trim() === '' ? {} : (JSON.parse(text) as Input);
          } catch {
            throw new AwsApiError('SerializationException', 'Start of structure or map found where not expected.', 400);
          }
          if (input === null || typeof input !== 'object' || Array.isArray(input))
            throw new AwsApiError('SerializationException', 'Expected a JSON object', 400);
          return this.dispatch(route.service, operation, input);
        },
        req,
        body,
      );
    }

    if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? '';
      const scopeService = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(header(req, 'authorization') ?? '')?.[1] ?? '';
      const q = QUERY_SERVICES[scopeService];
      return this.respondQuery(res, requestId, q, action, async () => this.dispatch(q!.service, action, parseQueryParams(params)), req, body);
    }

    if (header(req, 'smithy-protocol') === 'rpc-v2-cbor') {
      this.record({ service: 'unknown', operation: req.url ?? '', status: 400, errorCode: 'UnknownOperationException', protocol: 'other' });
      res
        .writeHead(400, { 'content-type': 'application/json', 'x-amzn-requestid': requestId })
        .end(JSON.stringify({ __type: 'UnknownOperationException', message: 'this fake speaks awsJson1_0/1_1 and awsQuery, not rpc-v2-cbor' }));
      return;
    }
    this.record({ service: 'unknown', operation: `${req.method} ${req.url}`, status: 404, protocol: 'other' });
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private dispatch(service: FakeService, operation: string, input: Input): unknown {
    this.world.settle();
    switch (service) {
      case 'sagemaker':
        return this.sagemaker.handle(operation, input);
      case 'autoscaling':
        return this.autoscaling.handle(operation, input);
      case 'cloudwatch':
        return this.cloudwatch.handle(operation, input);
      case 'sns':
        return this.sns.handle(operation, input);
    }
  }

  /** Auth, then faults, then the operation: the order the real front end uses. */
  private async run(
    service: FakeService | 'unknown',
    operation: string,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
    op: (scope: { service: string; accessKeyId: string }) => Promise<unknown>,
  ): Promise<{ result?: unknown; accessKeyId?: string; handled?: boolean }> {
    const scope = verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      this.credentialMap,
      this.world.region,
      this.wallClock(),
    );
    if (service !== 'unknown') {
      const fault = this.faults.take(service, operation);
      if (fault) {
        if (fault.kind === 'throttle') throw throttlingError(service);
        if (fault.kind === 'server-error') throw serverError(fault.status ?? 500);
        if (fault.kind === 'drop') {
          this.record({ service, operation, status: 0, errorCode: 'ConnectionDropped', accessKeyId: scope.accessKeyId, protocol: 'other' });
          req.socket.destroy();
          return { handled: true };
        }
        if (fault.kind === 'hang') {
          this.record({ service, operation, status: 0, errorCode: 'Hung', accessKeyId: scope.accessKeyId, protocol: 'other' });
          this.hung.add(res);
          res.on('close', () => this.hung.delete(res));
          return { handled: true };
        }
        if (fault.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 100));
        if (fault.kind === 'lose') return { result: {}, accessKeyId: scope.accessKeyId };
      }
    }
    return { result: await op(scope), accessKeyId: scope.accessKeyId };
  }

  private async respond(
    res: ServerResponse,
    requestId: string,
    service: FakeService | 'unknown',
    operation: string,
    protocol: 'json',
    contentType: string,
    queryCompat: boolean,
    op: (scope: { service: string; accessKeyId: string }) => Promise<unknown>,
    req: IncomingMessage,
    body: Buffer,
  ): Promise<void> {
    try {
      const out = await this.run(service, operation, req, body, res, op);
      if (out.handled) return;
      const text = JSON.stringify(out.result ?? {});
      this.record({ service, operation, status: 200, protocol, ...(out.accessKeyId ? { accessKeyId: out.accessKeyId } : {}) });
      res.writeHead(200, { 'content-type': contentType, 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(text) }).end(text);
    } catch (e) {
      const err = e instanceof AwsApiError ? e : new AwsApiError('InternalFailure', `fake bug: ${(e as Error).message}`, 500);
      this.record({ service, operation, status: err.status, errorCode: err.code, protocol });
      const text = JSON.stringify({ __type: err.code, message: err.message });
      const headers: Record<string, string | number> = {
        'content-type': contentType,
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(text),
      };
      if (queryCompat) headers['x-amzn-query-error'] = `${err.queryCode};${err.fault}`;
      res.writeHead(err.status, headers).end(text);
    }
  }

  private async respondQuery(
    res: ServerResponse,
    requestId: string,
    q: { service: FakeService; xmlns: string } | undefined,
    action: string,
    op: () => Promise<unknown>,
    req: IncomingMessage,
    body: Buffer,
  ): Promise<void> {
    const xmlns = q?.xmlns ?? 'http://sns.amazonaws.com/doc/2010-03-31/';
    const service = q?.service ?? 'unknown';
    try {
      const out = await this.run(service, action, req, body, res, async () => {
        if (!q) throw new AwsApiError('InvalidAction', 'Could not determine the service from the credential scope', 400);
        return op();
      });
      if (out.handled) return;
      const result = service === 'cloudwatch' ? timestampsToDates(out.result, CLOUDWATCH_TIMESTAMPS) : out.result;
      const empty = result !== undefined && typeof result === 'object' && Object.keys(result as object).length === 0;
      const text = queryResponse(action, xmlns, empty ? undefined : result, requestId);
      this.record({ service, operation: action, status: 200, protocol: 'query', ...(out.accessKeyId ? { accessKeyId: out.accessKeyId } : {}) });
      res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(text) }).end(text);
    } catch (e) {
      const err = e instanceof AwsApiError ? e : new AwsApiError('InternalFailure', `fake bug: ${(e as Error).message}`, 500);
      this.record({ service, operation: action, status: err.queryStatus, errorCode: err.queryCode, protocol: 'query' });
      const text = queryErrorResponse(err, xmlns, requestId);
      res.writeHead(err.queryStatus, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(text) }).end(text);
    }
  }

  private record(r: Omit<RecordedRequest, 'at'>): void {
    this.requests.push({ ...r, at: this.world.clock.now() });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
