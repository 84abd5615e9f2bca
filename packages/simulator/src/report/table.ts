import type { PolicySummary, SimulationResult } from '../engine/simulate';
import { LATENCY_CAP_MS } from '../engine/latency';

/** The `--json` shape of `autoscaler simulate`. */
export interface SimulationReport {
  trace: string;
  provider: string;
  peakRps: number;
  minutes: number;
  sloP95Ms: number;
  /** True when every policy started at its minimum instead of the oracle's first-minute capacity. */
  coldStart: boolean;
  oracleCost: number;
  /** The bound with provisioning delays: cheapest fleet ordered ahead and billed while provisioning. */
  clairvoyantCost: number;
  /** Minutes each instance must be billed before the minute it first serves, in the clairvoyant bound. */
  clairvoyantLeadMinutes: number;
  /** True when the bound also makes one change at a time (clouds that refuse a change while one is in flight). */
  clairvoyantOneChangeAtATime: boolean;
  /** One row per policy: the summary's figures (ratios and costs rounded to 4 decimals). */
  policies: Array<
    Pick<
      PolicySummary,
      | 'name'
      | 'baseline'
      | 'cost'
      | 'costRatio'
      | 'clairvoyantRatio'
      | 'sloViolationRate'
      | 'violatingMinutes'
      | 'p95Ms'
      | 'p99Ms'
      | 'actions'
      | 'reactMinutes'
      | 'stepDecisionSeconds'
      | 'stepCapacitySeconds'
      | 'noCapacityRequests'
      | 'noCapacityMinutes'
      | 'zeroHours'
      | 'signalSeconds'
      | 'reaction'
      | 'notes'
    >
  >;
  /** Scale to zero against the same policy with a floor of one (only when both ran). */
  scaleToZero: SimulationResult['scaleToZero'];
  /** The forecast's wake from zero against the same policy waking reactively (only when both ran). */
  forecastWake: SimulationResult['forecastWake'];
  /** Figures that are estimates or scenario parameters (profiles.json nulls). */
  estimates: string[];
  /** Read these before trusting the figures (a short trace, a policy below a bound). */
  warnings: string[];
}

/** The comparison's column heads, in the plain-text table and the HTML report alike. */
export const TABLE_COLUMNS: readonly string[] = [
  'policy',
  'kind',
  'cost $',
  'x oracle',
  'x clairvoyant',
  'SLO-violating min',
  'p95 ms',
  'p99 ms',
  'actions',
  'react min',
  'signal s',
  'step decide/capacity s',
  'steps',
  'decide s p50/p95',
  'capacity s p50/p95',
];

const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;

export function toReport(result: SimulationResult): SimulationReport {
  const s = result.scenario;
  return {
    trace: s.load.trace.name,
    provider: s.profile.kind,
    peakRps: s.load.peakRps,
    minutes: s.load.rps.length,
    sloP95Ms: s.sloMs,
    coldStart: s.coldStart,
    oracleCost: r4(result.oracle.cost),
    clairvoyantCost: r4(result.clairvoyant.cost),
    clairvoyantLeadMinutes: result.clairvoyant.leadMinutes,
    clairvoyantOneChangeAtATime: result.clairvoyant.oneChangeAtATime,
    policies: result.summaries.map((p) => ({
      name: p.name,
      baseline: p.baseline,
      cost: r4(p.cost),
      costRatio: r4(p.costRatio),
      clairvoyantRatio: r4(p.clairvoyantRatio),
      sloViolationRate: r4(p.sloViolationRate),
      violatingMinutes: p.violatingMinutes,
      p95Ms: Math.round(Math.min(p.p95Ms, LATENCY_CAP_MS)),
      p99Ms: Math.round(Math.min(p.p99Ms, LATENCY_CAP_MS)),
      actions: p.actions,
      reactMinutes: p.reactMinutes,
      stepDecisionSeconds: p.stepDecisionSeconds,
      stepCapacitySeconds: p.stepCapacitySeconds,
      noCapacityRequests: Math.round(p.noCapacityRequests),
      noCapacityMinutes: p.noCapacityMinutes,
      zeroHours: r4(p.zeroHours),
      signalSeconds: p.signalSeconds,
      reaction: p.reaction,
      notes: p.notes,
    })),
    scaleToZero: result.scaleToZero.map((z) => ({
      ...z,
      savedUsd: r4(z.savedUsd),
      savedShare: r4(z.savedShare),
      zeroHours: r4(z.zeroHours),
      failedRequests: Math.round(z.failedRequests),
      failedShare: r4(z.failedShare),
    })),
    forecastWake: result.forecastWake.map((w) => ({ ...w, fewerFailedRequests: Math.round(w.fewerFailedRequests), extraUsd: r4(w.extraUsd) })),
    estimates: s.profile.estimates,
    warnings: result.warnings,
  };
}

/** `clairvoyant (ordered 3 min ahead, one change at a time)`. */
export function clairvoyantLabel(c: SimulationResult['clairvoyant']): string {
  return `clairvoyant (ordered ${c.leadMinutes} min ahead${c.oneChangeAtATime ? ', one change at a time' : ''})`;
}

