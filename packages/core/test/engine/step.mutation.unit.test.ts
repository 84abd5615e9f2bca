import type { StepRule } from '../../src/policy/schema';
import type { Signal } from '../../src/types';
import { isActive, matchesSignal } from '../../src/engine/match';
import type { Proposal, Remark } from '../../src/engine/proposal';
import { neighbourSize, sizeRank } from '../../src/engine/size-ladder';
import { applyAdjustment, findStep, roundPercentChange, stepProposal } from '../../src/engine/step';

/** Step scaling, the ladder and signal matching, edge by edge (found by mutation testing, bench/mutation.ts). */
const signal = (over: Partial<Signal> = {}): Signal => ({
  target: { provider: 'memory', id: 't' },
  source: 's',
  metric: 'cpu',
  alarm: 'a1',
  state: 'firing',
  value: 80,
  threshold: 70,
  dedupeKey: 'k',
  at: 0,
  ...over,
});
const rule = (over: Partial<StepRule> = {}): StepRule => ({
  alarm: 'a1',
  adjustmentType: 'ChangeInCapacity',
  adjustments: [
    { lower: 0, upper: 10, change: 1 },
    { lower: 10, change: 3 },
  ],
  metricAggregationType: 'Average',
  ...over,
});

describe('findStep at interval edges', () => {
  const out = [
    { lower: 0, upper: 10, change: 1 },
    { lower: 10, upper: null, change: 2 },
  ] as never[];
  const inn = [
    { lower: -10, upper: 0, change: -1 },
    { lower: null, upper: -10, change: -2 },
  ] as never[];
  it.each([
    [out, 0, 1],
    [out, 9.99, 1],
    [out, 10, 2],
    [out, 1e9, 2],
    [out, -0.01, undefined],
    [inn, 0, -1],
    [inn, -9.99, -1],
    [inn, -10, -2],
    [inn, -1e9, -2],
    [inn, 0.01, undefined],
  ])('%#: diff %p -> change %p', (adjustments, diff, change) => {
    expect(findStep(adjustments, diff)?.change).toBe(change);
  });

  it('at the threshold a policy with an open upper bound reads [lower, upper)', () => {
    expect(findStep([{ lower: -5, upper: undefined, change: 4 }] as never[], 0)?.change).toBe(4);
    expect(
      findStep(
        [
          { lower: -5, upper: 0, change: 4 },
          { lower: 0, upper: undefined, change: 5 },
        ] as never[],
        0,
      )?.change,
    ).toBe(5);
    // null is an open bound too (not 0, which is what null <= 0 would make it)
    expect(findStep([{ lower: 0, upper: null, change: 6 }] as never[], 0)?.change).toBe(6);
    expect(findStep([{ lower: null, upper: null, change: 7 }] as never[], 0)?.change).toBe(7);
  });
});

describe('roundPercentChange and applyAdjustment', () => {
  it.each([
    [0, 0],
    [0.01, 1],
    [1, 1],
    [1.99, 1],
    [2.5, 2],
    [-0.01, -1],
    [-1, -1],
    [-1.99, -1],
    [-2.5, -2],
  ])('roundPercentChange(%p) = %p', (raw, rounded) => {
    expect(roundPercentChange(raw)).toBe(rounded);
  });

  it.each([
    ['ExactCapacity', 7, 3, undefined, 7],
    ['ChangeInCapacity', -2, 3, undefined, 1],
    ['PercentChangeInCapacity', 50, 10, undefined, 15],
    ['PercentChangeInCapacity', -50, 10, undefined, 5],
    ['PercentChangeInCapacity', 10, 10, 3, 13],
    ['PercentChangeInCapacity', -10, 10, 3, 7],
    ['PercentChangeInCapacity', 30, 10, 3, 13],
    ['PercentChangeInCapacity', 40, 10, 3, 14],
    ['PercentChangeInCapacity', 10, 0, 2, 2],
    ['PercentChangeInCapacity', -10, 0, 2, -2],
    ['PercentChangeInCapacity', 0, 10, 2, 10],
    ['PercentChangeInCapacity', 10, 0, undefined, 0],
  ])('%s %p on %p (min magnitude %p) -> %p', (type, change, current, magnitude, expected) => {
    expect(applyAdjustment(type as StepRule['adjustmentType'], change, current, magnitude)).toBe(expected);
  });
});

