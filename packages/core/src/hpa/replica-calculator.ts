/**
 * A pure port of the Kubernetes HPA replica calculator
 * (kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator.go and
 * metrics/utilization.go), so a policy can be checked against what an HPA would do.
 *
 * Units follow upstream: `request`, `usage` and `averageValue` are the milli-values
 * the controller works with (`Quantity.MilliValue()`: 250 means 250m CPU). Upstream
 * does int64 arithmetic on them; this port reproduces its truncating divisions, so
 * pass integers (fractions are accepted, but a fractional average truncates like Go).
 */
import { ValidationError } from '../errors';

export type HpaPodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
export type HpaResourceName = 'cpu' | 'memory';

/** Resource metric with `target.type: Utilization` (GetResourceReplicas). */
export interface HpaUtilizationTarget {
  type: 'Utilization';
  /** Percent of the pods' requests, an integer >= 1 (int32 upstream). */
  averageUtilization: number;
  resource: HpaResourceName;
}

/**
 * Per-pod average value (GetMetricReplicas, i.e. a Pods metric). With `resource`
 * set it is a Resource metric with `target.type: AverageValue` (GetRawResourceReplicas),
 * which differs only in that `cpu` applies the CPU readiness rules.
 */
export interface HpaAverageValueTarget {
  type: 'AverageValue';
  /** Milli-value, > 0. */
  averageValue: number;
  resource?: HpaResourceName;
}

export type HpaMetricTarget = HpaUtilizationTarget | HpaAverageValueTarget;

/** KEP-4951 per-direction tolerances (upstream `Tolerances`). */
export interface HpaTolerances {
  /** Applies when the usage ratio is above 1. */
  scaleUp: number;
  /** Applies when the usage ratio is below 1. */
  scaleDown: number;
}

export interface HpaPod {
  /** Unique: upstream keys metrics by pod name. */
  name: string;
  phase: HpaPodPhase;
  /** The pod's Ready condition. Default true (a running pod always carries one). */
  ready?: boolean;
  /** Has a deletionTimestamp: ignored like a Failed pod. */
  deleting?: boolean;
  /** status.startTime (epoch ms). Omitted: started long ago, outside the CPU initialization period. */
  startTime?: number;
  /** lastTransitionTime of the Ready condition (epoch ms). Omitted: taken as `startTime`. */
  readyTransitionTime?: number;
  /** Summed container requests (milli-value). Required for every pod with a Utilization target. */
  request?: number;
  /** Metric sample (milli-value). Omitted: the metrics API returned nothing for the pod. */
  usage?: number;
  /** When the sample was taken (epoch ms). Default `now`. */
  sampleTime?: number;
  /** Sample window in seconds. Default 60 (upstream metricServerDefaultMetricWindow). */
  sampleWindowSeconds?: number;
}

export interface HpaReplicasInput {
  currentReplicas: number;
  target: HpaMetricTarget;
  /** A number applies both ways. Default 0.1 (--horizontal-pod-autoscaler-tolerance). */
  tolerance?: number | HpaTolerances;
  pods: HpaPod[];
  /** Epoch ms. */
  now: number;
  /** Default 300 (--horizontal-pod-autoscaler-cpu-initialization-period). */
  cpuInitializationPeriodSeconds?: number;
  /** Default 30 (--horizontal-pod-autoscaler-initial-readiness-delay). */
  initialReadinessDelaySeconds?: number;
}

export interface HpaReplicasResult {
  /** The metric's replica proposal (before min/max and behavior; see hpaBehavior). */
  replicas: number;
  /**
   * Utilization target: the current utilization, truncated integer percent.
   * AverageValue target: the current per-pod average (truncated milli-value).
   * Both from the first pass, before missing/unready pods are filled in, as upstream reports it.
   */
  utilization?: number;
}

