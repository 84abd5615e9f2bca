import type { NativeExport, Policy, TargetRef, ThresholdRule } from '@autoscaler/core';

/**
 * Compile a policy to OCI's own model-deployment autoscaling
 * (`AutoScalingPolicy` with `ThresholdBasedAutoScalingPolicyDetails`, SDK
 * models), and list what it cannot express. OCI's autoscaler changes the
 * instance count on metric thresholds only; each rule needs both a scale-out
 * and a scale-in condition on one metric; one cooldown (>= 600 s) for both
 * directions. Load balancer bandwidth autoscaling is its own option group
 * (`bandwidthMbps` .. `maximumBandwidthMbps`, at most twice the minimum).
 */
const PREDEFINED: Readonly<Record<string, string>> = { CpuUtilization: 'CPU_UTILIZATION', MemoryUtilization: 'MEMORY_UTILIZATION' };
const MIN_COOLDOWN_S = 600;

interface Side {
  rule: string;
  threshold: number;
  change: number;
}

export function exportNativePolicy(policy: Policy, ref: TargetRef): NativeExport {
  const unsupported: string[] = [];
  const byMetric = new Map<string, { out?: Side; in?: Side }>();

  for (const rule of policy.rules) {
    if (rule.step) unsupported.push(`rule ${rule.name}: step scaling (OCI rules add or remove a fixed count)`);
    else if (rule.targetTracking) unsupported.push(`rule ${rule.name}: target tracking (OCI autoscaling is threshold-based only)`);
    else if (rule.schedule) unsupported.push(`rule ${rule.name}: scheduled capacity (OCI model-deployment autoscaling has no schedules)`);
    else if (rule.threshold) addThreshold(rule.name, rule.threshold, byMetric, unsupported);
  }

  const rules: Array<Record<string, unknown>> = [];
  for (const [metric, sides] of byMetric) {
    if (!sides.out || !sides.in) {
      const have = sides.out ? sides.out.rule : sides.in!.rule;
      unsupported.push(`rule ${have}: OCI needs a scale-out and a scale-in condition on ${metric} in one rule; the policy has only one`);
      continue;
    }
    const out = { instanceCountAdjustment: sides.out.change, threshold: sides.out.threshold };
    const inn = { instanceCountAdjustment: Math.abs(sides.in.change), threshold: sides.in.threshold };
    const predefined = PREDEFINED[metric];
    if (predefined) {
      rules.push({
        metricExpressionRuleType: 'PREDEFINED_EXPRESSION',
        metricType: predefined,
        scaleOutConfiguration: { scalingConfigurationType: 'THRESHOLD', ...out },
        scaleInConfiguration: { scalingConfigurationType: 'THRESHOLD', ...inn },
      });
    } else {
      const q = (op: string, v: number) => `${metric}[1m]{resourceId = "${ref.id}"}.grouping().mean() ${op} ${v}`;
      rules.push({
        metricExpressionRuleType: 'CUSTOM_EXPRESSION',
        scaleOutConfiguration: { scalingConfigurationType: 'QUERY', instanceCountAdjustment: out.instanceCountAdjustment, query: q('>', out.threshold) },
        scaleInConfiguration: { scalingConfigurationType: 'QUERY', instanceCountAdjustment: inn.instanceCountAdjustment, query: q('<', inn.threshold) },
      });
    }
  }

  const limits = policy.limits;
  const cooldown = Math.max(limits.cooldown.scaleOut, limits.cooldown.scaleIn, MIN_COOLDOWN_S);
  if (limits.cooldown.scaleOut !== limits.cooldown.scaleIn)
    unsupported.push(
      `separate cooldowns per direction (${limits.cooldown.scaleOut}s out, ${limits.cooldown.scaleIn}s in): OCI has one, exported as ${cooldown}s`,
    );
  else if (limits.cooldown.scaleOut < MIN_COOLDOWN_S)
    unsupported.push(`cooldown ${limits.cooldown.scaleOut}s: OCI's minimum is ${MIN_COOLDOWN_S}s, exported as ${cooldown}s`);
  if (limits.stabilization.scaleIn > 0 || limits.stabilization.scaleOut > 0) unsupported.push('stabilization windows');
  if (limits.maxStep !== undefined) unsupported.push(`maxStep ${limits.maxStep} (OCI applies each rule's fixed adjustment)`);
  if (limits.minReplicas < 1) unsupported.push(`minReplicas ${limits.minReplicas}: a model deployment runs at least 1 instance, exported as 1`);
  if (policy.notifications.length > 0) unsupported.push('notifications (OCI autoscaling does not notify; use the alarm service on the deployment metrics)');
  if (policy.dryRun) unsupported.push('dryRun (the exported policy acts for real)');

  const resources: unknown[] = [];
  if (rules.length > 0) {
    const min = Math.max(1, limits.minReplicas);
    resources.push({
      kind: 'UpdateModelConfigurationDetails',
      modelDeploymentId: ref.id,
      note: 'merge into UpdateModelDeploymentDetails.modelDeploymentConfigurationDetails (deploymentType SINGLE_MODEL) with the deployment modelId',
      modelConfigurationDetails: {
        scalingPolicy: {
          policyType: 'AUTOSCALING',
          coolDownInSeconds: cooldown,
          isEnabled: true,
          autoScalingPolicies: [
            {
              autoScalingPolicyType: 'THRESHOLD',
              minimumInstanceCount: min,
              maximumInstanceCount: Math.max(min, limits.maxReplicas),
              initialInstanceCount: min,
              rules,
            },
          ],
        },
      },
    });
  }
  const bw = limits.bandwidthMbps;
  if (bw) {
    if (bw.max <= 2 * bw.min && bw.min >= 10) {
      resources.push({
        kind: 'UpdateModelConfigurationDetails',
        modelDeploymentId: ref.id,
        note: 'a separate update: load balancer bandwidth is its own option group',
        modelConfigurationDetails: { bandwidthMbps: bw.min, maximumBandwidthMbps: bw.max },
      });
    } else {
      unsupported.push(
        `load balancer bandwidth ${bw.min}-${bw.max} Mbps: OCI bandwidth autoscaling allows a maximum of at most twice the minimum (and at least 10 Mbps)`,
      );
    }
  }
  return { provider: 'oci-data-science', resources, unsupported };
}

