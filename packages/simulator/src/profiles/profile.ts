import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@autoscaler/core';
import type { SizeSpec } from '../model/service';

export type ProviderKind = 'oci' | 'sagemaker' | 'kubernetes' | 'sagemaker-ic' | 'oci-gpu';
/** The endpoint shapes every comparison (benchmarks, invariants) runs on. */
export const providerKinds: readonly ProviderKind[] = ['oci', 'sagemaker', 'kubernetes'];
/** Newer capacity kinds: SageMaker inference components (scale to zero), OCI GPU shapes. */
export const extraProviderKinds: readonly ProviderKind[] = ['sagemaker-ic', 'oci-gpu'];
export const allProviderKinds: readonly ProviderKind[] = [...providerKinds, ...extraProviderKinds];

/** How a simulated provider behaves: sizes and prices, how long changes take, when metrics arrive. */
export interface ProviderProfile {
  kind: ProviderKind;
  /** Human name, e.g. "OCI Data Science model deployment". */
  title: string;
  sizes: SizeSpec[];
  /** Seconds from apply until added instances serve. */
  scaleOutSeconds: number;
  /** Seconds a scale-in keeps the target updating (instances stop serving and billing at once). */
  scaleInSeconds: number;
  /** Seconds until a new size serves (blue/green: the old fleet serves and bills meanwhile). */
  resizeSeconds: number;
  /** Uniform +/- fraction applied to each provisioning time (seeded). */
  jitter: number;
  /** True when the target refuses changes while one is in flight (OCI UPDATING, SageMaker Updating). */
  blocksWhileUpdating: boolean;
  /** Seconds after a minute ends until its datapoint is visible to alarms / pollers. */
  metricDelaySeconds: number;
  /** Fewest instances the platform lets a real-time endpoint run (0: it scales to zero). */
  minReplicas: number;
  /**
   * Seconds from apply until the first instance serves when none is running (scale from zero:
   * an instance is provisioned, then the copy starts). Default: `scaleOutSeconds`.
   */
  scaleFromZeroSeconds?: number;
  /** One line per figure that is an estimate or stands in for a null in profiles.json. */
  estimates: string[];
}

interface Figure {
  value: unknown;
  source?: string;
  kind?: string;
  note?: string;
}
type ProfilesDoc = Record<string, Record<string, Record<string, Figure>>>;

export const profilesPath = join(__dirname, '..', '..', 'profiles', 'profiles.json');

let cached: ProfilesDoc | undefined;
function doc(): ProfilesDoc {
  cached ??= JSON.parse(readFileSync(profilesPath, 'utf8')) as ProfilesDoc;
  return cached;
}

function figure(provider: string, section: string, key: string): Figure {
  const f = doc()[provider]?.[section]?.[key];
  if (!f) throw new Error(`profiles.json has no ${provider}.${section}.${key}`);
  return f;
}

function num(provider: string, section: string, key: string): number {
  const v = figure(provider, section, key).value;
  if (typeof v !== 'number') throw new Error(`profiles.json ${provider}.${section}.${key} is not a number`);
  return v;
}

/**
 * Scenario parameters stand where profiles.json has null: the report lists each
 * one so nobody mistakes them for measurements.
 */
function oci(): ProviderProfile {
  const shapes = figure('oci', 'prices', 'vm_standard2_shape_hourly').value as Record<string, number>;
  // VM.Standard2.N: N OCPUs = 2N vCPUs, 15 GB per OCPU (supported-shapes page).
  const sizes = [1, 2, 4, 8].map((n): SizeSpec => ({ name: `VM.Standard2.${n}`, vcpus: 2 * n, memoryGb: 15 * n, hourly: shapes[`VM.Standard2.${n}`]! }));
  const delay = figure('oci', 'metrics', 'md_metric_emission_interval_s');
  return {
    kind: 'oci',
    title: 'OCI Data Science model deployment',
    sizes,
    scaleOutSeconds: 300,
    scaleInSeconds: 120,
    resizeSeconds: 420,
    jitter: 0.2,
    blocksWhileUpdating: figure('oci', 'provisioning', 'updating_state_rejects_other_updates').value === true,
    metricDelaySeconds: num('oci', 'metrics', 'md_metric_emission_interval_s'),
    minReplicas: 1,
    estimates: [
      'OCI add-instance update: 300 s (+/-20%), shape change 420 s, scale-in update 120 s: scenario parameters, profiles.json has null (docs say only "several minutes"; the SDK waits up to 1200 s)',
      'OCI shape prices: 0.0638 USD per OCPU-hour (documented) x OCPUs (estimate per shape)',
      `OCI metric delay ${String(delay.value)} s: ${delay.kind} (generic 60 s service-metric frequency)`,
      'OCI rejects updates while UPDATING: estimate (one change at a time is documented)',
    ],
  };
}

