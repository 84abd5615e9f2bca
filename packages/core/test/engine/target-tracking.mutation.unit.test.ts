/**
 * Target tracking (target-tracking.ts) through decide: the edges mutation testing found unguarded.
 * The band's edges with a tolerance, `statistic: total`, scale from zero, which signals take the
 * HPA arithmetic over pod samples, the rule's own cooldowns, and the reason texts word for word.
 */
import { decide, type HpaPod, type Policy, type Signal } from '../../src/index';
import { mark, NOW, policy, sample, state } from './decide-support';

const tt = (extra: Record<string, unknown> = {}, limits: Record<string, unknown> = {}): Policy =>
  policy([{ name: 'tt', targetTracking: { metric: 'cpu', target: 100, ...extra } }], limits);
const cpu = (value: number, extra: Partial<Signal> = {}): Signal => sample('cpu', value, extra);
const NO_CHANGE = 'no rule asks for a change';

/** `n` running, ready pods requesting 1000m and using `usage` each (undefined: no sample). */
const pods = (n: number, usage: number | undefined, extra: Partial<HpaPod> = {}, prefix = 'p'): HpaPod[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `${prefix}${i}`,
    phase: 'Running' as const,
    request: 1000,
    ...(usage !== undefined ? { usage } : {}),
    sampleTime: NOW,
    ...extra,
  }));
/** A utilization reading with its pod samples; `value` is what a mean-only rule would read. */
const withSamples = (samples: HpaPod[], value: number, extra: Partial<Signal> = {}): Signal => cpu(value, { samples, ...extra });
const hpa = (extra: Record<string, unknown> = {}, limits: Record<string, unknown> = {}): Policy => tt({ algorithm: 'hpa', ...extra }, limits);

