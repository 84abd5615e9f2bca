/**
 * Load balancer bandwidth (bandwidth.ts) through decide: the edges mutation testing found unguarded.
 * The tracking band's edges (out above target x (1 + tolerance), in below target x scaleInRatio x
 * (1 - tolerance)), the signals a rule ignores, the remarks, and the reason texts word for word.
 */
import { decide, type Policy, type Signal, type TargetState } from '../../src/index';
import { NOW, policy as basePolicy, REF } from './decide-support';

const METRIC = 'PredictBandwidthUtilization';

const policy = (rules: unknown[]): Policy => basePolicy(rules, { bandwidthMbps: { min: 10, max: 20 } });
const tracking = (extra: Record<string, unknown> = {}): Policy =>
  policy([{ name: 'lb', targetTracking: { metric: METRIC, target: 70, capacity: 'bandwidth', ...extra } }]);

const state = (bandwidthMbps: number | undefined): TargetState => ({
  ref: REF,
  capacity: { replicas: 2, ...(bandwidthMbps !== undefined ? { bandwidthMbps } : {}) },
  status: 'ready',
  managed: true,
  persisted: { dedupeKeys: [], recommendations: [] },
});

const signal = (extra: Partial<Signal> = {}): Signal => ({
  target: REF,
  source: 'oci-monitoring',
  metric: METRIC,
  state: 'value',
  dedupeKey: 'k',
  at: NOW,
  ...extra,
});
const at = (value: number, extra: Partial<Signal> = {}): Signal => signal({ value, ...extra });

/** The policy as a caller might hand it over without validatePolicy: a bandwidth rule and no limits.bandwidthMbps. */
const withoutRange = (p: Policy): Policy => ({ ...p, limits: { ...p.limits, bandwidthMbps: undefined } });

describe('bandwidth tracking: the band', () => {
  it.each([
    // [what, rule extra, current Mbps, utilization, expected Mbps or undefined for no change]
    ['in the band (65 of 70), although ceil(20 x 65 / 70) = 19 differs from 20', {}, 20, 65, undefined],
    ['exactly at 90% of target (63) is not below it', {}, 20, 63, undefined],
    ['just below 90% of target moves in', {}, 20, 62, 18],
    ['tolerance 0.1: exactly target x 1.1 is not above it', { target: 50, tolerance: 0.1 }, 10, 55, undefined],
    ['tolerance 0.1: inside target x 1.1', { target: 50, tolerance: 0.1 }, 10, 52, undefined],
    ['tolerance 0.1: past target x 1.1 moves out', { target: 50, tolerance: 0.1 }, 10, 56, 12],
    ['tolerance 0.1: above target x 0.9 x 0.9 (40.5) stays', { target: 50, tolerance: 0.1 }, 20, 42, undefined],
    ['tolerance 0.1: below target x 0.9 x 0.9 moves in', { target: 50, tolerance: 0.1 }, 20, 40, 16],
    ['disableScaleIn: low utilization keeps the bandwidth', { disableScaleIn: true }, 20, 35, undefined],
  ])('%s', (_what, extra, current, utilization, expected) => {
    const d = decide(tracking(extra), state(current), [at(utilization)], {}, NOW);
    if (expected === undefined) expect(d).toMatchObject({ action: 'none', to: { bandwidthMbps: current }, reason: 'no rule asks for a change' });
    else expect(d).toMatchObject({ action: 'resize', to: { bandwidthMbps: expected }, rule: 'lb' });
  });

  it('ignores a signal of another metric and an alarm back to OK', () => {
    for (const s of [at(95, { metric: 'CpuUtilization' }), at(95, { state: 'ok' })]) {
      expect(decide(tracking(), state(12), [s], {}, NOW)).toMatchObject({ action: 'none', reason: 'no rule asks for a change', blockedBy: 'no-rule' });
    }
  });

  it('says why it moved, with the numbers', () => {
    expect(decide(tracking(), state(12), [at(84)], {}, NOW).reason).toBe(`${METRIC} 84% vs target 70%: bandwidth 12 -> 15 Mbps`);
  });

  it('a firing alarm without a value is a remark: tracking needs the value', () => {
    const d = decide(tracking(), state(12), [signal({ state: 'firing', alarm: 'lb-high' })], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'insufficient-data', reason: `lb: bandwidth tracking on ${METRIC} needs a metric value` });
  });
});

describe('bandwidth threshold rules', () => {
  const rules = [
    { name: 'lb-up', threshold: { alarm: 'lb-high', bandwidth: 5 } },
    { name: 'lb-down', threshold: { metric: METRIC, below: 20, bandwidth: -5 } },
  ];

  it('names the alarm that fired without a value, and the Mbps with their sign', () => {
    const d = decide(policy(rules), state(12), [signal({ state: 'firing', alarm: 'lb-high', alarmName: 'LB high' })], {}, NOW);
    expect(d).toMatchObject({ action: 'resize', to: { bandwidthMbps: 17 }, reason: 'LB high firing: bandwidth +5 Mbps' });
  });

  it('an unknown current bandwidth counts from the minimum', () => {
    expect(decide(policy(rules), state(undefined), [signal({ state: 'firing', alarm: 'lb-high' })], {}, NOW)).toMatchObject({
      action: 'resize',
      to: { bandwidthMbps: 15 },
    });
  });

  it('names the value it saw, and a removal without a plus', () => {
    const d = decide(policy(rules), state(16), [at(12.3456)], {}, NOW);
    expect(d).toMatchObject({ action: 'resize', to: { bandwidthMbps: 11 }, reason: `${METRIC} at 12.346: bandwidth -5 Mbps` });
  });
});

describe('a policy that skipped validation: a bandwidth rule without limits.bandwidthMbps is a remark, not a crash', () => {
  it.each([
    ['threshold', [{ name: 'lb', threshold: { metric: METRIC, above: 80, bandwidth: 5 } }]],
    ['targetTracking', [{ name: 'lb', targetTracking: { metric: METRIC, target: 70, capacity: 'bandwidth' } }]],
  ])('%s', (_kind, rules) => {
    for (const current of [12, undefined]) {
      const d = decide(withoutRange(policy(rules)), state(current), [at(95)], {}, NOW);
      expect(d).toMatchObject({ action: 'none', blockedBy: 'insufficient-data', reason: 'lb: a bandwidth rule needs limits.bandwidthMbps' });
    }
  });
});
