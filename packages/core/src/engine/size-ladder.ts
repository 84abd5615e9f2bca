import type { SizeLadder } from '../types';

/**
 * The neighbouring rung of the ladder, or undefined at either end. The OCI sample
 * indexed one past the last shape; here the top rung has no `next`.
 */
export function neighbourSize(ladder: SizeLadder, current: string | undefined, step: 'next' | 'previous'): string | undefined {
  if (current === undefined) return undefined;
  const i = ladder.indexOf(current);
  if (i < 0) return undefined;
  const j = step === 'next' ? i + 1 : i - 1;
  return j >= 0 && j < ladder.length ? ladder[j] : undefined;
}

export function sizeRank(ladder: SizeLadder, size: string | undefined): number {
  return size === undefined ? -1 : ladder.indexOf(size);
}
