import type { SimulationResult } from '../engine/simulate';
import { LATENCY_CAP_MS } from '../engine/latency';
import { formatTable } from './table';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const W = 1000;
const H = 220;
const PAD = { l: 60, r: 10, t: 10, b: 24 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Line {
  label: string;
  color: string;
  values: Float64Array;
  dash?: boolean;
}

/** Reduce a series to at most `points` buckets with an aggregate (max keeps spikes visible). */
function bucket(values: ArrayLike<number>, points: number, agg: 'max' | 'mean' | 'last'): Float64Array {
  const n = values.length;
  const k = Math.max(1, Math.ceil(n / points));
  const out = new Float64Array(Math.ceil(n / k));
  for (let b = 0; b < out.length; b++) {
    let acc = agg === 'max' ? -Infinity : 0;
    let c = 0;
    for (let i = b * k; i < Math.min(n, (b + 1) * k); i++) {
      const v = values[i]!;
      if (agg === 'max') acc = Math.max(acc, v);
      else if (agg === 'mean') acc += v;
      else acc = v;
      c++;
    }
    out[b] = agg === 'mean' ? acc / Math.max(1, c) : acc;
  }
  return out;
}

function chart(title: string, lines: Line[], minutes: number, opts: { log?: boolean; unit: string; hline?: { value: number; label: string } }): string {
  const all = lines.flatMap((l) => [...l.values]).filter((v) => Number.isFinite(v));
  let lo = opts.log ? Math.max(1, Math.min(...all)) : 0;
  let hi = Math.max(...all, opts.hline?.value ?? 0, 1e-9);
  if (opts.log) {
    lo = Math.log10(lo);
    hi = Math.log10(hi) + 0.05;
  }
  const y = (v: number): number => {
    const t = opts.log ? Math.log10(Math.max(v, 1)) : v;
    return PAD.t + (H - PAD.t - PAD.b) * (1 - (t - lo) / (hi - lo || 1));
  };
  const paths = lines.map((l) => {
    const n = l.values.length;
    const pts: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = l.values[i]!;
      if (!Number.isFinite(v)) continue;
      pts.push(`${(PAD.l + ((W - PAD.l - PAD.r) * i) / Math.max(1, n - 1)).toFixed(1)},${y(v).toFixed(1)}`);
    }
    return `<polyline fill="none" stroke="${l.color}" stroke-width="1.2"${l.dash ? ' stroke-dasharray="4 3"' : ''} points="${pts.join(' ')}"><title>${esc(l.label)}</title></polyline>`;
  });
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const t = lo + ((hi - lo) * i) / 4;
    const v = opts.log ? 10 ** t : t;
    const yy = y(v);
    ticks.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" stroke="#eee"/><text x="${PAD.l - 4}" y="${(yy + 4).toFixed(1)}" text-anchor="end">${v >= 100 ? Math.round(v) : v.toFixed(v >= 10 ? 1 : 2)}</text>`);
  }
  const days = minutes / 1440;
  const xt: string[] = [];
  const step = days > 2 ? 1440 : minutes > 180 ? 60 : 10;
  for (let m = 0; m <= minutes; m += step) {
    const x = PAD.l + ((W - PAD.l - PAD.r) * m) / Math.max(1, minutes);
    xt.push(`<text x="${x.toFixed(1)}" y="${H - 6}" text-anchor="middle">${step === 1440 ? `d${m / 1440}` : step === 60 ? `${m / 60}h` : `${m}m`}</text>`);
  }
  const h = opts.hline ? `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(opts.hline.value).toFixed(1)}" y2="${y(opts.hline.value).toFixed(1)}" stroke="#000" stroke-dasharray="2 2"/><text x="${W - PAD.r}" y="${(y(opts.hline.value) - 3).toFixed(1)}" text-anchor="end">${esc(opts.hline.label)}</text>` : '';
  const legend = lines.map((l) => `<span class="key"><i style="background:${l.color}"></i>${esc(l.label)}</span>`).join(' ');
  return `<h2>${esc(title)}</h2><div class="legend">${legend}</div><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}">${ticks.join('')}${xt.join('')}${h}${paths.join('')}<text x="4" y="14">${esc(opts.unit)}</text></svg>`;
}

