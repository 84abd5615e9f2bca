/**
 * The Lambda attacked as an attacker and a careless operator would: the real handler
 * (`buildDeps` + `handleEvent`, with Lambda's deadline from `getRemainingTimeInMillis`) against
 * the wire fakes. Each scenario returns what it measured; `runAwsAdversarial` sums them for
 * bench/adversarial.ts, and adversarial.e2e.test.ts asserts on them.
 */
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { SNSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { ManualClock, systemClock, TransientError, type Clock } from '@autoscaler/core';
import type { FaultSpec } from '@autoscaler/sandbox-aws';
import { handleEvent, invocationDeadline, type HandlerResult, type LambdaDeps } from '../src';
import { driven, ENDPOINT, POLICY, startLambdaWorld, TARGET_ID, TOPIC, VARIANT, type LambdaWorld, scheduledEvent } from './world';
import { variantAlarmRequest, alarmFiringRequest } from '@autoscaler/sandbox-aws';

export const ALARM = `autoscaler-app-${ENDPOINT}-${VARIANT}-cpu-high`;
const SCALING_OPS = new Set(['UpdateEndpointWeightsAndCapacities', 'UpdateEndpoint']);

/** Successful scaling calls the fake answered. */
export const scalingCalls = (w: LambdaWorld): number => w.fake.requests.filter((r) => SCALING_OPS.has(r.operation) && r.status === 200).length;

/** The CPU alarm as the stack creates it, wired to the topic; returns the SNS events the fake delivers. */
export async function alarmOn(w: LambdaWorld, name = ALARM): Promise<SNSEvent[]> {
  const events: SNSEvent[] = [];
  w.fake.sns.subscribe((e) => events.push(e));
  await w.clients.cloudwatch.send(new PutMetricAlarmCommand(variantAlarmRequest({ name: name, endpoint: ENDPOINT, variant: VARIANT, topicArn: TOPIC })));
  return events;
}

export async function fire(w: LambdaWorld, name = ALARM, value = 93.5): Promise<void> {
  await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(name, value)));
}

