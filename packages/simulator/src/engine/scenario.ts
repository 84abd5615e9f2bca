import { ValidationError } from '@autoscaler/core';
import { defaultServiceModel, sizeQueue, type ServiceModel, type SizeQueue } from '../model/service';
import { providerProfile, type ProviderKind, type ProviderProfile } from '../profiles/profile';
import type { Load } from '../trace/trace';

/** Everything a run shares: the load, the cloud, the model, the objective, the seed. */
export interface Scenario {
  load: Load;
  profile: ProviderProfile;
  model: ServiceModel;
  sloMs: number;
  seed: number;
  /** Epoch ms of minute 0 (only schedules care). */
  start: number;
  /** Per size name, in ladder order. */
  queues: Map<string, SizeQueue>;
  /**
   * False (the default): every policy starts at the capacity the oracle needs in the first
   * minute, so a short trace is not judged on its first provisioning delay. True: every
   * policy starts at its minimum (`--cold-start`).
   */
  coldStart: boolean;
}

export interface ScenarioInput {
  load: Load;
  provider: ProviderKind | ProviderProfile;
  sloMs?: number;
  model?: Partial<ServiceModel>;
  seed?: number;
  start?: number;
  coldStart?: boolean;
}

export const DEFAULT_SLO_MS = 250;
export const DEFAULT_PEAK_RPS = 400;
export const DEFAULT_SEED = 1;

export function makeScenario(input: ScenarioInput): Scenario {
  const profile = typeof input.provider === 'string' ? providerProfile(input.provider) : input.provider;
  const sloMs = input.sloMs ?? DEFAULT_SLO_MS;
  if (!(sloMs > 0) || !Number.isFinite(sloMs)) throw ValidationError.field('--slo-p95-ms', `must be a positive number of milliseconds, got ${sloMs}`);
  const model = { ...defaultServiceModel, ...input.model };
  const queues = new Map<string, SizeQueue>();
  for (const s of profile.sizes) queues.set(s.name, sizeQueue(model, s, sloMs / 1000));
  const smallest = queues.get(profile.sizes[0]!.name)!;
  if (smallest.maxRps <= 0) {
    throw ValidationError.field(
      '--slo-p95-ms',
      `${sloMs} ms is below what even an idle ${smallest.size.name} achieves (p95 of the service time alone is about ${Math.round(3 * model.serviceTimeMs)} ms)`,
    );
  }
  return {
    load: input.load,
    profile,
    model,
    sloMs,
    seed: input.seed ?? DEFAULT_SEED,
    start: input.start ?? Date.UTC(2026, 0, 5),
    queues,
    coldStart: input.coldStart ?? false,
  };
}

/** Rung with the lowest price per SLO-safe request/s among sizes whose one instance is at most a quarter of the peak. */
export function cheapestSizeFor(scenario: Scenario): string {
  const qs = [...scenario.queues.values()];
  let best = qs[0]!;
  for (const q of qs) {
    if (q.maxRps > 0.25 * scenario.load.peakRps && q !== qs[0]) continue;
    if (q.size.hourly / q.maxRps < best.size.hourly / best.maxRps) best = q;
  }
  return best.size.name;
}
