import type { PolicySummary, SimulationResult } from '../engine/simulate';
import { LATENCY_CAP_MS } from '../engine/latency';
import { TABLE_COLUMNS, clairvoyantLabel, forecastWakeSentence, policyCells, scaleToZeroSentence } from './table';

/** The aim a winner must meet: at most this share of SLO-violating minutes. */
const MAX_VIOLATION_RATE = 0.01;

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const W = 1000;
const HEIGHT = 220;
const PAD = { l: 60, r: 10, t: 20, b: 24 };

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

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 x 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((x) => x >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  if (out[out.length - 1]! < hi - step * 1e-9) out.push(out[out.length - 1]! + step);
  return out.map((v) => Number(v.toPrecision(12)));
}

/** Powers of ten (with 2 and 5 between when the range is short) covering [lo, hi], both > 0. */
function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const out: number[] = [];
  for (let k = a; k <= b; k++) for (const f of b - a <= 2 ? [1, 2, 5] : [1]) out.push(f * 10 ** k);
  return out.filter((v) => v >= 10 ** a && v <= 10 ** b);
}

function tickLabel(v: number): string {
  if (v >= 1_000_000) return `${Number((v / 1_000_000).toPrecision(3))}M`;
  if (v >= 10_000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(6)));
}

function chart(
  title: string,
  lines: Line[],
  minutes: number,
  opts: { log?: boolean; unit: string; hline?: { value: number; label: string }; height?: number; offset?: number },
): string {
  const H = opts.height ?? HEIGHT;
  const all = lines.flatMap((l) => [...l.values]).filter((v) => Number.isFinite(v));
  // Round axis ends: the data, the objective line and 0 (or the nearest power of ten on a log axis) fit.
  const dataHi = Math.max(...all, opts.hline?.value ?? 0, 1e-9);
  const yt = opts.log ? logTicks(Math.max(1, Math.min(...all, opts.hline?.value ?? Infinity)), Math.max(dataHi, 10)) : niceTicks(0, dataHi);
  let lo = yt[0]!;
  let hi = yt[yt.length - 1]!;
  if (opts.log) {
    lo = Math.log10(lo);
    hi = Math.log10(hi);
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
  const ticks = yt.map((v) => {
    const yy = y(v);
    return `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" stroke="#eee"/><text x="${PAD.l - 4}" y="${(yy + 4).toFixed(1)}" text-anchor="end">${tickLabel(v)}</text>`;
  });
  const days = minutes / 1440;
  const xt: string[] = [];
  const step = days > 2 ? 1440 : minutes > 360 ? 180 : minutes > 180 ? 60 : 10;
  const offset = opts.offset ?? 0;
  for (let m = 0; m <= minutes; m += step) {
    const x = PAD.l + ((W - PAD.l - PAD.r) * m) / Math.max(1, minutes);
    const at = m + offset;
    const label = step === 1440 ? `day ${at / 1440}` : step >= 60 ? `${at % 1440 === 0 && at > 0 ? `day ${at / 1440} ` : ''}${(at % 1440) / 60}h` : `${at} min`;
    xt.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${H - PAD.b}" y2="${H - PAD.b + 3}" stroke="#999"/><text x="${x.toFixed(1)}" y="${H - 6}" text-anchor="${m + step > minutes ? 'end' : m === 0 ? 'start' : 'middle'}">${label}</text>`,
    );
  }
  const h = opts.hline
    ? `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(opts.hline.value).toFixed(1)}" y2="${y(opts.hline.value).toFixed(1)}" stroke="#000" stroke-width="1.5" stroke-dasharray="5 3"/><text x="${W - PAD.r}" y="${(y(opts.hline.value) - 3).toFixed(1)}" text-anchor="end" class="obj">${esc(opts.hline.label)}</text>`
    : '';
  const legend = lines.map((l) => `<span class="key"><i style="background:${l.color}"></i>${esc(l.label)}</span>`).join(' ');
  return `<h2>${esc(title)}</h2><div class="legend">${legend}</div><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}">${ticks.join('')}${xt.join('')}${paths.join('')}${h}<text x="4" y="12">${esc(opts.unit)}</text></svg>`;
}