/** A CloudWatch-shaped notification anyone allowed to publish on the topic could write; SNS signs it. */
export function forgedAlarmMessage(
  w: LambdaWorld,
  overrides: { AlarmName?: string; StateChangeTime?: number; NewStateValue?: string; EndpointName?: string } = {},
): string {
  const name = overrides.AlarmName ?? ALARM;
  return JSON.stringify({
    AlarmName: name,
    AWSAccountId: w.fake.accountId,
    NewStateValue: overrides.NewStateValue ?? 'ALARM',
    NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [999.0 (01/01/26 12:00:00)] was greater than the threshold (80.0).',
    StateChangeTime: new Date(overrides.StateChangeTime ?? w.clock.now()).toISOString().replace('Z', '+0000'),
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:${w.fake.region}:${w.fake.accountId}:alarm:${name}`,
    OldStateValue: 'OK',
    Trigger: {
      MetricName: 'CPUUtilization',
      Namespace: '/aws/sagemaker/Endpoints',
      Statistic: 'AVERAGE',
      Dimensions: [
        { value: overrides.EndpointName ?? ENDPOINT, name: 'EndpointName' },
        { value: VARIANT, name: 'VariantName' },
      ],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 80,
    },
  });
}

/** Publish `message` on the allowed topic (what a principal with sns:Publish could do) and return the signed delivery. */
function publishForged(w: LambdaWorld, events: SNSEvent[], message: string): SNSEvent {
  const before = events.length;
  w.fake.sns.publish(TOPIC, message);
  const e = events[before];
  if (!e) throw new Error('the fake delivered nothing');
  return e;
}

/** Lambda's context: `ms` of the invocation left, counted on `clock`. */
function lambdaContext(clock: Clock, ms: number): { getRemainingTimeInMillis(): number } {
  const end = clock.now() + ms;
  return { getRemainingTimeInMillis: () => end - clock.now() };
}

/**
 * The handler as Lambda runs it: deadline from the context, transient failures rethrown. On a
 * ManualClock the deadline is left out (its timer would need the clock moved) and the clock is
 * moved whenever the orchestrator sleeps between retries; hung-call scenarios run on real time.
 */
async function invoke(deps: LambdaDeps, event: unknown, remainingMs = 30_000): Promise<HandlerResult | Error> {
  const manual = deps.clock instanceof ManualClock ? deps.clock : undefined;
  const deadline = manual ? undefined : invocationDeadline(deps, lambdaContext(deps.clock, remainingMs));
  const run = handleEvent(event, deps, deadline !== undefined ? { deadline } : {}).then(
    (r) => r,
    (e: unknown) => e as Error,
  );
  return manual ? driven({ clock: manual }, run) : run;
}

// ----- scenarios -------------------------------------------------------------------------------

export async function duplicateDeliveries(copies = 100): Promise<{ deliveries: number; containers: number; scalingCalls: number; logs: string[] }> {
  const w = await startLambdaWorld();
  try {
    const events = await alarmOn(w);
    await fire(w);
    const containers = await Promise.all(Array.from({ length: copies }, () => w.container()));
    await Promise.all(containers.map((deps) => invoke(deps, structuredClone(events[0]))));
    return { deliveries: copies, containers: containers.length, scalingCalls: scalingCalls(w), logs: w.logger.records.map((l) => JSON.stringify(l)) };
  } finally {
    await w.close();
  }
}

export async function forgedMessages(): Promise<{ tried: number; actions: number; refused: string[]; logs: string[] }> {
  const w = await startLambdaWorld({ unmanaged: ['someone-elses'] });
  const refused: string[] = [];
  let tried = 0;
  try {
    const events = await alarmOn(w);
    // A second real alarm that stays OK: a forged ALARM for it must not act.
    await alarmOn(w, `autoscaler-app-${ENDPOINT}-${VARIANT}-memory-high`);
    const attempt = async (what: string, event: unknown): Promise<void> => {
      tried++;
      const r = await invoke(await w.container(), event);
      const outcomes = r instanceof Error ? [`threw ${r.message}`] : r.records.map((x) => `${x.outcome}${x.code ? `/${x.code}` : ''}`);
      refused.push(`${what}: ${outcomes.join(', ')}`);
    };
    await attempt(
      'an alarm that does not exist',
      publishForged(w, events, forgedAlarmMessage(w, { AlarmName: `autoscaler-app-${ENDPOINT}-${VARIANT}-ghost` })),
    );
    await attempt(
      'a real alarm that is OK',
      publishForged(w, events, forgedAlarmMessage(w, { AlarmName: `autoscaler-app-${ENDPOINT}-${VARIANT}-memory-high` })),
    );
    await fire(w);
    const genuine = events.at(-1)!;
    // The alarm is in ALARM now, but these messages lie about when it changed state.
    await attempt(
      'a real alarm in ALARM, state-change time made up',
      publishForged(w, events, forgedAlarmMessage(w, { StateChangeTime: w.clock.now() - 120_000 })),
    );
    await attempt('a message from the future', publishForged(w, events, forgedAlarmMessage(w, { StateChangeTime: w.clock.now() + 3_600_000 })));
    await attempt('an alarm on an unmanaged endpoint', publishForged(w, events, forgedAlarmMessage(w, { EndpointName: 'someone-elses' })));
    const tampered = structuredClone(genuine);
    tampered.Records[0]!.Sns.Message = tampered.Records[0]!.Sns.Message.replace('93.5', '993.5');
    await attempt('a genuine delivery with its text altered', tampered);
    const otherTopic = structuredClone(genuine);
    otherTopic.Records[0]!.Sns.TopicArn = `${TOPIC}-other`;
    await attempt('a delivery from a topic outside the allow-list', otherTopic);
    // The genuine notification, replayed 11 minutes later (past the 10-minute window).
    w.clock.advance(11 * 60_000);
    await attempt('a genuine delivery replayed 11 minutes later', structuredClone(genuine));
    return { tried, actions: scalingCalls(w), refused, logs: w.logger.records.map((l) => JSON.stringify(l)) };
  } finally {
    await w.close();
  }
}

/** A clock on real time: a hung call really waits, and the deadline is measured on it. */
const realClock: Clock = systemClock;

export async function hungDependency(
  remainingMs = 2_500,
): Promise<{ cases: Array<{ what: string; overDeadlineMs: number; outcome: string }>; worstOverDeadlineMs: number; logs: string[] }> {
  const cases: Array<{ what: string; overDeadlineMs: number; outcome: string }> = [];
  const logs: string[] = [];
  const hangs: Array<{ what: string; fault: FaultSpec; scheduled?: boolean }> = [
    { what: 'DescribeEndpoint hangs', fault: { kind: 'hang', service: 'sagemaker', operation: 'DescribeEndpoint', times: Infinity } },
    {
      what: 'UpdateEndpointWeightsAndCapacities hangs',
      fault: { kind: 'hang', service: 'sagemaker', operation: 'UpdateEndpointWeightsAndCapacities', times: Infinity },
    },
    { what: 'DescribeAlarms (verification) hangs', fault: { kind: 'hang', service: 'cloudwatch', operation: 'DescribeAlarms', times: Infinity } },
    {
      what: 'GetMetricData hangs during the periodic evaluation',
      fault: { kind: 'hang', service: 'cloudwatch', operation: 'GetMetricData', times: Infinity },
      scheduled: true,
    },
    {
      what: 'DescribeAlarms (re-check) hangs during the periodic evaluation',
      fault: { kind: 'hang', service: 'cloudwatch', operation: 'DescribeAlarms', times: Infinity },
      scheduled: true,
    },
  ];
  const predictive = { ...POLICY, rules: [...POLICY.rules, { name: 'forecast', predictive: { metric: 'requests', target: 600 } }] };
  for (const h of hangs) {
    const w = await startLambdaWorld({ clock: realClock, policy: predictive });
    try {
      const events = await alarmOn(w);
      await fire(w);
      const deps = await w.container();
      w.fake.inject(h.fault);
      const event = h.scheduled ? scheduledEvent(new Date().toISOString()) : events.at(-1);
      const platformDeadline = realClock.now() + remainingMs;
      const r = await invoke(deps, event, remainingMs);
      cases.push({
        what: h.what,
        overDeadlineMs: realClock.now() - platformDeadline,
        // A refusal says why (seen once on a heavily loaded machine, as 'rejected' where TRANSIENT was due).
        outcome:
          r instanceof Error
            ? `threw: ${r instanceof TransientError ? 'TRANSIENT' : r.message}`
            : r.records.map((x) => (x.outcome === 'rejected' ? `rejected (${x.code ?? ''}: ${x.reason})` : x.outcome)).join(','),
      });
      logs.push(...w.logger.records.map((l) => JSON.stringify(l)));
    } finally {
      await w.close();
    }
  }
  return { cases, worstOverDeadlineMs: Math.max(...cases.map((c) => c.overDeadlineMs)), logs };
}

export async function lostStateWrite(): Promise<{
  redeliveries: number;
  extraScalingCalls: number;
  cases: Array<{ what: string; scalingCalls: number; first: string; redelivery: string }>;
  logs: string[];
}> {
  const cases: Array<{ what: string; scalingCalls: number; first: string; redelivery: string }> = [];
  const logs: string[] = [];
  const variants: Array<{ what: string; arm: (w: LambdaWorld, deps: LambdaDeps) => void }> = [
    { what: 'AddTags connection dropped once', arm: (w) => w.fake.inject({ kind: 'drop', service: 'sagemaker', operation: 'AddTags', times: 1 }) },
    { what: 'AddTags silently lost once', arm: (w) => w.fake.inject({ kind: 'lose', service: 'sagemaker', operation: 'AddTags', times: 1 }) },
    {
      what: 'every AddTags dropped during the first delivery',
      arm: (w) => w.fake.inject({ kind: 'drop', service: 'sagemaker', operation: 'AddTags', times: Infinity }),
    },
    {
      what: 'every AddTags dropped after the scaling call',
      arm: (w, deps) => {
        const sagemaker = deps.clients.sagemaker;
        const send = sagemaker.send.bind(sagemaker);
        sagemaker.send = (async (command: object, options?: object) => {
          const out = await send(command as never, options as never);
          if (command.constructor.name === 'UpdateEndpointWeightsAndCapacitiesCommand')
            w.fake.inject({ kind: 'drop', service: 'sagemaker', operation: 'AddTags', times: Infinity });
          return out;
        }) as typeof sagemaker.send;
      },
    },
  ];
  for (const v of variants) {
    const w = await startLambdaWorld();
    try {
      const events = await alarmOn(w);
      await fire(w);
      const first = await w.container();
      v.arm(w, first);
      const r1 = await invoke(first, structuredClone(events[0]));
      w.fake.clearFaults();
      w.clock.advance(90_000);
      const r2 = await invoke(await w.container(), structuredClone(events[0]));
      const show = (r: HandlerResult | Error): string =>
        r instanceof Error ? `threw (Lambda retries): ${r.message.slice(0, 120)}` : r.records.map((x) => x.outcome).join(',');
      cases.push({ what: v.what, scalingCalls: scalingCalls(w), first: show(r1), redelivery: show(r2) });
      logs.push(...w.logger.records.map((l) => JSON.stringify(l)));
    } finally {
      await w.close();
    }
  }
  // One scaling call per case is the delivery's own (first or, when the first could not write its state, the redelivery).
  return { redeliveries: cases.length, extraScalingCalls: cases.reduce((n, c) => n + Math.max(0, c.scalingCalls - 1), 0), cases, logs };
}

/** Bad input: fuzzed and mangled events; `uncaught` counts anything but a result or a TransientError escaping. */
export async function badInputs(runs = 150): Promise<{ tried: number; uncaught: number; actions: number; actionsBy: string[]; logs: string[] }> {
  const w = await startLambdaWorld();
  let tried = 0;
  let uncaught = 0;
  const actionsBy: string[] = [];
  try {
    const events = await alarmOn(w);
    await fire(w);
    const genuine = events[0]!;
    const deps = await w.container();
    const mangle = fc.oneof(
      fc.jsonValue(),
      fc.record({
        Records: fc.array(fc.record({ EventSource: fc.constant('aws:sns'), Sns: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue())) })),
      }),
      // (A well-formed 'Scheduled Event' is the periodic evaluation, not bad input: left out.)
      fc.record({
        'detail-type': fc.constantFrom('CloudWatch Alarm State Change', 'Scheduled Event '),
        source: fc.constantFrom('aws.cloudwatch', 'aws.event'),
        detail: fc.jsonValue(),
        resources: fc.array(fc.string()),
      }),
      fc.record({ source: fc.constant('aws.cloudwatch'), alarmArn: fc.string(), alarmData: fc.jsonValue() }),
      // The genuine delivery with one field replaced.
      fc
        .tuple(
          fc.constantFrom('Message', 'Signature', 'SigningCertUrl', 'Timestamp', 'TopicArn', 'MessageId', 'Type'),
          fc.oneof(fc.string(), fc.constant(''), fc.jsonValue()),
        )
        .map(([k, v]) => {
          const e = structuredClone(genuine) as unknown as { Records: Array<{ Sns: Record<string, unknown> }> };
          e.Records[0]!.Sns[k] = v;
          return e;
        }),
      fc.constantFrom('', 'null', '{}', '[]', '{"Records":null}', 'x'.repeat(100_000)),
    );
    await fc.assert(
      fc.asyncProperty(mangle, async (event) => {
        tried++;
        const r = await invoke(deps, event);
        if (r instanceof Error && !(r instanceof TransientError)) uncaught++;
        if (!(r instanceof Error) && r.records.some((x) => x.outcome === 'scaled' || x.outcome === 'resized'))
          actionsBy.push(JSON.stringify(event).slice(0, 300));
      }),
      { numRuns: runs, seed: 42 },
    );
    return { tried, uncaught, actions: scalingCalls(w), actionsBy, logs: w.logger.records.map((l) => JSON.stringify(l)) };
  } finally {
    await w.close();
  }
}

/** Secrets that must never appear in a log line or a result. */
export function secretsIn(lines: readonly string[], secrets: readonly string[]): number {
  return lines.filter((l) => secrets.some((s) => s !== '' && l.includes(s))).length;
}

/** A policy whose webhook URL carries a token: every error about it must be redacted. */
export async function webhookSecrets(): Promise<{ logs: string[]; secrets: string[] }> {
  const token = 'T00000000/B00000000/XXXXsecretXXXXtokenXXXX';
  const w = await startLambdaWorld({ policy: { ...POLICY, notifications: [{ type: 'webhook', url: `https://hooks.example.invalid/services/${token}` }] } });
  try {
    const events = await alarmOn(w);
    await fire(w);
    const r = await invoke(await w.container(), events[0]);
    return {
      logs: [...w.logger.records.map((l) => JSON.stringify(l)), JSON.stringify(r instanceof Error ? { error: r.message } : r)],
      secrets: [token, 'XXXXsecretXXXXtokenXXXX', w.fake.credentials.secretAccessKey, ...events.map((e) => e.Records[0]!.Sns.Signature)],
    };
  } finally {
    await w.close();
  }
}

export interface AwsAdversarialResult {
  duplicateDeliveries: { deliveries: number; containers: number; scalingCalls: number };
  forgedMessages: { tried: number; actions: number };
  hungDependency: { worstOverDeadlineMs: number };
  lostStateWrite: { redeliveries: number; extraScalingCalls: number };
  secretsInLogs: number;
  badInputs: { tried: number; uncaught: number };
}

/** Every scenario, summed as bench/adversarial.ts reports them. */
export async function runAwsAdversarial(): Promise<AwsAdversarialResult> {
  const dup = await duplicateDeliveries();
  const forged = await forgedMessages();
  const hung = await hungDependency();
  const lost = await lostStateWrite();
  const bad = await badInputs();
  const hooks = await webhookSecrets();
  const secrets = [...hooks.secrets, 'fake/secret/for/the/local/aws/sandbox+0000'];
  const allLogs = [...dup.logs, ...forged.logs, ...hung.logs, ...lost.logs, ...bad.logs, ...hooks.logs];
  return {
    duplicateDeliveries: { deliveries: dup.deliveries, containers: dup.containers, scalingCalls: dup.scalingCalls },
    forgedMessages: { tried: forged.tried, actions: forged.actions },
    hungDependency: { worstOverDeadlineMs: hung.worstOverDeadlineMs },
    lostStateWrite: { redeliveries: lost.redeliveries, extraScalingCalls: lost.extraScalingCalls },
    secretsInLogs: secretsIn(allLogs, secrets),
    badInputs: { tried: bad.tried, uncaught: bad.uncaught },
  };
}

export { TARGET_ID };
