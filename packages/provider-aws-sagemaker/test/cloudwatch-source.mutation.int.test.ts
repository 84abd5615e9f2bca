import {
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type DescribeAlarmsCommandInput,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { ValidationError, validatePolicy, type Signal, type TargetRef } from '@autoscaler/core';
import { CloudWatchAlarmSource, type CloudWatchAlarmSourceOptions } from '../src';
import { ENDPOINT, REF, startWorld, VARIANT, type TestWorld } from './world';
import { alarmFiringRequest, sageMakerAlarmRequest, variantAlarmRequest } from '@autoscaler/sandbox-aws';

/** verify, poll and ensureAlarms against the fake CloudWatch: which alarm is trusted, what the refusal says (kills survivors of the mutation run). */

let w: TestWorld;
afterEach(async () => w?.close());

const PREFIX = `autoscaler-app-${ENDPOINT}-${VARIANT}-`;
const NAME = `${PREFIX}cpu-high`;
const arnOf = (name: string): string => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
const iso = (t: number): string => new Date(t).toISOString();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:autoscaler-alarms';

const source = (over: CloudWatchAlarmSourceOptions = {}): CloudWatchAlarmSource => new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock, ...over });

/** A variant alarm (or the given request) put and moved to ALARM now; returns the time. */
async function firing(
  name = NAME,
  request: PutMetricAlarmCommandInput = variantAlarmRequest({ name, endpoint: ENDPOINT, variant: VARIANT }),
  value = 91.5,
): Promise<number> {
  await w.clients.cloudwatch.send(new PutMetricAlarmCommand(request));
  await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(name, value)));
  return w.clock.now();
}

const signal = (over: Partial<Signal> = {}): Signal => ({
  target: { ...REF },
  source: 'cloudwatch',
  metric: 'CPUUtilization',
  alarm: arnOf(NAME),
  alarmName: NAME,
  state: 'firing',
  value: 999,
  threshold: 1,
  dedupeKey: 'sns:x',
  at: w.clock.now(),
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<{ message: string; issues: Array<{ path: string; message: string }> }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { message: e.message, issues: e.issues.map(({ path, message }) => ({ path, message })) };
  }
  throw new Error('accepted');
}

/** The DescribeAlarms requests the source sends (each command's input, seen by a middleware on the real client). */
function describeRequests(): DescribeAlarmsCommandInput[] {
  const inputs: DescribeAlarmsCommandInput[] = [];
  w.clients.cloudwatch.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'DescribeAlarmsCommand') inputs.push(args.input as DescribeAlarmsCommandInput);
      return next(args);
    },
    { step: 'initialize' },
  );
  return inputs;
}

describe('verify: the limits are inclusive', () => {
  it.each([
    ['exactly maxMessageAgeMs old', { advance: 10 * 60_000, shift: 0, options: {} }],
    ['exactly maxFutureSkewMs ahead (0 here)', { advance: 0, shift: 0, options: { maxFutureSkewMs: 0 } }],
    ['exactly stateTimeToleranceMs off', { advance: 0, shift: 1_000, options: {} }],
  ])('keeps a signal %s', async (_what, { advance, shift, options }) => {
    w = await startWorld();
    const at = await firing();
    w.clock.advance(advance);
    expect(await source(options).verify([signal({ at: at + shift })])).toHaveLength(1);
  });
});

