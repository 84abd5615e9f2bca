import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { parsePolicy } from '@autoscaler/core';

const DEPLOY = join(__dirname, '..', 'deploy');

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

export function readManifests(): Array<{ file: string; doc: Doc }> {
  const out: Array<{ file: string; doc: Doc }> = [];
  for (const file of readdirSync(DEPLOY)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()) {
    for (const d of parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'))) {
      expect({ file, errors: d.errors.map((e) => e.message) }).toEqual({ file, errors: [] });
      out.push({ file, doc: d.toJSON() as Doc });
    }
  }
  return out;
}

/** kubernetes-models validates against the Kubernetes OpenAPI schema of each kind. */
const MODELS: Record<string, { validate(doc: Doc): void }> = {
  'batch/v1/CronJob': { validate: (d) => new CronJob(d).validate() },
  'v1/ConfigMap': { validate: (d) => new ConfigMap(d).validate() },
  'v1/Namespace': { validate: (d) => new Namespace(d).validate() },
  'v1/ServiceAccount': { validate: (d) => new ServiceAccount(d).validate() },
  'rbac.authorization.k8s.io/v1/ClusterRole': { validate: (d) => new ClusterRole(d).validate() },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { validate: (d) => new ClusterRoleBinding(d as never).validate() },
  'rbac.authorization.k8s.io/v1/Role': { validate: (d) => new Role(d).validate() },
  'rbac.authorization.k8s.io/v1/RoleBinding': { validate: (d) => new RoleBinding(d as never).validate() },
};

describe('deploy/ manifests', () => {
  const manifests = readManifests();
  const byKind = (kind: string): Doc[] => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);

  it('validate against the Kubernetes schema (kubernetes-models 4.5.0)', () => {
    expect(manifests.length).toBe(8);
    for (const { file, doc } of manifests) {
      const model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect({ file, kind: `${doc.apiVersion}/${doc.kind}`, known: model !== undefined }).toEqual({ file, kind: `${doc.apiVersion}/${doc.kind}`, known: true });
      expect(() => model!.validate(doc)).not.toThrow();
    }
  });

  it('the schema check is real: a broken CronJob fails it', () => {
    const cron = structuredClone(byKind('CronJob')[0]!);
    (cron['spec'] as Record<string, unknown>)['concurrencyPolicy'] = 42;
    expect(() => MODELS['batch/v1/CronJob']!.validate(cron)).toThrow(/concurrencyPolicy/);
  });

  it('kustomization lists every manifest, in the autoscaler namespace', () => {
    const k = parseAllDocuments(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8'))[0]!.toJSON() as { namespace: string; resources: string[] };
    expect(k.namespace).toBe('autoscaler');
    expect([...k.resources].sort()).toEqual([...new Set(manifests.map((m) => m.file))].sort());
  });

  it('the CronJob forbids overlapping runs, runs as the service account, non-root, and finishes inside its minute', () => {
    const cron = byKind('CronJob')[0]! as unknown as {
      spec: {
        concurrencyPolicy: string;
        schedule: string;
        jobTemplate: {
          spec: {
            activeDeadlineSeconds: number;
            backoffLimit: number;
            template: {
              spec: {
                serviceAccountName: string;
                restartPolicy: string;
                securityContext: { runAsNonRoot: boolean };
                containers: Array<{ env: Array<{ name: string; value?: string; valueFrom?: unknown }>; securityContext: { readOnlyRootFilesystem: boolean } }>;
              };
            };
          };
        };
      };
    };
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.schedule).toBe('* * * * *');
    const job = cron.spec.jobTemplate.spec;
    expect(job.activeDeadlineSeconds).toBeLessThan(60);
    expect(job.backoffLimit).toBe(0);
    expect(job.template.spec.serviceAccountName).toBe(byKind('ServiceAccount')[0]!.metadata.name);
    expect(job.template.spec.securityContext.runAsNonRoot).toBe(true);
    const c = job.template.spec.containers[0]!;
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env['AUTOSCALER_NAMESPACE']).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    // The last pass starts before LOOP_SECONDS; leave it 10 s to finish before the Job's deadline.
    expect(Number(env['AUTOSCALER_LOOP_SECONDS']) + 10).toBeLessThanOrEqual(job.activeDeadlineSeconds);
    // The run's time budget is the Job's deadline: the two must agree.
    expect(Number(env['AUTOSCALER_JOB_DEADLINE_SECONDS'])).toBe(job.activeDeadlineSeconds);
  });

  it('the bindings bind the roles to the service account', () => {
    const sa = byKind('ServiceAccount')[0]!;
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      const b = byKind(kind)[0]! as unknown as { roleRef: { kind: string; name: string }; subjects: Array<{ kind: string; name: string; namespace: string }> };
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
      expect(byKind(b.roleRef.kind).map((r) => r.metadata.name)).toContain(b.roleRef.name);
    }
  });

  it('the opt-in resize Role is valid, namespaced, grants only patch on workloads and on pods/resize (in place), and binds the service account', () => {
    const k = parseAllDocuments(readFileSync(join(DEPLOY, 'resize', 'kustomization.yaml'), 'utf8'))[0]!.toJSON() as { namespace?: string; resources: string[] };
    // No namespace transformer: it would move the binding's subject too.
    expect(k.namespace).toBeUndefined();
    const docs = k.resources.flatMap((f) => parseAllDocuments(readFileSync(join(DEPLOY, 'resize', f), 'utf8')).map((d) => d.toJSON() as Doc));
    const sa = byKind('ServiceAccount')[0]!;
    for (const d of docs) expect(() => MODELS[`${d.apiVersion}/${d.kind}`]!.validate(d)).not.toThrow();
    const role = docs.find((d) => d.kind === 'Role')! as Doc & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };
    expect(role.metadata.namespace).toBe('ml');
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['pods/resize'], verbs: ['patch'] },
    ]);
    const binding = docs.find((d) => d.kind === 'RoleBinding')! as Doc & { subjects: unknown[]; roleRef: { name: string } };
    expect(binding.metadata.namespace).toBe('ml');
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
  });

  it('the default ClusterRole cannot write workloads, and ConfigMaps are reachable only through the Role in the autoscaler namespace', () => {
    const rules = (byKind('ClusterRole')[0] as unknown as { rules: Array<{ resources: string[]; verbs: string[] }> }).rules;
    for (const r of rules) {
      if (r.resources.some((x) => x === 'deployments' || x === 'statefulsets')) expect(r.verbs).toEqual(['get', 'list']);
      expect(r.resources).not.toContain('configmaps');
    }
    expect(byKind('Role').map((r) => r.metadata.namespace)).toEqual(['autoscaler']);
  });

  it('the policies ConfigMap is labelled for discovery and holds a valid policy', () => {
    const cm = byKind('ConfigMap')[0]! as Doc & { data: Record<string, string> };
    expect(cm.metadata.labels?.['autoscaler.dev/policy']).toBe('true');
    expect(parsePolicy(cm.data['policy.yaml']!, 'policies-configmap.yaml').name).toBe('model-serving');
  });
});