/** Upstream controller-manager flag defaults. */
export const HPA_DEFAULT_TOLERANCE = 0.1;
export const HPA_DEFAULT_CPU_INITIALIZATION_PERIOD_SECONDS = 300;
export const HPA_DEFAULT_INITIAL_READINESS_DELAY_SECONDS = 30;
/** metricServerDefaultMetricWindow in the upstream metrics client. */
export const HPA_DEFAULT_METRIC_WINDOW_SECONDS = 60;

const POD_PHASES: readonly HpaPodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
const RESOURCES: readonly HpaResourceName[] = ['cpu', 'memory'];

/** Pod name -> metric value; the mutable `PodMetricsInfo` map upstream rebalances in place. */
type PodMetrics = Map<string, number>;

interface PodGroups {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

interface Settings {
  tolerances: HpaTolerances;
  cpuInitializationMs: number;
  readinessDelayMs: number;
}

/**
 * Desired replicas for one metric, as the HPA computes it: GetResourceReplicas for a
 * Utilization target, GetMetricReplicas / GetRawResourceReplicas (calcPlainMetricReplicas)
 * for an AverageValue target. Throws ValidationError for bad input and for every case
 * where upstream returns an error (no pods, no metrics, missing request, ...).
 */
export function hpaReplicas(input: HpaReplicasInput): HpaReplicasResult {
  const settings = validate(input);
  const { target, pods, currentReplicas } = input;
  const resource = target.resource;

  // Upstream lists the pods by selector; an empty list is its first hard error.
  if (pods.length === 0) {
    throw new ValidationError('no pods returned by selector while calculating replica count', [{ path: 'pods', message: 'must list at least one pod' }]);
  }

  // The metrics API response: one sample per pod that has one (the metrics clients error on an empty list).
  const metrics: PodMetrics = new Map();
  for (const pod of pods) if (pod.usage !== undefined) metrics.set(pod.name, pod.usage);
  if (metrics.size === 0) {
    const api = resource === undefined ? 'custom metrics API' : 'resource metrics API';
    throw new ValidationError(`no metrics returned from ${api}`, [{ path: 'pods', message: 'no pod has a usage sample' }]);
  }

  const groups = groupPods(pods, resource, input.now, settings);
  for (const name of groups.ignoredPods) metrics.delete(name);
  for (const name of groups.unreadyPods) metrics.delete(name);
  if (metrics.size === 0) {
    throw new ValidationError('did not receive metrics for targeted pods (pods might be unready)', [
      { path: 'pods', message: 'no ready pod has a usage sample' },
    ]);
  }

  return target.type === 'Utilization'
    ? resourceReplicas(currentReplicas, target, pods, metrics, groups, settings.tolerances)
    : plainMetricReplicas(currentReplicas, target.averageValue, metrics, groups, settings.tolerances);
}

/** Mirrors GetResourceReplicas (after the metrics and pods have been fetched). */
function resourceReplicas(
  currentReplicas: number,
  target: HpaUtilizationTarget,
  pods: HpaPod[],
  metrics: PodMetrics,
  groups: PodGroups,
  tolerances: HpaTolerances,
): HpaReplicasResult {
  const targetUtilization = target.averageUtilization;
  const requests = calculateRequests(pods, target.resource);
  const first = resourceUtilizationRatio(metrics, requests, targetUtilization);
  const usageRatio = first.ratio;
  const utilization = first.utilization;

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (isWithin(tolerances, usageRatio)) return { replicas: currentReplicas, utilization };
    // Nothing to rebalance: the ready pods are the whole picture.
    return { replicas: Math.ceil(usageRatio * groups.readyPodCount), utilization };
  }

