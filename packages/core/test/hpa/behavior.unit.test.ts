/**
 * hpaBehavior against the upstream table: kubernetes/kubernetes
 * pkg/controller/podautoscaler/horizontal_test.go. Each case names the upstream test.
 *
 * Upstream builds scale events with generateEventsUniformDistribution(events, 120), which
 * spreads them over the last 120 s at segment centres: [1, 5, 9] sit 100 s, 60 s and 20 s
 * ago. `events(...)` reproduces that as ages. An event exactly one period old does not
 * count (upstream: timestamp.After(now - period)).
 */
import { expectValidationErrorAt } from '../expect-validation-error';
import { HPA_DEFAULT_SCALE_DOWN_RULES, HPA_DEFAULT_SCALE_UP_RULES, hpaBehavior } from '../../src/hpa/behavior';
import type { HpaBehaviorInput, HpaRecommendation, HpaScaleEvent, HpaScalingPolicy, HpaScalingRules } from '../../src/hpa/behavior';

/** generateEventsUniformDistribution(rawEvents, periodSeconds), as ages in seconds. */
function events(changes: number[], periodSeconds = 120): HpaScaleEvent[] {
  const segment = periodSeconds / changes.length;
  return changes.map((change, i) => ({ change, ageSeconds: periodSeconds - segment * (i + 1) + segment / 2 }));
}

/** generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow): selectPolicy Max. */
function rules(pods: number, podsPeriod: number, percent: number, percentPeriod: number, stabilizationWindowSeconds: number): HpaScalingRules {
  const policies: HpaScalingPolicy[] = [];
  if (pods !== 0) policies.push({ type: 'Pods', value: pods, periodSeconds: podsPeriod });
  if (percent !== 0) policies.push({ type: 'Percent', value: percent, periodSeconds: percentPeriod });
  return { stabilizationWindowSeconds, selectPolicy: 'Max', policies };
}

const recs = (...pairs: Array<[replicas: number, ageSeconds: number]>): HpaRecommendation[] =>
  pairs.map(([replicas, ageSeconds]) => ({ replicas, ageSeconds }));

interface Case {
  name: string;
  input: HpaBehaviorInput;
  expected: number;
}

/** One test per case: hpaBehavior applies `expected` replicas. */
function itGivesTheExpectedReplicas(cases: Case[]): void {
  it.each(cases)('$name', ({ input, expected }) => {
    expect(hpaBehavior(input)).toEqual({ replicas: expected });
  });
}

