import { createPublicKey, createVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { snsStringToSign, type SnsSignedFields } from '@autoscaler/cloud-semantics';
import { TransientError, ValidationError } from '@autoscaler/core';

/** Fetches the PEM certificate at an (already vetted) `SigningCertUrl`. Injected so tests use a local key. */
export type CertificateFetcher = (url: string) => Promise<string>;

/**
 * A certificate host's HTTP answer other than 2xx. A 4xx means the certificate the envelope names
 * does not exist (forged: refused); anything else a fetcher throws (timeout, reset, 5xx) is
 * transient, so the delivery fails for the platform to retry instead of being dropped.
 */
export class CertificateHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CertificateHttpError';
  }
}

// The string SNS signs, one implementation shared with the sandbox's fake SNS.
export { snsStringToSign, type SnsSignedFields };

const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-gov)?-[a-z]+-\d):\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const CERT_PATH = /^\/SimpleNotificationService-[0-9a-f]{32}\.pem$/;

/**
 * A signing certificate is only fetched from `https://sns.<topic region>.amazonaws.com[.cn]/SimpleNotificationService-<hex>.pem`:
 * a forged message cannot point us at a key its author holds.
 */
export function vetSigningCertUrl(url: unknown, topicArn: string, path: string): string {
  if (typeof url !== 'string' || url === '') throw ValidationError.field(path, 'must be the https URL of the SNS signing certificate');
  const arn = TOPIC_ARN.exec(topicArn);
  if (!arn) throw ValidationError.field(path.replace(/SigningCert(Url|URL)$/, 'TopicArn'), `"${topicArn.slice(0, 120)}" is not an SNS topic ARN`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ValidationError.field(path, 'is not a URL');
  }
  const host = `sns.${arn[2]}.amazonaws.com${arn[1] === 'aws-cn' ? '.cn' : ''}`;
  if (
    parsed.protocol !== 'https:' ||
    parsed.hostname !== host ||
    parsed.port !== '' ||
    parsed.username !== '' ||
    parsed.search !== '' ||
    !CERT_PATH.test(parsed.pathname)
  ) {
    throw ValidationError.field(path, `must be https://${host}/SimpleNotificationService-<id>.pem for topic region ${arn[2]}; refusing ${url.slice(0, 200)}`);
  }
  return parsed.toString();
}

/** Default fetcher: HTTPS GET with a timeout (Node 20 global fetch). */
export function httpsCertificateFetcher(timeoutMs = 3000): CertificateFetcher {
  return async (url) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!res.ok) throw new CertificateHttpError(res.status, `GET ${url} answered ${res.status}`);
    return res.text();
  };
}

export interface SnsVerifierOptions {
  fetchCertificate?: CertificateFetcher;
  /** Epoch ms; used to check the certificate's validity period. */
  now?: () => number;
  /** Reject notifications older than this (replays). Off unless set. */
  maxMessageAgeMs?: number;
  /** Clock skew allowed for a Timestamp in the future (default 5 minutes); a later one is refused. */
  maxFutureSkewMs?: number;
}

/**
 * Verifies SNS signatures (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA).
 * `load` fetches certificates ahead (async); `verify` is synchronous so an
 * `AlarmSource.parse` can refuse unsigned or forged envelopes itself.
 */
export class SnsSignatureVerifier {
  private readonly keys = new Map<string, KeyObject>();
  private readonly inflight = new Map<string, Promise<KeyObject>>();
  private readonly fetchCertificate: CertificateFetcher;
  private readonly now: () => number;

  constructor(private readonly options: SnsVerifierOptions = {}) {
    this.fetchCertificate = options.fetchCertificate ?? httpsCertificateFetcher();
    this.now = options.now ?? Date.now;
  }

  /**
   * Fetch (once per URL per container) the certificate an envelope names. Vets the URL first.
   * Concurrent deliveries naming the same certificate share one fetch. A certificate that cannot be
   * fetched for a transient reason throws `TransientError` (the delivery is retried, not dropped);
   * a 4xx answer or an unusable certificate throws `ValidationError`.
   */
  async load(certUrl: unknown, topicArn: string, path: string): Promise<void> {
    const url = vetSigningCertUrl(certUrl, topicArn, path);
    if (this.keys.has(url)) return;
    let pending = this.inflight.get(url);
    if (!pending) {
      pending = this.fetchKey(url, path).finally(() => this.inflight.delete(url));
      this.inflight.set(url, pending);
    }
    this.keys.set(url, await pending);
  }

  private async fetchKey(url: string, path: string): Promise<KeyObject> {
    let pem: string;
    try {
      pem = await this.fetchCertificate(url);
    } catch (e) {
      const message = `could not fetch the SNS signing certificate ${url}: ${(e as Error).message}`;
      if (e instanceof CertificateHttpError && e.status >= 400 && e.status < 500)
        throw new ValidationError(message, [{ path, message: `certificate not found (HTTP ${e.status})` }]);
      throw new TransientError(message, { cause: e });
    }
    try {
      const cert = new X509Certificate(pem);
      const now = this.now();
      if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo))
        throw new Error(`certificate not valid at ${new Date(now).toISOString()} (${cert.validFrom} .. ${cert.validTo})`);
      return createPublicKey(pem);
    } catch (e) {
      throw new ValidationError(`the SNS signing certificate at ${url} is not usable: ${(e as Error).message}`, [{ path, message: 'not a valid certificate' }]);
    }
  }

  /** Throws `ValidationError` naming `path` unless the envelope's signature verifies against a loaded certificate. */
  verify(fields: SnsSignedFields & { SignatureVersion?: unknown; Signature?: unknown }, cert: { url: unknown; path: string }, path: string): void {
    const version = fields.SignatureVersion;
    if (version !== '1' && version !== '2') throw ValidationError.field(`${path}.SignatureVersion`, `must be "1" or "2", got ${JSON.stringify(version)}`);
    if (typeof fields.Signature !== 'string' || fields.Signature === '') throw ValidationError.field(`${path}.Signature`, 'is missing');
    const url = vetSigningCertUrl(cert.url, fields.TopicArn, cert.path);
    const key = this.keys.get(url);
    if (!key) throw ValidationError.field(cert.path, 'signing certificate not loaded: call prepare()/load() before parse()');
    const ok = createVerify(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
      .update(snsStringToSign(fields), 'utf8')
      .verify(key, Buffer.from(fields.Signature, 'base64'));
    if (!ok) throw ValidationError.field(`${path}.Signature`, 'does not verify against the SNS signing certificate: message forged or altered');
    const at = Date.parse(fields.Timestamp);
    if (!Number.isFinite(at))
      throw ValidationError.field(`${path}.Timestamp`, `must be an ISO 8601 time, got ${JSON.stringify(String(fields.Timestamp).slice(0, 40))}`);
    const skew = this.options.maxFutureSkewMs ?? 5 * 60_000;
    if (at - this.now() > skew) throw ValidationError.field(`${path}.Timestamp`, `is more than ${skew} ms in the future: refusing it`);
    if (this.options.maxMessageAgeMs !== undefined && this.now() - at > this.options.maxMessageAgeMs)
      throw ValidationError.field(`${path}.Timestamp`, `older than ${this.options.maxMessageAgeMs} ms: refusing a replay`);
  }
}