  if (groups.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      // Scale-down: a pod without a sample is assumed busy, at 100% of its request
      // or at the target when the target is above 100%, so it holds replicas back.
      const fallbackUtilization = Math.max(100, targetUtilization);
      for (const name of groups.missingPods) metrics.set(name, goDiv((requests.get(name) ?? 0) * fallbackUtilization, 100));
    } else if (usageRatio > 1.0) {
      // Scale-up: a pod without a sample is assumed idle, damping the scale-up.
      for (const name of groups.missingPods) metrics.set(name, 0);
    }
  }
  if (scaleUpWithUnready) {
    // Unready pods count as idle, and only on scale-up (they were dropped on scale-down).
    for (const name of groups.unreadyPods) metrics.set(name, 0);
  }

  const newUsageRatio = resourceUtilizationRatio(metrics, requests, targetUtilization).ratio;
  if (isWithin(tolerances, newUsageRatio) || flipsDirection(usageRatio, newUsageRatio)) {
    return { replicas: currentReplicas, utilization };
  }
  // Every pod that now carries a value factors in: len(metrics), not readyPodCount.
  const newReplicas = Math.ceil(newUsageRatio * metrics.size);
  if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
    // More pods than currentReplicas (e.g. a rolling-update surge) would reverse the direction.
    return { replicas: currentReplicas, utilization };
  }
  return { replicas: newReplicas, utilization };
}

/** Mirrors calcPlainMetricReplicas (behind GetMetricReplicas and GetRawResourceReplicas). */
function plainMetricReplicas(
  currentReplicas: number,
  targetUsage: number,
  metrics: PodMetrics,
  groups: PodGroups,
  tolerances: HpaTolerances,
): HpaReplicasResult {
  const first = metricUsageRatio(metrics, targetUsage);
  const usageRatio = first.ratio;
  const usage = first.usage;

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (isWithin(tolerances, usageRatio)) return { replicas: currentReplicas, utilization: usage };
    return { replicas: Math.ceil(usageRatio * groups.readyPodCount), utilization: usage };
  }

  if (groups.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      // Scale-down: a pod without a sample is assumed to sit exactly at the target.
      for (const name of groups.missingPods) metrics.set(name, targetUsage);
    } else if (usageRatio > 1.0) {
      for (const name of groups.missingPods) metrics.set(name, 0);
    }
  }
  if (scaleUpWithUnready) {
    for (const name of groups.unreadyPods) metrics.set(name, 0);
  }

  const newUsageRatio = metricUsageRatio(metrics, targetUsage).ratio;
  if (isWithin(tolerances, newUsageRatio) || flipsDirection(usageRatio, newUsageRatio)) {
    return { replicas: currentReplicas, utilization: usage };
  }
  const newReplicas = Math.ceil(newUsageRatio * metrics.size);
  if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
    return { replicas: currentReplicas, utilization: usage };
  }
  return { replicas: newReplicas, utilization: usage };
}

/**
 * Mirrors groupPods: deleting and Failed pods are ignored; Pending pods are unready;
 * pods without a sample are missing (checked before readiness); for CPU only, a pod
 * is unready while its samples may still include start-up work.
 */
function groupPods(pods: HpaPod[], resource: HpaResourceName | undefined, now: number, settings: Settings): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unreadyPods: new Set(), missingPods: new Set(), ignoredPods: new Set() };
  for (const pod of pods) {
    if (pod.deleting === true || pod.phase === 'Failed') {
      groups.ignoredPods.add(pod.name);
      continue;
    }
    if (pod.phase === 'Pending') {
      groups.unreadyPods.add(pod.name);
      continue;
    }
    if (pod.usage === undefined) {
      groups.missingPods.add(pod.name);
      continue;
    }
    if (resource === 'cpu' && isUnreadyForCpu(pod, now, settings)) {
      groups.unreadyPods.add(pod.name);
      continue;
    }
    groups.readyPodCount++;
  }
  return groups;
}

