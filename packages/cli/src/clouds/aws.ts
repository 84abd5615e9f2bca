import type { Command } from 'commander';
import { ConflictError, NotReadyError, TransientError, ValidationError, applyAndWait, parsePolicy, systemClock } from '@autoscaler/core';
import type { ApplyAndWaitResult, Clock, Policy, TargetRef } from '@autoscaler/core';
import {
  PROVIDER_NAME,
  SageMakerProvider,
  applyNative,
  compileNative,
  createAwsClients,
  nativeStatus,
  parseTargetId,
  teardownNative,
} from '@autoscaler/provider-aws-sagemaker';
import type { AwsClients, NativeChange, NativeStatus } from '@autoscaler/provider-aws-sagemaker';
import { FakeAws, parseSandboxSeed } from '@autoscaler/sandbox-aws';
import { type CliIO, processIO } from '../io';
import { parseIntFlag, readDocument, readText } from '../read-input';
import type { CloudCli, ScaleRequest } from './types';
import { textOf } from '@autoscaler/core';

/**
 * AWS: `sandbox aws`, `setup aws` (= `apply-native`), `teardown aws`,
 * `status aws` and `scale endpoint/<name>/variant/<variant>` (or `inference-component/<name>`). Credentials come
 * from the standard AWS chain (env, ~/.aws); `--endpoint` points every client
 * at a sandbox.
 */
export interface AwsCliDeps {
  io: CliIO;
  /** SDK clients (tests: pointed at the fake). Built from the flags otherwise. */
  clients?: AwsClients;
  clock?: Clock;
}

export interface ConnectionFlags {
  endpoint?: string;
  region?: string;
}

/** The pinned SDK prints a 9-line Node-version notice at the first client; the CLI runs on the Node it runs on. */
function quietSdk(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

function clientsFor(flags: ConnectionFlags, deps: AwsCliDeps): AwsClients {
  quietSdk();
  if (deps.clients) return deps.clients;
  const region = flags.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw ValidationError.field('--region', 'give --region or set AWS_REGION');
  return createAwsClients({ region, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}) });
}

const TARGET_SHAPES = 'endpoint/<name>/variant/<variant> or inference-component/<name>';

function refOf(id: string): TargetRef {
  parseTargetId(id, 'id');
  return { provider: PROVIDER_NAME, id };
}

function awsTargets(policy: Policy, only?: string): TargetRef[] {
  const all = policy.targets.filter((t) => t.provider === PROVIDER_NAME);
  const picked = only ? [refOf(only)] : all;
  if (picked.length === 0)
    throw ValidationError.field('targets', `policy "${policy.name}" lists no ${PROVIDER_NAME} target; add one or pass --target ${TARGET_SHAPES}`);
  return picked;
}

// ----- sandbox -------------------------------------------------------------------------------

export interface SandboxFlags {
  port?: number;
  seed?: string;
  /** Seconds an endpoint stays Updating after a capacity change (default 10). */
  updateSeconds?: number;
  json?: boolean;
}

export interface AwsSandbox {
  fake: FakeAws;
  stop(): Promise<void>;
}

