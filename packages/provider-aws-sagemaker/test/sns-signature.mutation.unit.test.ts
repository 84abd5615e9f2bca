import { TransientError, ValidationError } from '@autoscaler/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CertificateHttpError, httpsCertificateFetcher, SnsSignatureVerifier, snsStringToSign, vetSigningCertUrl } from '../src/alarms/sns-signature';
import type { SnsSignedFields } from '../src/alarms/sns-signature';
import { createSnsSigningIdentity, signSnsFields } from '@autoscaler/sandbox-aws';

/** Edges of the SNS signature check found by mutation testing (bench/mutation.ts). */
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alarms';
const CERT = `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${'a'.repeat(32)}.pem`;
const NOW = Date.UTC(2026, 2, 10, 12);
const identity = createSnsSigningIdentity({ notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(2026, 11, 31)) });

function fields(extra: Partial<SnsSignedFields> = {}): SnsSignedFields {
  return {
    Type: 'Notification',
    MessageId: 'm-1',
    TopicArn: TOPIC,
    Message: '{"a":1}',
    Timestamp: new Date(NOW - 1000).toISOString(),
    Subject: 'ALARM',
    ...extra,
  };
}

function signed(f: SnsSignedFields, version: '1' | '2' = '2'): SnsSignedFields & { SignatureVersion: string; Signature: string } {
  return { ...f, SignatureVersion: version, Signature: signSnsFields(f, identity.privateKey, version) };
}

async function verifier(options: { now?: number; maxMessageAgeMs?: number } = {}): Promise<{ v: SnsSignatureVerifier; fetched: string[] }> {
  const fetched: string[] = [];
  const v = new SnsSignatureVerifier({
    fetchCertificate: async (url) => {
      fetched.push(url);
      return identity.certificatePem;
    },
    now: () => options.now ?? NOW,
    ...(options.maxMessageAgeMs === undefined ? {} : { maxMessageAgeMs: options.maxMessageAgeMs }),
  });
  await v.load(CERT, TOPIC, 'Records[0].Sns.SigningCertUrl');
  return { v, fetched };
}

const certRef = { url: CERT, path: 'Records[0].Sns.SigningCertUrl' };

describe('snsStringToSign: keys, order and optional fields', () => {
  it.each([
    [
      fields(),
      'Message\n{"a":1}\nMessageId\nm-1\nSubject\nALARM\nTimestamp\n' + new Date(NOW - 1000).toISOString() + '\nTopicArn\n' + TOPIC + '\nType\nNotification\n',
    ],
    [
      fields({ Subject: null }),
      'Message\n{"a":1}\nMessageId\nm-1\nTimestamp\n' + new Date(NOW - 1000).toISOString() + '\nTopicArn\n' + TOPIC + '\nType\nNotification\n',
    ],
    [
      fields({ Subject: undefined }),
      'Message\n{"a":1}\nMessageId\nm-1\nTimestamp\n' + new Date(NOW - 1000).toISOString() + '\nTopicArn\n' + TOPIC + '\nType\nNotification\n',
    ],
    [
      fields({ Subject: '' }),
      'Message\n{"a":1}\nMessageId\nm-1\nSubject\n\nTimestamp\n' + new Date(NOW - 1000).toISOString() + '\nTopicArn\n' + TOPIC + '\nType\nNotification\n',
    ],
    [
      {
        Type: 'SubscriptionConfirmation',
        MessageId: 'm',
        TopicArn: TOPIC,
        Message: 'x',
        Timestamp: 't',
        SubscribeURL: 'https://s',
        Token: 'tok',
        Subject: 'ignored',
      },
      `Message\nx\nMessageId\nm\nSubscribeURL\nhttps://s\nTimestamp\nt\nToken\ntok\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`,
    ],
  ])('%#', (f, expected) => {
    expect(snsStringToSign(f)).toBe(expected);
  });
});

