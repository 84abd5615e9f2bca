/**
 * Predictive rules (predictive.ts) through decide: the edges mutation testing found unguarded. A
 * forecast needing exactly the fleet holds (and says so), the plan is absolute under a scale-out
 * cooldown, an unusable forecast is named even when a reactive rule decides, and the numbers in
 * the reason are rounded.
 */
import { decide, type Forecast, type Policy, type Signal } from '../../src/index';
import { mark, NOW, policy, sample, state } from './decide-support';

const pred = (extra: Record<string, unknown> = {}, limits: Record<string, unknown> = {}, rules: unknown[] = []): Policy =>
  policy([{ name: 'forecast', predictive: { metric: 'requests', target: 100, ...extra } }, ...rules], { minReplicas: 0, maxReplicas: 40, ...limits });
const forecast = (load: number, extra: Partial<Forecast> = {}): Forecast =>
  ({ ok: true, load, level: load, headroom: 1, horizonSeconds: 600, points: 4000, ...extra }) as Forecast;
const run = (p: Policy, replicas: number, f: Forecast, signals: Signal[] = [], persisted = {}) =>
  decide(p, state(replicas, persisted), signals, { forecasts: { forecast: f } }, NOW);

describe('holding', () => {
  it.each([
    ['a forecast needing exactly the fleet', 10, 1000, 'holds 10 (scales in below 850)'],
    ['one instance, half used (needs 1, under 85% of it)', 1, 50, 'holds 1 (scales in below 85)'],
  ])('%s holds and says below what it would scale in', (_what, replicas, load, tail) => {
    const d = run(pred(), replicas, forecast(load));
    expect(d).toMatchObject({ action: 'none', rule: 'forecast' });
    expect(d.reason).toBe(`forecast requests ${load}/period over 600s (level ${load}, headroom 1) vs target 100/instance: ${tail}`);
  });

  it('disableScaleIn: a forecast needing the fleet still holds it against a reactive scale-in', () => {
    const p = pred({ disableScaleIn: true }, {}, [{ name: 'low', threshold: { metric: 'cpu', below: 20, change: -1 } }]);
    expect(run(p, 1, forecast(50), [sample('cpu', 5)])).toMatchObject({ action: 'none', rule: 'forecast' });
  });
});

it('the plan is absolute: a scale-out cooldown whose mark does not say how much it added does not hold it', () => {
  const d = run(pred({}, { cooldown: { scaleOut: 300, scaleIn: 0 } }), 10, forecast(1500), [], { lastScaleOut: mark(60) });
  expect(d).toMatchObject({ action: 'scale', to: { replicas: 15 } });
});

it('a scale-in says what the forecast needs', () => {
  expect(run(pred(), 10, forecast(120)).reason).toBe('forecast requests 120/period over 600s (level 120, headroom 1) vs target 100/instance: 2 replicas');
});

it('no forecast at all is named after the reason of the reactive rule that decided', () => {
  const p = pred({}, {}, [{ name: 'high', threshold: { metric: 'cpu', above: 80, change: 1 } }]);
  const d = decide(p, state(2), [sample('cpu', 95)], {}, NOW);
  expect(d.reason).toBe('cpu breached (value 95): +1 replica; forecast: forecast unavailable (no forecast was made); reactive rules only');
});

it('an unusable forecast is named after the reason of the reactive rule that decided', () => {
  const p = pred({}, {}, [{ name: 'high', threshold: { metric: 'cpu', above: 80, change: 1 } }]);
  const d = run(p, 2, forecast(-1), [sample('cpu', 95)]);
  expect(d).toMatchObject({ action: 'scale', to: { replicas: 3 }, rule: 'high' });
  expect(d.reason).toBe('cpu breached (value 95): +1 replica; forecast: forecast unavailable (load -1 is not a finite number >= 0); reactive rules only');
});

it('rounds the load, level, headroom and envelope to three decimals', () => {
  expect(run(pred(), 2, forecast(1234.56789, { level: 1000.12345, headroom: 1.23456 })).reason).toBe(
    'forecast requests 1234.568/period over 600s (level 1000.123, headroom 1.235) vs target 100/instance: 13 replicas',
  );
  expect(run(pred(), 2, forecast(1234.56789, { level: 1000.12345, headroom: 1.23456, envelopeMinutes: 59.99999 })).reason).toBe(
    'forecast requests 1234.568/period over 600s (highest of the last 60 min x headroom 1.235, level 1000.123) vs target 100/instance: 13 replicas',
  );
});
