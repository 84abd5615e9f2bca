import type { Command } from 'commander';
import type { NativeExport, Policy, TargetRef } from '@autoscaler/core';

/** Options the shared `scale` command passes to the cloud whose id matched. */
export interface ScaleRequest {
  id: string;
  replicas?: number;
  /** Shape (OCI), instance type (AWS) or tier (Kubernetes). */
  size?: string;
  /** Load balancer bandwidth in Mbps (OCI model deployments; other clouds refuse it). */
  bandwidthMbps?: number;
  wait: boolean;
  json: boolean;
  /** Cloud-specific flags (endpoint, region, profile, kubeconfig...). */
  options: Record<string, unknown>;
}

/**
 * What a cloud adds to the `autoscaler` command. Each cloud lives in one file
 * under clouds/ and is listed once in clouds/index.ts; nothing else in the CLI
 * names a cloud.
 */
export interface CloudCli {
  /** Name used on the command line: `autoscaler sandbox <name>`. */
  name: string;
  aliases?: string[];
  /** Provider registry name this cloud's targets use (`TargetRef.provider`). */
  provider: string;
  /** Add subcommands under the shared parents (`setup oci`, `teardown aws`, `sandbox k8s`, ...). */
  register(parents: CloudParents): void;
  /** Whether `autoscaler scale <id>` is for this cloud. */
  matchesId?(id: string): boolean;
  scale?(request: ScaleRequest): Promise<void>;
  /** What `scale --size` means on this cloud (`shape`), and this cloud's own name for the flag (`--shape`). */
  size?: { name: string; flag?: string };
  /** Options this cloud adds to the shared `scale` command (`--bandwidth <mbps>`), passed on in `ScaleRequest.options`. */
  scaleOptions?: Array<{ flags: string; description: string }>;
  /** What a target id looks like, for errors (`endpoint/<endpoint>/variant/<variant>`). */
  idFormat?: string;
  /** Throws a `ValidationError` naming `path` if `id` is not a target id of this cloud (the provider's own check). */
  validateId?(id: string, path: string): void | Promise<void>;
  /** `autoscaler export --to <format>`: the cloud's native autoscaler(s), through the provider's exporter. */
  nativeFormats?: Record<string, NativeFormat>;
}

/** One `--to` format of `autoscaler export`. */
export interface NativeFormat {
  description: string;
  export: (policy: Policy, ref: TargetRef) => Promise<NativeExport>;
}

export interface CloudParents {
  program: Command;
  setup: Command;
  teardown: Command;
  sandbox: Command;
  status: Command;
}
