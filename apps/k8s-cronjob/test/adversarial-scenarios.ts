import { AutoscalerError, MemoryLogger, parsePolicy, type Clock } from '@autoscaler/core';
import { MemoryAlarmHistory, MetricsServerAlarmSource, parseAlarmRules, parseRangeResponse, parseTiers } from '@autoscaler/provider-kubernetes';
import { applySeed, kubeConfigFor, startFakeKubeApi, type FakeKubeApi, type FakeKubeSeed } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob, type RunSummary } from '../src';
import { rbacAuthorizer, shippedGrants } from './rbac';

/**
 * The adversarial Kubernetes scenarios (issue 13), shared by the Jest suite and `bench/adversarial.ts`:
 * hostile tenants next to a victim workload in one CronJob pass against the fake apiserver, the
 * shipped RBAC enforced, on a clock that runs 20x faster than the wall clock (the Job's 58 s deadline
 * is about 3 s of real time).
 */

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const SA = 'system:serviceaccount:autoscaler:autoscaler';
const TOKEN = 'kube-sa-token-6f1c0a9e4b2d';
/** A Slack-style webhook: the path is the secret. It must never reach a log, a record or the network. */
const HOOK_SECRET = 'XyZ0SeCrEt0tOkEn0hook';
const HOOK = `https://hooks.slack.com/services/T0000/B0000/${HOOK_SECRET}`;
export const JOB_DEADLINE_SECONDS = 58;
const TENANTS = 20;
export const HANG_MS = 1e12;

/** Virtual time `factor` times faster than the wall clock; sleeps of HANG_MS or more never end (a hung server). */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  constructor(
    private readonly start: number,
    private readonly factor: number,
  ) {}
  now(): number {
    return this.start + (Date.now() - this.realStart) * this.factor;
  }
  sleep(ms: number): Promise<void> {
    if (ms >= HANG_MS) return new Promise<void>(() => undefined);
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / this.factor)).unref());
  }
}

const OPERATOR_POLICY =
  'name: model-serving\nlimits: { minReplicas: 2, maxReplicas: 20, maxStep: 4, cooldown: { scaleOut: 60, scaleIn: 300 } }\nrules:\n  - name: cpu-70\n    targetTracking: { metric: cpu, target: 70, algorithm: hpa }\n';
const VICTIM_POLICY =
  'name: victim\nlimits: { minReplicas: 2, maxReplicas: 10, cooldown: { scaleOut: 0, scaleIn: 300 } }\nrules:\n  - name: cpu-70\n    targetTracking: { metric: cpu, target: 70, algorithm: hpa }\n';
const HOOK_POLICY = `${OPERATOR_POLICY.replace('model-serving', 'tenant')}notifications:\n  - { type: webhook, url: "${HOOK}", format: slack }\n`;

export type TenantKind = 'webhook' | 'hang' | 'foreign-configmap';

/** Tenant i (1-based): the first half asks for a webhook, then hang-prone ones, the last names another namespace's ConfigMap. */
export function tenantKind(i: number): TenantKind {
  if (i === TENANTS) return 'foreign-configmap';
  return i <= TENANTS / 2 ? 'webhook' : 'hang';
}

const tenantNs = (i: number): string => `tenant-${String(i).padStart(2, '0')}`;

