import { decide, validatePolicy, type Policy, type Signal, type TargetState } from '../../src/index';
import { validationErrorOf } from '../expect-validation-error';
import { NOW, policy as basePolicy } from './decide-support';

const REF = { provider: 'oci-data-science', id: 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaaexample' };

/** decide-support's policy with a deployment's cooldowns (out 60 s, in 300 s), which the resize cooldown follows. */
const policy = (rules: unknown[], limits: Record<string, unknown> = {}): Policy =>
  basePolicy(rules, { bandwidthMbps: { min: 10, max: 20 }, cooldown: { scaleOut: 60, scaleIn: 300 }, ...limits });

const state = (bandwidthMbps: number | undefined, replicas = 2, lastResizeAt?: number): TargetState => ({
  ref: REF,
  capacity: { replicas, size: 'VM.Standard2.1', ...(bandwidthMbps !== undefined ? { bandwidthMbps } : {}) },
  status: 'ready',
  managed: true,
  persisted: { dedupeKeys: [], recommendations: [], ...(lastResizeAt !== undefined ? { lastResize: { at: lastResizeAt } } : {}) },
});

const sample = (metric: string, value: number): Signal => ({
  target: REF,
  source: 'oci-monitoring',
  metric,
  state: 'value',
  value,
  dedupeKey: `${metric}-${value}`,
  at: NOW,
});
const tracking = [{ name: 'lb', targetTracking: { metric: 'PredictBandwidthUtilization', target: 70, capacity: 'bandwidth' } }];

describe('load balancer bandwidth (OCI): decided by the same engine, within limits.bandwidthMbps', () => {
  it.each([
    ['high utilization raises it in proportion', 12, 84, 15],
    ['past the max it is capped', 15, 140, 20],
    ['low utilization lowers it (below 90% of target)', 16, 35, 10],
  ])('%s', (_what, current, utilization, expected) => {
    const d = decide(policy(tracking), state(current), [sample('PredictBandwidthUtilization', utilization)], {}, NOW);
    expect(d).toMatchObject({ action: 'resize', to: { bandwidthMbps: expected, replicas: 2 }, rule: 'lb' });
  });

  it('inside the band nothing changes', () => {
    expect(decide(policy(tracking), state(12), [sample('PredictBandwidthUtilization', 68)], {}, NOW).action).toBe('none');
  });

  it('a threshold rule adds or removes Mbps, clamped', () => {
    const rules = [
      { name: 'lb-up', threshold: { metric: 'PredictBandwidthUtilization', above: 80, bandwidth: 5 } },
      { name: 'lb-down', threshold: { metric: 'PredictBandwidthUtilization', below: 20, bandwidth: -5 } },
    ];
    expect(decide(policy(rules), state(18), [sample('PredictBandwidthUtilization', 90)], {}, NOW).to.bandwidthMbps).toBe(20);
    expect(decide(policy(rules), state(12), [sample('PredictBandwidthUtilization', 10)], {}, NOW).to.bandwidthMbps).toBe(10);
  });

  it('respects the resize cooldown (down waits 300 s)', () => {
    const d = decide(policy(tracking), state(16, 2, NOW - 120_000), [sample('PredictBandwidthUtilization', 35)], {}, NOW);
    expect(d).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
  });

  it('a replica change in the same decision wins; bandwidth waits for the next one', () => {
    const rules = [...tracking, { name: 'cpu', threshold: { metric: 'CpuUtilization', above: 80, change: 1 } }];
    const d = decide(policy(rules), state(12), [sample('PredictBandwidthUtilization', 90), sample('CpuUtilization', 95)], {}, NOW);
    expect(d).toMatchObject({ action: 'scale', to: { replicas: 3, bandwidthMbps: 12 } });
  });

  it('an unknown current bandwidth is a remark, never a guess', () => {
    const d = decide(policy(tracking), state(undefined), [sample('PredictBandwidthUtilization', 95)], {}, NOW);
    expect(d.action).toBe('none');
    expect(d.reason).toMatch(/current load balancer bandwidth is unknown/);
  });

  it('a bandwidth rule without limits.bandwidthMbps is refused by path', () => {
    const bad = () =>
      validatePolicy({
        name: 'x',
        limits: { maxReplicas: 3 },
        rules: [
          { name: 'lb', threshold: { metric: 'm', above: 1, bandwidth: 5 } },
          { name: 'lb2', targetTracking: { metric: 'm', target: 50, capacity: 'bandwidth' } },
        ],
      });
    expect(validationErrorOf(bad).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['rules[0].threshold.bandwidth', 'rules[1].targetTracking.capacity']),
    );
    expect(() =>
      validatePolicy({ name: 'x', limits: { maxReplicas: 3 }, rules: [{ name: 'both', threshold: { metric: 'm', above: 1, change: 1, bandwidth: 5 } }] }),
    ).toThrow(/set exactly one of change \(replicas\), size \(next\|previous\), bandwidth \(Mbps\) or weight/);
  });
});