describe('stepProposal', () => {
  const propose = (r: StepRule, s: Signal, replicas = 4): Proposal | Remark | undefined => stepProposal('r', r, s, replicas);
  it.each([
    ['ChangeInCapacity', [{ lower: 0, change: 2 }], 'cpu 80 is 10 from threshold 70: step +2', 6, true],
    ['ChangeInCapacity', [{ lower: 0, change: -1 }], 'cpu 80 is 10 from threshold 70: step -1', 3, true],
    ['ChangeInCapacity', [{ lower: 0, change: 0 }], 'cpu 80 is 10 from threshold 70: step 0', 4, true],
    ['PercentChangeInCapacity', [{ lower: 0, change: 50 }], 'cpu 80 is 10 from threshold 70: step +50%', 6, true],
    ['ExactCapacity', [{ lower: 0, change: 9 }], 'cpu 80 is 10 from threshold 70: step 9 (exact)', 9, false],
  ])('%s %j says %j', (adjustmentType, adjustments, why, replicas, relative) => {
    const p = propose(rule({ adjustmentType: adjustmentType as StepRule['adjustmentType'], adjustments: adjustments }), signal()) as Proposal;
    expect(p.why()).toBe(why);
    expect(p.replicas).toBe(replicas);
    expect(p.relative).toBe(relative);
    expect(p.rule).toBe('r');
    expect('cooldownSeconds' in p).toBe(false);
  });

  it('rounds the value and the distance to three decimals in the reason', () => {
    const p = propose(rule(), signal({ value: 70.12345 })) as Proposal;
    expect(p.why()).toBe('cpu 70.123 is 0.123 from threshold 70: step +1');
  });

  it("the rule's cooldown and threshold win over the policy's and the alarm's", () => {
    const p = propose(rule({ cooldown: 0, threshold: 75 }), signal()) as Proposal;
    expect(p.cooldownSeconds).toBe(0);
    expect(p.why()).toBe('cpu 80 is 5 from threshold 75: step +1');
  });

  it.each([
    [signal({ value: undefined }), 'step rule needs the metric value and the alarm threshold; signal has value=none threshold=70'],
    [signal({ threshold: undefined }), 'step rule needs the metric value and the alarm threshold; signal has value=80 threshold=none'],
    [signal({ value: 60 }), 'value 60 (-10 from threshold 70) is in no step interval'],
  ])('%#: a remark, not a guess', (s, reason) => {
    expect(propose(rule(), s)).toEqual({ rule: 'r', reason });
  });

  it('a value of 0 and a threshold of 0 are values, not missing', () => {
    expect((propose(rule({ adjustments: [{ lower: 0, change: 1 }] as never }), signal({ value: 0, threshold: 0 })) as Proposal).replicas).toBe(5);
  });

  it.each([[signal({ state: 'ok' })], [signal({ alarm: 'other', alarmName: 'other' })], [signal({ metric: 'mem' })]])(
    '%#: an inactive or foreign signal proposes nothing',
    (s) => {
      expect(propose(rule({ metric: 'cpu' }), s)).toBeUndefined();
    },
  );
});

describe('the size ladder', () => {
  const ladder = ['s', 'm', 'l'];
  it.each([
    ['s', 'next', 'm'],
    ['m', 'next', 'l'],
    ['l', 'next', undefined],
    ['s', 'previous', undefined],
    ['m', 'previous', 's'],
    ['l', 'previous', 'm'],
    ['xl', 'next', undefined],
    ['xl', 'previous', undefined],
    [undefined, 'next', undefined],
  ])('%p %s -> %p', (current, step, expected) => {
    expect(neighbourSize(ladder, current, step as 'next' | 'previous')).toBe(expected);
  });

  it.each([
    [undefined, -1],
    ['s', 0],
    ['l', 2],
    ['xl', -1],
  ])('rank of %p is %p', (size, rank) => {
    expect(sizeRank(ladder, size)).toBe(rank);
  });
});

describe('matching a signal', () => {
  it.each([
    [{ alarm: 'a1' }, signal(), true],
    [{ alarm: 'Name' }, signal({ alarmName: 'Name' }), true],
    [{ alarm: 'a2' }, signal(), false],
    [{ alarm: 'a1', metric: 'cpu' }, signal(), true],
    [{ alarm: 'a1', metric: 'mem' }, signal(), false],
    [{ metric: 'cpu' }, signal({ alarm: undefined }), true],
    [{ metric: 'mem' }, signal(), false],
    [{}, signal(), false],
  ])('%j vs the signal -> %s', (r, s, matches) => {
    expect(matchesSignal(r, s)).toBe(matches);
  });

  it.each([
    ['firing', true],
    ['value', true],
    ['ok', false],
    ['insufficient', false],
  ])('state %s is active: %s', (state, active) => {
    expect(isActive(signal({ state: state as Signal['state'] }))).toBe(active);
  });
});

describe('findStep: which side of the threshold, and the lower bound above it', () => {
  it('at the threshold, a policy whose upper bounds are all finite but above 0 reads [lower, upper)', () => {
    expect(findStep([{ lower: 0, upper: 10, change: 1 }] as never[], 0)?.change).toBe(1);
    expect(findStep([{ lower: -10, upper: 0, change: -1 }] as never[], 0)?.change).toBe(-1);
  });

  it('above the threshold a value under the lower bound is in no interval, whatever the order', () => {
    expect(findStep([{ lower: 5, upper: 10, change: 1 }] as never[], 2)).toBeUndefined();
    expect(
      findStep(
        [
          { lower: 10, upper: null, change: 3 },
          { lower: 0, upper: 10, change: 1 },
        ] as never[],
        5,
      )?.change,
    ).toBe(1);
  });
});