function seed(): FakeKubeSeed {
  const configMaps = [
    { namespace: 'autoscaler', name: 'policies', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': OPERATOR_POLICY } },
    { namespace: 'autoscaler', name: 'victim', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': VICTIM_POLICY } },
    // A tenant's own "policy ConfigMap" carrying a webhook, named from another tenant's annotation.
    { namespace: tenantNs(1), name: 'evil', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': HOOK_POLICY } },
  ];
  const deployments = Array.from({ length: TENANTS }, (_, k) => {
    const i = k + 1;
    const kind = tenantKind(i);
    const policy = kind === 'webhook' ? HOOK_POLICY : kind === 'hang' ? 'autoscaler/policies' : `${tenantNs(1)}/evil`;
    return { namespace: tenantNs(i), name: 'model', replicas: 2, annotations: { 'autoscaler.dev/policy': policy }, load: { cpu: '5' } };
  });
  // Sorted last, so it runs after every hostile tenant has had its turn.
  deployments.push({
    namespace: 'victim',
    name: 'model-server',
    replicas: 2,
    annotations: { 'autoscaler.dev/policy': 'autoscaler/victim' },
    load: { cpu: '5' },
  });
  return { namespaces: ['autoscaler'], configMaps, deployments };
}

export interface TenantScenarioResult {
  summary: RunSummary;
  /** Virtual milliseconds the run took (the Job's clock). */
  durationMs: number;
  victimReplicas: number;
  /** Requests the webhook would have received. */
  webhookCalls: number;
  /** Calls the shipped RBAC refused. */
  forbidden: string[];
  /** Every log line and the summary, serialised: what an operator (or an attacker reading logs) sees. */
  output: string;
  reasons: Record<string, string>;
  fakeErrors: unknown[];
}

/** One CronJob run over 20 hostile tenants and a victim, within the Job deadline. */
export async function runTenantScenario(): Promise<TenantScenarioResult> {
  const clock = new ScaledClock(T0, 20);
  const api: FakeKubeApi = await startFakeKubeApi({ clock, tokens: { [TOKEN]: SA }, authorize: rbacAuthorizer(SA, shippedGrants()) });
  try {
    applySeed(api, seed());
    // Hang-prone tenants: their scale PATCH is accepted by the apiserver and never answered.
    api.faults.next({
      delayMs: HANG_MS,
      match: (r) => r.method === 'PATCH' && /^\/apis\/apps\/v1\/namespaces\/tenant-\d+\/deployments\/model\/scale$/.test(r.path),
      times: 1000,
    });
    let webhookCalls = 0;
    const neverAnswers = ((): Promise<Response> => {
      webhookCalls++;
      return new Promise<Response>(() => undefined);
    }) as unknown as typeof fetch;
    const logger = new MemoryLogger();
    // Pods of the seed started at T0; the HPA ignores CPU samples of pods younger than 300 s.
    const config = loadConfig({
      AUTOSCALER_NAMESPACE: 'autoscaler',
      AUTOSCALER_JOB_DEADLINE_SECONDS: String(JOB_DEADLINE_SECONDS),
      AUTOSCALER_CONCURRENCY: '4',
    });
    const runClock: Clock = { now: () => clock.now() + 600_000, sleep: (ms) => clock.sleep(ms) };
    const started = runClock.now();
    const summary = await runCronJob({ config, kubeConfig: kubeConfigFor({ url: api.url, token: TOKEN }), clock: runClock, logger, fetch: neverAnswers });
    const durationMs = runClock.now() - started;
    const victimReplicas = (api.get('apps/v1', 'Deployment', 'victim', 'model-server')!['spec'] as { replicas: number }).replicas;
    const reasons = Object.fromEntries(summary.records.filter((r) => r.target !== undefined).map((r) => [r.target!, `${r.outcome}: ${r.reason}`]));
    return {
      summary,
      durationMs,
      victimReplicas,
      webhookCalls,
      forbidden: api.log.entries.filter((e) => e.status === 403).map((e) => `${e.method} ${e.path}`),
      output: [...logger.records.map((r) => JSON.stringify(r)), JSON.stringify(summary)].join('\n'),
      reasons,
      fakeErrors: [...api.errors],
    };
  } finally {
    api.faults.clear();
    await api.close();
  }
}

/** Occurrences of any secret of the scenario in `text`. */
export function countSecrets(text: string): number {
  return [TOKEN, HOOK_SECRET, HOOK].reduce((n, s) => n + text.split(s).length - 1, 0);
}

/** Hostile inputs at every parser the CronJob exposes to tenants and to the wire; anything but an AutoscalerError (or a quiet drop) is uncaught. */
export function runBadInputs(): { tried: number; uncaught: number; failures: string[] } {
  const source = new MetricsServerAlarmSource({ kube: kubeConfigFor({ url: 'http://127.0.0.1:9', token: 'x' }) });
  const junk: unknown[] = [
    '',
    'null',
    '[]',
    '{',
    '{"kind":"PodMetricsList","items":[{"metadata":{}}]}',
    '{"target":"ml/pod/x","podMetrics":{}}',
    '{"target":{"provider":"kubernetes","id":"../../etc"},"podMetrics":{"items":[]}}',
    42,
    null,
    { kind: 'PodMetricsList', items: 'x' },
    new Uint8Array([0xff, 0xfe]),
  ];
  const policies = [
    '',
    'name: x',
    'rules: 7',
    '{"name":"x","limits":{"maxReplicas":-1},"rules":[]}',
    `${OPERATOR_POLICY}notifications:\n  - { type: webhook, url: "file:///etc/passwd" }\n`,
    `${OPERATOR_POLICY}notifications:\n  - { type: webhook, url: "http://169.254.169.254/latest" }\n`,
    '!!binary AAAA',
    'a: &a [*a]',
    '{"__proto__":{"x":1},"name":"p"}',
  ];
  const tiers = [
    '',
    '[{}]',
    '[{"name":"s","requests":{"cpu":"lots"}}]',
    '{"name":"s"}',
    '[{"name":"a","requests":{"cpu":"1"}},{"name":"a","requests":{"cpu":"2"}}]',
  ];
  const alarms = [
    '',
    '[{"name":"x"}]',
    '[{"name":"x","metric":"cpu","comparison":"sideways","threshold":1}]',
    '[{"name":"x","metric":"cpu","comparison":"above","threshold":1e999}]',
  ];
  const ranges: unknown[] = [
    null,
    {},
    {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            values: [
              [1, 'x'],
              ['a', '1'],
            ],
          },
        ],
      },
    },
    { status: 'error', error: 'bad' },
    { status: 'success', data: { resultType: 'vector', result: [] } },
  ];
  const histories = [
    '',
    '{',
    '{"alarms":7,"minutes":{"k":{"t":1e308,"v":[1,2]}}}',
    '{"minutes":{"k":{"t":60,"v":["x",null,1e999],"c":-1}}}',
    JSON.stringify({ minutes: { k: { t: 60, v: Array.from({ length: 10_000 }, (_, i) => i) } } }),
  ];
  const envs: Array<Record<string, string>> = [
    { AUTOSCALER_JOB_DEADLINE_SECONDS: '3' },
    { AUTOSCALER_JOB_DEADLINE_SECONDS: 'soon' },
    { AUTOSCALER_PROMETHEUS_URL: 'gopher://x' },
    { AUTOSCALER_PROMETHEUS_URL: 'http://u:p@prom:9090' },
    { AUTOSCALER_PROMETHEUS_TEMPLATES: '/x.json' },
    { AUTOSCALER_STATE: 'configmap' },
  ];
  const cases: Array<[string, () => unknown, 'throws' | 'quiet']> = [
    ...junk.map((j, i): [string, () => unknown, 'throws'] => [`pod metrics ${i}`, () => source.parse(j), 'throws']),
    ...policies.map((p, i): [string, () => unknown, 'throws'] => [`policy ${i}`, () => parsePolicy(p, 'annotation'), 'throws']),
    ...tiers.map((t, i): [string, () => unknown, 'throws'] => [`tiers ${i}`, () => parseTiers(t, 'tiers'), 'throws']),
    ...alarms.map((a, i): [string, () => unknown, 'throws'] => [`alarms ${i}`, () => parseAlarmRules(a, 'alarms'), 'throws']),
    ...ranges.map((r, i): [string, () => unknown, 'throws'] => [`prometheus range ${i}`, () => parseRangeResponse(r, 'q'), 'throws']),
    ...histories.map((h, i): [string, () => unknown, 'quiet'] => [`history ConfigMap ${i}`, () => new MemoryAlarmHistory(100).restore(h), 'quiet']),
    ...envs.map((env, i): [string, () => unknown, 'throws'] => [`environment ${i}`, () => loadConfig(env, () => '{"x":"y"'), 'throws']),
  ];
  const failures: string[] = [];
  for (const [name, fn, expect] of cases) {
    try {
      fn();
      // Some "bad" inputs are legitimately accepted (e.g. an empty history); only an escaped non-AutoscalerError counts.
    } catch (e) {
      if (expect === 'quiet' || !(e instanceof AutoscalerError)) failures.push(`${name}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  }
  return { tried: cases.length, uncaught: failures.length, failures };
}

/** The figures `bench/adversarial.ts` reports for Kubernetes. */
export async function runK8sAdversarial(): Promise<{
  tenantIsolation: { hungTenants: number; victimScaled: boolean };
  secretsInLogs: number;
  badInputs: { tried: number; uncaught: number };
}> {
  const r = await runTenantScenario();
  const bad = runBadInputs();
  return {
    tenantIsolation: { hungTenants: TENANTS, victimScaled: r.victimReplicas === 10 && r.durationMs <= JOB_DEADLINE_SECONDS * 1000 },
    secretsInLogs: countSecrets(r.output),
    badInputs: { tried: bad.tried, uncaught: bad.uncaught },
  };
}
