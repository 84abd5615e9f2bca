import { validatePolicy, type Policy } from '../../src/index';
import { listsTarget, StaticPolicies } from '../../src/orchestrator/policy-resolver';

/** Which policy governs a target (found by mutation testing, bench/mutation.ts). */
const policy = (name: string, ids: string[]): Policy =>
  validatePolicy({
    name,
    targets: ids.map((id) => ({ provider: 'aws', id })),
    limits: { minReplicas: 1, maxReplicas: 3 },
    rules: [{ name: 'r', threshold: { alarm: 'a', change: 1 } }],
  });

describe('listsTarget and StaticPolicies', () => {
  const lower = (id: string): string => id.toLowerCase();

  it.each([
    [{ provider: 'aws', id: 'Endpoint/v1' }, undefined, true],
    [{ provider: 'aws', id: 'endpoint/v1' }, undefined, false],
    [{ provider: 'aws', id: 'endpoint/v1' }, lower, true],
    [{ provider: 'oci', id: 'endpoint/v1' }, lower, false],
    [{ provider: 'oci', id: 'Endpoint/v1' }, undefined, false],
    [{ provider: 'aws', id: 'other' }, lower, false],
  ])('%j (normalizeId %p) is listed: %p', (ref, normalize, listed) => {
    expect(listsTarget(policy('p', ['Endpoint/v1']), ref, normalize)).toBe(listed);
  });

  it('with normalizeId, any one of several targets is enough', () => {
    expect(listsTarget(policy('p', ['x', 'Endpoint/v1']), { provider: 'aws', id: 'endpoint/V1' }, lower)).toBe(true);
  });

  it('the first policy that lists the target wins; any other target gets the fallback, or none', () => {
    const a = policy('a', ['x']);
    const b = policy('b', ['x', 'y']);
    const fallback = policy('fallback', []);
    expect(new StaticPolicies([a, b], fallback).resolve({ provider: 'aws', id: 'x' })?.name).toBe('a');
    expect(new StaticPolicies([a, b], fallback).resolve({ provider: 'aws', id: 'y' })?.name).toBe('b');
    expect(new StaticPolicies([a, b], fallback).resolve({ provider: 'aws', id: 'z' })?.name).toBe('fallback');
    expect(new StaticPolicies([a, b]).resolve({ provider: 'aws', id: 'z' })).toBeUndefined();
    expect(new StaticPolicies([a], undefined, lower).resolve({ provider: 'aws', id: 'X' })?.name).toBe('a');
    expect(new StaticPolicies([a]).resolve({ provider: 'aws', id: 'X' })).toBeUndefined();
  });
});
