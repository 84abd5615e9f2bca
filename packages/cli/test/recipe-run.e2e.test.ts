import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLoadCsv, parseQuantity, parseUsageCsv, type Recipe } from '@autoscaler/provider-kubernetes';
import { kubeConfigFor, startFakeKubeApi, startSampleModelServer, type FakeKubeApi, type SampleModelServer } from '@autoscaler/sandbox-kubernetes';
import { capToCluster, clusterFit, runRecipeRun, type NodeLike } from '../src/commands/recipe';
import { captureIO, modelServerDeployment } from './support';

/** `recipe run`: load and monitor together, then the recipe capped at the cluster's allocatable resources. */
jest.setTimeout(30_000);

const dir = mkdtempSync(join(tmpdir(), 'cli-recipe-run-'));

const node = (name: string, allocatable: Record<string, string>, unschedulable = false): NodeLike => ({
  metadata: { name },
  spec: { unschedulable },
  status: { allocatable },
});

describe("clusterFit: replicas that fit in the nodes' allocatable resources", () => {
  it('per node the least of cpu, memory and pods; cordoned nodes do not count', () => {
    const fit = clusterFit(
      [
        node('a', { cpu: '3900m', memory: '16Gi', pods: '110' }),
        node('b', { cpu: '64', memory: '2Gi', pods: '110' }),
        node('c', { cpu: '64', memory: '256Gi', pods: '3' }),
        node('d', { cpu: '64', memory: '256Gi', pods: '110' }, true),
      ],
      { cpu: '500m', memory: '512Mi' },
      parseQuantity,
    );
    expect(fit.perNode).toEqual([
      { node: 'a', replicas: 7, limitedBy: 'cpu' },
      { node: 'b', replicas: 4, limitedBy: 'memory' },
      { node: 'c', replicas: 3, limitedBy: 'pods' },
    ]);
    expect(fit).toMatchObject({ nodes: 3, replicas: 14 });
  });

  const recipe = (min: number, max: number): Recipe => ({
    requests: { cpu: '500m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    hpa: { minReplicas: min, maxReplicas: max, targetCPUUtilizationPercentage: 70 },
    evidence: {} as Recipe['evidence'],
    notes: [],
  });

  it('caps maxReplicas and says so; leaves it when it fits; says when even min does not fit', () => {
    const fit = clusterFit([node('a', { cpu: '2', memory: '8Gi', pods: '110' })], { cpu: '500m', memory: '512Mi' }, parseQuantity);
    const capped = capToCluster(recipe(2, 10), fit);
    expect(capped.hpa.maxReplicas).toBe(4);
    expect(capped.notes[0]).toMatch(
      /^maxReplicas capped at 4 \(was 10\): the cluster's allocatable resources fit 4 replicas of 500m CPU \/ 512Mi on 1 schedulable node\(s\) \(a: 4 \(by cpu\)\)/,
    );
    expect(capToCluster(recipe(2, 3), fit).hpa.maxReplicas).toBe(3);
    const tooSmall = capToCluster(recipe(6, 10), fit);
    expect(tooSmall.hpa.maxReplicas).toBe(6);
    expect(tooSmall.notes.join(' ')).toContain('even minReplicas 6 does not fit');
  });
});

describe('recipe run', () => {
  let api: FakeKubeApi;
  let server: SampleModelServer;
  beforeEach(async () => {
    api = await startFakeKubeApi({ seed: { deployments: [modelServerDeployment({ cpu: '0.2' })] } });
    server = await startSampleModelServer({ workers: 4, serviceMs: 10 });
  });
  afterEach(async () => {
    await server.close();
    await api.close();
  });

  it('loads, samples and writes the CSVs and the HTML; maxReplicas capped at what the fake node can schedule', async () => {
    const bridge = setInterval(() => api.setLoad('ml/deployment/model-server', { cpuCores: 0.02 + server.busyWorkersSinceLastCall() * 0.5 }), 100);
    const schedule = join(dir, 'schedule.csv');
    writeFileSync(schedule, 'concurrency,pause_ms,stages\n1,0,1\n6,0,1\n');
    const out = join(dir, 'run');
    const io = captureIO();
    let r;
    try {
      r = await runRecipeRun(
        {
          url: `${server.url}/predict`,
          schedule,
          stageSeconds: '1',
          namespace: 'ml',
          selector: 'app=model-server',
          interval: '200ms',
          peakRate: '1000000',
          workload: 'ml/deployment/model-server',
          outDir: out,
        },
        io,
        { kubeConfig: kubeConfigFor(api) },
      );
    } finally {
      clearInterval(bridge);
    }
    for (const f of ['usage.csv', 'load.csv', 'recipe.html']) expect(existsSync(join(out, f))).toBe(true);
    expect(parseLoadCsv(readFileSync(join(out, 'load.csv'), 'utf8'))).toHaveLength(2);
    // The monitor ran through both stages (2 s at 200 ms) and stopped when the load ended.
    const samples = parseUsageCsv(readFileSync(join(out, 'usage.csv'), 'utf8'));
    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(samples.length).toBeLessThan(30);
    // The fake's one node: 16 CPU, ~62.7 GiB, 110 pods.
    const expected = clusterFit([{ status: { allocatable: { cpu: '16', memory: '65740656Ki', pods: '110' } } }], r.recipe.requests, parseQuantity).replicas;
    expect(r.fit).toMatchObject({ nodes: 1, replicas: expected });
    expect(r.recipe.hpa.maxReplicas).toBe(Math.max(expected, r.recipe.hpa.minReplicas));
    expect(r.recipe.notes.join('\n')).toMatch(new RegExp(`maxReplicas capped at ${r.recipe.hpa.maxReplicas} \\(was \\d+\\)`));
    expect(io.stdout.join('\n')).toContain(`maxReplicas: ${r.recipe.hpa.maxReplicas}`);
    expect(io.stderr.join('\n')).toContain('note: maxReplicas capped at');
    // The chart's time axes are numbered: round ticks under the x axis.
    const html = readFileSync(join(out, 'recipe.html'), 'utf8');
    const cpuChart = html.slice(html.indexOf('CPU per container'), html.indexOf('</svg>', html.indexOf('CPU per container')));
    const xTicks = [
      ...cpuChart.matchAll(
        /<line x1="[\d.]+" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" stroke="#888"\/><text x="[\d.]+" y="[\d.]+" text-anchor="middle">([\d.]+)<\/text>/g,
      ),
    ].map((m) => Number(m[1]));
    expect(xTicks.length).toBeGreaterThanOrEqual(3);
    expect(xTicks[0]).toBe(0);
    const step = xTicks[1]! - xTicks[0]!;
    expect(xTicks.every((t, i) => Math.abs(t - i * step) < 1e-9)).toBe(true);
  });

  it('a selector with no pod fails before any load is sent', async () => {
    const before = server.stats().requests;
    await expect(
      runRecipeRun(
        {
          url: `${server.url}/predict`,
          concurrency: '2',
          duration: '5s',
          namespace: 'ml',
          selector: 'app=nothing',
          interval: '100ms',
          outDir: join(dir, 'none'),
        },
        captureIO(),
        { kubeConfig: kubeConfigFor(api) },
      ),
    ).rejects.toThrow('--selector');
    expect(server.stats().requests).toBe(before);
  });
});
