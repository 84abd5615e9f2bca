import type { LoadRow, UsageRow } from './csv';
import type { Recipe } from './recommend';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number, d = 2): string => (Number.isFinite(v) ? String(Math.round(v * 10 ** d) / 10 ** d) : '');

interface Series {
  name: string;
  color: string;
  points: ReadonlyArray<[number, number]>;
  dashed?: boolean;
  dots?: boolean;
}

/** Round tick values (steps of 1, 2 or 5 x 10^k) from `lo` to `hi`, about `count` of them. */
export function roundTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/** A line/scatter chart as inline SVG: no script, no external resource. */
export function svgChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], width = 640, height = 240): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const pad = { l: 56, r: 12, t: 24, b: 36 };
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(x0 + 1e-9, ...xs);
  const y1 = Math.max(1e-9, ...ys) * 1.1;
  const sx = (x: number): number => pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const sy = (y: number): number => height - pad.b - (y / y1) * (height - pad.t - pad.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => y1 * f);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${pad.l}" y="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="#888"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${height - pad.b}" stroke="#888"/>`,
    ...ticks.map(
      (t) =>
        `<text x="${pad.l - 4}" y="${sy(t) + 4}" text-anchor="end">${num(t, t < 10 ? 2 : 0)}</text><line x1="${pad.l}" y1="${sy(t)}" x2="${width - pad.r}" y2="${sy(t)}" stroke="#eee"/>`,
    ),
    // Numbered x axis: round ticks with their values under the axis.
    ...roundTicks(x0, x1).map(
      (t) =>
        `<line x1="${num(sx(t), 1)}" y1="${height - pad.b}" x2="${num(sx(t), 1)}" y2="${height - pad.b + 4}" stroke="#888"/><text x="${num(sx(t), 1)}" y="${height - pad.b + 15}" text-anchor="middle">${num(t, Math.abs(t) < 10 ? 2 : 0)}</text>`,
    ),
    `<text x="${(width + pad.l) / 2}" y="${height - 6}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="12" y="${(height - pad.b + pad.t) / 2}" transform="rotate(-90 12 ${(height - pad.b + pad.t) / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (s.dots) parts.push(...pts.map(([x, y]) => `<circle cx="${num(sx(x), 1)}" cy="${num(sy(y), 1)}" r="3" fill="${s.color}"/>`));
    else if (pts.length > 0)
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5 4"' : ''} points="${pts.map(([x, y]) => `${num(sx(x), 1)},${num(sy(y), 1)}`).join(' ')}"/>`,
      );
    parts.push(
      `<rect x="${width - pad.r - 150}" y="${pad.t + i * 14}" width="10" height="3" fill="${s.color}"/><text x="${width - pad.r - 136}" y="${pad.t + i * 14 + 4}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The recipe as one self-contained HTML page (inline CSS and SVG only). */
export function recipeHtml(recipe: Recipe, usage: readonly UsageRow[], load: readonly LoadRow[], title = 'Kubernetes recipe'): string {
  const perContainer = (f: (u: UsageRow) => number | undefined): Array<[number, number]> =>
    usage.filter((u) => u.containers > 0 && f(u) !== undefined).map((u) => [u.seconds, f(u)! / u.containers]);
  const cpuReq = Number(recipe.requests.cpu.endsWith('m') ? Number(recipe.requests.cpu.slice(0, -1)) / 1000 : recipe.requests.cpu);
  const e = recipe.evidence;
  const tEnd = Math.max(0, ...usage.map((u) => u.seconds));
  const charts = [
    svgChart('CPU per container (cores)', 'seconds', 'cores', [
      { name: 'used', color: '#1f77b4', points: perContainer((u) => u.cpuUsedCores) },
      {
        name: 'recommended request',
        color: '#2ca02c',
        dashed: true,
        points: [
          [0, cpuReq],
          [tEnd, cpuReq],
        ],
      },
      {
        name: `HPA target (${recipe.hpa.targetCPUUtilizationPercentage}%)`,
        color: '#d62728',
        dashed: true,
        points: [
          [0, (cpuReq * recipe.hpa.targetCPUUtilizationPercentage) / 100],
          [tEnd, (cpuReq * recipe.hpa.targetCPUUtilizationPercentage) / 100],
        ],
      },
    ]),
    svgChart('Memory per container (MiB)', 'seconds', 'MiB', [{ name: 'used', color: '#9467bd', points: perContainer((u) => u.memoryUsedMiB) }]),
    svgChart('Load (per stage)', 'seconds', 'tx/s and ms', [
      { name: 'transactions/s', color: '#ff7f0e', points: load.map((l) => [l.startSeconds + l.durationSeconds / 2, l.transactionRate]) },
      { name: 'p95 response (ms)', color: '#8c564b', points: load.map((l) => [l.startSeconds + l.durationSeconds / 2, l.p95ResponseMs]) },
    ]),
    svgChart('CPU used vs transaction rate (all containers)', 'transactions/s', 'cores', [
      { name: 'stages', color: '#17becf', dots: true, points: e.stages.map((s) => [s.transactionRate, s.cpuUsedCores]) },
      {
        name: 'fit',
        color: '#7f7f7f',
        dashed: true,
        points: [
          [0, e.idleCores],
          [
            Math.max(...e.stages.map((s) => s.transactionRate)),
            e.idleCores + e.coresPerTransactionPerSecond * Math.max(...e.stages.map((s) => s.transactionRate)),
          ],
        ],
      },
    ]),
  ];
  const row = (k: string, v: string): string => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:720px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}pre{background:#f6f6f6;padding:8px}</style>
</head><body>
<h1>${esc(title)}</h1>
<table>
${row('CPU request / limit', `${recipe.requests.cpu} / ${recipe.limits.cpu}`)}
${row('Memory request / limit', `${recipe.requests.memory} / ${recipe.limits.memory}`)}
${row('HPA min / max replicas', `${recipe.hpa.minReplicas} / ${recipe.hpa.maxReplicas}`)}
${row('HPA CPU target', `${recipe.hpa.targetCPUUtilizationPercentage}%`)}
${row('One replica sustains', `${num(e.ratePerReplica)} transactions/s at the target`)}
${row('Peak / lowest measured rate', `${num(e.peakRate)} / ${num(e.lowRate)} transactions/s`)}
${row('CPU per transaction/s', `${num(e.coresPerTransactionPerSecond, 4)} cores${e.fitR2 !== undefined ? ` (r² ${num(e.fitR2)})` : ''}`)}
</table>
${recipe.notes.length > 0 ? `<ul>${recipe.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${charts.map((c) => `<figure>${c}</figure>`).join('\n')}
</body></html>
`;
}
