import { ValidationError, type Signal } from '@autoscaler/core';
import { OciMonitoringAlarmSource } from '../src';
import { HEARTBEAT_RULE } from '../src/heartbeat';
import { seedPolicy } from './policies';
import { firingSignalFor, harness, quietSdk, type Harness } from './support';

/**
 * verify(): a delivery is trusted only as far as Monitoring confirms it: the alarm exists,
 * watches the metric and deployment named, is FIRING now; the message is recent; values come
 * from Monitoring. Real oci-monitoring client against the wire fake.
 */
quietSdk();

let h: Harness;
let dep: string;
let topicId: string;
let source: OciMonitoringAlarmSource;
let high: string;

beforeEach(async () => {
  h = await harness();
  dep = h.fake.dataScience.seedDeployment();
  topicId = h.fake.notifications.seedTopic('autoscaler');
  source = new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment, topicId, clock: h.clock });
  const changes = await source.ensureAlarms({ provider: 'oci-data-science', id: dep }, seedPolicy(dep));
  high = changes.find((c) => c.name === 'model_deployment_high_cpu')!.id;
});
afterEach(() => h.close());

/** What parse() makes of a delivery for the high-CPU alarm, stamped `at`. */
function signal(at: number, over: Partial<Signal> = {}): Signal {
  return firingSignalFor(dep, high, at, { alarmName: 'forged title', value: 999, threshold: 1, dedupeKey: `k@${at}`, ...over });
}

async function issuesOf(signals: Signal[]): Promise<string[]> {
  const e = await source.verify(signals).catch((x: unknown) => x);
  if (!(e instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(e)}`);
  return e.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('verify', () => {
  it('a FIRING alarm: rule name, threshold and value come from Monitoring, never the message', async () => {
    h.fake.monitoring.setAlarmState(high, true);
    h.fake.monitoring.serveDeploymentMetric(dep, 'CpuUtilization', () => 87);
    const [v] = await source.verify([signal(h.clock.now())]);
    expect(v).toMatchObject({ alarmName: 'model_deployment_high_cpu', threshold: 80, value: 87, state: 'firing' });
    expect(h.fake.count('ListAlarmsStatus')).toBe(1);
    expect(h.fake.monitoring.summarizeCalls).toEqual([expect.objectContaining({ query: `CpuUtilization[5m]{resourceId = "${dep}"}.grouping().mean()` })]);
  });

  it('no datapoint in Monitoring: the message value is dropped, not kept', async () => {
    h.fake.monitoring.setAlarmState(high, true);
    const [v] = await source.verify([signal(h.clock.now())]);
    expect(v!.value).toBeUndefined();
  });

  it('refuses FIRING for an alarm Monitoring has OK', async () => {
    expect(await issuesOf([signal(h.clock.now())])).toEqual([
      `alarmMetaData[id=${high}].status: the message says FIRING but Monitoring has the alarm "model_deployment_high_cpu" not firing: refusing a forged or stale message`,
    ]);
  });

  it.each([
    ['16 minutes old', -16 * 60_000, /more than 15 minutes ago/],
    ['3 minutes ahead', 3 * 60_000, /in the future/],
  ])('refuses a message %s, before any call', async (_, offset, message) => {
    h.fake.monitoring.setAlarmState(high, true);
    const before = h.fake.requests.length;
    const issues = await issuesOf([signal(h.clock.now() + offset)]);
    expect(issues[0]).toMatch(message);
    expect(issues[0]).toMatch(/^timestampEpochMillis: /);
    expect(h.fake.requests.length).toBe(before);
  });

  it('accepts 14 minutes old and 1 minute ahead', async () => {
    h.fake.monitoring.setAlarmState(high, true);
    await expect(source.verify([signal(h.clock.now() - 14 * 60_000), signal(h.clock.now() + 60_000, { dedupeKey: 'other' })])).resolves.toHaveLength(2);
  });

  it('a heartbeat alarm is not a scaling signal: it is returned as a periodic evaluation of its deployment', async () => {
    const hb = (await source.ensureHeartbeat({ provider: 'oci-data-science', id: dep })).id;
    h.fake.monitoring.setAlarmState(hb, true);
    const out = await source.verify([
      signal(h.clock.now(), { alarm: hb, metric: 'CpuUtilization' }),
      signal(h.clock.now(), { alarm: hb, metric: 'CpuUtilization', dedupeKey: 'same-heartbeat-twice' }),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ target: { provider: 'oci-data-science', id: dep }, alarm: hb, alarmName: 'autoscaler_heartbeat', state: 'evaluate' });
    expect(out[0]).not.toHaveProperty('value');
    expect(h.fake.monitoring.alarm(hb)!['freeformTags']).toMatchObject({ 'autoscaler-rule': HEARTBEAT_RULE });
    // Not firing: refused like any alarm.
    h.fake.monitoring.setAlarmState(hb, false);
    await expect(source.verify([signal(h.clock.now(), { alarm: hb })])).rejects.toThrow(/not firing/);
  });

  it('a hung Monitoring cannot hold verify past the deadline', async () => {
    h.fake.inject({ op: 'GetAlarm', kind: 'hang' });
    const wall = new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment });
    const deadline = Date.now() + 400;
    await expect(wall.verify([signal(Date.now())], { deadline })).rejects.toThrow(/no answer within/);
    // Timer lateness on a loaded machine aside, verify gave up at the deadline.
    expect(Date.now() - deadline).toBeLessThanOrEqual(500);
    expect(h.fake.count('GetAlarm')).toBe(1);
  });
});
