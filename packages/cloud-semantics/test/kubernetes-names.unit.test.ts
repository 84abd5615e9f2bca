import fc from 'fast-check';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../src';

describe('DNS-1123 names (IsDNS1123Label / IsDNS1123Subdomain)', () => {
  it.each([
    ['default', undefined],
    ['a', undefined],
    ['kube-system', undefined],
    ['0abc9', undefined],
    ['', 'must not be empty'],
    ['a'.repeat(63), undefined],
    ['a'.repeat(64), 'must be at most 63 characters (got 64)'],
    ['-a', 'DNS-1123 label'],
    ['a-', 'DNS-1123 label'],
    ['Upper', 'DNS-1123 label'],
    ['a.b', 'DNS-1123 label'],
    ['a_b', 'DNS-1123 label'],
  ])('label %j -> %s', (value, problem) => {
    if (problem === undefined) expect(dns1123LabelProblem(value)).toBeUndefined();
    else expect(dns1123LabelProblem(value)).toContain(problem);
  });

  it.each([
    ['llm-server', undefined],
    ['llm.server.v2', undefined],
    ['a'.repeat(253), undefined],
    ['a'.repeat(254), 'must be at most 253 characters (got 254)'],
    ['', 'must not be empty'],
    ['a..b', 'DNS-1123 subdomain'],
    ['.a', 'DNS-1123 subdomain'],
    ['a.-b', 'DNS-1123 subdomain'],
    ['A.b', 'DNS-1123 subdomain'],
    ['a/b', 'DNS-1123 subdomain'],
  ])('subdomain %j -> %s', (value, problem) => {
    if (problem === undefined) expect(dns1123SubdomainProblem(value)).toBeUndefined();
    else expect(dns1123SubdomainProblem(value)).toContain(problem);
  });

  it('every label is a subdomain, and neither check throws on any string (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        if (dns1123LabelProblem(s) === undefined) expect(dns1123SubdomainProblem(s)).toBeUndefined();
        // A name that passes is safe in an API path: no slash, no percent, no upper case.
        if (dns1123SubdomainProblem(s) === undefined) expect(s).toMatch(/^[a-z0-9.-]+$/);
      }),
    );
  });
});