function addThreshold(name: string, t: ThresholdRule, byMetric: Map<string, { out?: Side; in?: Side }>, unsupported: string[]): void {
  if (t.size !== undefined) {
    unsupported.push(`rule ${name}: vertical scaling to the ${t.size} shape (OCI autoscaling changes the instance count only)`);
    return;
  }
  if (t.bandwidth !== undefined || t.weight !== undefined) {
    unsupported.push(
      `rule ${name}: ${t.weight !== undefined ? 'a traffic weight' : 'a bandwidth step'} (OCI autoscaling policies change the instance count only; load balancer bandwidth has its own fixed range)`,
    );
    return;
  }
  const change = t.change ?? 0;
  const threshold = change > 0 ? t.above : t.below;
  if (t.metric === undefined || threshold === undefined) {
    unsupported.push(
      `rule ${name}: reacts to alarm "${t.alarm ?? ''}" without a metric ${change > 0 ? 'above' : 'below'} threshold; OCI rules need the metric and threshold`,
    );
    return;
  }
  const sides = byMetric.get(t.metric) ?? {};
  const key = change > 0 ? 'out' : 'in';
  if (sides[key]) {
    unsupported.push(`rule ${name}: a second scale-${key} condition on ${t.metric} (OCI takes one per metric; kept rule ${sides[key].rule})`);
    return;
  }
  sides[key] = { rule: name, threshold, change };
  byMetric.set(t.metric, sides);
}
