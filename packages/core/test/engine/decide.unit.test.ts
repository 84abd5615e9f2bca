import { decide, effectiveBounds, scheduleActive, type Forecast, type Policy, type Signal } from '../../src/index';
import { NOW, S, alarm, mark, policy, sample, state } from './decide-support';
import { expectValidationErrorAt } from '../expect-validation-error';

describe('threshold rules (the seed function: alarms move replicas or the shape)', () => {
  const LADDER = ['VM.Standard2.1', 'VM.Standard2.2', 'VM.Standard2.4'];
  const seed = policy(
    [
      { name: 'high-cpu', threshold: { alarm: 'high-cpu', change: 1 } },
      { name: 'low-cpu', threshold: { alarm: 'low-cpu', change: -1 } },
      { name: 'high-memory', threshold: { alarm: 'high-memory', size: 'next' } },
      { name: 'low-memory', threshold: { alarm: 'low-memory', size: 'previous' } },
    ],
    { minReplicas: 1, maxReplicas: 10, sizes: LADDER },
  );

  it.each([
    // replicas, size, alarm, action, replicas after, size after, blockedBy, reason
    [3, 'VM.Standard2.2', 'high-cpu', 'scale', 4, 'VM.Standard2.2', undefined, /high-cpu firing: \+1 replica/],
    [3, 'VM.Standard2.2', 'low-cpu', 'scale', 2, 'VM.Standard2.2', undefined, /low-cpu firing: -1 replica/],
    [1, 'VM.Standard2.2', 'low-cpu', 'none', 1, 'VM.Standard2.2', 'limits', /raised to min 1/],
    [10, 'VM.Standard2.2', 'high-cpu', 'none', 10, 'VM.Standard2.2', 'limits', /capped at max 10/],
    [3, 'VM.Standard2.2', 'high-memory', 'resize', 3, 'VM.Standard2.4', undefined, /VM.Standard2.2 -> VM.Standard2.4/],
    [3, 'VM.Standard2.2', 'low-memory', 'resize', 3, 'VM.Standard2.1', undefined, /VM.Standard2.2 -> VM.Standard2.1/],
    [3, 'VM.Standard2.4', 'high-memory', 'none', 3, 'VM.Standard2.4', 'limits', /already at the largest size VM.Standard2.4/],
    [3, 'VM.Standard2.1', 'low-memory', 'none', 3, 'VM.Standard2.1', 'limits', /already at the smallest size VM.Standard2.1/],
    [3, 'VM.Standard.E4.Flex', 'high-memory', 'none', 3, 'VM.Standard.E4.Flex', 'limits', /current size VM.Standard.E4.Flex is not on the ladder/],
    [3, 'VM.Standard2.2', 'someone-elses-alarm', 'none', 3, 'VM.Standard2.2', 'no-rule', /no rule asks for a change/],
  ] as const)('%d x %s, %s -> %s %d x %s', (replicas, size, name, action, toReplicas, toSize, blockedBy, reason) => {
    const d = decide(seed, state({ replicas, size }), [alarm(name)], {}, NOW);
    expect(d.action).toBe(action);
    expect(d.from).toEqual({ replicas, size });
    expect(d.to).toEqual({ replicas: toReplicas, size: toSize });
    expect(d.blockedBy).toBe(blockedBy);
    expect(d.reason).toMatch(reason);
    if (action !== 'none') expect(d.rule).toBe(name);
    if (action === 'resize') expect(d.direction).toBe(name === 'high-memory' ? 'up' : 'down');
  });

  it('matches an alarm by its display name when the id differs', () => {
    const d = decide(seed, state({ replicas: 3, size: 'VM.Standard2.2' }), [alarm('ocid1.alarm.oc1.iad.aaaa', { alarmName: 'high-cpu' })], {}, NOW);
    expect(d.to.replicas).toBe(4);
  });

  it('an alarm going back to OK does nothing', () => {
    const d = decide(seed, state({ replicas: 3, size: 'VM.Standard2.2' }), [alarm('high-cpu', { state: 'ok' })], {}, NOW);
    expect(d.action).toBe('none');
  });

  it('with no signal at all, says so', () => {
    const d = decide(seed, state({ replicas: 3, size: 'VM.Standard2.2' }), [], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'no-signal', reason: 'no signals' });
  });

  it('a resize keeps the replica count, brought within bounds', () => {
    const d = decide(seed, state({ replicas: 14, size: 'VM.Standard2.1' }), [alarm('high-memory')], {}, NOW);
    expect(d.to).toEqual({ replicas: 10, size: 'VM.Standard2.2' });
  });

  it('a resize wins over a replica change in the same delivery', () => {
    const d = decide(seed, state({ replicas: 3, size: 'VM.Standard2.1' }), [alarm('high-cpu'), alarm('high-memory')], {}, NOW);
    expect(d.action).toBe('resize');
    expect(d.to).toEqual({ replicas: 3, size: 'VM.Standard2.2' });
  });

  it('at the top of the ladder a replica rule in the same delivery still acts', () => {
    const d = decide(seed, state({ replicas: 3, size: 'VM.Standard2.4' }), [alarm('high-memory'), alarm('high-cpu')], {}, NOW);
    expect(d.action).toBe('scale');
    expect(d.to).toEqual({ replicas: 4, size: 'VM.Standard2.4' });
  });

  it('the resize cooldown holds a second resize back', () => {
    const p = policy([{ name: 'bigger', threshold: { alarm: 'm', size: 'next' } }], { sizes: LADDER, cooldown: { scaleOut: 600, scaleIn: 600 } });
    const d = decide(p, state({ replicas: 2, size: 'VM.Standard2.1' }, { lastResize: mark(100) }), [alarm('m')], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(d.reason).toMatch(/resize cooldown \(600s\) since 2026-03-10T11:58:20.000Z/);
    expect(decide(p, state({ replicas: 2, size: 'VM.Standard2.1' }, { lastResize: mark(601) }), [alarm('m')], {}, NOW).action).toBe('resize');
  });

  describe('metric-value thresholds', () => {
    const p = policy([
      { name: 'busy', threshold: { metric: 'CpuUtilization', above: 80, change: 2 } },
      { name: 'idle', threshold: { metric: 'CpuUtilization', below: 10, change: -1 } },
    ]);
    it.each([
      [85, 7],
      [80.001, 7],
      [80, 5], // "above" is strict
      [50, 5],
      [10, 5], // "below" is strict
      [9.999, 4],
      [0, 4],
    ])('CPU %d at 5 replicas -> %d', (value, expected) => {
      expect(decide(p, state(5), [sample('CpuUtilization', value)], {}, NOW).to.replicas).toBe(expected);
    });

    it('a metric rule needs the value: a bare firing signal does nothing', () => {
      expect(decide(p, state(5), [{ ...sample('CpuUtilization', 99), state: 'firing', value: undefined }], {}, NOW).action).toBe('none');
    });
  });
});

