import { ValidationError } from '@autoscaler/core';
import { runAlarmSourceConformance } from '@autoscaler/testing';
import { sourceContext } from '../source-context';
import { CloudWatchAlarms, targetTrackingAlarms, type CloudWatchAlarmSpec } from '../../src/alarms/cloudwatch';

type Message = { AlarmName: string; NewStateValue: string; OldStateValue: string };

function run(values: number[], specs: CloudWatchAlarmSpec[]): string[][] {
  const env = sourceContext({ delaySeconds: 0 });
  const source = new CloudWatchAlarms(env.ctx, specs);
  return values.map((v, m) => {
    env.publish(m, { InvocationsPerInstance: v, CpuUtilization: v });
    return source.tick(env.at(m + 1)).deliveries.map((d) => `${(d as Message).AlarmName}:${(d as Message).NewStateValue}`);
  });
}

const high = (extra: Partial<CloudWatchAlarmSpec> = {}): CloudWatchAlarmSpec => ({
  name: 'high',
  metric: 'CpuUtilization',
  statistic: 'Average',
  period: 60,
  evaluationPeriods: 3,
  comparisonOperator: 'GreaterThanThreshold',
  threshold: 70,
  autoScalingAction: false,
  ...extra,
});

describe('CloudWatch alarm evaluation', () => {
  it('needs evaluationPeriods datapoints, then acts only on transitions (non-Auto Scaling action)', () => {
    expect(run([80, 80, 80, 80, 50, 80], [high()])).toEqual([[], [], ['high:ALARM'], [], ['high:OK'], []]);
  });

  it('M of N: datapointsToAlarm 2 of 3 alarms with one good datapoint in the window', () => {
    expect(run([80, 50, 80, 50, 50], [high({ datapointsToAlarm: 2 })])).toEqual([[], [], ['high:ALARM'], ['high:OK'], []]);
  });

  it('an Auto Scaling action is invoked again every period while the alarm stays in ALARM', () => {
    expect(run([80, 80, 80, 80, 80, 50], [high({ autoScalingAction: true })])).toEqual([[], [], ['high:ALARM'], ['high:ALARM'], ['high:ALARM'], ['high:OK']]);
  });

  it('the target-tracking pair (cloud-semantics) through the source: the low alarm acts on the 15th minute below 90%', () => {
    const [, down] = targetTrackingAlarms('tt', 'InvocationsPerInstance', 100);
    const low = run(
      Array.from({ length: 16 }, () => 85),
      [down!],
    );
    expect(low.findIndex((d) => d.length > 0)).toBe(14);
  });

  it('parse reads the newest datapoint from the reason, the threshold, and unwraps an SNS event', () => {
    const env = sourceContext({ delaySeconds: 0 });
    const source = new CloudWatchAlarms(env.ctx, [high({ evaluationPeriods: 1 })]);
    env.publish(0, { CpuUtilization: 88.5 });
    const message = source.tick(env.at(1)).deliveries[0]!;
    const [s] = source.parse({ Records: [{ Sns: { Message: JSON.stringify(message) } }] });
    expect(s).toMatchObject({ target: { id: 'sim/test' }, metric: 'CpuUtilization', alarmName: 'high', state: 'firing', value: 88.5, threshold: 70 });
    expect(() => source.parse({ ...message, NewStateValue: 'MAYBE' })).toThrow(ValidationError);
    expect(() => source.parse({ Records: [{}] })).toThrow(/Records\[0\]\.Sns\.Message/);
  });

  it('a 10 s alarm on ConcurrentRequestsPerModel evaluates every 10 s: ALARM once 3 buckets are visible (10 s delay)', () => {
    const env = sourceContext({ delaySeconds: 60 });
    const source = new CloudWatchAlarms(env.ctx, [high({ metric: 'ConcurrentRequestsPerModel', period: 10, threshold: 4, autoScalingAction: true })]);
    expect(source.cadenceSeconds).toBe(10);
    for (let b = 0; b < 6; b++) env.ctx.store.publishHighRes('ConcurrentRequestsPerModel', b, b < 1 ? 1 : 9);
    const states = [10, 20, 30, 40, 50, 60].map((sec) => source.tick(env.at(0, sec)).deliveries.map((d) => (d as Message).NewStateValue));
    // 30 s: buckets 0-1 visible (two periods, not three); 40 s: 0-2 (1, 9, 9: OK); 50 s: 1-3 all above: ALARM, then invoked again.
    expect(states).toEqual([[], [], [], ['OK'], ['ALARM'], ['ALARM']]);
  });

  it('buckets with no instance serving are missing datapoints: all missing puts the alarm in INSUFFICIENT_DATA', () => {
    const env = sourceContext({ delaySeconds: 0 });
    const source = new CloudWatchAlarms(env.ctx, [high({ metric: 'ConcurrentRequestsPerCopy', period: 10, threshold: 4 })]);
    for (let b = 0; b < 6; b++) env.ctx.store.publishHighRes('ConcurrentRequestsPerModel', b, b < 3 ? 9 : undefined);
    expect(source.tick(env.at(0, 40)).deliveries.map((d) => (d as Message).NewStateValue)).toEqual(['ALARM']);
    expect(source.tick(env.at(0, 70)).deliveries.map((d) => (d as Message).NewStateValue)).toEqual(['INSUFFICIENT_DATA']);
  });

  it('refuses a sub-minute period on a metric with one datapoint a minute, naming the field', () => {
    const env = sourceContext();
    expect(() => new CloudWatchAlarms(env.ctx, [high({ period: 10 })])).toThrow(/alarms\[0\]\.period.*high-resolution/);
  });

  it('rejects an alarm with a period that is not whole minutes', () => {
    const env = sourceContext();
    expect(() => new CloudWatchAlarms(env.ctx, [high({ period: 90 })])).toThrow(/alarms\[0\]\.period/);
  });
});

runAlarmSourceConformance('simulated CloudWatch alarms', () => {
  const env = sourceContext({ delaySeconds: 0 });
  const source = new CloudWatchAlarms(env.ctx, [high({ evaluationPeriods: 1 })]);
  env.publish(0, { CpuUtilization: 95 });
  const alarm = source.tick(env.at(1)).deliveries[0];
  env.publish(1, { CpuUtilization: 5 });
  const ok = source.tick(env.at(2)).deliveries[0];
  return {
    source,
    valid: [alarm, ok, { Records: [{ Sns: { Message: JSON.stringify(alarm) } }] }],
    invalid: [{}, { NewStateValue: 'ALARM' }, '{', { Records: [{}] }],
  };
});
