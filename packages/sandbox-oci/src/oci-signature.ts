import { createHash, createVerify, type KeyObject } from 'node:crypto';

/**
 * Server side of OCI request signing (draft-cavage HTTP signatures, version 1):
 * https://docs.oracle.com/iaas/Content/API/Concepts/signingrequests.htm.
 * The SDK signs `x-date (request-target) host` (the CLI and the Python SDK use
 * `date`), plus `content-type content-length x-content-sha256` on PUT/POST/PATCH.
 */
export interface ParsedSignature {
  version?: string;
  keyId: string;
  algorithm: string;
  headers: string[];
  signature: string;
}

export class SignatureError extends Error {}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function parseAuthorization(value: string | undefined): ParsedSignature {
  if (!value) throw new SignatureError('missing Authorization header');
  if (!value.startsWith('Signature ')) throw new SignatureError('Authorization is not an HTTP signature');
  const params = new Map<string, string>();
  const re = /([a-zA-Z]+)="([^"]*)"/g;
  for (let m = re.exec(value); m; m = re.exec(value)) params.set(m[1]!, m[2]!);
  const keyId = params.get('keyId');
  const signature = params.get('signature');
  const algorithm = params.get('algorithm');
  if (!keyId || !signature || !algorithm) throw new SignatureError('signature lacks keyId, algorithm or signature');
  const version = params.get('version');
  if (version !== undefined && version !== '1') throw new SignatureError(`unsupported signature version ${version}`);
  const headers = (params.get('headers') ?? 'date')
    .split(' ')
    .filter((h) => h.length > 0)
    .map((h) => h.toLowerCase());
  return { ...(version ? { version } : {}), keyId, algorithm, headers, signature };
}

export interface SignedRequest {
  method: string;
  /** Path and query, as sent on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function header(req: SignedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export function signingString(req: SignedRequest, headers: readonly string[]): string {
  return headers
    .map((h) => {
      if (h === '(request-target)') return `(request-target): ${req.method.toLowerCase()} ${req.url}`;
      const v = header(req, h);
      if (v === undefined) throw new SignatureError(`signed header "${h}" is missing from the request`);
      return `${h}: ${v}`;
    })
    .join('\n');
}

/**
 * Verify one request. Throws `SignatureError` with the reason; the fake turns
 * it into 401 NotAuthenticated like the real services.
 */
export function verifyRequest(req: SignedRequest, keyFor: (keyId: string) => KeyObject | undefined, nowMs: number, maxSkewMs = 5 * 60_000): ParsedSignature {
  const sig = parseAuthorization(header(req, 'authorization'));
  if (sig.algorithm !== 'rsa-sha256') throw new SignatureError(`unsupported algorithm ${sig.algorithm}`);
  const key = keyFor(sig.keyId);
  if (!key) throw new SignatureError(`unknown keyId ${sig.keyId}`);
  const required = ['(request-target)', 'host'];
  if (BODY_METHODS.has(req.method.toUpperCase())) required.push('content-type', 'content-length', 'x-content-sha256');
  for (const h of required) if (!sig.headers.includes(h)) throw new SignatureError(`header "${h}" must be signed`);
  const dateHeader = sig.headers.includes('x-date') ? 'x-date' : sig.headers.includes('date') ? 'date' : undefined;
  if (!dateHeader) throw new SignatureError('date or x-date must be signed');
  const date = Date.parse(header(req, dateHeader) ?? '');
  if (!Number.isFinite(date)) throw new SignatureError(`${dateHeader} is not an HTTP date`);
  if (Math.abs(nowMs - date) > maxSkewMs) throw new SignatureError(`${dateHeader} is more than ${maxSkewMs / 60_000} minutes off`);

  const verifier = createVerify('RSA-SHA256');
  verifier.update(signingString(req, sig.headers));
  if (!verifier.verify(key, sig.signature, 'base64')) throw new SignatureError('signature does not match');

  if (sig.headers.includes('x-content-sha256')) {
    const digest = createHash('sha256').update(req.body).digest('base64');
    if (header(req, 'x-content-sha256') !== digest) throw new SignatureError('x-content-sha256 does not match the body');
  }
  if (sig.headers.includes('content-length') && Number(header(req, 'content-length')) !== req.body.length) {
    throw new SignatureError('content-length does not match the body');
  }
  return sig;
}
