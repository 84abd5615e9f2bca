import { createHash, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { snsStringToSign, type SnsSignedFields } from '@autoscaler/cloud-semantics';

export type { SnsSignedFields };

/**
 * A locally generated SNS signing identity: an RSA key and a self-signed X.509
 * certificate (subject CN sns.amazonaws.com, like the real one), built with a
 * small DER writer because node:crypto can parse certificates but not make them.
 */
export interface SnsSigningIdentity {
  privateKey: KeyObject;
  /** PEM certificate, what `SigningCertUrl` would serve. */
  certificatePem: string;
}

const der = (tag: number, body: Buffer): Buffer => {
  const len = body.length;
  let head: Buffer;
  if (len < 0x80) head = Buffer.from([tag, len]);
  else if (len < 0x100) head = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) head = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else head = Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([head, body]);
};
const seq = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const oid = (dotted: string): Buffer => {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = p >> 7;
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v >>= 7;
    }
    bytes.push(...stack);
  }
  return der(0x06, Buffer.from(bytes));
};
const int = (n: Buffer): Buffer => der(0x02, n[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), n]) : n);
const utf8 = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));
const utcTime = (d: Date): Buffer => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z', 'ascii'));
const NULL = Buffer.from([0x05, 0x00]);
const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), NULL);
const cn = (name: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(name))));

export function createSnsSigningIdentity(options: { commonName?: string; notBefore?: Date; notAfter?: Date } = {}): SnsSigningIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = cn(options.commonName ?? 'sns.amazonaws.com');
  const notBefore = options.notBefore ?? new Date(Date.UTC(2020, 0, 1));
  const notAfter = options.notAfter ?? new Date(Date.UTC(2049, 11, 31));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = createHash('sha256').update(spki).digest().subarray(0, 8);
  serial[0] = serial[0]! & 0x7f;
  const tbs = seq(der(0xa0, int(Buffer.from([2]))), int(serial), SHA256_WITH_RSA, name, seq(utcTime(notBefore), utcTime(notAfter)), name, spki);
  const signature = createSign('sha256').update(tbs).sign(privateKey);
  const cert = seq(tbs, SHA256_WITH_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return { privateKey, certificatePem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n` };
}

/** Sign like SNS: SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA; base64. */
export function signSnsFields(fields: SnsSignedFields, privateKey: KeyObject, version: '1' | '2'): string {
  return createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(snsStringToSign(fields), 'utf8')
    .sign(privateKey, 'base64');
}
