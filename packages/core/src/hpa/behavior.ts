/**
 * A pure port of how the Kubernetes HPA turns a metric proposal into the replica
 * count it applies (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go):
 * the min/max guards of reconcileAutoscaler, then either the legacy path
 * (normalizeDesiredReplicas) or the `spec.behavior` path
 * (normalizeDesiredReplicasWithBehaviors), with the API defaults of
 * pkg/apis/autoscaling/v2/defaults.go. The controller's state (past recommendations
 * and scale events) comes in as input, aged in seconds relative to now.
 */
import { ValidationError } from '../errors';

export type HpaSelectPolicy = 'Max' | 'Min' | 'Disabled';
export type HpaScalingPolicyType = 'Pods' | 'Percent';

export interface HpaScalingPolicy {
  type: HpaScalingPolicyType;
  /** Pods, or percent of the replicas at the start of the period; integer > 0. */
  value: number;
  /** 1..1800 (upstream MaxPeriodSeconds). */
  periodSeconds: number;
}

/** One direction of `spec.behavior` (HPAScalingRules). Unset fields take the upstream defaults. */
export interface HpaScalingRules {
  /** 0..3600 (upstream MaxStabilizationWindowSeconds). */
  stabilizationWindowSeconds?: number;
  selectPolicy?: HpaSelectPolicy;
  /** At least one when set (upstream API validation). */
  policies?: HpaScalingPolicy[];
}

export interface HpaBehaviorSpec {
  scaleUp?: HpaScalingRules;
  scaleDown?: HpaScalingRules;
}

/** A past unstabilized recommendation (upstream timestampedRecommendation). */
export interface HpaRecommendation {
  replicas: number;
  ageSeconds: number;
}

/** A past scaling action in one direction (upstream timestampedScaleEvent): `change` is the magnitude, >= 0. */
export interface HpaScaleEvent {
  change: number;
  ageSeconds: number;
}

export interface HpaBehaviorInput {
  currentReplicas: number;
  /** The metric proposal (max over metrics, e.g. from hpaReplicas). */
  desiredReplicas: number;
  /** Upstream defaults it to 1; 0 needs the HPAScaleToZero feature gate. */
  minReplicas: number;
  maxReplicas: number;
  /** Omitted: the legacy path (no `spec.behavior`). */
  behavior?: HpaBehaviorSpec;
  /** Past recommendations; the current desiredReplicas is considered too. */
  recommendations?: HpaRecommendation[];
  /** Only read on the behavior path (upstream stores events only when a behavior is set). */
  scaleUpEvents?: HpaScaleEvent[];
  scaleDownEvents?: HpaScaleEvent[];
  /**
   * The controller's --horizontal-pod-autoscaler-downscale-stabilization, default 300:
   * the legacy window, and the scale-down window when behavior.scaleDown leaves it unset.
   */
  downscaleStabilizationWindowSeconds?: number;
}

export interface HpaBehaviorResult {
  replicas: number;
}

/** HpaScalingRules with every field filled in, as the controller sees it after defaulting. */
export interface HpaResolvedScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: HpaSelectPolicy;
  readonly policies: readonly Readonly<HpaScalingPolicy>[];
}

/** --horizontal-pod-autoscaler-downscale-stabilization default. */
export const HPA_DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_SECONDS = 300;
/** Legacy scale-up cap: max(scaleUpLimitFactor * current, scaleUpLimitMinimum). */
export const HPA_SCALE_UP_LIMIT_FACTOR = 2;
export const HPA_SCALE_UP_LIMIT_MINIMUM = 4;
/** API validation bounds (pkg/apis/autoscaling/validation). */
export const HPA_MAX_PERIOD_SECONDS = 1800;
export const HPA_MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** defaultHPAScaleUpRules: no stabilization, the larger of +4 pods or +100% per 15 s. */
export const HPA_DEFAULT_SCALE_UP_RULES: HpaResolvedScalingRules = Object.freeze({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: Object.freeze([Object.freeze({ type: 'Pods', value: 4, periodSeconds: 15 }), Object.freeze({ type: 'Percent', value: 100, periodSeconds: 15 })]),
});

/**
 * defaultHPAScaleDownRules: down to zero (-100%) per 15 s. Upstream leaves the window
 * nil and the controller fills in its flag (maybeInitScaleDownStabilizationWindow);
 * 300 here is that flag's default, overridable by `downscaleStabilizationWindowSeconds`.
 */
