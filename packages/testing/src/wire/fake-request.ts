import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

/** One request as a fake sees it: the body is already read, so signatures over it can be checked. */
export interface FakeRequest {
  method: string;
  /** Path and query exactly as sent (what request signatures cover). */
  url: string;
  /** Path without the query, percent-decoding left to the fake. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Body as UTF-8. */
  text(): string;
  /** Body parsed as JSON; a malformed body answers 400 like a real API would. */
  json(): unknown;
  /** A single header value (first one if repeated), lowercase name. */
  header(name: string): string | undefined;
  raw: IncomingMessage;
}

/** Reads a request stream to the end. */
export function readBody(stream: IncomingMessage, limitBytes = 16 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) {
        reject(new HttpError(413, { code: 'PayloadTooLarge', message: `body over ${limitBytes} bytes` }));
        stream.destroy();
        return;
      }
      chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Parses a JSON body, answering 400 (not a crash of the fake) when it is not JSON. */
export function parseJsonBody(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, { code: 'InvalidParameter', message: 'request body is not valid JSON' });
  }
}

export function toFakeRequest(raw: IncomingMessage, body: Buffer): FakeRequest {
  const url = raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: (raw.method ?? 'GET').toUpperCase(),
    url,
    path: q === -1 ? url : url.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: raw.headers,
    body,
    text: () => body.toString('utf8'),
    json: () => parseJsonBody(body),
    header: (name) => {
      const v = raw.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    },
    raw,
  };
}
