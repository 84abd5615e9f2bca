import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstantClock, NotReadyError, ValidationError, validatePolicy } from '@autoscaler/core';
import { OciDataScienceProvider, configFileAuth, createOciClients, type OciClients } from '@autoscaler/provider-oci-data-science';
import { OciFake, createTestIdentity, type TestIdentity } from '@autoscaler/sandbox-oci';
import { ociCloud, readSetupRecord, runImport, runSandbox, runScale, runSetup, runStatus, runTeardown } from '../src/clouds/oci';
import { buildProgram, runCli } from '../src/program';
import { captureIO } from './support';

/** The OCI commands, called as functions, against the wire fake (no CLI binary is spawned). */
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

let identity: TestIdentity;
beforeAll(() => {
  identity = createTestIdentity();
});

interface World {
  fake: OciFake;
  clock: InstantClock;
  clients: OciClients;
  dir: string;
}

async function world(): Promise<World> {
  const clock = new InstantClock(Date.UTC(2026, 4, 4, 8, 0));
  const fake = new OciFake({ clock, updateDelayMs: 90_000 });
  fake.trust(identity);
  await fake.start();
  const clients = createOciClients({ authProvider: identity.authProvider(), endpoint: fake.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
  return { fake, clock, clients, dir: mkdtempSync(join(tmpdir(), 'oci-cli-')) };
}

describe('sandbox oci', () => {
  it('starts the fake with a seeded deployment and writes a config file real clients can use', async () => {
    const io = captureIO();
    const seed = join(mkdtempSync(join(tmpdir(), 'seed-')), 'seed.yaml');
    writeFileSync(seed, 'deployments:\n  - shape: VM.Standard.E4.Flex\n    ocpus: 2\n    memoryInGBs: 32\n    instanceCount: 2\ntopics: [alarms]\n');
    const sb = await runSandbox({ port: 0, seed, json: true }, { io });
    try {
      const info = JSON.parse(io.stdout.join('\n')) as { endpoint: string; configFile: string; deployments: string[]; topics: string[] };
      expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.deployments).toHaveLength(1);
      const clients = createOciClients({ authProvider: configFileAuth(info.configFile), endpoint: info.endpoint });
      const s = await new OciDataScienceProvider({ dataScience: clients.dataScience }).describe({ provider: 'oci-data-science', id: info.deployments[0]! });
      expect(s.capacity).toEqual({ replicas: 2, size: 'VM.Standard.E4.Flex:2x32', bandwidthMbps: 10 });
      expect(s.managed).toBe(true);
    } finally {
      await sb.stop();
    }
  });

  it('names the bad seed field', async () => {
    const seed = join(mkdtempSync(join(tmpdir(), 'seed-')), 'seed.json');
    writeFileSync(seed, '{"deployment": []}');
    await expect(runSandbox({ seed }, { io: captureIO() })).rejects.toMatchObject({ issues: [{ path: 'seed.deployment', message: 'unknown field' }] });
  });
});

describe('scale', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(() => w.fake.stop());

  it('matches deployment OCIDs only', () => {
    expect(ociCloud.matchesId?.(w.fake.dataScience.seedDeployment())).toBe(true);
    expect(ociCloud.matchesId?.('endpoint/x/variant/y')).toBe(false);
  });

  it("changes the instance count with if-match through core's applyAndWait, with progress until ACTIVE", async () => {
    const id = w.fake.dataScience.seedDeployment({ instanceCount: 1 });
    const io = captureIO();
    const r = await runScale({ id, replicas: 3, wait: true, json: false, options: {} }, { io, clients: w.clients, clock: w.clock });
    expect(r).toMatchObject({
      status: 'done',
      target: { provider: 'oci-data-science', id },
      from: { replicas: 1 },
      to: { replicas: 3 },
      handle: { kind: 'work-request', id: expect.stringMatching(/^ocid1\.datascienceworkrequest\./) },
      state: { status: 'ready' },
    });
    // The fake's update takes 90 s of the injected clock.
    expect(r.waitedMs).toBeGreaterThanOrEqual(90_000);
    expect(w.fake.dataScience.capacity(id)).toMatchObject({ instanceCount: 3, lifecycleState: 'ACTIVE' });
    expect(io.stderr[0]).toMatch(/: lifecycle state UPDATING.* \(\d+s\)$/);
    expect(io.stdout.at(-1)).toMatch(/1 x VM\.Standard2\.1 -> 3 x VM\.Standard2\.1 \(done\)/);
  });

  it('moves a flex shape without waiting', async () => {
    const id = w.fake.dataScience.seedDeployment({ shape: 'VM.Standard.E4.Flex', ocpus: 1, memoryInGBs: 16 });
    const r = await runScale(
      { id, size: 'VM.Standard.E4.Flex:4x64', wait: false, json: true, options: {} },
      { io: captureIO(), clients: w.clients, clock: w.clock },
    );
    expect(r.status).toBe('accepted');
    expect(w.fake.dataScience.capacity(id)).toMatchObject({ ocpus: 4, memoryInGBs: 64, lifecycleState: 'UPDATING' });
  });

  it('refuses a deployment that is updating, a bad id and a bad shape; reports a failed work request', async () => {
    const busy = w.fake.dataScience.seedDeployment({ lifecycleState: 'UPDATING' });
    const deps = { io: captureIO(), clients: w.clients, clock: w.clock };
    const e = await runScale({ id: busy, replicas: 2, wait: true, json: false, options: {} }, deps).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotReadyError);
    expect((e as Error).message).toMatch(/is updating \(lifecycle state UPDATING.*\); try again once it is ready/);
    expect((e as Error).message).not.toMatch(/invalid/);
    await expect(runScale({ id: 'ocid1.datasciencemodeldeployment.oc1.iad."x', replicas: 2, wait: true, json: false, options: {} }, deps)).rejects.toThrow(
      ValidationError,
    );
    const id = w.fake.dataScience.seedDeployment();
    await expect(runScale({ id, size: 'VM.Standard.E4.Flex', wait: true, json: false, options: {} }, deps)).rejects.toThrow(/2x32/);
    w.fake.dataScience.failNextUpdate(id);
    // A failed update is the same error on every cloud, with OCI's reason.
    await expect(runScale({ id, replicas: 2, wait: true, json: false, options: {} }, deps)).rejects.toThrow(
      new NotReadyError(
        `oci-data-science:${id} is failed after the change (lifecycle state NEEDS_ATTENTION: Update failed: Insufficient capacity for the requested shape)`,
      ),
    );
    expect(w.fake.dataScience.capacity(id)).toMatchObject({ instanceCount: 1, lifecycleState: 'NEEDS_ATTENTION' });
  });
});

