import { ProviderError, TransientError, type Clock } from '@autoscaler/core';
import type { DataScienceClient } from 'oci-datascience';
import { call } from './errors';
import { requireOcid } from './ocid';

export interface WorkRequestProgress {
  status: string;
  percentComplete: number;
}

/**
 * Poll a Data Science work request until it finishes, on the injected clock
 * (the SDK's own waiter sleeps in real time). Throws `ProviderError` if it
 * fails or is canceled, `TransientError` if it is still running at the timeout.
 */
export async function waitForWorkRequest(
  client: DataScienceClient,
  workRequestId: string,
  options: { clock: Clock; pollMs?: number; timeoutMs?: number; onProgress?: (p: WorkRequestProgress) => void },
): Promise<WorkRequestProgress> {
  requireOcid('datascienceworkrequest', workRequestId, 'workRequestId');
  const pollMs = options.pollMs ?? 10_000;
  const deadline = options.clock.now() + (options.timeoutMs ?? 1_200_000);
  for (;;) {
    const { workRequest } = await call(`GetWorkRequest ${workRequestId}`, () => client.getWorkRequest({ workRequestId }));
    const progress = { status: String(workRequest.status), percentComplete: Number(workRequest.percentComplete ?? 0) };
    options.onProgress?.(progress);
    if (progress.status === 'SUCCEEDED') return progress;
    if (progress.status === 'FAILED' || progress.status === 'CANCELED')
      throw new ProviderError(`work request ${workRequestId} ${progress.status.toLowerCase()}`);
    if (options.clock.now() >= deadline)
      throw new TransientError(`work request ${workRequestId} still ${progress.status} after ${Math.round((options.timeoutMs ?? 1_200_000) / 1000)} s`);
    await options.clock.sleep(pollMs);
  }
}