/** The CPU branch of groupPods. */
function isUnreadyForCpu(pod: HpaPod, now: number, settings: Settings): boolean {
  const ready = pod.ready ?? true;
  const startTime = pod.startTime;
  const transition = pod.readyTransitionTime ?? startTime;
  if (startTime !== undefined && startTime + settings.cpuInitializationMs > now) {
    // Still initialising: ignore the sample if the pod is unready, or if one full
    // metric window has not passed since the last readiness transition
    // (metric.Timestamp.Before(condition.LastTransitionTime.Add(metric.Window))).
    if (!ready) return true;
    const sampleTime = pod.sampleTime ?? now;
    const windowMs = (pod.sampleWindowSeconds ?? HPA_DEFAULT_METRIC_WINDOW_SECONDS) * 1000;
    return transition !== undefined && sampleTime < transition + windowMs;
  }
  // Past initialisation: ignore only a pod that is unready and has never been ready,
  // i.e. whose last transition came within the initial readiness delay after start.
  if (ready) return false;
  if (transition === undefined) return true; // Neither time known: treat as never ready.
  return (startTime ?? Number.NEGATIVE_INFINITY) + settings.readinessDelayMs > transition;
}

/** Mirrors calculateRequests: every listed pod needs a request, ignored ones included. */
function calculateRequests(pods: HpaPod[], resource: HpaResourceName): Map<string, number> {
  const requests = new Map<string, number>();
  pods.forEach((pod, i) => {
    if (pod.request === undefined) {
      throw new ValidationError(`missing request for ${resource} of Pod ${pod.name}`, [
        { path: `pods[${i}].request`, message: `missing request for ${resource}` },
      ]);
    }
    requests.set(pod.name, pod.request);
  });
  return requests;
}

/** Mirrors metricsclient.GetResourceUtilizationRatio. */
function resourceUtilizationRatio(metrics: PodMetrics, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  for (const [name, value] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue; // Upstream treats a metric without a request as extraneous.
    metricsTotal += value;
    requestsTotal += request;
  }
  if (requestsTotal === 0) {
    throw new ValidationError('no metrics returned matched known pods', [{ path: 'pods', message: 'the pods with samples request nothing' }]);
  }
  // int32((metricsTotal * 100) / requestsTotal): integer division, truncated.
  const utilization = goDiv(metricsTotal * 100, requestsTotal);
  return { ratio: utilization / targetUtilization, utilization };
}

/** Mirrors metricsclient.GetMetricUsageRatio: the average is int64-truncated before the ratio. */
function metricUsageRatio(metrics: PodMetrics, targetUsage: number): { ratio: number; usage: number } {
  let metricsTotal = 0;
  for (const value of metrics.values()) metricsTotal += value;
  const usage = goDiv(metricsTotal, metrics.size);
  return { ratio: usage / targetUsage, usage };
}

/** Tolerances.isWithin: [1 - scaleDown, 1 + scaleUp], both ends inclusive. */
function isWithin(t: HpaTolerances, usageRatio: number): boolean {
  return 1.0 - t.scaleDown <= usageRatio && usageRatio <= 1.0 + t.scaleUp;
}

/** The filled-in ratio points the other way from the measured one: do nothing rather than flap. */
function flipsDirection(usageRatio: number, newUsageRatio: number): boolean {
  return (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0);
}

/** Go's integer `/` (truncates toward zero); exact via BigInt while both sides are safe integers. */
function goDiv(numerator: number, denominator: number): number {
  if (Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator)) {
    return Number(BigInt(numerator) / BigInt(denominator));
  }
  return Math.trunc(numerator / denominator);
}

// ---------------------------------------------------------------- validation

