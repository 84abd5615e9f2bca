/**
 * A value read from JSON shown as text in a message or a printed cell: strings as they are, numbers, booleans,
 * null and undefined as `String` shows them, anything else (objects, arrays) as its JSON, never `[object Object]`.
 */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null || v === undefined) return String(v);
  return JSON.stringify(v) ?? typeof v;
}
