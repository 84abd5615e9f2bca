/**
 * hpaReplicas against the upstream table: kubernetes/kubernetes
 * pkg/controller/podautoscaler/replica_calculator_test.go. Each case names the upstream test.
 *
 * How the upstream harness maps onto HpaPod:
 * - two containers per pod, each with the listed request and level (numContainersPerPod = 2):
 *   the pod request and usage are both doubled, so the percentages match upstream exactly;
 * - pods without podStartTime have a zero StartTime and a Ready condition with a zero
 *   lastTransitionTime: here `startTime` and `readyTransitionTime` are simply omitted;
 * - hotCPUCreationTime() is now, coolCPUCreationTime() is 3 minutes ago; the metric
 *   timestamp precedes the hot pod's readiness window, so a Ready hot pod is still unready;
 * - defaultTestingCPUInitializationPeriod = 2 min, defaultTestingDelayOfInitialReadinessStatus = 10 s,
 *   defaultTestingTolerance = 0.1.
 */
import { ValidationError } from '../../src/errors';
import { expectValidationErrorAt } from '../expect-validation-error';
import { hpaReplicas } from '../../src/hpa/replica-calculator';
import type { HpaMetricTarget, HpaPod, HpaPodPhase, HpaReplicasInput, HpaReplicasResult, HpaTolerances } from '../../src/hpa/replica-calculator';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOT = NOW; // hotCPUCreationTime()
const COOL = NOW - 3 * MINUTE; // coolCPUCreationTime()
const TESTING = { cpuInitializationPeriodSeconds: 120, initialReadinessDelaySeconds: 10 } as const;

const cpu = (averageUtilization: number): HpaMetricTarget => ({ type: 'Utilization', averageUtilization, resource: 'cpu' });
const qps = (averageValue: number): HpaMetricTarget => ({ type: 'AverageValue', averageValue });

/** Upstream replicaCalcTestCase fields, per container (doubled into the pod like the harness does). */
interface Fixture {
  currentReplicas: number;
  /** Per-container request in millicores; omitted for custom-metric cases. */
  requests?: number[];
  /** Per-container usage; pods past the end have no sample (missing). */
  levels: number[];
  podReadiness?: boolean[];
  podPhase?: HpaPodPhase[];
  podDeletionTimestamp?: boolean[];
  podStartTime?: number[];
}

/** prepareTestClientSet: podsCount = max(currentReplicas, len(podPhase)). */
function podsOf(f: Fixture, perPod = 2): HpaPod[] {
  const count = Math.max(f.currentReplicas, f.podPhase?.length ?? 0);
  return Array.from({ length: count }, (_, i) => {
    const pod: HpaPod = { name: `test-pod-${i}`, phase: f.podPhase?.[i] ?? 'Running', ready: f.podReadiness?.[i] ?? true };
    const request = f.requests?.[i];
    const level = f.levels[i];
    if (request !== undefined) pod.request = perPod * request;
    if (level !== undefined) pod.usage = perPod * level;
    if (f.podDeletionTimestamp?.[i] === true) pod.deleting = true;
    const start = f.podStartTime?.[i];
    if (start !== undefined) pod.startTime = start;
    return pod;
  });
}

interface Case {
  name: string;
  fixture: Fixture;
  target: HpaMetricTarget;
  tolerance?: number | HpaTolerances;
  expected: HpaReplicasResult;
}

function run(c: Case): HpaReplicasResult {
  // Custom (pods) metrics are reported per pod, not per container.
  const perPod = c.target.type === 'AverageValue' ? 1 : 2;
  const input: HpaReplicasInput = { currentReplicas: c.fixture.currentReplicas, target: c.target, pods: podsOf(c.fixture, perPod), now: NOW, ...TESTING };
  if (c.tolerance !== undefined) input.tolerance = c.tolerance;
  return hpaReplicas(input);
}

/** One test per case: hpaReplicas gives the upstream case's expected replicas and utilization. */
function itGivesTheExpectedResult(cases: Case[]): void {
  it.each(cases)('$name', (c) => {
    expect(run(c)).toEqual(c.expected);
  });
}

const ones = (n: number): number[] => Array.from({ length: n }, () => 1000);

