/**
 * AWS step scaling, checked against the published examples:
 * - Bounds and their inclusivity, threshold 50:
 *   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
 *   (same text: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html)
 * - The worked example (capacity 10, scale out at 60 and 70, in at 40 and 30, percent steps) and the
 *   PercentChangeInCapacity rounding rules (12.7 -> 12, 0.67 -> 1, -0.58 -> -1, -6.67 -> -6):
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 *   ("Step adjustments", "Scaling adjustment types") and
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
 * - MinAdjustmentMagnitude (25 % of 4 with a magnitude of 2 adds 2) and the ChangeInCapacity /
 *   ExactCapacity examples (3 and 5 -> 8; 3 and 5 -> 5):
 *   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
 */
import { applyAdjustment, decide, emptyPersistedState, findStep, roundPercentChange, validatePolicy } from '../../src/index';
import type { PolicyInput, Signal, StepAdjustment, TargetState } from '../../src/index';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

// The AWS user guide's pair of policies for an alarm threshold of 50 (bounds relative to it).
const SCALE_OUT: StepAdjustment[] = [
  { lower: 0, upper: 10, change: 0 },
  { lower: 10, upper: 20, change: 10 },
  { lower: 20, upper: null, change: 30 },
];
const SCALE_IN: StepAdjustment[] = [
  { lower: -10, upper: 0, change: 0 },
  { lower: -20, upper: -10, change: -10 },
  { lower: null, upper: -20, change: -30 },
];

describe('findStep: which interval a breach falls in', () => {
  // API_StepAdjustment: "greater than or equal to 50 and less than 60 -> lower 0, upper 10";
  // "greater than 40 and less than or equal to 50 -> lower -10, upper 0".
  it.each([
    [50, SCALE_OUT, 0, 'at the threshold, scale-out: lower bound inclusive'],
    [59.999, SCALE_OUT, 0, 'just under the upper bound'],
    [60, SCALE_OUT, 1, 'upper bound exclusive above the threshold: 60 is the next step'],
    [69.999, SCALE_OUT, 1, ''],
    [70, SCALE_OUT, 2, ''],
    [1e9, SCALE_OUT, 2, 'null upper bound is +infinity'],
    [50, SCALE_IN, 0, 'at the threshold, scale-in: upper bound inclusive'],
    [40.001, SCALE_IN, 0, ''],
    [40, SCALE_IN, 1, 'lower bound exclusive below the threshold: 40 is the next step'],
    [30.001, SCALE_IN, 1, ''],
    [30, SCALE_IN, 2, ''],
    [-1e9, SCALE_IN, 2, 'null lower bound is -infinity'],
  ])('metric %d -> step %d', (metric, adjustments, index) => {
    expect(findStep(adjustments, metric - 50)).toBe(adjustments[index]);
  });

  it.each([
    [49.999, SCALE_OUT],
    [50.001, SCALE_IN],
  ])('metric %d on the other side of the threshold matches no step', (metric, adjustments) => {
    expect(findStep(adjustments, metric - 50)).toBeUndefined();
  });

  // One policy spanning both sides: the side of the metric, not the policy's shape, decides.
  const BOTH_SIDES: StepAdjustment[] = [
    { upper: -10, change: -2 },
    { lower: -10, upper: 0, change: -1 },
    { lower: 0, upper: 10, change: 1 },
    { lower: 10, change: 2 },
  ];
  it.each([
    [-10.001, -2],
    [-10, -2], // below the threshold the upper bound is inclusive
    [-9.999, -1],
    [-0.001, -1],
    [0, 1], // at the threshold of a policy that scales out, [lower, upper)
    [9.999, 1],
    [10, 2], // above the threshold the lower bound is inclusive
  ])('a policy on both sides: diff %d -> change %d', (diff, change) => {
    expect(findStep(BOTH_SIDES, diff)?.change).toBe(change);
  });
});