/** The policy a reader should pick: the cheapest within 1% SLO-violating minutes, else the fewest violations. */
export function winnerOf(summaries: readonly PolicySummary[]): { summary: PolicySummary; meets: boolean } | undefined {
  const meeting = summaries.filter((p) => p.sloViolationRate <= MAX_VIOLATION_RATE);
  if (meeting.length > 0) return { summary: meeting.reduce((a, b) => (b.cost < a.cost ? b : a)), meets: true };
  if (summaries.length === 0) return undefined;
  return {
    summary: summaries.reduce((a, b) => (b.violatingMinutes < a.violatingMinutes || (b.violatingMinutes === a.violatingMinutes && b.cost < a.cost) ? b : a)),
    meets: false,
  };
}

/** One sentence naming the winner and why. */
export function winnerSentence(result: SimulationResult): string {
  const w = winnerOf(result.summaries);
  if (!w) return 'No policy was simulated.';
  const p = w.summary;
  const pct = (100 * p.sloViolationRate).toFixed(2);
  if (w.meets) {
    const others = result.summaries.filter((x) => x !== p && x.sloViolationRate <= MAX_VIOLATION_RATE);
    const next = others.length > 0 ? others.reduce((a, b) => (b.cost < a.cost ? b : a)) : undefined;
    return `${p.name} wins: the cheapest policy that keeps SLO-violating minutes within 1% (${pct}%), at ${p.costRatio.toFixed(2)}x the oracle and ${p.clairvoyantRatio.toFixed(2)}x the clairvoyant bound${next ? `, ${(100 * (1 - p.cost / next.cost)).toFixed(0)}% cheaper than ${next.name}` : ''}.`;
  }
  return `No policy keeps SLO-violating minutes within 1%; ${p.name} comes closest with ${pct}% at ${p.costRatio.toFixed(2)}x the oracle.`;
}