describe('hpaReplicas: Utilization target (GetResourceReplicas)', () => {
  const cases: Case[] = [
    // TestReplicaCalcScaleUp
    {
      name: 'scale up',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [300, 500, 700] },
      target: cpu(30),
      expected: { replicas: 5, utilization: 50 },
    },
    // TestReplicaCalcScaleUpUnreadyLessScale: the unready pod counts as 0 on scale-up, over len(metrics).
    {
      name: 'scale up: unready pod scales less',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [300, 500, 700], podReadiness: [false, true, true] },
      target: cpu(30),
      expected: { replicas: 4, utilization: 60 },
    },
    // TestReplicaCalcScaleUpHotCpuLessScale: within the CPU initialization period, a stale sample makes a Ready pod unready.
    {
      name: 'scale up: hot-CPU pod scales less',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [300, 500, 700], podStartTime: [HOT, COOL, COOL] },
      target: cpu(30),
      expected: { replicas: 4, utilization: 60 },
    },
    // TestReplicaCalcScaleUpUnreadyNoScale: filling unready pods with 0 flips the direction -> no change.
    {
      name: 'no scale: unready pods would flip the direction',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [400, 500, 700], podReadiness: [true, false, false] },
      target: cpu(30),
      expected: { replicas: 3, utilization: 40 },
    },
    // TestReplicaCalcScaleHotCpuNoScale
    {
      name: 'no scale: unready hot-CPU pods ignored',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [400, 500, 700], podReadiness: [true, false, false], podStartTime: [COOL, HOT, HOT] },
      target: cpu(30),
      expected: { replicas: 3, utilization: 40 },
    },
    // TestReplicaCalcScaleUpIgnoresFailedPods: Failed pods are neither missing nor unready.
    {
      name: 'scale up: failed pods ignored',
      fixture: {
        currentReplicas: 2,
        requests: ones(4),
        levels: [500, 700],
        podReadiness: [true, true, false, false],
        podPhase: ['Running', 'Running', 'Failed', 'Failed'],
      },
      target: cpu(30),
      expected: { replicas: 4, utilization: 60 },
    },
    // TestReplicaCalcScaleUpIgnoresDeletionPods
    {
      name: 'scale up: pods being deleted ignored',
      fixture: {
        currentReplicas: 2,
        requests: ones(4),
        levels: [500, 700],
        podReadiness: [true, true, false, false],
        podPhase: ['Running', 'Running', 'Running', 'Running'],
        podDeletionTimestamp: [false, false, true, true],
      },
      target: cpu(30),
      expected: { replicas: 4, utilization: 60 },
    },
    // TestReplicaCalcScaleDown: 28% of 50% -> ceil(0.56 * 5) = 3.
    {
      name: 'scale down',
      fixture: { currentReplicas: 5, requests: ones(5), levels: [100, 300, 500, 250, 250] },
      target: cpu(50),
      expected: { replicas: 3, utilization: 28 },
    },
    // TestReplicaCalcScaleDownExcludeUnreadyPods: on scale-down unready pods drop out and readyPodCount is the base.
    {
      name: 'scale down: unready pods excluded',
      fixture: { currentReplicas: 5, requests: ones(5), levels: [100, 300, 500, 250, 250], podReadiness: [true, true, true, false, false] },
      target: cpu(50),
      expected: { replicas: 2, utilization: 30 },
    },
    // TestReplicaCalcScaleDownExcludeUnscheduledPods: Pending pods are unready.
    {
      name: 'scale down: pending pods excluded',
      fixture: {
        currentReplicas: 5,
        requests: ones(5),
        levels: [100],
        podReadiness: [true, false, false, false, false],
        podPhase: ['Running', 'Pending', 'Pending', 'Pending', 'Pending'],
      },
      target: cpu(50),
      expected: { replicas: 1, utilization: 10 },
    },
    // TestReplicaCalcScaleDownIgnoreHotCpuPods
    {
      name: 'scale down: hot-CPU pods ignored',
      fixture: { currentReplicas: 5, requests: ones(5), levels: [100, 300, 500, 250, 250], podStartTime: [COOL, COOL, COOL, HOT, HOT] },
      target: cpu(50),
      expected: { replicas: 2, utilization: 30 },
    },
    // TestReplicaCalcScaleDownIgnoresFailedPods
    {
      name: 'scale down: failed pods ignored',
      fixture: {
        currentReplicas: 5,
        requests: ones(7),
        levels: [100, 300, 500, 250, 250],
        podReadiness: [true, true, true, true, true, false, false],
        podPhase: ['Running', 'Running', 'Running', 'Running', 'Running', 'Failed', 'Failed'],
      },
      target: cpu(50),
      expected: { replicas: 3, utilization: 28 },
    },
    // TestReplicaCalcTolerance: 102% of 100% is inside the default 10%.
    {
      name: 'within tolerance',
      fixture: { currentReplicas: 3, requests: [900, 1000, 1100], levels: [1010, 1030, 1020] },
      target: cpu(100),
      expected: { replicas: 3, utilization: 102 },
    },
    // TestReplicaCalcMissingMetrics: missing pods count as 100% of their request on scale-down.
    {
      name: 'missing metrics: scale down',
      fixture: { currentReplicas: 4, requests: ones(4), levels: [400, 95] },
      target: cpu(100),
      expected: { replicas: 3, utilization: 24 },
    },
    // TestReplicaCalcMissingMetricsNoChangeEq: ratio exactly 1: missing pods are not filled in, no change.
    {
      name: 'missing metrics: no change at ratio 1',
      fixture: { currentReplicas: 2, requests: ones(2), levels: [1000] },
      target: cpu(100),
      expected: { replicas: 2, utilization: 100 },
    },
    // TestReplicaCalcMissingMetricsNoChangeGt: missing pod counts as 0 on scale-up, landing within tolerance.
    {
      name: 'missing metrics: scale-up damped into tolerance',
      fixture: { currentReplicas: 2, requests: ones(2), levels: [1900] },
      target: cpu(100),
      expected: { replicas: 2, utilization: 190 },
    },
    // TestReplicaCalcMissingMetricsNoChangeLt
    {
      name: 'missing metrics: scale-down damped to no change',
      fixture: { currentReplicas: 2, requests: ones(2), levels: [600] },
      target: cpu(100),
      expected: { replicas: 2, utilization: 60 },
    },
    // TestReplicaCalcMissingMetricsUnreadyChange: filling the missing pod at 100% flips 0.9 to 1.44 -> no change.
    {
      name: 'missing metrics + unready: direction flip',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [100, 450], podReadiness: [false, true, true] },
      target: cpu(50),
      expected: { replicas: 3, utilization: 45 },
    },
    // TestReplicaCalcMissingMetricsUnreadyScaleUp: both the missing and the unready pod count as 0.
    {
      name: 'missing metrics + unready: scale up',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [100, 2000], podReadiness: [false, true, true] },
      target: cpu(50),
      expected: { replicas: 4, utilization: 200 },
    },
    // TestReplicaCalcMissingMetricsHotCpuScaleUp
    {
      name: 'missing metrics + hot CPU: scale up',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [100, 2000], podReadiness: [false, true, true], podStartTime: [HOT, COOL, COOL] },
      target: cpu(50),
      expected: { replicas: 4, utilization: 200 },
    },
    // TestReplicaCalcMissingMetricsUnreadyScaleDown: the unready pod stays out on scale-down.
    {
      name: 'missing metrics + unready: scale down',
      fixture: { currentReplicas: 4, requests: ones(4), levels: [100, 100, 100], podReadiness: [false, true, true, true] },
      target: cpu(50),
      expected: { replicas: 3, utilization: 10 },
    },
    // TestReplicaCalcMissingMetricsScaleDownTargetOver100: a missing pod counts at the target (300%) when it exceeds 100%.
    {
      name: 'missing metrics: scale down with target over 100%',
      fixture: { currentReplicas: 4, requests: [1000, 1000, 2000, 2000], levels: [200, 100, 100], podReadiness: [false, true, true, true] },
      target: cpu(300),
      expected: { replicas: 2, utilization: 6 },
    },
    // TestReplicaCalcDuringRollingUpdateWithMaxSurge: 3 pods for 2 replicas; ceil(0.8 * 3) > 2 would scale up -> no change.
    {
      name: 'rolling update surge: no reversal',
      fixture: { currentReplicas: 2, requests: ones(3), levels: [100, 100], podPhase: ['Running', 'Running', 'Running'] },
      target: cpu(50),
      expected: { replicas: 2, utilization: 10 },
    },
    // TestGroupPods "count in a ready pod - memory": readiness only matters for CPU, so all three pods count.
    {
      name: 'memory: readiness ignored',
      fixture: { currentReplicas: 3, requests: ones(3), levels: [300, 500, 700], podReadiness: [false, true, true] },
      target: { type: 'Utilization', averageUtilization: 30, resource: 'memory' },
      expected: { replicas: 5, utilization: 50 },
    },
  ];

  itGivesTheExpectedResult(cases);
});

