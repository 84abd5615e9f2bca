/**
 * The metric value to hand `decide` so that its proportional rule
 * (`ceil(current * value / target)`, acting only when |value/target - 1| > tolerance)
 * lands exactly on `replicas`, the HPA replica calculator's answer. The measured
 * value is used when it already does (so audit reasons show real utilization),
 * else the value nearest to it that does; undefined when none does (the caller
 * then holds). Values sit a hair inside the interval that rounds up to
 * `replicas`, so float rounding in either evaluation order agrees.
 */
export function valueForReplicas(current: number, replicas: number, target: number, tolerance: number, measured?: number): number | undefined {
  if (current <= 0 || replicas < 1 || replicas === current) return undefined;
  const lo = (target * (replicas - 1 + 1e-6)) / current;
  const hi = (target * (replicas - 1e-6)) / current;
  const candidates = [...(measured !== undefined && Number.isFinite(measured) ? [measured, Math.min(hi, Math.max(lo, measured))] : []), replicas > current ? hi : lo, (target * (replicas - 0.5)) / current, replicas > current ? lo : hi];
  for (const v of candidates) {
    const ratio = v / target;
    if (Math.ceil((current * v) / target) === replicas && Math.ceil(current * ratio) === replicas && Math.abs(ratio - 1) > tolerance) return v;
  }
  return undefined;
}
