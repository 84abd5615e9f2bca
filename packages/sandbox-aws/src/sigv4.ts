import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AwsApiError } from './wire';

/** Credentials the fake accepts: access key id -> secret (and session token for temporary keys). */
export interface FakeCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What a verified request was signed for. */
export interface SignedScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export interface SignedRequest {
  method: string;
  /** Raw request target (path and query string, as sent). */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value... */
  rawHeaders: readonly string[];
  body: Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60_000;

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

/** Non-S3 services: normalise dot segments, then encode each segment of the path as sent (double encoding). */
export function canonicalUri(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  let p = out.join('/');
  if (!p.startsWith('/')) p = `/${p}`;
  return p
    .split('/')
    .map((seg) => uriEncode(seg))
    .join('/');
}

export function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? '' : p.slice(i + 1);
      return [uriEncode(safeDecode(k)), uriEncode(safeDecode(v))] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerMap(rawHeaders: readonly string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ');
    const list = m.get(name);
    if (list) list.push(value);
    else m.set(name, [value]);
  }
  return m;
}

/** The signing key: HMAC chain over date, region, service. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

const incomplete = (msg: string): AwsApiError => new AwsApiError('IncompleteSignatureException', msg, 400, { queryCode: 'IncompleteSignature' });
const mismatch = (): AwsApiError =>
  new AwsApiError(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    400,
    { queryCode: 'SignatureDoesNotMatch', queryStatus: 403 },
  );

/**
 * Verify a SigV4 `Authorization` header the way AWS does: recompute the
 * canonical request and the string to sign with the caller's secret, compare
 * signatures in constant time, and check scope, date skew and session token.
 */
export function verifySigV4(req: SignedRequest, credentials: ReadonlyMap<string, FakeCredential>, expectedRegion: string, wallNow: number): SignedScope {
  const headers = headerMap(req.rawHeaders);
  const auth = headers.get('authorization')?.[0];
  if (auth === undefined) {
    if (req.url.includes('X-Amz-Signature=')) throw incomplete('Presigned query authentication is not supported by this fake');
    throw new AwsApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400, {
      queryCode: 'MissingAuthenticationToken',
      queryStatus: 403,
    });
  }
  if (!auth.startsWith(`${ALGORITHM} `)) throw incomplete(`Unsupported Authorization Type: ${auth.split(' ')[0]}`);
  const fields = new Map<string, string>();
  for (const part of auth.slice(ALGORITHM.length + 1).split(',')) {
    const i = part.indexOf('=');
    if (i > 0) fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [!credential && 'Credential', !signedHeaders && 'SignedHeaders', !signature && 'Signature'].filter(Boolean);
  if (missing.length > 0) throw incomplete(`Authorization header requires '${missing.join("', '")}' parameter(s). Authorization=${auth}`);
  const scopeParts = credential!.split('/');
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') throw incomplete(`Credential should be scoped to a valid region and service: ${credential}`);
  const [accessKeyId, date, region, service] = scopeParts as [string, string, string, string, string];

  const cred = credentials.get(accessKeyId);
  if (!cred)
    throw new AwsApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400, {
      queryCode: 'InvalidClientTokenId',
      queryStatus: 403,
    });
  if (region !== expectedRegion)
    throw new AwsApiError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'. `, 400, {
      queryCode: 'SignatureDoesNotMatch',
      queryStatus: 403,
    });

  const amzDate = headers.get('x-amz-date')?.[0];
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate))
    throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (amzDate.slice(0, 8) !== date) throw mismatch();
  const signedAt = Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );
  if (Math.abs(wallNow - signedAt) > MAX_SKEW_MS) {
    const fmt = (t: number): string =>
      new Date(t)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    throw new AwsApiError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${fmt(wallNow - MAX_SKEW_MS)} (${fmt(wallNow)} - 15 min.)`,
      400,
      { queryCode: 'SignatureDoesNotMatch', queryStatus: 403 },
    );
  }

  const names = signedHeaders!.split(';');
  if (!names.includes('host')) throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (cred.sessionToken !== undefined) {
    const token = headers.get('x-amz-security-token')?.[0];
    if (token !== cred.sessionToken)
      throw new AwsApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400, {
        queryCode: 'InvalidClientTokenId',
        queryStatus: 403,
      });
  }

  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const canonicalHeaders = names.map((n) => `${n}:${(headers.get(n) ?? []).join(',')}\n`).join('');
  // The body is always hashed here: a client-supplied x-amz-content-sha256 must match it (no UNSIGNED-PAYLOAD for these services).
  const payloadHash = sha256Hex(req.body);
  const claimed = headers.get('x-amz-content-sha256')?.[0];
  if (claimed !== undefined && claimed !== payloadHash) throw mismatch();
  const canonicalRequest = [req.method.toUpperCase(), canonicalUri(path), canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(cred.secretAccessKey, date, region, service))
    .update(stringToSign, 'utf8')
    .digest();
  const given = Buffer.from(signature!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw mismatch();
  return { accessKeyId, date, region, service };
}
