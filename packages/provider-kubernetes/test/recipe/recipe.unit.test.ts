import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { formatLoadRow, formatUsageRow, loadHeader, parseLoadCsv, parseUsageCsv, usageHeader, type LoadRow, type UsageRow } from '../../src/recipe/csv';
import { recommendRecipe } from '../../src/recipe/recommend';
import { recipeHtml } from '../../src/recipe/report-html';

/**
 * Stages of 10 s at `rates` tx/s (p95 latency `p95s`) on 2 containers, 5 usage samples a stage (every 2 s) using `cpu(rate, sample)` cores
 * and ~800 MiB each. The default: 10, 20 and 40 tx/s with CPU = 0.1 + 0.02 x rate cores.
 */
function run({
  rates = [10, 20, 40],
  cpu = (rate) => 0.1 + 0.02 * rate,
  p95s = rates.map(() => 20),
}: { rates?: number[]; cpu?: (rate: number, sample: number) => number; p95s?: number[] } = {}): { usage: UsageRow[]; load: LoadRow[] } {
  const load: LoadRow[] = rates.map((rate, i) => ({
    minute: i,
    startSeconds: i * 10,
    durationSeconds: 10,
    transactions: rate * 10,
    availabilityPct: 100,
    meanResponseMs: p95s[i]! / 2,
    p95ResponseMs: p95s[i]!,
    transactionRate: rate,
    throughputKBps: rate,
    concurrency: 1,
    failures: 0,
  }));
  const usage: UsageRow[] = [];
  rates.forEach((rate, i) => {
    for (let k = 0; k < 5; k++) {
      const seconds = i * 10 + k * 2;
      usage.push({
        seconds,
        containers: 2,
        cpuRequestedCores: 1,
        memoryRequestedMiB: 1024,
        cpuUsedCores: cpu(rate, k),
        memoryUsedMiB: seconds === 24 ? 900 : 800,
      });
    }
  });
  return { usage, load };
}

describe('recommendRecipe', () => {
  it('derives requests/limits from usage percentiles and replicas from the CPU-per-transaction fit', () => {
    const { usage, load } = run();
    const r = recommendRecipe(usage, load, { targetUtilization: 70 });
    // p90 of per-container CPU (0.15, 0.25, 0.45 x5 each) = 0.45 -> 450m; limit 2x.
    expect(r.requests).toEqual({ cpu: '450m', memory: '416Mi' });
    expect(r.limits).toEqual({ cpu: '900m', memory: '576Mi' });
    expect(r.evidence.coresPerTransactionPerSecond).toBeCloseTo(0.02, 9);
    expect(r.evidence.idleCores).toBeCloseTo(0.1, 9);
    expect(r.evidence.fitR2).toBeCloseTo(1, 9);
    // 0.45 x 0.7 / 0.02 = 15.75 tx/s per replica; peak 40 x 1.25 -> 4; lowest 10 -> 1.
    expect(r.evidence.ratePerReplica).toBeCloseTo(15.75, 9);
    expect(r.hpa).toEqual({ minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 70 });
  });

  it('caps the per-replica capacity where p95 broke the latency SLO', () => {
    const { usage, load } = run({ p95s: [20, 60, 90] });
    const r = recommendRecipe(usage, load, { latencySloMs: 50, minReplicasFloor: 2 });
    // Stage 1 broke it at 20 tx/s on 2 containers: 10/s each, 9 with a 10% margin.
    expect(r.evidence.latencyLimitedRatePerReplica).toBeCloseTo(9, 9);
    expect(r.hpa).toEqual({ minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 });
    expect(r.notes.join('\n')).toContain('broke the 50 ms p95 SLO');
  });

  it('a flat CPU over four load levels gets r² 0, and the note says CPU did not rise (not "fewer than two levels")', () => {
    const { usage, load } = run({ rates: [5, 10, 20, 40], cpu: () => 0.3 });
    const r = recommendRecipe(usage, load);
    expect(r.evidence.fitR2).toBe(0);
    const notes = r.notes.join('\n');
    expect(notes).toContain('CPU did not rise with the transaction rate over 4 load levels');
    expect(notes).not.toContain('fewer than two distinct load levels');
  });

  it('r² is judged on every sample: two stages of scattered samples do not fit perfectly', () => {
    const { usage, load } = run({ rates: [10, 40], cpu: (rate, k) => 0.1 + 0.02 * rate + (k % 2 === 0 ? 0.2 : -0.2) });
    const r = recommendRecipe(usage, load);
    expect(r.evidence.fitR2).toBeGreaterThan(0);
    expect(r.evidence.fitR2).toBeLessThan(0.9);
    expect(r.evidence.coresPerTransactionPerSecond).toBeCloseTo(0.02, 2);
  });

  it('one load level has no fit: "fewer than two distinct load levels"', () => {
    const { usage, load } = run({ rates: [20, 20], cpu: (rate) => 0.02 * rate });
    const one = recommendRecipe(usage, load);
    expect(one.evidence.fitR2).toBeUndefined();
    expect(one.notes.join('\n')).toContain('fewer than two distinct load levels');
  });

  it('refuses inputs it cannot use, naming the flag', () => {
    const { usage, load } = run();
    expect(() =>
      recommendRecipe(
        usage.map((u) => ({ ...u, cpuUsedCores: undefined })),
        load,
      ),
    ).toThrow(ValidationError);
    expect(() =>
      recommendRecipe(
        usage,
        load.map((l) => ({ ...l, transactions: 0 })),
      ),
    ).toThrow('--load');
    expect(() => recommendRecipe(usage, load, { offsetSeconds: 1000 })).toThrow('no load stage overlaps');
    expect(() => recommendRecipe(usage, load, { targetUtilization: 0 })).toThrow('--target');
  });

  it('renders a self-contained HTML page with inline SVG charts (no script, no external URL)', () => {
    const { usage, load } = run();
    const html = recipeHtml(recommendRecipe(usage, load), usage, load);
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|src=|href=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('450m / 900m');
  });

  it('CSV rows round-trip, and a bad cell is named by line and column', () => {
    const { usage, load } = run();
    const uText = [usageHeader(), ...usage.map(formatUsageRow)].join('\n');
    expect(parseUsageCsv(uText)).toEqual(usage.map((u) => ({ ...u, cpuUsedCores: Math.round(u.cpuUsedCores! * 1e4) / 1e4 })));
    const lText = [loadHeader(), ...load.map(formatLoadRow)].join('\n');
    expect(parseLoadCsv(lText)).toEqual(load);
    expect(() => parseLoadCsv(lText.replace(/\n1,10,/, '\n1,ten,'), 'load.csv')).toThrow('load.csv line 3 column start_s');
    expect(() => parseUsageCsv('seconds,containers\n1,2')).toThrow('missing column(s)');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        for (const parse of [parseUsageCsv, parseLoadCsv]) {
          try {
            parse(`${usageHeader()}\n${text}`);
          } catch (e) {
            if (!(e instanceof ValidationError)) throw e;
          }
        }
      }),
    );
  });
});
