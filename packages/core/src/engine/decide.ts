import { ValidationError } from '../errors';
import { ruleKind } from '../policy/rule-kind';
import type { Policy, Rule } from '../policy/schema';
import type { ActionMark, Capacity, DecisionHistory, ScaleDecision, Signal, TargetState } from '../types';
import { bandwidthThresholdProposal, bandwidthTrackingProposal } from './bandwidth';
import { type Proposal, type Remark, directionOf } from './proposal';
import { effectiveBounds } from './schedule';
import { predictiveProposal } from './predictive';
import { neighbourSize, sizeRank } from './size-ladder';
import { stepProposal } from './step';
import { targetTrackingProposal } from './target-tracking';
import { thresholdProposal } from './threshold';
import { weightThresholdProposal } from './weight';

const isProposal = (x: Proposal | Remark): x is Proposal => 'replicas' in x || 'size' in x || 'bandwidthMbps' in x || 'weight' in x;

function checkInputs(state: TargetState, now: number): void {
  const r = state?.capacity?.replicas;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0)
    throw ValidationError.field('state.capacity.replicas', `must be a whole number >= 0, got ${String(r)}`);
  // Outside ±8.64e15 ms a Date is invalid and time-zone arithmetic throws RangeError.
  if (typeof now !== 'number' || !Number.isFinite(now) || Math.abs(now) > 8.64e15)
    throw ValidationError.field('now', `must be epoch milliseconds within the Date range, got ${String(now)}`);
}

