import { decide } from '../../src/index';
import type { Forecast } from '../../src/index';
import { NOW, policy, state } from './decide-support';

describe('predictive: a recurrence envelope as the plan', () => {
  const p = policy([{ name: 'forecast', predictive: { metric: 'requests', target: 100 } }], { minReplicas: 1, maxReplicas: 40 });
  const run = (replicas: number, f: Forecast) => decide(p, state(replicas), [], { forecasts: { forecast: f } }, NOW);
  const envelope = (load: number): Forecast => ({ ok: true, load, level: 50, headroom: 1, horizonSeconds: 420, points: 4000, envelopeMinutes: 60 });

  it('says the plan is the highest load of the last hour, and plans from its load like any forecast', () => {
    const d = run(2, envelope(1000));
    expect(d.to.replicas).toBe(10);
    expect(d.reason).toBe('forecast requests 1000/period over 420s (highest of the last 60 min x headroom 1, level 50) vs target 100/instance: 10 replicas');
  });

  it('holds the burst capacity through an idle gap (the level alone would scale in)', () => {
    const d = run(10, envelope(1000));
    expect(d.action).toBe('none');
    expect(d.reason).toMatch(/highest of the last 60 min x headroom 1, level 50\) vs target 100\/instance: holds 10/);
  });
});
