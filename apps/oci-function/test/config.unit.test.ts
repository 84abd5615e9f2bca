import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { isEvaluateRequest, loadConfig, policyUrlProblem, redactPolicyUrl } from '../src';

const base = { AUTOSCALER_POLICY_URL: '', OCI_REGION: 'us-ashburn-1' };
const problemOf = (url: string, extra: Record<string, string> = {}): string | undefined => {
  try {
    loadConfig({ ...base, ...extra, AUTOSCALER_POLICY_URL: url });
    return undefined;
  } catch (e) {
    return (e as ValidationError).issues.find((i) => i.path === 'AUTOSCALER_POLICY_URL')?.message;
  }
};

describe("AUTOSCALER_POLICY_URL is pinned to the region's Object Storage host", () => {
  it.each([
    'https://objectstorage.us-ashburn-1.oraclecloud.com/n/ns/b/policies/o/policy.yaml',
    'https://objectstorage.us-ashburn-1.oraclecloud.com/p/abcDEF123/n/ns/b/policies/o/policy.yaml',
  ])('accepts %s', (url) => {
    expect(problemOf(url)).toBeUndefined();
  });

  it.each([
    [
      'https://attacker.example.com/n/ns/b/policies/o/p.yaml',
      /the host must be the region's Object Storage host, objectstorage\.us-ashburn-1\.oraclecloud\.com/,
    ],
    ['https://objectstorage.us-ashburn-1.oraclecloud.com.attacker.example/n/ns/b/p/o/x', /the host must be/],
    ['https://objectstorage.eu-frankfurt-1.oraclecloud.com/n/ns/b/p/o/x', /the host is in eu-frankfurt-1, the function runs in us-ashburn-1/],
    ['http://objectstorage.us-ashburn-1.oraclecloud.com/n/ns/b/p/o/x', /must be https/],
    ['https://objectstorage.us-ashburn-1.oraclecloud.com:8443/n/ns/b/p/o/x', /the host must be/],
    ['https://user:pw@objectstorage.us-ashburn-1.oraclecloud.com/n/ns/b/p/o/x', /no credentials/],
    ['https://objectstorage.us-ashburn-1.oraclecloud.com/n/ns/b/p/o/x?token=1', /no credentials, query/],
    ['https://objectstorage.us-ashburn-1.oraclecloud.com/latest/meta-data', /the path must be/],
    ['http://169.254.169.254/opc/v2/instance/', /the path must be/],
    ['http://127.0.0.1:9/n/ns/b/p/o/x', /must be https/],
    ['not a url', /is not a URL/],
  ])('refuses %s', (url, message) => {
    expect(problemOf(url)).toMatch(message);
  });

  it('accepts the local sandbox only when OCI_ENDPOINT is that loopback sandbox', () => {
    expect(problemOf('http://127.0.0.1:8080/n/ns/b/p/o/x', { OCI_ENDPOINT: 'http://127.0.0.1:8080' })).toBeUndefined();
    expect(problemOf('http://127.0.0.1:9999/n/ns/b/p/o/x', { OCI_ENDPOINT: 'http://127.0.0.1:8080' })).toMatch(/must be https/);
  });

  it('never repeats a pre-authenticated request token in its message', () => {
    const message = problemOf('https://attacker.example.com/p/SECRETtoken42/n/ns/b/p/o/x')!;
    expect(message).not.toContain('SECRETtoken42');
    expect(redactPolicyUrl('https://h/p/SECRETtoken42/n/ns/b/p/o/x?sig=1')).toBe('https://h/p/(redacted)/n/ns/b/p/o/x');
  });

  it('fuzz: any URL is accepted only on an Object Storage host in the region, and no message carries a /p/ token', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.string(),
          fc.webPath().map((p) => `https://objectstorage.us-ashburn-1.oraclecloud.com/p/TOK3N${p}`),
        ),
        (url) => {
          const problem = policyUrlProblem(url, 'us-ashburn-1', undefined);
          if (problem === undefined) expect(new URL(url).hostname).toBe('objectstorage.us-ashburn-1.oraclecloud.com');
          else expect(problem).not.toMatch(/TOK3N/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the evaluate request', () => {
  it('is exactly {"autoscaler":"evaluate","version":1}; other bodies are alarm deliveries', () => {
    expect(isEvaluateRequest('{"autoscaler":"evaluate","version":1}')).toBe(true);
    expect(isEvaluateRequest({ autoscaler: 'evaluate', version: 1 })).toBe(true);
    expect(isEvaluateRequest('{"dedupeKey":"x"}')).toBe(false);
    expect(isEvaluateRequest('not json')).toBe(false);
    expect(() => isEvaluateRequest('{"autoscaler":"evaluate","version":"1"}')).toThrow(/version: must be 1/);
  });

  it('fuzz: never throws anything but a ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ autoscaler: fc.jsonValue(), version: fc.jsonValue() }), fc.json()), (body) => {
        try {
          isEvaluateRequest(body);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });
});
