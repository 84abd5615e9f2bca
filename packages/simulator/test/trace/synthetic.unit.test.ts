import { syntheticScenarioNames, syntheticScenarios, syntheticTrace } from '../../src/trace/synthetic';

const mean = (a: Float64Array, from: number, to: number): number => a.slice(from, to).reduce((x, y) => x + y, 0) / (to - from);

describe('synthetic scenarios', () => {
  it('are deterministic for a seed and differ across seeds', () => {
    for (const name of syntheticScenarioNames) {
      expect(syntheticTrace(name, 7).requests).toEqual(syntheticTrace(name, 7).requests);
      expect(syntheticTrace(name, 7).requests).not.toEqual(syntheticTrace(name, 8).requests);
    }
  });

  it('have the advertised length, whole non-negative counts and a note saying they are synthetic', () => {
    for (const s of syntheticScenarios) {
      const t = s.generate(1);
      expect(t.requests).toHaveLength(s.minutes);
      expect([...t.requests].every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
      expect(t.notes.join(' ')).toMatch(/synthetic scenario/);
    }
  });

  it('flash crowd: 5x from one minute to the next', () => {
    const r = syntheticTrace('flash-crowd', 1).requests;
    const at = 3 * 1440 + 600;
    expect(mean(r, at, at + 10) / mean(r, at - 10, at)).toBeGreaterThan(4.3);
    expect(r[at]! / r[at - 1]!).toBeGreaterThan(3.5);
  });

  it('ramp: 10x over one hour, then stays', () => {
    const r = syntheticTrace('ramp-10x', 1).requests;
    const at = 3 * 1440 + 540;
    const before = mean(r, at - 10, at);
    expect(mean(r, at + 60, at + 70) / before).toBeGreaterThan(8);
    expect(mean(r, at + 25, at + 35) / before).toBeGreaterThan(4);
    expect(mean(r, at + 25, at + 35) / before).toBeLessThan(7);
  });

  it('weekly: weekends and the holiday Monday are quiet', () => {
    const r = syntheticTrace('weekly-holiday', 1).requests;
    const day = (d: number): number => mean(r, d * 1440, (d + 1) * 1440);
    expect(day(5) / day(0)).toBeLessThan(0.5);
    expect(day(7) / day(0)).toBeLessThan(0.25);
    expect(day(8) / day(1)).toBeGreaterThan(0.9);
  });

  it('on/off: bursts at full load between near-idle gaps', () => {
    const r = syntheticTrace('on-off', 1).requests;
    const peak = Math.max(...r);
    const low = [...r].filter((c) => c < 0.1 * peak).length;
    const high = [...r].filter((c) => c > 0.8 * peak).length;
    expect(low / r.length).toBeGreaterThan(0.4);
    expect(high / r.length).toBeGreaterThan(0.15);
  });

  it('an unknown name lists the valid ones', () => {
    expect(() => syntheticTrace('tsunami', 1)).toThrow(/--scenario.*unknown scenario "tsunami".*flash-crowd, ramp-10x, weekly-holiday, on-off/);
  });
});
