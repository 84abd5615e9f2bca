import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide, parsePolicy, type Policy, type Signal, type TargetState } from '../../src/index';
import { validationErrorOf } from '../expect-validation-error';
import { NOW, policy as basePolicy } from './decide-support';

const REF = { provider: 'aws-sagemaker', id: 'endpoint/ab/variant/Green' };

/** decide-support's policy with a deployment's cooldowns (out 60 s, in 300 s), which the resize cooldown follows. */
const policy = (rules: unknown[], limits: Record<string, unknown> = {}): Policy => basePolicy(rules, { cooldown: { scaleOut: 60, scaleIn: 300 }, ...limits });

const state = (weight: number | undefined, lastResizeAt?: number): TargetState => ({
  ref: REF,
  capacity: { replicas: 2, size: 'ml.m5.large', ...(weight !== undefined ? { weight } : {}) },
  status: 'ready',
  managed: true,
  persisted: { dedupeKeys: [], recommendations: [], ...(lastResizeAt !== undefined ? { lastResize: { at: lastResizeAt } } : {}) },
});

const alarm = (name: string, firing = true): Signal => ({
  target: REF,
  source: 'cloudwatch',
  metric: 'Invocation5XXErrors',
  alarm: name,
  state: firing ? 'firing' : 'ok',
  dedupeKey: `${name}-${String(firing)}`,
  at: NOW,
});
const errors = (value: number): Signal => ({
  target: REF,
  source: 'cloudwatch',
  metric: 'Invocation5XXErrors',
  state: 'value',
  value,
  dedupeKey: `e-${value}`,
  at: NOW,
});

const OFF = { name: 'canary-off', threshold: { alarm: 'canary-5xx', weight: 0 } };
const BACK = { name: 'canary-back', threshold: { metric: 'Invocation5XXErrors', below: 1, weight: 1 } };

describe('traffic weight (multi-variant endpoints): threshold rules with an absolute weight', () => {
  it('a firing alarm takes the variant out of traffic; replicas stay', () => {
    const d = decide(policy([OFF]), state(1), [alarm('canary-5xx')], {}, NOW);
    expect(d).toMatchObject({
      action: 'resize',
      direction: 'down',
      from: { weight: 1 },
      to: { replicas: 2, size: 'ml.m5.large', weight: 0 },
      rule: 'canary-off',
    });
    expect(d.reason).toBe('canary-5xx firing: weight 1 -> 0');
  });

  it('a metric below its bound gives the traffic back', () => {
    const d = decide(policy([BACK]), state(0), [errors(0)], {}, NOW);
    expect(d).toMatchObject({ action: 'resize', direction: 'up', to: { weight: 1 }, rule: 'canary-back' });
    expect(d.reason).toBe('Invocation5XXErrors at 0: weight 0 -> 1');
    expect(decide(policy([BACK]), state(0), [errors(3)], {}, NOW).action).toBe('none');
  });

  it('the lowest weight asked for wins', () => {
    const d = decide(policy([BACK, OFF]), state(0.5), [errors(0), alarm('canary-5xx')], {}, NOW);
    expect(d).toMatchObject({ action: 'resize', to: { weight: 0 }, rule: 'canary-off' });
  });

  it('already at the weight, an alarm that is OK, or another alarm: no action', () => {
    expect(decide(policy([OFF]), state(0), [alarm('canary-5xx')], {}, NOW).action).toBe('none');
    expect(decide(policy([OFF]), state(1), [alarm('canary-5xx', false)], {}, NOW).action).toBe('none');
    expect(decide(policy([OFF]), state(1), [alarm('latency-high')], {}, NOW).action).toBe('none');
  });

  it('a target that reports no weight (one variant, another cloud) gets a remark and no action', () => {
    const d = decide(policy([OFF]), state(undefined), [alarm('canary-5xx')], {}, NOW);
    expect(d.action).toBe('none');
    expect(d.reason).toContain('a weight rule needs a target that reports a traffic weight');
  });

  it('the resize cooldown holds it: less traffic waits the scale-in cooldown, more the scale-out one', () => {
    const held = decide(policy([OFF]), state(1, NOW - 299_000), [alarm('canary-5xx')], {}, NOW);
    expect(held).toMatchObject({ action: 'none', blockedBy: 'cooldown', rule: 'canary-off' });
    expect(held.reason).toMatch(/resize cooldown \(300s\) since /);
    expect(decide(policy([OFF]), state(1, NOW - 300_001), [alarm('canary-5xx')], {}, NOW).action).toBe('resize');
    expect(decide(policy([BACK]), state(0, NOW - 59_000), [errors(0)], {}, NOW)).toMatchObject({ action: 'none', blockedBy: 'cooldown' });
    expect(decide(policy([BACK]), state(0, NOW - 61_000), [errors(0)], {}, NOW).action).toBe('resize');
  });

  it('a replica proposal capped at the bounds does not stand in for a weight (the weight rule after it still acts)', () => {
    const out = { name: 'out', threshold: { alarm: 'canary-5xx', change: 1 } };
    const d = decide(policy([out, OFF], { maxReplicas: 2 }), state(1), [alarm('canary-5xx')], {}, NOW);
    expect(d).toMatchObject({ action: 'resize', to: { replicas: 2, weight: 0 }, rule: 'canary-off' });
  });

  it('a replica change in the same evaluation goes first (the weight waits for the next one)', () => {
    const out = { name: 'out', threshold: { alarm: 'canary-5xx', change: 1 } };
    expect(decide(policy([out, OFF]), state(1), [alarm('canary-5xx')], {}, NOW)).toMatchObject({ action: 'scale', to: { replicas: 3, weight: 1 } });
  });

  it.each([
    [{ alarm: 'a', weight: -1 }, 'rules[0].threshold.weight', 'must be >= 0'],
    [{ alarm: 'a', weight: 2_000_000 }, 'rules[0].threshold.weight', 'must be <= 1000000'],
    [
      { alarm: 'a', weight: 0, change: 1 },
      'rules[0].threshold.change',
      'set exactly one of change (replicas), size (next|previous), bandwidth (Mbps) or weight (traffic weight)',
    ],
  ])('bad weight %j: refused naming %s', (threshold, path, message) => {
    expect(validationErrorOf(() => policy([{ name: 'w', threshold }])).issues).toContainEqual({ path, message });
  });

  it('the example in docs/policy.md parses and does what the text says', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/policy.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## Traffic weight')))?.[1];
    const p = parsePolicy(yaml!);
    const green = { provider: 'aws-sagemaker', id: 'endpoint/my-endpoint/variant/Green' };
    const at = (weight: number): TargetState => ({ ...state(weight), ref: green });
    const off = decide(p, at(1), [{ ...alarm('green-5xx'), target: green }], {}, NOW);
    expect(off).toMatchObject({ action: 'resize', to: { weight: 0 }, rule: 'canary-off' });
    const back = decide(p, at(0), [{ ...errors(0), target: green }], {}, NOW);
    expect(back).toMatchObject({ action: 'resize', to: { weight: 1 }, rule: 'canary-back' });
  });
});