describe('hpaReplicas: configurable tolerance (KEP-4951)', () => {
  const fixture = (levels: number[]): Fixture => ({ currentReplicas: 3, requests: [900, 1000, 1100], levels });
  // TestReplicaCalcConfigurableTolerance: scaleUp applies above ratio 1, scaleDown below it.
  const cases: Case[] = [
    {
      name: 'outside a 0% tolerance',
      fixture: fixture([909, 1010, 1111]),
      target: cpu(100),
      tolerance: { scaleUp: 0, scaleDown: 0 },
      expected: { replicas: 4, utilization: 101 },
    },
    {
      name: 'within a 200% scale-up tolerance',
      fixture: fixture([1890, 1910, 1900]),
      target: cpu(100),
      tolerance: { scaleUp: 2, scaleDown: 0.1 },
      expected: { replicas: 3, utilization: 190 },
    },
    {
      name: 'outside an 8% scale-up tolerance (scale-down tolerance irrelevant)',
      fixture: fixture([1100, 1080, 1090]),
      target: cpu(100),
      tolerance: { scaleUp: 0.08, scaleDown: 2 },
      expected: { replicas: 4, utilization: 109 },
    },
    {
      name: 'within a 36% scale-down tolerance',
      fixture: fixture([660, 640, 650]),
      target: cpu(100),
      tolerance: { scaleUp: 0.1, scaleDown: 0.36 },
      expected: { replicas: 3, utilization: 65 },
    },
    {
      name: 'outside a 34% scale-down tolerance',
      fixture: fixture([660, 640, 650]),
      target: cpu(100),
      tolerance: { scaleUp: 0.1, scaleDown: 0.34 },
      expected: { replicas: 2, utilization: 65 },
    },
    // Same data, single-number form: 0.1 both ways, so 0.65 is outside.
    { name: 'number form applies both ways', fixture: fixture([660, 640, 650]), target: cpu(100), tolerance: 0.1, expected: { replicas: 2, utilization: 65 } },
    // TestReplicaCalcConfigurableToleranceCM: a 1% scale-up tolerance on a pods metric.
    {
      name: 'pods metric outside a 1% scale-up tolerance',
      fixture: { currentReplicas: 3, levels: [20000, 21000, 21000] },
      target: qps(20000),
      tolerance: { scaleUp: 0.01, scaleDown: 0.1 },
      expected: { replicas: 4, utilization: 20666 },
    },
  ];

  itGivesTheExpectedResult(cases);
});