export async function runSandbox(flags: SandboxFlags, deps: AwsCliDeps): Promise<AwsSandbox> {
  const seed = flags.seed
    ? parseSandboxSeed(readDocument(flags.seed, '--seed'))
    : {
        endpoints: [
          { name: 'my-endpoint', variants: [{ name: 'AllTraffic', instanceType: 'ml.m5.large', instances: 1 }], tags: { 'autoscaler:managed': 'true' } },
        ],
        topics: ['autoscaler-alarms'],
      };
  const updateMs = (flags.updateSeconds ?? 10) * 1000;
  const fake = await FakeAws.start({
    ...(seed.region ? { region: seed.region } : {}),
    endpoints: seed.endpoints,
    topics: seed.topics,
    ...('inferenceComponents' in seed && seed.inferenceComponents ? { inferenceComponents: seed.inferenceComponents } : {}),
    clock: deps.clock ?? systemClock,
    capacityUpdateMs: updateMs,
    configUpdateMs: updateMs * 3,
    port: flags.port ?? 0,
  });
  const c = fake.credentials;
  const info = {
    endpoint: fake.url,
    region: fake.region,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    endpoints: fake.sagemaker.listEndpointNames(),
    topics: seed.topics.map((t) => `arn:aws:sns:${fake.region}:${fake.accountId}:${t}`),
    signingCertUrl: fake.sns.signingCertUrl,
  };
  if (flags.json) deps.io.out(JSON.stringify(info, null, 2));
  else {
    deps.io.out(
      [
        `AWS sandbox (SageMaker, Application Auto Scaling, CloudWatch, SNS; SigV4 checked) at ${fake.url}`,
        `  endpoints: ${info.endpoints.join(', ')}`,
        '',
        'Use it with:',
        `  export AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
        `  export AWS_SECRET_ACCESS_KEY='${c.secretAccessKey}'`,
        `  export AWS_REGION=${fake.region} AWS_DEFAULT_REGION=${fake.region} AWS_ENDPOINT_URL=${fake.url}`,
        `  aws sagemaker describe-endpoint --endpoint-name ${info.endpoints[0] ?? 'my-endpoint'}`,
        `  autoscaler scale endpoint/${info.endpoints[0] ?? 'my-endpoint'}/variant/AllTraffic --replicas 2 --endpoint ${fake.url}`,
        `  # the Lambda handler: AUTOSCALER_AWS_ENDPOINT_URL=${fake.url} AUTOSCALER_SNS_CERT_BASE_URL=${fake.url}`,
        'Ctrl-C stops it.',
      ].join('\n'),
    );
  }
  return { fake, stop: () => fake.close() };
}

// ----- setup / apply-native / teardown ---------------------------------------------------

export interface SetupFlags extends ConnectionFlags {
  policy: string;
  target?: string;
  adopt?: boolean;
  /** Print what would be applied, apply nothing. */
  dryRun?: boolean;
  json?: boolean;
}

export interface SetupResult {
  target: string;
  changes: NativeChange[];
  unsupported: string[];
  resources: number;
  /** With --dry-run: the Application Auto Scaling / CloudWatch requests setup would send, in order. */
  payloads?: unknown[];
}

export async function runSetup(flags: SetupFlags, deps: AwsCliDeps): Promise<SetupResult[]> {
  const policy = parsePolicy(readText(flags.policy, '--policy'), flags.policy);
  const results: SetupResult[] = [];
  for (const ref of awsTargets(policy, flags.target)) {
    const kind = await variantKind(ref, flags, deps, flags.dryRun === true);
    const exported = compileNative(policy, ref, { serverless: kind.serverless });
    if (kind.note) exported.unsupported.push(kind.note);
    const changes = flags.dryRun ? [] : await applyNative(clientsFor(flags, deps), exported, { adopt: flags.adopt ?? false });
    results.push({
      target: ref.id,
      changes,
      unsupported: exported.unsupported,
      resources: exported.resources.length,
      ...(flags.dryRun ? { payloads: exported.resources } : {}),
    });
    if (!flags.json) {
      deps.io.out(
        `${ref.id}: ${flags.dryRun ? `${exported.resources.length} requests (dry run, nothing applied):` : changes.map((c) => `${c.action} ${c.kind} ${c.name}`).join('\n  ')}`,
      );
      if (flags.dryRun) deps.io.out(JSON.stringify(exported.resources, null, 2));
      for (const u of exported.unsupported) deps.io.err(`  not native: ${u}`);
    }
  }
  if (flags.json) deps.io.out(JSON.stringify(results, null, 2));
  return results;
}

/**
 * A serverless variant scales its provisioned concurrency (another scalable dimension): asked of the
 * endpoint. A dry run without a region cannot ask, and says what it assumed.
 */
