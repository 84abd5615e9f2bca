import { erlangC } from '../model/erlang';
import type { PolicySeries } from './run-policy';
import type { Scenario } from './scenario';

/** Longest latency reported: a request stuck longer has timed out (OCI predict timeout is 60 s). */
export const LATENCY_CAP_MS = 60_000;

/**
 * Request-weighted response-time quantiles over a whole run: the p-quantile of
 * the mixture of every minute's M/M/c response time, weighted by its requests.
 * Requests of an overloaded minute count as timed out.
 */
export function runQuantiles(s: Scenario, series: PolicySeries, ps: readonly number[]): number[] {
  const qs = [...s.queues.values()];
  const n = s.load.rps.length;
  const w: number[] = [];
  const kind: number[] = [];
  const theta: number[] = [];
  const pw: number[] = [];
  let total = 0;
  let overloaded = 0;
  for (let m = 0; m < n; m++) {
    const lambda = s.load.rps[m]!;
    if (lambda <= 0) continue;
    total += lambda;
    const r = series.serving[m]!;
    const q = qs[series.size[m]!]!;
    const per = r > 0 ? lambda / r : Infinity;
    const cap = q.workers * q.mu;
    if (!(per < cap)) {
      overloaded += lambda;
      continue;
    }
    w.push(lambda);
    kind.push(series.size[m]!);
    theta.push(cap - per);
    pw.push(erlangC(q.workers, per / q.mu));
  }
  if (total === 0) return ps.map(() => 0);
  const mus = qs.map((q) => q.mu);
  const es = new Float64Array(qs.length);
  const tail = (t: number): number => {
    // The service rate is per size, so e^{-mu t} is computed once per size.
    for (let k = 0; k < mus.length; k++) es[k] = Math.exp(-mus[k]! * t);
    let acc = overloaded;
    for (let i = 0; i < w.length; i++) {
      const k = kind[i]!;
      const m = mus[k]!;
      const e = es[k]!;
      const th = theta[i]!;
      const d = th - m;
      acc += w[i]! * (Math.abs(d) < 1e-9 * m ? e * (1 + pw[i]! * m * t) : e + (pw[i]! * m * (e - Math.exp(-th * t))) / d);
    }
    return acc / total;
  };
  return ps.map((p) => {
    const target = 1 - p;
    // Root of tail(e^x) = target on x = ln t, by regula falsi (Illinois): a handful of passes.
    let a = Math.log(1e-4);
    let b = Math.log(LATENCY_CAP_MS / 1000);
    let fa = tail(Math.exp(a)) - target;
    let fb = tail(Math.exp(b)) - target;
    if (fb > 0) return LATENCY_CAP_MS;
    if (fa <= 0) return Math.exp(a) * 1000;
    let side = 0;
    for (let i = 0; i < 60 && b - a > 1e-5; i++) {
      const x = (a * fb - b * fa) / (fb - fa);
      const fx = tail(Math.exp(x)) - target;
      if (fx > 0) {
        a = x;
        fa = fx;
        if (side === -1) fb /= 2;
        side = -1;
      } else {
        b = x;
        fb = fx;
        if (side === 1) fa /= 2;
        side = 1;
      }
      if (Math.abs(fx) < 1e-7 * target) return Math.exp(x) * 1000;
    }
    return Math.exp(b) * 1000;
  });
}