describe('target tracking', () => {
  const tt = (extra: Record<string, unknown> = {}, limits: Record<string, unknown> = { maxReplicas: 100 }): Policy =>
    policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 50, ...extra } }], limits);

  describe('aws: out above the target, in only below 90 % of it', () => {
    it.each([
      [10, 60, 12, 'ceil(10 * 60 / 50)'],
      [10, 50.5, 11, 'any excess over the target scales out'],
      [10, 50, 10, 'at the target'],
      [10, 46, 10, 'between 90 % and 100 %: nothing'],
      [10, 45, 10, 'exactly 90 %: nothing'],
      [10, 44, 9, 'below 90 %: ceil(10 * 44 / 50) = ceil(8.8)'],
      [10, 20, 4, ''],
      [25, 14, 7, 'exact arithmetic: 25 * 14 / 50 is 7 (25 * (14 / 50) is 7.000000000000001 in floating point)'],
      [7, 58 / 2, 5, 'ceil(7 * 29 / 50) = ceil(4.06)'],
    ])('%d replicas at %d -> %d (%s)', (replicas, value, expected) => {
      const d = decide(tt(), state(replicas), [sample('cpu', value)], {}, NOW);
      expect(d.to.replicas).toBe(expected);
      expect(d.action).toBe(expected === replicas ? 'none' : 'scale');
    });

    it('a custom scale-in ratio', () => {
      const p = tt({ scaleInRatio: 0.5 });
      expect(decide(p, state(10), [sample('cpu', 30)], {}, NOW).to.replicas).toBe(10);
      expect(decide(p, state(10), [sample('cpu', 24)], {}, NOW).to.replicas).toBe(5);
    });

    it('disableScaleIn keeps capacity when the metric is low', () => {
      const d = decide(tt({ disableScaleIn: true }), state(10), [sample('cpu', 5)], {}, NOW);
      expect(d.action).toBe('none');
    });
  });

  describe('hpa: nothing inside the tolerance band', () => {
    it.each([
      [0.1, 54, 10],
      [0.1, 56, 12], // ceil(11.2)
      [0.1, 46, 10],
      [0.1, 44, 9], // ceil(8.8)
      [0.2, 58, 10],
      [0.2, 61, 13], // ceil(12.2)
      [0.2, 41, 10],
      [0.2, 39, 8], // ceil(7.8)
    ])('tolerance %d, 10 replicas at %d -> %d', (tolerance, value, expected) => {
      expect(decide(tt({ algorithm: 'hpa', tolerance }), state(10), [sample('cpu', value)], {}, NOW).to.replicas).toBe(expected);
    });

    it('defaults the tolerance to 0.1', () => {
      expect(decide(tt({ algorithm: 'hpa' }), state(10), [sample('cpu', 54)], {}, NOW).action).toBe('none');
      expect(decide(tt({ algorithm: 'hpa' }), state(10), [sample('cpu', 56)], {}, NOW).to.replicas).toBe(12);
    });
  });

  describe('statistic total: the metric is a sum over instances', () => {
    const p = policy([{ name: 'rps', targetTracking: { metric: 'requests', target: 100, statistic: 'total' } }], { minReplicas: 0, maxReplicas: 100 });
    it.each([
      [4, 1000, 10, '250 per instance -> ceil(1000 / 100)'],
      [4, 400, 4, 'exactly on target'],
      [4, 300, 3, '75 per instance < 90: ceil(300 / 100)'],
      [0, 250, 3, 'from zero: capacity for the total'],
      [0, 0, 0, 'from zero with no load: stay at zero'],
    ])('%d replicas with %d in total -> %d (%s)', (replicas, value, expected) => {
      expect(decide(p, state(replicas), [sample('requests', value)], {}, NOW).to.replicas).toBe(expected);
    });
  });

  it('from zero, a per-instance metric starts one replica', () => {
    const p = policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 50 } }], { minReplicas: 0 });
    expect(decide(p, state(0), [sample('cpu', 80)], {}, NOW).to.replicas).toBe(1);
  });

  it('a signal without a value is reported as insufficient data', () => {
    const d = decide(tt(), state(10), [{ ...sample('cpu', 0), value: undefined }], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'insufficient-data', rule: 'tt' });
  });

  it('other metrics are ignored', () => {
    expect(decide(tt(), state(10), [sample('memory', 99)], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'no-rule' });
  });
});