function sagemaker(): ProviderProfile {
  const price = (t: string): number => num('sagemaker', 'prices', t);
  const sizes: SizeSpec[] = [
    { name: 'ml.m5.large', vcpus: 2, memoryGb: 8, hourly: price('ml.m5.large') },
    { name: 'ml.m5.xlarge', vcpus: 4, memoryGb: 16, hourly: price('ml.m5.xlarge') },
    { name: 'ml.m5.2xlarge', vcpus: 8, memoryGb: 32, hourly: price('ml.m5.2xlarge') },
    { name: 'ml.m5.4xlarge', vcpus: 16, memoryGb: 64, hourly: price('ml.m5.4xlarge') },
  ];
  return {
    kind: 'sagemaker',
    title: 'AWS SageMaker real-time endpoint variant',
    sizes,
    scaleOutSeconds: 300,
    scaleInSeconds: 120,
    resizeSeconds: 600,
    jitter: 0.2,
    blocksWhileUpdating: true,
    metricDelaySeconds: num('sagemaker', 'metrics', 'standard_metric_period_s'),
    minReplicas: num('sagemaker', 'limits', 'min_capacity_real_time_variant'),
    estimates: [
      'SageMaker CPU-instance scale-out: 300 s (+/-20%): scenario parameter, profiles.json has null ("several minutes"; GPU LLM measured 258-525 s)',
      'SageMaker blue/green instance-type change 600 s and scale-in update 120 s: scenario parameters (null in profiles.json)',
      'SageMaker ml.m5 prices: third-party copies (estimate)',
      'CloudWatch target-tracking alarms 3 x 1 min above / 15 x 1 min below 90%: "more than 10% lower" is documented; 3 of 3 and 15 of 15 are what created alarms show (hashicorp/terraform-provider-aws#42553, aws/containers-roadmap#638), not printed in the AWS guide',
      `ConcurrentRequestsPerModel/PerCopy every ${num('sagemaker', 'metrics', 'high_res_metric_period_s')} s (documented); visible 10 s after its period ends and a high-resolution AlarmHigh of 3 x 10 s: estimates (AWS publishes neither); AlarmLow stays 15 x 1 min (scale-in documented as no faster)`,
      'ConcurrentRequestsPerModel = mean requests in flight per instance from the M/M/c model (workers x queue limit in overload), constant within a minute of the trace: modelling choice',
    ],
  };
}

/**
 * SageMaker inference components: the capacity is the copy count (`DesiredCopyCount`), one copy
 * per ml.m5 instance here (a modelling choice: managed instance scaling adds an instance per copy).
 * A copy added while copies serve starts in `scaleOutSeconds`; from zero an instance must be
 * provisioned first (`scaleFromZeroSeconds`), and every request in between fails
 * (`NoCapacityInvocationFailures`), as the scale-to-zero page documents.
 */
