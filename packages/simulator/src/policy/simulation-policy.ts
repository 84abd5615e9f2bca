import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parsePolicy, ValidationError, type Policy } from '@autoscaler/core';
import { canonicalMetric } from '../alarms/metric-store';
import type { ProviderKind } from '../profiles/profile';
import { parseSettings, type SimulationSettings, type SourceSettings } from './settings';

/** A policy plus how the simulator wires it (alarms, loops, size). */
export interface SimulationPolicy {
  /** Table name. */
  name: string;
  policy: Policy;
  settings: SimulationSettings;
  /** Where it was read from, if a file. */
  file?: string;
  /** True when the settings were derived (no `.sim.yaml` next to the policy). */
  derived: boolean;
}

/** `policies/x.yaml` -> `policies/x.sim.yaml`. */
export function settingsPathFor(policyPath: string): string {
  return join(dirname(policyPath), `${basename(policyPath).replace(/\.(ya?ml|json)$/i, '')}.sim.yaml`);
}

function read(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw ValidationError.field(flag, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Load a policy file and its `.sim.yaml` (or derive the wiring from the rules and the provider). */
export function loadSimulationPolicy(path: string, provider: ProviderKind, flag = '--policy'): SimulationPolicy {
  const policy = parsePolicy(read(path, flag), path);
  const sidecar = settingsPathFor(path);
  if (existsSync(sidecar)) {
    const settings = parseSettings(read(sidecar, flag), sidecar);
    if (settings.sources.length === 0 && !policy.rules.some((r) => r.predictive || r.schedule)) {
      throw ValidationError.field(
        'sources',
        `${sidecar}: needs at least one source (alarms or a metric loop): ${policy.name} has no predictive or schedule rule for the periodic evaluation to run`,
      );
    }
    return { name: settings.label ?? policy.name, policy, settings, file: path, derived: false };
  }
  const settings = deriveSettings(policy, provider);
  return { name: policy.name, policy, settings, file: path, derived: true };
}

/**
 * The wiring a user's policy gets without a `.sim.yaml`: each rule's natural
 * source on this provider. Threshold/step rules need a metric and a bound to
 * become an alarm; a rule naming only an alarm cannot be simulated.
 */
export function deriveSettings(policy: Policy, provider: ProviderKind): SimulationSettings {
  const oci: Array<{ name: string; query: string }> = [];
  const cw: Array<Extract<SourceSettings, { kind: 'cloudwatch' }>['alarms'][number]> = [];
  let targetTrackingPair = false;
  let hpa = false;
  const polled = new Set<string>();
  // Metrics a predictive rule pulls reach every rule as a value signal on the periodic evaluation.
  const pulled = new Set(policy.rules.flatMap((r) => (r.predictive ? [r.predictive.metric] : [])));
  policy.rules.forEach((rule, i) => {
    const poll = (metric: string): void => {
      if (!pulled.has(metric)) polled.add(metric);
    };
    const alarm = (alarmName: string, metric: string | undefined, op: '>' | '<', bound: number | undefined, path: string): void => {
      if (metric === undefined || bound === undefined) {
        throw ValidationError.field(
          `rules[${i}].${path}`,
          `the simulator cannot tell what alarm "${alarmName}" watches: give the rule a metric and a bound, or write ${policy.name}.sim.yaml with the alarm`,
        );
      }
      if (provider === 'sagemaker' || provider === 'sagemaker-ic') {
        cw.push({
          name: alarmName,
          metric,
          statistic: 'Average',
          period: 60,
          evaluationPeriods: 1,
          comparisonOperator: op === '>' ? 'GreaterThanThreshold' : 'LessThanThreshold',
          threshold: bound,
          autoScalingAction: true,
        });
      } else {
        oci.push({ name: alarmName, query: `${metric}[1m].mean() ${op} ${bound}` });
      }
    };
    if (rule.threshold) {
      const t = rule.threshold;
      if (t.alarm === undefined) poll(t.metric!);
      else alarm(t.alarm, t.metric, t.below !== undefined ? '<' : '>', t.above ?? t.below, 'threshold.alarm');
    } else if (rule.step) {
      const s = rule.step;
      const down = s.adjustments.every((a) => a.upper != null && a.upper <= 0);
      if (s.alarm === undefined) poll(s.metric!);
      else alarm(s.alarm, s.metric, down ? '<' : '>', s.threshold, 'step.alarm');
    } else if (rule.targetTracking) {
      const tt = rule.targetTracking;
      if (tt.algorithm === 'hpa') hpa = true;
      else if (pulled.has(tt.metric)) return;
      else if (provider === 'sagemaker' || provider === 'sagemaker-ic') targetTrackingPair = true;
      else poll(tt.metric);
    }
  });
  const sources: SourceSettings[] = [];
  if (oci.length > 0) sources.push({ kind: 'oci-monitoring', alarms: oci });
  // AWS's predefined high-resolution metric (SageMakerVariantConcurrentRequestsPerModelHighResolution) gets 10 s alarms.
  const highResolution = policy.rules.some((r) => r.targetTracking !== undefined && canonicalMetric(r.targetTracking.metric) === 'ConcurrentRequestsPerModel');
  if (cw.length > 0 || targetTrackingPair) sources.push({ kind: 'cloudwatch', alarms: cw, targetTracking: targetTrackingPair, highResolution });
  if (hpa) sources.push({ kind: 'hpa', syncPeriodSeconds: 15 });
  if (polled.size > 0) sources.push({ kind: 'metrics', metrics: [...polled], everySeconds: provider === 'kubernetes' ? 15 : 60 });
  if (sources.length === 0 && pulled.size === 0) sources.push({ kind: 'metrics', metrics: ['CpuUtilization'], everySeconds: 60 });
  return { baseline: false, size: 0, sources };
}
