import fc from 'fast-check';

/** Removes the node (a key from its object, an element from its array). */
const DROP: unique symbol = Symbol('drop');

export type Mutation = { kind: 'drop' } | { kind: 'replace'; value: unknown } | { kind: 'wrap-in-array' } | { kind: 'huge-string'; value: string };

type Bag = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Bag => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** A string holding a JSON object/array (SNS `Message`, an HTTP body) is a subtree too. */
function nestedJson(s: string): unknown {
  const t = s.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

function apply(value: unknown, m: Mutation): unknown {
  switch (m.kind) {
    case 'drop':
      return DROP;
    case 'replace':
      return m.value;
    case 'wrap-in-array':
      return [value];
    case 'huge-string':
      return m.value;
  }
}

/** Rebuilds `value` with mutation `m` at the `target`-th node (pre-order); counts nodes into `counter`. */
function rewrite(value: unknown, target: number, m: Mutation, counter: { n: number }): unknown {
  const here = counter.n++;
  if (here === target) return apply(value, m);
  if (Array.isArray(value)) return value.map((v) => rewrite(v, target, m, counter)).filter((v) => v !== DROP);
  if (isPlainObject(value)) {
    // fromEntries defines own properties, so a `__proto__` key stays a key.
    return Object.fromEntries(
      Object.entries(value).flatMap(([k, v]) => {
        const r = rewrite(v, target, m, counter);
        return r === DROP ? [] : [[k, r]];
      }),
    );
  }
  if (typeof value === 'string') {
    const inner = nestedJson(value);
    if (inner !== undefined) {
      const r = rewrite(inner, target, m, counter);
      return r === DROP ? '' : JSON.stringify(r);
    }
  }
  return value;
}

/** How many nodes `mutate` can pick from in `payload`. */
export function countNodes(payload: unknown): number {
  const counter = { n: 0 };
  rewrite(payload, -1, { kind: 'drop' }, counter);
  return counter.n;
}

/** `payload` with one node (chosen by index, modulo the node count) mutated; the input is not modified. */
export function mutate(payload: unknown, node: number, m: Mutation): unknown {
  const n = countNodes(payload);
  const r = rewrite(payload, node % n, m, { n: 0 });
  return r === DROP ? undefined : r;
}

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'drop' }),
  fc
    .oneof(fc.constant(null), fc.constant(undefined), fc.integer(), fc.double(), fc.boolean(), fc.string(), fc.constant([]), fc.constant({}), fc.anything())
    .map((value): Mutation => ({ kind: 'replace', value })),
  fc.constant<Mutation>({ kind: 'wrap-in-array' }),
  fc
    .constantFrom('x'.repeat(100_000), '9'.repeat(400), '\u0000'.repeat(1_000), '\ud83d'.repeat(1_000), `${'{'.repeat(5_000)}`, 'ocid1.'.repeat(10_000))
    .map((value): Mutation => ({ kind: 'huge-string', value })),
);

/** Mutations of the golden payloads: one node changed per case. */
export function mutatedPayloads(valid: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .record({ which: fc.nat({ max: Math.max(0, valid.length - 1) }), node: fc.nat(), mutation: mutationArbitrary })
    .map(({ which, node, mutation }) => mutate(valid[which], node, mutation));
}