describe('combining rules', () => {
  const p = policy(
    [
      { name: 'plus-one', threshold: { alarm: 'high', change: 1 } },
      { name: 'tt', targetTracking: { metric: 'cpu', target: 50 } },
      { name: 'minus-one', threshold: { alarm: 'low', change: -1 } },
      { name: 'hold', step: { alarm: 'steady', adjustments: [{ lower: 0, change: 0 }] } },
    ],
    { maxReplicas: 100 },
  );

  it('the largest scale-out wins', () => {
    const d = decide(p, state(10), [alarm('high'), sample('cpu', 70)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', rule: 'tt', to: { replicas: 14 } });
  });

  it('any scale-out beats any scale-in', () => {
    const d = decide(p, state(10), [alarm('low'), sample('cpu', 51)], {}, NOW);
    expect(d).toMatchObject({ rule: 'tt', to: { replicas: 11 } });
  });

  it('among scale-ins, the smallest wins', () => {
    const d = decide(p, state(10), [alarm('low'), sample('cpu', 20)], {}, NOW);
    expect(d).toMatchObject({ rule: 'minus-one', to: { replicas: 9 } });
  });

  it('a rule asking to hold vetoes a scale-in', () => {
    const d = decide(p, state(10), [alarm('low'), alarm('steady', { value: 55, threshold: 50 })], {}, NOW);
    expect(d.action).toBe('none');
  });
});

describe('schedule windows', () => {
  // US daylight saving time began on Sunday 2026-03-08: New York is UTC-4 on Monday 03-09, UTC-5 a week earlier.
  const p = policy(
    [
      { name: 'business-hours', schedule: { start: '0 8 * * mon-fri', end: '0 20 * * mon-fri', timezone: 'America/New_York', minReplicas: 4 } },
      { name: 'night-cap', schedule: { start: '0 0 * * *', durationMinutes: 360, maxReplicas: 2 } },
      { name: 'high-cpu', threshold: { alarm: 'high', change: 1 } },
      { name: 'low-cpu', threshold: { alarm: 'low', change: -1 } },
    ],
    { minReplicas: 1, maxReplicas: 10 },
  );
  const at = (iso: string): number => Date.parse(iso);

  it.each([
    ['2026-03-09T13:00:00Z', 'Monday 09:00 EDT', ['business-hours'], 4, 10],
    ['2026-03-09T12:00:00Z', 'Monday 08:00 EDT: opens on the minute', ['business-hours'], 4, 10],
    ['2026-03-09T11:59:00Z', 'Monday 07:59 EDT', [], 1, 10],
    ['2026-03-02T12:30:00Z', 'Monday 07:30 EST (08:30 had it been EDT)', [], 1, 10],
    ['2026-03-02T13:00:00Z', 'Monday 08:00 EST', ['business-hours'], 4, 10],
    ['2026-03-09T23:59:00Z', 'Monday 19:59 EDT', ['business-hours'], 4, 10],
    ['2026-03-10T00:00:00Z', 'Monday 20:00 EDT: closed; the UTC night cap opens', ['night-cap'], 1, 2],
    ['2026-03-10T05:59:00Z', 'last minute of the night cap', ['night-cap'], 1, 2],
    ['2026-03-10T06:00:00Z', 'the night cap is over', [], 1, 10],
    ['2026-03-14T15:00:00Z', 'Saturday 11:00 EDT', [], 1, 10],
  ])('%s (%s): windows %j, bounds [%d, %d]', (iso, _what, windows, min, max) => {
    expect(effectiveBounds(p.rules, p.limits, at(iso))).toEqual({ min, max, windows });
    expect(scheduleActive(p.rules[0]!.schedule!, at(iso))).toBe(windows.includes('business-hours'));
  });

  it('an open window raises the target to its floor with no signal', () => {
    const d = decide(p, state(2), [], {}, at('2026-03-09T13:00:00Z'));
    expect(d).toMatchObject({ action: 'scale', direction: 'out', rule: 'business-hours', to: { replicas: 4 } });
    expect(d.reason).toMatch(/raised to min 4 \(schedule business-hours\)/);
  });

  it('outside the window the same state is left alone', () => {
    expect(decide(p, state(2), [], {}, at('2026-03-09T11:00:00Z')).action).toBe('none');
  });

  it('an open window caps the target with no signal', () => {
    const d = decide(p, state(5), [], {}, at('2026-03-10T01:00:00Z'));
    expect(d).toMatchObject({ action: 'scale', direction: 'in', rule: 'night-cap', to: { replicas: 2 } });
  });

  it('an open window caps a rule, and says so', () => {
    const d = decide(p, state(2), [alarm('high')], {}, at('2026-03-10T01:00:00Z'));
    expect(d).toMatchObject({ action: 'none', blockedBy: 'limits' });
    expect(d.reason).toMatch(/capped at max 2 \(schedule night-cap\)/);
  });

  it('a rule cannot scale in below an open floor', () => {
    const d = decide(p, state(4), [alarm('low')], {}, at('2026-03-09T13:00:00Z'));
    expect(d).toMatchObject({ action: 'none', blockedBy: 'limits' });
  });

  it('a window cap above the policy max lets rules go past it while open', () => {
    const q = policy(
      [
        { name: 'peak', schedule: { start: '0 12 * * *', durationMinutes: 60, maxReplicas: 20 } },
        { name: 'up', threshold: { alarm: 'high', change: 5 } },
      ],
      { maxReplicas: 10 },
    );
    expect(decide(q, state(10), [alarm('high')], {}, at('2026-03-10T12:30:00Z')).to.replicas).toBe(15);
    expect(decide(q, state(10), [alarm('high')], {}, at('2026-03-10T13:30:00Z')).to.replicas).toBe(10);
  });
});

describe('cooldowns (Application Auto Scaling semantics)', () => {
  const p = policy(
    [
      {
        name: 'steps',
        step: {
          alarm: 'high',
          adjustments: [
            { lower: 0, upper: 10, change: 2 },
            { lower: 10, change: 3 },
          ],
        },
      },
      { name: 'plus-one', threshold: { alarm: 'busy', change: 1 } },
      { name: 'minus-one', threshold: { alarm: 'low', change: -1 } },
      { name: 'tt', targetTracking: { metric: 'cpu', target: 50 } },
    ],
    { minReplicas: 1, maxReplicas: 20, cooldown: { scaleOut: 300, scaleIn: 300 } },
  );
  const high = (value: number): Signal => alarm('high', { value, threshold: 50 });

  it('+2 then a +3 step within the scale-out cooldown adds only 1', () => {
    // 10 -> 12 a minute ago; the +3 step counts the 2 already added.
    const d = decide(p, state(12, { lastScaleOut: mark(60, 10, 12) }), [high(65)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 13 }, rule: 'steps' });
    expect(d.reason).toMatch(/counted the last scale-out within cooldown/);
  });

  it('the same +2 step again within the cooldown adds nothing', () => {
    const d = decide(p, state(12, { lastScaleOut: mark(60, 10, 12) }), [high(55)], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'cooldown', rule: 'steps', recommendation: 14 });
    expect(d.reason).toMatch(/within scale-out cooldown \(300s\), the last scale-out already added 2/);
  });

  it('after the cooldown the full step applies', () => {
    expect(decide(p, state(12, { lastScaleOut: mark(301, 10, 12) }), [high(65)], {}, NOW).to.replicas).toBe(15);
  });

  it('the cooldown ends exactly cooldown seconds after the action', () => {
    expect(decide(p, state(12, { lastScaleOut: mark(300, 10, 12) }), [high(55)], {}, NOW).to.replicas).toBe(14);
    expect(decide(p, state(12, { lastScaleOut: mark(299.999, 10, 12) }), [high(55)], {}, NOW).action).toBe('none');
  });

  it('a mark without the starting capacity blocks relative scale-out for the cooldown', () => {
    const d = decide(p, state(12, { lastScaleOut: mark(60) }), [high(65)], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(d.reason).toMatch(/an unknown amount/);
  });

  it('target tracking asking for more than is there scales out within the cooldown', () => {
    expect(decide(p, state(12, { lastScaleOut: mark(60, 10, 12) }), [sample('cpu', 75)], {}, NOW).to.replicas).toBe(18);
  });

  it('scale-in is blocked during the scale-in cooldown', () => {
    const d = decide(p, state(12, { lastScaleIn: mark(100, 13, 12) }), [alarm('low')], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'cooldown', rule: 'minus-one' });
    expect(d.reason).toMatch(/within scale-in cooldown \(300s\)/);
    expect(decide(p, state(12, { lastScaleIn: mark(301, 13, 12) }), [alarm('low')], {}, NOW).to.replicas).toBe(11);
  });

  it('scale-out is allowed during the scale-in cooldown', () => {
    const d = decide(p, state(12, { lastScaleIn: mark(10, 13, 12) }), [alarm('busy')], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 13 } });
  });

  it("a rule's own cooldown replaces the policy's", () => {
    const q = policy([{ name: 'steps', step: { alarm: 'high', cooldown: 60, adjustments: [{ lower: 0, change: 2 }] } }], {
      maxReplicas: 20,
      cooldown: { scaleOut: 300, scaleIn: 300 },
    });
    expect(decide(q, state(12, { lastScaleOut: mark(90, 10, 12) }), [high(55)], {}, NOW).to.replicas).toBe(14);
    expect(decide(q, state(12, { lastScaleOut: mark(30, 10, 12) }), [high(55)], {}, NOW).action).toBe('none');
  });

  it('target tracking cooldowns come from the rule', () => {
    const q = policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 50, scaleInCooldown: 600 } }], {
      maxReplicas: 20,
      cooldown: { scaleOut: 0, scaleIn: 0 },
    });
    expect(decide(q, state(10, { lastScaleIn: mark(500, 11, 10) }), [sample('cpu', 20)], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(decide(q, state(10, { lastScaleIn: mark(601, 11, 10) }), [sample('cpu', 20)], {}, NOW).to.replicas).toBe(4);
  });

  it('a cooldown does not keep a target outside its bounds', () => {
    const q = policy(
      [
        { name: 'plus-one', threshold: { alarm: 'busy', change: 1 } },
        { name: 'minus-one', threshold: { alarm: 'low', change: -1 } },
      ],
      { minReplicas: 3, maxReplicas: 10, cooldown: { scaleOut: 300, scaleIn: 300 } },
    );
    // The floor is 3; a +1 within cooldown adds nothing, but the floor still applies.
    const up = decide(q, state(2, { lastScaleOut: mark(60, 1, 2) }), [alarm('busy')], {}, NOW);
    expect(up).toMatchObject({ action: 'scale', to: { replicas: 3 } });
    expect(up.reason).toMatch(/within scale-out cooldown.*raised to min 3/);
    // The ceiling is 10; a -1 within cooldown removes nothing, but the ceiling still applies.
    const down = decide(q, state(12, { lastScaleIn: mark(60, 13, 12) }), [alarm('low')], {}, NOW);
    expect(down).toMatchObject({ action: 'scale', to: { replicas: 10 } });
    expect(down.reason).toMatch(/within scale-in cooldown.*capped at max 10/);
  });
});

