import { ManualClock, type Signal } from '@autoscaler/core';
import { createOciClients, type OciClients } from '../src/clients';
import { OciFake, createTestIdentity, type OciFakeOptions, type TestIdentity } from '@autoscaler/sandbox-oci';

/** One RSA key per test run: generating 2048-bit keys is the slow part. */
let shared: TestIdentity | undefined;
export function identity(): TestIdentity {
  shared ??= createTestIdentity();
  return shared;
}

export interface Harness {
  fake: OciFake;
  clock: ManualClock;
  clients: OciClients;
  id: TestIdentity;
  close(): Promise<void>;
}

/** A started fake trusting the test key, and real SDK clients pointed at it (no back-off delays). */
export async function harness(options: OciFakeOptions & { maxAttempts?: number; requestTimeoutMs?: number } = {}): Promise<Harness> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(Date.UTC(2026, 0, 5, 12, 0));
  const fake = new OciFake({ ...options, clock });
  const id = identity();
  fake.trust(id);
  await fake.start();
  const clients = createOciClients({
    authProvider: id.authProvider(),
    endpoint: fake.url,
    retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 0, maxDelayMs: 0 },
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  return { fake, clock, clients, id, close: () => fake.stop() };
}

/**
 * The SDK logs every retry and non-retry with console.warn; keep test output readable. The
 * mock stays for the whole file: a request abandoned at its deadline may still be reported
 * by the SDK a moment after the last test.
 */
export function quietSdk(): void {
  beforeAll(() => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
}

/** Read a nested field of untyped JSON: `dig(md, 'modelDeploymentConfigurationDetails.modelConfigurationDetails.modelId')`. */
export function dig(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export const MODEL_ID_PATH = 'modelDeploymentConfigurationDetails.modelConfigurationDetails.modelId';

/** Ids every OCI test refuses before any call: empty, the docs' placeholder, another resource type, an injection, uppercase. */
export const INVALID_DEPLOYMENT_IDS: readonly string[] = [
  '',
  '<YOUR_MODEL_DEPLOYMENT_OCID>',
  'ocid1.datasciencemodel.oc1.iad.amaaaaaanotadeployment',
  'ocid1.datasciencemodeldeployment.oc1.iad.abc"} || true',
  'ocid1.datasciencemodeldeployment.oc1.iad.ABC',
];

/** The fields every alarm a test seeds in the fake shares: our compartment and namespace, critical, to `topicId`. */
export function alarmBase(h: Harness, topicId: string): Record<string, unknown> {
  return {
    compartmentId: h.fake.ocids.compartment,
    metricCompartmentId: h.fake.ocids.compartment,
    namespace: 'oci_datascience_modeldeploy',
    severity: 'CRITICAL',
    destinations: [topicId],
    isEnabled: true,
  };
}

/** What parse() makes of a FIRING delivery of `alarm` (a CpuUtilization alarm) for deployment `id`, stamped `at`. */
export function firingSignalFor(id: string, alarm: string, at: number, over: Partial<Signal> = {}): Signal {
  return {
    target: { provider: 'oci-data-science', id },
    source: 'oci-monitoring',
    metric: 'CpuUtilization',
    alarm,
    state: 'firing',
    dedupeKey: 'k',
    at,
    ...over,
  };
}