describe('hpaBehavior: legacy path (no spec.behavior)', () => {
  const cases: Case[] = [
    // TestNormalizeDesiredReplicas "empty log"
    { name: 'empty log', input: { currentReplicas: 5, desiredReplicas: 5, minReplicas: 1, maxReplicas: 10, recommendations: [] }, expected: 5 },
    // TestNormalizeDesiredReplicas "stabilize": highest recommendation in the last 5 minutes wins.
    {
      name: 'stabilize',
      input: { currentReplicas: 5, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10, recommendations: recs([4, 120], [5, 60]) },
      expected: 5,
    },
    // TestNormalizeDesiredReplicas "no stabilize"
    {
      name: 'no stabilize',
      input: { currentReplicas: 5, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10, recommendations: recs([1, 120], [2, 60]) },
      expected: 3,
    },
    // TestNormalizeDesiredReplicas "no stabilize - old recommendations"
    {
      name: 'no stabilize - old recommendations',
      input: { currentReplicas: 5, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10, recommendations: recs([10, 600], [9, 540]) },
      expected: 3,
    },
    // TestNormalizeDesiredReplicas "stabilize - old recommendations"
    {
      name: 'stabilize - old recommendations',
      input: { currentReplicas: 5, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10, recommendations: recs([10, 600], [4, 60], [5, 120], [9, 540]) },
      expected: 5,
    },
    // stabilizeRecommendation drops a sample only when Before(cutoff): exactly 300 s old still counts.
    {
      name: 'window edge is inclusive',
      input: { currentReplicas: 5, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10, recommendations: recs([5, 300]) },
      expected: 5,
    },
    {
      name: 'just past the window',
      input: { currentReplicas: 5, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10, recommendations: recs([5, 300.5]) },
      expected: 3,
    },
    // --horizontal-pod-autoscaler-downscale-stabilization
    {
      name: 'controller window override',
      input: {
        currentReplicas: 5,
        desiredReplicas: 3,
        minReplicas: 1,
        maxReplicas: 10,
        recommendations: recs([5, 120]),
        downscaleStabilizationWindowSeconds: 60,
      },
      expected: 3,
    },
    // Scale-up is never stabilized on the legacy path.
    {
      name: 'scale up ignores history',
      input: { currentReplicas: 5, desiredReplicas: 8, minReplicas: 1, maxReplicas: 10, recommendations: recs([2, 30]) },
      expected: 8,
    },
    // TestConvertDesiredReplicasWithRules
    { name: 'prenormalized desired replicas within range', input: { currentReplicas: 5, desiredReplicas: 7, minReplicas: 3, maxReplicas: 8 }, expected: 7 },
    { name: 'prenormalized desired replicas < minReplicas', input: { currentReplicas: 3, desiredReplicas: 1, minReplicas: 2, maxReplicas: 8 }, expected: 2 },
    {
      name: 'prenormalized desired zeroed replicas within range',
      input: { currentReplicas: 1, desiredReplicas: 0, minReplicas: 0, maxReplicas: 10 },
      expected: 0,
    },
    {
      name: 'maxReplicas is the limit because maxReplicas < scaleUpLimit',
      input: { currentReplicas: 20, desiredReplicas: 1000, minReplicas: 1, maxReplicas: 10 },
      expected: 10,
    },
    // calculateScaleUpLimit(3) = max(2 * 3, 4) = 6
    {
      name: 'scaleUpLimit is the limit because scaleUpLimit < maxReplicas',
      input: { currentReplicas: 3, desiredReplicas: 1000, minReplicas: 1, maxReplicas: 2000 },
      expected: 6,
    },
    // calculateScaleUpLimit(1) = max(2, 4) = 4
    { name: 'scale-up limit minimum of 4', input: { currentReplicas: 1, desiredReplicas: 50, minReplicas: 1, maxReplicas: 100 }, expected: 4 },
  ];

  itGivesTheExpectedReplicas(cases);
});

describe('hpaBehavior: reconcileAutoscaler guards', () => {
  const cases: Case[] = [
    // TestScaleUpRCImmediately: below minReplicas -> minReplicas, whatever the metrics say.
    { name: 'current below min', input: { currentReplicas: 1, desiredReplicas: 0, minReplicas: 2, maxReplicas: 6 }, expected: 2 },
    // TestScaleDownRCImmediately: above maxReplicas -> maxReplicas, not further down.
    { name: 'current above max', input: { currentReplicas: 6, desiredReplicas: 1, minReplicas: 2, maxReplicas: 5, behavior: {} }, expected: 5 },
    // reconcileAutoscaler "ScalingDisabled": a target scaled to 0 by hand stays at 0 when minReplicas > 0.
    { name: 'scaled to zero by hand: autoscaling disabled', input: { currentReplicas: 0, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10 }, expected: 0 },
    // With minReplicas 0 (HPAScaleToZero) the HPA scales up from zero normally.
    { name: 'scale from zero with minReplicas 0', input: { currentReplicas: 0, desiredReplicas: 3, minReplicas: 0, maxReplicas: 10 }, expected: 3 },
  ];

  itGivesTheExpectedReplicas(cases);
});