describe('stabilization windows (HPA semantics)', () => {
  const p = policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 50 } }], { maxReplicas: 30, stabilization: { scaleIn: 300, scaleOut: 120 } });
  const recs = (...pairs: Array<[number, number]>): Array<{ at: number; replicas: number }> =>
    pairs.map(([secondsAgo, replicas]) => ({ at: NOW - secondsAgo * S, replicas }));

  it('scales in only to the highest recommendation in the window', () => {
    const d = decide(p, state(10), [sample('cpu', 20)], { recommendations: recs([100, 8], [200, 6]) }, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 8 }, recommendation: 4 });
    expect(d.reason).toMatch(/stabilized to 8 \(highest recommendation in 300s\)/);
  });

  it('holds when the window saw a recommendation at or above the current capacity', () => {
    expect(decide(p, state(10), [sample('cpu', 20)], { recommendations: recs([100, 12]) }, NOW)).toMatchObject({ action: 'none', blockedBy: 'stabilization' });
  });

  it('ignores recommendations older than the window', () => {
    expect(decide(p, state(10), [sample('cpu', 20)], { recommendations: recs([301, 12]) }, NOW).to.replicas).toBe(4);
  });

  it('scales out only to the lowest recommendation in its window', () => {
    const d = decide(p, state(10), [sample('cpu', 100)], { recommendations: recs([60, 12], [200, 11]) }, NOW);
    expect(d.to.replicas).toBe(12);
    expect(d.reason).toMatch(/lowest recommendation in 120s/);
  });

  it('reads the recommendations persisted on the target when no history is passed', () => {
    expect(decide(p, state(10, { recommendations: recs([100, 9]) }), [sample('cpu', 20)], {}, NOW).to.replicas).toBe(9);
  });

  it('without windows, recommendations are ignored', () => {
    const q = policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 50 } }], { maxReplicas: 30 });
    expect(decide(q, state(10), [sample('cpu', 20)], { recommendations: recs([10, 12]) }, NOW).to.replicas).toBe(4);
  });
});

