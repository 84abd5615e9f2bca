import { decide, hpaReplicas, type Signal } from '@autoscaler/core';
import { join } from 'node:path';
import { sourceContext } from '../source-context';
import { loadSimulationPolicy } from '../../src/policy/simulation-policy';
import { policiesDir } from '../../src/policy/baselines';
import { HpaLoop } from '../../src/alarms/hpa-loop';

const hpaPolicy = loadSimulationPolicy(join(policiesDir, 'k8s-hpa-default.yaml'), 'kubernetes').policy;

function loop(replicas: number) {
  const env = sourceContext({ provider: 'kubernetes', delaySeconds: 15, replicas });
  const hpa = new HpaLoop(env.ctx, { metric: 'cpu', targetUtilization: 50, minReplicas: 1, maxReplicas: 50 });
  return { env, hpa };
}

describe('HPA loop', () => {
  it("signals exactly the replica calculator's answer, and decide() on the HPA baseline policy applies that count", async () => {
    const { env, hpa } = loop(2);
    env.clock.set(env.at(10));
    const q = env.ctx.queues.get(env.deployment.desiredCapacity().size!)!;
    // 90% CPU on 2 pods at target 50%: ceil(2 * 90 / 50) = 4.
    env.publish(9, { Invocations: 0.9 * 2 * q.workers * q.mu * 60 });
    const out = hpa.tick(env.at(10, 15));
    expect(out.signals).toHaveLength(1);
    const signal = out.signals[0] as Signal;
    expect(signal.dimensions).toMatchObject({ hpaProposal: '4', hpaReplicas: '4' });
    const state = await env.deployment.describe(env.ctx.ref);
    const pods = env.deployment.pods().map((p) => ({ name: p.name, phase: 'Running' as const, request: 2000, usage: 0.9 * 2000 }));
    expect(
      hpaReplicas({ currentReplicas: 2, target: { type: 'Utilization', averageUtilization: 50, resource: 'cpu' }, pods, now: env.at(10, 15) }).replicas,
    ).toBe(4);
    expect(decide({ ...hpaPolicy, targets: [env.ctx.ref] }, state, [signal], {}, env.at(10, 15)).to.replicas).toBe(4);
  });

  it('scales down only once the 300 s downscale stabilization window has passed since the last higher recommendation', () => {
    const { env, hpa } = loop(4);
    const q = env.ctx.queues.get(env.deployment.desiredCapacity().size!)!;
    const perPod = q.workers * q.mu;
    env.publish(0, { Invocations: 0.5 * 4 * perPod * 60 });
    env.clock.set(env.at(1));
    expect(hpa.tick(env.at(1)).signals).toEqual([]); // at target: nothing to do
    // Load falls to 10%: the HPA wants 1 pod, but stabilization holds 4 for 300 s.
    const signalled: number[] = [];
    for (let s = 0; s < 40; s++) {
      const t = env.at(2) + s * 15_000;
      env.publish(1 + Math.floor(s / 4), { Invocations: 0.1 * 4 * perPod * 60 });
      env.clock.set(t);
      if (hpa.tick(t).signals.length > 0) signalled.push(t - env.at(1));
    }
    // The last recommendation of 4 was at minute 1: the first scale-down comes one window later, not before.
    expect(signalled.length).toBeGreaterThan(0);
    expect(signalled[0]!).toBeGreaterThanOrEqual(300_000);
    expect(signalled[0]!).toBeLessThanOrEqual(315_000);
  });
});
