import { ValidationError, type NotificationKindSchema } from '@autoscaler/core';
import { kubernetesProvider } from '../commands/monitor';
import { unknownName } from '../suggest';
import type { CloudCli, NativeFormat } from './types';

/** The parents a cloud adds subcommands under. */
export type CloudVerb = 'setup' | 'teardown' | 'sandbox' | 'status';

/**
 * A registered cloud as the shared commands see it. Everything here is light: reading it loads
 * neither the cloud's module nor its SDK; `load()` does, once, when a command for that cloud runs.
 */
export interface CloudEntry extends Omit<CloudCli, 'register' | 'scale' | 'matchesId' | 'validateId' | 'nativeFormats'> {
  /** Every other name accepted for this cloud: the provider name and the usual ones (`sagemaker`). */
  aliases: string[];
  idFormat: string;
  scaleOptions: Array<{ flags: string; description: string }>;
  /** The subcommand it adds under each parent, with its one-line description (help before loading). */
  commands: Partial<Record<CloudVerb, string>>;
  /** Top-level commands it adds (`apply-native`), with their descriptions. */
  programCommands: Record<string, string>;
  /** A cheap look at an id's shape, so `scale <id>` loads only the cloud it is for. */
  claimsId(id: string): boolean;
  /** Throws a `ValidationError` naming `path` if `id` is not a target id of this cloud (the provider's own check). */
  validateId(id: string, path: string): Promise<void>;
  nativeFormats: Record<string, NativeFormat>;
  /** The cloud's module (its commands, `scale`), imported on first use. */
  load(): Promise<CloudCli>;
  /** This cloud's page in the docs (default `docs/<name>.md`), for errors that point there. */
  docs?: string;
  /** The notification kinds the cloud's package registers (`sns`), imported when called. */
  notificationKinds?: () => Promise<readonly NotificationKindSchema[]>;
  /** Set when the module is loaded with the CLI (a generated cloud): its commands are registered directly. */
  loaded?: CloudCli;
}

type Light = Omit<CloudEntry, 'aliases' | 'validateId' | 'nativeFormats' | 'scaleOptions' | 'programCommands'> &
  Partial<Pick<CloudEntry, 'aliases' | 'scaleOptions' | 'programCommands' | 'nativeFormats'>> & {
    /** The provider package's own id check, imported when called. */
    checkId?: (id: string, path: string) => void | Promise<void>;
  };

/**
 * The built-in clouds, one light line each: names, id shape, the commands they add and what they
 * do, with the module (and the cloud SDK behind it) imported only when a command for that cloud runs.
 * A test checks these lines against the loaded modules.
 */
