import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { InstantClock, ManualClock, NotReadyError, ValidationError, type Clock } from '@autoscaler/core';
import { createAwsClients, SageMakerProvider, type AwsClients } from '@autoscaler/provider-aws-sagemaker';
import { FakeAws, type FakeAwsOptions } from '@autoscaler/sandbox-aws';
import type { CliIO } from '../../src/io';
import { runCli } from '../../src/program';
import { parseWeight, runSandbox, runScale, runSetup, runStatus, runTeardown } from '../../src/clouds/aws';

const ID = 'endpoint/my-endpoint/variant/AllTraffic';
let fake: FakeAws;
let clients: AwsClients;
const lines: { out: string[]; err: string[] } = { out: [], err: [] };
const io: CliIO = { out: (t) => lines.out.push(t), err: (t) => lines.err.push(t), isTTY: false };

const dir = mkdtempSync(join(tmpdir(), 'aws-cli-'));
/** Writes `text` to `name` in the test's temporary directory; returns the path. */
function writeFile(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
/** A policy file for one target, in YAML as a user writes it (`limits` and each rule a flow mapping). */
function writePolicy(file: string, p: { name: string; id: string; limits: string; rules: string[] }): string {
  return writeFile(
    file,
    `name: ${p.name}\ntargets: [{ provider: aws-sagemaker, id: ${p.id} }]\nlimits: ${p.limits}\nrules:\n${p.rules.map((r) => `  - ${r}\n`).join('')}`,
  );
}
const policyFile = writePolicy('policy.yaml', {
  name: 'cli',
  id: ID,
  limits: '{ minReplicas: 1, maxReplicas: 4, sizes: [ml.m5.large, ml.m5.xlarge] }',
  rules: ['{ name: invocations, targetTracking: { metric: InvocationsPerInstance, target: 10 } }', '{ name: bigger, threshold: { alarm: hot, size: next } }'],
});

beforeEach(() => {
  lines.out.length = 0;
  lines.err.length = 0;
});
afterEach(async () => {
  clients?.destroy();
  await fake?.close();
});

const MANAGED = { 'autoscaler:managed': 'true' };

/** The fake (by default one managed endpoint, one instance) on `clock`, and SDK clients for it. */
async function start(
  clock: Clock = new ManualClock(Date.UTC(2026, 0, 1)),
  seed: Omit<FakeAwsOptions, 'clock'> = { endpoints: [{ name: 'my-endpoint', variants: [{ instances: 1 }], tags: MANAGED }] },
): Promise<Clock> {
  fake = await FakeAws.start({ clock, ...seed });
  clients = createAwsClients({ ...fake.clientConfig(), backoff: () => 0 });
  return clock;
}

/** SDK clients for the sandbox whose `--json` line the command printed first. */
function sandboxClients(): AwsClients {
  const info = JSON.parse(lines.out[0]!) as { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  return createAwsClients({
    endpoint: info.endpoint,
    region: info.region,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    backoff: () => 0,
  });
}

describe('aws CLI commands against the fake', () => {
  it('scale --replicas waits with progress until InService', async () => {
    await start();
    // InstantClock: each poll's sleep moves time, the fake finishes its 60 s update on the way.
    const clock = new InstantClock(Date.UTC(2026, 0, 1));
    const slow = await FakeAws.start({ clock, endpoints: [{ name: 'my-endpoint', variants: [{ instances: 1 }] }] });
    const c = createAwsClients({ ...slow.clientConfig(), backoff: () => 0 });
    try {
      const r = await runScale({ id: ID, replicas: 3, wait: true, json: false, options: {} }, { io, clients: c, clock }, { pollMs: 15_000 });
      expect(r).toMatchObject({
        target: { provider: 'aws-sagemaker', id: ID },
        from: { replicas: 1, size: 'ml.m5.large' },
        to: { replicas: 3, size: 'ml.m5.large' },
        status: 'done',
        state: { status: 'ready', capacity: { replicas: 3 } },
        waitedMs: 60_000,
      });
      expect(lines.err.filter((l) => l.includes('EndpointStatus Updating'))).toHaveLength(4);
      expect(lines.err.at(-1)).toBe(`${ID}: InService`);
      expect(slow.sagemaker.snapshot('my-endpoint')!.variants[0]).toMatchObject({ current: 3 });
    } finally {
      c.destroy();
      await slow.close();
    }
  });

  it('scale --size does a blue/green resize; a bad id or an updating endpoint is refused', async () => {
    const clock = await start();
    await runScale({ id: ID, size: 'ml.m5.xlarge', wait: false, json: true, options: {} }, { io, clients, clock });
    expect(JSON.parse(lines.out[0]!)).toMatchObject({ to: { replicas: 1, size: 'ml.m5.xlarge' }, status: 'accepted', handle: { kind: expect.any(String) } });
    // Busy is not invalid: core's NotReadyError, and no second update is sent.
    const updates = fake.requests.filter((r) => r.operation.startsWith('Update')).length;
    await expect(runScale({ id: ID, replicas: 2, wait: false, json: false, options: {} }, { io, clients, clock })).rejects.toBeInstanceOf(NotReadyError);
    expect(fake.requests.filter((r) => r.operation.startsWith('Update')).length).toBe(updates);
    await expect(runScale({ id: 'endpoint/x', replicas: 2, wait: false, json: false, options: {} }, { io, clients, clock })).rejects.toMatchObject({
      issues: [{ path: 'id' }],
    });
  });

  it('scale an inference component through applyAndWait: already there is unchanged (no call); to zero copies waits until InService; a size is refused naming capacity.size', async () => {
    const clock = await start(new InstantClock(Date.UTC(2026, 0, 1)), { inferenceComponents: [{ name: 'llm-ic', copies: 1, tags: MANAGED }] });
    const IC = 'inference-component/llm-ic';
    const same = await runScale({ id: IC, replicas: 1, wait: true, json: false, options: {} }, { io, clients, clock });
    expect(same).toMatchObject({ status: 'unchanged', from: { replicas: 1 }, to: { replicas: 1 } });
    expect(fake.calls('UpdateInferenceComponentRuntimeConfig')).toHaveLength(0);
    expect(lines.out.at(-1)).toBe(`${IC} is already 1`);
    const zero = await runScale({ id: IC, replicas: 0, wait: true, json: false, options: {} }, { io, clients, clock });
    expect(zero).toMatchObject({ status: 'done', to: { replicas: 0 }, state: { status: 'ready', capacity: { replicas: 0 } } });
    expect(fake.sagemaker.componentSnapshot('llm-ic')).toMatchObject({ status: 'InService', current: 0 });
    expect(lines.out.at(-1)).toBe(`${IC}: 1 -> 0 (done)`);
    await expect(runScale({ id: IC, size: 'ml.g5.xlarge', wait: false, json: false, options: {} }, { io, clients, clock })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'capacity.size' })],
    });
  });

  it('`autoscaler scale inference-component/<name>` reaches the AWS cloud from the registry (id claimed and checked), with SigV4 credentials from the env', async () => {
    fake = await FakeAws.start({ inferenceComponents: [{ name: 'llm-ic', copies: 1, tags: MANAGED }] });
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: fake.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: fake.credentials.secretAccessKey });
    try {
      // (The cloud's scale prints to the process's own stdout; the fake shows what it did.)
      const code = await runCli(['scale', 'inference-component/llm-ic', '--replicas', '2', '--no-wait', '--endpoint', fake.url, '--region', fake.region], io);
      expect(code).toBe(0);
      expect(fake.sagemaker.componentSnapshot('llm-ic')).toMatchObject({ desired: 2 });
      expect(await runCli(['scale', 'inference-component/bad_name', '--replicas', '2', '--no-wait'], io)).not.toBe(0);
      expect(lines.err.join('\n')).toContain('inference-component/<name>');
    } finally {
      process.env = saved;
    }
  });

  it('setup / status / scale aws on a serverless variant: provisioned concurrency is the capacity (detected from the endpoint)', async () => {
    const SLS = 'endpoint/sls/variant/AllTraffic';
    const slsPolicy = writePolicy('sls-policy.yaml', {
      name: 'sls',
      id: SLS,
      limits: '{ minReplicas: 1, maxReplicas: 8 }',
      rules: ['{ name: pc, targetTracking: { metric: ProvisionedConcurrencyUtilization, target: 0.7 } }'],
    });
    const clock = await start(new InstantClock(Date.UTC(2026, 0, 1)), {
      endpoints: [{ name: 'sls', variants: [{ serverless: { maxConcurrency: 10, provisionedConcurrency: 2 } }], tags: MANAGED }],
    });
    const [setup] = await runSetup({ policy: slsPolicy, json: true }, { io, clients });
    expect(setup!.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['created ScalableTarget', 'created ScalingPolicy']);
    expect(fake.autoscaling.isRegistered(SLS, 'sagemaker:variant:DesiredProvisionedConcurrency')).toBe(true);
    const r = await runScale({ id: SLS, replicas: 4, wait: true, json: true, options: {} }, { io, clients, clock });
    expect(r).toMatchObject({ status: 'done', from: { replicas: 2 }, to: { replicas: 4 } });
    lines.out.length = 0;
    await runStatus([SLS], { json: false }, { io, clients });
    expect(lines.out[0]).toBe(`${SLS}: ready, 4 of 4 desired provisioned concurrency, managed`);
    expect(lines.out[1]).toContain('policies: autoscaler-sls-pc (TargetTrackingScaling)');
    const [down] = await runTeardown({ policy: slsPolicy, json: true }, { io, clients });
    expect(down!.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['deleted ScalingPolicy', 'deleted ScalableTarget']);
  });

  it('scale with the weight option shifts traffic on a multi-variant endpoint; on a single variant it is refused naming capacity.weight', async () => {
    const clock = await start(new ManualClock(Date.UTC(2026, 0, 1)), {
      endpoints: [
        {
          name: 'ab',
          variants: [
            { name: 'Blue', weight: 3 },
            { name: 'Green', weight: 1 },
          ],
          tags: MANAGED,
        },
        { name: 'my-endpoint', variants: [{ instances: 1 }] },
      ],
    });
    const r = await runScale({ id: 'endpoint/ab/variant/Green', wait: false, json: false, options: { weight: '3' } }, { io, clients, clock });
    expect(r).toMatchObject({ status: 'accepted', from: { replicas: 1, weight: 1 }, to: { replicas: 1, weight: 3 } });
    expect(lines.out.at(-1)).toBe('endpoint/ab/variant/Green: 1 x ml.m5.large, weight 1 -> 1 x ml.m5.large, weight 3 (in progress)');
    await expect(runScale({ id: ID, wait: false, json: false, options: { weight: '2' } }, { io, clients, clock })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'capacity.weight' })],
    });
  });

  it('--weight: fuzz: any input is a weight from 0 to 1000000 or a ValidationError naming --weight', () => {
    expect(parseWeight('0.25')).toBe(0.25);
    expect(parseWeight(undefined)).toBeUndefined();
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.constantFrom('1e3', '-1', 'NaN', 'Infinity', ' 3 ', '0x10', '1000001')), (raw) => {
        try {
          const w = parseWeight(raw)!;
          expect(Number.isFinite(w) && w >= 0 && w <= 1e6).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          expect((e as ValidationError).issues[0]!.path).toBe('--weight');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('setup --dry-run prints the requests it would send and sends none', async () => {
    await start();
    const dry = await runSetup({ policy: policyFile, json: false, dryRun: true }, { io, clients });
    expect(dry[0]!.changes).toEqual([]);
    expect(fake.autoscaling.isRegistered(ID)).toBe(false);
    const printed = JSON.parse(lines.out.slice(1).join('\n')) as Array<Record<string, unknown>>;
    expect(printed).toEqual(dry[0]!.payloads);
    expect(JSON.stringify(printed)).toMatch(/RegisterScalableTarget|ResourceId/);
  });

  it('setup (apply-native) is idempotent, status shows it, teardown removes it', async () => {
    await start();
    const first = await runSetup({ policy: policyFile, json: true }, { io, clients });
    expect(first[0]!.changes.map((c) => c.action)).toEqual(['created', 'created']);
    expect(first[0]!.unsupported).toEqual([expect.stringMatching(/bigger: vertical scaling/), expect.stringMatching(/^limits.sizes/)]);
    const second = await runSetup({ policy: policyFile, json: true }, { io, clients });
    expect(second[0]!.changes.map((c) => c.action)).toEqual(['unchanged', 'unchanged']);
    const [st] = await runStatus([ID], { json: true }, { io, clients });
    expect(st).toMatchObject({
      status: 'ready',
      replicas: 1,
      size: 'ml.m5.large',
      managed: true,
      native: { target: { MinCapacity: 1, MaxCapacity: 4 }, policies: [{ PolicyName: 'autoscaler-cli-invocations' }] },
    });
    const down = await runTeardown({ policy: policyFile, json: true }, { io, clients });
    expect(down[0]!.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['deleted ScalingPolicy', 'deleted ScalableTarget']);
    expect(fake.autoscaling.isRegistered(ID)).toBe(false);
  });

  it('setup / status / teardown aws handle an inference component: copy-count target, wake-up alarm and step policy, shown and removed', async () => {
    const IC = 'inference-component/llm-ic';
    const icPolicy = writePolicy('ic-policy.yaml', {
      name: 'ic',
      id: IC,
      limits: '{ minReplicas: 0, maxReplicas: 3 }',
      rules: ['{ name: per-copy, targetTracking: { metric: ConcurrentRequestsPerCopy, target: 4 } }'],
    });
    await start(new ManualClock(Date.UTC(2026, 0, 1)), { inferenceComponents: [{ name: 'llm-ic', copies: 1, tags: MANAGED }] });
    const [setup] = await runSetup({ policy: icPolicy, json: false }, { io, clients });
    expect(setup!.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      `created ScalableTarget ${IC}`,
      'created ScalingPolicy autoscaler-ic-per-copy',
      'created ScalingPolicy autoscaler-ic-wake-from-zero',
      'created Alarm autoscaler-aas-ic-llm-ic-wake-from-zero',
    ]);
    expect(fake.autoscaling.isRegistered(IC, 'sagemaker:inference-component:DesiredCopyCount')).toBe(true);
    lines.out.length = 0;
    const [st] = await runStatus([IC], { json: false }, { io, clients });
    expect(st).toMatchObject({ status: 'ready', replicas: 1, native: { target: { MinCapacity: 0, MaxCapacity: 3 } } });
    expect(lines.out).toEqual([
      `${IC}: ready, 1 of 1 desired copies, managed`,
      '  Application Auto Scaling: 0..3; policies: autoscaler-ic-per-copy (TargetTrackingScaling), autoscaler-ic-wake-from-zero (StepScaling)',
      '  alarm autoscaler-aas-ic-llm-ic-wake-from-zero (NoCapacityInvocationFailures): INSUFFICIENT_DATA',
    ]);
    const [down] = await runTeardown({ policy: icPolicy, json: true }, { io, clients });
    expect(down!.changes.map((c) => `${c.action} ${c.kind}`).sort()).toEqual([
      'deleted Alarm',
      'deleted ScalableTarget',
      'deleted ScalingPolicy',
      'deleted ScalingPolicy',
    ]);
    expect(fake.autoscaling.isRegistered(IC, 'sagemaker:inference-component:DesiredCopyCount')).toBe(false);
    await expect(runStatus(['inference-component/bad_name'], { json: true }, { io, clients })).rejects.toMatchObject({
      message: expect.stringContaining('id'),
    });
  });

  it('against a sandbox updating in 3 s, scale --wait ends in about 3 s (1 s polls on the injected clock)', async () => {
    const clock = new InstantClock(Date.UTC(2026, 0, 1));
    const sb = await runSandbox({ updateSeconds: 3, json: true }, { io, clock });
    const c = sandboxClients();
    try {
      const r = await runScale({ id: ID, replicas: 2, wait: true, json: false, options: {} }, { io, clients: c, clock });
      expect(r.status).toBe('done');
      expect(r.waitedMs).toBeGreaterThanOrEqual(3_000);
      expect(r.waitedMs).toBeLessThanOrEqual(4_000);
      const [st] = await runStatus([ID], { json: true }, { io, clients: c });
      expect(st).toMatchObject({ replicas: 2, currentReplicas: 2 });
    } finally {
      c.destroy();
      await sb.stop();
    }
  });

  it('status shows current and desired instance counts while an update runs', async () => {
    const clock = await start();
    await runScale({ id: ID, replicas: 3, wait: false, json: true, options: {} }, { io, clients, clock });
    lines.out.length = 0;
    const [st] = await runStatus([ID], { json: false }, { io, clients });
    expect(st).toMatchObject({ status: 'updating', replicas: 3, currentReplicas: 1 });
    expect(lines.out[0]).toContain('1 of 3 desired');
  });

  it('sandbox --seed serves the inference components and serverless variants it names', async () => {
    const seed = writeFile(
      'ic-seed.json',
      JSON.stringify({
        endpoints: [{ name: 'sls', variants: [{ serverless: { maxConcurrency: 10, provisionedConcurrency: 3 } }], tags: MANAGED }],
        inferenceComponents: [{ name: 'llm-ic', endpoint: 'llm', copies: 2, tags: MANAGED }],
        topics: [],
      }),
    );
    const sb = await runSandbox({ seed, json: true }, { io });
    try {
      const c = sandboxClients();
      const state = await new SageMakerProvider(c).describe({ provider: 'aws-sagemaker', id: 'inference-component/llm-ic' });
      expect(state).toMatchObject({ status: 'ready', capacity: { replicas: 2 }, managed: true });
      expect(await new SageMakerProvider(c).describe({ provider: 'aws-sagemaker', id: 'endpoint/sls/variant/AllTraffic' })).toMatchObject({
        capacity: { replicas: 3 },
      });
      c.destroy();
    } finally {
      await sb.stop();
    }
  });

  it('sandbox prints AWS_DEFAULT_REGION too (the AWS CLI v1 reads only that)', async () => {
    const sb = await runSandbox({}, { io });
    try {
      expect(lines.out.join('\n')).toMatch(/export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await sb.stop();
    }
  });

  it('sandbox prints a URL and credentials that a fresh SDK client can use (SigV4 checked)', async () => {
    const sb = await runSandbox({ json: true }, { io });
    try {
      expect((JSON.parse(lines.out[0]!) as { endpoints: string[] }).endpoints).toEqual(['my-endpoint']);
      const c = sandboxClients();
      const [st] = await runStatus([ID], { json: true }, { io, clients: c });
      expect(st).toMatchObject({ status: 'ready', managed: true });
      c.destroy();
    } finally {
      await sb.stop();
    }
  });
});
