import type { MonitoringClient } from 'oci-monitoring';
import { OciMonitoringAlarmSource } from '../src';
import { HEARTBEAT_RULE } from '../src/heartbeat';
import { seedPolicy } from './policies';
import { alarmBase, firingSignalFor, harness, quietSdk, type Harness } from './support';

/**
 * Survivors of the mutation run of alarm-source.ts (bench/MUTATION.md), against the wire fake:
 * which call a failure names, ListAlarmsStatus paging, an alarm listed without tags, a query
 * without a condition, and which hand edits of our alarms ensureAlarms puts back.
 */
quietSdk();

let h: Harness;
let dep: string;
let topicId: string;
let source: OciMonitoringAlarmSource;

beforeEach(async () => {
  h = await harness({ pageSize: 2 });
  dep = h.fake.dataScience.seedDeployment();
  topicId = h.fake.notifications.seedTopic('autoscaler');
  source = new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment, topicId, clock: h.clock });
});
afterEach(() => h.close());

const target = (id = dep) => ({ provider: 'oci-data-science', id });
const cpuQuery = (threshold: number) => `CpuUtilization[1m]{resourceId = "${dep}"}.max() > ${threshold}`;

/** Seed `n` alarms on the deployment, FIRING; returns their ids in listing order. */
function firingAlarms(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const id = h.fake.monitoring.seedAlarm({ ...alarmBase(h, topicId), displayName: `hot_${i}`, query: cpuQuery(90) });
    h.fake.monitoring.setAlarmState(id, true);
    return id;
  });
}

async function policyAlarms(): Promise<Map<string, string>> {
  return new Map((await source.ensureAlarms(target(), seedPolicy(dep))).map((c) => [c.name, c.id]));
}

describe('verify: ListAlarmsStatus', () => {
  it('reads every page: an alarm FIRING on the second page is confirmed', async () => {
    const ids = firingAlarms(3);
    const [v] = await source.verify([firingSignalFor(dep, ids[2]!, h.clock.now())]);
    expect(v).toMatchObject({ alarmName: 'hot_2', state: 'firing', threshold: 90 });
    expect(h.fake.count('ListAlarmsStatus')).toBe(2);
  });

  it('reads at most 50 pages: what lies beyond is not confirmed FIRING (fails closed, never loops on)', async () => {
    await h.close();
    h = await harness({ pageSize: 1 });
    dep = h.fake.dataScience.seedDeployment();
    source = new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, clock: h.clock });
    const ids = firingAlarms(52);
    const e = await source.verify([firingSignalFor(dep, ids[50]!, h.clock.now())]).catch((x: unknown) => x);
    expect(e).toMatchObject({
      issues: [{ path: `alarmMetaData[id=${ids[50]}].status`, message: expect.stringMatching(/^the message says FIRING but Monitoring has/) }],
    });
    expect(h.fake.count('ListAlarmsStatus')).toBe(50);
  });

  it('a failing ListAlarmsStatus names the call', async () => {
    const [id] = firingAlarms(1);
    h.fake.inject({ op: 'ListAlarmsStatus', status: 400 });
    await expect(source.verify([firingSignalFor(dep, id!, h.clock.now())])).rejects.toThrow(/^ListAlarmsStatus: 400/);
  });

  it("an alarm whose query has no condition (absent()) gives no threshold, not the message's", async () => {
    const id = h.fake.monitoring.seedAlarm({
      ...alarmBase(h, topicId),
      displayName: 'cpu_absent',
      query: `CpuUtilization[1m]{resourceId = "${dep}"}.absent()`,
    });
    h.fake.monitoring.setAlarmState(id, true);
    const [v] = await source.verify([firingSignalFor(dep, id, h.clock.now(), { threshold: 1 })]);
    expect(v).toMatchObject({ alarmName: 'cpu_absent', state: 'firing' });
    expect(Object.keys(v!)).not.toContain('threshold');
  });
});