const BUILT_IN: readonly Light[] = [
  {
    name: 'aws',
    aliases: ['sagemaker'],
    provider: 'aws-sagemaker',
    size: { name: 'instance type', flag: '--instance-type' },
    idFormat: 'endpoint/<endpoint>/variant/<variant>',
    claimsId: (id) => id.startsWith('endpoint/') || id.startsWith('inference-component/'),
    checkId: async (id, path) => void (await import('./aws-exports')).parseTargetId(id, path),
    notificationKinds: async () => [(await import('./aws-exports')).snsNotificationKind],
    commands: {
      sandbox:
        'Start a local wire-level fake of SageMaker, Application Auto Scaling, CloudWatch and SNS (SigV4 checked) with a seeded endpoint; prints the URL and credentials',
      setup:
        'Compile the policy to Application Auto Scaling (scalable target, target-tracking and step policies, their CloudWatch alarms, scheduled actions) and apply it idempotently',
      teardown:
        'Remove exactly what setup aws / apply-native created for the policy (its prefixed policies, alarms, scheduled actions; the scalable target only if it carries our owner tag)',
      status:
        'Show status, capacity, instance type, last actions, Application Auto Scaling policies, scaling activities and alarms of endpoint variants and inference components',
    },
    programCommands: { 'apply-native': 'Apply a policy as the cloud-native autoscaler (AWS: Application Auto Scaling), idempotently; same as setup aws' },
    nativeFormats: {
      aas: {
        description: 'Application Auto Scaling: the scalable target, scaling policies, CloudWatch alarms and scheduled actions as API payloads',
        export: async (p, ref) => (await import('./aws-exports')).compileNative(p, ref),
      },
    },
    load: async () => (await import('./aws')).awsCloud,
  },
  {
    name: 'oci',
    provider: 'oci-data-science',
    size: { name: 'shape', flag: '--shape' },
    scaleOptions: [{ flags: '--bandwidth <mbps>', description: 'load balancer bandwidth in Mbps' }],
    idFormat: 'a model deployment OCID, ocid1.datasciencemodeldeployment.<realm>.<region>..<unique id>',
    programCommands: {
      import: "Read a cloud's own autoscaling into a policy (oci-native: OCI Data Science's AutoScalingPolicy), and list what the policy cannot express",
    },
    claimsId: (id) => id.toLowerCase().startsWith('ocid1.datasciencemodeldeployment.'),
    checkId: async (id, path) => void (await import('./oci-exports')).requireOcid('datasciencemodeldeployment', id, path),
    notificationKinds: async () => [(await import('./oci-exports')).onsNotificationKind],
    commands: {
      sandbox:
        'Start a local wire-level fake of OCI Data Science, Monitoring and Notifications (signed requests, ETags, work requests) with a seeded model deployment',
      setup: 'Create the Notifications topic, the function subscription and the alarms for one model deployment; print the IAM the function needs',
      teardown: 'Remove exactly what setup oci created (from its state file, or found by its tags)',
      status: 'Show lifecycle state, capacity, last actions, alarms and recent work requests of model deployments',
    },
    nativeFormats: {
      'oci-native': {
        description: "OCI Data Science's own model-deployment autoscaling policy (threshold-based)",
        export: async (p, ref) => (await import('./oci-exports')).exportNativePolicy(p, ref),
      },
    },
    load: async () => (await import('./oci')).ociCloud,
  },
  {
    name: 'k8s',
    aliases: ['kubernetes'],
    provider: 'kubernetes',
    docs: 'docs/kubernetes.md',
    size: { name: 'requests/limits tier' },
    idFormat: '<namespace>/<deployment|statefulset>/<name>',
    claimsId: (id) => /^[^/]+\/(deployment|statefulset)\/[^/]+$/.test(id),
    checkId: async (id, path) => void (await kubernetesProvider()).parseWorkloadId(id, path),
    commands: {
      sandbox:
        'Start a local fake Kubernetes apiserver over HTTPS (Deployments, scale, HPAs, metrics.k8s.io; bearer token) with seeded workloads and pod metrics, and write a kubeconfig for it that kubectl can use',
      status:
        'Show replicas, tier, rollout status, policy and last actions of annotated workloads (or the given ids); HPA-owned ones show why they are refused',
    },
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
          return k8s.exportKeda(p, k8s.parseWorkloadId(ref.id));
        },
      },
    },
    load: async () => (await import('./kubernetes')).kubernetesCloud,
  },
];

/**
 * Clouds added by `nx g @autoscaler/workspace-plugin:provider <name>`: one line each, loaded with
 * the CLI (a generated cloud can move to a light line in BUILT_IN once it is real).
 */
const GENERATED: readonly CloudCli[] = [
  // <cloud-registry>
];

/** A generated cloud's module is already loaded: its light line comes from the module itself. */
function fromModule(cloud: CloudCli): Light {
  return {
    name: cloud.name,
    ...(cloud.aliases ? { aliases: cloud.aliases } : {}),
    provider: cloud.provider,
    ...(cloud.size ? { size: cloud.size } : {}),
    ...(cloud.scaleOptions ? { scaleOptions: cloud.scaleOptions } : {}),
    idFormat: cloud.idFormat ?? `a ${cloud.name} target id`,
    claimsId: (id) => cloud.matchesId?.(id) ?? false,
    ...(cloud.validateId ? { checkId: (id: string, path: string) => cloud.validateId!(id, path) } : {}),
    commands: {},
    ...(cloud.nativeFormats ? { nativeFormats: cloud.nativeFormats } : {}),
    loaded: cloud,
    load: async () => cloud,
  };
}

function entry(light: Light): CloudEntry {
  const { checkId, ...rest } = light;
  const aliases = [...new Set([...(light.aliases ?? []), light.provider])].filter((a) => a !== light.name).sort();
  let loading: Promise<CloudCli> | undefined;
  const load = (): Promise<CloudCli> => (loading ??= light.load());
  return {
    ...rest,
    aliases,
    scaleOptions: light.scaleOptions ?? [],
    programCommands: light.programCommands ?? {},
    nativeFormats: light.nativeFormats ?? {},
    load,
    validateId: async (id, path) => {
      if (checkId) return void (await checkId(id, path));
      const cloud = await load();
      if (cloud.validateId) await cloud.validateId(id, path);
      else if (cloud.matchesId && !cloud.matchesId(id)) throw ValidationError.field(path, `"${id}" is not a ${light.name} target id`);
    },
  };
}

/**
 * The cloud registry, sorted by name (like KEDA's scaler list): light entries; `entry.load()`
 * brings in a cloud's commands and SDK.
 */
export const clouds: readonly CloudEntry[] = [...BUILT_IN, ...GENERATED.map(fromModule)].map(entry).sort((a, b) => a.name.localeCompare(b.name));

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
