import { ValidationError, type Policy, type TargetRef } from '@autoscaler/core';
import { meanInSystem } from '../model/erlang';
import type { SimulationPolicy } from '../policy/simulation-policy';
import { cheapestReplicas } from './oracle';
import { cheapestSizeFor, type Scenario } from './scenario';

/** A policy made concrete for one scenario: its target, sizes on this provider's ladder, derived targets. */
export interface PreparedPolicy {
  ref: TargetRef;
  policy: Policy;
  size: string;
  initialReplicas: number;
  notes: string[];
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 90) || 'policy'
  );
}

export function preparePolicy(sp: SimulationPolicy, s: Scenario): PreparedPolicy {
  const notes: string[] = [];
  const ref: TargetRef = { provider: 'simulator', id: `sim/${slug(sp.name)}` };
  const policy = structuredClone(sp.policy);
  policy.targets = [ref];
  const ladder = s.profile.sizes.map((x) => x.name);
  const original = policy.limits.sizes;
  if (original && !original.every((x) => ladder.includes(x))) {
    const mapped = [...new Set(original.map((_, i) => ladder[Math.min(i, ladder.length - 1)]!))];
    notes.push(`sizes [${original.join(', ')}] mapped by rung onto ${s.profile.kind}: [${mapped.join(', ')}]`);
    policy.limits.sizes = mapped;
  }
  const usable = policy.limits.sizes ?? ladder;
  const want = sp.settings.size;
  let size: string;
  if (want === 'auto') {
    size = cheapestSizeFor(s);
    if (!usable.includes(size)) size = usable[0]!;
    notes.push(`size ${size}: lowest price per SLO-safe request/s for this peak`);
  } else if (typeof want === 'object') {
    size = usable.find((x) => s.queues.get(x)!.size.vcpus >= want.vcpus) ?? usable[usable.length - 1]!;
  } else if (typeof want === 'number') {
    size = usable[Math.min(want, usable.length - 1)]!;
  } else if (usable.includes(want)) {
    size = want;
  } else {
    const rung = original?.indexOf(want) ?? -1;
    if (rung < 0) throw ValidationError.field('size', `"${want}" is not a size of ${s.profile.kind} (${ladder.join(', ')}) nor of the policy`);
    size = usable[Math.min(rung, usable.length - 1)]!;
  }
  const q = s.queues.get(size)!;
  const lts =
    sp.settings.loadTestTarget === undefined ? [] : Array.isArray(sp.settings.loadTestTarget) ? sp.settings.loadTestTarget : [sp.settings.loadTestTarget];
  for (const lt of lts) {
    const rule = policy.rules.find((r) => r.name === lt.rule);
    const target = rule?.targetTracking ?? rule?.predictive;
    if (!target) throw ValidationError.field('loadTestTarget.rule', `"${lt.rule}" is not a targetTracking or predictive rule of ${policy.name}`);
    let value: number;
    if (lt.concurrency) {
      value = Math.round(meanInSystem(q.workers, q.mu, q.maxRps * lt.safetyFactor) * 100) / 100;
      notes.push(
        `${lt.rule} target ${value} requests in flight per instance = mean in system at MAX_RPS ${q.maxRps.toFixed(1)} on ${size} (p95 ${s.sloMs} ms) x ${lt.safetyFactor}`,
      );
    } else {
      value = Math.round(q.maxRps * lt.safetyFactor * (lt.perMinute ? 60 : 1) * 100) / 100;
      notes.push(
        `${lt.rule} target ${value}${lt.perMinute ? '/min' : '/s'} per instance = MAX_RPS ${q.maxRps.toFixed(1)} on ${size} at p95 ${s.sloMs} ms x ${lt.safetyFactor}${lt.perMinute ? ' x 60' : ''} (AWS load-test recipe)`,
      );
    }
    target.target = value;
  }
  const min = policy.limits.minReplicas;
  const max = policy.limits.maxReplicas;
  // Warm: the oracle's first-minute capacity in this size; cold: the policy's minimum.
  const warm = !s.coldStart && s.load.rps.length > 0;
  const initialReplicas = Math.min(max, Math.max(min, warm ? cheapestReplicas(s, q, 0, Math.max(1, min)) : Math.max(1, min)));
  return { ref, policy, size, initialReplicas, notes };
}
