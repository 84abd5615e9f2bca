// PLACEHOLDER written by the lead so the orchestrator compiles until helper H1's forecaster lands.
// H1: overwrite this file freely with the real exports (keep `Forecaster` with this signature).
import type { PredictiveRule } from '../policy/schema';
import type { Forecast, MetricPoint } from '../types';

export class Forecaster {
  constructor(private readonly rule: PredictiveRule) {}

  forecast(points: readonly MetricPoint[], _now: number, horizonSeconds: number): Forecast {
    const n = Math.round((this.rule.levelMinutes * 60) / this.rule.periodSeconds);
    if (points.length < n) return { ok: false, reason: `too few points (${points.length} < ${n})` };
    const recent = points.slice(-n);
    const level = recent.reduce((s, p) => s + p.value, 0) / n;
    return { ok: true, load: level * 1.15, level, headroom: 1.15, horizonSeconds, points: points.length };
  }
}
