import fc from 'fast-check';
import { AutoscalerError, ValidationError } from '@autoscaler/core';
import { runAlarmSourceConformance } from '@autoscaler/testing';
import { OciMonitoringAlarmSource } from '../src';
import { parseAlarmMessage } from '../src/alarm-message';
import { DEPLOYMENT, HIGH_CPU_ALARM, fixture, fixtureText, seedWith } from './fixtures';

const source = new OciMonitoringAlarmSource();
const OTHER = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaaotherdeploy0000000000000000000000000000000000000';

function issuesOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    source.parse(raw);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('parse accepted it');
}

runAlarmSourceConformance('oci-monitoring', () => ({
  source,
  valid: [
    fixture('alarm-high-cpu.json'),
    fixtureText('alarm-high-cpu.json'),
    seedWith(DEPLOYMENT, HIGH_CPU_ALARM),
    { title: 'ons', body: fixtureText('alarm-high-cpu.json') },
  ],
  invalid: [
    fixtureText('seed-test-alarm-scale-cpu-up.json'),
    fixture('alarm-raw-grouped.json'),
    fixture('function-delivery-test-alarm.json'),
    { ...fixture('alarm-high-cpu.json'), type: 'PENDING' },
  ],
}));

describe('golden payloads', () => {
  it('parses the ONS-delivered high-CPU alarm', () => {
    expect(source.parse(fixture('alarm-high-cpu.json'))).toEqual([
      {
        target: { provider: 'oci-data-science', id: DEPLOYMENT },
        source: 'oci-monitoring',
        metric: 'CpuUtilization',
        alarm: HIGH_CPU_ALARM,
        alarmName: 'model_deployment_high_cpu',
        state: 'firing',
        threshold: 80,
        dedupeKey: '5f0e6a2c-3f43-4c2e-9d0b-6b7f0d3c9a11@1700000400000',
        at: 1_700_000_400_000,
        dimensions: { resourceId: DEPLOYMENT, instanceId: 'instance:1234567890ABCDEF' },
      },
    ]);
  });

  it('rejects the seed payload as printed, naming each placeholder field', () => {
    const paths = issuesOf(fixtureText('seed-test-alarm-scale-cpu-up.json')).map((i) => i.path);
    expect(paths).toEqual(['alarmMetaData[0].id', 'alarmMetaData[0].dimensions[0].resourceId']);
    expect(issuesOf(fixtureText('seed-test-alarm-scale-cpu-up.json'))[0]!.message).toContain('placeholder "<YOUR_HIGH_CPU_ALARM_OCID>"');
  });

  it('accepts the seed payload with real OCIDs; epoch millis win over the malformed timestamp', () => {
    const [s] = source.parse(seedWith(DEPLOYMENT, HIGH_CPU_ALARM));
    expect(s).toMatchObject({
      target: { id: DEPLOYMENT },
      alarm: HIGH_CPU_ALARM,
      alarmName: 'model_deployment_high_cpu',
      state: 'firing',
      at: 1_657_320_300_000,
      dedupeKey: '12345678-1234-4321-1234-123456789012@1657320300000',
    });
  });

  it('structurally parses every Oracle format (1.0 to 1.5, raw, pretty, split); non-deployment resources are refused by name', () => {
    for (const name of ['alarm-raw-grouped.json', 'alarm-pretty-json-grouped.json', 'alarm-raw-split.json', 'function-delivery-test-alarm.json']) {
      expect(parseAlarmMessage(fixtureText(name)).alarmMetaData.length).toBeGreaterThan(0);
      const issues = issuesOf(fixtureText(name));
      expect(issues.some((i) => /dimensions\[0\]\.resourceId/.test(i.path) && /not a datasciencemodeldeployment OCID/.test(i.message))).toBe(true);
    }
    // The grouped message lists 4 dimension sets: every one is checked, not only the first.
    expect(issuesOf(fixture('alarm-raw-grouped.json')).filter((i) => i.path.includes('resourceId'))).toHaveLength(4);
  });
});

