import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify as stringifyYaml } from 'yaml';
import { ValidationError, applyAndWait, parsePolicy, systemClock, validatePolicy } from '@autoscaler/core';
import type { AlarmChange, Clock, PersistedState, Policy, TargetRef } from '@autoscaler/core';
import {
  MANAGED_TAG,
  functionDynamicGroupRule,
  functionPolicyStatements,
  importNativePolicy,
  OciDataScienceProvider,
  OciMonitoringAlarmSource,
  onsNotificationKind,
  TAG_PREFIX,
  configFileAuth,
  createOciClients,
  isOcid,
  requireOcid,
  seedSamplePolicy,
} from '@autoscaler/provider-oci-data-science';
import type { OciClients } from '@autoscaler/provider-oci-data-science';
import { startOciSandbox, type OciSandbox, type SandboxSeed } from '@autoscaler/sandbox-oci';
import { type CliIO, processIO } from '../io';
import { parseIntFlag, readDocument, readText } from '../read-input';
import { requestedCapacity } from './scale-change';
import { reportScale, scaleProgress, type ScaleResult } from './scale-report';
import { untilStopped } from './until-stopped';
import type { CloudCli, ScaleRequest } from './types';

/**
 * OCI: `sandbox oci`, `setup oci`, `teardown oci`, `status oci` and `scale <deployment OCID>`.
 * Every command takes the OCI CLI's config file and profile (`--config`, `--profile`),
 * or `--endpoint` to talk to a sandbox.
 */
const PROVIDER = 'oci-data-science';
const SETUP_TAG = 'autoscaler-setup';

export interface OciCliDeps {
  io: CliIO;
  /** SDK clients (tests: pointed at the fake). Built from the flags otherwise. */
  clients?: OciClients;
  clock?: Clock;
}

interface ConnectionFlags {
  config?: string;
  profile?: string;
  endpoint?: string;
  region?: string;
}

function clientsFor(flags: ConnectionFlags, deps: OciCliDeps): OciClients {
  if (deps.clients) return deps.clients;
  return createOciClients({
    authProvider: configFileAuth(flags.config, flags.profile),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.region ? { region: flags.region } : {}),
  });
}

function ref(id: string): TargetRef {
  requireOcid('datasciencemodeldeployment', id, 'deployment');
  return { provider: PROVIDER, id };
}

function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'OCI config file (default ~/.oci/config)')
    .option('--profile <name>', 'profile in the OCI config file (default DEFAULT)')
    .option('--endpoint <url>', 'one base URL for every OCI service (a sandbox)')
    .option('--region <region>', 'region id, e.g. us-ashburn-1 (default: from the config file)')
    .option('--json', 'print the result as JSON');
}

// --- sandbox -----------------------------------------------------------------------------------

export interface SandboxFlags {
  port?: number;
  seed?: string;
  updateDelaySeconds?: number;
  json?: boolean;
}