describe('scale: state, bandwidth, races', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(() => w.fake.stop());

  it('status oci shows the last scale-out after a manual scale (the action is recorded in the same update)', async () => {
    const id = w.fake.dataScience.seedDeployment({ instanceCount: 1 });
    await runScale({ id, replicas: 3, wait: false, json: true, options: {} }, { io: captureIO(), clients: w.clients, clock: w.clock });
    expect(w.fake.dataScience.configUpdates.get(id)).toBe(1);
    const [row] = await runStatus([id], { json: true }, { io: captureIO(), clients: w.clients });
    expect(row!.lastActions.scaleOut).toBe(`${new Date(w.clock.now()).toISOString()} (1 -> 3)`);
    expect(row!.lastActions.scaleIn).toBeUndefined();
  });

  it('--bandwidth changes the load balancer bandwidth alone; with --replicas it is refused before any update', async () => {
    const id = w.fake.dataScience.seedDeployment({ instanceCount: 1 });
    const deps = { io: captureIO(), clients: w.clients, clock: w.clock };
    await expect(runScale({ id, replicas: 2, bandwidthMbps: 20, wait: false, json: true, options: {} }, deps)).rejects.toMatchObject({
      issues: [{ path: '--bandwidth' }],
    });
    expect(w.fake.dataScience.configUpdates.get(id)).toBeUndefined();
    const r = await runScale({ id, bandwidthMbps: 20, wait: true, json: true, options: {} }, deps);
    expect(r).toMatchObject({ status: 'done', to: { replicas: 1, bandwidthMbps: 20 } });
    expect(w.fake.dataScience.capacity(id)).toMatchObject({ bandwidthMbps: 20, instanceCount: 1 });
  });

  it('an update that starts between read and write is NotReadyError saying so', async () => {
    const id = w.fake.dataScience.seedDeployment({ instanceCount: 1 });
    w.fake.inject({ op: 'UpdateModelDeployment', status: 409, code: 'IncorrectState', message: 'Model deployment is in UPDATING state' });
    const e = await runScale({ id, replicas: 2, wait: false, json: true, options: {} }, { io: captureIO(), clients: w.clients, clock: w.clock }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(NotReadyError);
    expect((e as Error).message).toMatch(/changed or started updating since it was read \(.*UPDATING state.*\); try again once it is ready/);
  });

  it('the scale command parses --bandwidth', async () => {
    const { buildProgram } = await import('../src/program');
    const sb = await runSandbox({ json: true }, { io: captureIO() });
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await buildProgram(captureIO())
        .exitOverride()
        .parseAsync(['scale', sb.deploymentIds[0]!, '--bandwidth', '30', '--no-wait', '--json', '--config', sb.configPath, '--endpoint', sb.endpoint], {
          from: 'user',
        });
    } finally {
      spy.mockRestore();
      await sb.stop();
    }
    expect(JSON.parse(written.join(''))).toMatchObject({ status: 'accepted', to: { bandwidthMbps: 30 } });
  });
});

