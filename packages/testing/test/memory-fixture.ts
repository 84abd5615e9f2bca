import { ManualClock, MemoryProvider, type MemoryTargetSeed } from '@autoscaler/core';
import type { ProviderConformanceFixture } from '../src';

export const LADDER = ['small', 'medium', 'large'] as const;
const UPDATE_DELAY_MS = 30_000;

/** Builds the reference fixture around any MemoryProvider (sub)class, so broken variants reuse it. */
export function memoryFixture(
  make: (seeds: MemoryTargetSeed[], clock: ManualClock) => MemoryProvider = (seeds, clock) =>
    new MemoryProvider(seeds, { clock, updateDelayMs: UPDATE_DELAY_MS }),
): ProviderConformanceFixture {
  const clock = new ManualClock();
  const provider = make(
    [
      { id: 'endpoint/ready', capacity: { replicas: 2, size: 'small' }, ladder: LADDER },
      { id: 'endpoint/updating', capacity: { replicas: 3, size: 'medium' }, ladder: LADDER, status: 'updating' },
    ],
    clock,
  );
  return {
    provider,
    ready: { provider: provider.name, id: 'endpoint/ready' },
    updating: { provider: provider.name, id: 'endpoint/updating' },
    missing: { provider: provider.name, id: 'endpoint/absent' },
    invalidIds: ['', 'Endpoint/UPPER', '../etc/passwd', ' padded', 'x'.repeat(201), 'semi;colon'],
    async tamper(ref) {
      const c = provider.capacityOf(ref.id);
      provider.tamper(ref.id, { capacity: { ...c, replicas: c.replicas + 2 } });
    },
    async settle() {
      clock.advance(UPDATE_DELAY_MS);
    },
    async close() {
      // Nothing to release: no server, no sockets.
    },
  };
}

export { UPDATE_DELAY_MS };