async function variantKind(ref: TargetRef, flags: ConnectionFlags, deps: AwsCliDeps, dryRun: boolean): Promise<{ serverless: boolean; note?: string }> {
  if (parseTargetId(ref.id, 'id').kind === 'component') return { serverless: false };
  let clients: AwsClients;
  try {
    clients = clientsFor(flags, deps);
  } catch (e) {
    if (dryRun && e instanceof ValidationError)
      return { serverless: false, note: 'no --region: assumed an instance-based variant (a serverless one would scale its provisioned concurrency)' };
    throw e;
  }
  return { serverless: await new SageMakerProvider(clients).isServerless(ref) };
}

export interface TeardownFlags extends ConnectionFlags {
  policy: string;
  target?: string;
  json?: boolean;
}

export async function runTeardown(flags: TeardownFlags, deps: AwsCliDeps): Promise<Array<{ target: string; changes: NativeChange[] }>> {
  const policy = parsePolicy(readText(flags.policy, '--policy'), flags.policy);
  const out: Array<{ target: string; changes: NativeChange[] }> = [];
  for (const ref of awsTargets(policy, flags.target)) {
    const changes = await teardownNative(clientsFor(flags, deps), ref, policy.name);
    out.push({ target: ref.id, changes });
    if (!flags.json)
      deps.io.out(
        `${ref.id}: ${changes.length === 0 ? 'nothing of policy ' + policy.name + ' found' : changes.map((c) => `${c.action} ${c.kind} ${c.name}`).join('\n  ')}`,
      );
  }
  if (flags.json) deps.io.out(JSON.stringify(out, null, 2));
  return out;
}

// ----- status ------------------------------------------------------------------------------

export interface VariantStatus {
  id: string;
  status: string;
  reason?: string;
  /** Desired instance count (what the endpoint is moving to). */
  replicas: number;
  /** Instances serving now (CurrentInstanceCount); differs from `replicas` while an update runs. */
  currentReplicas?: number;
  size?: string;
  version?: string;
  managed: boolean;
  lastScaleOut?: string;
  lastScaleIn?: string;
  native: NativeStatus;
}

export async function runStatus(ids: readonly string[], flags: ConnectionFlags & { json?: boolean }, deps: AwsCliDeps): Promise<VariantStatus[]> {
  const clients = clientsFor(flags, deps);
  const provider = new SageMakerProvider(clients);
  const out: VariantStatus[] = [];
  for (const id of ids) {
    const ref = refOf(id);
    const s = await provider.describe(ref);
    const counts = await provider.instanceCounts(ref);
    const native = await nativeStatus(clients, ref);
    const iso = (t?: number): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
    const row: VariantStatus = {
      id,
      status: s.status,
      replicas: s.capacity.replicas,
      ...(counts.current !== undefined ? { currentReplicas: counts.current } : {}),
      managed: s.managed,
      native,
      ...(s.reason ? { reason: s.reason } : {}),
      ...(s.capacity.size ? { size: s.capacity.size } : {}),
      ...(s.version ? { version: s.version } : {}),
    };
    const out1 = iso(s.persisted.lastScaleOut?.at);
    const in1 = iso(s.persisted.lastScaleIn?.at);
    if (out1) row.lastScaleOut = out1;
    if (in1) row.lastScaleIn = in1;
    out.push(row);
    if (!flags.json) {
      const what = parseTargetId(id, 'id').kind === 'component' ? 'copies' : s.capacity.size === undefined ? 'provisioned concurrency' : `x ${s.capacity.size}`;
      deps.io.out(
        `${id}: ${s.status}${s.reason ? ` (${s.reason})` : ''}, ${counts.current ?? '?'} of ${s.capacity.replicas} desired ${what}${s.managed ? ', managed' : ''}`,
      );
      if (out1 || in1) deps.io.out(`  last scale-out ${out1 ?? '-'}, last scale-in ${in1 ?? '-'}`);
      if (native.target)
        deps.io.out(
          `  Application Auto Scaling: ${native.target.MinCapacity}..${native.target.MaxCapacity}; policies: ${native.policies.map((p) => `${p.PolicyName} (${p.PolicyType})`).join(', ') || 'none'}`,
        );
      for (const a of native.activities.slice(0, 5)) deps.io.out(`  ${a.StartTime?.toISOString() ?? ''} ${a.StatusCode}: ${a.Description}`);
      for (const a of native.alarms) deps.io.out(`  alarm ${a.AlarmName} (${a.MetricName ?? 'metric math'}): ${a.StateValue}`);
    }
  }
  if (flags.json) deps.io.out(JSON.stringify(out, null, 2));
  return out;
}

