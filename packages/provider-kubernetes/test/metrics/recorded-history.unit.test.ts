import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { DEFAULT_HISTORY_BYTES, DEFAULT_HISTORY_MINUTES, MemoryAlarmHistory } from '../../src/metrics/alarm-history';
import { RecordedMetricSource, recordedMetricsOf } from '../../src/metrics/metric-sources';

const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
const MIN = 60_000;
const REF = { provider: 'kubernetes', id: 'ml/deployment/model-server' };

describe('per-minute history (the predictive rule without Prometheus)', () => {
  it('averages the samples of each minute, merges a minute across runs, serves it as a MetricSource', async () => {
    const h = new MemoryAlarmHistory();
    h.recordMinute(REF.id, 'cpu_cores_total', T0 + 2_000, 1);
    h.recordMinute(REF.id, 'cpu_cores_total', T0 + 17_000, 3);
    h.recordMinute(REF.id, 'cpu_cores_total', T0 + 2 * MIN + 5_000, 4);
    // The next CronJob run restores and adds to the same minute: (4 + 8) / 2.
    const next = new MemoryAlarmHistory();
    next.restore(h.serialize());
    next.recordMinute(REF.id, 'cpu_cores_total', T0 + 2 * MIN + 35_000, 8);
    // An older sample than the newest minute is dropped, not reordered.
    next.recordMinute(REF.id, 'cpu_cores_total', T0 + MIN, 100);
    const source = new RecordedMetricSource(next);
    await expect(source.history(REF, { metric: 'cpu_cores_total', from: T0, to: T0 + 3 * MIN, periodSeconds: 60 })).resolves.toEqual([
      { at: T0, value: 2 },
      { at: T0 + 2 * MIN, value: 6 },
    ]);
    // Five-minute periods are the mean of their minutes; an incomplete period is not served.
    await expect(source.history(REF, { metric: 'cpu_cores_total', from: T0, to: T0 + 5 * MIN, periodSeconds: 300 })).resolves.toEqual([{ at: T0, value: 4 }]);
    await expect(source.history(REF, { metric: 'cpu_cores_total', from: T0, to: T0 + 4 * MIN, periodSeconds: 300 })).resolves.toEqual([]);
  });

  it('refuses requests (needs Prometheus), unknown metrics, odd periods and other providers with errors naming the field', async () => {
    const source = new RecordedMetricSource(new MemoryAlarmHistory());
    await expect(source.history(REF, { metric: 'requests', from: T0, to: T0 + MIN, periodSeconds: 60 })).rejects.toThrow(
      /need Prometheus \(AUTOSCALER_PROMETHEUS_URL\)/,
    );
    await expect(source.history(REF, { metric: 'gpu', from: T0, to: T0 + MIN, periodSeconds: 60 })).rejects.toThrow(ValidationError);
    await expect(source.history(REF, { metric: 'cpu', from: T0, to: T0 + MIN, periodSeconds: 90 })).rejects.toThrow(/periodSeconds/);
    await expect(source.history({ provider: 'oci', id: REF.id }, { metric: 'cpu', from: T0, to: T0 + MIN, periodSeconds: 60 })).rejects.toThrow(
      /target.provider/,
    );
    await expect(source.history({ provider: 'kubernetes', id: 'ml/pod/x' }, { metric: 'cpu', from: T0, to: T0 + MIN, periodSeconds: 60 })).rejects.toThrow(
      ValidationError,
    );
  });

  it('keeps at most historyMinutes per series (3 days + 1 hour by default)', () => {
    expect(DEFAULT_HISTORY_MINUTES).toBe(4380);
    const h = new MemoryAlarmHistory(10);
    for (let i = 0; i < 30; i++) h.recordMinute(REF.id, 'cpu', T0 + i * MIN, i);
    expect(h.minutePoints(REF.id, 'cpu', 0, Infinity).map((p) => p.value)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  });

  it("what fits in a ConfigMap: three days of one series is ~26 KB; 60 series fit the 900 KB budget by keeping each one's newest minutes", () => {
    const full = new MemoryAlarmHistory();
    for (let i = 0; i < DEFAULT_HISTORY_MINUTES; i++) full.recordMinute(REF.id, 'cpu', T0 + i * MIN, 50 + (i % 50) + 0.37);
    const one = full.serialize().length;
    expect(one).toBeGreaterThan(20_000);
    expect(one).toBeLessThan(32_000);

    const h = new MemoryAlarmHistory();
    for (let t = 0; t < 60; t++)
      for (let i = 0; i < DEFAULT_HISTORY_MINUTES; i++) h.recordMinute(`ns${t}/deployment/w`, 'cpu', T0 + i * MIN, 50 + (i % 50) + 0.37);
    const text = h.serialize();
    expect(text.length).toBeLessThanOrEqual(DEFAULT_HISTORY_BYTES);
    const back = new MemoryAlarmHistory();
    back.restore(text);
    const kept = back.minutePoints('ns0/deployment/w', 'cpu', 0, Infinity);
    // Every series lost its oldest minutes alike, and still ends at the newest one.
    expect(kept.length).toBeGreaterThan(1440);
    expect(kept.length).toBeLessThan(DEFAULT_HISTORY_MINUTES);
    expect(back.minutePoints('ns59/deployment/w', 'cpu', 0, Infinity)).toHaveLength(kept.length);
    expect(kept.at(-1)!.at).toBe(T0 + (DEFAULT_HISTORY_MINUTES - 1) * MIN);
  });

  it('restores the older alarm-only format, and gaps stay gaps', () => {
    const h = new MemoryAlarmHistory();
    h.restore(JSON.stringify({ 'ml/deployment/x|cpu|up': [[1000, 90]] }));
    expect(h.samples('ml/deployment/x|cpu|up')).toEqual([{ at: 1_000_000, value: 90 }]);
    h.recordMinute(REF.id, 'cpu', T0, 1);
    h.recordMinute(REF.id, 'cpu', T0 + 3 * MIN, 2);
    const back = new MemoryAlarmHistory();
    back.restore(h.serialize());
    expect(back.minutePoints(REF.id, 'cpu', 0, Infinity)).toEqual([
      { at: T0, value: 1 },
      { at: T0 + 3 * MIN, value: 2 },
    ]);
    expect(back.samples('ml/deployment/x|cpu|up')).toHaveLength(1);
  });

  it('fuzz: a damaged ConfigMap restores to something usable, never a crash or a non-finite point', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .record({
              minutes: fc.dictionary(
                fc.string(),
                fc.record({ t: fc.oneof(fc.integer(), fc.double()), v: fc.array(fc.oneof(fc.double(), fc.constant(null), fc.string())), c: fc.anything() }),
              ),
            })
            .map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const h = new MemoryAlarmHistory(100);
          h.restore(text);
          h.recordMinute(REF.id, 'cpu', T0, 5);
          const again = new MemoryAlarmHistory(100);
          again.restore(h.serialize());
          for (const p of again.minutePoints(REF.id, 'cpu', -Infinity, Infinity)) expect(Number.isFinite(p.value) && Number.isFinite(p.at)).toBe(true);
        },
      ),
    );
  });

  it('records only what predictive rules forecast that metrics-server can measure', () => {
    expect(
      recordedMetricsOf([
        { predictive: { metric: 'cpu_cores_total' } },
        { predictive: { metric: 'requests' } },
        {},
        { predictive: { metric: 'cpu_cores_total' } },
      ]),
    ).toEqual(['cpu_cores_total']);
  });
});
