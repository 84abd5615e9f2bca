import { hpaBehavior, hpaReplicas, parseSignal, ValidationError, type HpaPod, type Signal, type TargetRef } from '@autoscaler/core';
import { NOTHING, type SimulatedSource, type SourceContext, type SourceOutput } from './source';

export interface HpaLoopOptions {
  /** The rule's metric name, e.g. `cpu`. */
  metric: string;
  /** targetAverageUtilization, percent. */
  targetUtilization: number;
  minReplicas: number;
  maxReplicas: number;
  /** --horizontal-pod-autoscaler-sync-period (default 15 s). */
  syncPeriodSeconds?: number;
}

/**
 * The HPA controller loop: every sync period it reads pod CPU samples
 * (metrics-server, delayed by the profile's resolution), computes the metric's
 * proposal with core's `hpaReplicas` (readiness, missing samples, tolerance),
 * then `hpaBehavior` with the autoscaling/v2 default behaviour (scale-down
 * stabilization 300 s; up max(+4 pods, +100%) per 15 s; down 100% per 15 s),
 * keeping the controller's recommendations and reading scale events off the
 * deployment. When its answer differs from the current replicas (the only time the
 * controller writes the scale subresource) it reaches the orchestrator as a `value` signal that a
 * targetTracking (algorithm hpa, tolerance 0) rule turns into exactly that
 * replica count: the apply still goes through `decide` and the orchestrator.
 */
export class HpaLoop implements SimulatedSource {
  readonly name = 'sim-hpa';
  readonly cadenceSeconds: number;
  private recommendations: Array<{ replicas: number; at: number }> = [];
  /** Inputs and answer of the last replica calculation, to skip identical ones. */
  private last: { current: number; total: number; ready: number; rps: number; proposal: number } | undefined;
  private nextBoundary = 0;

  constructor(
    private readonly ctx: SourceContext,
    private readonly options: HpaLoopOptions,
  ) {
    this.cadenceSeconds = options.syncPeriodSeconds ?? 15;
  }

  tick(now: number): SourceOutput {
    const desired = this.ctx.deployment.desiredCapacity();
    const current = desired.replicas;
    if (current === 0) return NOTHING;
    const sampleTime = now - this.ctx.profile.metricDelaySeconds * 1000;
    const rps = this.ctx.currentRps(sampleTime);
    const counts = this.ctx.deployment.podCounts(sampleTime);
    const readyCount = counts.ready;
    let proposal: number;
    const last = this.last;
    if (last && last.current === current && last.total === counts.total && last.ready === readyCount && last.rps === rps && now < this.nextBoundary) {
      // Same pods, same samples, and no pod crossed a readiness / CPU-initialization
      // boundary since the last computation: the calculator would repeat itself.
      proposal = last.proposal;
    } else {
      const all = this.ctx.deployment.pods();
      const delay = this.ctx.profile.metricDelaySeconds * 1000;
      let next = Infinity;
      const consider = (b: number): void => {
        if (b > now && b < next) next = b;
      };
      for (const p of all) {
        consider(p.createdAt + 30_000);
        consider(p.createdAt + 300_000);
        consider(p.readyAt);
        consider(p.readyAt + 2 * delay + 60_000);
      }
      this.nextBoundary = next;
      const pods: HpaPod[] = all.map((p) => {
        const q = this.ctx.queues.get(p.size)!;
        const request = q.size.vcpus * 1000;
        const pod: HpaPod = {
          name: p.name,
          phase: 'Running',
          ready: p.readyAt <= now,
          startTime: p.createdAt,
          readyTransitionTime: p.readyAt <= now ? p.readyAt : p.createdAt,
          request,
        };
        if (p.readyAt <= sampleTime && readyCount > 0) {
          pod.usage = Math.min(1, rps / readyCount / (q.workers * q.mu)) * request;
          pod.sampleTime = sampleTime;
          pod.sampleWindowSeconds = Math.max(1, this.ctx.profile.metricDelaySeconds);
        }
        return pod;
      });
      try {
        proposal = hpaReplicas({
          currentReplicas: current,
          target: { type: 'Utilization', averageUtilization: this.options.targetUtilization, resource: 'cpu' },
          pods,
          now,
        }).replicas;
      } catch (e) {
        // Upstream logs and skips the sync when metrics are missing.
        if (e instanceof ValidationError) return NOTHING;
        throw e;
      }
      this.last = { current, total: counts.total, ready: readyCount, rps, proposal };
    }
    // The stabilization window (300 s) and the policies' period (15 s) are all that look back.
    while (this.recommendations.length > 0 && now - this.recommendations[0]!.at > 330_000) this.recommendations.shift();
    let replicas: number;
    const inBounds = current >= this.options.minReplicas && current <= this.options.maxReplicas;
    if (inBounds && proposal <= current && (proposal === current || this.recommendations.some((r) => now - r.at < 300_000 && r.replicas >= current))) {
      // hpaBehavior's stabilization would answer "stay": the up-recommendation is at most the
      // current count and a recommendation in the 300 s down window is at least it.
      replicas = current;
    } else {
      const changes = this.ctx.deployment.changes;
      const events: typeof changes = [];
      for (let i = changes.length - 1; i >= 0 && now - changes[i]!.at < 120_000; i--) events.push(changes[i]!);
      replicas = hpaBehavior({
        currentReplicas: current,
        desiredReplicas: proposal,
        minReplicas: this.options.minReplicas,
        maxReplicas: this.options.maxReplicas,
        behavior: { scaleUp: {}, scaleDown: {} },
        recommendations: this.recommendations.map((r) => ({ replicas: r.replicas, ageSeconds: (now - r.at) / 1000 })),
        scaleUpEvents: events
          .filter((c) => c.to.replicas > c.from.replicas)
          .map((c) => ({ change: c.to.replicas - c.from.replicas, ageSeconds: (now - c.at) / 1000 })),
        scaleDownEvents: events
          .filter((c) => c.to.replicas < c.from.replicas)
          .map((c) => ({ change: c.from.replicas - c.to.replicas, ageSeconds: (now - c.at) / 1000 })),
      }).replicas;
    }
    this.recommendations.push({ replicas: proposal, at: now });
    // The controller only writes the scale subresource when its answer differs.
    if (replicas === current) return NOTHING;
    // A value that makes ceil(current * value / target) equal the HPA's replicas.
    const value = (this.options.targetUtilization * replicas * (1 - 1e-9)) / current;
    const signal: Signal = {
      target: this.ctx.ref,
      source: this.name,
      metric: this.options.metric,
      state: 'value',
      value,
      dedupeKey: `${this.name}:${now}`,
      at: now,
      dimensions: { hpaProposal: String(proposal), hpaReplicas: String(replicas) },
    };
    return { deliveries: [], signals: [signal] };
  }

  async poll(_target: TargetRef, now: number): Promise<Signal[]> {
    return this.tick(now).signals;
  }

  parse(raw: unknown): Signal[] {
    return (Array.isArray(raw) ? raw : [raw]).map((item) => parseSignal(item, this.ctx.ref));
  }
}
