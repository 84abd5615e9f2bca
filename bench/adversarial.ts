/**
 * The adversarial suite as a benchmark: each app's real handler against its wire fakes, driven as
 * an attacker and a careless operator would (the same scenarios the apps' adversarial e2e tests
 * assert on, on the injected clock). Run: `npx tsx bench/adversarial.ts`.
 * Writes bench/results/adversarial.json; the aims are in `aims` and `met`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOciAdversarial } from '../apps/oci-function/test/adversarial-scenarios';
import { runAwsAdversarial } from '../apps/aws-lambda/test/adversarial-scenarios';
import { runK8sAdversarial } from '../apps/k8s-cronjob/test/adversarial-scenarios';

async function main(): Promise<void> {
  const log = (msg: string): void => void process.stderr.write(`adversarial: ${msg}\n`);
  log('OCI Function…');
  const oci = await runOciAdversarial();
  log('AWS Lambda…');
  const aws = await runAwsAdversarial();
  log('Kubernetes CronJob…');
  const k8s = await runK8sAdversarial();

  const result = {
    duplicateDeliveries: {
      deliveries: oci.duplicateDeliveries.deliveries + aws.duplicateDeliveries.deliveries,
      containers: oci.duplicateDeliveries.containers + aws.duplicateDeliveries.containers,
      // One scaling call is right per cloud: the worst of the two is reported.
      scalingCalls: Math.max(oci.duplicateDeliveries.scalingCalls, aws.duplicateDeliveries.scalingCalls),
    },
    forgedMessages: { tried: oci.forgedMessages.tried + aws.forgedMessages.tried, actions: oci.forgedMessages.actions + aws.forgedMessages.actions },
    hungDependency: { worstOverDeadlineMs: Math.max(oci.hungDependency.worstOverDeadlineMs, aws.hungDependency.worstOverDeadlineMs) },
    lostStateWrite: aws.lostStateWrite,
    tenantIsolation: k8s.tenantIsolation,
    secretsInLogs: oci.secretsInLogs + aws.secretsInLogs + k8s.secretsInLogs,
    badInputs: {
      tried: oci.badInputs.tried + aws.badInputs.tried + k8s.badInputs.tried,
      uncaught: oci.badInputs.uncaught + aws.badInputs.uncaught + k8s.badInputs.uncaught,
    },
  };
  const met = {
    scalingCalls: result.duplicateDeliveries.scalingCalls === 1,
    forgedActions: result.forgedMessages.actions === 0,
    worstOverDeadlineMs: result.hungDependency.worstOverDeadlineMs <= 0,
    extraScalingCalls: result.lostStateWrite.extraScalingCalls === 0,
    victimScaled: result.tenantIsolation.victimScaled === true,
    secretsInLogs: result.secretsInLogs === 0,
    uncaught: result.badInputs.uncaught === 0,
  };
  const out = {
    ...result,
    perCloud: { oci, aws, k8s },
    aims: { scalingCalls: 1, actions: 0, worstOverDeadlineMs: '<= 0', extraScalingCalls: 0, victimScaled: true, secretsInLogs: 0, uncaught: 0 },
    met,
    measuredAt: new Date().toISOString(),
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'adversarial.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  const missed = Object.entries(met)
    .filter(([, ok]) => !ok)
    .map(([k]) => k);
  process.stdout.write(missed.length === 0 ? 'every aim met\n' : `aims missed: ${missed.join(', ')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