/** Cost / oracle (x) against SLO-violating minutes (y): the trade-off at a glance, with the aim and the clairvoyant bound marked. */
function scatter(result: SimulationResult, color: (i: number) => string): string {
  const H = 300;
  const pts = result.summaries.map((p, i) => ({ p, i, x: p.costRatio, y: 100 * p.sloViolationRate }));
  const bound = result.oracle.cost > 0 ? result.clairvoyant.cost / result.oracle.cost : 1;
  const xt = niceTicks(Math.min(1, ...pts.map((q) => q.x)), Math.max(bound, ...pts.map((q) => q.x)) * 1.05);
  // Violations on a square-root axis: the policies near the 1% aim spread out, a 30% one still fits.
  const ymax = Math.max(2, ...pts.map((q) => Math.min(q.y, 100)));
  const yt = [0, 0.5, 1, 2, 5, 10, 20, 50, 100].filter((v, i, all) => v <= ymax || all[i - 1]! < ymax);
  const top = yt[yt.length - 1]!;
  const [x0, x1] = [xt[0]!, xt[xt.length - 1]!];
  const X = (v: number): number => PAD.l + ((W - PAD.l - PAD.r) * (v - x0)) / (x1 - x0 || 1);
  const Y = (v: number): number => 24 + (H - 24 - PAD.b - 14) * (1 - Math.sqrt(Math.min(Math.max(v, 0), top) / top));
  const grid = [
    ...yt.map(
      (v) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#eee"/><text x="${PAD.l - 4}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${tickLabel(v)}%</text>`,
    ),
    ...xt.map(
      (v) =>
        `<line x1="${X(v).toFixed(1)}" x2="${X(v).toFixed(1)}" y1="24" y2="${H - PAD.b - 14}" stroke="#eee"/><text x="${X(v).toFixed(1)}" y="${H - PAD.b}" text-anchor="middle">${tickLabel(v)}x</text>`,
    ),
  ];
  const marks = [
    `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(1).toFixed(1)}" y2="${Y(1).toFixed(1)}" stroke="#000" stroke-width="1.5" stroke-dasharray="5 3"/><text x="${PAD.l + 4}" y="${(Y(1) - 4).toFixed(1)}" class="obj">aim: at most 1%</text>`,
    `<line x1="${X(bound).toFixed(1)}" x2="${X(bound).toFixed(1)}" y1="24" y2="${H - PAD.b - 14}" stroke="#555" stroke-dasharray="2 3"/><text x="${(X(bound) + 4).toFixed(1)}" y="${H - PAD.b - 18}" class="obj">clairvoyant bound ${bound.toFixed(2)}x</text>`,
  ];
  // Labels right of their dot, nudged down when they would overlap one already placed.
  const placed: Array<{ x: number; y: number }> = [];
  const labels = [...pts]
    .sort((a, b) => Y(a.y) - Y(b.y))
    .map((q) => {
      const x = X(q.x) + 9;
      let y = Y(q.y) + 4;
      while (placed.some((p) => Math.abs(p.y - y) < 12 && Math.abs(p.x - x) < 150)) y += 12;
      placed.push({ x, y });
      return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}">${esc(q.p.name)}${q.y > top ? ` (${q.y.toFixed(0)}%)` : ''}</text>`;
    });
  const dots = pts.map(
    (q) =>
      `<circle cx="${X(q.x).toFixed(1)}" cy="${Y(q.y).toFixed(1)}" r="6" fill="${color(q.i)}"><title>${esc(q.p.name)}: ${q.x.toFixed(2)}x the oracle, ${q.y.toFixed(2)}% SLO-violating minutes</title></circle>`,
  );
  return `<h2>Cost against SLO-violating minutes (lower left is better)</h2><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="cost over the oracle against SLO-violating minutes, one dot per policy">${grid.join('')}${dots.join('')}${labels.join('')}${marks.join('')}<text x="${((W + PAD.l) / 2).toFixed(0)}" y="${H - 4}" text-anchor="middle">cost / oracle</text><text x="4" y="14">SLO-violating minutes</text></svg>`;
}