/** ISO text for a reason line; a hand-written mark may hold a time no Date can format. */
function isoTime(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

/** A reactive rule against one signal. */
function signalProposal(
  rule: Rule,
  kind: 'threshold' | 'step' | 'targetTracking',
  signal: Signal,
  capacity: Capacity,
  limits: Policy['limits'],
  now: number,
): Proposal | Remark | undefined {
  const current = capacity.replicas;
  if (kind === 'threshold' && rule.threshold!.bandwidth !== undefined)
    return bandwidthThresholdProposal(rule.name, rule.threshold!, signal, capacity.bandwidthMbps, limits);
  if (kind === 'threshold' && rule.threshold!.weight !== undefined) return weightThresholdProposal(rule.name, rule.threshold!, signal, capacity.weight);
  if (kind === 'targetTracking' && rule.targetTracking!.capacity === 'bandwidth')
    return bandwidthTrackingProposal(rule.name, rule.targetTracking!, signal, capacity.bandwidthMbps, limits);
  const out = reactiveProposal(rule, kind, signal, current, now);
  // A reading that can only justify more capacity: its scale-in proposals are dropped.
  if (signal.scaleOutOnly && out !== undefined && isProposal(out) && out.replicas !== undefined && out.replicas < current) return undefined;
  return out;
}

function reactiveProposal(
  rule: Rule,
  kind: 'threshold' | 'step' | 'targetTracking',
  signal: Signal,
  current: number,
  now: number,
): Proposal | Remark | undefined {
  switch (kind) {
    case 'threshold':
      return thresholdProposal(rule.name, rule.threshold!, signal, current);
    case 'step':
      return stepProposal(rule.name, rule.step!, signal, current);
    case 'targetTracking':
      return targetTrackingProposal(rule.name, rule.targetTracking!, signal, current, now);
    default: {
      const never: never = kind;
      throw new Error(`unknown reactive rule kind ${String(never)}`);
    }
  }
}

/** Every rule against every signal (a predictive rule against its forecast); the proposals and the remarks of rules that matched but could not act. */
function evaluateRules(
  policy: Policy,
  signals: readonly Signal[],
  state: TargetState,
  history: DecisionHistory,
  now: number,
): { proposals: Proposal[]; remarks: Remark[] } {
  const proposals: Proposal[] = [];
  const remarks: Remark[] = [];
  const current = state.capacity.replicas;
  const keep = (out: Proposal | Remark | undefined): void => {
    if (out === undefined) return;
    if (isProposal(out)) proposals.push(out);
    else remarks.push(out);
  };
  for (const rule of policy.rules) {
    const kind = ruleKind(rule);
    switch (kind) {
      case 'threshold':
      case 'step':
      case 'targetTracking':
        for (const signal of signals) keep(signalProposal(rule, kind, signal, state.capacity, policy.limits, now));
        break;
      case 'predictive':
        // Reads the forecast made before decide, not the signals.
        keep(predictiveProposal(rule.name, rule.predictive!, history.forecasts?.[rule.name], current));
        break;
      case 'schedule':
        // Schedules move the bounds (effectiveBounds), they propose nothing.
        break;
      default: {
        const never: never = kind;
        throw new Error(`unknown rule kind ${String(never)}`);
      }
    }
  }
  return { proposals, remarks };
}

/** Scale out if anything says out (the largest wins); otherwise scale in as little as any rule asks. */
function pickReplicas(proposals: readonly Proposal[], current: number): Proposal | undefined {
  let out: Proposal | undefined;
  let inn: Proposal | undefined;
  for (const p of proposals) {
    if (p.replicas === undefined) continue;
    if (p.replicas > current && (out === undefined || p.replicas > (out.replicas ?? 0))) out = p;
    if (p.replicas < current && (inn === undefined || p.replicas > (inn.replicas ?? 0))) inn = p;
  }
  if (out) return out;
  // A rule that wants to hold (a proposal equal to current) vetoes scale-in.
  if (proposals.some((p) => p.replicas === current)) return undefined;
  return inn;
}

function pickSize(proposals: readonly Proposal[]): Proposal | undefined {
  return proposals.find((p) => p.size === 'next') ?? proposals.find((p) => p.size === 'previous');
}

function withinCooldown(mark: ActionMark | undefined, seconds: number, now: number): boolean {
  return mark !== undefined && now - mark.at < seconds * 1000;
}

function none(from: Capacity, reason: string, extra: Partial<ScaleDecision> = {}): ScaleDecision {
  return { action: 'none', from, to: { ...from }, reason, ...extra };
}

/**
 * The decision engine: pure, deterministic, no I/O.
 *
 * Order: rules -> combine -> cooldowns (AWS semantics) -> stabilization (HPA
 * semantics) -> bounds (policy min/max overridden by open schedule windows) ->
 * max step. A target outside its bounds is brought inside even without a signal.
 */
export function decide(policy: Policy, state: TargetState, signals: readonly Signal[], history: DecisionHistory = {}, now: number = Date.now()): ScaleDecision {
  checkInputs(state, now);
  const from: Capacity = { ...state.capacity };
  const current = from.replicas;
  const limits = policy.limits;
  const bounds = effectiveBounds(policy.rules, limits, now);
  const { proposals, remarks } = evaluateRules(policy, signals, state, history, now);

  // --- vertical: one rung along the ladder -------------------------------------------------
  const sizeWanted = pickSize(proposals);
  if (sizeWanted && limits.sizes) {
    const ladder = limits.sizes;
    const step = sizeWanted.size as 'next' | 'previous';
    const target = neighbourSize(ladder, from.size, step);
    if (target === undefined) {
      const why =
        sizeRank(ladder, from.size) < 0
          ? `current size ${from.size ?? '(unknown)'} is not on the ladder`
          : `already at the ${step === 'next' ? 'largest' : 'smallest'} size ${from.size}`;
      if (!proposals.some((p) => p.replicas !== undefined)) return none(from, `${sizeWanted.why()}; ${why}`, { rule: sizeWanted.rule, blockedBy: 'limits' });
    } else {
      const dir = step === 'next' ? 'up' : 'down';
      const cooldown = sizeWanted.cooldownSeconds ?? (dir === 'up' ? limits.cooldown.scaleOut : limits.cooldown.scaleIn);
      const inBounds = current >= bounds.min && current <= bounds.max;
      if (withinCooldown(state.persisted.lastResize, cooldown, now)) {
        // The cooldown holds the resize back, not the bounds: out of bounds falls through to them.
        if (inBounds)
          return none(from, `${sizeWanted.why()}; resize cooldown (${cooldown}s) since ${isoTime(state.persisted.lastResize!.at)}`, {
            rule: sizeWanted.rule,
            blockedBy: 'cooldown',
          });
      } else {
        let replicas = Math.min(Math.max(current, bounds.min), bounds.max);
        if (limits.maxStep !== undefined && Math.abs(replicas - current) > limits.maxStep) replicas = current + Math.sign(replicas - current) * limits.maxStep;
        return {
          action: 'resize',
          from,
          to: { ...from, size: target, replicas },
          reason: `${sizeWanted.why()}: ${from.size} -> ${target}`,
          rule: sizeWanted.rule,
          direction: dir,
        };
      }
    }
  }

  // --- horizontal ----------------------------------------------------------------------------
  const picked = pickReplicas(proposals, current);
  const recommendation = picked?.replicas ?? current;
  let desired = recommendation;
  // A rule asking to hold (a predictive rule whose forecast needs the current fleet) says why nothing changes.
  const hold = picked === undefined && proposals.length > 0 ? proposals.find((p) => p.replicas === current) : undefined;
  const lead = picked ?? hold;
  let reason = lead?.why() ?? (remarks[0] ? `${remarks[0].rule}: ${remarks[0].reason}` : signals.length === 0 ? 'no signals' : 'no rule asks for a change');
  // A predictive rule that fell back says so even when another rule decided.
  for (const r of remarks) if (r.fallback && (lead !== undefined || r !== remarks[0])) reason += `; ${r.rule}: ${r.reason}`;
  let blockedBy: ScaleDecision['blockedBy'] = lead ? undefined : remarks.length > 0 ? 'insufficient-data' : signals.length === 0 ? 'no-signal' : 'no-rule';
  const rule = lead?.rule ?? remarks[0]?.rule;
  // A cooldown holds a rule back, not the bounds: a target outside them still comes back.
  const inBounds = current >= bounds.min && current <= bounds.max;
  let held = false;

  if (picked && desired > current) {
    const cd = picked.cooldownSeconds ?? limits.cooldown.scaleOut;
    const last = state.persisted.lastScaleOut;
    if (withinCooldown(last, cd, now)) {
      // AWS: during scale-out cooldown the capacity the last scale-out added counts toward this one.
      if (picked.relative) {
        if (last!.from === undefined) {
          desired = current;
        } else {
          desired = Math.max(current, last!.from + (desired - current));
        }
      }
      if (desired <= current) {
        const blocked = none(
          from,
          `${reason}; within scale-out cooldown (${cd}s), the last scale-out already added ${last!.from === undefined ? 'an unknown amount' : current - last!.from}`,
          { rule, blockedBy: 'cooldown', recommendation },
        );
        if (inBounds) return blocked;
        reason = blocked.reason;
        desired = current;
        held = true;
      } else {
        reason += `; counted the last scale-out within cooldown`;
      }
    }
  } else if (picked && desired < current) {
    const cd = picked.cooldownSeconds ?? limits.cooldown.scaleIn;
    if (withinCooldown(state.persisted.lastScaleIn, cd, now)) {
      const blocked = none(from, `${reason}; within scale-in cooldown (${cd}s)`, { rule, blockedBy: 'cooldown', recommendation });
      if (inBounds) return blocked;
      reason = blocked.reason;
      desired = current;
      held = true;
    }
  }

  // HPA stabilization: out to the lowest, in to the highest recommendation in the window.
  const recs = history.recommendations ?? state.persisted.recommendations;
  if (desired < current && limits.stabilization.scaleIn > 0) {
    const since = now - limits.stabilization.scaleIn * 1000;
    let highest = desired;
    for (const r of recs) if (r.at > since && r.replicas > highest) highest = r.replicas;
    if (highest > desired) {
      desired = Math.min(highest, current);
      reason += `; stabilized to ${desired} (highest recommendation in ${limits.stabilization.scaleIn}s)`;
      if (desired >= current) blockedBy = 'stabilization';
    }
  } else if (desired > current && limits.stabilization.scaleOut > 0) {
    const since = now - limits.stabilization.scaleOut * 1000;
    let lowest = desired;
    for (const r of recs) if (r.at > since && r.replicas < lowest) lowest = r.replicas;
    if (lowest < desired) {
      desired = Math.max(lowest, current);
      reason += `; stabilized to ${desired} (lowest recommendation in ${limits.stabilization.scaleOut}s)`;
      if (desired <= current) blockedBy = 'stabilization';
    }
  }

  // Bounds, with open schedule windows.
  const clamped = Math.min(Math.max(desired, bounds.min), bounds.max);
  if (clamped !== desired) {
    const scheduled = bounds.windows.length > 0 ? ` (schedule ${bounds.windows.join(', ')})` : '';
    reason += clamped === bounds.max ? `; capped at max ${bounds.max}${scheduled}` : `; raised to min ${bounds.min}${scheduled}`;
    if (clamped === current && picked) blockedBy = 'limits';
    desired = clamped;
  }
  // Max step per action.
  if (limits.maxStep !== undefined && Math.abs(desired - current) > limits.maxStep) {
    desired = current + Math.sign(desired - current) * limits.maxStep;
    reason += `; limited to ${limits.maxStep} per action`;
  }

  const direction = directionOf(current, desired);
  if (direction === undefined) {
    // Replicas stay: the load balancer's bandwidth may still move.
    const bandwidth = bandwidthDecision(proposals, from, state, limits, now);
    if (bandwidth) return bandwidth;
    const weight = weightDecision(proposals, from, state, limits, now);
    if (weight) return weight;
    return none(from, reason, { ...(rule ? { rule } : {}), ...(blockedBy ? { blockedBy } : {}), recommendation });
  }
  const decision: ScaleDecision = { action: 'scale', from, to: { ...from, replicas: desired }, reason, direction, recommendation };
  if (picked && !held) decision.rule = picked.rule;
  else if (bounds.windows.length > 0) decision.rule = bounds.windows[0];
  return decision;
}

/**
 * Bandwidth proposals when replicas stay: up if any rule wants more (the most wins), else down
 * as little as asked; cooldowns as for a resize (up: scale-out's, down: scale-in's).
 */
function bandwidthDecision(
  proposals: readonly Proposal[],
  from: Capacity,
  state: TargetState,
  limits: Policy['limits'],
  now: number,
): ScaleDecision | undefined {
  const range = limits.bandwidthMbps;
  if (range === undefined) return undefined;
  const current = from.bandwidthMbps ?? range.min;
  let up: Proposal | undefined;
  let down: Proposal | undefined;
  for (const p of proposals) {
    const bw = p.bandwidthMbps;
    if (bw === undefined) continue;
    if (bw > current && (up === undefined || bw > up.bandwidthMbps!)) up = p;
    if (bw < current && (down === undefined || bw > down.bandwidthMbps!)) down = p;
  }
  const chosen = up ?? down;
  if (chosen === undefined) return undefined;
  return resizeOrHold(chosen, chosen === up ? 'up' : 'down', { ...from, bandwidthMbps: chosen.bandwidthMbps! }, from, state, limits, now);
}

/** A bandwidth or weight change is a resize: it waits for the resize cooldown (up: scale-out's, down: scale-in's). */
function resizeOrHold(
  chosen: Proposal,
  dir: 'up' | 'down',
  to: Capacity,
  from: Capacity,
  state: TargetState,
  limits: Policy['limits'],
  now: number,
): ScaleDecision {
  const cooldown = chosen.cooldownSeconds ?? (dir === 'up' ? limits.cooldown.scaleOut : limits.cooldown.scaleIn);
  if (withinCooldown(state.persisted.lastResize, cooldown, now)) {
    return none(from, `${chosen.why()}; resize cooldown (${cooldown}s) since ${isoTime(state.persisted.lastResize!.at)}`, {
      rule: chosen.rule,
      blockedBy: 'cooldown',
    });
  }
  return { action: 'resize', from, to, reason: chosen.why(), rule: chosen.rule, direction: dir };
}

/**
 * Weight proposals when replicas stay: the lowest weight asked for wins (taking traffic off a
 * failing variant beats sending it more); cooldowns as for a resize (more traffic: scale-out's,
 * less: scale-in's).
 */
function weightDecision(proposals: readonly Proposal[], from: Capacity, state: TargetState, limits: Policy['limits'], now: number): ScaleDecision | undefined {
  if (from.weight === undefined) return undefined;
  let chosen: Proposal | undefined;
  for (const p of proposals) if (p.weight !== undefined && (chosen === undefined || p.weight < chosen.weight!)) chosen = p;
  if (chosen === undefined || chosen.weight === from.weight) return undefined;
  return resizeOrHold(chosen, chosen.weight! > from.weight ? 'up' : 'down', { ...from, weight: chosen.weight! }, from, state, limits, now);
}
