import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadtest } from '../src/commands/loadtest';
import { startModelServer } from '../src/commands/model-server';
import type { CliIO } from '../src/io';

/** `autoscaler model-server`: the sample model server, loaded by `autoscaler loadtest`. */
jest.setTimeout(30_000);

const dir = mkdtempSync(join(tmpdir(), 'cli-model-server-'));
const capture = (): CliIO & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, isTTY: false, out: (t) => void lines.push(t), err: (t) => void lines.push(t) };
};

describe('model-server', () => {
  it('serves predictions that loadtest measures, slower than its inference time', async () => {
    const io = capture();
    const server = await startModelServer({ serviceMs: '20', workers: '2', json: true }, io);
    try {
      const { url } = JSON.parse(io.lines[0]!) as { url: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/predict$/);
      const r = await runLoadtest({ url, concurrency: '4', duration: '1s', stageSeconds: '1', body: '{"x":1}', out: join(dir, 'load.csv') }, capture());
      const stage = r.stages[0]!;
      expect(stage.availabilityPct).toBe(100);
      // 2 workers x 20 ms: at most ~100 answers a second, and 4 connections queue behind them.
      expect(stage.transactionRate).toBeLessThanOrEqual(110);
      expect(stage.meanResponseMs).toBeGreaterThanOrEqual(20);
      expect(server.stats().requests).toBeGreaterThanOrEqual(stage.transactions);
    } finally {
      await server.close();
    }
  });

  it('listens on the port asked for, and says so when it is taken', async () => {
    const first = await startModelServer({}, capture());
    const port = new URL(first.url).port;
    try {
      await expect(startModelServer({ port }, capture())).rejects.toThrow(`invalid --port: ${port} is in use`);
    } finally {
      await first.close();
    }
  });

  it.each([
    [{ port: '70000' }, '--port'],
    [{ serviceMs: '-1' }, '--service-ms'],
    [{ workers: '0' }, '--workers'],
    [{ failEvery: 'often' }, '--fail-every'],
  ])('%j is refused naming the flag', async (flags, flag) => {
    await expect(startModelServer(flags, capture())).rejects.toThrow(flag);
  });
});
