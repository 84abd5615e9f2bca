import { ManualClock, ValidationError, type Signal } from '@autoscaler/core';
import type { MonitoringClient } from 'oci-monitoring';
import { OciMonitoringAlarmSource } from '../src';
import { DEPLOYMENT, HIGH_CPU_ALARM, fixture } from './fixtures';
import { firingSignalFor } from './support';

/**
 * Cases found by mutation testing of alarm-source.ts (bench/MUTATION.md): the exact wording of
 * parse's refusals, dimensions without a resourceId, a deployment taken from the query, and
 * fields a signal must not carry when the message has none.
 */
const source = new OciMonitoringAlarmSource();
const OTHER = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaaotherdeploy0000000000000000000000000000000000000';

type Meta = Record<string, unknown>;
function message(change: (meta: Meta, m: Record<string, unknown>) => void): Record<string, unknown> {
  const m = fixture('alarm-high-cpu.json');
  change((m['alarmMetaData'] as Meta[])[0]!, m);
  return m;
}

function refusal(raw: unknown): ValidationError {
  let refused: unknown = 'parse accepted it';
  try {
    source.parse(raw);
  } catch (e) {
    refused = e;
  }
  expect(refused).toBeInstanceOf(ValidationError);
  return refused as ValidationError;
}

describe('parse: refusals name the field and say why', () => {
  it('a missing query is reported as missing, not as unreadable', () => {
    const e = refusal(message((meta) => delete meta['query']));
    expect(e.message).toMatch(/^alarm message rejected: nothing was scaled/);
    expect(e.issues).toContainEqual({ path: 'alarmMetaData[0].query', message: 'is missing: cannot tell which metric the alarm watches' });
  });

  it('a query that is not MQL says what an alarm query looks like', () => {
    expect(refusal(message((meta) => (meta['query'] = 'select 1'))).issues).toContainEqual({
      path: 'alarmMetaData[0].query',
      message: 'is not an MQL alarm query like CpuUtilization[5m]{resourceId = "..."}.mean() > 80',
    });
  });

  it('no dimensions and no resourceId in the query: the dimensions are named', () => {
    const e = refusal(
      message((meta) => {
        meta['query'] = 'CpuUtilization[1m].mean() > 80';
        meta['dimensions'] = [{ instanceId: 'a' }];
      }),
    );
    expect(e.issues).toEqual([{ path: 'alarmMetaData[0].dimensions', message: 'name no model deployment (no resourceId dimension, and none in the query)' }]);
  });

  it('a query naming something that is not a deployment is refused at the query', () => {
    const e = refusal(
      message((meta) => {
        meta['query'] = `CpuUtilization[1m]{resourceId = "${HIGH_CPU_ALARM}"}.mean() > 80`;
        meta['dimensions'] = [];
      }),
    );
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe('alarmMetaData[0].query');
    expect(e.issues[0]!.message).toMatch(/^resourceId: .*not a datasciencemodeldeployment OCID/);
  });

  it("a contradicting dimension quotes at most 120 characters of the query's resourceId", () => {
    const long = `${DEPLOYMENT}${'x'.repeat(150)}`;
    const e = refusal(
      message((meta) => {
        meta['query'] = `CpuUtilization[1m]{resourceId = "${long}"}.mean() > 80`;
        meta['dimensions'] = [{ resourceId: OTHER }];
      }),
    );
    expect(e.issues).toContainEqual({
      path: 'alarmMetaData[0].dimensions[0].resourceId',
      message: `does not match the alarm query's resourceId "${long.slice(0, 120)}"`,
    });
  });
});

