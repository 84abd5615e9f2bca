import { join } from 'node:path';
import { loadTraceFile, scaleToPeak, tracesDir } from '../trace/load-trace';
import { shippedPolicies } from '../policy/baselines';
import { renderHtmlReport } from '../report/html';
import { formatTable, toReport } from '../report/table';
import { makeScenario, cheapestSizeFor } from './scenario';
import { simulate } from './simulate';
import { reactMinutes, stepLoad } from './step-response';

const azure = loadTraceFile(join(tracesDir, 'azure_llm_code_2023_1min.csv'));

describe('simulate', () => {
  it('compares every policy against the oracle and renders a table, JSON and a self-contained HTML page', async () => {
    const s = makeScenario({ load: scaleToPeak(azure, 200), provider: 'kubernetes' });
    const result = await simulate(s, shippedPolicies('kubernetes'), { stepTest: false });
    const report = toReport(result);
    expect(report.policies.map((p) => p.name)).toEqual(result.runs.map((r) => r.name));
    for (const p of report.policies) {
      expect(p.costRatio).toBeCloseTo(p.cost / report.oracleCost, 3);
      expect(p.sloViolationRate).toBeCloseTo(p.violatingMinutes / report.minutes, 4);
      expect(Number.isFinite(p.p95Ms) && Number.isFinite(p.p99Ms)).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(formatTable(result)).toContain('oracle (instant, per-minute cheapest)');
    const html = renderHtmlReport(result);
    expect(html).toMatch(/^<!doctype html>/);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    // Self-contained: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });

  it('a reactive policy meets the objective again minutes after a 4x step; the step trace is what it says', async () => {
    const load = stepLoad(100);
    expect([load.rps[119], load.rps[120]]).toEqual([25, 100]);
    const s = makeScenario({ load: scaleToPeak(azure, 100), provider: 'kubernetes' });
    const hpa = shippedPolicies('kubernetes').find((p) => p.name === 'Kubernetes HPA default')!;
    const minutes = await reactMinutes(s, hpa);
    expect(minutes).not.toBeNull();
    expect(minutes!).toBeLessThan(30);
  });

  it('auto size picks the lowest price per SLO-safe capacity among sizes small enough for the peak', () => {
    const big = makeScenario({ load: scaleToPeak(azure, 2000), provider: 'oci' });
    const small = makeScenario({ load: scaleToPeak(azure, 20), provider: 'oci' });
    expect(cheapestSizeFor(small)).toBe('VM.Standard2.1');
    const rate = (s: typeof big, name: string): number => s.queues.get(name)!.size.hourly / s.queues.get(name)!.maxRps;
    const chosen = cheapestSizeFor(big);
    for (const q of big.queues.values()) if (q.maxRps <= 500) expect(rate(big, chosen)).toBeLessThanOrEqual(rate(big, q.size.name));
  });
});
