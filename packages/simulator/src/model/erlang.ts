/**
 * M/M/c queueing: one instance is c identical workers fed by a Poisson stream
 * (rate lambda, per second) with exponential service (rate mu per worker).
 * Response time T = wait W + service S; every function here is closed form
 * or a monotone root search, so it is exact to floating point and fast.
 */

/** Erlang C: probability an arriving request waits (all c workers busy). `a = lambda / mu` in Erlangs; needs a < c. */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // Erlang B by the stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** P(T > t) for M/M/c response time (seconds). Infinity-safe: overload (lambda >= c mu) gives 1. */
export function responseTimeTail(t: number, c: number, mu: number, lambda: number): number {
  if (t <= 0) return 1;
  if (lambda >= c * mu) return 1;
  const pw = erlangC(c, lambda / mu);
  return tailWithPw(t, mu, c * mu - lambda, pw);
}

/** P(T > t) given the wait probability and the wait decay rate theta = c mu - lambda. */
function tailWithPw(t: number, mu: number, theta: number, pw: number): number {
  const es = Math.exp(-mu * t);
  const d = theta - mu;
  if (Math.abs(d) < 1e-9 * mu) return es * (1 + pw * mu * t);
  // P(S > t) + integral of the convolution: e^{-mu t} + pw mu (e^{-mu t} - e^{-theta t}) / (theta - mu).
  return es + (pw * mu * (es - Math.exp(-theta * t))) / d;
}

/**
 * The p-quantile of the response time (seconds), e.g. p = 0.95. Infinity in overload.
 * Newton on the convex, decreasing tail from a point left of the root, with a bisection guard.
 */
export function responseTimePercentile(p: number, c: number, mu: number, lambda: number): number {
  if (lambda >= c * mu) return Infinity;
  const q = 1 - p;
  const theta = c * mu - lambda;
  const pw = lambda > 0 ? erlangC(c, lambda / mu) : 0;
  const slow = Math.min(mu, theta);
  // Start from a point right of the root (doubling until the tail is below q), then Newton/bisection.
  let lo = 0;
  let hi = Math.max(-Math.log(q) / slow, 1e-6);
  while (tailWithPw(hi, mu, theta, pw) > q) hi *= 2;
  let t = hi;
  for (let i = 0; i < 60; i++) {
    const f = tailWithPw(t, mu, theta, pw) - q;
    if (Math.abs(f) < 1e-12) break;
    if (f > 0) lo = t;
    else hi = t;
    // Derivative of the tail: -density of T.
    const es = Math.exp(-mu * t);
    const d = theta - mu;
    const dens = Math.abs(d) < 1e-9 * mu ? mu * es * (1 + pw * mu * t) - pw * mu * es : mu * es + (pw * mu * (mu * es - theta * Math.exp(-theta * t))) / d;
    let next = dens > 0 ? t + f / dens : (lo + hi) / 2;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) < 1e-12 * Math.max(1, t)) {
      t = next;
      break;
    }
    t = next;
  }
  return t;
}

/** Mean number of requests in one instance (waiting + in service): L = a + pw rho / (1 - rho). */
export function meanInSystem(c: number, mu: number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda >= c * mu) return Infinity;
  const a = lambda / mu;
  const rho = a / c;
  return a + (erlangC(c, a) * rho) / (1 - rho);
}

/**
 * The largest arrival rate one instance takes while its p-quantile response time
 * stays within `slo` seconds: what a load test calls MAX_RPS at the objective.
 * Zero when even an idle instance misses the objective.
 */
export function maxRateWithin(slo: number, p: number, c: number, mu: number): number {
  const q = 1 - p;
  if (responseTimeTail(slo, c, mu, 0) > q) return 0;
  let lo = 0;
  let hi = c * mu;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (responseTimeTail(slo, c, mu, mid) > q) hi = mid;
    else lo = mid;
  }
  return lo;
}