describe('hpaBehavior: rate limits (TestScalingWithRules)', () => {
  const withRules = (
    currentReplicas: number,
    desiredReplicas: number,
    minReplicas: number,
    maxReplicas: number,
    behavior: { scaleUp?: HpaScalingRules; scaleDown?: HpaScalingRules },
    scaleUpEvents: HpaScaleEvent[] = [],
    scaleDownEvents: HpaScaleEvent[] = [],
  ): HpaBehaviorInput => ({ currentReplicas, desiredReplicas, minReplicas, maxReplicas, behavior, scaleUpEvents, scaleDownEvents });

  const cases: Case[] = [
    { name: 'prenormalized desired replicas within range', input: withRules(5, 7, 3, 8, {}), expected: 7 },
    { name: 'prenormalized desired replicas < minReplicas', input: withRules(3, 1, 2, 8, {}), expected: 2 },
    { name: 'prenormalized desired replicas within range when minReplicas is 0', input: withRules(1, 0, 0, 10, {}), expected: 0 },
    { name: 'desired replica count is more than the maximum replica count', input: withRules(100, 1000, 100, 150, {}), expected: 150 },
    // ceil(3 * 1.01) = 4
    {
      name: 'scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies',
      input: withRules(3, 1000, 1, 2000, { scaleUp: rules(0, 0, 1, 60, 0) }),
      expected: 4,
    },
    // Defaults: max(10 + 4, 10 * 2) = 20
    { name: 'scaleUp with default behavior', input: withRules(10, 50, 1, 1000, {}), expected: 20 },
    { name: 'scaleUp with pods policy larger than percent policy', input: withRules(10, 500, 1, 1000, { scaleUp: rules(100, 60, 100, 60, 0) }), expected: 110 },
    { name: 'scaleUp with percent policy larger than pods policy', input: withRules(10, 500, 1, 1000, { scaleUp: rules(2, 60, 100, 60, 0) }), expected: 20 },
    { name: 'scaleUp with pod policy limitation', input: withRules(10, 50, 1, 1000, { scaleUp: rules(30, 60, 0, 0, 0) }), expected: 40 },
    { name: 'scaleUp with percent policy limitation', input: withRules(10, 50, 1, 1000, { scaleUp: rules(0, 0, 200, 60, 0) }), expected: 30 },
    // Max select policy on scale-down: the lowest floor, min(100 - 20, trunc(100 * 0.99)) = 80
    { name: 'scaleDown with percent policy larger than pod policy', input: withRules(100, 2, 1, 1000, { scaleDown: rules(20, 60, 1, 60, 300) }), expected: 80 },
    { name: 'scaleDown with pod policy larger than percent policy', input: withRules(100, 2, 1, 1000, { scaleDown: rules(2, 60, 1, 60, 300) }), expected: 98 },
    {
      name: 'scaleDown with spec MinReplicas limitation with large percent policy',
      input: withRules(10, 2, 5, 1000, { scaleDown: rules(0, 0, 100, 60, 300) }),
      expected: 5,
    },
    { name: 'scaleDown with pod policy limitation', input: withRules(10, 2, 1, 1000, { scaleDown: rules(5, 60, 0, 0, 300) }), expected: 5 },
    // Period start = 100 - (1 + 5 + 9) = 85; 85 + 150 = 235
    {
      name: 'scaleUp with pod policy and previous scale up events',
      input: withRules(100, 500, 1, 1000, { scaleUp: rules(150, 120, 0, 0, 0) }, events([1, 5, 9])),
      expected: 235,
    },
    // ceil(85 * 3) = 255
    {
      name: 'scaleUp with percent policy and previous scale up events',
      input: withRules(100, 500, 1, 1000, { scaleUp: rules(0, 0, 200, 120, 0) }, events([1, 5, 9])),
      expected: 255,
    },
    // Period start = 6 - 4 + 2 = 4; ceil(4 * 4) = 16
    {
      name: 'scaleUp with percent policy and previous scale up and down events',
      input: withRules(6, 24, 1, 1000, { scaleUp: rules(0, 0, 300, 300, 0) }, events([4]), events([2])),
      expected: 16,
    },
    // 85 + 5 = 90 < 100: the limit is raised to current, never a scale-down.
    {
      name: 'scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events',
      input: withRules(100, 500, 1, 1000, { scaleUp: rules(5, 120, 0, 0, 0) }, events([1, 5, 9])),
      expected: 100,
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large pod policy and events',
      input: withRules(100, 500, 1, 200, { scaleUp: rules(300, 60, 0, 0, 0) }, events([1, 5, 9])),
      expected: 200,
    },
    // Period start = 100 + 15 = 115; 115 - 5 = 110 > 100 -> stay at 100.
    {
      name: 'scaleDown with pod policy limitation and previous events',
      input: withRules(100, 2, 1, 1000, { scaleDown: rules(5, 120, 0, 0, 300) }, [], events([1, 5, 9])),
      expected: 100,
    },
    // (100 + 12) * 0.5 = 56
    {
      name: 'scaleDown with percent policy limitation and previous events',
      input: withRules(100, 0, 1, 1000, { scaleDown: rules(0, 0, 50, 120, 300) }, [], events([2, 4, 6])),
      expected: 56,
    },
    // Period start = 10 - 2 + 4 = 12; 12 * 0.5 = 6
    {
      name: 'scaleDown with percent policy and previous scale up and down events',
      input: withRules(10, 1, 1, 1000, { scaleDown: rules(0, 0, 50, 180, 0) }, events([2]), events([4])),
      expected: 6,
    },
    {
      name: 'scaleDown with previous events preventing further scale down',
      input: withRules(100, 0, 1, 1000, { scaleDown: rules(0, 0, 10, 120, 300) }, [], events([10, 10, 10])),
      expected: 100,
    },
    // (10 + 30) * (1 - 10) = -360 < desired 5 -> 5
    {
      name: 'scaleDown with with previous events still allowing more scale down',
      input: withRules(10, 5, 1, 1000, { scaleDown: rules(0, 0, 1000, 120, 300) }, [], events([10, 10, 10])),
      expected: 5,
    },
    // Each policy counts only its own period: Pods/120 s allows (100 - 40) + 1000, Percent/60 s allows (100 - 20) * 2; Max takes 1060.
    {
      name: 'check that events were not marked outdated for two different policies in the behavior for up',
      input: withRules(100, 200, 1, 1000, { scaleUp: rules(1000, 120, 100, 60, 0) }, events([8, 12, 9, 11])),
      expected: 200,
    },
    // getReplicasChangePerPeriod counts events After(now - period): one exactly a period old is out...
    {
      name: 'event exactly one period old no longer counts',
      input: withRules(10, 100, 1, 1000, { scaleUp: rules(4, 60, 0, 0, 0) }, [{ change: 4, ageSeconds: 60 }]),
      expected: 14,
    },
    // ...one just inside still counts: the period started at 6, 6 + 4 = 10 leaves no room to grow.
    {
      name: 'event just inside the period counts',
      input: withRules(10, 100, 1, 1000, { scaleUp: rules(4, 60, 0, 0, 0) }, [{ change: 4, ageSeconds: 59.5 }]),
      expected: 10,
    },
  ];

  itGivesTheExpectedReplicas(cases);
});

