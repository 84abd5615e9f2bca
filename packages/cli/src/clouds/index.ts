import type { CloudCli } from './types';
import { awsCloud } from './aws';
import { ociCloud } from './oci';
import { kubernetesCloud } from './kubernetes';

/**
 * The cloud registry: one line per cloud, sorted by name (like KEDA's scaler
 * list). `nx g @autoscaler/workspace-plugin:provider <name>` adds a line here.
 */
export const clouds: readonly CloudCli[] = [
  awsCloud,
  ociCloud,
  kubernetesCloud,
  // <cloud-registry>
].sort((a: CloudCli, b: CloudCli) => a.name.localeCompare(b.name));

export function findCloud(name: string): CloudCli | undefined {
  return clouds.find((c) => c.name === name || c.aliases?.includes(name));
}

export type { CloudCli, CloudParents, ScaleRequest } from './types';
