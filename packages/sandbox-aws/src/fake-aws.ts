import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '@autoscaler/core';
import { FaultQueue, startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from '@autoscaler/testing';
import { FakeAutoscaling } from './autoscaling-service';
import { FakeCloudWatch } from './cloudwatch-service';
import { hits, serverError, throttlingError, type FakeService, type FaultSpec } from './faults';
import { FakeSageMaker, type FakeEndpointSeed, type FakeInferenceComponentSeed } from './sagemaker-service';
import { verifySigV4, type FakeCredential, type SignedScope } from './sigv4';
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
 * on the shared fake server of @autoscaler/testing: the real SDK v3 clients (and the AWS CLI / boto3 with
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
  /** Applied after SigV4, matched on service and operation (the server's own fault queue would act before auth). */
  private readonly faults = new FaultQueue<FaultSpec>();
  private readonly credentialMap: Map<string, FakeCredential>;
  private readonly wallClock: () => number;
  private server?: FakeServer;

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
    return this.server?.url ?? '';
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
    this.faults.next(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Requests of one operation (successful or not), for assertions. */
  calls(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  /** Listen on 127.0.0.1 (`port` 0: a free one), on the shared fake server of @autoscaler/testing. */
  async listen(port: number): Promise<void> {
    this.server = await startFakeServer((req) => this.onRequest(req), { port, maxLogEntries: 0, maxBodyBytes: MAX_BODY });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Closing drops every connection, hung ones included.
    await server.close();
  }

  // ----- request pipeline -----------------------------------------------------------------

  private onRequest(req: FakeRequest): Promise<FakeReply> | FakeReply {
    const requestId = randomUUID();
    const target = req.header('x-amz-target');
    const contentType = req.header('content-type') ?? '';

    if (req.method === 'GET' && /^\/SimpleNotificationService-[0-9a-f]{32}\.pem$/.test(req.url) && this.sns.signingCertUrl.endsWith(req.url)) {
      return { status: 200, body: this.sns.signing.certificatePem, headers: { 'content-type': 'application/x-pem-file' } };
    }

    if (target !== undefined) {
      const route = JSON_TARGETS.find((r) => target.startsWith(r.prefix));
      const operation = route ? target.slice(route.prefix.length) : target;
      const queryCompat = req.header('x-amzn-query-mode') === 'true';
      return this.respondJson(
        req,
        requestId,
        route?.service ?? 'unknown',
        operation,
        route?.contentType ?? 'application/x-amz-json-1.1',
        queryCompat,
        (scope) => {
          if (!route) throw new AwsApiError('UnknownOperationException', `Unknown target ${target}`, 400);
          if (scope.service !== route.signingName)
            throw new AwsApiError('InvalidSignatureException', `Credential should be scoped to correct service: '${route.signingName}'. `, 400);
          if (req.method !== 'POST') throw new AwsApiError('UnknownOperationException', 'JSON protocol requests must be POST', 400);
          if (!contentType.startsWith('application/x-amz-json-'))
            throw new AwsApiError('UnknownOperationException', `Unsupported content type ${contentType}`, 400);
          return this.dispatch(route.service, operation, jsonInput(req.text()));
        },
      );
    }

    if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
      const params = new URLSearchParams(req.text());
      const action = params.get('Action') ?? '';
      const scopeService = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(req.header('authorization') ?? '')?.[1] ?? '';
      return this.respondQuery(req, requestId, QUERY_SERVICES[scopeService], action, params);
    }

    if (req.header('smithy-protocol') === 'rpc-v2-cbor') {
      this.record({ service: 'unknown', operation: req.url, status: 400, errorCode: 'UnknownOperationException', protocol: 'other' });
      return {
        status: 400,
        body: JSON.stringify({ __type: 'UnknownOperationException', message: 'this fake speaks awsJson1_0/1_1 and awsQuery, not rpc-v2-cbor' }),
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
      };
    }
    this.record({ service: 'unknown', operation: `${req.method} ${req.url}`, status: 404, protocol: 'other' });
    return { status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } };
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

  /**
   * Auth, then faults, then the operation: the order the real front end uses.
   * `never` when a fault leaves the request unanswered (dropped or hung until close).
   */
  private async run(
    service: FakeService | 'unknown',
    operation: string,
    req: FakeRequest,
    op: (scope: SignedScope) => unknown,
  ): Promise<{ result: unknown; accessKeyId: string } | 'never'> {
    const scope = verifySigV4(
      { method: req.method, url: req.url, rawHeaders: req.raw.rawHeaders, body: req.body },
      this.credentialMap,
      this.world.region,
      this.wallClock(),
    );
    const fault = service === 'unknown' ? undefined : this.faults.takeFirst(hits(service, operation));
    if (service !== 'unknown' && fault) {
      if (fault.kind === 'throttle') throw throttlingError(service);
      if (fault.kind === 'server-error') throw serverError(fault.status ?? 500);
      if (fault.kind === 'drop' || fault.kind === 'hang') {
        const errorCode = fault.kind === 'drop' ? 'ConnectionDropped' : 'Hung';
        this.record({ service, operation, status: 0, errorCode, accessKeyId: scope.accessKeyId, protocol: 'other' });
        if (fault.kind === 'drop') req.raw.socket.destroy();
        return 'never';
      }
      // Real time on purpose: a manual world clock would never let the answer out.
      if (fault.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 100));
      if (fault.kind === 'lose') return { result: {}, accessKeyId: scope.accessKeyId };
    }
    return { result: await op(scope), accessKeyId: scope.accessKeyId };
  }

  private async respondJson(
    req: FakeRequest,
    requestId: string,
    service: FakeService | 'unknown',
    operation: string,
    contentType: string,
    queryCompat: boolean,
    op: (scope: SignedScope) => unknown,
  ): Promise<FakeReply> {
    try {
      const out = await this.run(service, operation, req, op);
      if (out === 'never') return await unanswered();
      this.record({ service, operation, status: 200, protocol: 'json', accessKeyId: out.accessKeyId });
      return { status: 200, body: JSON.stringify(out.result ?? {}), headers: { 'content-type': contentType, 'x-amzn-requestid': requestId } };
    } catch (e) {
      const err = asAwsError(e);
      this.record({ service, operation, status: err.status, errorCode: err.code, protocol: 'json' });
      const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': requestId };
      if (queryCompat) headers['x-amzn-query-error'] = `${err.queryCode};${err.fault}`;
      return { status: err.status, body: JSON.stringify({ __type: err.code, message: err.message }), headers };
    }
  }

  private async respondQuery(
    req: FakeRequest,
    requestId: string,
    q: { service: FakeService; xmlns: string } | undefined,
    action: string,
    params: URLSearchParams,
  ): Promise<FakeReply> {
    const xmlns = q?.xmlns ?? 'http://sns.amazonaws.com/doc/2010-03-31/';
    const service = q?.service ?? 'unknown';
    try {
      const out = await this.run(service, action, req, () => {
        if (!q) throw new AwsApiError('InvalidAction', 'Could not determine the service from the credential scope', 400);
        return this.dispatch(q.service, action, parseQueryParams(params));
      });
      if (out === 'never') return await unanswered();
      const result = service === 'cloudwatch' ? timestampsToDates(out.result, CLOUDWATCH_TIMESTAMPS) : out.result;
      const empty = result !== undefined && typeof result === 'object' && Object.keys(result as object).length === 0;
      this.record({ service, operation: action, status: 200, protocol: 'query', accessKeyId: out.accessKeyId });
      return {
        status: 200,
        body: queryResponse(action, xmlns, empty ? undefined : result, requestId),
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      };
    } catch (e) {
      const err = asAwsError(e);
      this.record({ service, operation: action, status: err.queryStatus, errorCode: err.queryCode, protocol: 'query' });
      return {
        status: err.queryStatus,
        body: queryErrorResponse(err, xmlns, requestId),
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      };
    }
  }

  private record(r: Omit<RecordedRequest, 'at'>): void {
    this.requests.push({ ...r, at: this.world.clock.now() });
  }
}

/** An AWS JSON body: empty means `{}`; anything but an object is the SDK's `SerializationException`. */
function jsonInput(text: string): Input {
  let input: unknown;
  try {
    input = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new AwsApiError('SerializationException', 'Start of structure or map found where not expected.', 400);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new AwsApiError('SerializationException', 'Expected a JSON object', 400);
  return input as Input;
}

/** A bug in the fake answers like AWS's own internal failure. */
const asAwsError = (e: unknown): AwsApiError => (e instanceof AwsApiError ? e : new AwsApiError('InternalFailure', `fake bug: ${(e as Error).message}`, 500));

/** A request the fake never answers (the connection is dropped, or held until `close`). */
const unanswered = (): Promise<never> => new Promise<never>(() => undefined);
