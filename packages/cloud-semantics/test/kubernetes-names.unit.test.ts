import fc from 'fast-check';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../src';

describe('DNS-1123 names (IsDNS1123Label / IsDNS1123Subdomain)', () => {
  // value, why it is not a label, why it is not a subdomain (undefined: it is one)
  it.each([
    ['default', undefined, undefined],
    ['a', undefined, undefined],
    ['0abc9', undefined, undefined],
    ['llm.server.v2', 'DNS-1123 label', undefined],
    ['', 'must not be empty', 'must not be empty'],
    ['a'.repeat(63), undefined, undefined],
    ['a'.repeat(64), 'must be at most 63 characters (got 64)', undefined],
    ['a'.repeat(253), 'at most 63', undefined],
    ['a'.repeat(254), 'at most 63', 'must be at most 253 characters (got 254)'],
    ['-a', 'DNS-1123 label', 'DNS-1123 subdomain'],
    ['a-', 'DNS-1123 label', 'DNS-1123 subdomain'],
    ['Upper', 'DNS-1123 label', 'DNS-1123 subdomain'],
    ['a_b', 'DNS-1123 label', 'DNS-1123 subdomain'],
    ['a/b', 'DNS-1123 label', 'DNS-1123 subdomain'],
    ['a..b', 'DNS-1123 label', 'DNS-1123 subdomain'],
    ['.a', 'DNS-1123 label', 'DNS-1123 subdomain'],
    ['a.-b', 'DNS-1123 label', 'DNS-1123 subdomain'],
  ])('%j: label %s, subdomain %s', (value, label, subdomain) => {
    for (const [problem, expected] of [
      [dns1123LabelProblem(value), label],
      [dns1123SubdomainProblem(value), subdomain],
    ] as const) {
      if (expected === undefined) expect(problem).toBeUndefined();
      else expect(problem).toContain(expected);
    }
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