describe('verify: what a refusal says', () => {
  it('a validly timed but stale delivery of a real alarm is refused as stale only, with its age and the limit in seconds', async () => {
    w = await startWorld();
    const at = await firing();
    w.clock.advance(11 * 60_000);
    expect(await refusal(source().verify([signal({ at })]))).toEqual({
      message: `alarm verification refused the delivery: StateChangeTime: ${NAME} changed state at ${iso(at)}, 660 s ago (more than 600 s): refused as stale or replayed`,
      issues: [{ path: 'StateChangeTime', message: `${NAME} changed state at ${iso(at)}, 660 s ago (more than 600 s): refused as stale or replayed` }],
    });
  });

  it.each([
    [Number.NaN, 'the alarm changed state at NaN, NaN s ago (more than 600 s): refused as stale or replayed'],
    [8.64e15, 'the alarm claims a state change at 8640000000000000, in the future: refused'],
    [9e15, 'the alarm claims a state change at 9000000000000000, in the future: refused'],
  ])('an unnamed alarm at %s: "%s", before any call (no clients needed)', async (at, message) => {
    w = await startWorld();
    const src = new CloudWatchAlarmSource({ clock: w.clock });
    const { alarmName: _n, ...unnamed } = signal({ at });
    expect((await refusal(src.verify([unnamed]))).issues).toEqual([{ path: 'StateChangeTime', message }]);
  });

  it('a timely signal without clients is refused naming clients', async () => {
    w = await startWorld();
    expect((await refusal(new CloudWatchAlarmSource({ clock: w.clock }).verify([signal()]))).issues).toEqual([
      { path: 'clients', message: 'the CloudWatch source needs SDK clients to verify alarms against CloudWatch' },
    ]);
  });

  it('a signal naming no alarm is refused without a DescribeAlarms call; one without an ARN is refused naming what CloudWatch has', async () => {
    w = await startWorld();
    await firing();
    const asked = describeRequests();
    const { alarmName: _n, ...unnamed } = signal();
    expect((await refusal(source().verify([unnamed]))).issues).toEqual([{ path: 'alarm', message: '(no alarm name): no such alarm in CloudWatch: refused' }]);
    expect(asked).toEqual([]);
    const { alarm: _a, ...noArn } = signal();
    expect((await refusal(source().verify([noArn]))).issues).toEqual([
      { path: 'alarm', message: `${NAME}: the message names no ARN, CloudWatch has ${arnOf(NAME)}` },
    ]);
  });

  it('a throttled DescribeAlarms names the call', async () => {
    w = await startWorld({ maxAttempts: 1 });
    await firing();
    w.fake.inject({ kind: 'throttle', service: 'cloudwatch', operation: 'DescribeAlarms', times: Infinity });
    await expect(source().verify([signal()])).rejects.toThrow(/^DescribeAlarms: /);
  });
});

describe('verify: which alarm is trusted', () => {
  it('asks CloudWatch for each named alarm once, at most 100 names a call, metric alarms only', async () => {
    w = await startWorld();
    await firing();
    const asked = describeRequests();
    const ghosts = Array.from({ length: 150 }, (_, i) => `${PREFIX}ghost-${i}`);
    const { alarmName: _n, ...unnamed } = signal();
    const signals = [signal(), ...ghosts.map((n) => signal({ alarmName: n, alarm: arnOf(n) })), unnamed, signal()];
    expect((await source().verify(signals)).map((s) => s.alarmName)).toEqual([NAME, NAME]);
    expect(asked).toEqual([
      { AlarmNames: [NAME, ...ghosts.slice(0, 99)], AlarmTypes: ['MetricAlarm'], MaxRecords: 100 },
      { AlarmNames: ghosts.slice(99), AlarmTypes: ['MetricAlarm'], MaxRecords: 100 },
    ]);
  });

  it('exactly 100 names are one call', async () => {
    w = await startWorld();
    await firing();
    const asked = describeRequests();
    const ghosts = Array.from({ length: 99 }, (_, i) => `${PREFIX}ghost-${i}`);
    await source().verify([signal(), ...ghosts.map((n) => signal({ alarmName: n, alarm: arnOf(n) }))]);
    expect(asked.map((r) => r.AlarmNames?.length)).toEqual([100]);
  });

  it('an alarm re-set in ALARM matches its last update as well as its transition; another time is refused naming both', async () => {
    w = await startWorld();
    const transitioned = await firing();
    w.clock.advance(120_000);
    await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(NAME, 95)));
    const updated = w.clock.now();
    expect(await source().verify([signal({ at: transitioned }), signal({ at: updated })])).toHaveLength(2);
    const between = transitioned + 60_000;
    expect((await refusal(source().verify([signal({ at: between })]))).issues).toEqual([
      { path: 'alarm', message: `${NAME}: changed state at ${iso(transitioned)} / ${iso(updated)} in CloudWatch, not at ${iso(between)} as the message says` },
    ]);
  });

  it("an alarm on one variant does not watch the endpoint's other variant", async () => {
    w = await startWorld();
    await firing();
    const other = `endpoint/${ENDPOINT}/variant/Other`;
    expect((await refusal(source().verify([signal({ target: { provider: 'aws-sagemaker', id: other } })]))).issues).toEqual([
      { path: 'alarm', message: `${NAME}: does not watch ${other}` },
    ]);
  });

  it('an alarm naming a variant without its endpoint watches nothing (not "endpoint/undefined/...")', async () => {
    w = await startWorld();
    const name = `${PREFIX}variant-only`;
    await firing(name, sageMakerAlarmRequest({ name, metric: 'Invocations', dimensions: { VariantName: VARIANT } }));
    const target = `endpoint/undefined/variant/${VARIANT}`;
    expect(
      (await refusal(source().verify([signal({ alarmName: name, alarm: arnOf(name), target: { provider: 'aws-sagemaker', id: target } })]))).issues,
    ).toEqual([{ path: 'alarm', message: `${name}: does not watch ${target}` }]);
  });

  it("an anomaly-band alarm (a math alarm, no threshold, no reasonData): kept through its metric on the variant, without the message's value or threshold", async () => {
    w = await startWorld();
    const name = `${PREFIX}band`;
    await w.clients.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanUpperThreshold',
        ThresholdMetricId: 'band',
        Metrics: [
          {
            Id: 'm1',
            ReturnData: true,
            MetricStat: {
              Metric: {
                Namespace: '/aws/sagemaker/Endpoints',
                MetricName: 'CPUUtilization',
                Dimensions: [
                  { Name: 'EndpointName', Value: ENDPOINT },
                  { Name: 'VariantName', Value: VARIANT },
                ],
              },
              Period: 60,
              Stat: 'Average',
            },
          },
          { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m1, 2)' },
        ],
      }),
    );
    await w.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'above the band' }));
    const [kept] = await source().verify([signal({ alarmName: name, alarm: arnOf(name) })]);
    expect(kept).toBeDefined();
    expect(Object.hasOwn(kept!, 'value')).toBe(false);
    expect(Object.hasOwn(kept!, 'threshold')).toBe(false);
    expect((await source().poll(REF, w.clock.now())).map((s) => [s.alarmName, s.metric])).toEqual([[name, 'expression']]);
  });
});

