import { ValidationError } from '@autoscaler/core';
import { startOciSandbox } from '../src';

/** The sandbox's own checks; the fake as the real SDK sees it is tested in the provider package (test/oci-fake.int.test.ts). */
it('refuses a bad seed naming the field, before listening', async () => {
  await expect(startOciSandbox({ seed: { deployment: [] } as never })).rejects.toBeInstanceOf(ValidationError);
  await expect(startOciSandbox({ seed: { deployments: [{ shape: 42 as never }] } })).rejects.toMatchObject({
    issues: [expect.objectContaining({ path: expect.stringMatching(/^seed\.deployments\[0\]/) })],
  });
});

it('serves on loopback and refuses an unsigned request with 401, in OCI error shape', async () => {
  const sb = await startOciSandbox();
  try {
    expect(new URL(sb.endpoint).hostname).toBe('127.0.0.1');
    const res = await fetch(`${sb.endpoint}/20190101/modelDeployments/${sb.deploymentIds[0]}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(sb.fake.dataScience.capacity(sb.deploymentIds[0]!)).toMatchObject({ instanceCount: 1 });
  } finally {
    await sb.stop();
  }
});
