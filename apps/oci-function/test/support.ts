import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, MemoryLogger, MemoryStateStore, validatePolicy, type PolicyInput, type StateStore } from '@autoscaler/core';
import { OciDataScienceProvider, OciMonitoringAlarmSource, SEED_SAMPLE_RULES, STANDARD2_LADDER, createOciClients } from '@autoscaler/provider-oci-data-science';
import type { OciAuth, OciClients } from '@autoscaler/provider-oci-data-science';
import { OciFake, createTestIdentity, type DeploymentSeed, type TestIdentity } from '@autoscaler/sandbox-oci';
import { handleAlarm, resetContainer, type FunctionResult } from '../src';

export const UPDATE_DELAY = 120_000;
export const FUNCTION_ID = 'ocid1.fnfunc.oc1.iad.amaaaaaaautoscalerfunction000000000000000000000000000000000';

let identity: TestIdentity | undefined;

/** The seed sample's behaviour as a policy (thresholds from the sample: high 80, low 10). */
export function seedPolicyDoc(targets: string[], sizes: readonly string[] = STANDARD2_LADDER, extra: Partial<PolicyInput> = {}): PolicyInput {
  return {
    name: 'seed',
    targets: targets.map((id) => ({ provider: 'oci-data-science', id })),
    limits: { minReplicas: 1, maxReplicas: 10, sizes: [...sizes], cooldown: { scaleOut: 300, scaleIn: 300 } },
    rules: [...SEED_SAMPLE_RULES],
    ...extra,
  };
}

export function seedPayloadText(): string {
  return readFileSync(join(__dirname, '..', '..', '..', 'packages', 'testing', 'fixtures', 'oci', 'seed-test-alarm-scale-cpu-up.json'), 'utf8');
}

export interface FunctionWorld {
  fake: OciFake;
  clock: ManualClock;
  clients: OciClients;
  /** The test key the clients sign with. */
  auth: OciAuth;
  logger: MemoryLogger;
  topicId: string;
  config: Record<string, string>;
  /** Invoke the function as one warm container would (shared dedupe store) or as a new container. */
  invoke(body: unknown, options?: { store?: StateStore }): Promise<FunctionResult>;
  /** Subscribe the function to the alarm topic, like `setup oci` does, so `fake.monitoring.fire` delivers to it. */
  subscribe(): Promise<void>;
  /** The alarms of ours on a deployment, by display name. */
  alarmsOf(deploymentId: string): Record<string, string>;
  /** Create the alarms the policy needs now (what `setup oci` does). */
  setupAlarms(deploymentId: string): Promise<void>;
  close(): Promise<void>;
}

export async function functionWorld(
  options: { deployments?: DeploymentSeed[]; policy?: PolicyInput; manageAlarms?: boolean; clock?: ManualClock } = {},
): Promise<FunctionWorld & { deploymentIds: string[] }> {
  resetContainer();
  identity ??= createTestIdentity();
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 2, 2, 9, 0));
  const fake = new OciFake({ clock, updateDelayMs: UPDATE_DELAY });
  fake.trust(identity);
  const deploymentIds = (options.deployments ?? [{}]).map((d) => fake.dataScience.seedDeployment(d));
  const topicId = fake.notifications.seedTopic('autoscaler-alarms');
  await fake.start();
  const auth = identity.authProvider();
  const clients = createOciClients({ authProvider: auth, endpoint: fake.url, retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 } });
  const logger = new MemoryLogger();
  const policy = options.policy ?? seedPolicyDoc(deploymentIds);
  validatePolicy(policy);
  const config: Record<string, string> = {
    AUTOSCALER_POLICY: JSON.stringify(policy),
    AUTOSCALER_COMPARTMENT_ID: fake.ocids.compartment,
    AUTOSCALER_TOPIC_ID: topicId,
    AUTOSCALER_MANAGE_ALARMS: String(options.manageAlarms ?? true),
    // The sandbox endpoint: policy URLs on it are accepted (production pins the Object Storage host).
    OCI_ENDPOINT: fake.url,
  };
  const shared = new MemoryStateStore();
  const world: FunctionWorld & { deploymentIds: string[] } = {
    fake,
    clock,
    clients,
    auth,
    logger,
    topicId,
    config,
    deploymentIds,
    invoke: (body, o = {}) => handleAlarm(body, { config }, { clients, authProvider: auth, clock, logger, store: o.store ?? shared }),
    async subscribe() {
      fake.notifications.onFunction(FUNCTION_ID, (body) => world.invoke(body));
      await clients.notifications.createSubscription({
        createSubscriptionDetails: { topicId, compartmentId: fake.ocids.compartment, protocol: 'ORACLE_FUNCTIONS', endpoint: FUNCTION_ID },
      });
    },
    alarmsOf(deploymentId) {
      const out: Record<string, string> = {};
      for (const a of fake.monitoring.liveAlarms()) {
        const tags = a['freeformTags'] as Record<string, string>;
        if (tags['autoscaler-target'] === deploymentId) out[String(a['displayName'])] = String(a['id']);
      }
      return out;
    },
    async setupAlarms(deploymentId) {
      const provider = new OciDataScienceProvider({ dataScience: clients.dataScience });
      const source = new OciMonitoringAlarmSource({
        monitoring: clients.monitoring,
        compartmentId: fake.ocids.compartment,
        topicId,
        capacity: async (ref) => (await provider.describe(ref)).capacity,
      });
      await source.ensureAlarms({ provider: 'oci-data-science', id: deploymentId }, validatePolicy(JSON.parse(config['AUTOSCALER_POLICY']!)));
    },
    close: () => fake.stop(),
  };
  return world;
}

/**
 * The wall clock behind the ManualClock interface: `now` is real time and `sleep` really
 * waits. For deadline tests, where "the invocation ended before its deadline" must be
 * measured on the clock the handler was given, with real hangs.
 */
export class WallClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
  override sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
  }
  override advance(): void {
    throw new Error('the wall clock cannot be advanced');
  }
}

/** Let an update finish and every cooldown pass. */
export function settle(world: FunctionWorld): void {
  world.clock.advance(Math.max(UPDATE_DELAY, 301_000) + 1_000);
}

/** Outcomes of a result's records, for compact assertions. */
export function outcomes(r: FunctionResult): string[] {
  return r.records.map((x) => x.outcome);
}

/** The result of the function's newest delivery from Notifications (throws if it failed or has none). */
export function lastDelivery(world: FunctionWorld): FunctionResult {
  const d = world.fake.notifications.deliveries.at(-1);
  if (!d || d.result === undefined) throw new Error(`no function result (${d?.error ?? 'no delivery'})`);
  return d.result as FunctionResult;
}

/** Seed rules plus a predictive rule and target tracking on the request count (100 requests per instance per minute). */
export function predictivePolicyDoc(dep: string, extra: Partial<PolicyInput> = {}): PolicyInput {
  const seed = seedPolicyDoc([dep], undefined, extra);
  return {
    ...seed,
    rules: [
      ...(seed.rules as unknown[]),
      { name: 'forecast', predictive: { metric: 'requests', target: 100 } },
      { name: 'requests-now', targetTracking: { metric: 'requests', target: 100, statistic: 'total' } },
    ],
  } as PolicyInput;
}

/** The OCI alarm source as `setup oci` uses it (heartbeat, alarms), on the world's fake, topic and clock. */
export function alarmSourceFor(world: FunctionWorld): OciMonitoringAlarmSource {
  return new OciMonitoringAlarmSource({
    monitoring: world.clients.monitoring,
    compartmentId: world.fake.ocids.compartment,
    topicId: world.topicId,
    clock: world.clock,
  });
}
