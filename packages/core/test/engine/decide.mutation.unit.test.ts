import { decide, type PersistedState, type Policy, type TargetState } from '../../src/index';
import { NOW, S, alarm, mark, policy, sample, state } from './decide-support';

/** decide's edges found by mutation testing (bench/mutation.ts): each test pins one branch the table tests leave open. */
const forecast = (load: number) => ({ ok: true as const, load, level: load, headroom: 1, horizonSeconds: 600, points: 100 });
const bandwidthPolicy = (rules: unknown[], cooldown = { scaleOut: 0, scaleIn: 0 }): Policy =>
  policy(rules, { bandwidthMbps: { min: 10, max: 1000 }, cooldown });
const bw = (mbps: number, persisted: Partial<PersistedState> = {}): TargetState => state({ replicas: 2, bandwidthMbps: mbps }, persisted);

describe('decide: input checks', () => {
  const p = policy([{ name: 'up', threshold: { alarm: 'up', change: 1 } }]);
  it.each([
    [undefined, 'invalid state.capacity.replicas: must be a whole number >= 0, got undefined'],
    [{}, 'invalid state.capacity.replicas: must be a whole number >= 0, got undefined'],
    [{ capacity: { replicas: -1 } }, 'invalid state.capacity.replicas: must be a whole number >= 0, got -1'],
    [{ capacity: { replicas: 1.5 } }, 'invalid state.capacity.replicas: must be a whole number >= 0, got 1.5'],
    [{ capacity: { replicas: '3' } }, 'invalid state.capacity.replicas: must be a whole number >= 0, got 3'],
  ])('state %j is refused naming the field', (s, message) => {
    expect(() => decide(p, s as unknown as TargetState, [], {}, NOW)).toThrow(message);
  });

  it.each([NaN, Infinity, 8.64e15 + 1, -8.64e15 - 1])('now = %p is refused naming the field', (now) => {
    expect(() => decide(p, state(2), [], {}, now)).toThrow(`invalid now: must be epoch milliseconds within the Date range, got ${String(now)}`);
  });

  it('the last millisecond a Date can hold is a valid now', () => {
    expect(decide(p, state(2), [], {}, 8.64e15)).toMatchObject({ action: 'none', blockedBy: 'no-signal' });
  });
});

describe('decide: vertical edges', () => {
  const LADDER = ['s', 'm', 'l'];
  const sizes = policy(
    [
      { name: 'bigger', threshold: { alarm: 'big', size: 'next' } },
      { name: 'smaller', threshold: { alarm: 'small', size: 'previous' } },
    ],
    { minReplicas: 2, maxReplicas: 4, sizes: LADDER, cooldown: { scaleOut: 600, scaleIn: 0 } },
  );

  it('a resize up waits for the scale-out cooldown, a resize down for the scale-in one', () => {
    const recent = { lastResize: mark(100) };
    expect(decide(sizes, state({ replicas: 3, size: 'm' }, recent), [alarm('big')], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(decide(sizes, state({ replicas: 3, size: 'm' }, recent), [alarm('small')], {}, NOW)).toMatchObject({ action: 'resize', to: { size: 's' } });
  });

  it.each([2, 4])('at a bound (%p replicas) the target is inside them: the resize cooldown holds it', (replicas) => {
    const d = decide(sizes, state({ replicas, size: 'm' }, { lastResize: mark(100) }), [alarm('big')], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'cooldown', rule: 'bigger' });
    expect(d.reason).toBe('big firing: next size; resize cooldown (600s) since 2026-03-10T11:58:20.000Z');
  });

  it('below the floor, a held resize lets the floor bring replicas up', () => {
    const d = decide(sizes, state({ replicas: 1, size: 'm' }, { lastResize: mark(100) }), [alarm('big')], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 2, size: 'm' } });
  });

  it('a resize brings replicas into bounds, by less than maxStep when less is needed', () => {
    const p = policy([{ name: 'bigger', threshold: { alarm: 'big', size: 'next' } }], { minReplicas: 2, maxReplicas: 4, sizes: LADDER, maxStep: 2 });
    expect(decide(p, state({ replicas: 1, size: 's' }), [alarm('big')], {}, NOW).to).toEqual({ replicas: 2, size: 'm' });
    expect(decide(p, state({ replicas: 5, size: 's' }), [alarm('big')], {}, NOW).to).toEqual({ replicas: 4, size: 'm' });
  });

  it('a mark no Date can format is quoted in milliseconds; the last formattable one as a date', () => {
    const far = decide(sizes, state({ replicas: 3, size: 'm' }, { lastResize: { at: 9e15 } }), [alarm('big')], {}, NOW);
    expect(far.reason).toBe('big firing: next size; resize cooldown (600s) since 9000000000000000 ms');
    const edge = decide(sizes, state({ replicas: 3, size: 'm' }, { lastResize: { at: 8.64e15 } }), [alarm('big')], {}, NOW);
    expect(edge.reason).toBe('big firing: next size; resize cooldown (600s) since +275760-09-13T00:00:00.000Z');
  });
});

