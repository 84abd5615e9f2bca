import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOciSandbox, type OciSandbox } from '@autoscaler/provider-oci-data-science/testing';
import type { FunctionResult } from '../src';
import { seedPayloadText, seedPolicyDoc } from './support';

/**
 * The deployable artifact: the esbuild bundle run as OCI Functions runs it (fdk
 * http-stream on a unix socket), with API-key auth against the sandbox fake.
 */
jest.setTimeout(60_000);

const APP = join(__dirname, '..');
let sandbox: OciSandbox;
let child: ChildProcess;
let socket: string;

function call(body: string): Promise<{ status: number; json: FunctionResult }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/call', method: 'POST', headers: { 'content-type': 'text/plain', 'fn-call-id': 'test', 'x-oci-ns-messageid': 'm-1' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as FunctionResult }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(APP, 'build.mjs')], { stdio: 'ignore' });
  // What the Dockerfile does: the V8 code cache, made with this Node.
  rmSync(join(APP, 'dist', 'bundle', 'func.js.cache'), { force: true });
  execFileSync(process.execPath, [join(APP, 'dist', 'bundle', 'start.cjs'), '--write-code-cache'], { stdio: 'ignore' });
  sandbox = await startOciSandbox({ updateDelayMs: 600_000 });
  const dir = mkdtempSync(join(tmpdir(), 'fn-'));
  socket = join(dir, 'lsnr.sock');
  // The image's entry: start.cjs runs func.js from the code cache.
  child = spawn(process.execPath, [join(APP, 'dist', 'bundle', 'start.cjs')], {
    env: {
      PATH: process.env['PATH'] ?? '',
      FN_FORMAT: 'http-stream',
      FN_LISTENER: `unix:${socket}`,
      OCI_AUTH: 'config_file',
      OCI_CONFIG_FILE: sandbox.configPath,
      OCI_ENDPOINT: sandbox.endpoint,
      AUTOSCALER_POLICY: JSON.stringify(seedPolicyDoc(sandbox.deploymentIds)),
      AUTOSCALER_COMPARTMENT_ID: sandbox.compartmentId,
      AUTOSCALER_TOPIC_ID: sandbox.topicIds[0]!,
      AUTOSCALER_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const until = Date.now() + 20_000;
  while (!existsSync(socket)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error('the bundle did not start listening');
    await new Promise((r) => setTimeout(r, 10));
  }
});

afterAll(async () => {
  child?.kill();
  await sandbox?.stop();
});

it('the image entry finds a code cache V8 accepts (Dockerfile step), and is the same bundle', () => {
  expect(statSync(join(APP, 'dist', 'bundle', 'func.js.cache')).size).toBeGreaterThan(100_000);
  const r = spawnSync(process.execPath, [join(APP, 'dist', 'bundle', 'start.cjs')], { env: { PATH: process.env['PATH'] ?? '', AUTOSCALER_CODE_CACHE_REPORT: '1' }, encoding: 'utf8' });
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
