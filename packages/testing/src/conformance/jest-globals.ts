import type { afterEach, beforeEach, describe, expect as JestExpect, it } from '@jest/globals';

/**
 * The kits use jest's globals, looked up when called: importing `@jest/globals`
 * throws outside jest, and this package's barrel is also loaded by the CLI
 * (`autoscaler sandbox` starts the wire fakes).
 */
export interface JestGlobals {
  describe: typeof describe;
  it: typeof it;
  beforeEach: typeof beforeEach;
  afterEach: typeof afterEach;
  expect: typeof JestExpect;
}

export function jestGlobals(): JestGlobals {
  const g = globalThis as Partial<JestGlobals>;
  if (!g.describe || !g.it || !g.beforeEach || !g.afterEach || !g.expect) {
    throw new Error('the @autoscaler/testing conformance kits run inside jest (describe/it/expect globals are missing)');
  }
  return g as JestGlobals;
}

/** jest's `expect`, resolved on use (so loading this module outside jest is harmless). */
export const expect: typeof JestExpect = new Proxy((() => undefined) as unknown as typeof JestExpect, {
  apply: (_target, _this, args: unknown[]): unknown => Reflect.apply(jestGlobals().expect, undefined, args),
  get: (_target, prop): unknown => Reflect.get(jestGlobals().expect, prop),
});
