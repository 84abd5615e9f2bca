/**
 * AWS Lambda bundle benchmark: bundle size and cold start of our build
 * (ESM, minified, tree-shaken from the TypeScript sources, SDK bundled, lazy
 * SSM/S3/YAML chunks, zod used through tree-shakable imports, the SDK's default
 * credential chain slimmed) next to esbuild's default bundle of the same handler,
 * built and measured in the same run; plus the variant that leaves @aws-sdk/* to
 * the Lambda runtime, and two floors: `node -e 0` and an empty handler bundle.
 *
 * Cold start (`coldStartMs`) = a fresh `node` process importing the bundle and
 * handling one signed SNS alarm event against the local AWS fake, timed inside
 * the process from before the import to the handler's answer (node's own boot is
 * the same for every build and left out; it is in `processWallMs`, next to the
 * floors). The same process then handles a second event: `warmHandleMs`, what
 * handling costs once everything is loaded and compiled (the fake's round trips
 * included). Builds alternate; median (and min) of RUNS runs after one warm-up
 * round for the OS file cache. The machine is shared: the load average is in the
 * JSON, and ratios to baselines measured in the same run are the figures to read.
 *
 * Run: `npx tsx bench/aws-lambda.ts`. Writes bench/results/aws-lambda.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { SNSEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { createAwsClients } from '@autoscaler/provider-aws-sagemaker';
import { FakeAws, variantAlarmRequest } from '@autoscaler/sandbox-aws';
import { machineInfo, nodeFloor } from './shared';

const RUNS = Number(process.env['RUNS'] ?? 9);
const root = join(__dirname, '..');

type Variant = 'ours' | 'sdk-external' | 'default' | 'empty';
interface Built {
  outfile: string;
  bytes: number;
  allBytes: number;
  byPackage?: Record<string, number>;
}
interface Run {
  /** performance.now() when the runner started: node's boot, as the process sees it. */
  bootMs: number;
  importMs: number;
  handleMs: number;
  /** import + first event: the cold start. */
  ms: number;
  warmHandleMs: number;
  outcome: string;
  warmOutcome: string;
  /** Parent's view: spawn to exit. */
  wallMs: number;
}

const RUNNER = `
const t0 = performance.now();
const mod = await import(process.argv[1]);
const t1 = performance.now();
const handler = mod.handler ?? mod.default?.handler;
const [cold, warm] = JSON.parse(process.env.BENCH_EVENTS);
const out = await handler(cold);
const t2 = performance.now();
const out2 = await handler(warm);
const t3 = performance.now();
const outcome = (o) => o.records.map((r) => r.outcome).join(',');
process.stdout.write('\\nBENCH ' + JSON.stringify({ bootMs: t0, importMs: t1 - t0, handleMs: t2 - t1, ms: t2 - t0, warmHandleMs: t3 - t2, outcome: outcome(out), warmOutcome: outcome(out2) }) + '\\n');
process.exit(0);
`;

async function coldStart(fake: FakeAws, built: Built, events: [SNSEvent, SNSEvent], policy: string, topic: string): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, built.outfile], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: fake.region,
      AWS_ACCESS_KEY_ID: fake.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fake.credentials.secretAccessKey,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      AUTOSCALER_AWS_ENDPOINT_URL: fake.url,
      AUTOSCALER_SNS_CERT_BASE_URL: fake.url,
      AUTOSCALER_POLICY: policy,
      AUTOSCALER_SNS_TOPIC_ARNS: topic,
      AUTOSCALER_LOG_LEVEL: 'error',
      BENCH_EVENTS: JSON.stringify(events),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - t0;
  const line = out.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`${built.outfile}: no result; output:\n${out.slice(0, 2000)}\n${err.slice(0, 2000)}`);
  return { ...(JSON.parse(line.slice(6)) as Omit<Run, 'wallMs'>), wallMs };
}