describe('hpaBehavior: selectPolicy', () => {
  const policies: HpaScalingPolicy[] = [
    { type: 'Pods', value: 2, periodSeconds: 60 },
    { type: 'Percent', value: 50, periodSeconds: 60 },
  ];
  const cases: Case[] = [
    // TestCalculateScaleUpLimitWithScalingRules: Min picks min(1 + 2, ceil(1 * 1.5)) = 2.
    {
      name: 'Min on scale-up takes the smallest increase',
      input: { currentReplicas: 1, desiredReplicas: 10, minReplicas: 1, maxReplicas: 100, behavior: { scaleUp: { selectPolicy: 'Min', policies } } },
      expected: 2,
    },
    // TestCalculateScaleDownLimitWithBehaviors: Min picks max(5 - 2, trunc(5 * 0.5)) = 3.
    {
      name: 'Min on scale-down takes the smallest decrease',
      input: {
        currentReplicas: 5,
        desiredReplicas: 0,
        minReplicas: 0,
        maxReplicas: 100,
        behavior: { scaleDown: { selectPolicy: 'Min', stabilizationWindowSeconds: 0, policies } },
      },
      expected: 3,
    },
    // Same policies with Max: max(3, 2) = 3 up, min(3, 2) = 2 down.
    {
      name: 'Max on scale-up takes the largest increase',
      input: { currentReplicas: 1, desiredReplicas: 10, minReplicas: 1, maxReplicas: 100, behavior: { scaleUp: { policies } } },
      expected: 3,
    },
    {
      name: 'Max on scale-down takes the largest decrease',
      input: { currentReplicas: 5, desiredReplicas: 0, minReplicas: 0, maxReplicas: 100, behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies } } },
      expected: 2,
    },
    // calculateScaleUpLimitWithScalingRules: DisabledPolicySelect returns currentReplicas.
    {
      name: 'Disabled scale-up holds',
      input: { currentReplicas: 5, desiredReplicas: 10, minReplicas: 1, maxReplicas: 100, behavior: { scaleUp: { selectPolicy: 'Disabled' } } },
      expected: 5,
    },
    // calculateScaleDownLimitWithBehaviors: DisabledPolicySelect returns currentReplicas.
    {
      name: 'Disabled scale-down holds',
      input: {
        currentReplicas: 5,
        desiredReplicas: 1,
        minReplicas: 1,
        maxReplicas: 100,
        behavior: { scaleDown: { selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 } },
      },
      expected: 5,
    },
    // Disabled scale-down still lets scale-up through (and vice versa).
    {
      name: 'Disabled scale-down does not block scale-up',
      input: { currentReplicas: 5, desiredReplicas: 8, minReplicas: 1, maxReplicas: 100, behavior: { scaleDown: { selectPolicy: 'Disabled' } } },
      expected: 8,
    },
  ];

  itGivesTheExpectedReplicas(cases);
});

