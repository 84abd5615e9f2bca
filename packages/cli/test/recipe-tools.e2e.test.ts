import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, ValidationError } from '@autoscaler/core';
import { parseLoadCsv, parseUsageCsv } from '@autoscaler/provider-kubernetes';
import { kubeConfigFor, startFakeKubeApi, startSampleModelServer, type FakeKubeApi, type SampleModelServer } from '@autoscaler/sandbox-kubernetes';
import { checkTargetUrl, parseSchedule, runLoadtest } from '../src/commands/loadtest';
import { runMonitor } from '../src/commands/monitor';
import { runRecipe } from '../src/commands/recipe';
import { parseDurationFlag } from '../src/commands/duration-flag';
import { captureIO, modelServerDeployment } from './support';

// Real seconds of load on a shared machine: give each test room beyond Jest's 5 s default.
jest.setTimeout(30_000);

describe('loadtest -> model server on loopback -> monitor -> recipe (real HTTP, seconds-long stages)', () => {
  let api: FakeKubeApi;
  let server: SampleModelServer;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recipe-'));
    api = await startFakeKubeApi({ seed: { deployments: [modelServerDeployment({ cpu: '0.01', memoryPerPod: '300Mi' }, { memory: '1Gi' })] } });
  });
  afterEach(async () => {
    await server.close();
    await api.close();
  });

  it('measures a recipe end to end', async () => {
    server = await startSampleModelServer({ workers: 4, serviceMs: 20 });
    // The "pods" use CPU as the model server works: each busy worker is 250m.
    const bridge = setInterval(() => api.setLoad('ml/deployment/model-server', { cpuCores: 0.01 + server.busyWorkersSinceLastCall() * 0.25 }), 100);
    const schedule = join(dir, 'schedule.csv');
    writeFileSync(schedule, '# concurrency and pacing per stage\nconcurrency,pause_ms,stages\n1,0,1\n4,0,1\n12,0,1\n');
    try {
      const [load, usage] = await Promise.all([
        runLoadtest(
          { url: `${server.url}/v1/models/model:predict`, schedule, stageSeconds: '1', body: '{"instances":[[1,2,3]]}', out: join(dir, 'load.csv') },
          captureIO(),
        ),
        runMonitor(
          { namespace: 'ml', selector: 'app=model-server', interval: '200ms', duration: '3.2s', out: join(dir, 'usage.csv') },
          { io: captureIO(), kubeConfig: kubeConfigFor(api) },
        ),
      ]);
      expect(load.stages).toHaveLength(3);
      expect(usage.samples).toBe(17);
    } finally {
      clearInterval(bridge);
    }

    const stages = parseLoadCsv(readFileSync(join(dir, 'load.csv'), 'utf8'));
    expect(stages.map((s) => s.minute)).toEqual([0, 1, 2]);
    const [one, four, twelve] = stages as [(typeof stages)[0], (typeof stages)[0], (typeof stages)[0]];
    // One connection: ~1 request per 20 ms (50/s idle; 13/s seen at load average 20, so the floor is
    // only "it flowed"); four fill the four workers; twelve queue behind them.
    expect(one.transactionRate).toBeGreaterThan(5);
    // (4x in theory; 1.8x leaves room for a machine so loaded that the client itself is the bottleneck)
    expect(four.transactionRate).toBeGreaterThan(one.transactionRate * 1.8);
    expect(twelve.p95ResponseMs).toBeGreaterThan(four.p95ResponseMs * 1.8);
    expect(stages.every((s) => s.availabilityPct === 100 && s.failures === 0)).toBe(true);
    expect(twelve.concurrency).toBeGreaterThan(8);
    // Every counted transaction reached the server; at most one request per connection was still in flight when a stage stopped.
    const inFlightAtStageEnds = server.stats().requests - stages.reduce((a, s) => a + s.transactions, 0);
    expect(inFlightAtStageEnds).toBeGreaterThanOrEqual(0);
    expect(inFlightAtStageEnds).toBeLessThanOrEqual(1 + 4 + 12);

    const rows = parseUsageCsv(readFileSync(join(dir, 'usage.csv'), 'utf8'));
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(
      rows.every(
        (r) => r.containers === 2 && r.cpuRequestedCores === 1 && r.memoryRequestedMiB === 1024 && r.memoryLimitMiB === 2048 && r.cpuLimitCores === undefined,
      ),
    ).toBe(true);
    const peak = Math.max(...rows.map((r) => r.cpuUsedCores ?? 0));
    expect(peak).toBeGreaterThan(0.5);
    // Four workers at 250m each (+ idle), give or take the bridge's 100 ms sampling jitter.
    expect(peak).toBeLessThanOrEqual(1.3);

    const io = captureIO();
    const { recipe, html } = await runRecipe(
      { usage: join(dir, 'usage.csv'), load: join(dir, 'load.csv'), out: join(dir, 'recipe.html'), json: true, minReplicas: '2' },
      io,
    );
    expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({ hpa: { targetCPUUtilizationPercentage: 70 } });
    expect(recipe.hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(recipe.hpa.maxReplicas).toBeGreaterThanOrEqual(recipe.hpa.minReplicas);
    expect(recipe.evidence.coresPerTransactionPerSecond).toBeGreaterThan(0);
    // 300Mi per pod (one container), rounded up to 16Mi.
    expect(recipe.requests.memory).toBe('304Mi');
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg [\s\S]*<\/html>\n$/);
  });

  it('counts failures and availability per stage', async () => {
    server = await startSampleModelServer({ workers: 2, serviceMs: 5, failEvery: 10 });
    const r = await runLoadtest({ url: server.url, concurrency: '2', duration: '1s', stageSeconds: '1', out: join(dir, 'load.csv') }, captureIO());
    const [s] = r.stages;
    expect(s!.failures).toBe(server.stats().failures);
    expect(s!.failures).toBeGreaterThan(0);
    expect(s!.availabilityPct).toBeCloseTo((s!.transactions / (s!.transactions + s!.failures)) * 100, 6);
    expect(s!.availabilityPct).toBeLessThan(100);
  });

  it('monitor samples on the injected clock and leaves the used columns empty when metrics are missing', async () => {
    server = await startSampleModelServer();
    api.hideMetrics('ml/deployment/model-server');
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const done = runMonitor(
      { namespace: 'ml', selector: 'app=model-server', interval: '5s', duration: '20s', out: join(dir, 'usage.csv') },
      { io: captureIO(), kubeConfig: kubeConfigFor(api), clock },
    );
    for (let i = 0; i < 4; i++) {
      while (clock.pending === 0) await new Promise((r) => setImmediate(r));
      clock.advance(5000);
    }
    expect((await done).samples).toBe(5);
    const rows = parseUsageCsv(readFileSync(join(dir, 'usage.csv'), 'utf8'));
    expect(rows.map((r) => r.seconds)).toEqual([0, 5, 10, 15, 20]);
    expect(rows.every((r) => r.cpuUsedCores === undefined && r.memoryUsedMiB === undefined && r.containers === 2)).toBe(true);
  });

  it('refuses what it must: non-loopback URLs without --allow-remote, bad schedules, bad durations, bad selectors', async () => {
    server = await startSampleModelServer();
    expect(() => checkTargetUrl('https://api.example.com/predict', false)).toThrow('--allow-remote');
    expect(checkTargetUrl('https://api.example.com/predict', true).host).toBe('api.example.com');
    for (const ok of ['http://127.0.0.1:8080/', 'http://localhost/x', 'http://[::1]:9/']) expect(() => checkTargetUrl(ok, false)).not.toThrow();
    expect(() => checkTargetUrl('ftp://127.0.0.1/', false)).toThrow(ValidationError);
    expect(() => parseSchedule('concurrency,pause_ms\n0,10\n', 's.csv')).toThrow('s.csv line 2 column concurrency');
    expect(() => parseSchedule('pause_ms\n10\n', 's.csv')).toThrow('s.csv header');
    expect(parseSchedule('concurrency,pause_ms,stages\n2,100,3\n5,,\n', 's.csv')).toEqual([
      { concurrency: 2, pauseMs: 100 },
      { concurrency: 2, pauseMs: 100 },
      { concurrency: 2, pauseMs: 100 },
      { concurrency: 5, pauseMs: 0 },
    ]);
    expect([
      parseDurationFlag('250ms', '--interval'),
      parseDurationFlag('5s', '--interval'),
      parseDurationFlag('30m', '--duration'),
      parseDurationFlag('2', '--x'),
    ]).toEqual([250, 5000, 1_800_000, 2000]);
    expect(() => parseDurationFlag('soon', '--interval')).toThrow('--interval');
    await expect(runLoadtest({ url: server.url, concurrency: '2', duration: '5h', out: join(dir, 'x.csv') }, captureIO())).rejects.toThrow('--duration');
    await expect(
      runMonitor({ namespace: 'ml', selector: 'app in (x', out: join(dir, 'u.csv') }, { io: captureIO(), kubeConfig: kubeConfigFor(api) }),
    ).rejects.toThrow('--selector');
  });
});
