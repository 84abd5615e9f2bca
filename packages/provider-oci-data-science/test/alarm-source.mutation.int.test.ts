import { ConflictError, ValidationError, type Signal } from '@autoscaler/core';
import { OciMonitoringAlarmSource } from '../src';
import { HEARTBEAT_RULE } from '../src/heartbeat';
import { seedPolicy } from './policies';
import { alarmBase, harness, quietSdk, type Harness } from './support';

/**
 * Cases found by mutation testing of alarm-source.ts (bench/MUTATION.md), against the wire fake:
 * verify's edges (the age and skew limits, alarms that are gone or watch something else, heartbeats
 * tagged for another deployment), ensureHeartbeat, and which alarms ensureAlarms/removeAlarms touch.
 */
quietSdk();

let h: Harness;
let dep: string;
let other: string;
let topicId: string;
let source: OciMonitoringAlarmSource;

beforeEach(async () => {
  h = await harness({ pageSize: 2 });
  dep = h.fake.dataScience.seedDeployment();
  other = h.fake.dataScience.seedDeployment();
  topicId = h.fake.notifications.seedTopic('autoscaler');
  source = new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment, topicId, clock: h.clock });
});
afterEach(() => h.close());

const target = (id = dep) => ({ provider: 'oci-data-science', id });
const tags = (a: Record<string, unknown> | undefined) => a?.['freeformTags'] as Record<string, string>;
const base = () => alarmBase(h, topicId);

async function highCpu(): Promise<string> {
  return (await source.ensureAlarms(target(), seedPolicy(dep))).find((c) => c.name === 'model_deployment_high_cpu')!.id;
}

function signal(alarm: string, over: Partial<Signal> = {}): Signal {
  return {
    target: target(),
    source: 'oci-monitoring',
    metric: 'CpuUtilization',
    alarm,
    state: 'firing',
    dedupeKey: 'k',
    at: h.clock.now(),
    ...over,
  };
}

