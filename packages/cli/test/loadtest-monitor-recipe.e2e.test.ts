import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { kubeConfigFor, startFakeKubeApi, startSampleModelServer, type FakeKubeApi, type SampleModelServer } from '@autoscaler/sandbox-kubernetes';
import { runLoadtest } from '../src/commands/loadtest';
import { runMonitor } from '../src/commands/monitor';
import { recipeYaml } from '../src/commands/recipe';
import { captureIO, modelServerDeployment } from './support';

const dir = mkdtempSync(join(tmpdir(), 'cli-loadtest-'));
// Real seconds of load on a shared machine: give each test room beyond Jest's 5 s default.
jest.setTimeout(30_000);

describe('loadtest: the duration asked for, and a closed port says so at once', () => {
  /** The model server a run loads: 2 workers, 5 ms an inference. */
  const startServer = (): Promise<SampleModelServer> => startSampleModelServer({ workers: 2, serviceMs: 5 });
  let server: SampleModelServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  it('--duration shorter than a stage runs that long (one short stage), not a whole minute', async () => {
    const started = Date.now();
    const r = await runLoadtest({ url: server.url, concurrency: '2', duration: '1.5s', out: join(dir, 'short.csv') }, captureIO());
    const took = (Date.now() - started) / 1000;
    expect(r.stages).toHaveLength(1);
    expect(r.stages[0]!.durationSeconds).toBeGreaterThan(1.2);
    expect(r.stages[0]!.durationSeconds).toBeLessThan(4);
    expect(took).toBeLessThan(20);
  });

  it('--duration 2.5s with 1 s stages: two whole stages and a half one', async () => {
    const r = await runLoadtest({ url: server.url, concurrency: '1', duration: '2.5s', stageSeconds: '1', out: join(dir, 'split.csv') }, captureIO());
    const [a, b, c] = r.stages.map((s) => s.durationSeconds);
    expect(r.stages).toHaveLength(3);
    expect(Math.min(a!, b!)).toBeGreaterThanOrEqual(0.95);
    expect(c).toBeGreaterThanOrEqual(0.45);
    expect(c).toBeLessThan(Math.min(a!, b!));
  });

  it('a port with nothing listening fails in well under a second with "connection refused"', async () => {
    // A loopback port with nothing listening: bound, then closed.
    const gone = await startServer();
    await gone.close();
    const started = Date.now();
    await expect(runLoadtest({ url: `${gone.url}/predict`, concurrency: '2', duration: '60s', out: join(dir, 'refused.csv') }, captureIO())).rejects.toThrow(
      /--url.*connection refused/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a server that goes away mid-run stops the run with "connection refused"', async () => {
    const going = await startServer();
    setTimeout(() => void going.close(), 300);
    const started = Date.now();
    await expect(
      runLoadtest({ url: going.url, concurrency: '2', duration: '30s', stageSeconds: '30', out: join(dir, 'gone.csv') }, captureIO()),
    ).rejects.toThrow('connection refused');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('monitor: a selector that matches no pod', () => {
  let api: FakeKubeApi;
  beforeEach(async () => {
    api = await startFakeKubeApi({ seed: { deployments: [modelServerDeployment({ cpu: '0.1' })] } });
  });
  afterEach(async () => {
    await api.close();
  });

  it('fails at the first sample, naming --selector, instead of writing rows of "0 containers"', async () => {
    await expect(
      runMonitor(
        { namespace: 'ml', selector: 'app=nothing-here', interval: '100ms', duration: '10s', out: join(dir, 'none.csv') },
        { io: captureIO(), kubeConfig: kubeConfigFor(api) },
      ),
    ).rejects.toThrow('invalid --selector: no running pod in namespace "ml" matches "app=nothing-here"');
  });
});

describe('recipe: an HPA kubectl accepts', () => {
  it('the printed HPA names itself and its scale target', () => {
    const recipe = {
      requests: { cpu: '450m', memory: '416Mi' },
      limits: { cpu: '900m', memory: '576Mi' },
      hpa: { minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
    };
    const docs = recipeYaml(recipe, { namespace: 'ml', kind: 'statefulset', name: 'ranker' })
      .split(/^---$/m)
      .map((d) => parseYaml(d) as Record<string, unknown>);
    expect(docs[1]).toMatchObject({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'ranker', namespace: 'ml' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ranker' },
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  });
});
