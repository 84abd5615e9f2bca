import fc from 'fast-check';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../src';

describe('DNS-1123 names (IsDNS1123Label / IsDNS1123Subdomain)', () => {
  it.each(['default', 'a', '0abc9', 'kube-system', 'a'.repeat(63)])('%j is a label and a subdomain', (value) => {
    expect(dns1123LabelProblem(value)).toBeUndefined();
    expect(dns1123SubdomainProblem(value)).toBeUndefined();
  });

  it.each(['-a', 'a-', 'Upper', 'a_b', 'a/b', 'a..b', '.a', 'a.-b', 'a%2F'])('%j is neither, and the problem says which rule', (value) => {
    expect(dns1123LabelProblem(value)).toContain('must be a DNS-1123 label: lowercase letters, digits and "-"');
    expect(dns1123SubdomainProblem(value)).toContain('must be a DNS-1123 subdomain: lowercase letters, digits, "-" and "."');
  });

  it('dots make a subdomain but not a label; lengths are 63 for a label and 253 for a subdomain', () => {
    expect(dns1123LabelProblem('llm.server.v2')).toContain('DNS-1123 label');
    expect(dns1123SubdomainProblem('llm.server.v2')).toBeUndefined();
    expect(dns1123LabelProblem('a'.repeat(64))).toBe('must be at most 63 characters (got 64)');
    expect(dns1123SubdomainProblem('a'.repeat(253))).toBeUndefined();
    expect(dns1123SubdomainProblem('a'.repeat(254))).toBe('must be at most 253 characters (got 254)');
    expect(dns1123LabelProblem('')).toBe('must not be empty');
    expect(dns1123SubdomainProblem('')).toBe('must not be empty');
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
