import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ValidationError, validatePolicy } from '@autoscaler/core';
import { alarmFiringRequest, variantAlarmRequest } from '@autoscaler/sandbox-aws';
import { CloudWatchAlarmSource } from '../src';
import { ENDPOINT, REF, startWorld, VARIANT, type TestWorld } from './world';

/** poll's paging and skips, and which call a failing poll or ensureAlarms names, against the fake CloudWatch (kills survivors of the mutation run). */

let w: TestWorld;
afterEach(async () => w?.close());

const PREFIX = `autoscaler-app-${ENDPOINT}-${VARIANT}-`;
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:autoscaler-alarms';
const source = (): CloudWatchAlarmSource => new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock, alarmActionArn: TOPIC });
const mine = (suffix: string) => variantAlarmRequest({ name: `${PREFIX}${suffix}`, endpoint: ENDPOINT, variant: VARIANT });

const policy = (above: number) =>
  validatePolicy({
    name: 'p',
    targets: [{ ...REF }],
    limits: { minReplicas: 1, maxReplicas: 4 },
    rules: [{ name: 'hot', threshold: { metric: 'CPUUtilization', above, change: 1 } }],
  });

describe('poll', () => {
  it('reads at most five pages of 100 alarms (what lies beyond waits for the next re-check)', async () => {
    w = await startWorld();
    // Seeded inside the fake: 601 alarms over the wire would only slow the test.
    const names = Array.from({ length: 601 }, (_, i) => `${PREFIX}n${String(i).padStart(3, '0')}`);
    for (const n of names) {
      w.fake.cloudwatch.handle('PutMetricAlarm', mine(n.slice(PREFIX.length)));
      w.fake.cloudwatch.handle('SetAlarmState', alarmFiringRequest(n, 91.5));
    }
    const found = await source().poll(REF, w.clock.now());
    expect(found.map((s) => s.alarmName)).toEqual(names.slice(0, 500));
    expect(w.fake.calls('DescribeAlarms')).toHaveLength(5);
  });

  it('an alarm that notifies a topic (no Application Auto Scaling action) is re-checked', async () => {
    w = await startWorld();
    await w.clients.cloudwatch.send(new PutMetricAlarmCommand({ ...mine('notifies'), AlarmActions: [TOPIC] }));
    await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(`${PREFIX}notifies`, 91.5)));
    expect((await source().poll(REF, w.clock.now())).map((s) => s.alarmName)).toEqual([`${PREFIX}notifies`]);
  });

  it('without clients is refused naming clients; a failing DescribeAlarms names the call', async () => {
    w = await startWorld({ maxAttempts: 1 });
    const e = await new CloudWatchAlarmSource({ clock: w.clock }).poll(REF, 0).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues).toEqual([{ path: 'clients', message: 'the CloudWatch source needs SDK clients to re-check alarms' }]);
    w.fake.inject({ kind: 'throttle', service: 'cloudwatch', operation: 'DescribeAlarms', times: Infinity });
    await expect(source().poll(REF, w.clock.now())).rejects.toThrow(/^DescribeAlarms: /);
  });
});

describe('ensureAlarms', () => {
  it('with nothing stale asks for no DeleteAlarms', async () => {
    w = await startWorld();
    await source().ensureAlarms(REF, policy(70));
    expect((await source().ensureAlarms(REF, policy(75))).map((c) => c.action)).toEqual(['updated']);
    expect(w.fake.calls('DeleteAlarms')).toEqual([]);
  });

  it.each([
    ['DescribeAlarms', /^DescribeAlarms: /],
    ['PutMetricAlarm', new RegExp(`^PutMetricAlarm ${PREFIX}hot: `)],
    ['DeleteAlarms', /^DeleteAlarms: /],
  ])('a failing %s names the call', async (operation, message) => {
    w = await startWorld({ maxAttempts: 1 });
    await w.clients.cloudwatch.send(new PutMetricAlarmCommand(mine('stale')));
    w.fake.inject({ kind: 'throttle', service: 'cloudwatch', operation, times: Infinity });
    await expect(source().ensureAlarms(REF, policy(70))).rejects.toThrow(message);
  });
});
