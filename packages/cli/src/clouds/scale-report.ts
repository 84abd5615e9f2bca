import type { ApplyAndWaitOptions, ApplyAndWaitResult, Capacity, Clock } from '@autoscaler/core';
import type { CliIO } from '../io';
import type { ScaleRequest } from './types';

/** What `autoscaler scale` returns on every cloud: core's `applyAndWait` result. */
export type ScaleResult = ApplyAndWaitResult;

/** `2 x VM.Standard2.1`, `3` without a size, plus the bandwidth or weight when the change set one. */
export function formatCapacity(c: Capacity, shown: { bandwidthMbps?: boolean; weight?: boolean } = {}): string {
  return [
    c.size === undefined ? `${c.replicas}` : `${c.replicas} x ${c.size}`,
    shown.bandwidthMbps && c.bandwidthMbps !== undefined ? `${c.bandwidthMbps} Mbps` : undefined,
    shown.weight && c.weight !== undefined ? `weight ${c.weight}` : undefined,
  ]
    .filter((p) => p !== undefined)
    .join(', ');
}

/** `onProgress` for `applyAndWait`: a line on stderr while the change rolls out, at most one per `everyMs` of the injected clock. */
export function scaleProgress(io: CliIO, id: string, clock: Clock, everyMs = 15_000): NonNullable<ApplyAndWaitOptions['onProgress']> {
  let last = -Infinity;
  return (state, elapsedMs) => {
    if (state.status !== 'updating' || clock.now() - last < everyMs) return;
    io.err(`${id}: ${state.reason ?? 'updating'} (${Math.round(elapsedMs / 1000)}s)`);
    last = clock.now();
  };
}

/** The result on stdout: JSON with `--json`, else one line (`<id>: 1 x S -> 3 x S (done)`). */
export function reportScale(
  io: CliIO,
  request: Pick<ScaleRequest, 'id' | 'json'>,
  result: ScaleResult,
  shown: Parameters<typeof formatCapacity>[1] = {},
): void {
  if (request.json) io.out(JSON.stringify(result, null, 2));
  else if (result.status === 'unchanged') io.out(`${request.id} is already ${formatCapacity(result.to, shown)}`);
  else
    io.out(
      `${request.id}: ${formatCapacity(result.from, shown)} -> ${formatCapacity(result.to, shown)} (${result.status === 'done' ? 'done' : 'in progress'})`,
    );
}
