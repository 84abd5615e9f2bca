import { closeFakes, startFakeKubeApi } from '../src';

describe('closeFakes (a test afterEach)', () => {
  it('closes every fake, and fails when the apiserver met a request it could not serve', async () => {
    const api = await startFakeKubeApi();
    let otherClosed = 0;
    const other = { close: async (): Promise<void> => void otherClosed++ };
    api.errors.push(new Error('handler bug: no such route'));
    await expect(closeFakes(api, other, undefined)).rejects.toThrow('the fake apiserver failed 1 request(s): Error: handler bug: no such route');
    expect(otherClosed).toBe(1);
    // Closed: a second close of the same server is refused by Node.
    await expect(api.close()).rejects.toThrow();
  });

  it('a clean run closes quietly', async () => {
    const api = await startFakeKubeApi();
    await expect(closeFakes(api)).resolves.toBeUndefined();
    await expect(closeFakes(undefined)).resolves.toBeUndefined();
  });
});