describe('maxStep and bounds', () => {
  const p = policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 50 } }], { minReplicas: 2, maxReplicas: 20, maxStep: 3 });

  it.each([
    [10, 100, 13, 'out: 20 wanted, 3 per action'],
    [10, 10, 7, 'in: 2 wanted, 3 per action'],
    [10, 60, 12, 'a change within maxStep is untouched'],
  ])('%d replicas at %d -> %d (%s)', (replicas, value, expected) => {
    const d = decide(p, state(replicas), [sample('cpu', value)], {}, NOW);
    expect(d.to.replicas).toBe(expected);
    if (Math.abs(expected - replicas) === 3) expect(d.reason).toMatch(/limited to 3 per action/);
  });

  it.each([
    [25, 20, 'above max'],
    [0, 2, 'below min'],
    [1, 2, 'below min'],
  ])('with no signal, %d replicas come back to %d (%s)', (replicas, expected) => {
    const q = policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 50 } }], { minReplicas: 2, maxReplicas: 20 });
    const d = decide(q, state(replicas), [], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: expected } });
    expect(d.rule).toBeUndefined();
  });

  it('maxStep also limits the way back into bounds', () => {
    expect(decide(p, state(30), [], {}, NOW).to.replicas).toBe(27);
  });

  const ladder = policy([{ name: 'mem', threshold: { alarm: 'high-memory', size: 'next' } }], {
    minReplicas: 2,
    maxReplicas: 20,
    maxStep: 3,
    sizes: ['s', 'm', 'l'],
  });

  it('a resize brings replicas into bounds no faster than maxStep', () => {
    const d = decide(ladder, state({ replicas: 30, size: 's' }), [alarm('high-memory')], {}, NOW);
    expect(d).toMatchObject({ action: 'resize', to: { size: 'm', replicas: 27 } });
  });

  it('a resize held by its cooldown still lets the bounds bring replicas back', () => {
    const q = policy([{ name: 'mem', threshold: { alarm: 'high-memory', size: 'next' } }], {
      minReplicas: 2,
      maxReplicas: 20,
      sizes: ['s', 'm', 'l'],
      cooldown: { scaleOut: 600, scaleIn: 600 },
    });
    const inBounds = decide(q, state({ replicas: 5, size: 's' }, { lastResize: mark(60) }), [alarm('high-memory')], {}, NOW);
    expect(inBounds).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    const outOfBounds = decide(q, state({ replicas: 25, size: 's' }, { lastResize: mark(60) }), [alarm('high-memory')], {}, NOW);
    expect(outOfBounds).toMatchObject({ action: 'scale', to: { size: 's', replicas: 20 } });
  });
});

