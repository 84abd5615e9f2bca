import fc from 'fast-check';
import { MemoryLogger, MemoryStateStore, type FetchLike } from '@autoscaler/core';
import type { Fault } from '@autoscaler/sandbox-oci';
import { handleAlarm, resetContainer, type HandlerDeps } from '../src';
import { WallClock, functionWorld, seedPolicyDoc, type FunctionWorld } from './support';

/**
 * The OCI function attacked as issue 13 describes, through the real handler, the real SDK
 * clients and the wire fake. `runOciAdversarial()` returns the figures bench/adversarial.ts
 * records; the Jest suite (adversarial.e2e.test.ts) asserts the aims on the same run.
 */
export interface OciAdversarialSummary {
  duplicateDeliveries: { deliveries: number; containers: number; scalingCalls: number };
  forgedMessages: { tried: number; actions: number };
  hungDependency: { worstOverDeadlineMs: number };
  secretsInLogs: number;
  badInputs: { tried: number; uncaught: number };
}

export interface OciAdversarialDetails {
  /** Each forged message: what it tried, the errors the function answered. */
  forged: Array<{ name: string; actions: number; errors: string[] }>;
  /** Each hung dependency: how far past (negative: before) its deadline the invocation answered. */
  hung: Array<{ name: string; overDeadlineMs: number; ok: boolean; errors: string[]; outcomes: string[]; alarmChanges: number }>;
  /** Secrets seen in logs or results, by where. */
  secrets: Array<{ where: string; secret: string }>;
}

type World = FunctionWorld & { deploymentIds: string[] };

const SECRET_PAR = 'parsecretTOKEN0123456789';
const SECRET_WEBHOOK = 'https://hooks.slack.com/services/T0SECRET/B0SECRET/xoxSECRETtoken0123';

/** A raw alarm message (the format Monitoring sends) for `alarmId`, stamped `at`. */
function alarmMessage(w: World, alarmId: string, at: number, over: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): string {
  const alarm = w.fake.monitoring.alarm(alarmId);
  const query = String(alarm?.['query'] ?? `CpuUtilization[5m]{resourceId = "${w.deploymentIds[0]!}"}.max() > 80`);
  const resourceId = /resourceId = "([^"]+)"/.exec(query)?.[1] ?? w.deploymentIds[0]!;
  return JSON.stringify({
    dedupeKey: `forged-${at}-${Math.random().toString(36).slice(2)}`,
    title: String(alarm?.['displayName'] ?? 'model_deployment_high_cpu'),
    type: 'OK_TO_FIRING',
    severity: 'CRITICAL',
    timestampEpochMillis: at,
    alarmMetaData: [{ id: alarmId, status: 'FIRING', severity: 'CRITICAL', query, totalMetricsFiring: 1, dimensions: [{ resourceId }], ...meta }],
    version: 1.3,
    ...over,
  });
}

/** Run `scenario` in a world whose first deployment has its alarms set up (`high`: its high-CPU alarm); the world is closed after. */
async function inWorld<T>(options: Parameters<typeof functionWorld>[0], scenario: (w: World, dep: string, high: string) => Promise<T>): Promise<T> {
  const w = await functionWorld(options);
  try {
    const dep = w.deploymentIds[0]!;
    await w.setupAlarms(dep);
    return await scenario(w, dep, w.alarmsOf(dep)['model_deployment_high_cpu']!);
  } finally {
    await w.close();
  }
}

/** 100 identical deliveries of one real alarm message, each in a fresh container, all at once. */
async function duplicateDeliveries(): Promise<OciAdversarialSummary['duplicateDeliveries']> {
  return inWorld({}, async (w, dep, high) => {
    w.fake.monitoring.setAlarmState(high, true);
    const body = alarmMessage(w, high, w.clock.now());
    const deliveries = 100;
    await Promise.all(Array.from({ length: deliveries }, () => w.invoke(body, { store: new MemoryStateStore() })));
    return { deliveries, containers: deliveries, scalingCalls: w.fake.dataScience.configUpdates.get(dep) ?? 0 };
  });
}