describe('setup oci / teardown oci / status oci', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(() => w.fake.stop());
  const fn = 'ocid1.fnfunc.oc1.iad.amaaaaaaautoscalerfunction';

  it('sets up topic, function subscription, managed tag and alarms, prints IAM; teardown removes exactly that', async () => {
    const dep = w.fake.dataScience.seedDeployment({ managed: false, freeformTags: { team: 'ml' }, instanceCount: 2 });
    const compartment = w.fake.ocids.compartment;
    // Someone else's alarm and topic in the same compartment must survive teardown.
    const theirTopic = w.fake.notifications.seedTopic('ops');
    const theirAlarm = w.fake.monitoring.seedAlarm({
      displayName: 'ops',
      compartmentId: compartment,
      metricCompartmentId: compartment,
      namespace: 'oci_datascience_modeldeploy',
      query: `CpuUtilization[1m]{resourceId = "${dep}"}.max() > 99`,
      severity: 'CRITICAL',
      destinations: [theirTopic],
      isEnabled: true,
    });
    const state = join(w.dir, 'setup.json');
    const io = captureIO();
    const res = await runSetup(
      { compartment, deployment: dep, function: fn, state, policyUrl: 'https://objectstorage.us-ashburn-1.oraclecloud.com/n/ns/b/policies/o/seed.yaml' },
      { io, clients: w.clients },
    );

    expect(
      w.fake.notifications
        .liveTopics()
        .map((t) => t['name'])
        .sort(),
    ).toEqual([`autoscaler-${dep.slice(-12)}`, 'ops']);
    expect(w.fake.notifications.liveSubscriptions()).toEqual([
      expect.objectContaining({ protocol: 'ORACLE_FUNCTIONS', endpoint: fn, topicId: res.topicId, lifecycleState: 'ACTIVE' }),
    ]);
    expect(w.fake.dataScience.tags(dep)).toEqual({ team: 'ml', 'autoscaler-managed': 'true' });
    // 2 instances: the low CPU alarm exists; VM.Standard2.1 is the smallest shape: no low memory alarm.
    expect(res.alarms.map((a) => [a.action, a.name])).toEqual([
      ['created', 'model_deployment_high_cpu'],
      ['created', 'model_deployment_low_cpu'],
      ['created', 'model_deployment_high_mem'],
      ['created', 'autoscaler_heartbeat'],
    ]);
    expect(w.fake.monitoring.alarm(res.heartbeatAlarmId!)).toMatchObject({ repeatNotificationDuration: 'PT1M', destinations: [res.topicId] });
    expect(readSetupRecord(state)).toMatchObject({
      deploymentId: dep,
      createdTopicId: res.topicId,
      subscriptionId: res.subscriptionId,
      taggedDeployment: true,
      alarmIds: res.alarms.slice(0, 3).map((a) => a.id),
      heartbeatAlarmId: res.alarms[3]!.id,
    });
    expect(res.iam.dynamicGroupRule).toBe(`ALL {resource.type = 'fnfunc', resource.id = '${fn}'}`);
    expect(res.iam.policyStatements).toEqual([
      `Allow dynamic-group autoscaler-functions to use data-science-model-deployments in compartment id ${compartment} where any {request.operation = 'GetModelDeployment', request.operation = 'UpdateModelDeployment'}`,
      `Allow dynamic-group autoscaler-functions to manage alarms in compartment id ${compartment} where any {request.operation = 'GetAlarm', request.operation = 'ListAlarms', request.operation = 'ListAlarmsStatus', request.operation = 'CreateAlarm', request.operation = 'UpdateAlarm', request.operation = 'DeleteAlarm'}`,
      `Allow dynamic-group autoscaler-functions to read metrics in compartment id ${compartment} where all {request.operation = 'SummarizeMetricsData', target.metrics.namespace = 'oci_datascience_modeldeploy'}`,
      `Allow dynamic-group autoscaler-functions to use ons-topics in compartment id ${compartment} where request.operation = 'PublishMessage'`,
      `Allow dynamic-group autoscaler-functions to read objects in compartment id ${compartment} where all {request.operation = 'GetObject', target.bucket.name = 'policies'}`,
    ]);
    const out = io.stdout.join('\n');
    expect(out).toContain('dynamic group rule');
    // The exact deploy commands and a ready-to-paste policy the function accepts.
    expect(res.commands).toEqual(
      expect.arrayContaining([
        `fn create app autoscaler --annotation oracle.com/oci/subnetIds='["<subnet-ocid>"]'`,
        '(cd apps/oci-function && fn -v deploy --app autoscaler)',
        `fn config function autoscaler model-deployment-autoscaler AUTOSCALER_TOPIC_ID '${res.topicId}'`,
        `fn config function autoscaler model-deployment-autoscaler AUTOSCALER_POLICY_URL 'https://objectstorage.us-ashburn-1.oraclecloud.com/n/ns/b/policies/o/seed.yaml'`,
      ]),
    );
    expect(res.commands.some((c) => c.startsWith('oci logging log create') && c.includes('"category":"invoke"'))).toBe(true);
    expect(validatePolicy(JSON.parse(res.policy))).toMatchObject({ targets: [{ id: dep }] });
    expect(out).toContain(res.policy);

    // Running setup twice is refused (the state file says it is set up).
    await expect(runSetup({ compartment, deployment: dep, function: fn, state }, { io: captureIO(), clients: w.clients })).rejects.toThrow(/already set up/);

    const status = await runStatus([dep], { compartment, json: true }, { io: captureIO(), clients: w.clients });
    expect(status[0]).toMatchObject({ status: 'ready', managed: true, capacity: { replicas: 2 } });
    expect(status[0]!.alarms!.map((a) => a.name).sort()).toEqual([
      'autoscaler_heartbeat',
      'model_deployment_high_cpu',
      'model_deployment_high_mem',
      'model_deployment_low_cpu',
    ]);

    const down = await runTeardown({ state }, { io: captureIO(), clients: w.clients });
    expect(down.deleted.map((d) => d.kind).sort()).toEqual(['alarm', 'alarm', 'alarm', 'alarm', 'subscription', 'tag', 'topic']);
    expect(w.fake.notifications.liveTopics().map((t) => t['topicId'])).toEqual([theirTopic]);
    expect(w.fake.notifications.liveSubscriptions()).toEqual([]);
    expect(w.fake.monitoring.liveAlarms().map((a) => a['id'])).toEqual([theirAlarm]);
    expect(w.fake.dataScience.tags(dep)).toEqual({ team: 'ml' });
    expect(existsSync(state)).toBe(false);
  });

  it('keeps an existing topic and tag; teardown without a state file finds setup by its tags', async () => {
    const dep = w.fake.dataScience.seedDeployment();
    const compartment = w.fake.ocids.compartment;
    const topic = w.fake.notifications.seedTopic('existing');
    const state = join(w.dir, 's.json');
    await runSetup({ compartment, deployment: dep, function: fn, topic, state, json: true }, { io: captureIO(), clients: w.clients });
    // Lose the state file: teardown falls back to the tags setup put on what it created.
    const { unlinkSync } = await import('node:fs');
    unlinkSync(state);
    const down = await runTeardown({ deployment: dep, compartment, state: undefined }, { io: captureIO(), clients: w.clients });
    expect(down.deleted.map((d) => d.kind).sort()).toEqual(['alarm', 'alarm', 'alarm', 'subscription']);
    expect(w.fake.notifications.liveTopics().map((t) => t['topicId'])).toEqual([topic]);
    expect(w.fake.dataScience.tags(dep)['autoscaler-managed']).toBe('true');
  });

  it('validates every id before any request', async () => {
    const before = w.fake.requests.length;
    const dep = w.fake.dataScience.seedDeployment();
    await expect(runSetup({ compartment: 'nope', deployment: dep, function: fn }, { io: captureIO(), clients: w.clients })).rejects.toMatchObject({
      issues: [{ path: '--compartment' }],
    });
    await expect(
      runSetup({ compartment: w.fake.ocids.compartment, deployment: dep, function: '<YOUR_FUNCTION_OCID>' }, { io: captureIO(), clients: w.clients }),
    ).rejects.toMatchObject({ issues: [{ path: '--function' }] });
    await expect(runTeardown({}, { io: captureIO(), clients: w.clients })).rejects.toMatchObject({ issues: [{ path: '--deployment' }] });
    expect(w.fake.requests.length).toBe(before);
  });
});