describe('decide is a pure function', () => {
  const p = policy(
    [
      { name: 'up', threshold: { alarm: 'high', change: 1 } },
      { name: 'tt', targetTracking: { metric: 'cpu', target: 50 } },
      { name: 'sched', schedule: { start: '0 8 * * *', durationMinutes: 600, timezone: 'Europe/Berlin', minReplicas: 3 } },
    ],
    { stabilization: { scaleIn: 300, scaleOut: 0 } },
  );

  function deepFreeze<T>(o: T): T {
    if (o && typeof o === 'object') {
      for (const v of Object.values(o)) deepFreeze(v);
      Object.freeze(o);
    }
    return o;
  }

  it('does not touch its inputs and gives the same answer twice', () => {
    const s = deepFreeze(state(5, { lastScaleOut: mark(10, 4, 5), recommendations: [{ at: NOW - 1000, replicas: 6 }] }));
    const signals = deepFreeze([alarm('high'), sample('cpu', 20)]);
    deepFreeze(p);
    const a = decide(p, s, signals, {}, NOW);
    const b = decide(p, s, signals, {}, NOW);
    expect(a).toEqual(b);
    // The returned capacities are copies, never the state's own objects.
    expect(a.from).not.toBe(s.capacity);
    expect(a.to).not.toBe(s.capacity);
  });

  it.each([
    ['a negative replica count', state(-1), NOW, 'state.capacity.replicas'],
    ['a fractional replica count', state(1.5), NOW, 'state.capacity.replicas'],
    ['a time that is not a number', state(1), Number.NaN, 'now'],
    ['a time no Date can hold', state(1), 1e20, 'now'],
  ])('refuses %s with a ValidationError naming the field', (_what, s, now, path) => {
    expectValidationErrorAt(() => decide(p, s, [], {}, now), path);
  });
});

