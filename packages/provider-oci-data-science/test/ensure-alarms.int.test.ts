import { ValidationError, type Capacity } from '@autoscaler/core';
import { OciMonitoringAlarmSource } from '../src';
import { seedPolicy } from './policies';
import { alarmBase, harness, quietSdk, type Harness } from './support';

quietSdk();

describe('ensureAlarms against the wire fake', () => {
  let h: Harness;
  let dep: string;
  let topicId: string;
  let capacity: Capacity;
  let source: OciMonitoringAlarmSource;
  const names = () =>
    h.fake.monitoring
      .liveAlarms()
      .filter((a) => (a['freeformTags'] as Record<string, string>)['autoscaler-target'] === dep)
      .map((a) => a['displayName'])
      .sort();

  beforeEach(async () => {
    h = await harness({ pageSize: 2 });
    dep = h.fake.dataScience.seedDeployment();
    topicId = h.fake.notifications.seedTopic('autoscaler');
    capacity = { replicas: 1, size: 'VM.Standard2.1' };
    source = new OciMonitoringAlarmSource({
      monitoring: h.clients.monitoring,
      compartmentId: h.fake.ocids.compartment,
      topicId,
      capacity: async () => capacity,
    });
  });
  afterEach(() => h.close());
  const target = () => ({ provider: 'oci-data-science', id: dep });

  it('at the floor creates only the high alarms, tagged as ours, notifying the topic in RAW format', async () => {
    const changes = await source.ensureAlarms(target(), seedPolicy(dep));
    expect(changes.map((c) => [c.action, c.name])).toEqual([
      ['created', 'model_deployment_high_cpu'],
      ['created', 'model_deployment_high_mem'],
    ]);
    const cpu = h.fake.monitoring.alarm(changes[0]!.id)!;
    expect(cpu).toMatchObject({
      namespace: 'oci_datascience_modeldeploy',
      query: `CpuUtilization[5m]{resourceId = "${dep}"}.grouping().mean() > 80`,
      destinations: [topicId],
      messageFormat: 'RAW',
      repeatNotificationDuration: 'PT5M',
      freeformTags: { 'autoscaler-managed': 'true', 'autoscaler-target': dep, 'autoscaler-rule': 'high-cpu', 'autoscaler-policy': 'seed' },
    });
  });

  it('adds the low alarms above the floor, is idempotent, updates a changed rule and deletes lows back at the floor', async () => {
    capacity = { replicas: 2, size: 'VM.Standard2.2' };
    await source.ensureAlarms(target(), seedPolicy(dep));
    expect(names()).toEqual(['model_deployment_high_cpu', 'model_deployment_high_mem', 'model_deployment_low_cpu', 'model_deployment_low_mem']);
    const again = await source.ensureAlarms(target(), seedPolicy(dep));
    expect(again.map((c) => c.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    const changed = await source.ensureAlarms(target(), seedPolicy(dep, { highCpu: 70 }));
    expect(changed.filter((c) => c.action === 'updated').map((c) => c.name)).toEqual(['model_deployment_high_cpu']);
    capacity = { replicas: 1, size: 'VM.Standard2.2' };
    const down = await source.ensureAlarms(target(), seedPolicy(dep, { highCpu: 70 }));
    expect(down.filter((c) => c.action === 'deleted').map((c) => c.name)).toEqual(['model_deployment_low_cpu']);
    expect(names()).toEqual(['model_deployment_high_cpu', 'model_deployment_high_mem', 'model_deployment_low_mem']);
  });

  it('re-creates a low alarm after it was deleted (a retry token outliving its alarm)', async () => {
    capacity = { replicas: 2, size: 'VM.Standard2.1' };
    const first = (await source.ensureAlarms(target(), seedPolicy(dep))).find((c) => c.name === 'model_deployment_low_cpu')!;
    capacity = { replicas: 1, size: 'VM.Standard2.1' };
    await source.ensureAlarms(target(), seedPolicy(dep));
    capacity = { replicas: 2, size: 'VM.Standard2.1' };
    const again = (await source.ensureAlarms(target(), seedPolicy(dep))).find((c) => c.name === 'model_deployment_low_cpu')!;
    expect(again.action).toBe('created');
    expect(again.id).not.toBe(first.id);
    expect(h.fake.monitoring.alarm(again.id)).toBeDefined();
  });

  it('leaves alone alarms that are not ours or belong to another deployment', async () => {
    const other = h.fake.dataScience.seedDeployment();
    const base = alarmBase(h, topicId);
    const users = h.fake.monitoring.seedAlarm({
      ...base,
      displayName: 'model_deployment_high_cpu',
      query: `CpuUtilization[1m]{resourceId = "${dep}"}.max() > 95`,
    });
    const others = h.fake.monitoring.seedAlarm({
      ...base,
      displayName: 'x',
      query: `CpuUtilization[1m]{resourceId = "${other}"}.max() > 95`,
      freeformTags: { 'autoscaler-managed': 'true', 'autoscaler-target': other, 'autoscaler-rule': 'high-cpu', 'autoscaler-policy': 'seed' },
    });
    await source.ensureAlarms(target(), seedPolicy(dep));
    await source.removeAlarms(target());
    expect(h.fake.monitoring.alarm(users)).toBeDefined();
    expect(h.fake.monitoring.alarm(others)).toBeDefined();
    expect(names()).toEqual([]);
  });

  it('two containers ensuring at once make one set of alarms', async () => {
    const twin = new OciMonitoringAlarmSource({
      monitoring: h.clients.monitoring,
      compartmentId: h.fake.ocids.compartment,
      topicId,
      capacity: async () => capacity,
    });
    await Promise.all([source.ensureAlarms(target(), seedPolicy(dep)), twin.ensureAlarms(target(), seedPolicy(dep))]);
    expect(names()).toEqual(['model_deployment_high_cpu', 'model_deployment_high_mem']);
  });

  it('validates ids and configuration before any call', async () => {
    const before = h.fake.requests.length;
    await expect(source.ensureAlarms({ provider: 'oci-data-science', id: `${dep}"}` }, seedPolicy(dep))).rejects.toThrow(ValidationError);
    await expect(
      new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: 'nope', topicId }).ensureAlarms(target(), seedPolicy(dep)),
    ).rejects.toThrow(/compartmentId/);
    await expect(
      new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment }).ensureAlarms(target(), seedPolicy(dep)),
    ).rejects.toThrow(/topicId/);
    expect(h.fake.requests.length).toBe(before);
  });
});