function validate(input: HpaReplicasInput): Settings {
  // Callers may be plain JS or parsed JSON: check shapes so a bad field is a
  // ValidationError naming it, never a TypeError.
  if (!isRecord(input)) throw ValidationError.field('input', 'must be an object');
  nonNegativeInteger(input.currentReplicas, 'currentReplicas');
  validateTarget(input.target);
  finite(input.now, 'now');

  if (!Array.isArray(input.pods)) throw ValidationError.field('pods', 'must be an array');
  const names = new Set<string>();
  input.pods.forEach((pod: unknown, i) => validatePod(pod, `pods[${i}]`, names));

  const cpuInitialization = input.cpuInitializationPeriodSeconds ?? HPA_DEFAULT_CPU_INITIALIZATION_PERIOD_SECONDS;
  const readinessDelay = input.initialReadinessDelaySeconds ?? HPA_DEFAULT_INITIAL_READINESS_DELAY_SECONDS;
  nonNegative(cpuInitialization, 'cpuInitializationPeriodSeconds');
  nonNegative(readinessDelay, 'initialReadinessDelaySeconds');
  return { tolerances: validateTolerance(input.tolerance), cpuInitializationMs: cpuInitialization * 1000, readinessDelayMs: readinessDelay * 1000 };
}

function validateTarget(target: unknown): void {
  if (!isRecord(target)) throw ValidationError.field('target', 'is required');
  if (target['type'] === 'Utilization') {
    // Upstream API validation: averageUtilization is an int32 and must be > 0.
    const value = target['averageUtilization'];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw ValidationError.field('target.averageUtilization', 'must be an integer greater than 0');
    }
    if (!RESOURCES.includes(target['resource'] as HpaResourceName)) throw ValidationError.field('target.resource', `must be one of ${RESOURCES.join(', ')}`);
  } else if (target['type'] === 'AverageValue') {
    const value = target['averageValue'];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw ValidationError.field('target.averageValue', 'must be a positive number');
    const resource = target['resource'];
    if (resource !== undefined && !RESOURCES.includes(resource as HpaResourceName)) {
      throw ValidationError.field('target.resource', `must be one of ${RESOURCES.join(', ')}`);
    }
  } else {
    throw ValidationError.field('target.type', 'must be Utilization or AverageValue');
  }
}

function validateTolerance(tolerance: unknown): HpaTolerances {
  if (tolerance === undefined) return { scaleUp: HPA_DEFAULT_TOLERANCE, scaleDown: HPA_DEFAULT_TOLERANCE };
  if (typeof tolerance === 'number') {
    nonNegative(tolerance, 'tolerance');
    return { scaleUp: tolerance, scaleDown: tolerance };
  }
  if (!isRecord(tolerance)) throw ValidationError.field('tolerance', 'must be a number or { scaleUp, scaleDown }');
  nonNegative(tolerance['scaleUp'], 'tolerance.scaleUp');
  nonNegative(tolerance['scaleDown'], 'tolerance.scaleDown');
  return { scaleUp: tolerance['scaleUp'] as number, scaleDown: tolerance['scaleDown'] as number };
}

function validatePod(pod: unknown, path: string, names: Set<string>): void {
  if (!isRecord(pod)) throw ValidationError.field(path, 'must be an object');
  const name = pod['name'];
  if (typeof name !== 'string' || name === '') throw ValidationError.field(`${path}.name`, 'must be a non-empty string');
  if (names.has(name)) throw ValidationError.field(`${path}.name`, `duplicate pod name ${name}`);
  names.add(name);
  if (!POD_PHASES.includes(pod['phase'] as HpaPodPhase)) throw ValidationError.field(`${path}.phase`, `must be one of ${POD_PHASES.join(', ')}`);
  for (const key of ['ready', 'deleting']) {
    if (pod[key] !== undefined && typeof pod[key] !== 'boolean') throw ValidationError.field(`${path}.${key}`, 'must be a boolean');
  }
  for (const key of ['startTime', 'readyTransitionTime', 'sampleTime']) {
    if (pod[key] !== undefined) finite(pod[key], `${path}.${key}`);
  }
  for (const key of ['request', 'usage', 'sampleWindowSeconds']) {
    if (pod[key] !== undefined) nonNegative(pod[key], `${path}.${key}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw ValidationError.field(path, 'must be a finite number');
}

function nonNegative(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw ValidationError.field(path, 'must be a finite number >= 0');
}

function nonNegativeInteger(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw ValidationError.field(path, 'must be an integer >= 0');
}