/** `30/40`; `-` for a figure no step reached. */
/** A policy's cells after its name, in TABLE_COLUMNS order (the text table and the HTML report alike). */
export function policyCells(p: PolicySummary, latency: (v: number) => string): string[] {
  return [
    p.baseline ? 'baseline' : 'ours',
    p.cost.toFixed(2),
    p.costRatio.toFixed(2),
    p.clairvoyantRatio.toFixed(2),
    `${p.violatingMinutes} (${(100 * p.sloViolationRate).toFixed(2)}%)`,
    latency(p.p95Ms),
    latency(p.p99Ms),
    String(p.actions),
    p.reactMinutes === null ? 'never' : String(p.reactMinutes),
    String(p.signalSeconds),
    pair(p.stepDecisionSeconds, p.stepCapacitySeconds),
    String(p.reaction.steps),
    pair(p.reaction.decisionP50, p.reaction.decisionP95),
    pair(p.reaction.capacityP50, p.reaction.capacityP95),
  ];
}

function pair(p50: number | null, p95: number | null): string {
  return p50 === null && p95 === null ? '-' : `${p50 === null ? '-' : Math.round(p50)}/${p95 === null ? '-' : Math.round(p95)}`;
}

function ms(v: number): string {
  return v >= LATENCY_CAP_MS ? '>60000' : String(Math.round(v));
}

/** What the cheaper idle hours cost in cold-start failures, in one sentence. */
export function scaleToZeroSentence(z: SimulationResult['scaleToZero'][number]): string {
  return (
    `scale to zero: ${z.policy} saves ${z.savedUsd.toFixed(2)} USD (${(100 * z.savedShare).toFixed(1)}%) against ${z.floorOne} over ${z.zeroHours.toFixed(1)} hours at zero copies, ` +
    `for ${Math.round(z.failedRequests)} requests (${(100 * z.failedShare).toFixed(3)}%) failed with no copy serving in ${z.failedMinutes} minutes (cold starts, counted as SLO-violating: ${z.extraViolatingMinutes >= 0 ? '+' : ''}${z.extraViolatingMinutes} violating minutes)`
  );
}

/** What waking from zero on the forecast buys against waking on the reactive rule, in one sentence. */
export function forecastWakeSentence(w: SimulationResult['forecastWake'][number]): string {
  return (
    `forecast wake: ${w.policy} has ${Math.round(w.fewerFailedRequests)} fewer cold-start failed requests (${w.fewerFailedMinutes} fewer minutes with failures, ` +
    `${w.fewerViolatingMinutes} fewer SLO-violating minutes) than ${w.reactive}, for ${w.extraUsd >= 0 ? `${w.extraUsd.toFixed(2)} USD more` : `${(-w.extraUsd).toFixed(2)} USD less`}`
  );
}

/** A plain-text comparison table (monospace), best cost first among SLO-meeting policies is left to the reader. */
export function formatTable(result: SimulationResult): string {
  const s = result.scenario;
  const head = TABLE_COLUMNS;
  const rows = result.summaries.map((p) => [p.name, ...policyCells(p, ms)]);
  const c = result.clairvoyant;
  const co = result.oracle.cost > 0 ? c.cost / result.oracle.cost : 1;
  const none = ['-', '-', '-', '-', '-'];
  rows.push([clairvoyantLabel(c), 'bound', c.cost.toFixed(2), co.toFixed(2), '1.00', '0 (0.00%)', '-', '-', '-', '-', ...none]);
  rows.push([
    'oracle (instant, per-minute cheapest)',
    'bound',
    result.oracle.cost.toFixed(2),
    '1.00',
    (c.cost > 0 ? result.oracle.cost / c.cost : 1).toFixed(2),
    '0 (0.00%)',
    '-',
    '-',
    '-',
    '-',
    ...none,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const days = s.load.rps.length / 1440;
  const out = [
    `trace ${s.load.trace.name}: ${s.load.rps.length} minutes (${days >= 1 ? `${days.toFixed(1)} days` : `${s.load.rps.length} min`}), scaled to ${s.load.peakRps} req/s at the busiest minute`,
    `provider ${s.profile.kind} (${s.profile.title}), objective p95 <= ${s.sloMs} ms per minute, seed ${s.seed}, ${s.coldStart ? 'cold start (every policy at its minimum)' : "warm start (every policy at the oracle's first-minute capacity)"}`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'cost: instance-minutes x hourly price (provisioning and blue/green fleets included); x oracle: cost / the instant per-minute cheapest fleet;',
    'x clairvoyant: cost / the cheapest fleet that knows the trace but orders each instance the fastest provisioning time ahead, pays while it provisions',
    '  and, where the cloud refuses a change while one is in flight, makes one change at a time (a fleet of one size);',
    'SLO-violating min: p95 above the objective or requests dropped; react min: minutes to meet the objective again after a 4x load step;',
    'signal s: period of the freshest signal (10: high-resolution ConcurrentRequestsPerModel alarm, 60: minute metrics); step decide/capacity s: seconds from',
    '  that 4x step to the scale-out decision / to enough serving capacity; steps: minutes of the trace in which the load rose past what the serving fleet',
    '  meets; decide s / capacity s: median/p95 seconds from such a step to the scale-out decision / to enough serving capacity.',
    ...result.scaleToZero.map(scaleToZeroSentence),
    ...result.forecastWake.map(forecastWakeSentence),
    ...result.warnings.map((w) => `warning: ${w}`),
  ];
  return out.join('\n');
}
