import type { WorkloadSeed } from '@autoscaler/sandbox-kubernetes';
import type { CliIO } from '../src/io';

/** A non-TTY CliIO that keeps what a command writes, line by line. */
export function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, isTTY: false, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}

/**
 * The workload the loadtest, monitor and recipe tests measure: Deployment ml/model-server (pods `app=model-server`),
 * 2 replicas of one `server` container asking 500m CPU / 512Mi (and `limits`, when given), its pods using `load`.
 */
export function modelServerDeployment(load: NonNullable<WorkloadSeed['load']>, limits?: { cpu?: string; memory?: string }): WorkloadSeed {
  return {
    namespace: 'ml',
    name: 'model-server',
    replicas: 2,
    containers: [{ name: 'server', requests: { cpu: '500m', memory: '512Mi' }, ...(limits ? { limits } : {}) }],
    load,
  };
}
