import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Golden OCI payloads (provenance: packages/testing/fixtures/oci/README.md). */
const DIR = join(__dirname, '..', '..', 'testing', 'fixtures', 'oci');

export function fixtureText(name: string): string {
  return readFileSync(join(DIR, name), 'utf8');
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

export const DEPLOYMENT = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaamodeldeploy00000000000000000000000000000000000000';
export const HIGH_CPU_ALARM = 'ocid1.alarm.oc1.iad.aaaaaaaahighcpu0000000000000000000000000000000000000000';

/** The seed payload (text, as the blog prints it) with its placeholders replaced by real OCIDs. */
export function seedWith(deploymentId: string, alarmId: string, text = fixtureText('seed-test-alarm-scale-cpu-up.json')): string {
  return text.replaceAll('<YOUR_MODEL_DEPLOYMENT_OCID>', deploymentId).replaceAll('<YOUR_HIGH_CPU_ALARM_OCID>', alarmId);
}