describe('poll: the alarms still in ALARM on this target', () => {
  const mine = (suffix: string, over: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
    ...variantAlarmRequest({ name: `${PREFIX}${suffix}`, endpoint: ENDPOINT, variant: VARIANT }),
    ...over,
  });

  it('reads every page of its prefix in ALARM; skips alarms Application Auto Scaling drives, other targets and OK alarms', async () => {
    w = await startWorld();
    const names = Array.from({ length: 103 }, (_, i) => `${PREFIX}n${String(i).padStart(3, '0')}`);
    for (const n of names) await firing(n, mine(n.slice(PREFIX.length)));
    await firing(
      `${PREFIX}aas`,
      mine('aas', { AlarmActions: ['arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:resource/sagemaker/y:policyName/z'] }),
    );
    await firing(`${PREFIX}elsewhere`, { ...variantAlarmRequest({ name: `${PREFIX}elsewhere`, endpoint: 'other', variant: VARIANT }) });
    await w.clients.cloudwatch.send(new PutMetricAlarmCommand(mine('quiet')));
    await firing('TargetTracking-x', variantAlarmRequest({ name: 'TargetTracking-x', endpoint: ENDPOINT, variant: VARIANT }));
    await firing('someone-else', variantAlarmRequest({ name: 'someone-else', endpoint: ENDPOINT, variant: VARIANT }));
    const found = await source().poll(REF, w.clock.now());
    expect(found.map((s) => s.alarmName)).toEqual(names);
    expect(found[0]).toEqual({
      target: { ...REF, region: 'us-east-1' },
      source: 'cloudwatch',
      metric: 'CPUUtilization',
      alarm: arnOf(names[0]!),
      alarmName: names[0],
      state: 'firing',
      value: 91.5,
      threshold: 80,
      at: w.clock.now(),
      dedupeKey: expect.stringMatching(/^poll:[A-Za-z0-9_-]{22}$/),
      dimensions: { EndpointName: ENDPOINT, VariantName: VARIANT },
    });
    const everything = await source({ pollPrefix: () => '' }).poll(REF, w.clock.now());
    expect(everything.map((s) => s.alarmName)).toEqual([...names, 'someone-else']);
  });

  it('one dedupe key per alarm, state update and re-check interval; the target region wins over the ARN', async () => {
    w = await startWorld();
    await firing();
    const now = w.clock.now();
    const key = async (at: number, target: TargetRef = REF, over: CloudWatchAlarmSourceOptions = {}) => (await source(over).poll(target, at))[0]!;
    const first = await key(now);
    expect((await key(now + 59_999)).dedupeKey).toBe(first.dedupeKey);
    expect((await key(now + 60_000)).dedupeKey).not.toBe(first.dedupeKey);
    expect((await key(now + 10_000, REF, { recheckIntervalMs: 10_000 })).dedupeKey).not.toBe(first.dedupeKey);
    expect((await key(now, { ...REF, region: 'eu-west-1' })).target.region).toBe('eu-west-1');
    w.clock.advance(1_000);
    await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(NAME, 95)));
    expect((await key(now)).dedupeKey).not.toBe(first.dedupeKey);
  });

  it('reasonData of another shape gives no value; no clients is refused naming clients', async () => {
    w = await startWorld();
    await w.clients.cloudwatch.send(new PutMetricAlarmCommand(variantAlarmRequest({ name: NAME, endpoint: ENDPOINT, variant: VARIANT })));
    await w.clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: NAME, StateValue: 'ALARM', StateReason: 'r', StateReasonData: '{"recentDatapoints":"x"}' }),
    );
    const [s] = await source().poll(REF, w.clock.now());
    expect(Object.hasOwn(s!, 'value')).toBe(false);
    await expect(new CloudWatchAlarmSource({ clock: w.clock }).poll(REF, 0)).rejects.toMatchObject({ issues: [{ path: 'clients' }] });
  });
});