describe('vetSigningCertUrl: only the topic region SNS host, https, the .pem path', () => {
  it.each([
    [CERT, TOPIC, CERT],
    [
      `https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-${'0'.repeat(32)}.pem`,
      'arn:aws-cn:sns:cn-north-1:123456789012:t',
      `https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-${'0'.repeat(32)}.pem`,
    ],
    [
      `https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-${'f'.repeat(32)}.pem`,
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:t.fifo',
      `https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-${'f'.repeat(32)}.pem`,
    ],
  ])('%s is accepted', (url, topic, out) => {
    expect(vetSigningCertUrl(url, topic, 'p.SigningCertUrl')).toBe(out);
  });

  it.each([
    [CERT.replace('https:', 'http:')],
    [CERT.replace('us-east-1', 'us-west-2')],
    [CERT.replace('amazonaws.com', 'amazonaws.com.cn')],
    [CERT.replace('amazonaws.com', 'amazonaws.com:8443')],
    [CERT.replace('https://', 'https://u@')],
    [`${CERT}?x=1`],
    [CERT.replace('.pem', '.pem.txt')],
    [CERT.replace('/Simple', '/x/Simple')],
    [CERT.replace('a'.repeat(32), 'a'.repeat(31))],
    [CERT.replace('a'.repeat(32), 'A'.repeat(32))],
    [`https://evil.example.com/SimpleNotificationService-${'a'.repeat(32)}.pem`],
  ])('%s is refused, naming the field and the expected host', (url) => {
    expect(() => vetSigningCertUrl(url, TOPIC, 'p.SigningCertUrl')).toThrow(
      `invalid p.SigningCertUrl: must be https://sns.us-east-1.amazonaws.com/SimpleNotificationService-<id>.pem for topic region us-east-1; refusing ${url}`,
    );
  });

  it.each([[undefined], [''], [42]])('%p is refused as missing', (url) => {
    expect(() => vetSigningCertUrl(url, TOPIC, 'p.SigningCertUrl')).toThrow('invalid p.SigningCertUrl: must be the https URL of the SNS signing certificate');
  });

  it('a URL that does not parse is named', () => {
    expect(() => vetSigningCertUrl('not a url', TOPIC, 'p.SigningCertUrl')).toThrow('invalid p.SigningCertUrl: is not a URL');
  });

  it.each([
    ['arn:aws:sqs:us-east-1:123456789012:q', 'p.SigningCertUrl', 'p.TopicArn'],
    ['xarn:aws:sns:us-east-1:123456789012:t', 'p.SigningCertURL', 'p.TopicArn'],
    ['arn:aws:sns:us-east-1:123456789012:t/x', 'p.SigningCertUrl', 'p.TopicArn'],
    ['arn:aws:sns:us-east-1:12345678901:t', 'p.SigningCertUrl', 'p.TopicArn'],
    ['arn:aws:sns:useast-1:123456789012:t', 'p.SigningCertUrl', 'p.TopicArn'],
    ['arn:aws:sns:us-east-1:123456789012:', 'p.SigningCertUrl', 'p.TopicArn'],
    ['arn:aws:sns:us-east-1:123456789012:t', 'cert', 'cert'],
  ])('topic %s is refused under %s as %s', (topic, path, named) => {
    const url = CERT;
    if (topic === 'arn:aws:sns:us-east-1:123456789012:t') {
      expect(() => vetSigningCertUrl(url, topic, path)).not.toThrow();
      return;
    }
    expect(() => vetSigningCertUrl(url, topic, path)).toThrow(`invalid ${named}: "${topic}" is not an SNS topic ARN`);
  });
});