describe('hpaReplicas: AverageValue target (GetMetricReplicas / calcPlainMetricReplicas)', () => {
  const cases: Case[] = [
    // TestReplicaCalcScaleUpCM
    { name: 'scale up', fixture: { currentReplicas: 3, levels: [20000, 10000, 30000] }, target: qps(15000), expected: { replicas: 4, utilization: 20000 } },
    // TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale: readiness is a CPU rule, a pods metric keeps every sample.
    {
      name: 'unready pods still count',
      fixture: { currentReplicas: 3, levels: [50000, 10000, 30000], podReadiness: [true, true, false], podStartTime: [COOL, COOL, HOT] },
      target: qps(15000),
      expected: { replicas: 6, utilization: 30000 },
    },
    // TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown: the average truncates (95000 / 3 = 31666).
    {
      name: 'average truncates like int64',
      fixture: { currentReplicas: 3, levels: [50000, 15000, 30000], podReadiness: [false, true, false], podStartTime: [HOT, COOL, HOT] },
      target: qps(15000),
      expected: { replicas: 7, utilization: 31666 },
    },
    // TestReplicaCalcScaleDownCM
    {
      name: 'scale down',
      fixture: { currentReplicas: 5, levels: [12000, 12000, 12000, 12000, 12000] },
      target: qps(20000),
      expected: { replicas: 3, utilization: 12000 },
    },
    // TestReplicaCalcToleranceCM
    {
      name: 'within tolerance',
      fixture: { currentReplicas: 3, levels: [20000, 21000, 21000] },
      target: qps(20000),
      expected: { replicas: 3, utilization: 20666 },
    },
    // TestPlainMetricReplicaCalcMissingMetricsNoChangeEq
    {
      name: 'missing metrics: no change at ratio 1',
      fixture: { currentReplicas: 5, levels: [20000, 19000, 21000] },
      target: qps(20000),
      expected: { replicas: 5, utilization: 20000 },
    },
    // TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM: the missing pod counts at the target on scale-down.
    {
      name: 'rolling update surge: no reversal',
      fixture: { currentReplicas: 2, levels: [10000, 10000], podPhase: ['Running', 'Running', 'Running'] },
      target: qps(17000),
      expected: { replicas: 2, utilization: 10000 },
    },
    // calcPlainMetricReplicas, scale-down branch: missing pod at the target -> (3 x 100 + 1000) / 4 = 325 -> ceil(0.325 * 4) = 2.
    {
      name: 'missing metrics: scale down counts the target',
      fixture: { currentReplicas: 4, levels: [100, 100, 100] },
      target: qps(1000),
      expected: { replicas: 2, utilization: 100 },
    },
    // calcPlainMetricReplicas, scale-up branch: missing pod at 0 -> 6000 / 3 = 2000 -> ceil(2 * 3) = 6 (not 9).
    {
      name: 'missing metrics: scale up counts 0',
      fixture: { currentReplicas: 3, levels: [3000, 3000] },
      target: qps(1000),
      expected: { replicas: 6, utilization: 3000 },
    },
    // GetRawResourceReplicas (AverageValue on cpu): the CPU readiness rules apply; the hot pod counts as 0.
    {
      name: 'cpu AverageValue applies CPU readiness',
      fixture: { currentReplicas: 3, levels: [50000, 10000, 30000], podStartTime: [COOL, COOL, HOT] },
      target: { type: 'AverageValue', averageValue: 15000, resource: 'cpu' },
      expected: { replicas: 4, utilization: 30000 },
    },
  ];

  itGivesTheExpectedResult(cases);
});

