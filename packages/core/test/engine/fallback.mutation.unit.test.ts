/**
 * applyMetricsFallback (fallback.ts) on its own: the decision decide made, the failure count the
 * orchestrator kept, and what the fallback turns it into. The orchestrator suites drive it through
 * the autoscaler; these pin the edges: the count's edges, the bounds and max step on the fallback
 * replicas, which decisions it leaves alone, and the reason texts word for word.
 */
import { applyMetricsFallback, type Policy, type ScaleDecision } from '../../src/index';
import { NOW, policy, state } from './decide-support';

const fallback = (f: Record<string, unknown>, limits: Record<string, unknown> = {}, rules: unknown[] = []): Policy =>
  policy([{ name: 'up', threshold: { alarm: 'high', change: 1 } }, ...rules], limits, { fallback: { failureThreshold: 3, ...f } });

const none = (replicas: number, reason = 'no signals'): ScaleDecision => ({ action: 'none', from: { replicas }, to: { replicas }, reason });
const scale = (from: number, to: number, reason = 'rule says so'): ScaleDecision => ({
  action: 'scale',
  from: { replicas: from },
  to: { replicas: to },
  direction: to > from ? 'out' : 'in',
  rule: 'up',
  reason,
});

describe('counting toward the fallback', () => {
  it('no failure, or no policy.fallback: the decision as it was, even with a failure text', () => {
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(2), none(2), 0, 'down', NOW)).toEqual(none(2));
    expect(applyMetricsFallback(policy([{ name: 'up', threshold: { alarm: 'high', change: 1 } }]), state(2), none(2), 5, 'down', NOW)).toEqual(none(2));
  });

  it('below the threshold: the count in the reason when this read failed, else nothing', () => {
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(2), none(2), 2, 'down', NOW)).toEqual({
      ...none(2),
      reason: 'no signals; metrics failed (down), 2 of 3 before the fallback',
    });
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(2), none(2), 2, '', NOW)).toEqual(none(2));
  });
});

describe('at the threshold, with fallback replicas', () => {
  it('moves out to them, saying how many reads failed and why', () => {
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(2), none(2), 3, 'down', NOW)).toEqual({
      action: 'scale',
      from: { replicas: 2 },
      to: { replicas: 6 },
      direction: 'out',
      rule: 'fallback',
      reason: 'metrics failed 3 times in a row: fallback to 6 replicas (down)',
    });
    expect(applyMetricsFallback(fallback({ replicas: 6, failureThreshold: 1 }), state(2), none(2), 1, '', NOW).reason).toBe(
      'metrics failed 1 time in a row: fallback to 6 replicas',
    );
  });

  it('within the bounds and the max step', () => {
    expect(applyMetricsFallback(fallback({ replicas: 50 }), state(2), none(2), 3, '', NOW).to.replicas).toBe(10);
    expect(applyMetricsFallback(fallback({ replicas: 8 }, { maxStep: 3 }), state(2), none(2), 3, '', NOW).to.replicas).toBe(5);
    expect(applyMetricsFallback(fallback({ replicas: 5 }, { maxStep: 3 }), state(2), none(2), 3, '', NOW).to.replicas).toBe(5);
    expect(applyMetricsFallback(fallback({ replicas: 4 }, { maxStep: 3 }), state(2), none(2), 3, '', NOW).to.replicas).toBe(4);
    // An open schedule floor above the fallback replicas lifts them.
    const floor = { name: 'floor', schedule: { start: '0 0 * * *', durationMinutes: 1440, minReplicas: 7 } };
    expect(applyMetricsFallback(fallback({ replicas: 4 }, {}, [floor]), state(2), none(2), 3, '', NOW).to.replicas).toBe(7);
  });

  it('a decision already going further out wins; one going less far is raised', () => {
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(2), scale(2, 8), 3, '', NOW)).toEqual({
      ...scale(2, 8),
      reason: 'rule says so; metrics failed 3 times in a row',
    });
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(2), scale(2, 6), 3, '', NOW).rule).toBe('up');
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(2), scale(2, 5), 3, '', NOW)).toMatchObject({ rule: 'fallback', to: { replicas: 6 } });
  });

  it('at or above the fallback replicas it holds: "holding at" the current count, then the decision’s reason', () => {
    expect(applyMetricsFallback(fallback({ replicas: 6 }), state(6), none(6), 4, 'still down', NOW)).toEqual({
      ...none(6),
      reason: 'metrics failed 4 times in a row: holding at 6 replicas (still down); no signals',
    });
  });
});

describe('never a scale-in on missing data', () => {
  it('a scale-in is held, with or without fallback replicas (below, at, or between the scale-in and the current count)', () => {
    for (const f of [{}, { replicas: 2 }, { replicas: 4 }, { replicas: 5 }]) {
      expect(applyMetricsFallback(fallback(f), state(5), scale(5, 3), 3, 'x', NOW)).toEqual({
        action: 'none',
        from: { replicas: 5 },
        to: { replicas: 5 },
        rule: 'fallback',
        blockedBy: 'insufficient-data',
        reason: 'metrics failed 3 times in a row: holding at 5 replicas, no scale-in on missing data (x)',
      });
    }
  });

  it('except down to the cap: a target above it still comes back', () => {
    expect(applyMetricsFallback(fallback({}), state(12), scale(12, 10, 'capped at max 10'), 3, '', NOW)).toEqual({
      ...scale(12, 10, 'capped at max 10; metrics failed 3 times in a row'),
    });
    // Exactly at the cap is not above it.
    expect(applyMetricsFallback(fallback({}), state(10), scale(10, 9), 3, '', NOW).action).toBe('none');
  });

  it('a scale-out without fallback replicas goes ahead, the failures named after its reason', () => {
    expect(applyMetricsFallback(fallback({}), state(2), scale(2, 3), 3, 'down', NOW)).toEqual({
      ...scale(2, 3),
      reason: 'rule says so; metrics failed 3 times in a row (down)',
    });
  });
});
