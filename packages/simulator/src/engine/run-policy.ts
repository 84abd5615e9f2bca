import { Autoscaler, ManualClock, StaticPolicies, type AuditRecord, type Outcome } from '@autoscaler/core';
import { CloudWatchAlarms, targetTrackingAlarms, type CloudWatchAlarmSpec } from '../alarms/cloudwatch';
import { durationSeconds } from '../alarms/durations';
import { HpaLoop } from '../alarms/hpa-loop';
import { MetricPoller } from '../alarms/metric-poller';
import { HIGH_RES_SECONDS, MetricStore, type MetricName } from '../alarms/metric-store';
import { SimulatedMetricSource } from '../alarms/metric-source';
import { OciMonitoringAlarms } from '../alarms/oci-monitoring';
import type { SimulatedSource, SourceContext } from '../alarms/source';
import { hashSeed, Rng } from '../model/rng';
import { inFlightPerInstance } from '../model/service';
import type { SimulationPolicy } from '../policy/simulation-policy';
import { SimulatedDeployment, type CapacityChange } from '../provider/simulated-deployment';
import { serveMinute } from './minute';
import { preparePolicy, type PreparedPolicy } from './prepare';
import { ReactionTracker, type ReactionTimes } from './reaction';
import type { Scenario } from './scenario';

/** Per-minute record of one policy's run. */
export interface PolicySeries {
  /** Instances serving. */
  serving: Int32Array;
  /** Instances billed (provisioning and blue/green fleets included). */
  billed: Int32Array;
  /** Ladder index of the serving size. */
  size: Int8Array;
  /** p95 ms (Infinity in overload). */
  p95Ms: Float32Array;
  /** USD. */
  cost: Float64Array;
  violated: Uint8Array;
}

export interface PolicyRun {
  name: string;
  baseline: boolean;
  cost: number;
  minutes: number;
  violatingMinutes: number;
  droppedRequests: number;
  /** Requests that failed because no copy served (scale to zero: cold-start failures), and in how many minutes. */
  noCapacityRequests: number;
  noCapacityMinutes: number;
  /** Minutes in which nothing was billed (scaled to zero). */
  zeroMinutes: number;
  /** Scaling actions applied (scaled + resized). */
  actions: number;
  outcomes: Partial<Record<Outcome, number>>;
  series: PolicySeries;
  prepared: PreparedPolicy;
  /** Every capacity change the deployment accepted. */
  changes: CapacityChange[];
  /** Rejections and errors the orchestrator audited (first few), to spot a miswired policy. */
  problems: string[];
  /** Seconds between the policy's freshest signals: its fastest alarm period, poll or sync loop (at most 60: the periodic evaluation, a minute metric). */
  signalSeconds: number;
  /** Demand steps in this run and how fast the policy decided and capacity arrived. */
  reaction: ReactionTimes;
}

export interface RunOptions {
  onMinute?: (minute: number) => void;
  /** Minutes in which the monitoring service throttles every history call (fault tests). */
  throttleHistory?: (minute: number) => boolean;
}

function buildSources(sp: SimulationPolicy, prepared: PreparedPolicy, ctx: SourceContext): SimulatedSource[] {
  const sources: SimulatedSource[] = [];
  for (const [i, src] of sp.settings.sources.entries()) {
    switch (src.kind) {
      case 'oci-monitoring':
        sources.push(
          new OciMonitoringAlarms(
            ctx,
            src.alarms.map((a, j) => ({
              name: a.name,
              query: a.query,
              ...(a.pendingDuration !== undefined ? { pendingSeconds: durationSeconds(a.pendingDuration, `sources[${i}].alarms[${j}].pendingDuration`) } : {}),
              ...(a.repeatNotificationDuration !== undefined
                ? { repeatSeconds: durationSeconds(a.repeatNotificationDuration, `sources[${i}].alarms[${j}].repeatNotificationDuration`) }
                : {}),
            })),
          ),
        );
        break;
      case 'cloudwatch': {
        const specs: CloudWatchAlarmSpec[] = src.alarms.map((a) => ({ ...a }));
        if (src.targetTracking) {
          for (const r of prepared.policy.rules) {
            const tt = r.targetTracking;
            if (tt && tt.algorithm === 'aws')
              specs.push(
                ...targetTrackingAlarms(r.name, tt.metric, tt.target, {
                  ...(tt.scaleInRatio !== undefined ? { scaleInRatio: tt.scaleInRatio } : {}),
                  highResolution: src.highResolution,
                  ...(tt.disableScaleIn === true ? { disableScaleIn: true } : {}),
                }),
              );
          }
        }
        sources.push(new CloudWatchAlarms(ctx, specs));
        break;
      }
      case 'hpa': {
        const rule = prepared.policy.rules.find((r) => r.targetTracking?.algorithm === 'hpa')?.targetTracking;
        if (!rule) throw new Error(`${sp.name}: an hpa source needs a targetTracking rule with algorithm: hpa`);
        sources.push(
          new HpaLoop(ctx, {
            metric: rule.metric,
            targetUtilization: rule.target,
            minReplicas: prepared.policy.limits.minReplicas,
            maxReplicas: prepared.policy.limits.maxReplicas,
            syncPeriodSeconds: src.syncPeriodSeconds,
          }),
        );
        break;
      }
      case 'metrics':
        sources.push(new MetricPoller(ctx, src.metrics, src.everySeconds));
        break;
    }
  }
  return sources;
}