describe('registration', () => {
  it('adds described subcommands under the shared parents, and status oci runs through commander with a config file', async () => {
    const io = captureIO();
    const program = buildProgram(io, new Map([['oci', ociCloud]]));
    for (const verb of ['setup', 'teardown', 'sandbox', 'status']) {
      const oci = program.commands.find((c) => c.name() === verb)?.commands.find((c) => c.name() === 'oci');
      expect(oci?.description().length).toBeGreaterThan(30);
    }
    const sb = await runSandbox({ json: true }, { io });
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(['status', 'oci', sb.deploymentIds[0]!, '--config', sb.configPath, '--endpoint', sb.endpoint, '--json'], { from: 'user' });
    } finally {
      spy.mockRestore();
      await sb.stop();
    }
    expect(JSON.parse(written.join(''))).toEqual([
      expect.objectContaining({ deploymentId: sb.deploymentIds[0], status: 'ready', capacity: { replicas: 1, size: 'VM.Standard2.1', bandwidthMbps: 10 } }),
    ]);
  });
});

describe('autoscaler import --from oci-native', () => {
  const DEP = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaamodeldeploy00000000000000000000000000000000000000';
  const native = {
    policyType: 'AUTOSCALING',
    coolDownInSeconds: 600,
    isEnabled: true,
    autoScalingPolicies: [
      {
        autoScalingPolicyType: 'THRESHOLD',
        minimumInstanceCount: 1,
        maximumInstanceCount: 5,
        initialInstanceCount: 1,
        rules: [
          {
            metricExpressionRuleType: 'CUSTOM_EXPRESSION',
            scaleOutConfiguration: {
              scalingConfigurationType: 'QUERY',
              instanceCountAdjustment: 1,
              query: 'PredictRequestCount[1m]{resourceId = "MODEL_DEPLOYMENT_OCID"}.grouping().mean() > 900',
            },
            scaleInConfiguration: {
              scalingConfigurationType: 'QUERY',
              instanceCountAdjustment: 1,
              query: 'PredictRequestCount[1m]{resourceId = "MODEL_DEPLOYMENT_OCID"}.grouping().mean() < 100',
            },
          },
        ],
      },
    ],
  };

  it('turns the CLI output of a model deployment into a valid policy for it, listing what it leaves out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oci-import-'));
    const file = join(dir, 'md.json');
    writeFileSync(
      file,
      JSON.stringify({
        data: {
          id: DEP,
          modelDeploymentConfigurationDetails: { deploymentType: 'SINGLE_MODEL', modelConfigurationDetails: { modelId: 'x', scalingPolicy: native } },
        },
      }),
    );
    const r = runImport(file, { from: 'oci-native' });
    const policy = validatePolicy(r.policy);
    expect(policy.targets).toEqual([{ provider: 'oci-data-science', id: DEP }]);
    expect(policy.rules.map((x) => x.threshold)).toEqual([
      { metric: 'PredictRequestCount', above: 900, change: 1 },
      { metric: 'PredictRequestCount', below: 100, change: -1 },
    ]);
    expect(r.unsupported).toEqual([expect.stringContaining('initialInstanceCount')]);
  });

  it('is a command of the CLI; an unknown --from or a bad --target is refused naming the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oci-import-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify(native));
    const io = captureIO();
    expect(await runCli(['import', '--from', 'aws-native', file, '--json'], io)).not.toBe(0);
    expect(io.stdout.join('') + io.stderr.join('')).toMatch(/--from/);
    expect(() => runImport(file, { from: 'oci-native', target: 'my-deployment' })).toThrow(/--target/);
    expect(runImport(file, { from: 'oci-native', target: DEP }).policy).toMatchObject({ targets: [{ id: DEP }] });
  });
});