describe('ensureAlarms', () => {
  const policy = (above: number) =>
    validatePolicy({
      name: 'p',
      targets: [{ ...REF }],
      limits: { minReplicas: 1, maxReplicas: 4 },
      rules: [
        { name: 'hot', threshold: { metric: 'CPUUtilization', above, change: 1 } },
        { name: 'cold', threshold: { metric: 'CPUUtilization', below: 10, change: -1 } },
      ],
    });
  const names = async (): Promise<string[]> =>
    ((await w.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: PREFIX }))).MetricAlarms ?? []).map((a) => `${a.AlarmName} ${a.Threshold}`);

  it('creates what the policy needs, leaves what matches, updates what changed and deletes the rest of its prefix only', async () => {
    w = await startWorld();
    await w.clients.cloudwatch.send(new PutMetricAlarmCommand(variantAlarmRequest({ name: `${PREFIX}old`, endpoint: ENDPOINT, variant: VARIANT })));
    await w.clients.cloudwatch.send(new PutMetricAlarmCommand(variantAlarmRequest({ name: 'users-own', endpoint: ENDPOINT, variant: VARIANT })));
    const src = source({ alarmActionArn: TOPIC });
    expect(await src.ensureAlarms(REF, policy(70))).toEqual([
      { action: 'created', id: `${PREFIX}hot`, name: `${PREFIX}hot` },
      { action: 'created', id: `${PREFIX}cold`, name: `${PREFIX}cold` },
      { action: 'deleted', id: arnOf(`${PREFIX}old`), name: `${PREFIX}old` },
    ]);
    expect(await names()).toEqual([`${PREFIX}cold 10`, `${PREFIX}hot 70`]);
    expect(await src.ensureAlarms(REF, policy(70))).toEqual([
      { action: 'unchanged', id: arnOf(`${PREFIX}hot`), name: `${PREFIX}hot` },
      { action: 'unchanged', id: arnOf(`${PREFIX}cold`), name: `${PREFIX}cold` },
    ]);
    expect(await src.ensureAlarms(REF, policy(75))).toEqual([
      { action: 'updated', id: `${PREFIX}hot`, name: `${PREFIX}hot` },
      { action: 'unchanged', id: arnOf(`${PREFIX}cold`), name: `${PREFIX}cold` },
    ]);
    expect(await names()).toEqual([`${PREFIX}cold 10`, `${PREFIX}hot 75`]);
    const all = (await w.clients.cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [];
    expect(all.map((a) => a.AlarmName)).toContain('users-own');
    expect(all.find((a) => a.AlarmName === `${PREFIX}hot`)?.AlarmActions).toEqual([TOPIC]);
  });

  it.each([
    ['no topic', () => source()],
    ['no clients', () => new CloudWatchAlarmSource({ alarmActionArn: TOPIC })],
  ])('with %s is refused naming alarmActionArn', async (_what, make) => {
    w = await startWorld();
    expect((await refusal(make().ensureAlarms(REF, policy(70)))).issues).toEqual([
      { path: 'alarmActionArn', message: 'ensureAlarms needs SDK clients and the SNS topic ARN the alarms notify' },
    ]);
  });
});