function sagemakerIc(): ProviderProfile {
  const base = sagemaker();
  const zero = figure('sagemaker', 'limits', 'scale_to_zero_supported');
  const copyStart = 120;
  return {
    ...base,
    kind: 'sagemaker-ic',
    title: 'AWS SageMaker inference component (scale to zero)',
    scaleOutSeconds: copyStart,
    scaleFromZeroSeconds: base.scaleOutSeconds + copyStart,
    minReplicas: 0,
    estimates: [
      `SageMaker inference-component copy start ${copyStart} s (+/-20%): scenario parameter (no citable figure: a copy loads the model on an instance with room)`,
      `SageMaker scale from zero ${base.scaleOutSeconds + copyStart} s (+/-20%) = instance provisioning ${base.scaleOutSeconds} s (scenario parameter) + copy start: AWS documents only "several minutes", during which every invocation fails (scale to zero: ${String(zero.value)}, ${zero.source ?? 'profiles.json'})`,
      'Requests that find no copy fail and count only in NoCapacityInvocationFailures (Invocations shows 0 then): modelling choice, the reason AWS wakes a component with a step rule on that metric',
      'One copy per ml.m5 instance, billed per instance while a copy is placed or serving: modelling choice',
      ...base.estimates.filter((e) => !e.startsWith('SageMaker CPU-instance scale-out')),
    ],
  };
}

/**
 * OCI Data Science model deployments on GPU shapes. Prices: the Oracle price list's
 * "Compute - GPU - A10" (part B95909) per GPU-hour; OCPUs and memory come with the shape.
 */
function ociGpu(): ProviderProfile {
  const base = oci();
  const perGpu = num('oci', 'prices', 'gpu_a10_per_gpu_hour');
  // VM.GPU.A10.N: N A10 GPUs, 15 OCPUs (30 vCPUs) and 240 GB per GPU (OCI GPU shapes page).
  const sizes = [1, 2].map((n): SizeSpec => ({ name: `VM.GPU.A10.${n}`, vcpus: 30 * n, memoryGb: 240 * n, hourly: perGpu * n }));
  return {
    ...base,
    kind: 'oci-gpu',
    title: 'OCI Data Science model deployment on GPU shapes',
    sizes,
    estimates: [
      `OCI A10 shapes at ${perGpu} USD per GPU-hour (Oracle price list, part B95909), OCPUs and memory included`,
      'GPU shapes are served by the same M/M/c model as CPU shapes, one worker per vCPU (30 per A10) at --service-time-ms: a stand-in, set --service-time-ms from your own model server',
      'VM.GPU3.x and VM.GPU2.1 are on the provider ladder but not here: the price list part for each could not be matched to its shape with certainty',
      ...base.estimates.filter((e) => !e.startsWith('OCI shape prices')),
    ],
  };
}

function kubernetes(): ProviderProfile {
  const node = num('kubernetes', 'prices', 'ec2_m5.xlarge_hourly');
  // Requests tiers priced as their share of an m5.xlarge node (4 vCPU, 16 GiB): a modelling choice.
  const sizes = [1, 2, 4].map((n): SizeSpec => ({ name: `cpu-${n}`, vcpus: n, memoryGb: 4 * n, hourly: (node * n) / 4 }));
  const podStart = num('kubernetes', 'provisioning', 'pod_startup_p99_excluding_image_pull_s');
  return {
    kind: 'kubernetes',
    title: 'Kubernetes Deployment (pods on existing nodes)',
    sizes,
    scaleOutSeconds: podStart + 30,
    scaleInSeconds: 0,
    resizeSeconds: podStart + 30 + 30,
    jitter: 0.2,
    blocksWhileUpdating: false,
    metricDelaySeconds: num('kubernetes', 'metrics', 'metrics_server_resolution_upstream_manifest_s'),
    minReplicas: 1,
    estimates: [
      `Kubernetes pod start ${podStart} s (documented SLO, image cached) + 30 s model-server readiness (scenario parameter: null in profiles.json); nodes assumed available`,
      'Kubernetes per-pod price: m5.xlarge node price (third-party copy) split by requested vCPU (modelling choice)',
    ],
  };
}

export function providerProfile(kind: string): ProviderProfile {
  switch (kind) {
    case 'oci':
      return oci();
    case 'sagemaker':
      return sagemaker();
    case 'kubernetes':
      return kubernetes();
    case 'sagemaker-ic':
      return sagemakerIc();
    case 'oci-gpu':
      return ociGpu();
    default:
      throw ValidationError.field('--provider', `unknown provider "${kind}": use one of ${allProviderKinds.join(', ')}`);
  }
}
