/** Types for the parts of @fnproject/fdk (plain JS, no bundled types) the entry uses. */
declare module '@fnproject/fdk' {
  export interface HandleOptions {
    inputMode?: 'json' | 'string' | 'buffer';
  }
  // The fdk passes its own Context; the entry declares the subset it reads.
  export function handle<C>(fn: (input: unknown, ctx: C) => unknown, options?: HandleOptions): () => void;
}
