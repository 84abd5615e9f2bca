#!/usr/bin/env node
import { KubeConfig } from '@kubernetes/client-node';
import { AutoscalerError, redactSecrets } from '@autoscaler/core';
import { loadConfig } from './config';
import { runCronJob } from './run';

/** The container entrypoint: in-cluster credentials when running in a pod, the kubeconfig otherwise. */
async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: e instanceof AutoscalerError ? e.message : String(e) })}\n`);
    return 1;
  }
  const kubeConfig = new KubeConfig();
  if (process.env['KUBERNETES_SERVICE_HOST'] && !process.env['KUBECONFIG']) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromDefault();
  const summary = await runCronJob({ config, kubeConfig });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.ok ? 0 : 1;
}

/** Exit once stdout is flushed: a request abandoned at the deadline must not keep the Job's pod running. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main().then(exit, (e: unknown) => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: `internal error: ${redactSecrets((e as Error)?.message ?? String(e))}` })}\n`);
  exit(1);
});
