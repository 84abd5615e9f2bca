import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { ValidationError, type Clock } from '@autoscaler/core';
import type { DeploymentSeed } from './fake-data-science';
import { OciFake } from './oci-fake';
import { createTestIdentity, writeOciConfig, type TestIdentity } from './test-identity';

/** What `autoscaler sandbox oci --seed <file>` reads. */
export interface SandboxSeed {
  deployments?: DeploymentSeed[];
  /** Notifications topics to create (by name). */
  topics?: string[];
}

export interface OciSandboxOptions {
  port?: number;
  seed?: SandboxSeed;
  clock?: Clock;
  updateDelayMs?: number;
  /** Where the key and config file go (a fresh temp dir by default). */
  dir?: string;
}

export interface OciSandbox {
  fake: OciFake;
  identity: TestIdentity;
  endpoint: string;
  configPath: string;
  keyPath: string;
  deploymentIds: string[];
  topicIds: string[];
  compartmentId: string;
  /**
   * The environment OCI Functions gives a function container (the fdk's http-stream protocol on
   * `socketPath`), with API-key auth from this sandbox's config file and every OCI call sent to
   * the sandbox; `config` is the function's own configuration (AUTOSCALER_*).
   */
  functionEnv(socketPath: string, config: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

const SEED_KEYS = new Set(['deployments', 'topics']);

function checkSeed(seed: unknown): SandboxSeed {
  if (seed === undefined || seed === null) return {};
  if (typeof seed !== 'object' || Array.isArray(seed)) throw ValidationError.field('seed', 'must be a mapping with deployments and/or topics');
  const issues: Array<{ path: string; message: string }> = [];
  for (const k of Object.keys(seed)) if (!SEED_KEYS.has(k)) issues.push({ path: `seed.${k}`, message: 'unknown field' });
  const s = seed as Record<string, unknown>;
  if (s['deployments'] !== undefined && !Array.isArray(s['deployments'])) issues.push({ path: 'seed.deployments', message: 'must be a list' });
  if (s['topics'] !== undefined && (!Array.isArray(s['topics']) || s['topics'].some((t) => typeof t !== 'string')))
    issues.push({ path: 'seed.topics', message: 'must be a list of names' });
  if (issues.length > 0) throw new ValidationError('invalid sandbox seed', issues);
  return s;
}

/**
 * Start the OCI fake as a standalone local server with a trusted key, an OCI
 * config file for it, and seeded resources (by default one managed model
 * deployment at 1 x VM.Standard2.1 and one topic).
 */
export async function startOciSandbox(options: OciSandboxOptions = {}): Promise<OciSandbox> {
  const seed = checkSeed(options.seed);
  const fake = new OciFake({ ...(options.clock ? { clock: options.clock } : {}), updateDelayMs: options.updateDelayMs ?? 20_000 });
  const identity = createTestIdentity({ tenancyId: fake.ocids.compartment.replace('compartment', 'tenancy') });
  fake.trust(identity);
  const deploymentIds: string[] = [];
  for (const [i, d] of (seed.deployments ?? [{ displayName: 'sandbox-model-deployment' }]).entries()) {
    try {
      deploymentIds.push(fake.dataScience.seedDeployment(d));
    } catch (e) {
      throw ValidationError.field(`seed.deployments[${i}]`, (e as Error).message);
    }
  }
  const topicIds = (seed.topics ?? ['autoscaler-alarms']).map((name) => fake.notifications.seedTopic(name));
  await fake.start(options.port ?? 0);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'autoscaler-oci-sandbox-'));
  const { configPath, keyPath } = writeOciConfig(identity, dir);
  const functionEnv = (socketPath: string, config: Record<string, string>): Record<string, string> => ({
    PATH: process.env['PATH'] ?? '',
    FN_FORMAT: 'http-stream',
    FN_LISTENER: `unix:${socketPath}`,
    OCI_AUTH: 'config_file',
    OCI_CONFIG_FILE: configPath,
    OCI_ENDPOINT: fake.url,
    ...config,
  });
  return {
    fake,
    identity,
    endpoint: fake.url,
    configPath,
    keyPath,
    deploymentIds,
    topicIds,
    compartmentId: fake.ocids.compartment,
    functionEnv,
    stop: () => fake.stop(),
  };
}