describe('parse: dimensions and optional fields', () => {
  it.each([
    ['without a resourceId', { instanceId: 'a' }],
    ['with a null resourceId', { resourceId: null, instanceId: 'a' }],
  ])('a dimension set %s is skipped: the deployment comes from the query, with the first metric value and no dimensions', (_, dim) => {
    const [s, ...rest] = source.parse(
      message((meta) => {
        meta['dimensions'] = [dim, { instanceId: 'b' }];
        meta['metricValues'] = [{ 'CpuUtilization[5m].mean()': '91' }, { 'CpuUtilization[5m].mean()': '95' }];
      }),
    );
    expect(rest).toEqual([]);
    expect(s!.target.id).toBe(DEPLOYMENT);
    expect(s!.value).toBe(91);
    expect(s).not.toHaveProperty('dimensions');
  });

  it('a null dimension value is dropped, not turned into "null"', () => {
    const [s] = source.parse(message((meta) => (meta['dimensions'] = [{ resourceId: DEPLOYMENT, instanceId: null }])));
    expect(s!.dimensions).toStrictEqual({ resourceId: DEPLOYMENT });
  });

  it('no title, no threshold, no metric value: the signal has no such fields', () => {
    const [s] = source.parse(
      message((meta, m) => {
        delete m['title'];
        meta['query'] = `CpuUtilization[5m]{resourceId = "${DEPLOYMENT}"}.mean()`;
      }),
    );
    expect(s!.target.id).toBe(DEPLOYMENT);
    expect(s).not.toHaveProperty('alarmName');
    expect(s).not.toHaveProperty('threshold');
    expect(s).not.toHaveProperty('value');
  });
});

/** The high-CPU alarm of DEPLOYMENT as GetAlarm returns it. */
const HIGH_CPU_DEFINITION = {
  id: HIGH_CPU_ALARM,
  compartmentId: 'ocid1.compartment.oc1..aaaa',
  metricCompartmentId: 'ocid1.compartment.oc1..aaaa',
  namespace: 'oci_datascience_modeldeploy',
  displayName: 'model_deployment_high_cpu',
  query: `CpuUtilization[5m]{resourceId = "${DEPLOYMENT}"}.mean() > 80`,
  lifecycleState: 'ACTIVE',
};

/** A FIRING signal for the high-CPU alarm of DEPLOYMENT, as parse makes it, at the clock's time. */
function firingSignal(clock: ManualClock, over: Partial<Signal> = {}): Signal {
  return firingSignalFor(DEPLOYMENT, HIGH_CPU_ALARM, clock.now(), over);
}

describe('verify without Monitoring and against a Monitoring that answers oddly', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0));
  const signal = (over: Partial<Signal> = {}): Signal => firingSignal(clock, over);

  it('with no Monitoring client, only the time is checked and the signals come back as they are', async () => {
    const plain = new OciMonitoringAlarmSource({ clock });
    await expect(plain.verify([signal()])).resolves.toEqual([signal()]);
  });

  it('the time refusal says how far ahead is allowed, in seconds', async () => {
    const plain = new OciMonitoringAlarmSource({ clock });
    const e = await plain.verify([signal({ at: clock.now() + 10 * 60_000 })]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).message).toMatch(/^alarm message refused: nothing was scaled/);
    expect((e as ValidationError).issues[0]!.message).toMatch(/in the future \(more than 120 s ahead of this clock\)$/);
  });

  /** A Monitoring client answering GetAlarm with `alarm` and counting the other calls. */
  function monitoringWith(alarm: Record<string, unknown>): { monitoring: MonitoringClient; calls: string[] } {
    const calls: string[] = [];
    const monitoring = {
      getAlarm: async () => (calls.push('GetAlarm'), { alarm, etag: 'e' }),
      listAlarmsStatus: async () => (calls.push('ListAlarmsStatus'), { items: [{ id: alarm['id'], status: 'FIRING' }] }),
      summarizeMetricsData: async () => (calls.push('SummarizeMetricsData'), { items: [] }),
    } as unknown as MonitoringClient;
    return { monitoring, calls };
  }
  const alarm = HIGH_CPU_DEFINITION;

  it('an alarm GetAlarm returns as DELETED is no such alarm, and its status is not even asked for', async () => {
    const { monitoring, calls } = monitoringWith({ ...alarm, lifecycleState: 'DELETED' });
    const e = await new OciMonitoringAlarmSource({ monitoring, clock }).verify([signal()]).catch((x: unknown) => x);
    expect((e as ValidationError).issues).toEqual([
      { path: `alarmMetaData[id=${HIGH_CPU_ALARM}].id`, message: 'no such alarm in Monitoring (deleted, or not readable by this function)' },
    ]);
    expect(calls).toEqual(['GetAlarm']);
  });

  it('an alarm whose query this autoscaler cannot read is refused at the query', async () => {
    const { monitoring } = monitoringWith({ ...alarm, query: 'not mql at all' });
    const e = await new OciMonitoringAlarmSource({ monitoring, clock }).verify([signal()]).catch((x: unknown) => x);
    expect((e as ValidationError).issues).toEqual([
      { path: `alarmMetaData[id=${HIGH_CPU_ALARM}].query`, message: 'the alarm in Monitoring has a query this autoscaler cannot read' },
    ]);
  });
});