describe('roundPercentChange (AWS rounding of PercentChangeInCapacity)', () => {
  it.each([
    [12.7, 12, 'greater than 1: rounded down'],
    [3.3, 3, 'the worked example: 30 % of 11'],
    [1.67, 1, 'greater than 1: rounded down'],
    [1, 1, 'exactly 1'],
    [0.67, 1, 'between 0 and 1: rounded to 1'],
    [0.01, 1, ''],
    [0, 0, 'no change'],
    [-0.01, -1, ''],
    [-0.58, -1, 'between 0 and -1: rounded to -1'],
    [-1, -1, 'exactly -1'],
    [-1.4, -1, 'the worked example: 10 % of 14'],
    [-1.67, -1, 'less than -1: rounded up (toward zero)'],
    [-3.9, -3, 'the worked example: 30 % of 13'],
    [-6.67, -6, 'less than -1: rounded up'],
  ])('%d -> %d %s', (raw, expected) => {
    expect(roundPercentChange(raw)).toBe(expected);
  });
});

describe('applyAdjustment', () => {
  it.each([
    ['ChangeInCapacity', 5, 3, undefined, 8, 'current 3, adjustment 5 -> 8'],
    ['ChangeInCapacity', -2, 3, undefined, 1, ''],
    ['ExactCapacity', 5, 3, undefined, 5, 'current 3, adjustment 5 -> 5'],
    ['ExactCapacity', 0, 3, undefined, 0, ''],
    ['PercentChangeInCapacity', 10, 10, undefined, 11, '10 % of 10 adds 1'],
    ['PercentChangeInCapacity', 30, 11, undefined, 14, '30 % of 11 = 3.3 adds 3'],
    ['PercentChangeInCapacity', -10, 14, undefined, 13, '-10 % of 14 = -1.4 removes 1'],
    ['PercentChangeInCapacity', -30, 13, undefined, 10, '-30 % of 13 = -3.9 removes 3'],
    ['PercentChangeInCapacity', 25, 4, undefined, 5, '25 % of 4 adds 1'],
    ['PercentChangeInCapacity', 25, 4, 2, 6, 'MinAdjustmentMagnitude 2: 25 % of 4 adds 2'],
    ['PercentChangeInCapacity', -25, 4, 2, 2, 'the magnitude applies to scale-in as well'],
    ['PercentChangeInCapacity', 50, 10, 2, 15, 'a change larger than the magnitude is kept'],
    ['PercentChangeInCapacity', 10, 3, undefined, 4, '0.3 rounds to 1'],
    ['PercentChangeInCapacity', -10, 3, undefined, 2, '-0.3 rounds to -1'],
  ] as const)('%s %d at %d (magnitude %s) -> %d %s', (type, change, current, magnitude, expected, _why) => {
    expect(applyAdjustment(type, change, current, magnitude)).toBe(expected);
  });
});

function policyWith(step: Record<string, unknown>, limits: Partial<PolicyInput['limits']> = {}): ReturnType<typeof validatePolicy> {
  return validatePolicy({
    name: 'p',
    limits: { minReplicas: 1, maxReplicas: 100, cooldown: { scaleOut: 0, scaleIn: 0 }, ...limits },
    rules: [{ name: 'steps', step: { alarm: 'cpu-alarm', ...step } }],
  });
}
const state = (replicas: number): TargetState => ({
  ref: { provider: 'memory', id: 't' },
  capacity: { replicas },
  status: 'ready',
  managed: true,
  persisted: emptyPersistedState(),
});
const breach = (value: number | undefined, threshold: number | null = 50): Signal => ({
  target: { provider: 'memory', id: 't' },
  source: 'test',
  metric: 'CPUUtilization',
  alarm: 'cpu-alarm',
  state: 'firing',
  ...(value === undefined ? {} : { value }),
  ...(threshold === null ? {} : { threshold }),
  dedupeKey: `k${value}`,
  at: NOW,
});