/** A handler that does nothing, bundled as ours is: the floor of "import an ES module bundle and call it". */
async function buildEmpty(dir: string): Promise<Built> {
  const outfile = join(dir, 'index.mjs');
  const r = await build({
    stdin: { contents: "export const handler = async () => ({ ok: true, kind: 'alarm', records: [] });", loader: 'ts' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.values(r.metafile.outputs)[0]?.bytes ?? 0;
  return { outfile, bytes, allBytes: bytes };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const r1 = (v: number): number => Math.round(v * 10) / 10;
const r3 = (v: number): number => Math.round(v * 1000) / 1000;

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const { buildLambda } = (await import(join(root, 'apps/aws-lambda/build.mjs'))) as { buildLambda: (v: Exclude<Variant, 'empty'>) => Promise<Built> };
  const emptyDir = mkdtempSync(join(tmpdir(), 'lambda-empty-'));
  const builds: Record<Variant, Built> = {
    ours: await buildLambda('ours'),
    'sdk-external': await buildLambda('sdk-external'),
    default: await buildLambda('default'),
    empty: await buildEmpty(emptyDir),
  };

  const fake = await FakeAws.start({
    capacityUpdateMs: 0,
    endpoints: [{ name: 'bench', variants: [{ name: 'AllTraffic', instances: 1 }], tags: { 'autoscaler:managed': 'true' } }],
    topics: ['alarms'],
  });
  const clients = createAwsClients({ ...fake.clientConfig(), backoff: () => 0 });
  const topic = `arn:aws:sns:${fake.region}:${fake.accountId}:alarms`;
  const policy = JSON.stringify({
    name: 'bench',
    targets: [{ provider: 'aws-sagemaker', id: 'endpoint/bench/variant/AllTraffic' }],
    limits: { minReplicas: 1, maxReplicas: 1000, cooldown: { scaleOut: 0, scaleIn: 0 } },
    rules: [{ name: 'cpu', threshold: { metric: 'CPUUtilization', above: 80, change: 1 } }],
  });
  await clients.cloudwatch.send(new PutMetricAlarmCommand(variantAlarmRequest({ name: 'cpu', endpoint: 'bench', variant: 'AllTraffic', topicArn: topic })));
  const events: SNSEvent[] = [];
  fake.sns.subscribe((e) => events.push(e));
  /** A fresh alarm transition (a new SNS message id) for each event. */
  const nextEvent = async (): Promise<SNSEvent> => {
    await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'cpu', StateValue: 'OK', StateReason: 'reset' }));
    await clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: 'cpu',
        StateValue: 'ALARM',
        StateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [95.0 (01/01/26 12:00:00)] was greater than the threshold (80.0).',
        StateReasonData: '{"recentDatapoints":[95.0],"threshold":80}',
      }),
    );
    return events.at(-1)!;
  };

  const order: Variant[] = ['ours', 'default', 'sdk-external', 'empty'];
  const runs: Record<Variant, Run[]> = { ours: [], 'sdk-external': [], default: [], empty: [] };
  const floor: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    for (const v of order) {
      const r = await coldStart(fake, builds[v], [await nextEvent(), await nextEvent()], policy, topic);
      if (v !== 'empty' && (r.outcome !== 'scaled' || r.warmOutcome !== 'scaled'))
        throw new Error(`${v}: expected both events to scale, got ${r.outcome} / ${r.warmOutcome}`);
      if (i > 0) runs[v].push(r); // the first round warms the OS file cache
    }
    const f = await nodeFloor();
    if (i > 0) floor.push(f);
  }
  clients.cloudwatch.destroy();
  await fake.close();
  rmSync(emptyDir, { recursive: true, force: true });
  const loadAfter = loadavg();

  const stat = (v: Variant, k: keyof Omit<Run, 'outcome' | 'warmOutcome'>): { median: number; min: number } => ({
    median: r1(median(runs[v].map((r) => r[k]))),
    min: r1(Math.min(...runs[v].map((r) => r[k]))),
  });
  const row = (v: Variant): { bundleBytes: number; coldStartMs: number } => ({ bundleBytes: builds[v].bytes, coldStartMs: stat(v, 'ms').median });
  const detail = (v: Variant): Record<string, unknown> => ({
    coldStartMs: stat(v, 'ms'),
    importMs: stat(v, 'importMs'),
    firstHandleMs: stat(v, 'handleMs'),
    warmHandleMs: stat(v, 'warmHandleMs'),
    processWallMs: stat(v, 'wallMs'),
    nodeBootMs: stat(v, 'bootMs'),
  });
  const ours = row('ours');
  const defaultBuild = row('default');
  const floorWall = median(floor);
  const emptyCold = stat('empty', 'ms').median;
  const emptyWall = stat('empty', 'wallMs').median;
  const oursWall = stat('ours', 'wallMs').median;
  const oursWarm = stat('ours', 'warmHandleMs').median;
  const result = {
    ours,
    defaultBuild,
    ratio: { bundleBytes: r3(ours.bundleBytes / defaultBuild.bundleBytes), coldStartMs: r3(ours.coldStartMs / defaultBuild.coldStartMs) },
    floors: {
      nodeProcessWallMs: r1(floorWall),
      emptyHandler: { bundleBytes: builds.empty.bytes, coldStartMs: emptyCold, processWallMs: emptyWall },
      oursWarmHandleMs: oursWarm,
      what: 'nodeProcessWallMs: `node -e 0` spawn to exit. emptyHandler: an ESM bundle whose handler returns at once, run by the same runner (its coldStartMs is import + call inside the process; processWallMs is spawn to exit). oursWarmHandleMs: our handler on a second event in the same process (all code loaded and compiled; the fake answers 8 SageMaker calls): what handling costs without any cold-start work.',
    },
    ratiosToFloors: {
      processWallOverNodeProcess: r3(oursWall / floorWall),
      processWallOverEmptyHandler: r3(oursWall / emptyWall),
      coldStartOverWarmHandle: r3(ours.coldStartMs / oursWarm),
      coldStartMinusWarmHandleMs: r1(ours.coldStartMs - oursWarm),
    },
    sdkExternal: {
      ...row('sdk-external'),
      note: '@aws-sdk/* and @smithy/* left to the runtime: its SDK is loaded from node_modules at cold start and not counted in bundleBytes',
    },
    detail: { ours: detail('ours'), defaultBuild: detail('default'), sdkExternal: detail('sdk-external'), emptyHandler: detail('empty') },
    bundle: { oursAllBytes: builds.ours.allBytes, oursColdStartBytesByPackage: builds.ours.byPackage },
    notes: {
      bundleBytes: 'bytes a cold start loads: the entry file and the chunks it imports statically (lazy SSM/S3/YAML chunks excluded)',
      coldStartMs: `median of ${RUNS} fresh node processes (min in detail): import + one SNS alarm event handled against the local fake (verify signature, describe, scale, write tags), timed inside the process`,
      aims: { bundleBytes: 300 * 1024, coldStartMs: 60, met: { bundleBytes: ours.bundleBytes <= 300 * 1024, coldStartMs: ours.coldStartMs <= 60 } },
    },
    machine: machineInfo({ before: loadBefore.map(r1), after: loadAfter.map(r1) }),
    at: new Date().toISOString(),
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/aws-lambda.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
