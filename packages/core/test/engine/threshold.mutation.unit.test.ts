/**
 * Threshold rules (threshold.ts) through decide: the edges mutation testing found unguarded. An
 * alarm-identified rule with a bound trusts an alarm that fired without a value; a metric-only rule
 * needs the value; the reason names the alarm or metric, how it crossed, the value and the change.
 */
import { decide } from '../../src/index';
import { alarm, NOW, policy, sample, state } from './decide-support';

const NO_CHANGE = 'no rule asks for a change';

describe('a bound on an alarm-identified rule: the alarm is trusted when it carries no value', () => {
  const p = policy([
    { name: 'up', threshold: { alarm: 'high', above: 80, change: 1 } },
    { name: 'down', threshold: { alarm: 'low', below: 20, change: -1 } },
  ]);

  it.each([
    ['above', 'high', 4, 'high firing: +1 replica'],
    ['below', 'low', 2, 'low firing: -1 replica'],
  ])('%s: fires without a value', (_bound, name, to, reason) => {
    expect(decide(p, state(3), [alarm(name)], {}, NOW)).toMatchObject({ action: 'scale', to: { replicas: to }, reason });
  });

  it.each([
    ['above, at the bound', 'high', 80],
    ['below, at the bound', 'low', 20],
  ])('%s: a value that does not cross is not trusted over the bound', (_what, name, value) => {
    expect(decide(p, state(3), [alarm(name, { value })], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });
});

describe('a bound on a metric-only rule needs the value', () => {
  const p = policy([
    { name: 'up', threshold: { metric: 'CpuUtilization', above: 80, change: 2 } },
    { name: 'down', threshold: { metric: 'CpuUtilization', below: 20, change: -2 } },
  ]);

  it('an alarm on that metric without a value crosses neither bound', () => {
    expect(decide(p, state(3), [alarm('cpu-alarm')], {}, NOW)).toMatchObject({ action: 'none', reason: NO_CHANGE });
  });

  it('a sampled value past the bound says "breached", the value rounded and the change with its sign', () => {
    expect(decide(p, state(3), [sample('CpuUtilization', 95.43219)], {}, NOW).reason).toBe('CpuUtilization breached (value 95.432): +2 replicas');
    expect(decide(p, state(5), [sample('CpuUtilization', 10)], {}, NOW).reason).toBe('CpuUtilization breached (value 10): -2 replicas');
  });
});

it('a firing alarm with a value: its display name, "firing" and the value', () => {
  const p = policy([{ name: 'up', threshold: { alarm: 'arn:high', change: 1 } }]);
  expect(decide(p, state(3), [alarm('arn:high', { alarmName: 'High CPU', value: 91 })], {}, NOW).reason).toBe('High CPU firing (value 91): +1 replica');
});

it('a size rule names the alarm and the rung it asks for', () => {
  const p = policy([{ name: 'bigger', threshold: { alarm: 'high', size: 'next' } }], { sizes: ['s1', 's2', 's3'] });
  expect(decide(p, state({ replicas: 2, size: 's1' }), [alarm('high')], {}, NOW)).toMatchObject({
    action: 'resize',
    to: { size: 's2' },
    reason: 'high firing: next size: s1 -> s2',
  });
});