describe('parse: state, metric values and delivery keys', () => {
  it('one metric value (message versions before 1.5) applies to every deployment of the entry; a non-number is skipped', () => {
    const signals = source.parse(
      message((meta) => {
        meta['query'] = 'CpuUtilization[1m].mean() > 80';
        meta['dimensions'] = [{ resourceId: DEPLOYMENT }, { resourceId: OTHER }];
        meta['metricValues'] = [{ label: 'n/a', 'CpuUtilization[1m].mean()': '91.5' }];
      }),
    );
    expect(signals.map((s) => [s.target.id, s.value])).toEqual([
      [DEPLOYMENT, 91.5],
      [OTHER, 91.5],
    ]);
  });

  it('the keys of one delivery split over several deployments are short, printable and distinct', () => {
    const signals = source.parse(
      message((meta) => {
        meta['query'] = 'CpuUtilization[1m].mean() > 80';
        meta['dimensions'] = [{ resourceId: DEPLOYMENT }, { resourceId: OTHER }];
      }),
    );
    const keys = signals.map((s) => s.dedupeKey);
    for (const k of keys) expect(k).toMatch(/^5f0e6a2c-3f43-4c2e-9d0b-6b7f0d3c9a11@1700000400000#0\/[0-9a-f]{10}$/);
    expect(new Set(keys).size).toBe(2);
  });
});

describe('verify: the value comes from the newest finite datapoint', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0));
  it('whatever the order Monitoring returns them in', async () => {
    const t = (m: number) => new Date(clock.now() - m * 60_000).toISOString();
    const summarize: unknown[] = [];
    const monitoring = {
      getAlarm: async () => ({
        alarm: HIGH_CPU_DEFINITION,
      }),
      listAlarmsStatus: async () => ({ items: [{ id: HIGH_CPU_ALARM, status: 'FIRING' }] }),
      summarizeMetricsData: async (req: unknown) => (
        summarize.push(req),
        {
          items: [
            {
              aggregatedDatapoints: [
                { timestamp: t(3), value: 50 },
                { timestamp: t(2), value: 70 },
              ],
            },
            {
              aggregatedDatapoints: [
                { timestamp: t(3), value: 60 },
                { timestamp: t(2), value: 80 },
                { timestamp: t(1), value: Number.NaN },
              ],
            },
          ],
        }
      ),
    } as unknown as MonitoringClient;
    const [v] = await new OciMonitoringAlarmSource({ monitoring, clock }).verify([firingSignal(clock)]);
    expect(v!.value).toBe(70);
    expect(summarize).toHaveLength(1);
  });
});

describe('listing our alarms', () => {
  it('a Monitoring that always answers with a next page is read for at most 1000 pages', async () => {
    let calls = 0;
    const monitoring = {
      listAlarms: async () => (calls++, { items: [], opcNextPage: `p${calls}` }),
    } as unknown as MonitoringClient;
    const changes = await new OciMonitoringAlarmSource({ monitoring, compartmentId: 'ocid1.compartment.oc1..aaaaaaaa' }).removeAlarms({
      provider: 'oci-data-science',
      id: DEPLOYMENT,
    });
    expect(changes).toEqual([]);
    expect(calls).toBe(1000);
  });
});
