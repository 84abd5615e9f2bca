import { Autoscaler, InstantClock, MemoryLogger, StaticPolicies, validatePolicy } from '@autoscaler/core';
import type { AuditRecord, Provider, Signal, TargetRef } from '@autoscaler/core';

/** The alarm the kit's policy reacts to with +1 replica. */
export const PROBE_ALARM = 'conformance-high-load';

/**
 * A real `Autoscaler` over the provider under test, with a threshold policy
 * listing the target (+1 replica when the probe alarm fires, no cooldown).
 * Each call builds a fresh orchestrator: a fresh in-process dedupe store, like
 * another Lambda container or Function instance.
 */
export function probeAutoscaler(provider: Provider, ref: TargetRef, maxReplicas: number): Autoscaler {
  const target: { provider: string; id: string; region?: string } = { provider: ref.provider, id: ref.id };
  if (ref.region !== undefined) target.region = ref.region;
  const withFloor = (minReplicas: number) =>
    validatePolicy(
      {
        name: 'conformance',
        targets: [target],
        limits: { minReplicas, maxReplicas: Math.max(1, maxReplicas), cooldown: { scaleOut: 0, scaleIn: 0 } },
        rules: [{ name: 'conformance-out', threshold: { alarm: PROBE_ALARM, change: 1 } }],
      },
      'conformance policy',
    );
  // A floor of 0, unless the target kind cannot reach zero (its checkPolicy refuses it).
  let policy = withFloor(0);
  if ((provider.checkPolicy?.(policy, ref) ?? []).some((i) => i.path === 'limits.minReplicas')) policy = withFloor(1);
  return new Autoscaler({
    providers: [provider],
    policies: new StaticPolicies([policy]),
    clock: new InstantClock(Date.now()),
    logger: new MemoryLogger(),
    retry: { attempts: 3, baseDelayMs: 1 },
  });
}

let seq = 0;

/** A firing probe alarm for `ref`, with a delivery id unique to this run. */
export function probeSignal(ref: TargetRef): Signal {
  seq++;
  return {
    target: ref,
    source: 'conformance',
    metric: 'CpuUtilization',
    alarm: PROBE_ALARM,
    alarmName: PROBE_ALARM,
    state: 'firing',
    value: 95,
    threshold: 80,
    dedupeKey: `conformance:${process.pid}:${Date.now()}:${seq}`,
    at: Date.now(),
  };
}

/** The one record a single-target delivery produces, or a clear failure. */
export function onlyRecord(records: readonly AuditRecord[]): AuditRecord {
  if (records.length !== 1) throw new Error(`expected one audit record, got ${records.length}: ${JSON.stringify(records.map((r) => [r.outcome, r.reason]))}`);
  return records[0]!;
}

/** The part of a record worth printing when an expectation fails. */
export function brief(r: AuditRecord): { outcome: string; reason: string; code?: string } {
  return { outcome: r.outcome, reason: r.reason, ...(r.code ? { code: r.code } : {}) };
}
