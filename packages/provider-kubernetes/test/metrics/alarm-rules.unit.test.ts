import { ValidationError } from '@autoscaler/core';
import { evaluateAlarm, parseAlarmRules } from '../../src/metrics/alarm-rules';
import { MemoryAlarmHistory } from '../../src/metrics/alarm-history';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const min = (m: number, s = 0): number => T0 + m * 60_000 + s * 1000;

describe('windowed alarms (CloudWatch/OCI semantics)', () => {
  const [high] = parseAlarmRules([
    { name: 'high-cpu', metric: 'cpu', comparison: 'above', threshold: 80, periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2 },
  ]);

  it.each([
    [
      '2 of the last 3 minutes breaching -> firing',
      [
        [0, 90],
        [1, 50],
        [2, 85],
      ],
      true,
      2,
    ],
    [
      'only 1 of 3 breaching -> ok',
      [
        [0, 50],
        [1, 50],
        [2, 85],
      ],
      false,
      1,
    ],
    [
      'a breach older than the window does not count',
      [
        [-1, 95],
        [1, 50],
        [2, 85],
      ],
      false,
      1,
    ],
    ['missing datapoints never breach', [[2, 99]], false, 1],
  ] as const)('%s', (_name, points, firing, breaching) => {
    const samples = points.map(([m, v]) => ({ at: min(m, 30), value: v }));
    const e = evaluateAlarm(high!, samples, min(2, 40));
    expect({ firing: e.firing, breaching: e.breaching }).toEqual({ firing, breaching });
    expect(e.periodStart).toBe(min(2));
  });

  it('reduces each period with mean or max', () => {
    const [mean, max] = parseAlarmRules([
      { name: 'mean', metric: 'cpu', comparison: 'above', threshold: 80 },
      { name: 'max', metric: 'cpu', comparison: 'above', threshold: 80, statistic: 'max' },
    ]);
    const samples = [
      { at: min(0, 5), value: 95 },
      { at: min(0, 20), value: 40 },
      { at: min(0, 35), value: 60 },
    ];
    expect(evaluateAlarm(mean!, samples, min(0, 50))).toMatchObject({ firing: false, value: 65 });
    expect(evaluateAlarm(max!, samples, min(0, 50))).toMatchObject({ firing: true, value: 95 });
  });

  it('below-threshold alarms compare the other way', () => {
    const [low] = parseAlarmRules([{ name: 'low', metric: 'cpu', comparison: 'below', threshold: 20, evaluationPeriods: 2 }]);
    expect(
      evaluateAlarm(
        low!,
        [
          { at: min(0, 1), value: 10 },
          { at: min(1, 1), value: 15 },
        ],
        min(1, 2),
      ).firing,
    ).toBe(true);
    expect(evaluateAlarm(low!, [{ at: min(1, 1), value: 15 }], min(1, 2)).firing).toBe(false);
  });

  it('validates alarm definitions, naming the field', () => {
    expect(() => parseAlarmRules([{ name: 'x', metric: 'cpu', comparison: 'above', threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 3 }])).toThrow(
      'alarms[0].datapointsToAlarm: must be <= evaluationPeriods (2)',
    );
    expect(() => parseAlarmRules('- name: x\n  metric: cpu\n  comparison: sideways\n  threshold: 1\n', 'annotation autoscaler.dev/alarms')).toThrow(
      /annotation autoscaler.dev\/alarms\[0\]\.comparison/,
    );
    expect(() =>
      parseAlarmRules([
        { name: 'x', metric: 'cpu', comparison: 'above', threshold: 1 },
        { name: 'x', metric: 'memory', comparison: 'above', threshold: 1 },
      ]),
    ).toThrow(ValidationError);
  });

  it('history keeps samples inside the retention, and survives a serialize/restore round trip', () => {
    const h = new MemoryAlarmHistory();
    for (let m = 0; m < 10; m++) h.record('ml/deployment/x|cpu|up', { at: min(m), value: m * 10 }, 3 * 60_000);
    expect(h.samples('ml/deployment/x|cpu|up').map((s) => s.value)).toEqual([70, 80, 90]);
    const copy = new MemoryAlarmHistory();
    copy.restore(h.serialize());
    expect(copy.samples('ml/deployment/x|cpu|up')).toEqual(h.samples('ml/deployment/x|cpu|up'));
    copy.restore('{"k": "garbage", "j": [[1, 2], ["x", 3]]}');
    expect(copy.samples('j')).toEqual([{ at: 1000, value: 2 }]);
    copy.restore('not json');
    expect(copy.samples('j')).toEqual([]);
  });
});
