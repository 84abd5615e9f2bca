import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAlarmSourceConformance } from '@autoscaler/testing';
import { MetricsServerAlarmSource } from '../src';
import { kubeConfigFor } from '@autoscaler/sandbox-kubernetes';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../testing/fixtures/k8s', name), 'utf8')) as Record<string, unknown>;

/** The docs' PodMetricsList, with the item renamed as a Deployment's pod would be (a static pod names no workload). */
function deploymentPods(): Record<string, unknown> {
  const list = fixture('pod-metrics-list.json');
  const [item] = list['items'] as Array<{ metadata: Record<string, unknown> }>;
  const pod = (suffix: string): unknown => ({ ...item, metadata: { ...item!.metadata, name: `model-server-7d4b9c8f6d-${suffix}`, namespace: 'ml-serving' } });
  return { ...list, items: [pod('x2x5z'), pod('b8lqw')] };
}

runAlarmSourceConformance('metrics-server (PodMetricsList payloads)', () => ({
  source: new MetricsServerAlarmSource({ kube: kubeConfigFor({ url: 'http://127.0.0.1:9', token: 'unused' }) }),
  valid: [
    { target: 'kube-system/deployment/kube-scheduler', podMetrics: fixture('pod-metrics-list.json') },
    {
      target: { provider: 'kubernetes', id: 'kube-system/deployment/kube-scheduler' },
      podMetrics: fixture('pod-metrics-list.json'),
      requests: { cpu: '100m', memory: '64Mi' },
    },
    deploymentPods(),
    JSON.stringify(deploymentPods()),
  ],
  invalid: [
    // The docs' sample is a static (mirror) pod: no controller named it, so it names no workload.
    fixture('pod-metrics-list.json'),
    { target: 'kube-system/pod/kube-scheduler-minikube', podMetrics: fixture('pod-metrics-list.json') },
    { target: 'kube-system/deployment/kube-scheduler', podMetrics: { ...fixture('pod-metrics-list.json'), items: [] } },
    { target: 'ml/deployment/x', podMetrics: fixture('pod-metrics-list.json'), extra: 1 },
    { ...deploymentPods(), kind: 'NodeMetricsList' },
    { ...deploymentPods(), items: [{ ...(deploymentPods()['items'] as object[])[0], containers: [{ name: 'c', usage: { cpu: 'lots', memory: '1Ki' } }] }] },
    { ...deploymentPods(), items: [{ ...(deploymentPods()['items'] as object[])[0], window: 'half a minute' }] },
    { ...deploymentPods(), items: [{ ...(deploymentPods()['items'] as object[])[0], timestamp: 'yesterday' }] },
    // Found by the fuzz on CI: a finite but absurd usage overflowed the utilization ratio to Infinity.
    {
      target: 'kube-system/deployment/kube-scheduler',
      podMetrics: {
        ...fixture('pod-metrics-list.json'),
        items: [
          { ...(fixture('pod-metrics-list.json')['items'] as object[])[0], containers: [{ name: 'c', usage: { cpu: 1.797693134862316e305, memory: '1Ki' } }] },
        ],
      },
      requests: { cpu: '100m', memory: '64Mi' },
    },
  ],
}));

describe('metrics-server parse', () => {
  const source = new MetricsServerAlarmSource({ kube: kubeConfigFor({ url: 'http://127.0.0.1:9', token: 'unused' }) });

  it('reads the docs sample: 9559630n cores and 22244Ki, timestamped, per workload', () => {
    const signals = source.parse({
      target: 'kube-system/deployment/kube-scheduler',
      podMetrics: fixture('pod-metrics-list.json'),
      requests: { cpu: '100m', memory: '64Mi' },
    });
    const by = Object.fromEntries(signals.map((s) => [s.metric, s.value]));
    expect(by['cpu_cores']).toBeCloseTo(0.00955963, 12);
    expect(by['memory_bytes']).toBe(22244 * 1024);
    expect(by['cpu']).toBeCloseTo(9.55963, 9);
    expect(by['memory']).toBeCloseTo(((22244 * 1024) / (64 * 2 ** 20)) * 100, 9);
    expect(
      signals.every((s) => s.at === Date.parse('2022-01-27T19:24:31Z') && s.target.id === 'kube-system/deployment/kube-scheduler' && s.state === 'value'),
    ).toBe(true);
  });

  it('attributes pods of a bare list to their Deployment by name and names the field of a pod it cannot attribute', () => {
    const signals = source.parse(deploymentPods());
    expect([...new Set(signals.map((s) => s.target.id))]).toEqual(['ml-serving/deployment/model-server']);
    expect(() => source.parse(fixture('pod-metrics-list.json'))).toThrow('invalid podMetrics.items[0].metadata.name');
  });
});