describe('hpaBehavior: stabilization windows (TestNormalizeDesiredReplicasWithBehavior)', () => {
  const stabilized = (
    currentReplicas: number,
    desiredReplicas: number,
    recommendations: HpaRecommendation[],
    upWindow: number,
    downWindow: number,
  ): HpaBehaviorInput => ({
    currentReplicas,
    desiredReplicas,
    minReplicas: 1,
    maxReplicas: 1000,
    recommendations,
    behavior: { scaleUp: { stabilizationWindowSeconds: upWindow }, scaleDown: { stabilizationWindowSeconds: downWindow } },
  });

  const cases: Case[] = [
    { name: 'empty recommendations for scaling down', input: stabilized(100, 5, [], 0, 0), expected: 5 },
    { name: 'simple scale down stabilization', input: stabilized(100, 3, recs([4, 120], [5, 60]), 0, 180), expected: 5 },
    // Scale-up stabilized to 4, then the default rate (1 + 4 pods) allows it.
    { name: 'simple scale up stabilization', input: stabilized(1, 7, recs([4, 120], [5, 60]), 300, 0), expected: 4 },
    { name: 'no scale down stabilization', input: stabilized(100, 3, recs([1, 120], [2, 60]), 300, 0), expected: 3 },
    { name: 'no scale up stabilization', input: stabilized(1, 3, recs([4, 120], [5, 60]), 0, 300), expected: 3 },
    {
      name: 'scale down stabilization, reuse one of obsolete recommendation element',
      input: stabilized(100, 3, recs([10, 600], [4, 60], [5, 120], [9, 540]), 0, 180),
      expected: 5,
    },
    {
      name: 'scale up stabilization, reuse one of obsolete recommendation element',
      input: stabilized(1, 100, recs([10, 6000], [6, 60], [5, 120], [9, 180]), 300, 0),
      expected: 5,
    },
    {
      name: 'scale up and down stabilization, do not scale up when prenormalized rec goes down',
      input: stabilized(2, 1, recs([2, 6000], [3, 180]), 300, 300),
      expected: 2,
    },
    {
      name: 'scale up and down stabilization, do not scale down when prenormalized rec goes up',
      input: stabilized(2, 3, recs([2, 6000], [1, 180]), 300, 300),
      expected: 2,
    },
    // After(cutoff): unlike the legacy path, a sample exactly one window old no longer counts.
    { name: 'window edge is exclusive', input: stabilized(10, 3, recs([8, 180]), 0, 180), expected: 3 },
  ];

  itGivesTheExpectedReplicas(cases);

  // maybeInitScaleDownStabilizationWindow: an unset scale-down window takes the controller flag (300 s by default).
  it.each([
    { name: 'default 300 s', window: undefined, expected: 8 },
    { name: 'controller flag 100 s', window: 100, expected: 4 },
  ])('unset scale-down window uses the controller flag: $name', ({ window, expected }) => {
    const input: HpaBehaviorInput = {
      currentReplicas: 10,
      desiredReplicas: 4,
      minReplicas: 1,
      maxReplicas: 20,
      recommendations: recs([8, 200]),
      behavior: { scaleUp: {} },
    };
    if (window !== undefined) input.downscaleStabilizationWindowSeconds = window;
    expect(hpaBehavior(input)).toEqual({ replicas: expected });
  });
});

