import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOciSandbox, type OciSandbox } from '@autoscaler/sandbox-oci';
import type { PolicyInput } from '@autoscaler/core';
import type { FunctionResult } from '../src';
import { predictivePolicyDoc, seedPayloadText, seedPolicyDoc } from './support';

/**
 * The deployable artifact: the esbuild bundle run as OCI Functions runs it (fdk
 * http-stream on a unix socket), with API-key auth against the sandbox fake.
 */
jest.setTimeout(60_000);

const APP = join(__dirname, '..');
let sandbox: OciSandbox;
let child: ChildProcess;
let socket: string;

function call(body: string, at = socket): Promise<{ status: number; json: FunctionResult }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: at, path: '/call', method: 'POST', headers: { 'content-type': 'text/plain', 'fn-call-id': 'test', 'x-oci-ns-messageid': 'm-1' } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as FunctionResult }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The image's entry: start.cjs runs func.js from the code cache, serving `policy` on a fresh socket. */
async function startFunction(policy: PolicyInput): Promise<{ child: ChildProcess; socket: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'fn-'));
  const at = join(dir, 'lsnr.sock');
  const proc = spawn(process.execPath, [join(APP, 'dist', 'bundle', 'start.cjs')], {
    env: sandbox.functionEnv(at, {
      AUTOSCALER_POLICY: JSON.stringify(policy),
      AUTOSCALER_COMPARTMENT_ID: sandbox.compartmentId,
      AUTOSCALER_TOPIC_ID: sandbox.topicIds[0]!,
      AUTOSCALER_LOG_LEVEL: 'warn',
    }),
    stdio: 'ignore',
  });
  const until = Date.now() + 20_000;
  while (!existsSync(at)) {
    if (Date.now() > until || proc.exitCode !== null) throw new Error('the bundle did not start listening');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child: proc, socket: at };
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(APP, 'build.mjs')], { stdio: 'ignore' });
  // What the Dockerfile does: the V8 code cache, made with this Node.
  rmSync(join(APP, 'dist', 'bundle', 'func.js.cache'), { force: true });
  execFileSync(process.execPath, [join(APP, 'dist', 'bundle', 'start.cjs'), '--write-code-cache'], { stdio: 'ignore' });
  sandbox = await startOciSandbox({ updateDelayMs: 600_000 });
  ({ child, socket } = await startFunction(seedPolicyDoc(sandbox.deploymentIds)));
});

afterAll(async () => {
  child?.kill();
  await sandbox?.stop();
});

it('the image entry finds a code cache V8 accepts (Dockerfile step), and is the same bundle', () => {
  expect(statSync(join(APP, 'dist', 'bundle', 'func.js.cache')).size).toBeGreaterThan(100_000);
  const r = spawnSync(process.execPath, [join(APP, 'dist', 'bundle', 'start.cjs')], {
    env: { PATH: process.env['PATH'] ?? '', AUTOSCALER_CODE_CACHE_REPORT: '1' },
    encoding: 'utf8',
  });
  expect(r.stderr).toMatch(/^code cache: accepted$/m);
});

it('answers bad input with a clear JSON error and keeps serving', async () => {
  for (const body of ['', 'not json', '[]', seedPayloadText()]) {
    const { status, json } = await call(body);
    expect(status).toBe(200);
    expect(json.ok).toBe(false);
    expect(json.errors[0]!.code).toBe('VALIDATION');
  }
  expect(child.exitCode).toBeNull();
  expect(sandbox.fake.dataScience.configUpdates.size).toBe(0);
});

it('scales the sandbox deployment from a real alarm message and creates the low alarm', async () => {
  const dep = sandbox.deploymentIds[0]!;
  const alarm = sandbox.fake.monitoring.seedAlarm({
    displayName: 'model_deployment_high_cpu',
    compartmentId: sandbox.compartmentId,
    metricCompartmentId: sandbox.compartmentId,
    namespace: 'oci_datascience_modeldeploy',
    query: `CpuUtilization[5m]{resourceId = "${dep}"}.grouping().mean() > 80`,
    severity: 'CRITICAL',
    destinations: [sandbox.topicIds[0]!],
    isEnabled: true,
  });
  const message = await sandbox.fake.monitoring.fire(alarm);
  const { json } = await call(JSON.stringify(message));
  expect(json.records[0]).toMatchObject({ outcome: 'scaled', from: { replicas: 1 }, to: { replicas: 2 } });
  expect(json.alarms).toContainEqual(expect.objectContaining({ action: 'created', name: 'model_deployment_low_cpu' }));
  expect(sandbox.fake.dataScience.capacity(dep)).toMatchObject({ instanceCount: 2, lifecycleState: 'UPDATING' });
});

it('runs a periodic evaluation through the trimmed SDK: pulls PredictRequestCount, scales, and publishes the notification', async () => {
  // build.mjs bundles only the SDK operations (and their model classes) in its sdkCalls list:
  // this path uses GetModelDeployment, SummarizeMetricsData, UpdateModelDeployment and PublishMessage.
  const dep = sandbox.fake.dataScience.seedDeployment({ displayName: 'periodic' });
  const ops = sandbox.topicIds[0]!;
  const policy = predictivePolicyDoc(dep, { notifications: [{ type: 'ons', topicId: ops }] });
  sandbox.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', () => 300);
  const published = sandbox.fake.notifications.published.length;
  const fn = await startFunction(policy);
  try {
    const { json } = await call('{"autoscaler":"evaluate","version":1}', fn.socket);
    expect(json).toMatchObject({ ok: true, kind: 'periodic', errors: [] });
    expect(json.records).toEqual([expect.objectContaining({ outcome: 'scaled', target: { provider: 'oci-data-science', id: dep } })]);
    expect(json.records[0]!.to!.replicas).toBeGreaterThanOrEqual(3);
    expect(sandbox.fake.monitoring.summarizeCalls.some((c) => c.query.startsWith(`PredictRequestCount[1m]{resourceId = "${dep}"}`))).toBe(true);
    expect(sandbox.fake.dataScience.capacity(dep)).toMatchObject({ lifecycleState: 'UPDATING' });
    expect(sandbox.fake.notifications.published.slice(published)).toContainEqual(expect.objectContaining({ topicId: ops }));
  } finally {
    fn.child.kill();
  }
});
