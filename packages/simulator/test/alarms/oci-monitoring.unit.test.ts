import { ValidationError } from '@autoscaler/core';
import { runAlarmSourceConformance } from '@autoscaler/testing';
import { sourceContext } from '../source-context';
import { OciMonitoringAlarms, parseMql } from '../../src/alarms/oci-monitoring';

type Message = { type: string; timestampEpochMillis: number; alarmMetaData: Array<{ metricValues: Array<Record<string, number>> }> };

/** Feed per-minute CPU values; return the message types emitted at each evaluation. */
function run(cpu: number[], spec: { query: string; pendingSeconds?: number; repeatSeconds?: number }): Array<string | undefined> {
  const env = sourceContext({ delaySeconds: 0 });
  const source = new OciMonitoringAlarms(env.ctx, [{ name: 'high-cpu', ...spec }]);
  return cpu.map((v, m) => {
    env.publish(m, { CpuUtilization: v });
    // Minute m is visible at the start of minute m + 1 (delay 0).
    const out = source.tick(env.at(m + 1));
    return (out.deliveries[0] as Message | undefined)?.type;
  });
}

describe('OCI Monitoring alarm evaluation', () => {
  it('parses the MQL threshold subset, including the seed sample query with dimensions', () => {
    expect(parseMql('CpuUtilization[5m]{resourceId = "ocid1.x"}.max() > 80', 'q')).toMatchObject({
      metric: 'CpuUtilization',
      windowMinutes: 5,
      statistic: 'max',
      op: '>',
      threshold: 80,
    });
    expect(parseMql('MemoryUtilization[1m].grouping().mean() <= 12.5', 'q')).toMatchObject({ windowMinutes: 1, statistic: 'mean', op: '<=', threshold: 12.5 });
    expect(() => parseMql('CpuUtilization[5m].median() > 80', 'alarms[0].query')).toThrow(/alarms\[0\]\.query/);
    expect(() => parseMql('Nope[1m].mean() > 1', 'q')).toThrow(/unknown metric "Nope"/);
    // cloud-semantics' grammar (the provider's): hours, spaced dimensions, == and a too-long interval named.
    expect(parseMql('CpuUtilization[1h]{resourceId = "a", x = "b"}.grouping().min() == 3', 'q')).toMatchObject({
      windowMinutes: 60,
      statistic: 'min',
      op: '==',
      threshold: 3,
    });
    expect(() => parseMql('CpuUtilization[2d].mean() > 1', 'alarms[1].query')).toThrow(/alarms\[1\]\.query.*interval \[2d\]/);
  });

  it('fires on the first breach with the default pending duration, and clears after one clear minute', () => {
    expect(run([50, 90, 95, 50, 50], { query: 'CpuUtilization[1m].mean() > 80' })).toEqual([undefined, 'OK_TO_FIRING', undefined, 'FIRING_TO_OK', undefined]);
  });

  it('waits out the pending duration: PT3M needs three breaching evaluations in a row', () => {
    expect(run([90, 90, 50, 90, 90, 90, 90], { query: 'CpuUtilization[1m].mean() > 80', pendingSeconds: 180 })).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'OK_TO_FIRING',
      undefined,
    ]);
  });

  it('repeats every repeat duration while firing', () => {
    expect(run([90, 90, 90, 90, 90, 90], { query: 'CpuUtilization[1m].mean() > 80', repeatSeconds: 120 })).toEqual([
      'OK_TO_FIRING',
      undefined,
      'REPEAT',
      undefined,
      'REPEAT',
      undefined,
    ]);
  });

  it('aggregates over the [5m] window with the query statistic: max fires on one hot minute, mean does not', () => {
    const cpu = [10, 10, 95, 10, 10, 10, 10, 10, 10];
    expect(run(cpu, { query: 'CpuUtilization[5m].max() > 80' })).toEqual([
      undefined,
      undefined,
      'OK_TO_FIRING',
      undefined,
      undefined,
      undefined,
      undefined,
      'FIRING_TO_OK',
      undefined,
    ]);
    expect(run(cpu, { query: 'CpuUtilization[5m].mean() > 80' }).every((t) => t === undefined)).toBe(true);
  });

  it('sees a datapoint only after the metric delay', () => {
    const env = sourceContext({ delaySeconds: 60 });
    const source = new OciMonitoringAlarms(env.ctx, [{ name: 'high-cpu', query: 'CpuUtilization[1m].mean() > 80' }]);
    env.publish(0, { CpuUtilization: 99 });
    expect(source.tick(env.at(1)).deliveries).toEqual([]);
    expect((source.tick(env.at(2)).deliveries[0] as Message).type).toBe('OK_TO_FIRING');
  });

  it('parse turns a message into a signal for the target, with value, threshold and a per-notification dedupe key', () => {
    const env = sourceContext();
    const source = new OciMonitoringAlarms(env.ctx, [{ name: 'high-cpu', query: 'CpuUtilization[1m].mean() > 80', repeatSeconds: 60 }]);
    env.publish(0, { CpuUtilization: 91 });
    const first = source.tick(env.at(1)).deliveries[0]!;
    env.publish(1, { CpuUtilization: 92 });
    const repeat = source.tick(env.at(2)).deliveries[0]!;
    const [a] = source.parse(first);
    const [b] = source.parse(JSON.stringify(repeat));
    expect(a).toMatchObject({
      target: { provider: 'simulator', id: 'sim/test' },
      metric: 'CpuUtilization',
      alarmName: 'high-cpu',
      state: 'firing',
      value: 91,
      threshold: 80,
    });
    expect(b!.value).toBe(92);
    expect(a!.dedupeKey).not.toBe(b!.dedupeKey);
    expect(() => source.parse({ ...first, type: 'PENDING' })).toThrow(ValidationError);
    expect(() => source.parse({ ...first, alarmMetaData: [{ id: 'ocid1.alarm.x', query: 'CpuUtilization[1m].mean() > 80', dimensions: [] }] })).toThrow(
      /alarmMetaData\[0\]\.dimensions\[0\]\.resourceId/,
    );
  });
});

runAlarmSourceConformance('simulated OCI Monitoring alarms', () => {
  const env = sourceContext();
  const source = new OciMonitoringAlarms(env.ctx, [{ name: 'high-cpu', query: 'CpuUtilization[1m].mean() > 80' }]);
  env.publish(0, { CpuUtilization: 95 });
  const firing = source.tick(env.at(1)).deliveries[0];
  env.publish(1, { CpuUtilization: 5 });
  const ok = source.tick(env.at(2)).deliveries[0];
  return { source, valid: [firing, ok], invalid: [{}, { type: 'OK_TO_FIRING' }, 'not json', [firing]] };
});