describe('decide: combining proposals', () => {
  it('of two equal scale-outs, and of two equal scale-ins, the first rule is named', () => {
    const p = policy([
      { name: 'first-out', threshold: { alarm: 'a', change: 2 } },
      { name: 'second-out', threshold: { alarm: 'b', change: 2 } },
      { name: 'first-in', threshold: { alarm: 'c', change: -1 } },
      { name: 'second-in', threshold: { alarm: 'd', change: -1 } },
    ]);
    expect(decide(p, state(5), [alarm('a'), alarm('b')], {}, NOW)).toMatchObject({ to: { replicas: 7 }, rule: 'first-out' });
    expect(decide(p, state(5), [alarm('c'), alarm('d')], {}, NOW)).toMatchObject({ to: { replicas: 4 }, rule: 'first-in' });
  });

  it('a hold brought back into bounds names no rule: the bounds moved it', () => {
    const p = policy([{ name: 'forecast', predictive: { metric: 'requests', target: 100 } }], { minReplicas: 1, maxReplicas: 10 });
    const d = decide(p, state(12), [], { forecasts: { forecast: forecast(1150) } }, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 10 } });
    expect(Object.keys(d)).not.toContain('rule');
  });

  it('a hold that vetoes a scale-in gives the reason, even when the scale-in rule comes first', () => {
    const p = policy(
      [
        { name: 'minus-one', threshold: { alarm: 'low', change: -1 } },
        { name: 'forecast', predictive: { metric: 'requests', target: 100 } },
      ],
      { minReplicas: 1, maxReplicas: 20 },
    );
    const d = decide(p, state(10), [alarm('low')], { forecasts: { forecast: forecast(900) } }, NOW);
    expect(d).toMatchObject({ action: 'none', rule: 'forecast' });
    expect(d.reason).toMatch(/^forecast requests 900\/period/);
    expect(d.blockedBy).toBeUndefined();
  });

  it('a predictive fallback after another remark is named too', () => {
    const p = policy([
      { name: 'steps', step: { alarm: 'high', adjustments: [{ lower: 0, change: 1 }] } },
      { name: 'forecast', predictive: { metric: 'requests', target: 100 } },
    ]);
    const d = decide(p, state(3), [alarm('high')], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'insufficient-data', rule: 'steps' });
    expect(d.reason).toBe(
      'steps: step rule needs the metric value and the alarm threshold; signal has value=none threshold=none; forecast: forecast unavailable (no forecast was made); reactive rules only',
    );
  });

  it('a scaleOutOnly reading drops its scale-in but keeps its hold (which still vetoes another rule)', () => {
    const p = policy(
      [
        { name: 'tt', targetTracking: { metric: 'cpu', target: 50 } },
        { name: 'minus-one', threshold: { alarm: 'low', change: -1 } },
      ],
      { minReplicas: 1, maxReplicas: 20 },
    );
    expect(decide(p, state(10), [sample('cpu', 10, { scaleOutOnly: true })], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'no-rule' });
    expect(decide(p, state(10), [sample('cpu', 10)], {}, NOW)).toMatchObject({ action: 'scale', to: { replicas: 2 } });
    // an exact step to the current fleet holds 10 and vetoes minus-one; scaleOutOnly keeps that hold
    const hold = policy(
      [
        { name: 'exact', step: { metric: 'cpu', threshold: 70, adjustmentType: 'ExactCapacity', adjustments: [{ lower: 0, change: 10 }] } },
        { name: 'minus-one', threshold: { alarm: 'low', change: -1 } },
      ],
      { minReplicas: 1, maxReplicas: 20 },
    );
    expect(decide(hold, state(10), [sample('cpu', 80, { scaleOutOnly: true }), alarm('low')], {}, NOW)).toMatchObject({ action: 'none', rule: 'exact' });
    expect(decide(hold, state(12), [sample('cpu', 80, { scaleOutOnly: true })], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'no-rule' });
  });
});