/** Messages anyone who can publish to the topic could send, for alarms that are not firing, or stale. */
async function forgedMessages(details: OciAdversarialDetails): Promise<OciAdversarialSummary['forgedMessages']> {
  return inWorld({ deployments: [{}, {}] }, async (w, dep, high) => {
    const other = w.deploymentIds[1]!;
    const mem = w.alarmsOf(dep)['model_deployment_high_mem']!;
    const now = (): number => w.clock.now();
    // A real message of a real episode, kept for the replay.
    w.fake.monitoring.setAlarmState(high, true);
    const real = alarmMessage(w, high, now());
    w.fake.monitoring.setAlarmState(high, false);
    const cases: Array<[string, () => string]> = [
      ['FIRING for an alarm that never fired', () => alarmMessage(w, high, now())],
      ['four forged FIRING messages, new keys each (the 2 -> 6 attack), #1', () => alarmMessage(w, high, now())],
      ['#2', () => alarmMessage(w, high, now())],
      ['#3', () => alarmMessage(w, mem, now())],
      ['#4', () => alarmMessage(w, mem, now(), { type: 'REPEAT' })],
      ['forged metric value (message 1.5)', () => alarmMessage(w, high, now(), { version: 1.5 }, { metricValues: [{ 'CpuUtilization[5m].max()': '999' }] })],
      ['an alarm that does not exist', () => alarmMessage(w, 'ocid1.alarm.oc1.iad.amaaaaaanosuchalarm0000000000000000000000000000000000000000', now())],
      [
        'an alarm watching another deployment',
        () => alarmMessage(w, high, now(), {}, { dimensions: [{ resourceId: other }], query: `CpuUtilization[5m]{resourceId = "${other}"}.max() > 80` }),
      ],
      ['timestamp 0', () => alarmMessage(w, high, 0)],
      ['timestamp beyond year 275760', () => alarmMessage(w, high, 8.64e15 + 1)],
      ['timestamp 10 minutes in the future', () => alarmMessage(w, high, now() + 10 * 60_000)],
      [
        'a real message replayed 20 minutes later',
        () => {
          w.clock.advance(20 * 60_000);
          w.fake.monitoring.setAlarmState(high, true);
          return real;
        },
      ],
    ];
    let actions = 0;
    for (const [name, make] of cases) {
      const before = w.fake.dataScience.configUpdates.get(dep) ?? 0;
      const r = await w.invoke(make(), { store: new MemoryStateStore() });
      const acted = (w.fake.dataScience.configUpdates.get(dep) ?? 0) - before;
      actions += acted;
      details.forged.push({ name, actions: acted, errors: r.errors.map((e) => `${e.code}: ${e.message}`) });
      w.fake.monitoring.setAlarmState(high, false);
    }
    return { tried: cases.length, actions };
  });
}