describe('hpaReplicas: CPU readiness (TestGroupPods)', () => {
  // One pod at 200% of a 100% target: 2 replicas when its sample counts, an error when it is unready.
  const single = (pod: Partial<HpaPod>): HpaReplicasInput => ({
    currentReplicas: 1,
    target: cpu(100),
    pods: [{ name: 'bentham', phase: 'Running', request: 1000, usage: 2000, ...pod }],
    now: NOW,
    ...TESTING,
  });

  it.each<{ name: string; pod: Partial<HpaPod>; counted: boolean }>([
    {
      name: 'count in a ready pod with fresh metrics during initialization period',
      pod: { startTime: NOW - MINUTE, readyTransitionTime: NOW - 30 * SECOND, sampleTime: NOW, sampleWindowSeconds: 30 },
      counted: true,
    },
    {
      name: 'unready a ready pod without fresh metrics during initialization period',
      pod: { startTime: NOW - MINUTE, readyTransitionTime: NOW - 30 * SECOND, sampleTime: NOW, sampleWindowSeconds: 60 },
      counted: false,
    },
    {
      name: 'unready an unready pod during initialization period',
      pod: { ready: false, startTime: NOW - 10 * MINUTE, readyTransitionTime: NOW - 9 * MINUTE - 54 * SECOND },
      counted: false,
    },
    {
      name: 'count in a ready pod without fresh metrics after initialization period',
      pod: { startTime: NOW - 3 * MINUTE, readyTransitionTime: NOW - 3 * MINUTE, sampleTime: NOW - 2 * MINUTE, sampleWindowSeconds: 60 },
      counted: true,
    },
    {
      name: 'count in an unready pod that was ready after initialization period',
      pod: { ready: false, startTime: NOW - 10 * MINUTE, readyTransitionTime: NOW - 9 * MINUTE },
      counted: true,
    },
    // Transition exactly startTime + delay is not After it: upstream counts the pod in.
    {
      name: 'unready pod that has never been ready after initialization period',
      pod: { ready: false, startTime: NOW - 10 * MINUTE, readyTransitionTime: NOW - 9 * MINUTE - 50 * SECOND },
      counted: true,
    },
    { name: 'pending pods are unreadied', pod: { phase: 'Pending' }, counted: false },
    { name: 'ignore pods with deletion timestamps', pod: { deleting: true }, counted: false },
    { name: 'ignore pods in a failed state', pod: { phase: 'Failed' }, counted: false },
    { name: 'count in a ready Succeeded pod (only Pending/Failed phases are special)', pod: { phase: 'Succeeded' }, counted: true },
  ])('$name', ({ pod, counted }) => {
    const input = single(pod);
    if (counted) expect(hpaReplicas(input)).toEqual({ replicas: 2, utilization: 200 });
    else expect(() => hpaReplicas(input)).toThrow('did not receive metrics for targeted pods');
  });

  it('uses the production defaults (300 s initialization) when not configured', () => {
    // 3 minutes old is past the testing period (2 min) but inside the default 5 min, so the stale sample is dropped.
    const input = single({ startTime: NOW - 3 * MINUTE, readyTransitionTime: NOW - 3 * MINUTE, sampleTime: NOW - 2.5 * MINUTE });
    expect(hpaReplicas(input)).toEqual({ replicas: 2, utilization: 200 });
    const { cpuInitializationPeriodSeconds: _a, initialReadinessDelaySeconds: _b, ...defaults } = input;
    expect(() => hpaReplicas(defaults)).toThrow(ValidationError);
  });
});

