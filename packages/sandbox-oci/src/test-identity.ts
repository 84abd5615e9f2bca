import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Region, SimpleAuthenticationDetailsProvider } from 'oci-common';

/**
 * An API-key identity made in process for tests and the sandbox: a fresh RSA
 * key, its OCI-style fingerprint (MD5 of the DER public key) and the keyId the
 * SDK signs with (`tenancy/user/fingerprint`).
 */
export interface TestIdentity {
  tenancyId: string;
  userId: string;
  fingerprint: string;
  privateKeyPem: string;
  publicKey: KeyObject;
  keyId: string;
  region: string;
  authProvider(): SimpleAuthenticationDetailsProvider;
}

export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('md5').update(der).digest('hex').match(/../g)!.join(':');
}

export function createTestIdentity(options: { tenancyId?: string; userId?: string; region?: string; modulusLength?: number } = {}): TestIdentity {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const publicKey = createPublicKey(privateKey);
  const tenancyId = options.tenancyId ?? 'ocid1.tenancy.oc1..aaaaaaaasandboxtenancy0000000000000000000000000000000000000';
  const userId = options.userId ?? 'ocid1.user.oc1..aaaaaaaasandboxuser000000000000000000000000000000000000000000';
  const fingerprint = fingerprintOf(publicKey);
  const region = options.region ?? 'us-ashburn-1';
  return {
    tenancyId,
    userId,
    fingerprint,
    privateKeyPem,
    publicKey,
    keyId: `${tenancyId}/${userId}/${fingerprint}`,
    region,
    authProvider: () => new SimpleAuthenticationDetailsProvider(tenancyId, userId, fingerprint, privateKeyPem, null, Region.fromRegionId(region)),
  };
}

/** Write the key and an `~/.oci/config`-style file for it; returns the config path. */
export function writeOciConfig(identity: TestIdentity, dir: string, profile = 'DEFAULT'): { configPath: string; keyPath: string } {
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, 'sandbox_api_key.pem');
  writeFileSync(keyPath, identity.privateKeyPem, { mode: 0o600 });
  const configPath = join(dir, 'config');
  writeFileSync(
    configPath,
    [
      `[${profile}]`,
      `user=${identity.userId}`,
      `fingerprint=${identity.fingerprint}`,
      `tenancy=${identity.tenancyId}`,
      `region=${identity.region}`,
      `key_file=${keyPath}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { configPath, keyPath };
}