export const HPA_DEFAULT_SCALE_DOWN_RULES: HpaResolvedScalingRules = Object.freeze({
  stabilizationWindowSeconds: HPA_DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
  selectPolicy: 'Max',
  policies: Object.freeze([Object.freeze({ type: 'Percent', value: 100, periodSeconds: 15 })]),
});

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const SELECT_POLICIES: readonly HpaSelectPolicy[] = ['Max', 'Min', 'Disabled'];
const POLICY_TYPES: readonly HpaScalingPolicyType[] = ['Pods', 'Percent'];

/**
 * The replicas the HPA would set, given the metric proposal. Mirrors the
 * reconcileAutoscaler branch structure, then normalizeDesiredReplicas (no behavior)
 * or normalizeDesiredReplicasWithBehaviors. Throws ValidationError for bad input.
 */
export function hpaBehavior(input: HpaBehaviorInput): HpaBehaviorResult {
  const window = validate(input);
  const { currentReplicas, desiredReplicas, minReplicas, maxReplicas } = input;

  // reconcileAutoscaler: a target scaled to 0 by hand has autoscaling disabled and
  // stays at 0; a target outside [min, max] is brought back without stabilization.
  if (currentReplicas === 0 && minReplicas !== 0) return { replicas: 0 };
  if (currentReplicas > maxReplicas) return { replicas: maxReplicas };
  if (currentReplicas < minReplicas) return { replicas: minReplicas };

  const recommendations = input.recommendations ?? [];
  if (input.behavior === undefined) {
    const stabilized = stabilizeRecommendation(desiredReplicas, recommendations, window);
    return { replicas: convertDesiredReplicasWithRules(currentReplicas, stabilized, minReplicas, maxReplicas) };
  }

  // SetDefaults_HorizontalPodAutoscalerBehavior + maybeInitScaleDownStabilizationWindow.
  const scaleUp = withDefaults(input.behavior.scaleUp, HPA_DEFAULT_SCALE_UP_RULES);
  const scaleDown = withDefaults(input.behavior.scaleDown, { ...HPA_DEFAULT_SCALE_DOWN_RULES, stabilizationWindowSeconds: window });
  const stabilized = stabilizeRecommendationWithBehaviors(currentReplicas, desiredReplicas, recommendations, scaleUp, scaleDown);
  const replicas = convertDesiredReplicasWithBehaviorRate({
    currentReplicas,
    desiredReplicas: stabilized,
    minReplicas,
    maxReplicas,
    scaleUp,
    scaleDown,
    scaleUpEvents: input.scaleUpEvents ?? [],
    scaleDownEvents: input.scaleDownEvents ?? [],
  });
  return { replicas };
}

/**
 * stabilizeRecommendation: the highest recommendation in the downscale window, so a
 * scale-down waits until the whole window agrees. Upstream drops a sample only when
 * it is Before(cutoff), so one exactly `window` old still counts.
 */
function stabilizeRecommendation(desired: number, recommendations: readonly HpaRecommendation[], windowSeconds: number): number {
  let max = desired;
  for (const rec of recommendations) {
    if (rec.ageSeconds <= windowSeconds && rec.replicas > max) max = rec.replicas;
  }
  return max;
}

/** convertDesiredReplicasWithRules: clamp to min, and to max or the legacy scale-up cap. */
function convertDesiredReplicasWithRules(current: number, desired: number, min: number, max: number): number {
  const maximumAllowed = Math.min(max, calculateScaleUpLimit(current));
  if (desired < min) return min;
  if (desired > maximumAllowed) return maximumAllowed;
  return desired;
}

/** calculateScaleUpLimit: guards against bogus usage spikes (kubernetes#32304). */
function calculateScaleUpLimit(current: number): number {
  return Math.trunc(Math.max(HPA_SCALE_UP_LIMIT_FACTOR * current, HPA_SCALE_UP_LIMIT_MINIMUM));
}

/**
 * stabilizeRecommendationWithBehaviors: move from the current count only as far as
 * every recommendation in each window allows: up to the lowest one in the scale-up
 * window, down to the highest one in the scale-down window. Samples count while
 * After(cutoff), i.e. strictly younger than the window.
 */
