import { runMetricSourceConformance } from '@autoscaler/testing';
import { ManualClock, type MetricPoint } from '@autoscaler/core';
import { PrometheusMetricSource } from '../src';
import { startFakePrometheus } from '@autoscaler/sandbox-kubernetes';

const NOW = Date.UTC(2026, 2, 2, 12, 0, 0);

// The recorded (metrics-server) history has no `requests` (that needs Prometheus), so only the Prometheus source runs the kit.
runMetricSourceConformance('kubernetes prometheus (query_range)', async () => {
  const byAt = new Map<number, number>();
  const prom = await startFakePrometheus({
    // The period starting at `at` is the query evaluated at `at + 60 s`.
    series: [{ match: /http_requests_total\{namespace="ml",pod=~"model-server-/, value: (t) => byAt.get(t * 1000 - 60_000) }],
  });
  return {
    source: new PrometheusMetricSource({ url: prom.url, clock: new ManualClock(NOW) }),
    target: { provider: 'kubernetes', id: 'ml/deployment/model-server' },
    seed: (points: readonly MetricPoint[]) => {
      byAt.clear();
      for (const p of points) byAt.set(p.at, p.value);
    },
    now: NOW,
    invalidIds: ['ml/pod/model-server', 'ML/deployment/x', 'ml/deployment/x"} or vector(1) #', '../deployment/x', 'ml/deployment/'],
    throttleNext: () => void prom.faults.next({ status: 429 }),
    close: () => prom.close(),
  };
});