describe('SnsSignatureVerifier', () => {
  it('fetches a certificate once per URL and verifies versions 1 and 2', async () => {
    const { v, fetched } = await verifier();
    await v.load(CERT, TOPIC, 'x');
    expect(fetched).toEqual([CERT]);
    expect(() => v.verify(signed(fields(), '1'), certRef, 'Records[0].Sns')).not.toThrow();
    expect(() => v.verify(signed(fields(), '2'), certRef, 'Records[0].Sns')).not.toThrow();
  });

  it.each([
    ['a version-1 signature claimed as version 2', { ...signed(fields(), '1'), SignatureVersion: '2' }, 'invalid Records[0].Sns.Signature: does not verify'],
    ['a version-2 signature claimed as version 1', { ...signed(fields(), '2'), SignatureVersion: '1' }, 'invalid Records[0].Sns.Signature: does not verify'],
    ['an altered message', { ...signed(fields()), Message: '{"a":2}' }, 'invalid Records[0].Sns.Signature: does not verify'],
    ['an empty signature', { ...signed(fields()), Signature: '' }, 'invalid Records[0].Sns.Signature: is missing'],
    ['a non-string signature', { ...signed(fields()), Signature: 7 }, 'invalid Records[0].Sns.Signature: is missing'],
    ['version 3', { ...signed(fields()), SignatureVersion: '3' }, 'invalid Records[0].Sns.SignatureVersion: must be "1" or "2", got "3"'],
    ['numeric version 2', { ...signed(fields()), SignatureVersion: 2 }, 'invalid Records[0].Sns.SignatureVersion: must be "1" or "2", got 2'],
  ])('%s is refused', async (_name, envelope, message) => {
    const { v } = await verifier();
    expect(() => v.verify(envelope as never, certRef, 'Records[0].Sns')).toThrow(message);
  });

  it('a certificate not loaded is named, not fetched', async () => {
    const { v } = await verifier();
    const other = CERT.replace('a'.repeat(32), 'b'.repeat(32));
    expect(() => v.verify(signed(fields()), { url: other, path: 'c' }, 'Records[0].Sns')).toThrow('invalid c: signing certificate not loaded');
  });

  it.each([
    [Date.UTC(2025, 11, 31, 23, 59), false],
    [Date.UTC(2026, 0, 1), true],
    [Date.UTC(2026, 11, 31), true],
    [Date.UTC(2026, 11, 31, 0, 0, 1), false],
  ])('a certificate is usable at %s only inside its validity (%s)', async (now, usable) => {
    const v = new SnsSignatureVerifier({ fetchCertificate: async () => identity.certificatePem, now: () => now });
    const load = v.load(CERT, TOPIC, 'c');
    if (usable) await expect(load).resolves.toBeUndefined();
    else await expect(load).rejects.toThrow(/is not usable: certificate not valid at/);
  });

  it('a network failure or a 5xx is TRANSIENT (the delivery is retried); a 4xx and a non-certificate are ValidationErrors naming the path', async () => {
    for (const failure of [new Error('ECONNRESET'), new CertificateHttpError(503, 'GET x answered 503')]) {
      const down = new SnsSignatureVerifier({ fetchCertificate: async () => Promise.reject(failure), now: () => NOW });
      const e = await down.load(CERT, TOPIC, 'c').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TransientError);
      expect((e as TransientError).message).toContain(`could not fetch the SNS signing certificate ${CERT}: ${failure.message}`);
    }
    const missing = new SnsSignatureVerifier({
      fetchCertificate: async () => Promise.reject(new CertificateHttpError(404, 'GET x answered 404')),
      now: () => NOW,
    });
    const m = await missing.load(CERT, TOPIC, 'c').catch((x: unknown) => x);
    expect(m).toBeInstanceOf(ValidationError);
    expect((m as ValidationError).issues).toEqual([{ path: 'c', message: 'certificate not found (HTTP 404)' }]);
    const junk = new SnsSignatureVerifier({ fetchCertificate: async () => 'not a pem', now: () => NOW });
    const j = await junk.load(CERT, TOPIC, 'c').catch((x: unknown) => x);
    expect(j).toBeInstanceOf(ValidationError);
    expect((j as ValidationError).issues).toEqual([{ path: 'c', message: 'not a valid certificate' }]);
  });

  it('concurrent loads of one certificate share one fetch; a failed fetch is tried again by the next delivery', async () => {
    let calls = 0;
    let fail = true;
    const v = new SnsSignatureVerifier({
      fetchCertificate: async () => {
        calls++;
        await new Promise((r) => setImmediate(r));
        if (fail) throw new Error('timeout');
        return identity.certificatePem;
      },
      now: () => NOW,
    });
    const first = await Promise.allSettled([1, 2, 3, 4, 5].map(() => v.load(CERT, TOPIC, 'c')));
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(calls).toBe(1);
    fail = false;
    await Promise.all([1, 2, 3].map(() => v.load(CERT, TOPIC, 'c')));
    expect(calls).toBe(2);
    await v.load(CERT, TOPIC, 'c');
    expect(calls).toBe(2);
    expect(() => v.verify(signed(fields()), certRef, 'R')).not.toThrow();
  });

  it.each([
    [NOW + 5 * 60_000, true],
    [NOW + 5 * 60_000 + 1, false],
    [Date.UTC(275760, 0, 1), false],
  ])('a Timestamp in the future (%p) is accepted only within 5 minutes of skew: %p', async (at, accepted) => {
    const { v } = await verifier();
    const envelope = signed(fields({ Timestamp: new Date(Math.min(at, 8.64e15)).toISOString() }));
    if (accepted) expect(() => v.verify(envelope, certRef, 'R')).not.toThrow();
    else expect(() => v.verify(envelope, certRef, 'R')).toThrow('invalid R.Timestamp: is more than 300000 ms in the future: refusing it');
  });

  it.each([
    [undefined, NOW - 10 * 86_400_000, true],
    [60_000, NOW - 60_000, true],
    [60_000, NOW - 60_001, false],
    [60_000, NOW + 5_000, true],
  ])('maxMessageAgeMs %p: a message from %p is accepted: %p', async (maxMessageAgeMs, at, accepted) => {
    const { v } = await verifier(maxMessageAgeMs === undefined ? {} : { maxMessageAgeMs });
    const envelope = signed(fields({ Timestamp: new Date(at).toISOString() }));
    if (accepted) expect(() => v.verify(envelope, certRef, 'R')).not.toThrow();
    else expect(() => v.verify(envelope, certRef, 'R')).toThrow(`invalid R.Timestamp: older than ${maxMessageAgeMs} ms: refusing a replay`);
  });

  it('a timestamp that does not parse is refused, with or without an age limit', async () => {
    const plain = (await verifier()).v;
    expect(() => plain.verify(signed(fields({ Timestamp: 'yesterday' })), certRef, 'R')).toThrow(
      'invalid R.Timestamp: must be an ISO 8601 time, got "yesterday"',
    );
    const { v } = await verifier({ maxMessageAgeMs: 60_000 });
    expect(() => v.verify(signed(fields({ Timestamp: 'yesterday' })), certRef, 'R')).toThrow('invalid R.Timestamp');
  });
});