function stabilizeRecommendationWithBehaviors(
  current: number,
  desired: number,
  recommendations: readonly HpaRecommendation[],
  scaleUp: HpaResolvedScalingRules,
  scaleDown: HpaResolvedScalingRules,
): number {
  let upRecommendation = desired;
  let downRecommendation = desired;
  for (const rec of recommendations) {
    if (rec.ageSeconds < scaleUp.stabilizationWindowSeconds) upRecommendation = Math.min(rec.replicas, upRecommendation);
    if (rec.ageSeconds < scaleDown.stabilizationWindowSeconds) downRecommendation = Math.max(rec.replicas, downRecommendation);
  }
  let recommendation = current;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;
  return recommendation;
}

interface RateArgs {
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  scaleUp: HpaResolvedScalingRules;
  scaleDown: HpaResolvedScalingRules;
  scaleUpEvents: readonly HpaScaleEvent[];
  scaleDownEvents: readonly HpaScaleEvent[];
}

/** convertDesiredReplicasWithBehaviorRate: apply the policies' rate limits, then max/min. */
function convertDesiredReplicasWithBehaviorRate(a: RateArgs): number {
  if (a.desiredReplicas > a.currentReplicas) {
    let scaleUpLimit = limitWithScalingRules('up', a.currentReplicas, a.scaleUpEvents, a.scaleDownEvents, a.scaleUp);
    // Recent events can push the limit below current; never turn a scale-up into a scale-down.
    if (scaleUpLimit < a.currentReplicas) scaleUpLimit = a.currentReplicas;
    const maximumAllowed = Math.min(a.maxReplicas, scaleUpLimit);
    if (a.desiredReplicas > maximumAllowed) return maximumAllowed;
  } else if (a.desiredReplicas < a.currentReplicas) {
    let scaleDownLimit = limitWithScalingRules('down', a.currentReplicas, a.scaleUpEvents, a.scaleDownEvents, a.scaleDown);
    if (scaleDownLimit > a.currentReplicas) scaleDownLimit = a.currentReplicas;
    const minimumAllowed = Math.max(a.minReplicas, scaleDownLimit);
    if (a.desiredReplicas < minimumAllowed) return minimumAllowed;
  }
  return a.desiredReplicas;
}

/**
 * calculateScaleUpLimitWithScalingRules and calculateScaleDownLimitWithBehaviors: each policy
 * proposes a limit from the replica count at the start of its period (current minus what was
 * added plus what was removed since). Scaling up, Max takes the most permissive policy and Min
 * the strictest; scaling down is the mirror image (Max takes the lowest floor, Min the highest).
 */
