import { runProviderConformance } from '@autoscaler/testing';
import { KubernetesProvider } from '../src';
import { applySeed, kubeConfigFor, startFakeKubeApi } from '@autoscaler/sandbox-kubernetes';

const TIERS = JSON.stringify([
  { name: 'small', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
  { name: 'medium', requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  { name: 'large', requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '4Gi' } },
]);

runProviderConformance('kubernetes (fake apiserver, real client)', async () => {
  const api = await startFakeKubeApi();
  applySeed(api, {
    deployments: [
      {
        namespace: 'ml',
        name: 'model-server',
        replicas: 2,
        annotations: { 'autoscaler.dev/managed': 'true', 'autoscaler.dev/tiers': TIERS },
        containers: [{ name: 'server', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }],
      },
      { namespace: 'ml', name: 'rolling', replicas: 1, rollout: 'manual', annotations: { 'autoscaler.dev/managed': 'true' } },
    ],
  });
  // A rollout the controller has not observed yet: `updating` until settle.
  api.put({
    ...api.get('apps/v1', 'Deployment', 'ml', 'rolling')!,
    spec: { ...(api.get('apps/v1', 'Deployment', 'ml', 'rolling')!['spec'] as object), replicas: 2 },
  });
  const provider = new KubernetesProvider({ kube: kubeConfigFor(api) });
  return {
    provider,
    ready: { provider: 'kubernetes', id: 'ml/deployment/model-server' },
    updating: { provider: 'kubernetes', id: 'ml/deployment/rolling' },
    missing: { provider: 'kubernetes', id: 'ml/deployment/ghost' },
    invalidIds: [
      '',
      'ml/deployment',
      'ml/deployment/model-server/extra',
      'ML/deployment/x',
      'ml/pod/x',
      'ml/Deployment/x',
      '-ml/deployment/x',
      'ml/deployment/Bad_Name',
      `${'n'.repeat(64)}/deployment/x`,
      'ml/deployment/../etc',
      'ml/deployment/x?watch=1',
    ],
    tamper: async (ref) => api.touch(ref.id),
    settle: async (ref) => api.settle(ref.id),
    close: () => api.close(),
  };
});