/** A self-contained page: inline SVG charts and the table, no script, no network. */
export function renderHtmlReport(result: SimulationResult): string {
  const s = result.scenario;
  const minutes = s.load.rps.length;
  const points = 1200;
  const qs = [...s.queues.values()];
  const capacityOf = (serving: Int32Array, size: Int8Array): Float64Array => Float64Array.from(serving, (n, m) => n * qs[size[m]!]!.maxRps);
  const cumulative = (c: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(c.length);
    let acc = 0;
    for (let i = 0; i < c.length; i++) out[i] = acc += c[i]!;
    return out;
  };
  const runs = result.runs;
  const color = (i: number): string => COLORS[i % COLORS.length]!;
  const oracleCap = Float64Array.from(result.oracle.replicas, (n, m) => n * qs[result.oracle.sizes[m]!]!.maxRps);
  const load = chart('Load', [{ label: 'requests/s (max per bucket)', color: '#333', values: bucket(s.load.rps, points, 'max') }], minutes, { unit: 'req/s' });
  const capacity = chart(
    'Capacity per policy (SLO-safe requests/s of the serving fleet, bucket mean) vs load (bucket max)',
    [
      { label: 'load (max)', color: '#333', values: bucket(s.load.rps, points, 'max'), dash: true },
      { label: 'oracle', color: '#999', values: bucket(oracleCap, points, 'mean'), dash: true },
      ...runs.map((r, i) => ({ label: r.name, color: color(i), values: bucket(capacityOf(r.series.serving, r.series.size), points, 'mean') })),
    ],
    minutes,
    { unit: 'req/s' },
  );
  const latency = chart(
    'p95 latency per minute (bucket max, capped at 60 s)',
    runs.map((r, i) => ({ label: r.name, color: color(i), values: bucket(Float64Array.from(r.series.p95Ms, (v) => Math.min(Number.isFinite(v) ? v : LATENCY_CAP_MS, LATENCY_CAP_MS)), points, 'max') })),
    minutes,
    { log: true, unit: 'ms', hline: { value: s.sloMs, label: `objective ${s.sloMs} ms` } },
  );
  const cost = chart(
    'Cumulative cost',
    [{ label: 'oracle', color: '#999', values: bucket(cumulative(result.oracle.costPerMinute), points, 'last'), dash: true }, ...runs.map((r, i) => ({ label: r.name, color: color(i), values: bucket(cumulative(r.series.cost), points, 'last') }))],
    minutes,
    { unit: 'USD' },
  );
  const notes = result.summaries.flatMap((p) => p.notes.map((n) => `<li><b>${esc(p.name)}</b>: ${esc(n)}</li>`));
  const traceNotes = s.load.trace.notes.map((n) => `<li>${esc(n)}</li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>autoscaler simulate: ${esc(s.load.trace.name)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:1040px;margin:20px auto;padding:0 10px;color:#222}pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}svg{background:#fff;border:1px solid #ddd}svg text{font-size:10px;fill:#555}.legend{margin:4px 0}.key{margin-right:12px;white-space:nowrap}.key i{display:inline-block;width:14px;height:3px;margin-right:4px;vertical-align:middle}h2{font-size:16px;margin-top:24px}</style>
</head><body>
<h1>What each autoscaling policy would have cost on ${esc(s.load.trace.name)}</h1>
<p>Provider profile <b>${esc(s.profile.title)}</b>; objective p95 &le; ${s.sloMs} ms every minute; load scaled to ${s.load.peakRps} req/s at the busiest minute; seed ${s.seed}. Every policy ran through the same orchestrator (core <code>Autoscaler</code> and <code>decide</code>) against a simulated deployment.</p>
<pre>${esc(formatTable(result))}</pre>
${load}
${capacity}
${latency}
${cost}
<h2>Estimates and scenario parameters</h2>
<p>These figures are not measurements; change them before trusting a dollar amount:</p>
<ul>${s.profile.estimates.map((e) => `<li>${esc(e)}</li>`).join('')}
<li>Service model: ${s.model.serviceTimeMs} ms mean service time per request per worker (exponential), ${s.model.workersPerVcpu} worker per vCPU, M/M/c per instance, load spread evenly, each minute in steady state.</li></ul>
${traceNotes.length > 0 ? `<h2>Trace</h2><ul>${traceNotes.join('')}</ul>` : ''}
${notes.length > 0 ? `<h2>Notes per policy</h2><ul>${notes.join('')}</ul>` : ''}
</body></html>
`;
}
