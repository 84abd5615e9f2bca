import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RequestAttributes } from '@autoscaler/sandbox-kubernetes';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

interface Grant {
  /** Namespace a Role grants in; undefined for a ClusterRole (every namespace). */
  namespace?: string;
  rule: PolicyRule;
}

const DEPLOY = join(__dirname, '..', 'deploy');

function grantsIn(files: readonly string[]): Grant[] {
  const grants: Grant[] = [];
  for (const file of files) {
    for (const d of parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'))) {
      const doc = d.toJSON() as { kind: string; metadata: { namespace?: string }; rules?: PolicyRule[] };
      if (doc.kind !== 'Role' && doc.kind !== 'ClusterRole') continue;
      for (const rule of doc.rules ?? []) grants.push(doc.kind === 'Role' ? { namespace: doc.metadata.namespace!, rule } : { rule });
    }
  }
  return grants;
}

/** The default ClusterRole and Role rules shipped in deploy/, as the apiserver's RBAC authorizer reads them. */
export function shippedGrants(): Grant[] {
  return grantsIn(['clusterrole.yaml', 'role.yaml']);
}

/** The opt-in vertical-resize Role(s) in deploy/resize/ (one namespace each). */
export function resizeGrants(): Grant[] {
  return grantsIn(['resize/role-ml.yaml']);
}

export const resourceKey = (a: Pick<RequestAttributes, 'resource' | 'subresource'>): string => (a.subresource ? `${a.resource}/${a.subresource}` : a.resource!);

/** RBAC evaluation (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac): any matching rule allows. */
export function rbacAuthorizer(user: string, grants: readonly Grant[]): (a: RequestAttributes) => true | string {
  return (a) => {
    if (a.user !== user) return true;
    if (a.resource === undefined) return 'no non-resource URLs are granted';
    const ok = grants.some(
      (g) =>
        (g.namespace === undefined || g.namespace === a.namespace) &&
        g.rule.apiGroups.includes(a.group!) &&
        g.rule.resources.includes(resourceKey(a)) &&
        g.rule.verbs.includes(a.verb) &&
        (g.rule.resourceNames === undefined || (a.name !== undefined && g.rule.resourceNames.includes(a.name))),
    );
    return ok ? true : 'RBAC: not granted by the shipped roles';
  };
}

/** Every (group, resource, verb) the shipped rules grant. */
export function grantedPermissions(grants: readonly Grant[]): string[] {
  const out = new Set<string>();
  for (const g of grants) for (const group of g.rule.apiGroups) for (const r of g.rule.resources) for (const v of g.rule.verbs) out.add(`${group}|${r}|${v}`);
  return [...out].sort();
}
