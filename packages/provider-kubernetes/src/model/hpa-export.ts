import type { NativeExport, Policy, ThresholdRule } from '@autoscaler/core';
import { apiKindOf, type WorkloadId } from './ids';

const RESOURCE_METRICS: Readonly<Record<string, 'cpu' | 'memory'>> = {
  cpu: 'cpu',
  cpuutilization: 'cpu',
  cpu_utilization: 'cpu',
  memory: 'memory',
  memoryutilization: 'memory',
  memory_utilization: 'memory',
};

/** `cpu` / `memory` when a metric name means the HPA's resource utilization (percent of requests). */
export function resourceMetricOf(metric: string): 'cpu' | 'memory' | undefined {
  return RESOURCE_METRICS[metric.toLowerCase()];
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Compiles a policy to an `autoscaling/v2` HorizontalPodAutoscaler for the
 * workload, where the HPA can express it: target tracking on CPU/memory
 * utilization (or a per-pod custom metric), min/max, and `behavior` from the
 * stabilization windows, cooldowns and max step. Everything else is listed in
 * `unsupported`, one line per feature, so nobody mistakes the HPA for the policy.
 */
export function exportHpa(policy: Policy, id: WorkloadId): NativeExport {
  const unsupported: string[] = [];
  const metrics: unknown[] = [];
  const annotations: Record<string, string> = {};
  let disableScaleDown = false;

  policy.rules.forEach((rule, i) => {
    const at = `rules[${i}] (${rule.name})`;
    if (rule.threshold) unsupported.push(`${at}: threshold rules (an alarm or metric crossing -> ${thresholdEffect(rule.threshold)}) have no HPA equivalent`);
    if (rule.step) unsupported.push(`${at}: step scaling (adjustments by alarm breach size) has no HPA equivalent`);
    if (rule.schedule)
      unsupported.push(`${at}: scheduled min/max windows have no HPA equivalent (patch minReplicas from a CronJob, or use KEDA's cron scaler)`);
    const tt = rule.targetTracking;
    if (!tt) return;
    const resource = resourceMetricOf(tt.metric);
    if (tt.statistic === 'total') {
      unsupported.push(`${at}: target tracking on a total (${tt.metric} summed over pods) cannot be expressed; the HPA averages per pod`);
      return;
    }
    if (resource) {
      const averageUtilization = Math.round(tt.target);
      if (averageUtilization !== tt.target)
        unsupported.push(`${at}: target ${tt.target}% rounded to ${averageUtilization}% (averageUtilization is an integer)`);
      metrics.push({ type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: Math.max(1, averageUtilization) } } });
    } else {
      metrics.push({ type: 'Pods', pods: { metric: { name: tt.metric }, target: { type: 'AverageValue', averageValue: String(tt.target) } } });
      annotations['autoscaler.dev/requires'] = [
        annotations['autoscaler.dev/requires'],
        `custom metrics API serving pods/${tt.metric} (e.g. prometheus-adapter)`,
      ]
        .filter(Boolean)
        .join('; ');
    }
    if (tt.algorithm === 'aws')
      unsupported.push(
        `${at}: algorithm aws scales in only below ${Math.round(tt.scaleInRatio * 100)}% of the target; the HPA scales both ways outside a symmetric tolerance`,
      );
    if (tt.tolerance !== undefined && tt.tolerance !== 0.1)
      unsupported.push(
        `${at}: tolerance ${tt.tolerance} (the HPA uses the cluster-wide --horizontal-pod-autoscaler-tolerance, 0.1 by default; per-HPA tolerance is alpha from Kubernetes 1.33)`,
      );
    if (tt.scaleOutCooldown !== undefined || tt.scaleInCooldown !== undefined) unsupported.push(`${at}: per-rule cooldowns have no HPA equivalent`);
    if (tt.disableScaleIn) disableScaleDown = true;
  });

  const limits = policy.limits;
  if (limits.sizes) unsupported.push(`limits.sizes: vertical tiers (${limits.sizes.join(', ')}) are not an HPA feature (see the VerticalPodAutoscaler)`);
  if (limits.bandwidthMbps) unsupported.push('limits.bandwidthMbps: load balancer bandwidth is not a Kubernetes workload setting');
  if (policy.dryRun) unsupported.push('dryRun: an HPA always acts');
  if (policy.notifications.length > 0) unsupported.push('notifications: the HPA only records Kubernetes events');
  const minReplicas = Math.max(1, limits.minReplicas);
  if (limits.minReplicas === 0) unsupported.push('limits.minReplicas 0: scaling to zero needs the HPAScaleToZero feature gate; exported as 1');

  const scaleUp: Record<string, unknown> = { stabilizationWindowSeconds: clamp(limits.stabilization.scaleOut, 0, 3600) };
  const downWindow = clamp(Math.max(limits.stabilization.scaleIn, limits.cooldown.scaleIn), 0, 3600);
  const scaleDown: Record<string, unknown> = { stabilizationWindowSeconds: downWindow };
  if (limits.cooldown.scaleIn > limits.stabilization.scaleIn)
    unsupported.push(
      `limits.cooldown.scaleIn ${limits.cooldown.scaleIn}s: the HPA has no cooldown; approximated by a ${downWindow}s scale-down stabilization window`,
    );
  if (limits.maxStep !== undefined) {
    scaleUp['selectPolicy'] = 'Max';
    scaleUp['policies'] = [{ type: 'Pods', value: limits.maxStep, periodSeconds: clamp(limits.cooldown.scaleOut || 15, 1, 1800) }];
    scaleDown['selectPolicy'] = 'Max';
    scaleDown['policies'] = [{ type: 'Pods', value: limits.maxStep, periodSeconds: clamp(limits.cooldown.scaleIn || 15, 1, 1800) }];
  } else if (limits.cooldown.scaleOut > 0) {
    unsupported.push(
      `limits.cooldown.scaleOut ${limits.cooldown.scaleOut}s: the HPA has no scale-up cooldown (set limits.maxStep to export a rate limit per period)`,
    );
  }
  if (disableScaleDown) {
    scaleDown['selectPolicy'] = 'Disabled';
    delete scaleDown['policies'];
  }

  if (metrics.length === 0) {
    unsupported.push(
      'no targetTracking rule the HPA can follow (cpu/memory utilization or a per-pod metric): no HPA exported, since an HPA without metrics defaults to 80% CPU',
    );
    return { provider: 'kubernetes', resources: [], unsupported };
  }
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: id.name,
      namespace: id.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'autoscaler', 'autoscaler.dev/policy-name': policy.name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63) },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: apiKindOf(id.kind), name: id.name },
      minReplicas,
      maxReplicas: Math.max(minReplicas, limits.maxReplicas),
      metrics,
      behavior: { scaleUp, scaleDown },
    },
  };
  return { provider: 'kubernetes', resources: [hpa], unsupported };
}

/** What a threshold rule does, in a few words. */
function thresholdEffect(t: ThresholdRule): string {
  if (t.size !== undefined) return 'next/previous size';
  if (t.weight !== undefined) return `traffic weight ${t.weight}`;
  if (t.bandwidth !== undefined) return `bandwidth ${t.bandwidth > 0 ? '+' : ''}${t.bandwidth} Mbps`;
  return `${t.change! > 0 ? '+' : ''}${t.change} replicas`;
}