describe('decide with step rules: the AWS worked example end to end', () => {
  // Two policies like the guide's (one alarm each side); percent steps; no cooldown so each breach acts.
  const policy = validatePolicy({
    name: 'worked-example',
    limits: { minReplicas: 1, maxReplicas: 100, cooldown: { scaleOut: 0, scaleIn: 0 } },
    rules: [
      { name: 'out', step: { alarm: 'high', adjustmentType: 'PercentChangeInCapacity', adjustments: SCALE_OUT } },
      { name: 'in', step: { alarm: 'low', adjustmentType: 'PercentChangeInCapacity', adjustments: SCALE_IN } },
    ],
  });
  const alarm = (name: string, value: number): Signal => ({ ...breach(value), alarm: name });

  it.each([
    [10, 'high', 60, 11, 'metric reaches 60: +10 % of 10'],
    [11, 'high', 70, 14, 'metric rises to 70: +30 % of 11 (3.3 -> 3)'],
    [14, 'low', 40, 13, 'metric falls to 40: -10 % of 14 (1.4 -> 1)'],
    [13, 'low', 30, 10, 'metric falls to 30: -30 % of 13 (3.9 -> 3)'],
  ])('at %d replicas, %s alarm with metric %d -> %d (%s)', (replicas, name, value, expected) => {
    const d = decide(policy, state(replicas), [alarm(name, value)], {}, NOW);
    expect(d.to.replicas).toBe(expected);
    expect(d.action).toBe('scale');
    expect(d.rule).toBe(name === 'high' ? 'out' : 'in');
  });

  it.each([
    ['high', 50],
    ['high', 59],
    ['low', 50],
    ['low', 41],
  ])('%s alarm at %d: the 0 step holds capacity', (name, value) => {
    const d = decide(policy, state(10), [alarm(name, value)], {}, NOW);
    expect(d.action).toBe('none');
    expect(d.to.replicas).toBe(10);
  });
});

describe('decide with step rules: details', () => {
  it('ExactCapacity sets the capacity, whatever the current one', () => {
    const p = policyWith({
      adjustmentType: 'ExactCapacity',
      adjustments: [
        { lower: 0, upper: 20, change: 4 },
        { lower: 20, change: 8 },
      ],
    });
    expect(decide(p, state(2), [breach(55)], {}, NOW).to.replicas).toBe(4);
    expect(decide(p, state(6), [breach(55)], {}, NOW).to.replicas).toBe(4);
    expect(decide(p, state(2), [breach(75)], {}, NOW).to.replicas).toBe(8);
  });

  it('MinAdjustmentMagnitude raises a small percent step', () => {
    const p = policyWith({ adjustmentType: 'PercentChangeInCapacity', minAdjustmentMagnitude: 2, adjustments: [{ lower: 0, change: 25 }] });
    expect(decide(p, state(4), [breach(60)], {}, NOW).to.replicas).toBe(6);
  });

  it("the rule's own threshold overrides the alarm's", () => {
    const p = policyWith({
      threshold: 80,
      adjustments: [
        { lower: 0, upper: 10, change: 1 },
        { lower: 10, change: 3 },
      ],
    });
    // 85 is 5 above 80 (+1); the alarm's 50 would have made it 35 above (+3).
    expect(decide(p, state(2), [breach(85, 50)], {}, NOW).to.replicas).toBe(3);
  });

  it('the bounds stay relative to the threshold the alarm reports', () => {
    const p = policyWith({
      adjustments: [
        { lower: 0, upper: 10, change: 1 },
        { lower: 10, change: 3 },
      ],
    });
    expect(decide(p, state(2), [breach(95, 90)], {}, NOW).to.replicas).toBe(3);
    expect(decide(p, state(2), [breach(95, 80)], {}, NOW).to.replicas).toBe(5);
  });

  it('without a value or a threshold, it says why and does nothing', () => {
    const p = policyWith({ adjustments: [{ lower: 0, change: 1 }] });
    for (const s of [breach(undefined), breach(60, null)]) {
      const d = decide(p, state(2), [s], {}, NOW);
      expect(d.action).toBe('none');
      expect(d.blockedBy).toBe('insufficient-data');
      expect(d.reason).toMatch(/needs the metric value and the alarm threshold/);
      expect(d.rule).toBe('steps');
    }
  });

  it('a value in no interval is reported, not guessed', () => {
    const p = policyWith({ adjustments: [{ lower: 0, upper: 10, change: 1 }] });
    const d = decide(p, state(2), [breach(75)], {}, NOW);
    expect(d.action).toBe('none');
    expect(d.reason).toMatch(/in no step interval/);
  });

  it('an alarm returning to OK does nothing', () => {
    const p = policyWith({ adjustments: [{ lower: 0, change: 1 }] });
    expect(decide(p, state(2), [{ ...breach(60), state: 'ok' }], {}, NOW).action).toBe('none');
  });

  it('the result is clamped to the limits', () => {
    const p = policyWith({ adjustments: [{ lower: 0, change: 50 }] }, { maxReplicas: 10 });
    const d = decide(p, state(8), [breach(60)], {}, NOW);
    expect(d.to.replicas).toBe(10);
    expect(d.reason).toMatch(/capped at max 10/);
  });
});
