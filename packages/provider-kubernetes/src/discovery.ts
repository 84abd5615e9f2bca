import { AutoscalerError, formatTarget, parsePolicy, type Policy, type PolicyResolver, type TargetRef } from '@autoscaler/core';
import type { ClusterSnapshot } from './kube/cluster-snapshot';
import { ANNOTATION, isManaged } from './model/annotations';
import { dns1123LabelProblem, dns1123SubdomainProblem, formatWorkloadId, type WorkloadId } from './model/ids';

/** One annotated workload found by a pass, with its policy or why it has none. */
export interface DiscoveredTarget {
  ref: TargetRef;
  id: WorkloadId;
  policy?: Policy;
  /** Why the workload cannot be handled (bad inline policy, missing ConfigMap): it is reported, never scaled. */
  problem?: string;
  /** Where the policy came from: `inline`, `configmap <ns>/<name>` or `default`. */
  policySource?: string;
}

export interface Discovery {
  targets: DiscoveredTarget[];
  /** For the orchestrator: each discovered target's policy. */
  policies: DiscoveredPolicies;
}

const POLICY_KEYS = ['policy.yaml', 'policy.yml', 'policy.json'];

/** A ConfigMap reference (`name` or `namespace/name`) rather than an inline document; a bare name is in `namespace`. */
function configMapRef(value: string, namespace: string): { namespace: string; name: string } | undefined {
  const v = value.trim();
  const parts = v.split('/');
  if (parts.length === 1 && dns1123SubdomainProblem(v) === undefined) return { namespace, name: v };
  if (parts.length === 2 && dns1123LabelProblem(parts[0]!) === undefined && dns1123SubdomainProblem(parts[1]!) === undefined)
    return { namespace: parts[0]!, name: parts[1]! };
  return undefined;
}

/** The PolicyResolver of one pass: exact target -> policy. */
export class DiscoveredPolicies implements PolicyResolver {
  private readonly byTarget = new Map<string, Policy>();
  constructor(targets: readonly DiscoveredTarget[]) {
    for (const t of targets) if (t.policy) this.byTarget.set(formatTarget(t.ref), t.policy);
  }
  resolve(ref: TargetRef): Policy | undefined {
    return this.byTarget.get(formatTarget(ref));
  }
}

/**
 * Targets of one pass: every listed workload annotated `autoscaler.dev/policy`
 * (a ConfigMap name, `namespace/name`, or an inline YAML/JSON policy) or
 * `autoscaler.dev/managed: "true"` (the default policy). ConfigMaps come from
 * the snapshot (labelled `autoscaler.dev/policy`), so discovery makes no calls.
 */
export interface DiscoveryOptions {
  provider?: string;
  /** The policy of `autoscaler.dev/managed: "true"` workloads (the operator's: it may notify). */
  defaultPolicy?: Policy;
  /**
   * The operator's namespace (the CronJob's). When set, an annotation may name only ConfigMaps
   * there (a bare name means one there too), and only those policies may carry `notifications`.
   * Unset (a CLI listing), ConfigMaps are looked up as named and no annotation policy may notify.
   */
  policyNamespace?: string;
}

/**
 * Where an annotation's policy may send notifications: a tenant who can annotate a workload
 * must not make the autoscaler POST anywhere, nor stall it on a webhook that never answers.
 */
function refuseTenantNotifications(policy: Policy, where: string): void {
  if (policy.notifications.length > 0) {
    throw new AutoscalerError(
      'VALIDATION',
      `${where} sets notifications: a policy taken from the annotation ${ANNOTATION.policy} cannot notify; put notifications in a policy ConfigMap in the autoscaler's namespace`,
    );
  }
}

export function discoverTargets(snapshot: ClusterSnapshot, options: DiscoveryOptions = {}): Discovery {
  const provider = options.provider ?? 'kubernetes';
  const parsedConfigMaps = new Map<string, Policy | AutoscalerError>();
  const targets: DiscoveredTarget[] = [];
  for (const w of snapshot.workloads) {
    const annotations = w.object.metadata?.annotations ?? {};
    if (!isManaged(annotations)) continue;
    const ref: TargetRef = { provider, id: formatWorkloadId(w.id) };
    const t: DiscoveredTarget = { ref, id: w.id };
    const value = annotations[ANNOTATION.policy];
    try {
      if (value === undefined) {
        if (!options.defaultPolicy) throw new Error(`annotated ${ANNOTATION.managed}: "true" but no default policy is configured; set ${ANNOTATION.policy}`);
        t.policy = options.defaultPolicy;
        t.policySource = 'default';
      } else {
        const cm = configMapRef(value, options.policyNamespace ?? w.id.namespace);
        if (cm && options.policyNamespace !== undefined && cm.namespace !== options.policyNamespace) {
          throw new AutoscalerError(
            'VALIDATION',
            `annotation ${ANNOTATION.policy} names ConfigMap ${cm.namespace}/${cm.name}: only policy ConfigMaps in the autoscaler's namespace (${options.policyNamespace}) can be named`,
          );
        }
        if (cm) {
          const key = `${cm.namespace}/${cm.name}`;
          let parsed = parsedConfigMaps.get(key);
          if (!parsed) {
            parsed = policyFromConfigMap(snapshot, cm.namespace, cm.name);
            parsedConfigMaps.set(key, parsed);
          }
          if (parsed instanceof AutoscalerError) throw parsed;
          if (options.policyNamespace === undefined) refuseTenantNotifications(parsed, `ConfigMap ${key}`);
          t.policy = parsed;
          t.policySource = `configmap ${key}`;
        } else {
          const policy = parsePolicy(value, `${ref.id} annotation ${ANNOTATION.policy}`);
          refuseTenantNotifications(policy, `the inline policy in annotation ${ANNOTATION.policy}`);
          t.policy = policy;
          t.policySource = 'inline';
        }
      }
    } catch (e) {
      t.problem = (e as Error).message;
    }
    targets.push(t);
  }
  targets.sort((a, b) => a.ref.id.localeCompare(b.ref.id));
  return { targets, policies: new DiscoveredPolicies(targets) };
}

function policyFromConfigMap(snapshot: ClusterSnapshot, namespace: string, name: string): Policy | AutoscalerError {
  try {
    const cm = snapshot.configMap(namespace, name);
    if (!cm)
      throw new AutoscalerError(
        'VALIDATION',
        `ConfigMap ${namespace}/${name} not found among ConfigMaps labelled ${ANNOTATION.policy} (label it, or check the name)`,
      );
    const data = cm.data ?? {};
    const keys = Object.keys(data);
    const key = POLICY_KEYS.find((k) => k in data) ?? (keys.length === 1 ? keys[0] : undefined);
    if (key === undefined)
      throw new AutoscalerError(
        'VALIDATION',
        `ConfigMap ${namespace}/${name} has ${keys.length === 0 ? 'no data' : `keys ${keys.join(', ')}`}; put the policy under policy.yaml`,
      );
    return parsePolicy(data[key]!, `ConfigMap ${namespace}/${name} key ${key}`);
  } catch (e) {
    return e instanceof AutoscalerError ? e : new AutoscalerError('VALIDATION', (e as Error).message);
  }
}
