import type { Signal } from '@autoscaler/core';
import { OciMonitoringAlarmSource } from '../src';
import { harness, quietSdk, type Harness } from './support';

/** verify of a heartbeat delivered twice in one batch (found by mutation testing, bench/MUTATION.md). */
quietSdk();

let h: Harness;
afterEach(() => h.close());

it('one evaluation per deployment, carrying the first delivery of the batch', async () => {
  h = await harness();
  const dep = h.fake.dataScience.seedDeployment();
  const topicId = h.fake.notifications.seedTopic('autoscaler');
  const source = new OciMonitoringAlarmSource({ monitoring: h.clients.monitoring, compartmentId: h.fake.ocids.compartment, topicId, clock: h.clock });
  const hb = (await source.ensureHeartbeat({ provider: 'oci-data-science', id: dep })).id;
  h.fake.monitoring.setAlarmState(hb, true);
  const delivery = (dedupeKey: string): Signal => ({
    target: { provider: 'oci-data-science', id: dep },
    source: 'oci-monitoring',
    metric: 'CpuUtilization',
    alarm: hb,
    state: 'firing',
    value: 1,
    threshold: 0,
    dedupeKey,
    at: h.clock.now(),
  });
  const out = await source.verify([delivery('first'), delivery('second')]);
  expect(out).toEqual([
    {
      target: { provider: 'oci-data-science', id: dep },
      source: 'oci-monitoring',
      metric: 'CpuUtilization',
      alarm: hb,
      alarmName: 'autoscaler_heartbeat',
      state: 'evaluate',
      dedupeKey: 'first',
      at: h.clock.now(),
    },
  ]);
});