/** One invocation against a dependency that never answers: it must answer before its deadline. */
async function hungDependency(details: OciAdversarialDetails): Promise<OciAdversarialSummary['hungDependency']> {
  // Enough for alarm maintenance to start after a notification that times out (3 s): it needs
  // 3 s before the work deadline, which is 2 s before this one.
  const budgetMs = 9_000;
  const neverAnswers: FetchLike = () => new Promise(() => undefined);
  const cases: Array<{ name: string; fault?: Fault; webhook?: boolean; policyUrl?: boolean }> = [
    { name: 'GetAlarm hangs', fault: { op: 'GetAlarm', kind: 'hang', times: 20 } },
    { name: 'ListAlarmsStatus hangs', fault: { op: 'ListAlarmsStatus', kind: 'hang', times: 20 } },
    { name: 'GetModelDeployment hangs', fault: { op: 'GetModelDeployment', kind: 'hang', times: 20 } },
    { name: 'UpdateModelDeployment hangs', fault: { op: 'UpdateModelDeployment', kind: 'hang', times: 20 } },
    { name: 'SummarizeMetricsData hangs', fault: { op: 'SummarizeMetricsData', kind: 'hang', times: 20 } },
    { name: 'CreateAlarm hangs (alarm maintenance)', fault: { op: ['CreateAlarm', 'ListAlarms'], kind: 'hang', times: 20 } },
    { name: 'ONS PublishMessage hangs', fault: { op: 'PublishMessage', kind: 'hang', times: 20 } },
    { name: 'a webhook that never answers', webhook: true },
    { name: 'the policy URL never answers', policyUrl: true },
  ];
  const runs = cases.map(async (c) => {
    const clock = new WallClock();
    return inWorld({ clock, deployments: [{}] }, async (w, dep, high) => {
      const ops = w.fake.notifications.seedTopic('ops');
      w.config['AUTOSCALER_POLICY'] = JSON.stringify(
        seedPolicyDoc([dep], undefined, {
          notifications: [
            { type: 'ons', topicId: ops },
            ...(c.webhook ? [{ type: 'webhook' as const, url: 'https://hooks.example.com/T0/B0/x', format: 'slack' as const }] : []),
          ],
        }),
      );
      if (c.policyUrl) {
        delete w.config['AUTOSCALER_POLICY'];
        w.config['AUTOSCALER_POLICY_URL'] = `${w.fake.url}/n/ns/b/policies/o/policy.json`;
      }
      w.fake.monitoring.setAlarmState(high, true);
      if (c.fault) w.fake.inject(c.fault);
      resetContainer();
      const deadline = new Date(clock.now() + budgetMs);
      const r = await handleAlarm(
        alarmMessage(w, high, clock.now()),
        { config: w.config, deadline },
        {
          clients: w.clients,
          clock,
          logger: new MemoryLogger(),
          store: new MemoryStateStore(),
          webhookFetch: neverAnswers,
          ...(c.policyUrl ? { fetchText: () => new Promise<never>(() => undefined), authProvider: w.auth } : {}),
        },
      );
      const over = clock.now() - deadline.getTime();
      details.hung.push({
        name: c.name,
        overDeadlineMs: over,
        ok: r.ok,
        errors: r.errors.map((e) => `${e.code}: ${e.message}`),
        outcomes: r.records.map((x) => x.outcome),
        alarmChanges: r.alarms.filter((a) => a.action !== 'unchanged').length,
      });
      return over;
    });
  });
  const overs = await Promise.all(runs);
  return { worstOverDeadlineMs: Math.max(...overs) };
}

