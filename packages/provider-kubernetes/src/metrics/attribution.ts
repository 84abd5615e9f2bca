import { formatWorkloadId, parseWorkloadId, type WorkloadId } from '../model/ids';

// Pod names the controllers generate: Deployment `<name>-<pod-template-hash>-<5>`, StatefulSet `<name>-<ordinal>`.
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
const DEPLOYMENT_POD = new RegExp(`^(.+)-${SAFE}{6,10}-${SAFE}{5}$`);
const STATEFULSET_POD = /^(.+)-(0|[1-9]\d{0,5})$/;

/** The workload a pod belongs to, from the name its controller gave it; undefined for any other pod (static, bare, Job). */
export function workloadOfPod(namespace: string, pod: string): WorkloadId | undefined {
  const d = DEPLOYMENT_POD.exec(pod);
  const s = d ? undefined : STATEFULSET_POD.exec(pod);
  const kind = d ? 'deployment' : s ? 'statefulset' : undefined;
  const name = (d ?? s)?.[1];
  if (!kind || !name) return undefined;
  try {
    return parseWorkloadId(formatWorkloadId({ namespace, kind, name }));
  } catch {
    return undefined;
  }
}
