import { request as httpRequest } from 'node:http';
import { ManualClock } from '@autoscaler/core';
import { HttpError, startFakeServer, type FakeServer } from '../src';

/** One request over a fresh connection; `dropped` when the server destroyed the socket. */
function send(
  url: string,
  init: { method?: string; path?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> } | 'dropped'> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${init.path ?? '/'}`, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.message === 'socket hang up' ? resolve('dropped') : reject(e)));
    req.end(init.body);
  });
}

describe('startFakeServer', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('listens on 127.0.0.1 at a random port and hands the handler the read body, path and query', async () => {
    server = await startFakeServer((req) => ({
      status: 201,
      body: { method: req.method, path: req.path, q: req.query.get('limit'), sig: req.header('Authorization'), got: req.json() },
    }));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    const res = await send(server.url, {
      method: 'PUT',
      path: '/20190101/modelDeployments/x?limit=5',
      body: '{"a":1}',
      headers: { authorization: 'Signature keyId="k"', 'content-type': 'application/json' },
    });
    expect(res).toMatchObject({ status: 201, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse((res as { body: string }).body)).toEqual({
      method: 'PUT',
      path: '/20190101/modelDeployments/x',
      q: '5',
      sig: 'Signature keyId="k"',
      got: { a: 1 },
    });
    expect(server.log.entries).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/20190101/modelDeployments/x',
        url: '/20190101/modelDeployments/x?limit=5',
        body: '{"a":1}',
        status: 201,
        faulted: false,
      }),
    ]);
  });

  it('answers a thrown HttpError in the cloud error shape, a malformed JSON body with 400, and a bug in the fake with 500', async () => {
    server = await startFakeServer((req) => {
      if (req.path === '/auth') throw new HttpError(401, { code: 'NotAuthenticated', message: 'bad signature' }, { 'opc-request-id': 'r1' });
      if (req.path === '/json') return { body: req.json() };
      throw new TypeError('fake bug');
    });
    const auth = await send(server.url, { path: '/auth' });
    expect(auth).toMatchObject({ status: 401, headers: { 'opc-request-id': 'r1' } });
    expect(JSON.parse((auth as { body: string }).body)).toEqual({ code: 'NotAuthenticated', message: 'bad signature' });
    expect(await send(server.url, { method: 'POST', path: '/json', body: '{nope' })).toMatchObject({ status: 400 });
    expect(await send(server.url, { path: '/bug' })).toMatchObject({ status: 500 });
    expect(server.errors).toEqual([expect.any(TypeError)]);
  });

  it('lets a handler write the response itself, and sends 204 when it writes nothing', async () => {
    server = await startFakeServer((req, res) => {
      if (req.path === '/raw') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('raw');
      }
    });
    expect(await send(server.url, { path: '/raw' })).toMatchObject({ status: 200, body: 'raw' });
    expect(await send(server.url, { path: '/nothing' })).toMatchObject({ status: 204, body: '' });
  });

  it('serves queued faults first-in first-out, only to matching requests, then the handler again', async () => {
    server = await startFakeServer(() => ({ body: { ok: true } }));
    server.faults
      .next({ status: 429, body: { code: 'TooManyRequests' }, headers: { 'retry-after': '1' }, match: (r) => r.method === 'PUT', times: 2 })
      .next({ status: 503 });
    expect(server.faults.pending).toBe(3);
    expect(await send(server.url, { method: 'PUT' })).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    expect(await send(server.url)).toMatchObject({ status: 503 });
    expect(await send(server.url)).toMatchObject({ status: 200 });
    expect(await send(server.url, { method: 'PUT' })).toMatchObject({ status: 429 });
    expect(await send(server.url, { method: 'PUT' })).toMatchObject({ status: 200 });
    expect(server.faults.pending).toBe(0);
    expect(server.log.entries.map((e) => [e.method, e.status, e.faulted])).toEqual([
      ['PUT', 429, true],
      ['GET', 503, true],
      ['GET', 200, false],
      ['PUT', 429, true],
      ['PUT', 200, false],
    ]);
    expect(server.log.count('PUT')).toBe(3);
    expect(() => server!.faults.next({ status: 500, times: 0 })).toThrow(RangeError);
  });

  it('drops the connection without an answer', async () => {
    server = await startFakeServer(() => ({ body: {} }));
    server.faults.next({ drop: true });
    expect(await send(server.url)).toBe('dropped');
    expect(await send(server.url)).toMatchObject({ status: 200 });
    expect(server.log.entries[0]).toMatchObject({ faulted: true });
    expect(server.log.entries[0]!.status).toBeUndefined();
  });

  it('delays on the injected clock, so latency tests never sleep for real', async () => {
    const clock = new ManualClock();
    server = await startFakeServer(() => ({ body: { served: true } }), { clock });
    server.faults.next({ delayMs: 60_000 });
    let done = false;
    const pending = send(server.url).then((r) => {
      done = true;
      return r;
    });
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    clock.advance(60_000);
    expect(await pending).toMatchObject({ status: 200, body: '{"served":true}' });
    // A delay alone slows the request but still lets the handler serve it.
    expect(server.log.entries[0]).toMatchObject({ status: 200, faulted: false });
  });

  it('closes promptly even with keep-alive connections open', async () => {
    server = await startFakeServer(() => ({ body: {} }));
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    await new Promise<void>((resolve) => httpRequest(server!.url, { agent }, (res) => res.resume().on('end', () => resolve())).end());
    const url = server.url;
    await server.close();
    server = undefined;
    agent.destroy();
    await expect(send(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("answers bugs and bare injected faults in the API's own error shape, and keeps a bounded log", async () => {
    server = await startFakeServer(
      (req) => {
        if (req.path === '/bug') throw new Error('boom');
        return { body: { ok: true } };
      },
      { maxLogEntries: 2, bugBody: (message) => ({ kind: 'Status', message }), faultBody: (status) => ({ reason: `injected-${status}` }) },
    );
    expect(await send(server.url, { path: '/bug' })).toMatchObject({ status: 500, body: JSON.stringify({ kind: 'Status', message: 'boom' }) });
    server.faults.next({ status: 503 });
    expect(await send(server.url)).toMatchObject({ status: 503, body: JSON.stringify({ reason: 'injected-503' }) });
    for (let i = 0; i < 3; i++) await send(server.url, { path: `/n${i}` });
    expect(server.log.entries.map((e) => e.path)).toEqual(['/n1', '/n2']);
  });
});