// ----- scale ---------------------------------------------------------------------------------

/** Core's `applyAndWait` result (the same shape every cloud's `scale` returns), plus how long the wait took. */
export interface ScaleResult extends ApplyAndWaitResult {
  waitedMs: number;
}

/**
 * On-demand change through core's `applyAndWait`: refused unless the target is ready (NotReadyError),
 * applied with its version, then (with `wait`) described every `pollMs` (default 1 s, so a 3 s sandbox
 * update ends in about 3 s; a real endpoint update takes minutes and a poll is one cheap read) until
 * it is InService at the new capacity. Progress lines are printed at most every 15 s.
 */
export async function runScale(request: ScaleRequest, deps: AwsCliDeps, options: { pollMs?: number; timeoutMs?: number } = {}): Promise<ScaleResult> {
  const clock = deps.clock ?? systemClock;
  const flags = request.options as ConnectionFlags;
  const ref = refOf(request.id);
  const provider = new SageMakerProvider(clientsFor(flags, deps), { clock });
  const started = clock.now();
  let lastReport = -Infinity;
  const weight = parseWeight(request.options['weight']);
  const change = {
    ...(request.replicas !== undefined ? { replicas: request.replicas } : {}),
    ...(request.size !== undefined ? { size: request.size } : {}),
    ...(weight !== undefined ? { weight } : {}),
  };
  const out = await applyAndWait(provider, ref, change, {
    clock,
    wait: request.wait,
    pollMs: options.pollMs ?? 1_000,
    deadline: started + (options.timeoutMs ?? 60 * 60_000),
    onProgress: (s, elapsedMs) => {
      if (s.status !== 'updating' || clock.now() - lastReport < 15_000) return;
      deps.io.err(`${request.id}: ${s.reason ?? 'updating'} (${Math.round(elapsedMs / 1000)}s)`);
      lastReport = clock.now();
    },
  }).catch((e: unknown) => {
    if (e instanceof ConflictError)
      throw new NotReadyError(`${request.id} changed or started updating since it was read (${e.message}); try again when it is InService`);
    if (e instanceof TransientError && request.wait) throw new TransientError(`${e.message}; check with: autoscaler status aws ${request.id}`);
    throw e;
  });
  const result: ScaleResult = { ...out, waitedMs: clock.now() - started };
  if (out.status === 'done') deps.io.err(`${request.id}: InService`);
  const fmt = (c: { replicas: number; size?: string; weight?: number }): string =>
    `${c.size === undefined ? `${c.replicas}` : `${c.replicas} x ${c.size}`}${c.weight !== undefined ? `, weight ${c.weight}` : ''}`;
  if (request.json) deps.io.out(JSON.stringify(result, null, 2));
  else
    deps.io.out(
      out.status === 'unchanged'
        ? `${request.id} is already ${fmt(out.to)}`
        : `${request.id}: ${fmt(out.from)} -> ${fmt(out.to)} (${out.status === 'done' ? 'done' : 'in progress'})`,
    );
  return result;
}

/** `--weight <w>`: a variant's share of its endpoint's traffic (DesiredWeight), a number from 0. */
export function parseWeight(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1e6) throw ValidationError.field('--weight', `must be a number from 0 to 1000000, got "${textOf(raw).slice(0, 40)}"`);
  return n;
}

