import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { selfSignedCertificate, startFakeServer } from '../src';

/** GET over HTTPS trusting only `ca`: the status, or the TLS error's code. */
function get(url: string, ca: string | undefined): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { ...(ca === undefined ? {} : { ca }), agent: false, headers: { authorization: 'Bearer t' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

describe('selfSignedCertificate', () => {
  it('makes a P-256 certificate for 127.0.0.1 and localhost, signed by its own key, valid from an hour ago for the given days', () => {
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const { cert, key } = selfSignedCertificate({ now, days: 10 });
    const x = new X509Certificate(cert);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkHost('example.com')).toBeUndefined();
    expect(x.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new Date(x.validFrom).getTime()).toBe(now - 3_600_000);
    expect(new Date(x.validTo).getTime()).toBe(now + 10 * 86_400_000);
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('makes a different key and serial every time', () => {
    const a = new X509Certificate(selfSignedCertificate().cert);
    const b = new X509Certificate(selfSignedCertificate().cert);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.fingerprint256).not.toBe(b.fingerprint256);
  });

  it('refuses an address that is not IPv4', () => {
    expect(() => selfSignedCertificate({ ips: ['::1'] })).toThrow('not an IPv4 address: ::1');
  });
});

describe('startFakeServer({ tls: true })', () => {
  it('serves HTTPS that a client trusting `ca` reaches, and a client without it refuses', async () => {
    const server = await startFakeServer(() => ({ body: { ok: true } }), { tls: true });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(server.ca).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(await get(server.url, server.ca)).toBe(200);
      expect(await get(server.url, undefined)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      // Another fake's certificate is not this one's CA.
      expect(await get(server.url, selfSignedCertificate().cert)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await server.close();
    }
  });

  it('has no `ca` over plain HTTP', async () => {
    const server = await startFakeServer(() => ({ body: {} }));
    try {
      expect(server.url).toMatch(/^http:/);
      expect(server.ca).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