describe('certificate fetch failures, one status at a time', () => {
  const loadFailing = (failure: unknown): Promise<unknown> =>
    new SnsSignatureVerifier({ fetchCertificate: async () => Promise.reject(failure), now: () => NOW }).load(CERT, TOPIC, 'c').catch((x: unknown) => x);

  it.each([
    [400, 'ValidationError'],
    [404, 'ValidationError'],
    [499, 'ValidationError'],
    [399, 'TransientError'],
    [500, 'TransientError'],
    [503, 'TransientError'],
  ])('HTTP %p -> %s', async (status, kind) => {
    const e = await loadFailing(new CertificateHttpError(status, `GET x answered ${status}`));
    expect((e as Error).constructor.name).toBe(kind);
    if (kind === 'ValidationError') expect((e as ValidationError).issues).toEqual([{ path: 'c', message: `certificate not found (HTTP ${status})` }]);
  });

  it('a network error is transient and keeps the cause', async () => {
    const failure = new Error('ECONNRESET');
    const e = await loadFailing(failure);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error & { cause?: unknown }).cause).toBe(failure);
  });

  it('CertificateHttpError names itself and keeps the status', () => {
    const e = new CertificateHttpError(404, 'GET x answered 404');
    expect(e.name).toBe('CertificateHttpError');
    expect(e.status).toBe(404);
    expect(String(e)).toBe('CertificateHttpError: GET x answered 404');
  });
});

describe('refusals quote the offending text, cut short', () => {
  it('a long bad topic ARN is quoted to 120 characters', () => {
    const arn = `arn:aws:sns:nowhere:${'x'.repeat(300)}`;
    expect(() => vetSigningCertUrl(CERT, arn, 'Records[0].Sns.SigningCertUrl')).toThrow(
      `invalid Records[0].Sns.TopicArn: "${arn.slice(0, 120)}" is not an SNS topic ARN`,
    );
  });

  it('a long refused certificate URL is quoted to 200 characters', () => {
    const url = `https://evil.example/${'a'.repeat(400)}.pem`;
    let message = '';
    try {
      vetSigningCertUrl(url, TOPIC, 'SigningCertURL');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.endsWith(`refusing ${url.slice(0, 200)}`)).toBe(true);
  });

  it('a long unparseable Timestamp is quoted to 40 characters', async () => {
    const { v } = await verifier();
    const stamp = `not-a-time-${'z'.repeat(100)}`;
    expect(() => v.verify(signed(fields({ Timestamp: stamp })), certRef, 'R')).toThrow(
      `invalid R.Timestamp: must be an ISO 8601 time, got ${JSON.stringify(stamp.slice(0, 40))}`,
    );
  });
});

describe('httpsCertificateFetcher against a loopback server', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/cert.pem') res.writeHead(200, { 'content-type': 'text/plain' }).end('PEM TEXT');
      else if (req.url === '/moved.pem') res.writeHead(302, { location: '/cert.pem' }).end();
      else res.writeHead(404).end('no');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('returns the body of a 2xx', async () => {
    await expect(httpsCertificateFetcher()(`${base}/cert.pem`)).resolves.toBe('PEM TEXT');
  });

  it('a non-2xx is a CertificateHttpError with its status', async () => {
    const e = await httpsCertificateFetcher()(`${base}/gone.pem`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CertificateHttpError);
    expect((e as CertificateHttpError).status).toBe(404);
    expect((e as Error).message).toBe(`GET ${base}/gone.pem answered 404`);
  });

  it('a redirect is refused, not followed', async () => {
    const e = await httpsCertificateFetcher()(`${base}/moved.pem`).catch((x: unknown) => x);
    // fetch's own TypeError (from another realm under Jest), caused by the redirect: never the body behind it.
    expect((e as Error).name).toBe('TypeError');
    expect(String((e as Error & { cause?: Error }).cause?.message)).toMatch(/redirect/);
  });
});