describe('message handling', () => {
  const base = () => fixture('alarm-high-cpu.json');

  it.each([
    ['OK_TO_FIRING', 'FIRING', 'firing'],
    ['REPEAT', 'FIRING', 'firing'],
    ['FIRING_TO_OK', 'OK', 'ok'],
    ['RESET', 'OK', 'ok'],
    ['REPEAT', undefined, 'firing'],
    ['RESET', undefined, 'ok'],
    // The entry status, in any case, wins over the message type.
    ['REPEAT', 'OK', 'ok'],
    ['FIRING_TO_OK', 'FIRING', 'firing'],
    ['RESET', 'firing', 'firing'],
    ['OK_TO_FIRING', 'ok', 'ok'],
    ['OK_TO_FIRING', undefined, 'firing'],
    ['FIRING_TO_OK', 'PENDING', 'ok'],
  ])('type %s status %s -> %s', (type, status, state) => {
    const m = base();
    m['type'] = type;
    const meta = (m['alarmMetaData'] as Array<Record<string, unknown>>)[0]!;
    if (status === undefined) delete meta['status'];
    else meta['status'] = status;
    expect(source.parse(m)[0]!.state).toBe(state);
  });

  it('uses every alarmMetaData entry and every dimension, one signal per (entry, deployment)', () => {
    const m = base();
    const meta = (m['alarmMetaData'] as Array<Record<string, unknown>>)[0]!;
    meta['query'] = 'CpuUtilization[1m].mean() > 80';
    meta['dimensions'] = [{ resourceId: DEPLOYMENT, instanceId: 'a' }, { resourceId: DEPLOYMENT, instanceId: 'b' }, { resourceId: OTHER }];
    meta['metricValues'] = [{ 'CpuUtilization[1m].mean()': '91' }, { 'CpuUtilization[1m].mean()': '95' }, { 'CpuUtilization[1m].mean()': '88' }];
    const second = {
      ...meta,
      id: 'ocid1.alarm.oc1.iad.aaaaaaaahighmem',
      query: `MemoryUtilization[1m]{resourceId = "${OTHER}"}.max() > 90`,
      dimensions: [{ resourceId: OTHER }],
      metricValues: undefined,
    };
    m['alarmMetaData'] = [meta, second];
    const signals = source.parse(m);
    expect(signals.map((s) => [s.target.id, s.metric, s.value])).toEqual([
      [DEPLOYMENT, 'CpuUtilization', 91],
      [OTHER, 'CpuUtilization', 88],
      [OTHER, 'MemoryUtilization', undefined],
    ]);
    expect(new Set(signals.map((s) => s.dedupeKey)).size).toBe(3);
    // Same message again: same keys (a duplicate delivery is recognised).
    expect(source.parse(structuredClone(m)).map((s) => s.dedupeKey)).toEqual(signals.map((s) => s.dedupeKey));
  });

  it('takes the deployment from the query when a grouped alarm has no dimensions', () => {
    const m = base();
    (m['alarmMetaData'] as Array<Record<string, unknown>>)[0]!['dimensions'] = [];
    expect(source.parse(m)[0]!.target.id).toBe(DEPLOYMENT);
  });

  it('refuses a dimension that contradicts the alarm query (a crafted resourceId)', () => {
    const m = base();
    (m['alarmMetaData'] as Array<Record<string, unknown>>)[0]!['dimensions'] = [{ resourceId: OTHER }];
    expect(issuesOf(m)).toEqual([{ path: 'alarmMetaData[0].dimensions[0].resourceId', message: expect.stringContaining('does not match the alarm query') }]);
  });

  it('refuses query injection through a resourceId', () => {
    const m = base();
    const meta = (m['alarmMetaData'] as Array<Record<string, unknown>>)[0]!;
    meta['query'] = 'CpuUtilization[1m].mean() > 80';
    meta['dimensions'] = [{ resourceId: `${DEPLOYMENT}"} || CpuUtilization[1m]{resourceId = "x` }];
    expect(issuesOf(m)[0]!.path).toBe('alarmMetaData[0].dimensions[0].resourceId');
  });

  it('a new REPEAT is a new delivery; the same delivery twice is not', () => {
    const first = source.parse(base())[0]!;
    const repeat = { ...base(), type: 'REPEAT', timestampEpochMillis: 1_700_000_700_000 };
    expect(source.parse(repeat)[0]!.dedupeKey).not.toBe(first.dedupeKey);
    expect(source.parse(base())[0]!.dedupeKey).toBe(first.dedupeKey);
  });

  it('identifies the rule by alarm OCID and keeps the title only as alarmName', () => {
    const forged = { ...base(), title: 'model_deployment_low_cpu' };
    const [s] = source.parse(forged);
    expect(s!.alarm).toBe(HIGH_CPU_ALARM);
    expect(s!.alarmName).toBe('model_deployment_low_cpu');
  });

  it.each([
    ['no timestamp at all', (m: Record<string, unknown>) => (delete m['timestampEpochMillis'], delete m['timestamp']), 'timestampEpochMillis'],
    [
      'a malformed timestamp alone',
      (m: Record<string, unknown>) => (delete m['timestampEpochMillis'], (m['timestamp'] = '2022-07-08T22: 45: 00Z')),
      'timestampEpochMillis',
    ],
    ['an unknown type', (m: Record<string, unknown>) => (m['type'] = 'OK_TO_PANIC'), 'type'],
    ['no alarmMetaData', (m: Record<string, unknown>) => delete m['alarmMetaData'], 'alarmMetaData'],
    ['an empty dedupeKey', (m: Record<string, unknown>) => (m['dedupeKey'] = ''), 'dedupeKey'],
    [
      'a query that is not MQL',
      (m: Record<string, unknown>) => ((m['alarmMetaData'] as Array<Record<string, unknown>>)[0]!['query'] = 'select * from metrics'),
      'alarmMetaData[0].query',
    ],
  ])('names the field for %s', (_, change, path) => {
    const m = base();
    change(m);
    expect(issuesOf(m).map((i) => i.path)).toContain(path);
  });

  it('falls back to a valid ISO timestamp when epoch millis are missing', () => {
    const m = base();
    delete m['timestampEpochMillis'];
    expect(source.parse(m)[0]!.at).toBe(Date.parse('2023-11-14T22:20:00Z'));
  });

  it('unwraps a Notifications MessageDetails body, bytes and double-encoded JSON', () => {
    const text = fixtureText('alarm-high-cpu.json');
    for (const raw of [{ title: 'x', body: text }, Buffer.from(text), new Uint8Array(Buffer.from(text)), JSON.stringify(text)]) {
      expect(source.parse(raw)[0]!.target.id).toBe(DEPLOYMENT);
    }
  });

  it('fuzz: mutated seed and high-CPU messages give well-formed signals or a ValidationError', () => {
    const seeds = [fixture('alarm-high-cpu.json'), JSON.parse(seedWith(DEPLOYMENT, HIGH_CPU_ALARM)) as Record<string, unknown>];
    const fieldArb = fc.constantFrom('dedupeKey', 'type', 'timestampEpochMillis', 'timestamp', 'alarmMetaData', 'title', 'version');
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fieldArb, fc.jsonValue(), (seed, field, value) => {
        const m = structuredClone(seed);
        m[field] = value;
        try {
          for (const s of source.parse(m)) {
            expect(s.target.id).toMatch(/^ocid1\.datasciencemodeldeployment\./);
            expect(Number.isFinite(s.at)).toBe(true);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(AutoscalerError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
