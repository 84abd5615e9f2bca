import { ValidationError } from '@autoscaler/core';
import { FakeAws, parseSandboxSeed } from '../src';

/** The sandbox's own checks; the fake as the real SDK clients see it is tested in the provider package. */
it('a bad seed is refused naming the field', () => {
  expect(() => parseSandboxSeed({ endpoints: [{ name: 42 }] })).toThrow(ValidationError);
  expect(() => parseSandboxSeed({ endpoints: [{ name: 42 }] })).toThrow(/endpoints\[0\]/);
  expect(() => parseSandboxSeed({ endpoint: [] })).toThrow(/endpoint: unknown field/);
});

it('seeds inference components and refuses a bad one naming the field', () => {
  expect(parseSandboxSeed({ inferenceComponents: [{ name: 'llama-ic', copies: 0 }] }).inferenceComponents).toEqual([{ name: 'llama-ic', copies: 0 }]);
  expect(parseSandboxSeed({}).inferenceComponents).toEqual([]);
  expect(() => parseSandboxSeed({ inferenceComponents: [{ name: 'llama-ic', copies: -1 }] })).toThrow(/inferenceComponents\[0\]\.copies/);
  expect(() => parseSandboxSeed({ inferenceComponents: [{ name: 'bad_name' }] })).toThrow(/inferenceComponents\[0\]\.name/);
  const fake = new FakeAws({ inferenceComponents: [{ name: 'llama-ic', copies: 0 }] });
  expect(fake.sagemaker.componentSnapshot('llama-ic')).toMatchObject({ status: 'InService', current: 0, desired: 0 });
});

it('serves on loopback and refuses an unsigned request in the AWS error shape', async () => {
  const fake = await FakeAws.start();
  try {
    const { endpoint } = fake.clientConfig();
    expect(new URL(endpoint).hostname).toBe('127.0.0.1');
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.DescribeEndpoint' },
      body: JSON.stringify({ EndpointName: 'x' }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(await res.json())).toMatch(/MissingAuthenticationToken|IncompleteSignature|InvalidSignature|signature/i);
  } finally {
    await fake.close();
  }
});
