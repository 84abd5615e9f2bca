import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A server key and certificate (PEM); the certificate is also the CA a client trusts. */
export interface TlsCredentials {
  key: string;
  cert: string;
}

export interface SelfSignedOptions {
  /** DNS names the certificate is valid for (default `localhost`). */
  dnsNames?: readonly string[];
  /** IPv4 addresses it is valid for (default `127.0.0.1`). */
  ips?: readonly string[];
  /** Days of validity from now (default 30); it is valid from an hour ago, for clock skew. */
  days?: number;
  /** Epoch milliseconds taken as now (default `Date.now()`). */
  now?: number;
}

// DER, just the parts an X.509 v3 certificate needs.
const der = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
};
const seq = (...c: Buffer[]): Buffer => der(0x30, ...c);
const set = (...c: Buffer[]): Buffer => der(0x31, ...c);
const octets = (b: Buffer): Buffer => der(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => der(0x03, Buffer.from([unused]), b);
const bool = (v: boolean): Buffer => der(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const base128 = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    out.push(...base128);
  }
  return der(0x06, Buffer.from(out));
}

/** UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime after, as RFC 5280 wants. */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return new Date(ms).getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

function ipv4(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return Buffer.from(parts);
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/**
 * A fresh P-256 key and a self-signed certificate for the loopback names, made in-process
 * (Node has no API to create X.509, and an `openssl` binary is not everywhere). A wire fake
 * serves HTTPS with it; a client trusts `cert` as its only CA. Many SDKs send bearer tokens
 * over TLS only, so a fake of such an API must speak HTTPS.
 */
export function selfSignedCertificate(options: SelfSignedOptions = {}): TlsCredentials {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = options.now ?? Date.now();
  const days = options.days ?? 30;
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive and exactly 16 bytes
  const dns = options.dnsNames ?? ['localhost'];
  const ips = options.ips ?? ['127.0.0.1'];
  const name = seq(set(seq(oid('2.5.4.3'), utf8(ips[0] ?? dns[0] ?? 'localhost'))));
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  // The key identifier: SHA-1 of the public key bits (RFC 5280, 4.2.1.2, method 1).
  const keyId = createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(time(now - 3_600_000), time(now + days * 86_400_000)),
    name,
    spki,
    der(
      0xa3,
      seq(
        extension('2.5.29.19', true, seq(bool(true))), // basicConstraints CA: it is its own trust anchor
        extension('2.5.29.15', true, bits(Buffer.from([0x84]), 2)), // keyUsage digitalSignature, keyCertSign
        extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage serverAuth (Go's verifier wants it said)
        extension('2.5.29.17', false, seq(...ips.map((ip) => der(0x87, ipv4(ip))), ...dns.map((d) => der(0x82, Buffer.from(d, 'ascii'))))),
        extension('2.5.29.14', false, octets(keyId)),
      ),
    ),
  );
  const certificate = seq(tbs, ecdsaWithSha256, bits(sign('sha256', tbs, privateKey)));
  const pem = certificate
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${pem}\n-----END CERTIFICATE-----\n`,
  };
}
