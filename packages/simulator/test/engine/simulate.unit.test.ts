import { join } from 'node:path';
import { loadTraceFile, scaleToPeak, tracesDir } from '../../src/trace/load-trace';
import { shippedPolicies } from '../../src/policy/baselines';
import { niceTicks, renderHtmlReport, winnerOf, winnerSentence } from '../../src/report/html';
import { formatTable, toReport } from '../../src/report/table';
import { makeScenario, cheapestSizeFor } from '../../src/engine/scenario';
import { simulate } from '../../src/engine/simulate';
import { reactMinutes, stepLoad } from '../../src/engine/step-response';

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
    // Scatter, load, latency, cost, and one small capacity chart per policy (57 minutes: no day to zoom into).
    expect((html.match(/<svg /g) ?? []).length).toBe(4 + result.runs.length);
    // Self-contained: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });

  it('the report names the winner in a sentence, marks its row, plots cost against violations, and draws the objective above the data on round ticks', async () => {
    const nasa = loadTraceFile(join(tracesDir, 'nasa_http_1995-07-01_14d_1min.csv'));
    const two = { ...nasa, name: 'nasa-2d', requests: nasa.requests.slice(0, 2880) };
    const s = makeScenario({ load: scaleToPeak(two, 300), provider: 'kubernetes' });
    const result = await simulate(s, shippedPolicies('kubernetes'), { stepTest: false });
    const w = winnerOf(result.summaries)!;
    const meeting = result.summaries.filter((p) => p.sloViolationRate <= 0.01);
    if (meeting.length > 0) {
      expect(w.meets).toBe(true);
      expect(w.summary.cost).toBe(Math.min(...meeting.map((p) => p.cost)));
      expect(winnerSentence(result)).toMatch(
        new RegExp(`^${w.summary.name.replace(/[()+]/g, '\\$&')} wins: the cheapest policy that keeps SLO-violating minutes within 1%`),
      );
    }
    const html = renderHtmlReport(result);
    expect(html).toContain(`<p class="winner">`);
    expect(html.match(/<tr class="best"[^>]*><td>&#9733; ([^<]+)<\/td>/)![1]).toBe(w.summary.name.replace(/&/g, '&amp;'));
    expect(html).toMatch(/Cost against SLO-violating minutes/);
    expect((html.match(/<circle /g) ?? []).length).toBe(result.runs.length);
    expect(html).toMatch(/Zoom: day [01], the day with the most SLO-violating minutes/);
    // In every chart with an objective, the dashed objective line comes after (is drawn above) the data.
    for (const svg of html
      .split('<svg ')
      .slice(1)
      .filter((x) => x.includes('objective 250 ms'))) {
      expect(svg.lastIndexOf('<polyline')).toBeLessThan(svg.indexOf('stroke-dasharray="5 3"'));
    }
    expect(niceTicks(0, 437)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(niceTicks(1, 2.83)).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(niceTicks(0, 0.07)).toEqual([0, 0.02, 0.04, 0.06, 0.08]);
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