/** Start the fake and print how to use it; resolves with the running sandbox (the command keeps it up). */
export async function runSandbox(flags: SandboxFlags, deps: OciCliDeps): Promise<OciSandbox> {
  const seed = flags.seed === undefined ? undefined : (readDocument(flags.seed, '--seed') as SandboxSeed);
  const sandbox = await startOciSandbox({
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(flags.updateDelaySeconds !== undefined ? { updateDelayMs: flags.updateDelaySeconds * 1000 } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const info = {
    endpoint: sandbox.endpoint,
    configFile: sandbox.configPath,
    keyFile: sandbox.keyPath,
    compartmentId: sandbox.compartmentId,
    deployments: sandbox.deploymentIds,
    topics: sandbox.topicIds,
  };
  if (flags.json) {
    deps.io.out(JSON.stringify(info, null, 2));
  } else {
    deps.io.out(
      [
        `OCI sandbox listening on ${sandbox.endpoint} (Data Science 20190101, Monitoring 20180401, Notifications 20181201; every request must be signed)`,
        `  OCI config:   ${sandbox.configPath}   (key ${sandbox.keyPath})`,
        `  compartment:  ${sandbox.compartmentId}`,
        ...sandbox.deploymentIds.map((d) => `  deployment:   ${d}`),
        ...sandbox.topicIds.map((t) => `  topic:        ${t}`),
        '',
        'Try it:',
        `  autoscaler status oci ${sandbox.deploymentIds[0] ?? '<deployment>'} --config ${sandbox.configPath} --endpoint ${sandbox.endpoint}`,
        `  autoscaler scale ${sandbox.deploymentIds[0] ?? '<deployment>'} --replicas 2 --config ${sandbox.configPath} --endpoint ${sandbox.endpoint}`,
        `  autoscaler setup oci --compartment ${sandbox.compartmentId} --deployment ${sandbox.deploymentIds[0] ?? '<deployment>'} --function ocid1.fnfunc.oc1.iad.amaaaaaasandbox --config ${sandbox.configPath} --endpoint ${sandbox.endpoint}`,
        'The function handler runs against it with OCI_AUTH=config_file, OCI_CONFIG_FILE and OCI_ENDPOINT set as above (docs/oci.md).',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  }
  return sandbox;
}

// --- setup / teardown ------------------------------------------------------------------------

export interface SetupFlags extends ConnectionFlags {
  compartment: string;
  deployment: string;
  function: string;
  policy?: string;
  topic?: string;
  topicName?: string;
  state?: string;
  dynamicGroup?: string;
  policyUrl?: string;
  /** Functions application name used in the printed `fn` commands (default autoscaler). */
  app?: string;
  /** Create the 1-minute heartbeat alarm for periodic evaluation (default true; `--no-heartbeat`). */
  heartbeat?: boolean;
  json?: boolean;
}

/** What setup created, kept in a local state file so teardown removes exactly that. */
export interface SetupRecord {
  compartmentId: string;
  deploymentId: string;
  functionId: string;
  /** Set when setup created the topic (an existing `--topic` is never deleted). */
  createdTopicId?: string;
  topicId: string;
  subscriptionId: string;
  alarmIds: string[];
  /** The heartbeat alarm (periodic evaluation), when setup made one. */
  heartbeatAlarmId?: string;
  /** Setup added the managed tag (teardown removes it again). */
  taggedDeployment: boolean;
  endpoint?: string;
}

export interface SetupResult extends SetupRecord {
  stateFile: string;
  alarms: AlarmChange[];
  iam: { dynamicGroupRule: string; policyStatements: string[] };
  /** Commands to create the Functions application, deploy and configure the function, and enable its logs. */
  commands: string[];
  /** The policy the function should run (what setup planned the alarms for), as one JSON line for AUTOSCALER_POLICY. */
  policy: string;
}

/** The function's name in func.yaml. */
export const FUNCTION_NAME = 'model-deployment-autoscaler';

export function defaultStateFile(deploymentId: string): string {
  return resolve('.autoscaler', `oci-setup-${deploymentId.slice(-12)}.json`);
}

/**
 * The IAM the function needs: its dynamic group rule and the statements for exactly the API
 * operations it calls (the provider's FUNCTION_GRANTS; a test checks them against the calls).
 */
export function iamFor(compartmentId: string, functionId: string, dynamicGroup: string, policyUrl?: string): SetupResult['iam'] {
  // A pre-authenticated request needs no grant; a signed GET needs read on that bucket only.
  const signed = policyUrl !== undefined && !/\/p\/[^/]+\/n\//.test(policyUrl);
  const bucket = signed ? /\/b\/([^/]+)\/o\//.exec(policyUrl)?.[1] : undefined;
  return {
    dynamicGroupRule: functionDynamicGroupRule(functionId),
    policyStatements: functionPolicyStatements(dynamicGroup, compartmentId, bucket !== undefined ? { bucket: decodeURIComponent(bucket) } : {}),
  };
}

/** Single-quote for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The exact commands that create the Functions application, deploy this function, configure
 * it and turn on its invocation logs (Fn CLI and OCI CLI; run from the repository root).
 */
export function deployCommands(o: { app: string; compartmentId: string; topicId: string; policy: string; policyUrl?: string }): string[] {
  const fnConfig = (key: string, value: string): string => `fn config function ${o.app} ${FUNCTION_NAME} ${key} ${shellQuote(value)}`;
  return [
    `fn create app ${o.app} --annotation oracle.com/oci/subnetIds='["<subnet-ocid>"]'`,
    'node apps/oci-function/build.mjs',
    `(cd apps/oci-function && fn -v deploy --app ${o.app})`,
    fnConfig('AUTOSCALER_COMPARTMENT_ID', o.compartmentId),
    fnConfig('AUTOSCALER_TOPIC_ID', o.topicId),
    o.policyUrl !== undefined ? fnConfig('AUTOSCALER_POLICY_URL', o.policyUrl) : fnConfig('AUTOSCALER_POLICY', o.policy),
    `APP_ID=$(oci fn application list --compartment-id ${o.compartmentId} --display-name ${o.app} --query 'data[0].id' --raw-output)`,
    `LOG_GROUP_ID=$(oci logging log-group create --compartment-id ${o.compartmentId} --display-name ${o.app}-logs --wait-for-state SUCCEEDED --query 'data.resources[0].identifier' --raw-output)`,
    `oci logging log create --log-group-id "$LOG_GROUP_ID" --display-name ${o.app}-invoke --log-type SERVICE --configuration '{"source":{"sourceType":"OCISERVICE","service":"functions","resource":"'"$APP_ID"'","category":"invoke"},"compartmentId":"${o.compartmentId}"}'`,
  ];
}

function loadPolicy(flags: { policy?: string }, deploymentId: string): Policy {
  if (flags.policy === undefined) return seedSamplePolicy(deploymentId);
  // Checked as the function checks it: ONS entries by the OCI kind, other clouds' kinds by shape.
  return parsePolicy(readText(flags.policy, '--policy'), { source: flags.policy, notificationKinds: [onsNotificationKind], otherNotificationTypes: 'allow' });
}

export async function runSetup(flags: SetupFlags, deps: OciCliDeps): Promise<SetupResult> {
  const compartmentId = requireOcid('compartment', flags.compartment, '--compartment');
  const target = ref(flags.deployment);
  const functionId = requireOcid('fnfunc', flags.function, '--function');
  if (flags.topic !== undefined) requireOcid('onstopic', flags.topic, '--topic');
  const topicName = flags.topicName ?? `autoscaler-${target.id.slice(-12)}`;
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(topicName)) throw ValidationError.field('--topic-name', 'may contain only letters, digits, hyphens and underscores');
  const policy = loadPolicy(flags, target.id);
  const stateFile = resolve(flags.state ?? defaultStateFile(target.id));
  if (existsSync(stateFile)) throw ValidationError.field('--state', `${stateFile} exists: this deployment is already set up (run teardown oci first)`);
  const clients = clientsFor(flags, deps);
  const log = (line: string): void => {
    if (!flags.json) deps.io.err(line);
  };
  const tags = { [MANAGED_TAG]: 'true', [SETUP_TAG]: target.id };

  const provider = new OciDataScienceProvider({ dataScience: clients.dataScience });
  const before = await provider.describe(target);

  let topicId = flags.topic;
  let createdTopicId: string | undefined;
  if (topicId === undefined) {
    const topic = await clients.topics.createTopic({
      createTopicDetails: { name: topicName, compartmentId, description: `Alarms for the autoscaler of ${target.id}`, freeformTags: tags },
    });
    topicId = createdTopicId = topic.notificationTopic.topicId;
    log(`created topic ${topicName} (${topicId})`);
  }
  const record: SetupRecord = {
    compartmentId,
    deploymentId: target.id,
    functionId,
    topicId,
    subscriptionId: '',
    alarmIds: [],
    taggedDeployment: false,
    ...(createdTopicId ? { createdTopicId } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
  };
  const save = (): void => {
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, `${JSON.stringify(record, null, 2)}\n`);
  };
  save();

  const sub = await clients.notifications.createSubscription({
    createSubscriptionDetails: { topicId, compartmentId, protocol: 'ORACLE_FUNCTIONS', endpoint: functionId, freeformTags: tags },
  });
  record.subscriptionId = sub.subscription.id;
  save();
  log(`subscribed function ${functionId} to the topic (${sub.subscription.id})`);

  if (!before.managed) {
    const md = await clients.dataScience.getModelDeployment({ modelDeploymentId: target.id });
    await clients.dataScience.updateModelDeployment({
      modelDeploymentId: target.id,
      ifMatch: md.etag,
      updateModelDeploymentDetails: { freeformTags: { ...(md.modelDeployment.freeformTags ?? {}), [MANAGED_TAG]: 'true' } },
    });
    record.taggedDeployment = true;
    save();
    log(`tagged ${target.id} ${MANAGED_TAG}=true`);
  }

  const source = new OciMonitoringAlarmSource({ monitoring: clients.monitoring, compartmentId, topicId, capacity: async () => before.capacity });
  const alarms = await source.ensureAlarms(target, policy);
  record.alarmIds = alarms.filter((a) => a.action !== 'deleted').map((a) => a.id);
  save();
  for (const a of alarms) log(`alarm ${a.name}: ${a.action} (${a.id})`);
  if (flags.heartbeat !== false) {
    const hb = await source.ensureHeartbeat(target);
    record.heartbeatAlarmId = hb.id;
    alarms.push(hb);
    save();
    log(`heartbeat alarm ${hb.name}: ${hb.action} (${hb.id}): one periodic evaluation a minute while the deployment runs`);
  }

  const iam = iamFor(compartmentId, functionId, flags.dynamicGroup ?? 'autoscaler-functions', flags.policyUrl);
  const policyJson = JSON.stringify(policy);
  const commands = deployCommands({
    app: flags.app ?? 'autoscaler',
    compartmentId,
    topicId,
    policy: policyJson,
    ...(flags.policyUrl !== undefined ? { policyUrl: flags.policyUrl } : {}),
  });
  const result: SetupResult = { ...record, stateFile, alarms, iam, commands, policy: policyJson };
  if (flags.json) {
    deps.io.out(JSON.stringify(result, null, 2));
  } else {
    deps.io.out(
      [
        `Set up ${target.id}: topic ${topicId}, subscription ${record.subscriptionId}, ${record.alarmIds.length} alarm(s)${record.heartbeatAlarmId ? ' and the 1-minute heartbeat' : ''}. Recorded in ${stateFile}.`,
        '',
        'Create the application, deploy and configure the function, enable its logs (Fn CLI + OCI CLI, from the repository root):',
        ...commands.map((c) => `  ${c}`),
        '',
        'The policy (AUTOSCALER_POLICY, set by the commands above; edit and re-run fn config to change it):',
        `  ${policyJson}`,
        '',
        'IAM (Identity > Dynamic groups, then Policies):',
        `  dynamic group rule:  ${iam.dynamicGroupRule}`,
        ...iam.policyStatements.map((s) => `  ${s}`),
      ].join('\n'),
    );
  }
  return result;
}

export interface TeardownFlags extends ConnectionFlags {
  state?: string;
  deployment?: string;
  compartment?: string;
  json?: boolean;
}

export interface TeardownResult {
  deleted: Array<{ kind: 'alarm' | 'subscription' | 'topic' | 'tag'; id: string }>;
  stateFile?: string;
}

/** Remove what setup created: its alarms (and the function's dynamic ones), subscription, topic and the managed tag. */
export async function runTeardown(flags: TeardownFlags, deps: OciCliDeps): Promise<TeardownResult> {
  let record: SetupRecord | undefined;
  let stateFile: string | undefined;
  if (flags.state !== undefined || flags.deployment !== undefined) {
    stateFile = resolve(flags.state ?? defaultStateFile(ref(flags.deployment!).id));
    if (existsSync(stateFile)) record = readDocument(stateFile, '--state') as SetupRecord;
    else if (flags.state !== undefined) throw ValidationError.field('--state', `${stateFile} does not exist`);
  }
  const deploymentId = record?.deploymentId ?? flags.deployment;
  const compartmentId = record?.compartmentId ?? flags.compartment;
  if (deploymentId === undefined) throw ValidationError.field('--deployment', 'give --deployment (and --compartment) or --state <file written by setup>');
  const target = ref(deploymentId);
  requireOcid('compartment', compartmentId, '--compartment');
  const clients = clientsFor({ ...flags, ...(flags.endpoint === undefined && record?.endpoint ? { endpoint: record.endpoint } : {}) }, deps);
  const result: TeardownResult = { deleted: [], ...(stateFile ? { stateFile } : {}) };
  const log = (line: string): void => {
    if (!flags.json) deps.io.err(line);
  };

  // Alarms: every alarm of ours on the deployment (setup's and the function's dynamic ones).
  const source = new OciMonitoringAlarmSource({ monitoring: clients.monitoring, compartmentId: compartmentId! });
  for (const a of await source.removeAlarms(target)) {
    result.deleted.push({ kind: 'alarm', id: a.id });
    log(`deleted alarm ${a.name} (${a.id})`);
  }

  // Subscriptions and topics setup made: from the record, else found by setup's tag.
  const subs = record?.subscriptionId
    ? [record.subscriptionId]
    : (await clients.notifications.listSubscriptions({ compartmentId: compartmentId! })).items
        .filter((s) => s.freeformTags?.[SETUP_TAG] === target.id)
        .map((s) => s.id);
  for (const id of subs) {
    await ignoreMissing(clients.notifications.deleteSubscription({ subscriptionId: id }));
    result.deleted.push({ kind: 'subscription', id });
    log(`deleted subscription ${id}`);
  }
  const topics = record
    ? record.createdTopicId
      ? [record.createdTopicId]
      : []
    : (await clients.topics.listTopics({ compartmentId: compartmentId! })).items.filter((t) => t.freeformTags?.[SETUP_TAG] === target.id).map((t) => t.topicId);
  for (const id of topics) {
    await ignoreMissing(clients.topics.deleteTopic({ topicId: id }));
    result.deleted.push({ kind: 'topic', id });
    log(`deleted topic ${id}`);
  }

  // The managed tag, if setup added it (with the state the function kept in tags).
  if (record?.taggedDeployment) {
    const md = await clients.dataScience.getModelDeployment({ modelDeploymentId: target.id });
    const kept = Object.fromEntries(Object.entries(md.modelDeployment.freeformTags ?? {}).filter(([k]) => !k.startsWith(TAG_PREFIX)));
    await clients.dataScience.updateModelDeployment({ modelDeploymentId: target.id, ifMatch: md.etag, updateModelDeploymentDetails: { freeformTags: kept } });
    result.deleted.push({ kind: 'tag', id: MANAGED_TAG });
    log(`removed ${MANAGED_TAG} from ${target.id}`);
  }
  if (stateFile && existsSync(stateFile)) unlinkSync(stateFile);
  if (flags.json) deps.io.out(JSON.stringify(result, null, 2));
  else deps.io.out(`Removed ${result.deleted.length} resource(s) set up for ${target.id}.`);
  return result;
}

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
}

// --- scale / status --------------------------------------------------------------------------

export type { ScaleResult } from './scale-report';

/**
 * `autoscaler scale <deployment OCID> --replicas N | --size S | --bandwidth M` through core's
 * `applyAndWait`: refused unless ACTIVE, UpdateModelDeployment with if-match carrying the action
 * mark in the deployment's state tags (so `status oci` and the function's cooldowns see it), then
 * (with `wait`) described until ACTIVE at the new capacity.
 */
export async function runScale(request: ScaleRequest, deps: OciCliDeps, options: { pollMs?: number; timeoutMs?: number } = {}): Promise<ScaleResult> {
  const target = ref(request.id);
  if (request.bandwidthMbps !== undefined && (request.replicas !== undefined || request.size !== undefined)) {
    throw ValidationError.field(
      '--bandwidth',
      'an ACTIVE model deployment takes one option group per update: change --bandwidth alone, then --replicas/--size',
    );
  }
  const clients = clientsFor(request.options, deps);
  const clock = deps.clock ?? systemClock;
  const provider = new OciDataScienceProvider({ dataScience: clients.dataScience, clock });
  const change = { ...requestedCapacity(request), ...(request.bandwidthMbps !== undefined ? { bandwidthMbps: request.bandwidthMbps } : {}) };
  const result = await applyAndWait(provider, target, change, {
    clock,
    wait: request.wait,
    pollMs: options.pollMs ?? 5_000,
    deadline: clock.now() + (options.timeoutMs ?? 60 * 60_000),
    state: (before, to, at) => manualMark(before.persisted, before.capacity, to, at),
    onProgress: scaleProgress(deps.io, target.id, clock),
  });
  reportScale(deps.io, request, result, { bandwidthMbps: request.bandwidthMbps !== undefined });
  return result;
}

/** The state after a manual change: the action mark the function's cooldowns and `status oci` read. */
function manualMark(persisted: PersistedState, from: { replicas: number; size?: string }, to: { replicas: number; size?: string }, at: number): PersistedState {
  const mark = { at, from: from.replicas, to: to.replicas };
  if (to.size !== undefined && to.size !== from.size) return { ...persisted, lastResize: mark };
  if (to.replicas > from.replicas) return { ...persisted, lastScaleOut: mark };
  if (to.replicas < from.replicas) return { ...persisted, lastScaleIn: mark };
  return persisted;
}

export interface StatusFlags extends ConnectionFlags {
  compartment?: string;
}

export interface DeploymentStatus {
  deploymentId: string;
  status: string;
  reason?: string;
  capacity: { replicas: number; size?: string; bandwidthMbps?: number };
  managed: boolean;
  lastActions: { scaleOut?: string; scaleIn?: string; resize?: string };
  alarms?: Array<{ id: string; name: string; rule?: string }>;
  workRequests?: Array<{ id: string; status: string; accepted: string }>;
}

export async function runStatus(ids: readonly string[], flags: StatusFlags & { json?: boolean }, deps: OciCliDeps): Promise<DeploymentStatus[]> {
  if (ids.length === 0) throw ValidationError.field('deployment', 'give one or more model deployment OCIDs');
  const targets = ids.map(ref);
  if (flags.compartment !== undefined) requireOcid('compartment', flags.compartment, '--compartment');
  const clients = clientsFor(flags, deps);
  const provider = new OciDataScienceProvider({ dataScience: clients.dataScience });
  const out: DeploymentStatus[] = [];
  const when = (m?: { at: number; from?: number; to?: number }): string | undefined =>
    m ? `${new Date(m.at).toISOString()}${m.from !== undefined ? ` (${m.from} -> ${m.to})` : ''}` : undefined;
  for (const t of targets) {
    const s = await provider.describe(t);
    const row: DeploymentStatus = { deploymentId: t.id, status: s.status, capacity: s.capacity, managed: s.managed, lastActions: {} };
    if (s.reason) row.reason = s.reason;
    const o = when(s.persisted.lastScaleOut);
    const i = when(s.persisted.lastScaleIn);
    const r = when(s.persisted.lastResize);
    if (o) row.lastActions.scaleOut = o;
    if (i) row.lastActions.scaleIn = i;
    if (r) row.lastActions.resize = r;
    if (flags.compartment !== undefined) {
      const alarms = await clients.monitoring.listAlarms({ compartmentId: flags.compartment });
      row.alarms = alarms.items
        .filter((a) => a.freeformTags?.['autoscaler-target'] === t.id)
        .map((a) => ({ id: a.id, name: a.displayName, ...(a.freeformTags?.['autoscaler-rule'] ? { rule: a.freeformTags['autoscaler-rule'] } : {}) }));
      const wrs = await clients.dataScience.listWorkRequests({ compartmentId: flags.compartment, resourceId: t.id, limit: 5 });
      row.workRequests = wrs.items.map((w) => ({ id: w.id, status: String(w.status), accepted: new Date(w.timeAccepted).toISOString() }));
    }
    out.push(row);
  }
  if (flags.json) {
    deps.io.out(JSON.stringify(out, null, 2));
  } else {
    for (const row of out) {
      deps.io.out(
        [
          `${row.deploymentId}`,
          `  status:    ${row.status}${row.reason ? ` (${row.reason})` : ''}${row.managed ? '' : '  [not tagged autoscaler-managed=true]'}`,
          `  capacity:  ${row.capacity.replicas} x ${row.capacity.size ?? '?'}${row.capacity.bandwidthMbps !== undefined ? `, ${row.capacity.bandwidthMbps} Mbps` : ''}`,
          `  last scale-out: ${row.lastActions.scaleOut ?? '-'}   last scale-in: ${row.lastActions.scaleIn ?? '-'}   last resize: ${row.lastActions.resize ?? '-'}`,
          ...(row.alarms ? [`  alarms:    ${row.alarms.map((a) => a.name).join(', ') || '-'}`] : []),
          ...(row.workRequests ? row.workRequests.map((w) => `  work request ${w.id.slice(-12)} ${w.status} ${w.accepted}`) : []),
        ].join('\n'),
      );
    }
  }
  return out;
}

// --- registration ------------------------------------------------------------------------------

/** The `--from` formats `autoscaler import` reads. */
export const IMPORT_FORMATS = ['oci-native'] as const;

/**
 * `autoscaler import --from oci-native <file>`: OCI Data Science's own autoscaling (an
 * AutoScalingPolicy, a model deployment as `oci data-science model-deployment get` prints it, or
 * the output of `export --to oci-native`) as a policy, checked like any policy, with the list of
 * what it cannot express.
 */
export function runImport(file: string, flags: { from: string; target?: string; name?: string }): { policy: Record<string, unknown>; unsupported: string[] } {
  if (!(IMPORT_FORMATS as readonly string[]).includes(flags.from.toLowerCase()))
    throw ValidationError.field('--from', `"${flags.from}" is not a format import reads (${IMPORT_FORMATS.join(', ')})`);
  if (flags.target !== undefined) requireOcid('datasciencemodeldeployment', flags.target, '--target');
  let doc = readDocument(file, 'file');
  // `oci ... model-deployment get` wraps the deployment in {"data": ...}.
  if (typeof doc === 'object' && doc !== null && 'data' in doc && Object.keys(doc).length <= 2) doc = doc.data;
  const { policy, unsupported } = importNativePolicy(doc, { ...(flags.target ? { targetId: flags.target } : {}), ...(flags.name ? { name: flags.name } : {}) });
  validatePolicy(policy, file);
  return { policy: { apiVersion: 'autoscaler.dev/v1', kind: 'ScalingPolicy', ...(policy as Record<string, unknown>) }, unsupported };
}

export const ociCloud: CloudCli = {
  name: 'oci',
  provider: PROVIDER,
  register({ program, setup, teardown, sandbox, status }) {
    const io = processIO;
    if (!program.commands.some((c) => c.name() === 'import')) {
      program
        .command('import')
        .description("Read a cloud's own autoscaling into a policy (oci-native: OCI Data Science's AutoScalingPolicy), and list what the policy cannot express")
        .argument('<file>', 'the native policy (JSON/YAML): an AutoScalingPolicy, a model deployment, or export --to oci-native output')
        .requiredOption('--from <format>', `what the file is: ${IMPORT_FORMATS.join(', ')}`)
        .option('--target <ocid>', 'the model deployment the policy is for (default: the one the file names, if any)')
        .option('--name <name>', 'policy name', 'imported-oci-autoscaling')
        .option('--json', 'print {policy, unsupported} as JSON')
        .action((file: string, o: { from: string; target?: string; name?: string; json?: boolean }) => {
          const r = runImport(file, o);
          if (o.json) return void io.out(JSON.stringify(r, null, 2));
          io.out(stringifyYaml(r.policy).trimEnd());
          for (const line of r.unsupported) io.err(`not imported: ${line}`);
        });
    }
    sandbox
      .command('oci')
      .description(
        'Start a local wire-level fake of OCI Data Science, Monitoring and Notifications (signed requests, ETags, work requests) with a seeded model deployment',
      )
      .option('--port <n>', 'port to listen on (default: a free one)')
      .option('--seed <file>', 'YAML/JSON with deployments (DeploymentSeed) and topics (names) to create')
      .option('--update-delay <seconds>', 'how long an update keeps a deployment UPDATING (default 20)')
      .option('--json', 'print the endpoint and files as JSON')
      .action(async (o: { port?: string; seed?: string; updateDelay?: string; json?: boolean }) => {
        const sb = await runSandbox(
          {
            ...(o.port !== undefined ? { port: parseIntFlag(o.port, '--port') } : {}),
            ...(o.seed ? { seed: o.seed } : {}),
            ...(o.updateDelay !== undefined ? { updateDelaySeconds: parseIntFlag(o.updateDelay, '--update-delay') } : {}),
            ...(o.json ? { json: true } : {}),
          },
          { io },
        );
        await untilStopped(() => sb.stop());
      });

    connectionOptions(
      setup
        .command('oci')
        .description('Create the Notifications topic, the function subscription and the alarms for one model deployment; print the IAM the function needs')
        .requiredOption('--compartment <ocid>', 'compartment for the topic and alarms')
        .requiredOption('--deployment <ocid>', 'model deployment to autoscale')
        .requiredOption('--function <ocid>', 'the deployed autoscaler function')
        .option('--policy <file>', "scaling policy YAML/JSON (default: the OCI sample's behaviour)")
        .option('--topic <ocid>', 'use this existing topic instead of creating one')
        .option('--topic-name <name>', 'name of the topic to create')
        .option('--dynamic-group <name>', 'dynamic group name to use in the printed IAM statements', 'autoscaler-functions')
        .option('--policy-url <url>', 'the Object Storage URL the function reads its policy from (adds a read-objects statement)')
        .option('--app <name>', 'Functions application name for the printed fn commands', 'autoscaler')
        .option('--no-heartbeat', 'do not create the 1-minute heartbeat alarm (no periodic evaluation: predictive rules never run)')
        .option('--state <file>', 'where to record what was created (default .autoscaler/oci-setup-<id>.json)'),
    ).action(async (o: SetupFlags) => {
      await runSetup(o, { io });
    });

    connectionOptions(
      teardown
        .command('oci')
        .description('Remove exactly what setup oci created (from its state file, or found by its tags)')
        .option('--state <file>', 'state file written by setup')
        .option('--deployment <ocid>', 'model deployment that was set up')
        .option('--compartment <ocid>', 'compartment of the topic and alarms (when there is no state file)'),
    ).action(async (o: TeardownFlags) => {
      await runTeardown(o, { io });
    });

    connectionOptions(
      status
        .command('oci')
        .description('Show lifecycle state, capacity, last actions, alarms and recent work requests of model deployments')
        .argument('<deployment...>', 'model deployment OCIDs')
        .option('--compartment <ocid>', 'also list our alarms and recent work requests in this compartment'),
    ).action(async (ids: string[], o: StatusFlags & { json?: boolean }) => {
      await runStatus(ids, o, { io });
    });
  },
  matchesId: (id) => isOcid('datasciencemodeldeployment', id),
  scale: async (request) => {
    await runScale(request, { io: processIO });
  },
};

/** Read a setup state file (for tools and tests). */
export function readSetupRecord(path: string): SetupRecord {
  return JSON.parse(readFileSync(path, 'utf8')) as SetupRecord;
}
