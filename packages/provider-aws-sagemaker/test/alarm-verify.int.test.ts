import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { TransientError, ValidationError, type Signal } from '@autoscaler/core';
import { CloudWatchAlarmSource } from '../src';
import { ENDPOINT, REF, startWorld, VARIANT, type TestWorld } from './world';
import { alarmFiringRequest, variantAlarmRequest } from '@autoscaler/sandbox-aws';

let w: TestWorld;
afterEach(async () => w?.close());

const NAME = `autoscaler-app-${ENDPOINT}-${VARIANT}-cpu-high`;

async function alarmInAlarm(world: TestWorld, name = NAME, endpoint = ENDPOINT): Promise<number> {
  await world.clients.cloudwatch.send(new PutMetricAlarmCommand(variantAlarmRequest({ name: name, endpoint: endpoint, variant: VARIANT })));
  await world.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(name, 91.5)));
  return world.clock.now();
}

const signal = (world: TestWorld, over: Partial<Signal> = {}): Signal => ({
  target: { ...REF },
  source: 'cloudwatch',
  metric: 'CPUUtilization',
  alarm: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${NAME}`,
  alarmName: NAME,
  state: 'firing',
  value: 999,
  threshold: 1,
  dedupeKey: 'sns:x',
  at: world.clock.now(),
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('verify accepted it');
}

describe('CloudWatchAlarmSource.verify: CloudWatch, not the message', () => {
  it('keeps a signal whose alarm exists, watches the variant, is in ALARM since the stated time; value and threshold come from CloudWatch', async () => {
    w = await startWorld();
    const at = await alarmInAlarm(w);
    const source = new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock });
    const [kept] = await source.verify([signal(w, { at })]);
    expect(kept).toMatchObject({ value: 91.5, threshold: 80, alarmName: NAME });
    expect(w.fake.calls('DescribeAlarms')).toHaveLength(1);
  });

  it.each([
    [
      'no such alarm',
      (world: TestWorld) => signal(world, { alarmName: `${NAME}-ghost`, alarm: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${NAME}-ghost` }),
      /no such alarm/,
    ],
    [
      'another account or region in the ARN',
      (world: TestWorld) => signal(world, { alarm: `arn:aws:cloudwatch:eu-west-1:999999999999:alarm:${NAME}` }),
      /CloudWatch has/,
    ],
    ['ALARM in CloudWatch, OK in the message', (world: TestWorld) => signal(world, { state: 'ok' }), /is ALARM in CloudWatch, not OK/],
    ['a made-up state-change time', (world: TestWorld) => signal(world, { at: world.clock.now() - 5_000 }), /changed state at .* not at/],
    [
      'another variant',
      (world: TestWorld) => signal(world, { target: { provider: 'aws-sagemaker', id: `endpoint/other/variant/${VARIANT}` } }),
      /does not watch/,
    ],
    ['11 minutes old', (world: TestWorld) => signal(world, { at: world.clock.now() - 11 * 60_000 }), /stale or replayed/],
    ['from the future', (world: TestWorld) => signal(world, { at: world.clock.now() + 5 * 60_000 }), /in the future/],
  ])('refuses %s', async (_what, make, reason) => {
    w = await startWorld();
    await alarmInAlarm(w);
    const source = new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock });
    expect(await refusal(source.verify([make(w)]))).toMatch(reason);
  });

  it('keeps the good signals of a delivery and drops the bad ones; without clients it refuses rather than trusts', async () => {
    w = await startWorld();
    await alarmInAlarm(w);
    const source = new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock });
    const out = await source.verify([signal(w), signal(w, { alarmName: 'nope', alarm: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:nope' })]);
    expect(out.map((s) => s.alarmName)).toEqual([NAME]);
    expect(await refusal(new CloudWatchAlarmSource({ clock: w.clock }).verify([signal(w)]))).toMatch(/needs SDK clients/);
  });

  it('a throttled DescribeAlarms is a TransientError (retried within the deadline), never a pass', async () => {
    w = await startWorld({ maxAttempts: 1 });
    await alarmInAlarm(w);
    w.fake.inject({ kind: 'throttle', service: 'cloudwatch', operation: 'DescribeAlarms', times: Infinity });
    await expect(new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock }).verify([signal(w)])).rejects.toBeInstanceOf(TransientError);
  });
});
