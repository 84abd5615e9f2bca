import { ValidationError, type PolicyInput } from '@autoscaler/core';
import { parseQuery } from './alarm-query';
import { isOcid } from './ocid';
import { textOf } from '@autoscaler/core';

/**
 * Read OCI Data Science's own model-deployment autoscaling (an `AutoScalingPolicy`: threshold
 * policies of PREDEFINED_EXPRESSION (CPU/memory) and CUSTOM_EXPRESSION (MQL query) rules) into
 * our policy language, and list what it cannot express. Accepts the scaling policy itself, a
 * model deployment (GetModelDeployment's body), its `modelDeploymentConfigurationDetails`, or the
 * `resources` of our own `export --to oci-native`.
 *
 * Each OCI rule becomes two threshold rules on the metric (scale-out above, scale-in below): the
 * autoscaler reacts to the alarms `setup oci` creates from them. A custom query is imported when it
 * is one threshold on one metric (`Metric[1m]{resourceId = "..."}.grouping().mean() > 70`); a query
 * joining several (`&&`, `||`) or without a threshold is listed as unsupported.
 */
export interface NativeImport {
  policy: PolicyInput;
  unsupported: string[];
}

const METRIC_OF: Readonly<Record<string, string>> = { CPU_UTILIZATION: 'CpuUtilization', MEMORY_UTILIZATION: 'MemoryUtilization' };
const SHORT: Readonly<Record<string, string>> = { CpuUtilization: 'cpu', MemoryUtilization: 'memory' };
const PLACEHOLDER = 'MODEL_DEPLOYMENT_OCID';

type Doc = Record<string, unknown>;
const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The AutoScalingPolicy inside `doc`, with the path it was found at, and the deployment id if the document names one. */
function findScalingPolicy(doc: Doc): { policy: Doc; path: string; id?: string } | undefined {
  const id = [doc['id'], doc['modelDeploymentId']].find((v): v is string => typeof v === 'string' && isOcid('datasciencemodeldeployment', v));
  const at = (policy: unknown, path: string) => (isDoc(policy) ? { policy, path, ...(id ? { id } : {}) } : undefined);
  if (doc['policyType'] !== undefined) return at(doc, '');
  const config = isDoc(doc['modelDeploymentConfigurationDetails']) ? doc['modelDeploymentConfigurationDetails'] : doc;
  const model = isDoc(config['modelConfigurationDetails']) ? config['modelConfigurationDetails'] : undefined;
  if (model && model['scalingPolicy'] !== undefined) return at(model['scalingPolicy'], 'modelConfigurationDetails.scalingPolicy');
  if (Array.isArray(doc['resources'])) {
    for (const [i, r] of doc['resources'].entries()) {
      if (!isDoc(r) || !isDoc(r['modelConfigurationDetails']) || r['modelConfigurationDetails']['scalingPolicy'] === undefined) continue;
      const found = findScalingPolicy(r);
      if (found) return { ...found, path: `resources[${i}].${found.path}` };
    }
  }
  return undefined;
}

function count(v: unknown, path: string, issues: Array<{ path: string; message: string }>, min = 0): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
  issues.push({ path, message: `must be a whole number >= ${min}, got ${JSON.stringify(v)?.slice(0, 40) ?? 'nothing'}` });
  return undefined;
}