function limitWithScalingRules(
  direction: 'up' | 'down',
  current: number,
  scaleUpEvents: readonly HpaScaleEvent[],
  scaleDownEvents: readonly HpaScaleEvent[],
  rules: HpaResolvedScalingRules,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickHighest = (rules.selectPolicy === 'Max') === (direction === 'up');
  let result = pickHighest ? INT32_MIN : INT32_MAX;
  for (const policy of rules.policies) {
    const periodStartReplicas =
      current - getReplicasChangePerPeriod(policy.periodSeconds, scaleUpEvents) + getReplicasChangePerPeriod(policy.periodSeconds, scaleDownEvents);
    const proposed = direction === 'up' ? scaleUpProposal(periodStartReplicas, policy) : scaleDownProposal(periodStartReplicas, policy);
    result = pickHighest ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** Percent rounds up so a small percentage of few pods still allows one more. */
function scaleUpProposal(periodStartReplicas: number, policy: HpaScalingPolicy): number {
  return policy.type === 'Pods' ? periodStartReplicas + policy.value : Math.ceil(periodStartReplicas * (1 + policy.value / 100));
}

/** int32(float64(...)) truncates toward zero. */
function scaleDownProposal(periodStartReplicas: number, policy: HpaScalingPolicy): number {
  return policy.type === 'Pods' ? periodStartReplicas - policy.value : Math.trunc(periodStartReplicas * (1 - policy.value / 100));
}

/** getReplicasChangePerPeriod: events After(now - period), i.e. strictly younger than the period. */
function getReplicasChangePerPeriod(periodSeconds: number, events: readonly HpaScaleEvent[]): number {
  let replicas = 0;
  for (const event of events) if (event.ageSeconds < periodSeconds) replicas += event.change;
  return replicas;
}

/** copyHPAScalingRules: set fields win, unset ones keep the default. */
function withDefaults(rules: HpaScalingRules | undefined, defaults: HpaResolvedScalingRules): HpaResolvedScalingRules {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies ?? defaults.policies,
  };
}

// ---------------------------------------------------------------- validation

/** Returns the downscale stabilization window. Mirrors the API validation of HPA specs. */
function validate(input: HpaBehaviorInput): number {
  // Plain JS / JSON callers: a bad field must be a ValidationError naming it, never a TypeError.
  if (!isRecord(input)) throw ValidationError.field('input', 'must be an object');
  nonNegativeInteger(input.currentReplicas, 'currentReplicas');
  nonNegativeInteger(input.desiredReplicas, 'desiredReplicas');
  nonNegativeInteger(input.minReplicas, 'minReplicas');
  nonNegativeInteger(input.maxReplicas, 'maxReplicas');
  if (input.maxReplicas < 1) throw ValidationError.field('maxReplicas', 'must be greater than 0');
  if (input.maxReplicas < input.minReplicas) throw ValidationError.field('maxReplicas', 'must be greater than or equal to minReplicas');

  const window = input.downscaleStabilizationWindowSeconds ?? HPA_DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_SECONDS;
  nonNegativeInteger(window, 'downscaleStabilizationWindowSeconds');

  if (input.behavior !== undefined) {
    if (!isRecord(input.behavior)) throw ValidationError.field('behavior', 'must be an object');
    validateRules(input.behavior['scaleUp'], 'behavior.scaleUp');
    validateRules(input.behavior['scaleDown'], 'behavior.scaleDown');
  }
  validateList(input.recommendations, 'recommendations', 'replicas');
  validateList(input.scaleUpEvents, 'scaleUpEvents', 'change');
  validateList(input.scaleDownEvents, 'scaleDownEvents', 'change');
  return window;
}

/** validateScalingRules / validateScalingPolicy. */
function validateRules(rules: unknown, path: string): void {
  if (rules === undefined) return;
  if (!isRecord(rules)) throw ValidationError.field(path, 'must be an object');
  const window = rules['stabilizationWindowSeconds'];
  if (window !== undefined) {
    nonNegativeInteger(window, `${path}.stabilizationWindowSeconds`);
    if ((window as number) > HPA_MAX_STABILIZATION_WINDOW_SECONDS) {
      throw ValidationError.field(`${path}.stabilizationWindowSeconds`, `must be less than or equal to ${HPA_MAX_STABILIZATION_WINDOW_SECONDS}`);
    }
  }
  const select = rules['selectPolicy'];
  if (select !== undefined && !SELECT_POLICIES.includes(select as HpaSelectPolicy)) {
    throw ValidationError.field(`${path}.selectPolicy`, `must be one of ${SELECT_POLICIES.join(', ')}`);
  }
  const policies = rules['policies'];
  if (policies === undefined) return;
  if (!Array.isArray(policies) || policies.length === 0) throw ValidationError.field(`${path}.policies`, 'must specify at least one policy');
  policies.forEach((policy: unknown, i) => {
    const at = `${path}.policies[${i}]`;
    if (!isRecord(policy)) throw ValidationError.field(at, 'must be an object');
    if (!POLICY_TYPES.includes(policy['type'] as HpaScalingPolicyType)) throw ValidationError.field(`${at}.type`, `must be one of ${POLICY_TYPES.join(', ')}`);
    const value = policy['value'];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
      throw ValidationError.field(`${at}.value`, 'must be an integer greater than 0');
    const period = policy['periodSeconds'];
    if (typeof period !== 'number' || !Number.isSafeInteger(period) || period <= 0 || period > HPA_MAX_PERIOD_SECONDS) {
      throw ValidationError.field(`${at}.periodSeconds`, `must be an integer in 1..${HPA_MAX_PERIOD_SECONDS}`);
    }
  });
}

function validateList(list: unknown, path: string, countKey: 'replicas' | 'change'): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) throw ValidationError.field(path, 'must be an array');
  list.forEach((item: unknown, i) => {
    if (!isRecord(item)) throw ValidationError.field(`${path}[${i}]`, 'must be an object');
    nonNegativeInteger(item[countKey], `${path}[${i}].${countKey}`);
    const age = item['ageSeconds'];
    if (typeof age !== 'number' || !Number.isFinite(age) || age < 0) throw ValidationError.field(`${path}[${i}].ageSeconds`, 'must be a finite number >= 0');
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegativeInteger(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw ValidationError.field(path, 'must be an integer >= 0');
}
