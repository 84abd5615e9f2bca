import { validatePolicy, type PolicyInput } from '@autoscaler/core';
import { exportHpa } from '../../src/model/hpa-export';

const id = { namespace: 'ml', kind: 'deployment' as const, name: 'model-server' };
const policy = (p: Partial<PolicyInput>): ReturnType<typeof validatePolicy> =>
  validatePolicy({
    name: 'p',
    limits: { minReplicas: 1, maxReplicas: 10 },
    rules: [{ name: 'cpu', targetTracking: { metric: 'cpu', target: 70, algorithm: 'hpa' } }],
    ...p,
  });

describe('exportHpa', () => {
  it('maps HPA-style target tracking on CPU, min/max and stabilization windows exactly', () => {
    const out = exportHpa(
      policy({ limits: { minReplicas: 2, maxReplicas: 12, cooldown: { scaleOut: 0, scaleIn: 0 }, stabilization: { scaleOut: 60, scaleIn: 300 } } }),
      id,
    );
    expect(out.unsupported).toEqual([]);
    expect(out.resources).toEqual([
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'model-server', namespace: 'ml', labels: { 'app.kubernetes.io/managed-by': 'autoscaler', 'autoscaler.dev/policy-name': 'p' } },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'model-server' },
          minReplicas: 2,
          maxReplicas: 12,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
          behavior: { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      },
    ]);
  });

  it('turns maxStep into Pods policies per cooldown period and disableScaleIn into selectPolicy Disabled', () => {
    const out = exportHpa(
      policy({
        limits: { minReplicas: 1, maxReplicas: 10, maxStep: 2, cooldown: { scaleOut: 60, scaleIn: 120 } },
        rules: [
          { name: 'cpu', targetTracking: { metric: 'CpuUtilization', target: 60, algorithm: 'hpa', disableScaleIn: true } },
          { name: 'mem', targetTracking: { metric: 'memory', target: 75.5, algorithm: 'hpa' } },
        ],
      }),
      { ...id, kind: 'statefulset' },
    );
    const hpa = out.resources[0] as { spec: Record<string, unknown> };
    expect(hpa.spec['scaleTargetRef']).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'model-server' });
    expect(hpa.spec['metrics']).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 76 } } },
    ]);
    expect(hpa.spec['behavior']).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Disabled' },
    });
    expect(out.unsupported).toEqual([
      'rules[1] (mem): target 75.5% rounded to 76% (averageUtilization is an integer)',
      'limits.cooldown.scaleIn 120s: the HPA has no cooldown; approximated by a 120s scale-down stabilization window',
    ]);
  });

  it('lists every feature the HPA cannot express, one line each', () => {
    const out = exportHpa(
      policy({
        limits: { minReplicas: 0, maxReplicas: 5, sizes: ['small', 'large'] },
        dryRun: true,
        notifications: [{ type: 'webhook', url: 'https://example.com/hook' }],
        rules: [
          { name: 'seed-high', threshold: { alarm: 'high-cpu', change: 1 } },
          { name: 'steps', step: { alarm: 'latency', adjustments: [{ lower: 0, change: 1 }] } },
          { name: 'night', schedule: { start: '0 22 * * *', durationMinutes: 480, maxReplicas: 2 } },
          { name: 'aws-cpu', targetTracking: { metric: 'cpu', target: 50, tolerance: 0.05, scaleInCooldown: 600 } },
          { name: 'qps', targetTracking: { metric: 'requests_per_second', target: 20, algorithm: 'hpa' } },
          { name: 'total', targetTracking: { metric: 'cpu', target: 50, statistic: 'total', algorithm: 'hpa' } },
        ],
      }),
      id,
    );
    expect(out.unsupported).toEqual([
      'rules[0] (seed-high): threshold rules (an alarm or metric crossing -> +1 replicas) have no HPA equivalent',
      'rules[1] (steps): step scaling (adjustments by alarm breach size) has no HPA equivalent',
      "rules[2] (night): scheduled min/max windows have no HPA equivalent (patch minReplicas from a CronJob, or use KEDA's cron scaler)",
      'rules[3] (aws-cpu): algorithm aws scales in only below 90% of the target; the HPA scales both ways outside a symmetric tolerance',
      'rules[3] (aws-cpu): tolerance 0.05 (the HPA uses the cluster-wide --horizontal-pod-autoscaler-tolerance, 0.1 by default; per-HPA tolerance is alpha from Kubernetes 1.33)',
      'rules[3] (aws-cpu): per-rule cooldowns have no HPA equivalent',
      'rules[5] (total): target tracking on a total (cpu summed over pods) cannot be expressed; the HPA averages per pod',
      'limits.sizes: vertical tiers (small, large) are not an HPA feature (see the VerticalPodAutoscaler)',
      'dryRun: an HPA always acts',
      'notifications: the HPA only records Kubernetes events',
      'limits.minReplicas 0: scaling to zero needs the HPAScaleToZero feature gate; exported as 1',
      'limits.cooldown.scaleIn 300s: the HPA has no cooldown; approximated by a 300s scale-down stabilization window',
      'limits.cooldown.scaleOut 300s: the HPA has no scale-up cooldown (set limits.maxStep to export a rate limit per period)',
    ]);
    const hpa = out.resources[0] as { metadata: { annotations: Record<string, string> }; spec: { minReplicas: number; metrics: unknown[] } };
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '20' } } },
    ]);
    expect(hpa.metadata.annotations['autoscaler.dev/requires']).toContain('pods/requests_per_second');
  });

  it('exports nothing when no rule can drive an HPA (an HPA without metrics would default to 80% CPU)', () => {
    const out = exportHpa(policy({ rules: [{ name: 'seed-high', threshold: { alarm: 'high-cpu', change: 1 } }] }), id);
    expect(out.resources).toEqual([]);
    expect(out.unsupported.at(-1)).toMatch(/no HPA exported/);
  });
});
