import { ManualClock } from '@autoscaler/core';
import { MetricStore, METRICS, type MetricName } from '../src/alarms/metric-store';
import type { SourceContext } from '../src/alarms/source';
import { defaultServiceModel, sizeQueue } from '../src/model/service';
import { Rng } from '../src/model/rng';
import { providerProfile, type ProviderKind } from '../src/profiles/profile';
import { SimulatedDeployment } from '../src/provider/simulated-deployment';

export const START = Date.UTC(2026, 0, 5);

/** A source context over a real metric store and deployment, with datapoints the test writes. */
export function sourceContext(options: { minutes?: number; delaySeconds?: number; provider?: ProviderKind; replicas?: number } = {}): {
  ctx: SourceContext;
  clock: ManualClock;
  deployment: SimulatedDeployment;
  /** Publish minute m's datapoints (unset metrics are 0). */
  publish(m: number, values: Partial<Record<MetricName, number>>): void;
  /** Time of second `s` of minute `m`. */
  at: (m: number, s?: number) => number;
} {
  const minutes = options.minutes ?? 120;
  const profile = { ...providerProfile(options.provider ?? 'oci'), metricDelaySeconds: options.delaySeconds ?? 0, jitter: 0 };
  const store = new MetricStore(START, minutes, profile.metricDelaySeconds);
  const clock = new ManualClock(START);
  const ref = { provider: 'simulator', id: 'sim/test' };
  const deployment = new SimulatedDeployment(ref, profile, clock, new Rng(1), { replicas: options.replicas ?? 2 }, store);
  const queues = new Map(profile.sizes.map((s) => [s.name, sizeQueue(defaultServiceModel, s, 0.25)]));
  let rps = 0;
  const ctx: SourceContext = { ref, store, deployment, profile, queues, currentRps: () => rps };
  return {
    ctx,
    clock,
    deployment,
    publish(m, values) {
      const full = Object.fromEntries(METRICS.map((k) => [k, values[k] ?? 0])) as Record<MetricName, number>;
      store.publish(m, full);
      rps = full.Invocations / 60;
    },
    at: (m, s = 0) => START + m * 60_000 + s * 1000,
  };
}
