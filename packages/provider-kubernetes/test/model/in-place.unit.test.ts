import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { inPlaceProblems, qosClass, resizeModeOf, tierResources } from '../../src/model/in-place';
import { tierOf, type ResourceTier } from '../../src/model/tiers';

const quantity = fc.oneof(
  fc.integer({ min: 1, max: 64 }).map((n) => `${n}`),
  fc.integer({ min: 1, max: 4000 }).map((n) => `${n}m`),
  fc.integer({ min: 1, max: 65536 }).map((n) => `${n}Mi`),
  fc.integer({ min: 1, max: 64 }).map((n) => `${n}Gi`),
);
const list = fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] });
const resources = fc.record({ requests: list, limits: list }, { requiredKeys: [] });
const tier: fc.Arbitrary<ResourceTier> = fc
  .record({ name: fc.constant('t'), requests: list, limits: list }, { requiredKeys: ['name', 'requests'] })
  .map((t) => t as ResourceTier);

describe('in-place resize model', () => {
  it('resizeModeOf: template by default, in-place when asked, anything else a ValidationError naming the annotation (fuzzed)', () => {
    expect(resizeModeOf(undefined)).toBe('template');
    expect(resizeModeOf({ 'autoscaler.dev/resize': 'in-place' })).toBe('in-place');
    fc.assert(
      fc.property(fc.string(), (v) => {
        try {
          const mode = resizeModeOf({ 'autoscaler.dev/resize': v });
          return (v === 'in-place' && mode === 'in-place') || (v === 'template' && mode === 'template');
        } catch (e) {
          return e instanceof ValidationError && e.message.includes('metadata.annotations["autoscaler.dev/resize"]');
        }
      }),
    );
  });

  it('tierResources always lands at the tier, and inPlaceProblems never throws on valid quantities', () => {
    fc.assert(
      fc.property(resources, tier, (current, t) => {
        const target = tierResources(current, t);
        expect(tierOf([t], target)).toBe('t');
        const issues = inPlaceProblems([{ name: 'c', resources: current }], 0, current, target, 'x');
        for (const i of issues) expect(i.path).toMatch(/^spec\.template\.spec\.containers\[0\]\.(resizePolicy|resources)/);
      }),
    );
  });

  it('a memory limit going down needs RestartContainer on memory; going up does not', () => {
    const small = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    const big = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } };
    expect(inPlaceProblems([{ name: 'c', resources: small }], 0, small, big, 'up')).toEqual([]);
    expect(inPlaceProblems([{ name: 'c', resources: big }], 0, big, small, 'down').map((i) => i.path)).toEqual([
      'spec.template.spec.containers[0].resizePolicy',
    ]);
    expect(
      inPlaceProblems([{ name: 'c', resources: big, resizePolicy: [{ resourceName: 'memory', restartPolicy: 'RestartContainer' }] }], 0, big, small, 'down'),
    ).toEqual([]);
    expect(qosClass([{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }])).toBe('Guaranteed');
    expect(
      inPlaceProblems([{ name: 'c' }], 0, { limits: { cpu: '1', memory: '1Gi' } }, { requests: { cpu: '500m' }, limits: { memory: '1Gi' } }, 'q').map(
        (i) => i.path,
      ),
    ).toEqual(['spec.template.spec.containers[0].resources']);
  });
});