describe('predictive: capacity planned from the forecast', () => {
  const forecast = (load: number): Forecast => ({ ok: true, load, level: load / 1.15, headroom: 1.15, horizonSeconds: 600, points: 4320 });
  const pred = (extra: Record<string, unknown> = {}, rules: unknown[] = []): Policy =>
    policy([{ name: 'forecast', predictive: { metric: 'requests', target: 100, ...extra } }, ...rules], { minReplicas: 1, maxReplicas: 40 });
  const run = (p: Policy, replicas: number, f: Forecast | undefined, signals: Signal[] = []) =>
    decide(p, state(replicas), signals, f === undefined ? {} : { forecasts: { forecast: f } }, NOW);

  // 10 replicas x target 100 = 1000 per period; scale-in below 0.85 x 1000 = 850.
  it.each([
    [10, 1001, 'scale', 11, 'any need above the fleet scales out: ceil(1001 / 100)'],
    [10, 2500, 'scale', 25, 'absolute, not relative: ceil(2500 / 100)'],
    [10, 1000, 'none', 10, 'exactly the fleet'],
    [10, 901, 'none', 10, 'needs 10'],
    [10, 860, 'none', 10, 'needs 9 but above 85 %: holds (hysteresis)'],
    [10, 850, 'none', 10, 'exactly 85 %: holds'],
    [10, 849, 'scale', 9, 'below 85 %: ceil(8.49)'],
    [10, 120, 'scale', 2, 'far below: straight to what the forecast needs'],
    [10, 0, 'scale', 1, 'no load: down to the policy minimum'],
    [0, 5, 'scale', 1, 'from zero: 5% of one instance wakes it'],
    [0, 4.99, 'none', 0, 'from zero: under 5% of one instance (a stray request) stays at zero'],
    [0, 0, 'none', 0, 'zero load at zero replicas'],
  ])('%d replicas, forecast %d -> %s %d (%s)', (replicas, load, action, expected) => {
    const p = policy([{ name: 'forecast', predictive: { metric: 'requests', target: 100 } }], { minReplicas: replicas === 0 ? 0 : 1, maxReplicas: 40 });
    const d = run(p, replicas, forecast(load));
    expect(d.action).toBe(action);
    expect(d.to.replicas).toBe(expected);
    expect(d.rule).toBe('forecast');
  });

  it('on a zero floor a forecast under 5% of one instance scales in to zero; a floor of one holds one', () => {
    const zero = policy([{ name: 'forecast', predictive: { metric: 'requests', target: 100 } }], { minReplicas: 0, maxReplicas: 40 });
    expect(run(zero, 1, forecast(4.99)).to.replicas).toBe(0);
    expect(run(zero, 1, forecast(5)).action).toBe('none');
    expect(run(pred(), 1, forecast(4.99)).action).toBe('none');
  });

  it('says what the forecast was', () => {
    const d = run(pred(), 10, { ok: true, load: 1380, level: 1000, headroom: 1.2, horizonSeconds: 420, points: 4000 });
    expect(d.reason).toBe('forecast requests 1380/period over 420s (level 1000, headroom 1.2) vs target 100/instance: 14 replicas');
    expect(run(pred(), 10, forecast(900)).reason).toMatch(/: holds 10 \(scales in below 850\)$/);
  });

  it('a custom scale-in ratio', () => {
    expect(run(pred({ scaleInRatio: 0.5 }), 10, forecast(510)).to.replicas).toBe(10);
    expect(run(pred({ scaleInRatio: 0.5 }), 10, forecast(490)).to.replicas).toBe(5);
  });

  it('disableScaleIn: never in, still out', () => {
    expect(run(pred({ disableScaleIn: true }), 10, forecast(100)).action).toBe('none');
    expect(run(pred({ disableScaleIn: true }), 10, forecast(1500)).to.replicas).toBe(15);
  });

  it.each<[string, Forecast | undefined, RegExp]>([
    [
      'unusable history',
      { ok: false, reason: 'too few points: 3 of the 30 needed' },
      /^forecast: forecast unavailable \(too few points: 3 of the 30 needed\); reactive rules only$/,
    ],
    ['no forecast at all', undefined, /^forecast: forecast unavailable \(no forecast was made\); reactive rules only$/],
    [
      'a broken hand-made forecast',
      { ok: true, load: NaN, level: 1, headroom: 1, horizonSeconds: 60, points: 1 },
      /forecast unavailable \(load NaN is not a finite number >= 0\)/,
    ],
    ['a negative load', { ok: true, load: -5, level: 1, headroom: 1, horizonSeconds: 60, points: 1 }, /forecast unavailable \(load -5 is not/],
  ])('%s: a remark, never a scale-in', (_name, f, reason) => {
    const d = run(pred(), 10, f);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'insufficient-data', rule: 'forecast', to: { replicas: 10 } });
    expect(d.reason).toMatch(reason);
  });

  describe('with a reactive rule beside it (pickReplicas: the largest out wins, a hold vetoes in)', () => {
    const both = pred({}, [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 50 } }]);
    it.each<[string, Forecast | undefined, number, string, number]>([
      ['reactive out beats a smaller forecast', forecast(1200), 70, 'cpu', 14],
      ['forecast out beats a smaller reactive out', forecast(1500), 60, 'forecast', 15],
      ['the forecast holding vetoes a reactive scale-in', forecast(900), 20, 'forecast', 10],
      ['both in: the larger fleet wins', forecast(600), 40, 'cpu', 8],
      ['both in: the larger fleet wins (forecast)', forecast(800), 20, 'forecast', 8],
      ['without a forecast the reactive rule acts alone', { ok: false, reason: 'stale data' }, 20, 'cpu', 4],
    ])('%s', (_name, f, cpu, rule, replicas) => {
      const d = run(both, 10, f, [sample('cpu', cpu)]);
      expect(d.to.replicas).toBe(replicas);
      expect(d.rule).toBe(rule);
      if (f?.ok === false) expect(d.reason).toMatch(/cpu .* 4 replicas; forecast: forecast unavailable \(stale data\); reactive rules only$/);
    });
  });

  it('the policy bounds and max step still apply', () => {
    const p = policy([{ name: 'forecast', predictive: { metric: 'requests', target: 100 } }], { minReplicas: 2, maxReplicas: 12, maxStep: 3 });
    expect(run(p, 10, forecast(5000)).to.replicas).toBe(12);
    expect(run(p, 4, forecast(5000)).to.replicas).toBe(7);
    expect(run(p, 10, forecast(0)).to.replicas).toBe(7);
  });
});
