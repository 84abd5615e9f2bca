import { ValidationError } from '@autoscaler/core';
import { compileNative, parseVariantId } from '@autoscaler/provider-aws-sagemaker';
import { exportNativePolicy, requireOcid } from '@autoscaler/provider-oci-data-science';
import { kubernetesProvider } from '../commands/monitor';
import { unknownName } from '../suggest';
import type { CloudCli, NativeFormat } from './types';
import { awsCloud } from './aws';
import { ociCloud } from './oci';
import { kubernetesCloud } from './kubernetes';
import { exportKeda } from '../commands/keda-export';

/** A registered cloud with everything the shared commands need filled in. */
export interface CloudEntry extends CloudCli {
  /** Every other name accepted for this cloud: the provider name and the usual ones (`sagemaker`). */
  aliases: string[];
  idFormat: string;
  scaleOptions: Array<{ flags: string; description: string }>;
  validateId(id: string, path: string): Promise<void>;
  nativeFormats: Record<string, NativeFormat>;
}

/** The names users type for each cloud, besides its command name and its provider name. */
const EXTRA_ALIASES: Readonly<Record<string, readonly string[]>> = { aws: ['sagemaker'] };

/** Id checks and native exports of the built-in clouds, through each provider package's own functions. */
const BUILT_IN: Readonly<Record<string, Pick<CloudCli, 'idFormat' | 'validateId' | 'nativeFormats' | 'size' | 'scaleOptions'>>> = {
  aws: {
    size: { name: 'instance type', flag: '--instance-type' },
    idFormat: 'endpoint/<endpoint>/variant/<variant>',
    validateId: (id, path) => void parseVariantId(id, path),
    nativeFormats: { aas: { description: 'Application Auto Scaling: the scalable target, scaling policies, CloudWatch alarms and scheduled actions as API payloads', export: async (p, ref) => compileNative(p, ref) } },
  },
  oci: {
    size: { name: 'shape', flag: '--shape' },
    scaleOptions: [{ flags: '--bandwidth <mbps>', description: 'load balancer bandwidth in Mbps' }],
    idFormat: 'a model deployment OCID, ocid1.datasciencemodeldeployment.<realm>.<region>..<unique id>',
    validateId: (id, path) => void requireOcid('datasciencemodeldeployment', id, path),
    nativeFormats: { 'oci-native': { description: "OCI Data Science's own model-deployment autoscaling policy (threshold-based)", export: async (p, ref) => exportNativePolicy(p, ref) } },
  },
  k8s: {
    size: { name: 'requests/limits tier' },
    idFormat: '<namespace>/<deployment|statefulset>/<name>',
    validateId: async (id, path) => void (await kubernetesProvider()).parseWorkloadId(id, path),
    nativeFormats: {
      hpa: {
        description: 'a complete autoscaling/v2 HorizontalPodAutoscaler manifest',
        export: async (p, ref) => {
          const k8s = await kubernetesProvider();
          return k8s.exportHpa(p, k8s.parseWorkloadId(ref.id));
        },
      },
      keda: {
        description: 'a KEDA ScaledObject (keda.sh/v1alpha1): cpu/memory and cron triggers, min/max, the HPA behaviour',
        export: async (p, ref) => {
          const k8s = await kubernetesProvider();
          const id = k8s.parseWorkloadId(ref.id);
          return exportKeda(p, id, k8s.exportHpa(p, id));
        },
      },
    },
  },
};

function entry(cloud: CloudCli): CloudEntry {
  const aliases = [...new Set([...(cloud.aliases ?? []), cloud.provider, ...(EXTRA_ALIASES[cloud.name] ?? [])])].filter((a) => a !== cloud.name);
  const own = BUILT_IN[cloud.name] ?? {};
  const check = cloud.validateId ?? own.validateId;
  return {
    ...cloud,
    aliases,
    idFormat: cloud.idFormat ?? own.idFormat ?? `a ${cloud.name} target id`,
    ...(cloud.size ?? own.size ? { size: cloud.size ?? own.size } : {}),
    scaleOptions: [...(own.scaleOptions ?? []), ...(cloud.scaleOptions ?? [])],
    nativeFormats: { ...own.nativeFormats, ...cloud.nativeFormats },
    validateId: async (id, path) => {
      if (check) await check(id, path);
      else if (cloud.matchesId && !cloud.matchesId(id)) throw ValidationError.field(path, `"${id}" is not a ${cloud.name} target id`);
    },
  };
}

/**
 * The cloud registry: one line per cloud, sorted by name (like KEDA's scaler
 * list). `nx g @autoscaler/workspace-plugin:provider <name>` adds a line here.
 */
export const clouds: readonly CloudEntry[] = [
  awsCloud,
  ociCloud,
  kubernetesCloud,
  // <cloud-registry>
]
  .map(entry)
  .sort((a: CloudEntry, b: CloudEntry) => a.name.localeCompare(b.name));

/** `aws (sagemaker, aws-sagemaker), k8s (kubernetes), oci (oci-data-science)`: for help texts and errors. */
export function cloudNames(list: readonly CloudEntry[] = clouds): string {
  return list.map((c) => (c.aliases.length > 0 ? `${c.name} (${c.aliases.join(', ')})` : c.name)).join(', ') || '(none registered)';
}

/** Every name a cloud answers to. */
export const namesOf = (c: CloudEntry): string[] => [c.name, ...c.aliases];

export function findCloud(name: string): CloudEntry | undefined {
  const n = name.toLowerCase();
  return clouds.find((c) => namesOf(c).includes(n));
}

/** The cloud a user named (any alias), or a `ValidationError` on `flag` listing the valid names, with a "did you mean". */
export function resolveCloud(name: string, flag = 'cloud', among: readonly CloudEntry[] = clouds): CloudEntry {
  const n = name.toLowerCase();
  const cloud = among.find((c) => namesOf(c).includes(n));
  if (cloud) return cloud;
  throw ValidationError.field(flag, unknownName('cloud', name, among.flatMap(namesOf), cloudNames(among)));
}

/**
 * A cloud named any way (`aws`, `sagemaker`, `aws-sagemaker`, ...) as the one of `kinds` that is
 * among its names: `simulate --provider` takes every name while the simulator keeps its own
 * (`oci | sagemaker | kubernetes`). Errors list the valid names, with a "did you mean".
 */
export function kindOfCloud<K extends string>(name: string, kinds: readonly K[], flag = '--provider'): K {
  const among = clouds.filter((c) => kinds.some((k) => namesOf(c).includes(k)));
  const cloud = resolveCloud(name, flag, among);
  return kinds.find((k) => namesOf(cloud).includes(k))!;
}

/** The cloud whose provider name a policy target uses (`oci-data-science`, `aws-sagemaker`, `kubernetes`). */
export function cloudOfProvider(provider: string): CloudEntry | undefined {
  return clouds.find((c) => c.provider === provider);
}

/** Every `--to` format of `autoscaler export`, with the cloud that serves it. */
export function nativeFormats(): Array<NativeFormat & { name: string; cloud: CloudEntry }> {
  return clouds.flatMap((cloud) => Object.entries(cloud.nativeFormats).map(([name, f]) => ({ name, description: f.description, export: f.export, cloud })));
}

export type { CloudCli, CloudParents, NativeFormat, ScaleRequest } from './types';