describe('alarm upkeep: a failing call names the call and the alarm', () => {
  it.each([
    ['ensureHeartbeat', 'GetAlarm', false],
    ['ensureHeartbeat', 'UpdateAlarm', true],
  ] as const)('%s: %s', async (_, op, edited) => {
    const hb = (await source.ensureHeartbeat(target())).id;
    if (edited) await h.clients.monitoring.updateAlarm({ alarmId: hb, updateAlarmDetails: { body: 'edited by hand' } });
    h.fake.inject({ op, status: 400 });
    await expect(source.ensureHeartbeat(target())).rejects.toThrow(`${op} ${hb}: 400`);
  });

  it('ensureAlarms: GetAlarm', async () => {
    const high = (await policyAlarms()).get('model_deployment_high_cpu');
    h.fake.inject({ op: 'GetAlarm', status: 400 });
    await expect(source.ensureAlarms(target(), seedPolicy(dep))).rejects.toThrow(`GetAlarm ${high}: 400`);
  });

  it('ensureAlarms: UpdateAlarm', async () => {
    const high = (await policyAlarms()).get('model_deployment_high_cpu');
    h.fake.inject({ op: 'UpdateAlarm', status: 400 });
    await expect(source.ensureAlarms(target(), seedPolicy(dep, { highCpu: 70 }))).rejects.toThrow(`UpdateAlarm ${high}: 400`);
  });

  it('ensureAlarms: DeleteAlarm of an alarm the policy no longer wants', async () => {
    const old = (await source.ensureAlarms(target(), { ...seedPolicy(dep), name: 'old' }))[0]!.id;
    h.fake.inject({ op: 'DeleteAlarm', status: 400 });
    await expect(source.ensureAlarms(target(), seedPolicy(dep))).rejects.toThrow(`DeleteAlarm ${old}: 400`);
  });

  it('removeAlarms: DeleteAlarm', async () => {
    const high = (await policyAlarms()).get('model_deployment_high_cpu');
    h.fake.inject({ op: 'DeleteAlarm', status: 400 });
    await expect(source.removeAlarms(target())).rejects.toThrow(`DeleteAlarm ${high}: 400`);
  });

  it('ensureAlarms: the second CreateAlarm, after a retry token answered with a deleted alarm', async () => {
    await policyAlarms();
    await source.removeAlarms(target());
    const real = h.clients.monitoring;
    // The fault waits until the stale token has answered: only the fresh create fails.
    const failingRetry = new Proxy(real, {
      get(t, prop, receiver) {
        if (prop !== 'createAlarm') return Reflect.get(t, prop, receiver) as unknown;
        return async (req: Parameters<MonitoringClient['createAlarm']>[0]) => {
          const res = await real.createAlarm(req);
          if (String(res.alarm.lifecycleState) === 'DELETED') h.fake.inject({ op: 'CreateAlarm', status: 400 });
          return res;
        };
      },
    });
    const retrying = new OciMonitoringAlarmSource({ monitoring: failingRetry, compartmentId: h.fake.ocids.compartment, topicId });
    await expect(retrying.ensureAlarms(target(), seedPolicy(dep))).rejects.toThrow(/^CreateAlarm model_deployment_high_cpu: 400/);
  });

  it('a fresh retry token, not none, when a stale one answers with a deleted alarm', async () => {
    const real = h.clients.monitoring;
    const tokens: Array<string | undefined> = [];
    const recording = new Proxy(real, {
      get(t, prop, receiver) {
        if (prop !== 'createAlarm') return Reflect.get(t, prop, receiver) as unknown;
        return (req: Parameters<MonitoringClient['createAlarm']>[0]) => {
          tokens.push(req.opcRetryToken);
          return real.createAlarm(req);
        };
      },
    });
    source = new OciMonitoringAlarmSource({ monitoring: recording, compartmentId: h.fake.ocids.compartment, topicId });
    for (let round = 0; round < 3; round++) {
      const ids = await policyAlarms();
      for (const id of ids.values()) expect(h.fake.monitoring.alarm(id)).toBeDefined();
      await source.removeAlarms(target());
    }
    // Round 1 creates four alarms with a token each; rounds 2 and 3 get each stale answer, then create with a fresh token.
    expect(tokens).toHaveLength(4 + 8 + 8);
    const [first, ...later] = [tokens.slice(0, 4), tokens.slice(4, 12), tokens.slice(12)];
    for (const round of later) {
      round.forEach((token, i) => {
        expect(token).toMatch(/^[0-9a-z]{25,64}$/);
        if (i % 2 === 0) expect(token).toBe(first[i / 2]);
        else expect(token).not.toBe(first[(i - 1) / 2]);
      });
    }
    expect(new Set(later.flatMap((round) => round.filter((_, i) => i % 2 === 1))).size).toBe(8);
  });

  it.each([
    ['ensureHeartbeat', (s: OciMonitoringAlarmSource) => s.ensureHeartbeat(target('nope'))],
    ['ensureAlarms', (s: OciMonitoringAlarmSource) => s.ensureAlarms(target('nope'), seedPolicy(dep))],
    ['removeAlarms', (s: OciMonitoringAlarmSource) => s.removeAlarms(target('nope'))],
  ])('%s names target.id when the id is not a deployment OCID, before any call', async (_, run) => {
    await expect(run(source)).rejects.toThrow(/^invalid target.id: /);
    expect(h.fake.requests).toEqual([]);
  });

  it('ensureHeartbeat names compartmentId when it is not a compartment OCID', async () => {
    const bad = new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: 'nope', topicId });
    await expect(bad.ensureHeartbeat(target())).rejects.toThrow(/^invalid compartmentId: /);
  });
});

