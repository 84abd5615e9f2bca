import type { FakeKubeApi } from '@autoscaler/sandbox-kubernetes';

/** The requests the fake apiserver logged from entry `from` on, as sorted `METHOD path` lines (parallel calls come in any order). */
export function requestsSince(api: FakeKubeApi, from: number): string[] {
  return api.log.entries
    .slice(from)
    .map((e) => `${e.method} ${e.path}`)
    .sort();
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('resolved; expected a rejection');
}
