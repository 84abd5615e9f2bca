import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SampleModelServerOptions {
  /** Requests served at once; more wait in a queue (a model server's worker pool). Default 4. */
  workers?: number;
  /** Time one inference takes, in ms. Default 10. */
  serviceMs?: number;
  /** Every n-th request fails with 500 (0 = never). */
  failEvery?: number;
  /** Queue longer than this answers 503 at once. Default 10000. */
  maxQueue?: number;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
}

export interface ModelServerStats {
  requests: number;
  failures: number;
  inFlight: number;
  queued: number;
  /** Worker-milliseconds spent serving (busy time summed over workers). */
  busyMs: number;
}

export interface SampleModelServer {
  /** `http://127.0.0.1:<port>`; POST /v1/models/model:predict (any path but /healthz predicts). */
  url: string;
  stats(): ModelServerStats;
  /** Mean busy workers since the previous call: what a pod's CPU use would track. */
  busyWorkersSinceLastCall(): number;
  close(): Promise<void>;
}

/**
 * A tiny model server for load tests on loopback: a worker pool with a fixed
 * inference time, a queue in front of it (so latency grows with load, like a
 * real one), a JSON prediction body, optional failures.
 */
export async function startSampleModelServer(options: SampleModelServerOptions = {}): Promise<SampleModelServer> {
  const workers = options.workers ?? 4;
  const serviceMs = options.serviceMs ?? 10;
  const maxQueue = options.maxQueue ?? 10_000;
  const stats: ModelServerStats = { requests: 0, failures: 0, inFlight: 0, queued: 0, busyMs: 0 };
  const waiting: Array<() => void> = [];
  let lastCall = { at: Date.now(), busyMs: 0 };
  const acquire = (): Promise<void> => {
    if (stats.inFlight < workers) {
      stats.inFlight++;
      return Promise.resolve();
    }
    stats.queued++;
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) {
      stats.queued--;
      next();
    } else stats.inFlight--;
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      stats.requests++;
      const n = stats.requests;
      if (stats.queued >= maxQueue) {
        stats.failures++;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
        return;
      }
      void acquire().then(() => {
        const started = Date.now();
        setTimeout(() => {
          stats.busyMs += Date.now() - started;
          release();
          if (options.failEvery && n % options.failEvery === 0) {
            stats.failures++;
            res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"inference failed"}');
            return;
          }
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ predictions: [{ label: n % 2 === 0 ? 'cat' : 'dog', score: 0.87 }] }));
        }, serviceMs);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    busyWorkersSinceLastCall() {
      const now = Date.now();
      const busy = (stats.busyMs - lastCall.busyMs) / Math.max(1, now - lastCall.at);
      lastCall = { at: now, busyMs: stats.busyMs };
      return busy;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