/** Secrets that reach error paths (a PAR policy URL that fails, a Slack webhook that fails) never show in logs or results. */
async function secretsInLogs(details: OciAdversarialDetails): Promise<number> {
  const lines: string[] = [];
  await inWorld({}, async (w, dep, high) => {
    const logger = new MemoryLogger();
    const failingWebhook: FetchLike = () => Promise.reject(new Error(`connect ECONNREFUSED while posting to ${SECRET_WEBHOOK}`));
    /** One invocation with the world's clients, clock and logger (plus `deps`): its log lines and result are kept. */
    const collect = async (where: string, body: string, deps: HandlerDeps = {}): Promise<void> => {
      const r = await handleAlarm(body, { config: w.config }, { clients: w.clients, clock: w.clock, logger, ...deps });
      lines.push(...logger.records.map((x) => `${where} log ${JSON.stringify(x)}`), `${where} result ${JSON.stringify(r)}`);
      logger.records.length = 0;
    };
    // 1. The policy from a pre-authenticated request URL that fails (404, then a network error).
    delete w.config['AUTOSCALER_POLICY'];
    w.config['AUTOSCALER_POLICY_URL'] = `${w.fake.url}/p/${SECRET_PAR}/n/ns/b/policies/o/missing.json`;
    resetContainer();
    await collect('par-404', alarmMessage(w, high, w.clock.now()));
    resetContainer();
    await collect('par-network', alarmMessage(w, high, w.clock.now()), { fetchText: (url) => Promise.reject(new Error(`getaddrinfo ENOTFOUND for ${url}`)) });
    // 2. A policy URL on a host that is not Object Storage, carrying a token.
    w.config['AUTOSCALER_POLICY_URL'] = `https://attacker.example.com/p/${SECRET_PAR}/n/ns/b/x/o/p.json`;
    await collect('par-host', '{}');
    // 3. A Slack webhook that fails, after a real scaling action.
    delete w.config['AUTOSCALER_POLICY_URL'];
    w.config['AUTOSCALER_POLICY'] = JSON.stringify(
      seedPolicyDoc([dep], undefined, { notifications: [{ type: 'webhook', url: SECRET_WEBHOOK, format: 'slack' }] }),
    );
    w.fake.monitoring.setAlarmState(high, true);
    resetContainer();
    await collect('webhook', alarmMessage(w, high, w.clock.now()), { webhookFetch: failingWebhook });
  });
  const secrets = [SECRET_PAR, 'T0SECRET', 'B0SECRET', 'xoxSECRETtoken0123', '-----BEGIN'];
  let count = 0;
  for (const line of lines) {
    for (const secret of secrets) {
      if (line.includes(secret)) {
        count++;
        details.secrets.push({ where: line.slice(0, 40), secret });
      }
    }
  }
  return count;
}

/** Arbitrary bodies (JSON, mutated real messages, evaluate requests, bytes): every one answered, none uncaught. */
async function badInputs(): Promise<OciAdversarialSummary['badInputs']> {
  return inWorld({}, async (w, _dep, high) => {
    const real = JSON.parse(alarmMessage(w, high, w.clock.now())) as Record<string, unknown>;
    const keys = Object.keys(real);
    const arb = fc.oneof(
      fc.anything(),
      fc.json(),
      fc.string(),
      fc.uint8Array({ maxLength: 64 }),
      fc.record({ key: fc.constantFrom(...keys), value: fc.jsonValue() }).map(({ key, value }) => JSON.stringify({ ...real, [key]: value })),
      fc.record({ autoscaler: fc.jsonValue(), version: fc.jsonValue() }),
      fc.jsonValue().map((v) => ({ ...real, alarmMetaData: [{ ...(real['alarmMetaData'] as object[])[0], query: v }] })),
    );
    const samples = fc.sample(arb, { numRuns: 200, seed: 13 });
    let uncaught = 0;
    for (const body of samples) {
      try {
        const r = await w.invoke(body, { store: new MemoryStateStore() });
        if (r.errors.some((e) => e.code === 'INTERNAL')) uncaught++;
      } catch {
        uncaught++;
      }
    }
    return { tried: samples.length, uncaught };
  });
}

/** Every scenario, with the per-case details the Jest suite asserts on. */
export async function runOciAdversarialDetailed(): Promise<{ summary: OciAdversarialSummary; details: OciAdversarialDetails }> {
  const details: OciAdversarialDetails = { forged: [], hung: [], secrets: [] };
  // The OCI SDK reports every failed or retried request with console.warn: noise here.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    const summary: OciAdversarialSummary = {
      duplicateDeliveries: await duplicateDeliveries(),
      forgedMessages: await forgedMessages(details),
      hungDependency: await hungDependency(details),
      secretsInLogs: await secretsInLogs(details),
      badInputs: await badInputs(),
    };
    return { summary, details };
  } finally {
    console.warn = warn;
    resetContainer();
  }
}

/** The figures bench/adversarial.ts writes to bench/results/adversarial.json (OCI part). */
export async function runOciAdversarial(): Promise<OciAdversarialSummary> {
  return (await runOciAdversarialDetailed()).summary;
}
