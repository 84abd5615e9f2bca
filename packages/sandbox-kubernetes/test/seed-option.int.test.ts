import { closeFakes, startFakeKubeApi } from '../src';

describe('startFakeKubeApi({ seed })', () => {
  it('starts with the seed in the store', async () => {
    const api = await startFakeKubeApi({ seed: { deployments: [{ namespace: 'ml', name: 'model-server', replicas: 3 }] } });
    try {
      expect(api.get('apps/v1', 'Deployment', 'ml', 'model-server')?.['spec']).toMatchObject({ replicas: 3 });
    } finally {
      await closeFakes(api);
    }
  });

  it('a seed that does not parse throws, naming the field, and leaves no server on the port', async () => {
    const probe = await startFakeKubeApi();
    const { port } = probe;
    await probe.close();
    await expect(startFakeKubeApi({ port, seed: { deployments: [{ name: 'model-server', replicas: -1 }] } })).rejects.toThrow(/replicas/);
    // The port is free again: the half-started fake was closed.
    await closeFakes(await startFakeKubeApi({ port }));
  });
});
