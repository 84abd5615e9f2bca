import { erlangC, maxRateWithin, meanInSystem, responseTimePercentile, responseTimeTail } from '../../src/model/erlang';

describe('Erlang C', () => {
  it.each([
    // c, a (Erlangs), P(wait): closed forms and the classic call-centre table value.
    [1, 0.5, 0.5],
    [2, 1, 1 / 3],
    [2, 1.5, 9 / 14],
    [10, 8, 0.409],
  ])('C(%i, %f) = %f', (c, a, expected) => {
    expect(erlangC(c, a)).toBeCloseTo(expected, 3);
  });

  it('is 0 with no load and 1 at or beyond saturation', () => {
    expect(erlangC(4, 0)).toBe(0);
    expect(erlangC(4, 4)).toBe(1);
    expect(erlangC(4, 5)).toBe(1);
  });
});

describe('M/M/c response time', () => {
  it('M/M/1: the response time is exponential with rate mu - lambda', () => {
    // p95 = ln(20) / (mu - lambda); mean in system = rho / (1 - rho).
    expect(responseTimePercentile(0.95, 1, 20, 10)).toBeCloseTo(Math.log(20) / 10, 9);
    expect(responseTimePercentile(0.5, 1, 20, 15)).toBeCloseTo(Math.log(2) / 5, 9);
    expect(meanInSystem(1, 20, 10)).toBeCloseTo(1, 9);
  });

  it('an idle M/M/c answers in the service time alone (exponential, rate mu)', () => {
    expect(responseTimePercentile(0.95, 8, 20, 0)).toBeCloseTo(Math.log(20) / 20, 9);
  });

  it('the percentile is where the tail equals 1 - p, including when theta = mu', () => {
    for (const [c, mu, lambda] of [
      [4, 20, 70],
      [2, 20, 20], // theta = c mu - lambda = mu: the degenerate branch
      [16, 20, 300],
    ] as const) {
      const t = responseTimePercentile(0.99, c, mu, lambda);
      expect(responseTimeTail(t, c, mu, lambda)).toBeCloseTo(0.01, 9);
    }
  });

  it('overload has no percentile: Infinity, and the tail is 1', () => {
    expect(responseTimePercentile(0.95, 2, 20, 40)).toBe(Infinity);
    expect(responseTimeTail(10, 2, 20, 45)).toBe(1);
  });

  it('the SLO-safe rate is where p95 meets the objective, and bigger instances run hotter at the same objective', () => {
    const slo = 0.25;
    const r2 = maxRateWithin(slo, 0.95, 2, 20);
    expect(responseTimePercentile(0.95, 2, 20, r2)).toBeCloseTo(slo, 6);
    const util = [1, 2, 4, 8, 16].map((c) => maxRateWithin(slo, 0.95, c, 20) / (c * 20));
    for (let i = 1; i < util.length; i++) expect(util[i]!).toBeGreaterThan(util[i - 1]!);
    // An objective below the idle p95 (150 ms at 50 ms service time) cannot be met at any rate.
    expect(maxRateWithin(0.1, 0.95, 2, 20)).toBe(0);
  });
});
