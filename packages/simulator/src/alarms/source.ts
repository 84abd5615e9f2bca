import type { AlarmSource, Signal, TargetRef } from '@autoscaler/core';
import type { SizeQueue } from '../model/service';
import type { ProviderProfile } from '../profiles/profile';
import type { SimulatedDeployment } from '../provider/simulated-deployment';
import type { MetricStore } from './metric-store';

/** What every simulated source may look at: the target, the published metrics, the deployment (for pods). */
export interface SourceContext {
  ref: TargetRef;
  store: MetricStore;
  deployment: SimulatedDeployment;
  profile: ProviderProfile;
  /** Per size: workers, service rate, SLO-safe max rps. */
  queues: ReadonlyMap<string, SizeQueue>;
  /** Arrival rate of the minute being served, requests per second (the HPA samples pods live). */
  currentRps(now: number): number;
}

/** What a source hands to the orchestrator at one evaluation. */
export interface SourceOutput {
  /** Raw deliveries (alarm notifications) for `Autoscaler.handle(raw, source.name)`. */
  deliveries: unknown[];
  /** Already-normalized signals (pollers) for `Autoscaler.handleSignals`. */
  signals: Signal[];
}

/** An `AlarmSource` the simulator drives on a clock: alarm evaluation (push) or a poll loop (pull). */
export interface SimulatedSource extends AlarmSource {
  /** Seconds between evaluations. */
  readonly cadenceSeconds: number;
  tick(now: number): SourceOutput;
}

export const NOTHING: SourceOutput = { deliveries: [], signals: [] };