async function refusal(signals: Signal[]): Promise<ValidationError> {
  const e = await source.verify(signals).catch((x: unknown) => x);
  if (!(e instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(e)}`);
  return e;
}

describe('verify', () => {
  it('accepts a delivery exactly 15 minutes old and exactly 2 minutes ahead', async () => {
    const high = await highCpu();
    h.fake.monitoring.setAlarmState(high, true);
    const out = await source.verify([signal(high, { at: h.clock.now() - 15 * 60_000 }), signal(high, { at: h.clock.now() + 2 * 60_000, dedupeKey: 'k2' })]);
    expect(out.map((s) => s.state)).toEqual(['firing', 'firing']);
  });

  it('an old delivery is refused with its time, before any call', async () => {
    const before = h.fake.requests.length;
    const e = await refusal([signal('ocid1.alarm.oc1.iad.amaaaaaanone', { at: h.clock.now() - 16 * 60_000 })]);
    expect(e.issues).toEqual([
      {
        path: 'timestampEpochMillis',
        message: 'the message is from 2026-01-05T11:44:00.000Z, more than 15 minutes ago: refusing an old or replayed delivery',
      },
    ]);
    expect(h.fake.requests.length).toBe(before);
  });

  it('a signal naming no alarm is refused without asking Monitoring for it', async () => {
    const high = await highCpu();
    h.fake.monitoring.setAlarmState(high, true);
    const e = await refusal([signal(high), { ...signal(high), alarm: undefined }]);
    expect(e.message).toMatch(/^alarm message does not match Monitoring: nothing was scaled/);
    expect(e.issues).toEqual([{ path: 'alarmMetaData.id', message: 'names no alarm: cannot check it against Monitoring' }]);
    expect(h.fake.count('GetAlarm')).toBe(1);
  });

  it('a deleted alarm is no such alarm', async () => {
    const high = await highCpu();
    await h.clients.monitoring.deleteAlarm({ alarmId: high });
    expect((await refusal([signal(high)])).issues).toEqual([
      { path: `alarmMetaData[id=${high}].id`, message: 'no such alarm in Monitoring (deleted, or not readable by this function)' },
    ]);
  });

  it('refuses a message naming another metric or another deployment than the alarm watches', async () => {
    const high = await highCpu();
    h.fake.monitoring.setAlarmState(high, true);
    expect((await refusal([signal(high, { metric: 'MemoryUtilization' })])).issues).toEqual([
      { path: `alarmMetaData[id=${high}].query`, message: 'the alarm watches CpuUtilization, the message says MemoryUtilization' },
    ]);
    expect((await refusal([signal(high, { target: target(other) })])).issues).toEqual([
      { path: `alarmMetaData[id=${high}].dimensions`, message: `the alarm watches ${dep}, the message names ${other}` },
    ]);
  });

  it('an alarm whose query names no deployment accepts the deployment of the message', async () => {
    const wide = h.fake.monitoring.seedAlarm({ ...base(), displayName: 'any_deployment_hot', query: 'CpuUtilization[1m].max() > 95' });
    h.fake.monitoring.setAlarmState(wide, true);
    const [v] = await source.verify([signal(wide)]);
    expect(v).toMatchObject({ target: target(), alarmName: 'any_deployment_hot', threshold: 95, state: 'firing' });
  });

  it('an OK signal of an OK alarm passes as ok, and no value is invented when Monitoring has none', async () => {
    const high = await highCpu();
    const [v] = await source.verify([signal(high, { state: 'ok', value: 3 })]);
    expect(v!.state).toBe('ok');
    expect(v).not.toHaveProperty('value');
  });

  it('asks Monitoring for the value of an alarm once, however many signals name it', async () => {
    const high = await highCpu();
    h.fake.monitoring.setAlarmState(high, true);
    h.fake.monitoring.serveDeploymentMetric(dep, 'CpuUtilization', () => 90);
    h.clock.advance(10 * 60_000);
    const out = await source.verify([signal(high), signal(high, { dedupeKey: 'k2' })]);
    expect(out.map((s) => s.value)).toEqual([90, 90]);
    expect(h.fake.count('SummarizeMetricsData')).toBe(1);
  });

  it('a failing SummarizeMetricsData names the call and the alarm', async () => {
    const high = await highCpu();
    h.fake.monitoring.setAlarmState(high, true);
    h.fake.inject({ op: 'SummarizeMetricsData', status: 400 });
    await expect(source.verify([signal(high)])).rejects.toThrow(`SummarizeMetricsData ${high}: 400`);
  });

  it('a failing GetAlarm names the call and the alarm', async () => {
    const high = await highCpu();
    h.fake.inject({ op: 'GetAlarm', status: 400 });
    await expect(source.verify([signal(high)])).rejects.toThrow(`GetAlarm ${high}: 400`);
  });

  describe('heartbeats', () => {
    /** A heartbeat-tagged alarm tagged for `tagged` and watching `watched`. */
    function heartbeat(tagged: string, watched: string): string {
      const id = h.fake.monitoring.seedAlarm({
        ...base(),
        displayName: 'autoscaler_heartbeat',
        query: `CpuUtilization[1m]{resourceId = "${watched}"}.count() > 0`,
        freeformTags: { 'autoscaler-managed': 'true', 'autoscaler-target': tagged, 'autoscaler-rule': HEARTBEAT_RULE },
      });
      h.fake.monitoring.setAlarmState(id, true);
      return id;
    }

    it('is refused when tagged for another deployment than the one it watches and the message names', async () => {
      const hb = heartbeat(other, dep);
      expect((await refusal([signal(hb)])).issues).toEqual([
        { path: `alarmMetaData[id=${hb}].id`, message: 'the heartbeat alarm is not tagged for the deployment it watches' },
      ]);
    });

    it('is refused when it watches another deployment than the one tagged and named', async () => {
      const hb = heartbeat(dep, other);
      expect((await refusal([signal(hb)])).issues).toEqual([
        { path: `alarmMetaData[id=${hb}].dimensions`, message: `the alarm watches ${other}, the message names ${dep}` },
        { path: `alarmMetaData[id=${hb}].id`, message: 'the heartbeat alarm is not tagged for the deployment it watches' },
      ]);
    });

    it('an OK heartbeat asks for no evaluation', async () => {
      const hb = heartbeat(dep, dep);
      h.fake.monitoring.setAlarmState(hb, false);
      await expect(source.verify([signal(hb, { state: 'ok' })])).resolves.toEqual([]);
    });
  });
});

describe('ensureHeartbeat', () => {
  it('creates the heartbeat once, leaves it alone, and puts back what someone changed', async () => {
    await source.ensureAlarms(target(), seedPolicy(dep));
    await source.ensureHeartbeat(target(other));
    const created = await source.ensureHeartbeat(target());
    expect(created).toMatchObject({ action: 'created', name: 'autoscaler_heartbeat' });
    const hb = h.fake.monitoring.alarm(created.id)!;
    expect(tags(hb)).toMatchObject({ 'autoscaler-target': dep, 'autoscaler-rule': HEARTBEAT_RULE });

    const policyAlarms = h.fake.monitoring.liveAlarms().filter((a) => tags(a)['autoscaler-rule'] !== HEARTBEAT_RULE);
    expect(await source.ensureHeartbeat(target())).toEqual({ action: 'unchanged', id: created.id, name: 'autoscaler_heartbeat' });
    expect(h.fake.count('UpdateAlarm')).toBe(0);

    await h.clients.monitoring.updateAlarm({ alarmId: created.id, updateAlarmDetails: { body: 'edited by hand', pendingDuration: 'PT5M' } });
    expect(await source.ensureHeartbeat(target())).toEqual({ action: 'updated', id: created.id, name: 'autoscaler_heartbeat' });
    expect(h.fake.monitoring.alarm(created.id)).toMatchObject({ body: hb['body'], pendingDuration: hb['pendingDuration'] });
    // Nothing else was touched.
    for (const a of policyAlarms) expect(h.fake.monitoring.alarm(a['id'] as string)).toEqual(a);
    expect(h.fake.monitoring.liveAlarms().filter((a) => tags(a)['autoscaler-rule'] === HEARTBEAT_RULE)).toHaveLength(2);
  });

  it('validates its configuration by field before any call', async () => {
    const before = h.fake.requests.length;
    const compartmentId = h.fake.ocids.compartment;
    const monitoring = h.clients.monitoring;
    await expect(new OciMonitoringAlarmSource({ compartmentId, topicId }).ensureHeartbeat(target())).rejects.toThrow(
      'invalid monitoring: ensureHeartbeat needs a Monitoring client',
    );
    await expect(new OciMonitoringAlarmSource({ monitoring, compartmentId, metricCompartmentId: 'nope', topicId }).ensureHeartbeat(target())).rejects.toThrow(
      /^invalid metricCompartmentId: /,
    );
    await expect(new OciMonitoringAlarmSource({ monitoring, compartmentId }).ensureHeartbeat(target())).rejects.toThrow(/^invalid topicId: /);
    expect(h.fake.requests.length).toBe(before);
  });
});

describe('ensureAlarms and removeAlarms', () => {
  it('validate their configuration by field before any call', async () => {
    const before = h.fake.requests.length;
    const compartmentId = h.fake.ocids.compartment;
    const monitoring = h.clients.monitoring;
    await expect(new OciMonitoringAlarmSource({ compartmentId, topicId }).ensureAlarms(target(), seedPolicy(dep))).rejects.toThrow(
      'invalid monitoring: ensureAlarms needs a Monitoring client',
    );
    await expect(new OciMonitoringAlarmSource({ monitoring, compartmentId: 'nope', topicId }).ensureAlarms(target(), seedPolicy(dep))).rejects.toThrow(
      /^invalid compartmentId: /,
    );
    await expect(
      new OciMonitoringAlarmSource({ monitoring, compartmentId, metricCompartmentId: 'nope', topicId }).ensureAlarms(target(), seedPolicy(dep)),
    ).rejects.toThrow(/^invalid metricCompartmentId: /);
    await expect(new OciMonitoringAlarmSource({ monitoring, compartmentId }).ensureAlarms(target(), seedPolicy(dep))).rejects.toThrow(/^invalid topicId: /);
    await expect(new OciMonitoringAlarmSource({ compartmentId }).removeAlarms(target())).rejects.toThrow(
      'invalid monitoring: removeAlarms needs a Monitoring client',
    );
    await expect(new OciMonitoringAlarmSource({ monitoring, compartmentId: 'nope' }).removeAlarms(target())).rejects.toThrow(/^invalid compartmentId: /);
    expect(h.fake.requests.length).toBe(before);
  });

  it("ensureAlarms keeps the heartbeat and another deployment's alarms as they are", async () => {
    await source.ensureAlarms(target(other), seedPolicy(other, { highCpu: 70 }));
    const hb = (await source.ensureHeartbeat(target())).id;
    const before = h.fake.monitoring.liveAlarms();
    const changes = await source.ensureAlarms(target(), seedPolicy(dep));
    // Without a capacity every alarm of the plan is wanted.
    expect(changes.map((c) => [c.action, c.name])).toEqual([
      ['created', 'model_deployment_high_cpu'],
      ['created', 'model_deployment_low_cpu'],
      ['created', 'model_deployment_high_mem'],
      ['created', 'model_deployment_low_mem'],
    ]);
    for (const a of before) expect(h.fake.monitoring.alarm(a['id'] as string)).toEqual(a);
    expect(h.fake.monitoring.alarm(hb)).toBeDefined();
  });

  it("an alarm of another policy on the same deployment is replaced by this policy's own", async () => {
    const first = await source.ensureAlarms(target(), { ...seedPolicy(dep), name: 'old' });
    const changes = await source.ensureAlarms(target(), seedPolicy(dep));
    expect(changes.map((c) => c.action)).toEqual(['created', 'created', 'created', 'created', 'deleted', 'deleted', 'deleted', 'deleted']);
    expect(changes.filter((c) => c.action === 'deleted').map((c) => c.id)).toEqual(first.map((c) => c.id));
  });

  it('an alarm tagged for the deployment but not marked managed ("TRUE" counts) is left alone', async () => {
    const users = h.fake.monitoring.seedAlarm({
      ...base(),
      displayName: 'users',
      query: `CpuUtilization[1m]{resourceId = "${dep}"}.max() > 95`,
      freeformTags: { 'autoscaler-managed': 'false', 'autoscaler-target': dep, 'autoscaler-rule': 'high-cpu', 'autoscaler-policy': 'seed' },
    });
    const shouting = h.fake.monitoring.seedAlarm({
      ...base(),
      displayName: 'ours, tagged by hand',
      query: `CpuUtilization[1m]{resourceId = "${dep}"}.max() > 95`,
      freeformTags: { 'autoscaler-managed': 'TRUE', 'autoscaler-target': dep, 'autoscaler-rule': 'gone', 'autoscaler-policy': 'seed' },
    });
    const changes = await source.removeAlarms(target());
    expect(changes).toEqual([{ action: 'deleted', id: shouting, name: 'ours, tagged by hand' }]);
    expect(h.fake.monitoring.alarm(users)).toBeDefined();
  });

  it('removeAlarms deletes the heartbeat too, on every page', async () => {
    const capacity = { replicas: 2, size: 'VM.Standard2.2' };
    const withLows = new OciMonitoringAlarmSource({
      monitoring: h.clients.monitoring,
      compartmentId: h.fake.ocids.compartment,
      topicId,
      capacity: async () => capacity,
    });
    await withLows.ensureAlarms(target(), seedPolicy(dep));
    await withLows.ensureHeartbeat(target());
    const removed = await withLows.removeAlarms(target());
    expect(removed.map((c) => c.name).sort()).toEqual([
      'autoscaler_heartbeat',
      'model_deployment_high_cpu',
      'model_deployment_high_mem',
      'model_deployment_low_cpu',
      'model_deployment_low_mem',
    ]);
    expect(h.fake.monitoring.liveAlarms()).toEqual([]);
  });

  it('failing calls name the call (and the alarm)', async () => {
    h.fake.inject({ op: 'CreateAlarm', status: 400 });
    await expect(source.ensureAlarms(target(), seedPolicy(dep))).rejects.toThrow('CreateAlarm model_deployment_high_cpu: 400');
    h.fake.inject({ op: 'ListAlarms', status: 400 });
    await expect(source.removeAlarms(target())).rejects.toThrow(/^ListAlarms: 400/);
  });

  it('an alarm changed by someone else between read and write is not overwritten (the update is conditional)', async () => {
    const real = h.clients.monitoring;
    let race = false;
    // Someone edits the alarm right after this autoscaler read it.
    const racing = new Proxy(real, {
      get(t, prop, receiver) {
        if (prop !== 'getAlarm') return Reflect.get(t, prop, receiver) as unknown;
        return async (req: { alarmId: string }) => {
          const got = await real.getAlarm(req);
          if (race) await real.updateAlarm({ alarmId: req.alarmId, updateAlarmDetails: { body: 'edited meanwhile' } });
          return got;
        };
      },
    });
    const raced = new OciMonitoringAlarmSource({ monitoring: racing, compartmentId: h.fake.ocids.compartment, topicId });
    const hb = (await raced.ensureHeartbeat(target())).id;
    const high = (await raced.ensureAlarms(target(), seedPolicy(dep))).find((c) => c.name === 'model_deployment_high_cpu')!.id;
    await real.updateAlarm({ alarmId: hb, updateAlarmDetails: { body: 'stale' } });
    race = true;
    await expect(raced.ensureHeartbeat(target())).rejects.toThrow(ConflictError);
    expect(h.fake.monitoring.alarm(hb)!['body']).toBe('edited meanwhile');
    race = false;
    await real.updateAlarm({ alarmId: high, updateAlarmDetails: { body: 'stale' } });
    race = true;
    await expect(raced.ensureAlarms(target(), seedPolicy(dep, { highCpu: 70 }))).rejects.toThrow(ConflictError);
    expect(h.fake.monitoring.alarm(high)!['body']).toBe('edited meanwhile');
  });
});
