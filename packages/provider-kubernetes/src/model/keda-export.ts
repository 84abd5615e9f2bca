import type { NativeExport, Policy } from '@autoscaler/core';
import { exportHpa, resourceMetricOf } from './hpa-export';
import { apiKindOf, type WorkloadId } from './ids';

/** What the HPA exporter wrote: its `behavior` is what KEDA hands to the HPA it manages. */
interface HpaDocument {
  spec?: { behavior?: unknown };
}

/** HPA-export lines that the ScaledObject does express (cron triggers, scale to zero) or words differently. */
const HANDLED_HERE = [/: scheduled min\/max windows have no HPA equivalent/, /^limits\.minReplicas 0:/, /^no targetTracking rule the HPA can follow/];

/**
 * A policy as a KEDA ScaledObject (keda.sh/v1alpha1), built from plain objects: cpu/memory
 * utilization triggers from target tracking, cron triggers from schedule windows, min/max,
 * and the HPA behaviour (stabilization, rate limits) under `advanced.horizontalPodAutoscalerConfig`.
 * KEDA drives an HPA, so what the HPA export of the same policy cannot express KEDA cannot
 * either, except schedules and scale to zero.
 */
export function exportKeda(policy: Policy, id: WorkloadId): NativeExport {
  const hpa = exportHpa(policy, id);
  const unsupported = hpa.unsupported.filter((line) => !HANDLED_HERE.some((re) => re.test(line)));
  const triggers: Array<Record<string, unknown>> = [];
  let resourceTriggers = 0;

  policy.rules.forEach((rule, i) => {
    const at = `rules[${i}] (${rule.name})`;
    const tt = rule.targetTracking;
    if (tt && tt.statistic !== 'total') {
      const resource = resourceMetricOf(tt.metric);
      if (resource) {
        triggers.push({ type: resource, metricType: 'Utilization', metadata: { value: String(Math.max(1, Math.round(tt.target))) } });
        resourceTriggers++;
      } else {
        unsupported.push(
          `${at}: target tracking on ${tt.metric} needs a KEDA scaler that reads its source (e.g. prometheus with serverAddress and query); not exported`,
        );
      }
    }
    const s = rule.schedule;
    if (s) {
      if (s.minReplicas === undefined)
        unsupported.push(`${at}: a schedule that only lowers maxReplicas has no KEDA equivalent (the cron trigger sets a replica floor)`);
      else if (s.end === undefined)
        unsupported.push(`${at}: durationMinutes ${s.durationMinutes}: KEDA's cron trigger needs an end cron; write the window with end`);
      else {
        triggers.push({ type: 'cron', metadata: { timezone: s.timezone, start: s.start, end: s.end, desiredReplicas: String(s.minReplicas) } });
        if (s.maxReplicas !== undefined)
          unsupported.push(`${at}: the window's maxReplicas ${s.maxReplicas} has no KEDA equivalent (maxReplicaCount is one value)`);
      }
    }
    if (rule.predictive) unsupported.push(`${at}: predictive scaling (a forecast of ${rule.predictive.metric}) has no KEDA equivalent`);
  });

  if (triggers.length === 0) {
    unsupported.push('no rule KEDA can follow (cpu/memory target tracking, or a schedule with minReplicas and an end): no ScaledObject exported');
    return { provider: hpa.provider, resources: [], unsupported };
  }
  const limits = policy.limits;
  let minReplicaCount = limits.minReplicas;
  if (minReplicaCount === 0 && resourceTriggers > 0) {
    unsupported.push('limits.minReplicas 0: KEDA cannot scale to zero on cpu/memory triggers alone; exported as 1');
    minReplicaCount = 1;
  }
  const behavior = (hpa.resources[0] as HpaDocument | undefined)?.spec?.behavior;
  const scaledObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: id.name,
      namespace: id.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'autoscaler', 'autoscaler.dev/policy-name': policy.name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63) },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: apiKindOf(id.kind), name: id.name },
      minReplicaCount,
      maxReplicaCount: Math.max(minReplicaCount, limits.maxReplicas),
      ...(behavior !== undefined ? { advanced: { horizontalPodAutoscalerConfig: { behavior } } } : {}),
      triggers,
    },
  };
  return { provider: hpa.provider, resources: [scaledObject], unsupported };
}