describe('hpaBehavior: defaults (pkg/apis/autoscaling/v2/defaults.go)', () => {
  it('exports the upstream defaults', () => {
    expect(HPA_DEFAULT_SCALE_UP_RULES).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    expect(HPA_DEFAULT_SCALE_DOWN_RULES).toEqual({
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    expect(Object.isFrozen(HPA_DEFAULT_SCALE_UP_RULES.policies)).toBe(true);
  });

  it('fills unset fields per direction: a custom window keeps the default policies', () => {
    // Default scale-up policies over 15 s; +4 from 10 was 20 s ago, so it no longer counts.
    const input: HpaBehaviorInput = {
      currentReplicas: 10,
      desiredReplicas: 40,
      minReplicas: 1,
      maxReplicas: 100,
      behavior: { scaleUp: { stabilizationWindowSeconds: 0 } },
      scaleUpEvents: [{ change: 4, ageSeconds: 20 }],
    };
    expect(hpaBehavior(input)).toEqual({ replicas: 20 });
    // The same event 10 s ago counts: the period started at 6 -> max(6 + 4, 12) = 12.
    expect(hpaBehavior({ ...input, scaleUpEvents: [{ change: 4, ageSeconds: 10 }] })).toEqual({ replicas: 12 });
  });
});

describe('hpaBehavior: errors', () => {
  const base: HpaBehaviorInput = { currentReplicas: 3, desiredReplicas: 4, minReplicas: 1, maxReplicas: 10 };
  const withUp = (scaleUp: unknown): unknown => ({ ...base, behavior: { scaleUp } });

  it.each<{ name: string; input: unknown; path: string }>([
    { name: 'negative currentReplicas', input: { ...base, currentReplicas: -1 }, path: 'currentReplicas' },
    { name: 'NaN desiredReplicas', input: { ...base, desiredReplicas: Number.NaN }, path: 'desiredReplicas' },
    { name: 'missing maxReplicas', input: { ...base, maxReplicas: undefined }, path: 'maxReplicas' },
    { name: 'maxReplicas 0', input: { ...base, minReplicas: 0, maxReplicas: 0 }, path: 'maxReplicas' },
    { name: 'maxReplicas below minReplicas', input: { ...base, minReplicas: 5, maxReplicas: 4 }, path: 'maxReplicas' },
    // validateScalingRules
    { name: 'empty policies', input: withUp({ policies: [] }), path: 'behavior.scaleUp.policies' },
    { name: 'policy value 0', input: withUp({ policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] }), path: 'behavior.scaleUp.policies[0].value' },
    {
      name: 'period over 1800 s',
      input: withUp({ policies: [{ type: 'Percent', value: 10, periodSeconds: 1801 }] }),
      path: 'behavior.scaleUp.policies[0].periodSeconds',
    },
    { name: 'unknown policy type', input: withUp({ policies: [{ type: 'Nodes', value: 1, periodSeconds: 15 }] }), path: 'behavior.scaleUp.policies[0].type' },
    { name: 'window over 3600 s', input: withUp({ stabilizationWindowSeconds: 3601 }), path: 'behavior.scaleUp.stabilizationWindowSeconds' },
    {
      name: 'negative window',
      input: { ...base, behavior: { scaleDown: { stabilizationWindowSeconds: -1 } } },
      path: 'behavior.scaleDown.stabilizationWindowSeconds',
    },
    { name: 'unknown selectPolicy', input: withUp({ selectPolicy: 'Average' }), path: 'behavior.scaleUp.selectPolicy' },
    { name: 'negative recommendation age', input: { ...base, recommendations: [{ replicas: 3, ageSeconds: -1 }] }, path: 'recommendations[0].ageSeconds' },
    { name: 'fractional event change', input: { ...base, scaleUpEvents: [{ change: 1.5, ageSeconds: 1 }] }, path: 'scaleUpEvents[0].change' },
    { name: 'events not an array', input: { ...base, scaleDownEvents: {} }, path: 'scaleDownEvents' },
    { name: 'input not an object', input: undefined, path: 'input' },
  ])('$name -> ValidationError at $path', ({ input, path }) => {
    expectValidationErrorAt(() => hpaBehavior(input as HpaBehaviorInput), path);
  });
});