describe('the band (aws: out above target x (1 + tolerance), in below target x scaleInRatio x (1 - tolerance))', () => {
  it.each([
    // [what, rule extra, replicas, per-instance value, expected replicas or undefined for no rule asking]
    ['exactly at target with no tolerance asks nothing', {}, 2, 100, undefined],
    ['exactly at 90% of target (scaleInRatio 0.9) is not below it', {}, 10, 90, undefined],
    ['aws without a tolerance: 5% over target moves out', {}, 2, 105, 3],
    ['hpa without a tolerance: 0.1 by default, 5% over stays', { algorithm: 'hpa' }, 2, 105, undefined],
    ['tolerance 0.5: exactly 1.5 x target is not above it', { tolerance: 0.5 }, 2, 150, undefined],
    ['tolerance 0.5: 1.2 x target is inside', { tolerance: 0.5 }, 2, 120, undefined],
    ['tolerance 0.5: past 1.5 x target moves out', { tolerance: 0.5 }, 2, 151, 4],
    ['tolerance 0.5: above 0.9 x 0.5 x target (45) stays', { tolerance: 0.5 }, 10, 60, undefined],
    ['tolerance 0.5: below 45 moves in', { tolerance: 0.5 }, 10, 44, 5],
    ['hpa, tolerance 0.5: |ratio - 1| exactly 0.5 stays', { algorithm: 'hpa', tolerance: 0.5 }, 2, 150, undefined],
    ['hpa, tolerance 0.5: past it moves', { algorithm: 'hpa', tolerance: 0.5 }, 2, 151, 4],
    ['hpa scales in as soon as |ratio - 1| > 0.1 (85%)', { algorithm: 'hpa' }, 10, 85, 9],
    ['aws without a tolerance: 85% is below 90% of target and moves in', {}, 10, 85, 9],
    ['aws, tolerance 0.1: 85% is above 0.9 x 0.9 x target (81) and stays, where hpa moves', { tolerance: 0.1 }, 10, 85, undefined],
    ['disableScaleIn: a low reading asks nothing', { disableScaleIn: true }, 4, 20, undefined],
  ])('%s', (_what, extra, replicas, value, expected) => {
    const d = decide(tt(extra), state(replicas), [cpu(value)], {}, NOW);
    if (expected === undefined) expect(d).toMatchObject({ action: 'none', reason: NO_CHANGE });
    else expect(d).toMatchObject({ action: 'scale', to: { replicas: expected }, rule: 'tt' });
  });

  it('ignores a reading of another metric', () => {
    expect(decide(tt(), state(2), [sample('memory', 300)], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('is an absolute proposal: a scale-out cooldown whose mark does not say how much it added does not hold it', () => {
    const d = decide(tt({}, { cooldown: { scaleOut: 300, scaleIn: 0 } }), state(2, { lastScaleOut: mark(60) }), [cpu(200)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 4 } });
  });

  it('an alarm back to OK is no reading, whatever value it carries', () => {
    expect(decide(tt(), state(2), [cpu(300, { state: 'ok' })], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('a firing alarm without a value is a remark naming the metric', () => {
    const d = decide(tt(), state(2), [{ ...cpu(0), state: 'firing', value: undefined }], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'insufficient-data', reason: 'tt: target tracking on cpu needs a metric value' });
  });

  it('says why, with the per-instance value, the target and the ratio', () => {
    expect(decide(tt(), state(2), [cpu(150)], {}, NOW).reason).toBe('cpu 150/instance vs target 100 (ratio 1.5): 3 replicas');
  });

  it('statistic total: the value is the fleet total, divided by the replicas for the band and the reason', () => {
    expect(decide(tt({ statistic: 'total' }), state(2), [cpu(500)], {}, NOW)).toMatchObject({
      action: 'scale',
      to: { replicas: 5 },
      reason: 'cpu 250/instance vs target 100 (ratio 2.5): 5 replicas',
    });
    // 300 over 3 replicas is 100 per instance: on target.
    expect(decide(tt({ statistic: 'total' }), state(3), [cpu(300)], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('disableScaleIn still lets a rule hold the fleet when its reading rounds back to it (a hold vetoes scale-in)', () => {
    // 89 per instance is under 90% of 100, but ceil(2 x 89 / 100) = 2: the rule holds at 2 and says so.
    const d = decide(tt({ disableScaleIn: true }), state(2), [cpu(89)], {}, NOW);
    expect(d).toMatchObject({ action: 'none', rule: 'tt', reason: 'cpu 89/instance vs target 100 (ratio 0.89): 2 replicas' });
  });
});

describe('scale from zero', () => {
  const zero = { minReplicas: 0 };

  it('starts one instance for a per-instance metric, and says so', () => {
    expect(decide(tt({}, zero), state(0), [cpu(50)], {}, NOW)).toMatchObject({
      action: 'scale',
      to: { replicas: 1 },
      reason: 'cpu 50 with 0 replicas: start 1',
    });
  });

  it('a reading of zero starts nothing', () => {
    expect(decide(tt({ statistic: 'total' }, zero), state(0), [cpu(0)], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('a per-instance reading starts one instance, however high', () => {
    expect(decide(tt({}, zero), state(0), [cpu(250)], {}, NOW)).toMatchObject({ to: { replicas: 1 }, reason: 'cpu 250 with 0 replicas: start 1' });
  });

  it('starts total / target for a total, named in the reason', () => {
    expect(decide(tt({ statistic: 'total' }, zero), state(0), [cpu(250)], {}, NOW)).toMatchObject({
      to: { replicas: 3 },
      reason: 'cpu 250 with 0 replicas: start 3',
    });
  });

  it('is an absolute proposal: a scale-out cooldown whose mark does not say how much it added does not hold it', () => {
    const d = decide(tt({}, { ...zero, cooldown: { scaleOut: 300, scaleIn: 0 } }), state(0, { lastScaleOut: mark(60) }), [cpu(50)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 1 } });
  });

  it('with algorithm hpa and pod samples (none running yet), it starts from the value too', () => {
    const d = decide(hpa({}, zero), state(0), [withSamples(pods(1, 500, { phase: 'Pending' }), 50)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 1 }, reason: 'cpu 50 with 0 replicas: start 1' });
  });
});

describe('the rule’s own cooldowns', () => {
  const marked = { lastScaleOut: mark(300, 2, 3), lastScaleIn: mark(300, 4, 3) };

  // 300 s after each: inside a 600 s cooldown, outside a 60 s one.
  const outLong = { scaleOutCooldown: 600, scaleInCooldown: 60 };
  const inLong = { scaleOutCooldown: 60, scaleInCooldown: 600 };

  it('scaleOutCooldown applies to its scale-out (counted, as an absolute proposal), scaleInCooldown to its scale-in', () => {
    expect(decide(tt(outLong), state(2, marked), [cpu(200)], {}, NOW).reason).toBe(
      'cpu 200/instance vs target 100 (ratio 2): 4 replicas; counted the last scale-out within cooldown',
    );
    expect(decide(tt(inLong), state(2, marked), [cpu(200)], {}, NOW).reason).toBe('cpu 200/instance vs target 100 (ratio 2): 4 replicas');
    expect(decide(tt(inLong), state(4, marked), [cpu(20)], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(decide(tt(outLong), state(4, marked), [cpu(20)], {}, NOW)).toMatchObject({ action: 'scale', to: { replicas: 1 } });
  });

  it('the same for the HPA arithmetic over pod samples', () => {
    const out = (rule: Record<string, unknown>): string => decide(hpa(rule), state(2, marked), [withSamples(pods(2, 2000), 200)], {}, NOW).reason;
    const inn = (rule: Record<string, unknown>) => decide(hpa(rule), state(4, marked), [withSamples(pods(4, 200), 20)], {}, NOW);
    expect(out(outLong)).toBe('cpu 200% of requests over 2 pods vs target 100% (HPA arithmetic): 4 replicas; counted the last scale-out within cooldown');
    expect(out(inLong)).toBe('cpu 200% of requests over 2 pods vs target 100% (HPA arithmetic): 4 replicas');
    expect(inn(inLong)).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(inn(outLong)).toMatchObject({ action: 'scale', to: { replicas: 1 } });
  });

  it('the HPA proposal is absolute: a scale-out cooldown whose mark does not say how much it added does not hold it', () => {
    const d = decide(hpa({}, { cooldown: { scaleOut: 300, scaleIn: 0 } }), state(2, { lastScaleOut: mark(60) }), [withSamples(pods(2, 2000), 200)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 4 } });
  });
});

describe('which readings take the HPA arithmetic: algorithm hpa, per instance, with samples, from a running fleet', () => {
  // Two pods at 200% of their requests, but a mean of 100 on the signal: the two paths disagree.
  const s = (): Signal => withSamples(pods(2, 2000), 100);

  it('algorithm aws reads the value, not the samples', () => {
    expect(decide(tt(), state(2), [s()], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('statistic total reads the value, not the samples', () => {
    expect(decide(hpa({ statistic: 'total' }), state(2), [withSamples(pods(2, 2000), 200)], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('algorithm hpa, per instance: the samples, named in the reason with the utilization', () => {
    expect(decide(hpa(), state(2), [s()], {}, NOW)).toMatchObject({
      to: { replicas: 4 },
      reason: 'cpu 200% of requests over 2 pods vs target 100% (HPA arithmetic): 4 replicas',
    });
  });

  it('memory is a resource the HPA arithmetic knows', () => {
    const p = policy([{ name: 'mem', targetTracking: { metric: 'memory', target: 100, algorithm: 'hpa' } }]);
    const d = decide(p, state(2), [{ ...s(), metric: 'memory' }], {}, NOW);
    expect(d).toMatchObject({ to: { replicas: 4 }, reason: 'memory 200% of requests over 2 pods vs target 100% (HPA arithmetic): 4 replicas' });
  });

  it('dimensions.resource names the resource when the metric name does not', () => {
    const p = policy([{ name: 'c', targetTracking: { metric: 'container_cpu', target: 100, algorithm: 'hpa' } }]);
    const d = decide(p, state(2), [{ ...s(), metric: 'container_cpu', dimensions: { resource: 'cpu' } }], {}, NOW);
    expect(d).toMatchObject({ to: { replicas: 4 }, reason: 'container_cpu 200% of requests over 2 pods vs target 100% (HPA arithmetic): 4 replicas' });
  });

  it('a fractional target is rounded to the whole percent the HPA arithmetic takes', () => {
    expect(decide(hpa({ target: 99.6 }), state(2), [s()], {}, NOW)).toMatchObject({ action: 'scale', to: { replicas: 4 } });
  });

  it('its own tolerance, not the default 0.1: 125% with tolerance 0.3 stays', () => {
    expect(decide(hpa({ tolerance: 0.3 }), state(3), [withSamples(pods(3, 1250), 125)], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
    expect(decide(hpa(), state(3), [withSamples(pods(3, 1250), 125)], {}, NOW).to.replicas).toBe(4);
  });

  it('inside the tolerance it asks nothing (no hold proposal)', () => {
    expect(decide(hpa(), state(3), [withSamples(pods(3, 1100), 110)], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('a pod the HPA arithmetic refuses (no request) is a remark with the pod count, not a crash', () => {
    const d = decide(hpa(), state(2), [withSamples(pods(2, 2000, { request: undefined }), 200)], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'insufficient-data' });
    expect(d.reason).toMatch(/^tt: HPA arithmetic on 2 pod samples: missing request for cpu of Pod p0/);
  });
});

describe('missing samples never scale in, but only a counted pod’s missing sample', () => {
  it('a running pod without a sample holds a scale-in', () => {
    const d = decide(hpa(), state(4), [withSamples([...pods(3, 100), ...pods(1, undefined, {}, 'silent')], 10)], {}, NOW);
    expect(d).toMatchObject({ action: 'none', reason: 'tt: a pod has no metrics sample: no scale-in on missing data' });
  });

  it.each([
    ['a deleting pod', { deleting: true }],
    ['a failed pod', { phase: 'Failed' as const }],
  ])('%s without a sample does not', (_what, extra) => {
    const d = decide(hpa(), state(4), [withSamples([...pods(3, 100), ...pods(1, undefined, extra, 'gone')], 10)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', direction: 'in' });
  });

  it('a missing sample does not hold a scale-out, nor does disableScaleIn', () => {
    const samples = [...pods(3, 3000), ...pods(1, undefined, {}, 'silent')];
    expect(decide(hpa({ disableScaleIn: true }), state(4), [withSamples(samples, 300)], {}, NOW)).toMatchObject({ action: 'scale', direction: 'out' });
  });
});
