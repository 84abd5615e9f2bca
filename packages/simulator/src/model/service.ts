import { maxRateWithin, meanInSystem, responseTimePercentile, responseTimeTail } from './erlang';

/** One rung of a provider's size ladder, with what it costs and how much it serves. */
export interface SizeSpec {
  name: string;
  vcpus: number;
  memoryGb: number;
  /** USD per instance-hour. */
  hourly: number;
}

/**
 * How the model behaves on an instance. Requests are spread evenly over the
 * serving instances (a load balancer), so each instance is an independent
 * M/M/c queue with c = workers.
 */
export interface ServiceModel {
  /** Mean service time of one request on one worker (exponential), ms. */
  serviceTimeMs: number;
  /** Model server workers per vCPU. */
  workersPerVcpu: number;
  /** Resident memory of the loaded model per instance, GB. */
  footprintGb: number;
  /** Memory per request in flight (queued or in service), MB. */
  perRequestMb: number;
  /** Requests an instance holds in flight per worker before it rejects (overload), for the memory figure. */
  queueLimitPerWorker: number;
}

export const defaultServiceModel: ServiceModel = { serviceTimeMs: 50, workersPerVcpu: 1, footprintGb: 2, perRequestMb: 100, queueLimitPerWorker: 64 };

/** What one minute looks like on a fleet: the metrics a cloud would publish, and the SLO verdict. */
export interface MinuteState {
  /** Offered load / capacity, percent (capped at 100). */
  cpu: number;
  /** Model footprint + in-flight requests, percent of instance memory (capped at 100). */
  memory: number;
  /** p95 response time in ms (Infinity in overload). */
  p95Ms: number;
  /** Requests the fleet could not serve this minute (overload). */
  dropped: number;
  /** Mean requests in flight per instance. */
  inFlight: number;
  /** True when p95 > objective or requests were dropped. */
  violated: boolean;
}

/** Precomputed per-size constants for one service model and one objective. */
export interface SizeQueue {
  size: SizeSpec;
  workers: number;
  /** Service rate per worker, requests per second. */
  mu: number;
  /** Max arrival rate per instance with p95 within the objective (load-test MAX_RPS at the SLO). */
  maxRps: number;
}

export function sizeQueue(model: ServiceModel, size: SizeSpec, sloSeconds: number): SizeQueue {
  const workers = Math.max(1, Math.round(size.vcpus * model.workersPerVcpu));
  const mu = 1000 / model.serviceTimeMs;
  return { size, workers, mu, maxRps: maxRateWithin(sloSeconds, 0.95, workers, mu) };
}

/** The minute's state for `lambda` requests per second over `replicas` serving instances of one size. */
export function minuteState(model: ServiceModel, q: SizeQueue, lambda: number, replicas: number): MinuteState {
  const memGb = q.size.memoryGb;
  if (lambda <= 0) {
    return { cpu: 0, memory: replicas > 0 ? Math.min(100, (100 * model.footprintGb) / memGb) : 0, p95Ms: 0, dropped: 0, inFlight: 0, violated: false };
  }
  if (replicas <= 0) return { cpu: 100, memory: 0, p95Ms: Infinity, dropped: lambda * 60, inFlight: 0, violated: true };
  const per = lambda / replicas;
  const capacity = q.workers * q.mu;
  const cpu = Math.min(100, (100 * per) / capacity);
  if (per >= capacity) {
    const inFlight = q.workers * model.queueLimitPerWorker;
    return {
      cpu,
      memory: Math.min(100, (100 * (model.footprintGb + (inFlight * model.perRequestMb) / 1024)) / memGb),
      p95Ms: Infinity,
      dropped: (lambda - capacity * replicas) * 60,
      inFlight,
      violated: true,
    };
  }
  const inFlight = Math.min(meanInSystem(q.workers, q.mu, per), q.workers * model.queueLimitPerWorker);
  const p95 = responseTimePercentile(0.95, q.workers, q.mu, per);
  return {
    cpu,
    memory: Math.min(100, (100 * (model.footprintGb + (inFlight * model.perRequestMb) / 1024)) / memGb),
    p95Ms: p95 * 1000,
    dropped: 0,
    inFlight,
    // Judged by the same threshold as the oracle, so the two never disagree at the boundary.
    violated: per > q.maxRps,
  };
}

/** `minuteState(...).inFlight` alone (no p95): mean requests in flight per instance, for the 10 s metric. */
export function inFlightPerInstance(model: ServiceModel, q: SizeQueue, lambda: number, replicas: number): number {
  if (lambda <= 0 || replicas <= 0) return 0;
  const per = lambda / replicas;
  if (per >= q.workers * q.mu) return q.workers * model.queueLimitPerWorker;
  return Math.min(meanInSystem(q.workers, q.mu, per), q.workers * model.queueLimitPerWorker);
}

/** True when this fleet meets the objective at this load (cheaper than computing the p95). */
export function meetsObjective(q: SizeQueue, lambda: number, replicas: number): boolean {
  if (lambda <= 0) return true;
  if (replicas <= 0) return false;
  return lambda / replicas <= q.maxRps;
}

/** P(T > t) for one instance at `per` requests per second: for latency percentiles over many minutes. */
export function instanceTail(q: SizeQueue, per: number, t: number): number {
  return responseTimeTail(t, q.workers, q.mu, per);
}