/** The comparison as an HTML table, the winner's row marked. */
function htmlTable(result: SimulationResult): string {
  const w = winnerOf(result.summaries);
  const ms = (v: number): string => (v >= LATENCY_CAP_MS ? '&gt;60000' : String(Math.round(v)));
  const head = TABLE_COLUMNS;
  const rows = result.summaries.map((p) => {
    const best = w?.summary === p;
    const cells = [`${best ? '&#9733; ' : ''}${esc(p.name)}`, ...policyCells(p, ms)];
    return `<tr${best ? ` class="best" title="${w.meets ? 'cheapest within 1% SLO-violating minutes' : 'fewest SLO-violating minutes'}"` : ''}>${cells.map((c, i) => `<td${i > 1 ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  const c = result.clairvoyant;
  const o = result.oracle.cost;
  rows.push(
    `<tr class="bound"><td>${esc(clairvoyantLabel(c))}</td><td>bound</td><td class="n">${c.cost.toFixed(2)}</td><td class="n">${(o > 0 ? c.cost / o : 1).toFixed(2)}</td><td class="n">1.00</td><td class="n">0</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td></tr>`,
  );
  rows.push(
    `<tr class="bound"><td>oracle (instant, per-minute cheapest)</td><td>bound</td><td class="n">${o.toFixed(2)}</td><td class="n">1.00</td><td class="n">${(c.cost > 0 ? o / c.cost : 1).toFixed(2)}</td><td class="n">0</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td><td class="n">-</td></tr>`,
  );
  return `<table><thead><tr>${head.map((h, i) => `<th${i > 1 ? ' class="n"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="small">&#9733; marks the winner. Cost: instance-minutes x hourly price (provisioning and blue/green fleets included). x oracle: cost / the instant per-minute cheapest fleet. x clairvoyant: cost / the cheapest fleet that knows the trace but orders every instance the fastest provisioning time ahead, pays while it provisions and, where the cloud refuses a change while one is in flight, makes one change at a time. SLO-violating min: p95 above the objective or requests dropped. React min: minutes to meet the objective again after a 4x load step. Signal s: period of the freshest signal (10: a high-resolution ConcurrentRequestsPerModel alarm; 60: minute metrics). Step decide/capacity s: seconds from that 4x step to the scale-out decision / to enough serving capacity. Steps: minutes in which the load rose past what the serving fleet meets; decide s / capacity s: median/p95 seconds from such a step to the scale-out decision / to enough serving capacity.</p>`;
}

/** The day (1440 minutes) with the most SLO-violating minutes summed over the policies; undefined under two days. */
function worstDay(result: SimulationResult): number | undefined {
  const minutes = result.scenario.load.rps.length;
  const days = Math.floor(minutes / 1440);
  if (days < 2) return undefined;
  let best = 0;
  let most = -1;
  for (let d = 0; d < days; d++) {
    let v = 0;
    for (const r of result.runs) for (let m = d * 1440; m < (d + 1) * 1440; m++) v += r.series.violated[m]!;
    if (v > most) {
      most = v;
      best = d;
    }
  }
  return best;
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
  // One small chart per policy: its capacity against the load and the oracle, so lines never hide each other.
  const small = runs.map((r, i) =>
    chart(
      `${r.name}: SLO-safe capacity of the serving fleet (bucket mean) vs load (bucket max)`,
      [
        { label: 'load (max)', color: '#333', values: bucket(s.load.rps, points, 'max'), dash: true },
        { label: 'oracle', color: '#999', values: bucket(oracleCap, points, 'mean'), dash: true },
        { label: r.name, color: color(i), values: bucket(capacityOf(r.series.serving, r.series.size), points, 'mean') },
      ],
      minutes,
      { unit: 'req/s', height: 150 },
    ),
  );
  const latency = chart(
    'p95 latency per minute (bucket max, capped at 60 s)',
    runs.map((r, i) => ({
      label: r.name,
      color: color(i),
      values: bucket(
        Float64Array.from(r.series.p95Ms, (v) => Math.min(Number.isFinite(v) ? v : LATENCY_CAP_MS, LATENCY_CAP_MS)),
        points,
        'max',
      ),
    })),
    minutes,
    { log: true, unit: 'ms', hline: { value: s.sloMs, label: `objective ${s.sloMs} ms` } },
  );
  const cost = chart(
    'Cumulative cost',
    [
      { label: 'oracle', color: '#999', values: bucket(cumulative(result.oracle.costPerMinute), points, 'last'), dash: true },
      { label: 'clairvoyant bound', color: '#555', values: bucket(cumulative(result.clairvoyant.costPerMinute), points, 'last'), dash: true },
      ...runs.map((r, i) => ({ label: r.name, color: color(i), values: bucket(cumulative(r.series.cost), points, 'last') })),
    ],
    minutes,
    { unit: 'USD' },
  );
  const wd = worstDay(result);
  let zoom = '';
  if (wd !== undefined) {
    const from = wd * 1440;
    const cut = <T extends ArrayLike<number>>(a: T): Float64Array => Float64Array.from({ length: 1440 }, (_, k) => a[from + k]!);
    zoom = [
      `<h2>Zoom: day ${wd}, the day with the most SLO-violating minutes</h2>`,
      chart(
        `Day ${wd}: capacity per policy vs load, minute by minute`,
        [
          { label: 'load', color: '#333', values: cut(s.load.rps), dash: true },
          { label: 'oracle', color: '#999', values: cut(oracleCap), dash: true },
          ...runs.map((r, i) => ({ label: r.name, color: color(i), values: cut(capacityOf(r.series.serving, r.series.size)) })),
        ],
        1440,
        { unit: 'req/s', offset: from },
      ),
      chart(
        `Day ${wd}: p95 latency per minute`,
        runs.map((r, i) => ({
          label: r.name,
          color: color(i),
          values: Float64Array.from(cut(r.series.p95Ms), (v) => Math.min(Number.isFinite(v) ? v : LATENCY_CAP_MS, LATENCY_CAP_MS)),
        })),
        1440,
        { log: true, unit: 'ms', hline: { value: s.sloMs, label: `objective ${s.sloMs} ms` }, offset: from },
      ),
    ].join('\n');
  }
  const notes = result.summaries.flatMap((p) => p.notes.map((n) => `<li><b>${esc(p.name)}</b>: ${esc(n)}</li>`));
  const traceNotes = s.load.trace.notes.map((n) => `<li>${esc(n)}</li>`);
  const warnings = result.warnings.map((w) => `<li>${esc(w)}</li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>autoscaler simulate: ${esc(s.load.trace.name)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:1040px;margin:20px auto;padding:0 10px;color:#222}svg{background:#fff;border:1px solid #ddd}svg text{font-size:10px;fill:#555}svg text.obj{font-size:11px;fill:#000;font-weight:600}.legend{margin:4px 0}.key{margin-right:12px;white-space:nowrap}.key i{display:inline-block;width:14px;height:3px;margin-right:4px;vertical-align:middle}h2{font-size:16px;margin-top:24px}table{border-collapse:collapse;font-size:13px;width:100%}th,td{padding:3px 6px;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right}tr.best{background:#e6f4e6;font-weight:600}tr.bound{color:#666}.small{font-size:12px;color:#555}.winner{font-size:16px;background:#f4f8ff;border-left:4px solid #1f77b4;padding:8px 12px}.warn{color:#8a4b00}</style>
</head><body>
<h1>What each autoscaling policy would have cost on ${esc(s.load.trace.name)}</h1>
<p class="winner">${esc(winnerSentence(result))}</p>
${result.scaleToZero.map((z) => `<p class="winner">${esc(scaleToZeroSentence(z))}.</p>`).join('\n')}
${result.forecastWake.map((w) => `<p class="winner">${esc(forecastWakeSentence(w))}.</p>`).join('\n')}
<p>Provider profile <b>${esc(s.profile.title)}</b>; objective p95 &le; ${s.sloMs} ms every minute; load scaled to ${s.load.peakRps} req/s at the busiest minute; ${minutes} minutes; seed ${s.seed}; ${s.coldStart ? 'cold start (every policy at its minimum)' : "warm start (every policy at the oracle's first-minute capacity)"}. Every policy ran through the same orchestrator (core <code>Autoscaler</code> and <code>decide</code>) against a simulated deployment.</p>
${warnings.length > 0 ? `<ul class="warn">${warnings.join('')}</ul>` : ''}
${htmlTable(result)}
${scatter(result, color)}
${load}
${latency}
${cost}
<h2>Capacity, one chart per policy</h2>
${small.join('\n')}
${zoom}
<h2>Estimates and scenario parameters</h2>
<p>These figures are not measurements; change them before trusting a dollar amount:</p>
<ul>${s.profile.estimates.map((e) => `<li>${esc(e)}</li>`).join('')}
<li>Service model: ${s.model.serviceTimeMs} ms mean service time per request per worker (exponential), ${s.model.workersPerVcpu} worker per vCPU, M/M/c per instance, load spread evenly, each minute in steady state.</li></ul>
${traceNotes.length > 0 ? `<h2>Trace</h2><ul>${traceNotes.join('')}</ul>` : ''}
${notes.length > 0 ? `<h2>Notes per policy</h2><ul>${notes.join('')}</ul>` : ''}
</body></html>
`;
}