// ----- registration --------------------------------------------------------------------------

function connection(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', 'one endpoint URL for every AWS client (a sandbox)')
    .option('--region <region>', 'AWS region (default: AWS_REGION)')
    .option('--json', 'print the result as JSON');
}

function untilStopped(sandbox: AwsSandbox): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => void sandbox.stop().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export const awsCloud: CloudCli = {
  name: 'aws',
  provider: PROVIDER_NAME,
  register({ program, setup, teardown, sandbox, status }) {
    const io = processIO;
    sandbox
      .command('aws')
      .description(
        'Start a local wire-level fake of SageMaker, Application Auto Scaling, CloudWatch and SNS (SigV4 checked) with a seeded endpoint; prints the URL and credentials',
      )
      .option('--port <n>', 'port to listen on (default: a free one)')
      .option(
        '--seed <file>',
        'YAML/JSON: { region?, endpoints: [{ name, variants: [{ name, instanceType, instances, weight, serverless? }], tags }], inferenceComponents?: [{ name, endpoint, copies, tags }], topics: [names] }',
      )
      .option('--update-seconds <n>', 'how long a capacity update keeps an endpoint Updating (default 10; resizes take 3x)')
      .option('--json', 'print the endpoint and credentials as JSON')
      .action(async (o: { port?: string; seed?: string; updateSeconds?: string; json?: boolean }) => {
        const sb = await runSandbox(
          {
            ...(o.port ? { port: parseIntFlag(o.port, '--port') } : {}),
            ...(o.seed ? { seed: o.seed } : {}),
            ...(o.updateSeconds ? { updateSeconds: parseIntFlag(o.updateSeconds, '--update-seconds') } : {}),
            ...(o.json ? { json: true } : {}),
          },
          { io },
        );
        await untilStopped(sb);
      });

    const setupAction = async (o: SetupFlags): Promise<void> => {
      await runSetup(o, { io });
    };
    const setupOptions = (cmd: Command): Command =>
      connection(cmd)
        .requiredOption('--policy <file>', 'scaling policy YAML/JSON')
        .option('--target <id>', `only this ${TARGET_SHAPES} (default: every aws-sagemaker target of the policy)`)
        .option('--adopt', 'take over a scalable target registered by someone else')
        .option('--dry-run', 'print what would be applied, apply nothing');
    setupOptions(
      setup
        .command('aws')
        .description(
          'Compile the policy to Application Auto Scaling (scalable target, target-tracking and step policies, their CloudWatch alarms, scheduled actions) and apply it idempotently',
        ),
    ).action(setupAction);
    if (!program.commands.some((c) => c.name() === 'apply-native')) {
      setupOptions(
        program
          .command('apply-native')
          .description('Apply a policy as the cloud-native autoscaler (AWS: Application Auto Scaling), idempotently; same as setup aws'),
      ).action(setupAction);
    }

    connection(
      teardown
        .command('aws')
        .description(
          'Remove exactly what setup aws / apply-native created for the policy (its prefixed policies, alarms, scheduled actions; the scalable target only if it carries our owner tag)',
        ),
    )
      .requiredOption('--policy <file>', 'the policy that was applied')
      .option('--target <id>', `only this ${TARGET_SHAPES}`)
      .action(async (o: TeardownFlags) => {
        await runTeardown(o, { io });
      });

    connection(
      status
        .command('aws')
        .description(
          'Show status, capacity, instance type, last actions, Application Auto Scaling policies, scaling activities and alarms of endpoint variants and inference components',
        ),
    )
      .argument('<id...>', TARGET_SHAPES)
      .action(async (ids: string[], o: ConnectionFlags & { json?: boolean }) => {
        await runStatus(ids, o, { io });
      });
  },
  matchesId: (id) => /^endpoint\/[^/]+\/variant\/[^/]+$/.test(id) || /^inference-component\/[^/]+$/.test(id),
  scale: async (request) => {
    await runScale(request, { io: processIO });
  },
};