/**
 * Replay the scenario's load against one policy through the real orchestrator:
 * each minute the deployment serves with what is ready, publishes its metrics,
 * then every source due in that minute evaluates and hands deliveries/signals
 * to `Autoscaler.handle` / `handleSignals` on a `ManualClock`; a policy with a
 * predictive (or schedule) rule also gets the periodic `Autoscaler.evaluate`, which
 * pulls the request history from the simulated monitoring service.
 */
export async function runPolicy(s: Scenario, sp: SimulationPolicy, options: RunOptions = {}): Promise<PolicyRun> {
  const prepared = preparePolicy(sp, s);
  const minutes = s.load.rps.length;
  const clock = new ManualClock(s.start);
  const rng = new Rng(hashSeed(s.seed, sp.name));
  const store = new MetricStore(s.start, minutes, s.profile.metricDelaySeconds);
  const deployment = new SimulatedDeployment(prepared.ref, s.profile, clock, rng, { replicas: prepared.initialReplicas, size: prepared.size }, store);
  const ctx: SourceContext = {
    ref: prepared.ref,
    store,
    deployment,
    profile: s.profile,
    queues: s.queues,
    currentRps: (now) => s.load.rps[Math.min(minutes - 1, Math.max(0, Math.floor((now - s.start) / 60_000)))]!,
  };
  const sources = buildSources(sp, prepared, ctx);
  // The pull side, as the apps have it: the deployment's monitoring history for predictive rules.
  const metricSource = new SimulatedMetricSource(prepared.ref, store, s.profile, () => clock.now());
  const autoscaler = new Autoscaler({
    providers: [deployment],
    sources,
    metricSources: [metricSource],
    policies: new StaticPolicies([prepared.policy]),
    clock,
    retry: { attempts: 1, baseDelayMs: 0 },
    dedupeTtlMs: 3_600_000,
  });
  const hasSchedules = prepared.policy.rules.some((r) => r.schedule !== undefined);
  // A predictive rule runs where the apps run it: one periodic evaluation a minute (the
  // CronJob pass, the scheduled Lambda, the OCI heartbeat), pulling the metric history.
  const periodic = prepared.policy.rules.some((r) => r.predictive !== undefined);
  const tick = Math.min(60, ...sources.map((x) => x.cadenceSeconds));
  const sizeIndex = new Map(s.profile.sizes.map((x, i) => [x.name, i]));
  const hourly = new Map(s.profile.sizes.map((x) => [x.name, x.hourly]));

  const series: PolicySeries = {
    serving: new Int32Array(minutes),
    billed: new Int32Array(minutes),
    size: new Int8Array(minutes),
    p95Ms: new Float32Array(minutes),
    cost: new Float64Array(minutes),
    violated: new Uint8Array(minutes),
  };
  const outcomes: Partial<Record<Outcome, number>> = {};
  const problems: string[] = [];
  let cost = 0;
  let violating = 0;
  let dropped = 0;
  const scaleToZero = s.profile.minReplicas === 0;
  let noCapacityRequests = 0;
  let noCapacityMinutes = 0;
  let zeroMinutes = 0;
  const note = (records: readonly AuditRecord[]): void => {
    for (const r of records) {
      outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      if ((r.outcome === 'rejected' || r.outcome === 'error') && problems.length < 5) problems.push(`${r.outcome}: ${r.reason}`);
    }
  };
  const values = {} as Record<MetricName, number>;
  let published = 0;
  const reaction = new ReactionTracker(s);

  for (let m = 0; m < minutes; m++) {
    const t0 = s.start + m * 60_000;
    clock.set(t0);
    const serving = deployment.serving(t0);
    reaction.minuteStart(m, t0, serving);
    const q = s.queues.get(serving.size)!;
    const st = serveMinute(s, q, m, serving.replicas);
    const billed = deployment.billed(t0, hourly);
    const billedCount = billed.count;
    const minuteCost = billed.perHour / 60;
    cost += minuteCost;
    if (st.violated) violating++;
    dropped += st.dropped;
    if (billedCount === 0) zeroMinutes++;
    series.serving[m] = serving.replicas;
    series.billed[m] = billedCount;
    series.size[m] = sizeIndex.get(serving.size)!;
    series.p95Ms[m] = st.p95Ms;
    series.cost[m] = minuteCost;
    series.violated[m] = st.violated ? 1 : 0;
    const lambda = s.load.rps[m]!;
    values.CpuUtilization = st.cpu;
    values.MemoryUtilization = st.memory;
    // On a scale-to-zero target a request that finds no copy fails before any copy counts it.
    const failed = serving.replicas === 0 && scaleToZero ? lambda * 60 : 0;
    if (failed > 0) {
      noCapacityRequests += failed;
      noCapacityMinutes++;
    }
    values.NoCapacityInvocationFailures = failed;
    values.Invocations = lambda * 60 - failed;
    values.InvocationsPerInstance = serving.replicas > 0 ? (lambda * 60) / serving.replicas : lambda * 60 - failed;
    values.LatencyP95Ms = Number.isFinite(st.p95Ms) ? st.p95Ms : 60_000;
    values.LatencySloRatio = values.LatencyP95Ms / s.sloMs;
    values.SloUtilization = serving.replicas > 0 ? (100 * lambda) / (serving.replicas * q.maxRps) : lambda > 0 ? 1e6 : 0;
    values.DroppedRequests = st.dropped;
    values.ServingReplicas = serving.replicas;
    values.ConcurrentRequestsPerModel = st.inFlight;
    store.publish(m, values);

    for (let sec = 0; sec < 60; sec += tick) {
      const t = t0 + sec * 1000;
      if (sec > 0) clock.set(t);
      // The 10 s datapoints of ConcurrentRequestsPerModel begun by now, each from the fleet serving
      // at its start (none emitted while no instance serves).
      for (; published * HIGH_RES_SECONDS * 1000 <= t - s.start; published++) {
        const at = s.start + published * HIGH_RES_SECONDS * 1000;
        const now = deployment.serving(at);
        const rps = s.load.rps[Math.floor(published / (60 / HIGH_RES_SECONDS))]!;
        store.publishHighRes(
          'ConcurrentRequestsPerModel',
          published,
          now.replicas > 0 ? inFlightPerInstance(s.model, s.queues.get(now.size)!, rps, now.replicas) : undefined,
        );
      }
      let delivered = false;
      for (const src of sources) {
        if (sec % src.cadenceSeconds !== 0) continue;
        const out = src.tick(t);
        for (const raw of out.deliveries) {
          note((await autoscaler.handle(raw, src.name)).records);
          delivered = true;
        }
        if (out.signals.length > 0) {
          note((await autoscaler.handleSignals(out.signals)).records);
          delivered = true;
        }
      }
      if (sec === 0 && (periodic || (!delivered && hasSchedules))) {
        if (options.throttleHistory?.(m)) metricSource.throttleNext();
        note([await autoscaler.evaluate(prepared.ref)]);
      }
    }
    reaction.minuteEnd(m, t0, deployment.changes, (t) => deployment.serving(t));
    if (options.onMinute && m % 1440 === 0) options.onMinute(m);
  }
  return {
    name: sp.name,
    baseline: sp.settings.baseline,
    cost,
    minutes,
    violatingMinutes: violating,
    droppedRequests: dropped,
    noCapacityRequests,
    noCapacityMinutes,
    zeroMinutes,
    actions: (outcomes.scaled ?? 0) + (outcomes.resized ?? 0),
    outcomes,
    series,
    prepared,
    changes: deployment.changes,
    problems,
    signalSeconds: Math.min(60, ...sources.map(signalPeriod)),
    reaction: reaction.finish(),
  };
}

/** How often a source's signal can change: an alarm's period, a loop's cadence. */
function signalPeriod(src: SimulatedSource): number {
  return src instanceof CloudWatchAlarms ? src.fastestPeriod : src.cadenceSeconds;
}
