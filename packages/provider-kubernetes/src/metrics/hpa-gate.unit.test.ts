import fc from 'fast-check';
import { decide, validatePolicy, type TargetState } from '@autoscaler/core';
import { valueForReplicas } from './hpa-gate';

describe('valueForReplicas: a metric value that makes decide() land on the HPA replica count', () => {
  it('for every replica count the HPA can propose, decide() with an hpa targetTracking rule reaches it exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 0.01, max: 6, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom(0, 0.05, 0.1, 0.2),
        fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }),
        (current, ratio, target, tolerance, measured) => {
          // What the HPA does with a usage ratio outside its tolerance (replica_calculator.go: ceil(ratio * readyPods)).
          fc.pre(Math.abs(ratio - 1) > tolerance);
          const hpa = Math.ceil(ratio * current);
          fc.pre(hpa !== current && hpa >= 1);
          const v = valueForReplicas(current, hpa, target, tolerance, measured);
          expect(v).toBeDefined();
          const policy = validatePolicy({ name: 'p', limits: { minReplicas: 0, maxReplicas: 100_000, cooldown: { scaleOut: 0, scaleIn: 0 } }, rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target, algorithm: 'hpa', tolerance } }] });
          const state: TargetState = { ref: { provider: 'kubernetes', id: 'ns/deployment/x' }, capacity: { replicas: current }, status: 'ready', managed: true, persisted: { dedupeKeys: [], recommendations: [] } };
          const d = decide(policy, state, [{ target: state.ref, source: 'metrics-server', metric: 'cpu', state: 'value', value: v!, dedupeKey: 'k', at: 0 }], {}, 0);
          expect(d.to.replicas).toBe(hpa);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps the measured value when it already gives the HPA answer (so reasons show real utilization)', () => {
    // 15% on 4 pods against 70%: ceil(4 x 15 / 70) = 1, as the HPA computes.
    expect(valueForReplicas(4, 1, 70, 0.1, 15)).toBe(15);
    // Measured 160% on 2 pods against 80% is ceil(4) = 4 already.
    expect(valueForReplicas(2, 4, 80, 0.1, 160)).toBe(160);
    // When it does not (missing pods shifted the HPA's answer), the nearest value that does.
    expect(valueForReplicas(2, 3, 80, 0.1, 160)).toBeCloseTo(120, 3);
  });

  it('has no answer for "no change" or nonsense', () => {
    expect(valueForReplicas(3, 3, 70, 0.1)).toBeUndefined();
    expect(valueForReplicas(0, 3, 70, 0.1)).toBeUndefined();
    expect(valueForReplicas(3, 0, 70, 0.1)).toBeUndefined();
  });
});