describe('alarm upkeep: listed alarms', () => {
  it('an alarm listed without freeformTags (optional in AlarmSummary) is not ours and is left alone', async () => {
    const bare = h.fake.monitoring.seedAlarm({ ...alarmBase(h, topicId), displayName: 'untagged', query: cpuQuery(95), freeformTags: undefined });
    expect((await h.clients.monitoring.listAlarms({ compartmentId: h.fake.ocids.compartment })).items[0]).not.toHaveProperty('freeformTags');
    await policyAlarms();
    await source.ensureHeartbeat(target());
    expect((await source.removeAlarms(target())).map((c) => c.name)).toHaveLength(5);
    expect(h.fake.monitoring.liveAlarms().map((a) => a['id'])).toEqual([bare]);
  });
});

describe('ensureAlarms compares what it wants with what Monitoring has', () => {
  type Edit = (id: string, alarm: Record<string, unknown>) => Record<string, unknown>;
  const tagsOf = (alarm: Record<string, unknown>) => alarm['freeformTags'] as Record<string, string>;
  it.each<[string, Edit, 'unchanged' | 'updated']>([
    ['the same tags in another order: unchanged', (_, a) => ({ freeformTags: Object.fromEntries(Object.entries(tagsOf(a)).reverse()) }), 'unchanged'],
    ['a tag value changed ("TRUE" is still ours): updated', (_, a) => ({ freeformTags: { ...tagsOf(a), 'autoscaler-managed': 'TRUE' } }), 'updated'],
    ['another notification topic: updated', () => ({ destinations: [h.fake.notifications.seedTopic('elsewhere')] }), 'updated'],
    ['disabled by hand: updated', () => ({ isEnabled: false }), 'updated'],
  ])('%s', async (_, edit, expected) => {
    const high = (await policyAlarms()).get('model_deployment_high_cpu')!;
    const before = h.fake.monitoring.alarm(high)!;
    await h.clients.monitoring.updateAlarm({ alarmId: high, updateAlarmDetails: edit(high, before) });
    const edited = h.fake.monitoring.alarm(high)!;
    expect(JSON.stringify(edited)).not.toBe(JSON.stringify(before));
    const changes = await source.ensureAlarms(target(), seedPolicy(dep));
    expect(changes.find((c) => c.id === high)!.action).toBe(expected);
    expect(changes.filter((c) => c.id !== high).map((c) => c.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const after = h.fake.monitoring.alarm(high)!;
    for (const k of ['destinations', 'isEnabled', 'freeformTags']) expect(after[k]).toEqual(before[k]);
    if (expected === 'unchanged') expect(Object.keys(tagsOf(after))).toEqual(Object.keys(tagsOf(edited)));
  });

  it('a field Monitoring answers as null (a body cleared by hand) is put back', async () => {
    const high = (await policyAlarms()).get('model_deployment_high_cpu')!;
    const body = h.fake.monitoring.alarm(high)!['body'];
    await h.clients.monitoring.updateAlarm({ alarmId: high, updateAlarmDetails: { body: null as unknown as string } });
    expect(h.fake.monitoring.alarm(high)!['body']).toBeNull();
    const changes = await source.ensureAlarms(target(), seedPolicy(dep));
    expect(changes.find((c) => c.id === high)!.action).toBe('updated');
    expect(h.fake.monitoring.alarm(high)!['body']).toBe(body);
  });

  it('the heartbeat is compared the same way', async () => {
    const hb = (await source.ensureHeartbeat(target())).id;
    await h.clients.monitoring.updateAlarm({ alarmId: hb, updateAlarmDetails: { isEnabled: false } });
    expect((await source.ensureHeartbeat(target())).action).toBe('updated');
    expect(h.fake.monitoring.alarm(hb)!['isEnabled']).toBe(true);
    expect(h.fake.monitoring.alarm(hb)!['freeformTags']).toMatchObject({ 'autoscaler-rule': HEARTBEAT_RULE });
  });
});