export function importNativePolicy(doc: unknown, options: { targetId?: string; name?: string } = {}): NativeImport {
  if (!isDoc(doc)) throw ValidationError.field('(root)', 'must be an OCI AutoScalingPolicy, a model deployment or its configuration (a JSON/YAML mapping)');
  const found = findScalingPolicy(doc);
  if (!found)
    throw ValidationError.field('scalingPolicy', 'no AutoScalingPolicy found (policyType AUTOSCALING at the top, or modelConfigurationDetails.scalingPolicy)');
  const { policy: sp, path: base } = found;
  const p = (k: string) => (base ? `${base}.${k}` : k);
  const issues: Array<{ path: string; message: string }> = [];
  const unsupported: string[] = [];
  if (sp['policyType'] === 'FIXED_SIZE') throw ValidationError.field(p('policyType'), 'FIXED_SIZE has no autoscaling to import (the instance count is fixed)');
  if (sp['policyType'] !== 'AUTOSCALING')
    throw ValidationError.field(p('policyType'), `must be AUTOSCALING, got ${JSON.stringify(sp['policyType'])?.slice(0, 40) ?? 'nothing'}`);
  const targetId = options.targetId ?? found.id;
  if (targetId !== undefined && !isOcid('datasciencemodeldeployment', targetId)) issues.push({ path: 'targetId', message: 'must be a model deployment OCID' });

  const cooldown = sp['coolDownInSeconds'] === undefined ? 600 : count(sp['coolDownInSeconds'], p('coolDownInSeconds'), issues);
  if (sp['isEnabled'] === false) unsupported.push('isEnabled false: OCI autoscaling is switched off; the imported policy is a dry run (dryRun: true)');
  const policies = sp['autoScalingPolicies'];
  if (!Array.isArray(policies) || policies.length === 0) throw ValidationError.field(p('autoScalingPolicies'), 'must list at least one autoscaling policy');
  if (policies.length > 1)
    unsupported.push(`autoScalingPolicies[1..${policies.length - 1}]: only the first policy is imported (one instance range per target)`);
  const first: unknown = policies[0];
  const fp = (k: string) => p(`autoScalingPolicies[0].${k}`);
  if (!isDoc(first)) throw ValidationError.field(p('autoScalingPolicies[0]'), 'must be a mapping');
  if (first['autoScalingPolicyType'] !== 'THRESHOLD')
    throw ValidationError.field(
      fp('autoScalingPolicyType'),
      `must be THRESHOLD, got ${JSON.stringify(first['autoScalingPolicyType'])?.slice(0, 40) ?? 'nothing'}`,
    );
  const min = count(first['minimumInstanceCount'], fp('minimumInstanceCount'), issues, 1);
  const max = count(first['maximumInstanceCount'], fp('maximumInstanceCount'), issues, 1);
  if (min !== undefined && max !== undefined && min > max)
    issues.push({ path: fp('minimumInstanceCount'), message: `must be <= maximumInstanceCount (${max})` });
  if (first['initialInstanceCount'] !== undefined)
    unsupported.push(
      `initialInstanceCount ${textOf(first['initialInstanceCount'])}: set when the deployment is created; the autoscaler starts from the current count`,
    );

  const rules: Array<Record<string, unknown>> = [];
  const rawRules = Array.isArray(first['rules']) ? first['rules'] : [];
  if (rawRules.length === 0) issues.push({ path: fp('rules'), message: 'must list at least one rule' });
  const names = new Set<string>();
  const ruleName = (stem: string) => {
    let n = stem;
    for (let i = 2; names.has(n); i++) n = `${stem}-${i}`;
    names.add(n);
    return n;
  };
  rawRules.forEach((raw: unknown, i) => {
    const rp = (k: string) => fp(`rules[${i}].${k}`);
    if (!isDoc(raw)) return void issues.push({ path: fp(`rules[${i}]`), message: 'must be a mapping' });
    const sides = { out: raw['scaleOutConfiguration'], in: raw['scaleInConfiguration'] } as const;
    // Both sides or neither: a scale-in without its scale-out (or the reverse) is not this rule.
    const pair: Array<Record<string, unknown>> = [];
    const side = (dir: string, side: unknown): void => {
      const sp2 = (k: string) => rp(`scale${dir === 'out' ? 'Out' : 'In'}Configuration.${k}`);
      if (!isDoc(side)) return void issues.push({ path: rp(`scale${dir === 'out' ? 'Out' : 'In'}Configuration`), message: 'is required' });
      const adjustment = side['instanceCountAdjustment'] === undefined ? 1 : count(side['instanceCountAdjustment'], sp2('instanceCountAdjustment'), issues, 1);
      if (side['pendingDuration'] !== undefined)
        unsupported.push(
          `${sp2('pendingDuration')} ${textOf(side['pendingDuration'])}: set it as the alarm's pending duration (setup oci uses the rule's alarm)`,
        );
      let metric: string | undefined;
      let threshold: number | undefined;
      if (raw['metricExpressionRuleType'] === 'PREDEFINED_EXPRESSION') {
        metric = METRIC_OF[String(raw['metricType'])];
        if (!metric)
          return void issues.push({
            path: rp('metricType'),
            message: `must be CPU_UTILIZATION or MEMORY_UTILIZATION, got ${JSON.stringify(raw['metricType'])?.slice(0, 40) ?? 'nothing'}`,
          });
        if (typeof side['threshold'] !== 'number' || !Number.isFinite(side['threshold']))
          return void issues.push({ path: sp2('threshold'), message: 'must be a number (percent)' });
        threshold = side['threshold'];
      } else if (raw['metricExpressionRuleType'] === 'CUSTOM_EXPRESSION') {
        const query = side['query'];
        if (typeof query !== 'string') return void issues.push({ path: sp2('query'), message: 'must be an MQL query' });
        const q = parseQuery(query);
        const want = dir === 'out' ? ['>', '>='] : ['<', '<='];
        if (!q || q.operator === undefined || q.threshold === undefined || !want.includes(q.operator)) {
          unsupported.push(
            `${sp2('query')}: "${query.slice(0, 200)}" is not one ${want[0]} threshold on one metric (joined or absence queries cannot be imported); rule ${i} skipped`,
          );
          return;
        }
        const rid = q.dimensions['resourceId'];
        if (rid !== undefined && rid !== PLACEHOLDER && targetId !== undefined && rid !== targetId)
          unsupported.push(`${sp2('query')}: names resourceId ${rid}, not the target; imported for the target`);
        if (Object.keys(q.dimensions).some((d) => d !== 'resourceId')) unsupported.push(`${sp2('query')}: dimensions other than resourceId are not kept`);
        const stat = q.functions.at(-1);
        if (stat !== undefined && stat !== 'mean()')
          unsupported.push(`${sp2('query')}: ${stat} over ${q.interval} (the alarm setup oci makes uses the rule's metric with mean() over 1m)`);
        metric = q.metric;
        threshold = q.threshold;
      } else {
        return void issues.push({
          path: rp('metricExpressionRuleType'),
          message: `must be PREDEFINED_EXPRESSION or CUSTOM_EXPRESSION, got ${JSON.stringify(raw['metricExpressionRuleType'])?.slice(0, 40) ?? 'nothing'}`,
        });
      }
      if (adjustment === undefined) return;
      const short = SHORT[metric] ?? metric.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
      pair.push({
        stem: `${short}-${dir === 'out' ? 'high' : 'low'}`,
        threshold: { metric, [dir === 'out' ? 'above' : 'below']: threshold, change: dir === 'out' ? adjustment : -adjustment },
      });
    };
    for (const [dir, s] of Object.entries(sides)) side(dir, s);
    if (pair.length === 2) for (const { stem, threshold } of pair) rules.push({ name: ruleName(String(stem)), threshold });
  });
  if (issues.length > 0) throw new ValidationError('not an importable OCI autoscaling policy', issues);
  if (rules.length === 0) throw ValidationError.field(fp('rules'), 'no rule could be imported (see the unsupported list)');
  const policy: PolicyInput = {
    name: options.name ?? 'imported-oci-autoscaling',
    targets: targetId ? [{ provider: 'oci-data-science', id: targetId }] : [],
    limits: { minReplicas: min!, maxReplicas: max!, cooldown: { scaleOut: cooldown!, scaleIn: cooldown! } },
    rules,
    ...(sp['isEnabled'] === false ? { dryRun: true } : {}),
  } as PolicyInput;
  return { policy, unsupported };
}