describe('decide: cooldowns at the bounds', () => {
  const p = policy(
    [
      { name: 'plus-one', threshold: { alarm: 'busy', change: 1 } },
      { name: 'minus-one', threshold: { alarm: 'low', change: -1 } },
    ],
    { minReplicas: 2, maxReplicas: 8, cooldown: { scaleOut: 300, scaleIn: 300 } },
  );

  it('at the floor or the ceiling the target is inside its bounds: the cooldown blocks', () => {
    expect(decide(p, state(2, { lastScaleOut: mark(60, 1, 2) }), [alarm('busy')], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(decide(p, state(8, { lastScaleIn: mark(60, 9, 8) }), [alarm('low')], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
  });

  it('the reason says how much the last scale-out added', () => {
    const d = decide(p, state(6, { lastScaleOut: mark(60, 5, 6) }), [alarm('busy')], {}, NOW);
    expect(d.reason).toBe('busy firing: +1 replica; within scale-out cooldown (300s), the last scale-out already added 1');
  });

  it('out of bounds within a cooldown, the bounds move the target and no rule is named', () => {
    const up = decide(p, state(1, { lastScaleOut: mark(60, 0, 1) }), [alarm('busy')], {}, NOW);
    expect(up).toMatchObject({ action: 'scale', to: { replicas: 2 } });
    expect(up.rule).toBeUndefined();
    const down = decide(p, state(9, { lastScaleIn: mark(60, 10, 9) }), [alarm('low')], {}, NOW);
    expect(down).toMatchObject({ action: 'scale', to: { replicas: 8 } });
    expect(down.rule).toBeUndefined();
  });
});

describe('decide: stabilization edges', () => {
  const rules = [
    { name: 'minus-four', threshold: { alarm: 'low', change: -4 } },
    { name: 'plus-two', threshold: { alarm: 'busy', change: 2 } },
  ];
  const both = policy(rules, { maxReplicas: 20, stabilization: { scaleIn: 300, scaleOut: 300 } });
  const inOnly = policy(rules, { maxReplicas: 20, stabilization: { scaleIn: 300, scaleOut: 0 } });
  const outOnly = policy(rules, { maxReplicas: 20, stabilization: { scaleIn: 0, scaleOut: 300 } });
  const rec = (secondsAgo: number, replicas: number) => ({ at: NOW - secondsAgo * S, replicas });

  it('no change asked: recommendations above or below do not stabilize anything', () => {
    for (const recommendations of [[rec(10, 9)], [rec(10, 2)]]) {
      const d = decide(both, state(5), [], { recommendations }, NOW);
      expect(d).toMatchObject({ action: 'none', blockedBy: 'no-signal', reason: 'no signals' });
    }
  });

  it('a window of 0 is off, even for a recommendation stamped in the future (clock skew)', () => {
    expect(decide(outOnly, state(10), [alarm('low')], { recommendations: [rec(-5, 12)] }, NOW).to.replicas).toBe(6);
    expect(decide(inOnly, state(10), [alarm('busy')], { recommendations: [rec(-5, 3)] }, NOW).to.replicas).toBe(12);
  });

  it('a scale-in is not held by the scale-out window', () => {
    const d = decide(outOnly, state(10), [alarm('low')], { recommendations: [rec(10, 2)] }, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 6 } });
    expect(d.reason).toBe('low firing: -4 replicas');
  });

  it('a recommendation exactly one window old is outside it', () => {
    expect(decide(both, state(10), [alarm('low')], { recommendations: [rec(300, 9)] }, NOW).to.replicas).toBe(6);
    expect(decide(both, state(10), [alarm('busy')], { recommendations: [rec(300, 10)] }, NOW).to.replicas).toBe(12);
    expect(decide(both, state(10), [alarm('low')], { recommendations: [rec(299, 9)] }, NOW).to.replicas).toBe(9);
  });

  it('nothing higher (or lower) in the window: the reason does not claim stabilization', () => {
    expect(decide(both, state(10), [alarm('low')], { recommendations: [rec(10, 6)] }, NOW).reason).toBe('low firing: -4 replicas');
    expect(decide(both, state(10), [alarm('busy')], { recommendations: [rec(10, 12)] }, NOW).reason).toBe('busy firing: +2 replicas');
  });

  it('the lowest recommendation in the window wins, whatever its place', () => {
    const d = decide(both, state(10), [alarm('busy')], { recommendations: [rec(20, 11), rec(10, 13)] }, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 11 } });
    expect(d.reason).toBe('busy firing: +2 replicas; stabilized to 11 (lowest recommendation in 300s)');
  });

  it('a scale-out stabilized back to the current fleet is blocked by stabilization', () => {
    const d = decide(both, state(10), [alarm('busy')], { recommendations: [rec(10, 8)] }, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'stabilization', rule: 'plus-two' });
  });
});

describe('decide: bounds in the reason', () => {
  const p = policy([{ name: 'plus-five', threshold: { alarm: 'busy', change: 5 } }], { minReplicas: 1, maxReplicas: 10 });

  it('without a schedule window the cap names no schedule', () => {
    expect(decide(p, state(8), [alarm('busy')], {}, NOW).reason).toBe('busy firing: +5 replicas; capped at max 10');
  });

  it('two open windows are listed', () => {
    const q = policy(
      [
        { name: 'plus-five', threshold: { alarm: 'busy', change: 5 } },
        { name: 'cap-a', schedule: { start: '0 0 * * *', durationMinutes: 1440, maxReplicas: 9 } },
        { name: 'cap-b', schedule: { start: '0 0 * * *', durationMinutes: 1440, maxReplicas: 9 } },
      ],
      { minReplicas: 1, maxReplicas: 10 },
    );
    expect(decide(q, state(8), [alarm('busy')], {}, NOW).reason).toBe('busy firing: +5 replicas; capped at max 9 (schedule cap-a, cap-b)');
  });
});

