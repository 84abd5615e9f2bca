import type { Command } from 'commander';
import { ValidationError } from '@autoscaler/core';
import type { SampleModelServer } from '@autoscaler/sandbox-kubernetes';
import { type CliIO, processIO } from '../io';

/** Loaded when the command runs, like the other Kubernetes tools. */
const fakes = (): Promise<typeof import('@autoscaler/sandbox-kubernetes')> => import('@autoscaler/sandbox-kubernetes');

export interface ModelServerFlags {
  port?: string;
  serviceMs?: string;
  workers?: string;
  failEvery?: string;
  json?: boolean;
}

function whole(raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw ValidationError.field(flag, `"${raw}" is not a whole number from ${min} to ${max}`);
  return n;
}

/**
 * `autoscaler model-server`: the sample model server the recipe tests use (a worker pool with a
 * fixed inference time and a queue, so latency grows with load), on 127.0.0.1, for local load tests.
 */
export async function startModelServer(flags: ModelServerFlags, io: CliIO): Promise<SampleModelServer> {
  const port = whole(flags.port, '--port', 0, 65535);
  const serviceMs = whole(flags.serviceMs, '--service-ms', 0, 60_000);
  const workers = whole(flags.workers, '--workers', 1, 1024);
  const failEvery = whole(flags.failEvery, '--fail-every', 0, 1_000_000);
  const { startSampleModelServer } = await fakes();
  let server: SampleModelServer;
  try {
    server = await startSampleModelServer({
      ...(port !== undefined ? { port } : {}),
      ...(serviceMs !== undefined ? { serviceMs } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(failEvery !== undefined ? { failEvery } : {}),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw ValidationError.field('--port', code === 'EADDRINUSE' ? `${port} is in use` : (e as Error).message);
  }
  const info = { url: `${server.url}/predict`, health: `${server.url}/healthz`, serviceMs: serviceMs ?? 10, workers: workers ?? 4 };
  if (flags.json) io.out(JSON.stringify(info));
  else
    io.out(
      `model server on ${info.url} (${info.workers} workers, ${info.serviceMs} ms per inference); try: autoscaler loadtest --url ${info.url} --concurrency 8 --duration 10s; Ctrl-C stops it`,
    );
  return server;
}

export function registerModelServerCommand(program: Command, io: CliIO = processIO): void {
  program
    .command('model-server')
    .description(
      'Run a tiny model server on 127.0.0.1 for local load tests: a pool of workers, each inference takes --service-ms, extra requests queue (latency grows with load); POST any path predicts, /healthz answers ok',
    )
    .option('--port <n>', 'port (default: a free one)')
    .option('--service-ms <ms>', 'time one inference takes (default 10)')
    .option('--workers <n>', 'requests served at once (default 4)')
    .option('--fail-every <n>', 'every n-th request fails with 500 (default never)')
    .option('--json', 'print the URL as JSON')
    .action(async (o: ModelServerFlags) => {
      const server = await startModelServer(o, io);
      await new Promise<void>((done) => {
        const stop = (): void => void server.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
