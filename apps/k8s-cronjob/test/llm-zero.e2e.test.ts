import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, MemoryLogger, parsePolicy } from '@autoscaler/core';
import { LLM_PROMETHEUS_QUERIES } from '@autoscaler/provider-kubernetes';
import { applySeed, kubeConfigFor, startFakeKubeApi, startFakePrometheus, closeFakes } from '@autoscaler/sandbox-kubernetes';
import type { FakeKubeApi, FakePrometheus } from '@autoscaler/sandbox-kubernetes';
import { loadConfig, runCronJob } from '../src';

const T0 = Date.UTC(2026, 2, 6, 12, 0, 0);
const DOC = readFileSync(join(__dirname, '../../../docs/kubernetes.md'), 'utf8');

/** The fenced block of docs/kubernetes.md whose text contains `marker`. */
function docBlock(lang: string, marker: string): string {
  const blocks = [...DOC.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
  const found = blocks.filter((b) => b.includes(marker));
  expect(found).toHaveLength(1);
  return found[0]!;
}

const replicasOf = (api: FakeKubeApi, ns: string, name: string): number =>
  (api.get('apps/v1', 'Deployment', ns, name)!['spec'] as { replicas: number }).replicas;

describe('k8s-cronjob: LLM serving signals and scale to zero, with the policies of docs/kubernetes.md', () => {
  let api: FakeKubeApi;
  let prom: FakePrometheus;
  afterEach(() => closeFakes(api, prom));

  it('the vLLM policy validates and scales a vLLM Deployment out on its queue and KV-cache use, reading exactly its pods', async () => {
    const yaml = docBlock('yaml', '# vllm-policy.yaml');
    const policy = parsePolicy(yaml, 'vllm-policy.yaml');
    expect(policy.rules.map((r) => r.name)).toEqual(['kv-cache', 'queue', 'ttft', 'forecast']);
    const env = Object.fromEntries(
      docBlock('sh', 'AUTOSCALER_PROMETHEUS_METRICS=')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    const clock = new ManualClock(T0);
    api = await startFakeKubeApi({ clock });
    const waiting = 30;
    prom = await startFakePrometheus({
      series: [
        { match: /^100 \* avg\(vllm:gpu_cache_usage_perc\{namespace="llm",pod=~"vllm-\[/, value: () => 80 },
        { match: /^sum\(vllm:num_requests_waiting\{namespace="llm",pod=~"vllm-\[/, value: () => waiting },
        { match: 'vllm:time_to_first_token_seconds_bucket', value: () => 0.4 },
        { match: 'vllm:request_success_total', value: () => 200 },
      ],
    });
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [{ namespace: 'autoscaler', name: 'vllm', labels: { 'autoscaler.dev/policy': 'true' }, data: { 'policy.yaml': yaml } }],
      deployments: [{ namespace: 'llm', name: 'vllm', replicas: 2, annotations: { 'autoscaler.dev/policy': 'autoscaler/vllm' }, load: { cpu: '0.5' } }],
    });
    clock.advance(600_000);
    const config = loadConfig({ AUTOSCALER_NAMESPACE: 'autoscaler', ...env, AUTOSCALER_PROMETHEUS_URL: prom.url });
    const summary = await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock, logger: new MemoryLogger() });
    expect(summary.error).toBeUndefined();
    // Instant queries for the three named metrics, with the workload's pod regex substituted.
    for (const m of ['vllm_requests_waiting', 'vllm_kv_cache_usage', 'vllm_ttft_p95_seconds'])
      expect(prom.queries.some((q) => q.startsWith(LLM_PROMETHEUS_QUERIES[m]!.split('{')[0]!) && q.includes('namespace="llm",pod=~"vllm-['))).toBe(true);
    // KV cache 80% on 2 pods against 70%: 3; a queue of 30 > 10: +2 -> 4 (the largest proposal wins).
    expect(summary.records.find((r) => r.target === 'llm/deployment/vllm')).toMatchObject({ outcome: 'scaled', from: 2, to: 4 });
    expect(replicasOf(api, 'llm', 'vllm')).toBe(4);
    expect(() => loadConfig({ AUTOSCALER_PROMETHEUS_URL: prom.url, AUTOSCALER_PROMETHEUS_METRICS: 'vllm_requests_waiting,vllm_queue' })).toThrow(
      /AUTOSCALER_PROMETHEUS_METRICS\[1\]: "vllm_queue" is not a named metric \(known: vllm_requests_waiting/,
    );
    expect(() => loadConfig({ AUTOSCALER_PROMETHEUS_METRICS: 'vllm_requests_waiting' })).toThrow(
      /AUTOSCALER_PROMETHEUS_METRICS: needs AUTOSCALER_PROMETHEUS_URL/,
    );
  });

  it('scale to zero: a Deployment goes to 0 when the ingress rate is 0 and wakes on the rate, with the documented policy and query', async () => {
    const yaml = docBlock('yaml', 'name: scale-to-zero');
    const queries = docBlock('json', 'ingress_requests_per_second');
    const clock = new ManualClock(T0);
    api = await startFakeKubeApi({ clock });
    let rate = 0;
    prom = await startFakePrometheus({
      series: [{ match: 'nginx_ingress_controller_requests{exported_namespace="web",exported_service="site"}', value: () => rate }],
    });
    applySeed(api, {
      namespaces: ['autoscaler'],
      configMaps: [
        {
          namespace: 'autoscaler',
          name: 'zero',
          labels: { 'autoscaler.dev/policy': 'true' },
          data: { 'policy.yaml': yaml.replace('scaleIn: 900', 'scaleIn: 0') },
        },
      ],
      deployments: [{ namespace: 'web', name: 'site', replicas: 1, annotations: { 'autoscaler.dev/policy': 'autoscaler/zero' } }],
    });
    const files: Record<string, string> = { '/etc/autoscaler/prometheus.json': queries };
    const config = loadConfig(
      { AUTOSCALER_NAMESPACE: 'autoscaler', AUTOSCALER_PROMETHEUS_URL: prom.url, AUTOSCALER_PROMETHEUS_QUERIES: '/etc/autoscaler/prometheus.json' },
      (f) => files[f]!,
    );
    const run = async (): Promise<unknown> =>
      (await runCronJob({ config, kubeConfig: kubeConfigFor(api), clock, logger: new MemoryLogger() })).records.find((r) => r.target === 'web/deployment/site');
    clock.advance(600_000);
    expect(await run()).toMatchObject({ outcome: 'scaled', from: 1 });
    expect(replicasOf(api, 'web', 'site')).toBe(0);
    // At zero and no traffic: nothing to do, and no pod metric is a failed read.
    clock.advance(60_000);
    expect(await run()).toBeUndefined();
    expect(replicasOf(api, 'web', 'site')).toBe(0);
    // 12 requests/s at the ingress against 5 per pod: ceil(12 / 5) = 3 pods from zero.
    rate = 12;
    clock.advance(60_000);
    expect(await run()).toMatchObject({ outcome: 'scaled', from: 0, to: 3 });
    expect(replicasOf(api, 'web', 'site')).toBe(3);
  });
});