describe('decide: bandwidth', () => {
  const up = (name: string, mbps: number) => ({ name, threshold: { alarm: name, bandwidth: mbps } });

  it('the largest raise wins and the smallest cut wins, whatever the order', () => {
    const p = bandwidthPolicy([up('plus-200', 200), up('plus-100', 100), up('minus-100', -100), up('minus-50', -50)]);
    expect(decide(p, bw(500), [alarm('plus-100'), alarm('plus-200')], {}, NOW)).toMatchObject({ to: { bandwidthMbps: 700 }, rule: 'plus-200' });
    const q = bandwidthPolicy([up('minus-100', -100), up('minus-50', -50)]);
    expect(decide(q, bw(500), [alarm('minus-100'), alarm('minus-50')], {}, NOW)).toMatchObject({ to: { bandwidthMbps: 450 }, rule: 'minus-50' });
    const r = bandwidthPolicy([up('minus-50', -50), up('minus-100', -100)]);
    expect(decide(r, bw(500), [alarm('minus-50'), alarm('minus-100')], {}, NOW)).toMatchObject({ to: { bandwidthMbps: 450 }, rule: 'minus-50' });
  });

  it('the later, larger raise wins; of two equal raises or cuts the first rule is named', () => {
    const p = bandwidthPolicy([up('plus-100', 100), up('plus-200', 200)]);
    expect(decide(p, bw(500), [alarm('plus-100'), alarm('plus-200')], {}, NOW)).toMatchObject({ to: { bandwidthMbps: 700 }, rule: 'plus-200' });
    const ties = bandwidthPolicy([up('a', 100), up('b', 100), up('c', -50), up('d', -50)]);
    expect(decide(ties, bw(500), [alarm('a'), alarm('b')], {}, NOW)).toMatchObject({ to: { bandwidthMbps: 600 }, rule: 'a' });
    expect(decide(ties, bw(500), [alarm('c'), alarm('d')], {}, NOW)).toMatchObject({ to: { bandwidthMbps: 450 }, rule: 'c' });
  });

  it('a raise at the ceiling changes nothing and says no rule asks for a change', () => {
    const d = decide(bandwidthPolicy([up('plus-100', 100)]), bw(1000), [alarm('plus-100')], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'no-rule', reason: 'no rule asks for a change' });
    expect(decide(bandwidthPolicy([up('minus-100', -100)]), bw(10), [alarm('minus-100')], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'no-rule' });
  });

  it('up is up and waits for the scale-out cooldown; down is down and waits for the scale-in one', () => {
    const p = bandwidthPolicy([up('plus-100', 100), up('minus-100', -100)], { scaleOut: 600, scaleIn: 0 });
    expect(decide(p, bw(500), [alarm('plus-100')], {}, NOW)).toMatchObject({ action: 'resize', direction: 'up' });
    expect(decide(p, bw(500), [alarm('minus-100')], {}, NOW)).toMatchObject({ action: 'resize', direction: 'down' });
    const held = decide(p, bw(500, { lastResize: mark(100) }), [alarm('plus-100')], {}, NOW);
    expect(held).toMatchObject({ action: 'none', blockedBy: 'cooldown', rule: 'plus-100' });
    expect(held.reason).toBe('plus-100 firing: bandwidth +100 Mbps; resize cooldown (600s) since 2026-03-10T11:58:20.000Z');
    expect(decide(p, bw(500, { lastResize: mark(100) }), [alarm('minus-100')], {}, NOW)).toMatchObject({ action: 'resize', direction: 'down' });
  });
});

describe('decide: traffic weight', () => {
  const w = (name: string, weight: number) => ({ name, threshold: { alarm: name, weight } });
  const weighted = (weight: number): TargetState => state({ replicas: 2, weight });

  it('the lowest weight wins whatever the rule order; of two equal ones the first rule is named', () => {
    expect(decide(policy([w('w5', 5), w('w2', 2), w('w3', 3)]), weighted(10), [alarm('w5'), alarm('w2'), alarm('w3')], {}, NOW)).toMatchObject({
      action: 'resize',
      to: { weight: 2 },
      rule: 'w2',
      direction: 'down',
    });
    expect(decide(policy([w('first', 4), w('second', 4)]), weighted(10), [alarm('first'), alarm('second')], {}, NOW)).toMatchObject({
      to: { weight: 4 },
      rule: 'first',
    });
  });
});
