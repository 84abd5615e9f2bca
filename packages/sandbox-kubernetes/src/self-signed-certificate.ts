import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server key and certificate (PEM); the certificate is also the CA a client trusts. */
export interface TlsCredentials {
  key: string;
  cert: string;
}

export type SelfSignedResult = { ok: TlsCredentials } | { problem: string };

/**
 * A fresh P-256 key and a self-signed certificate for 127.0.0.1 and localhost, made with
 * the `openssl` CLI: Node 20 can verify X.509 but has no API to create a certificate.
 * kubectl only sends a bearer token over TLS, so the fake needs one to be usable by kubectl.
 * Answers `{ problem }` (never throws) when openssl is missing or fails, so callers can fall back.
 */
export async function selfSignedCertificate(options: { openssl?: string; days?: number; timeoutMs?: number } = {}): Promise<SelfSignedResult> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-kube-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const args = [
    'req',
    '-x509',
    '-nodes',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    String(options.days ?? 30),
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    // Go's verifier wants serverAuth when any extended key usage is present; say it explicitly.
    '-addext',
    'extendedKeyUsage=serverAuth',
  ];
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(options.openssl ?? 'openssl', args, { timeout: options.timeoutMs ?? 15_000 }, (e, _out, stderr) => {
        if (!e) resolve();
        else if ((e as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error(`${options.openssl ?? 'openssl'} is not installed (not on PATH)`));
        else reject(new Error(`openssl req failed: ${String(stderr).trim() || e.message}`));
      });
    });
    return { ok: { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') } };
  } catch (e) {
    return { problem: (e as Error).message };
  } finally {
    // The key lives in memory only; nothing stays on disk.
    await rm(dir, { recursive: true, force: true });
  }
}