describe('hpaReplicas: errors', () => {
  const base = (): HpaReplicasInput => ({ currentReplicas: 1, target: cpu(50), pods: [{ name: 'p', phase: 'Running', request: 1000, usage: 500 }], now: NOW });

  it.each<{ name: string; input: () => unknown; path: string }>([
    // TestReplicaCalcEmptyCPURequest
    { name: 'missing request', input: () => ({ ...base(), pods: [{ name: 'p', phase: 'Running', usage: 200 }] }), path: 'pods[0].request' },
    // TestReplicaCalcEmptyMetrics
    { name: 'no metrics at all', input: () => ({ ...base(), pods: [{ name: 'p', phase: 'Running', request: 1000 }] }), path: 'pods' },
    // GetResourceUtilizationRatio: "no metrics returned matched known pods" (requests total 0)
    { name: 'no request to divide by', input: () => ({ ...base(), pods: [{ name: 'p', phase: 'Running', request: 0, usage: 10 }] }), path: 'pods' },
    // "no pods returned by selector while calculating replica count"
    { name: 'no pods', input: () => ({ ...base(), pods: [] }), path: 'pods' },
    // "did not receive metrics for targeted pods (pods might be unready)"
    {
      name: 'only unready pods have samples',
      input: () => ({ ...base(), pods: [{ name: 'p', phase: 'Running', ready: false, request: 1000, usage: 10 }] }),
      path: 'pods',
    },
    { name: 'negative currentReplicas', input: () => ({ ...base(), currentReplicas: -1 }), path: 'currentReplicas' },
    { name: 'fractional currentReplicas', input: () => ({ ...base(), currentReplicas: 1.5 }), path: 'currentReplicas' },
    { name: 'NaN usage', input: () => ({ ...base(), pods: [{ name: 'p', phase: 'Running', request: 1000, usage: Number.NaN }] }), path: 'pods[0].usage' },
    { name: 'missing target', input: () => ({ ...base(), target: undefined }), path: 'target' },
    { name: 'zero utilization target', input: () => ({ ...base(), target: cpu(0) }), path: 'target.averageUtilization' },
    { name: 'non-positive average value', input: () => ({ ...base(), target: qps(0) }), path: 'target.averageValue' },
    { name: 'unknown target type', input: () => ({ ...base(), target: { type: 'Value' } }), path: 'target.type' },
    { name: 'negative tolerance', input: () => ({ ...base(), tolerance: -0.1 }), path: 'tolerance' },
    { name: 'NaN scale-up tolerance', input: () => ({ ...base(), tolerance: { scaleUp: Number.NaN, scaleDown: 0.1 } }), path: 'tolerance.scaleUp' },
    { name: 'duplicate pod names', input: () => ({ ...base(), pods: [...base().pods, ...base().pods] }), path: 'pods[1].name' },
    { name: 'unknown phase', input: () => ({ ...base(), pods: [{ name: 'p', phase: 'Lost', request: 1, usage: 1 }] }), path: 'pods[0].phase' },
    { name: 'pods not an array', input: () => ({ ...base(), pods: 'p' }), path: 'pods' },
    { name: 'NaN now', input: () => ({ ...base(), now: Number.NaN }), path: 'now' },
    { name: 'input not an object', input: () => null, path: 'input' },
  ])('$name -> ValidationError at $path', ({ input, path }) => {
    expectValidationErrorAt(() => hpaReplicas(input() as HpaReplicasInput), path);
  });
});
