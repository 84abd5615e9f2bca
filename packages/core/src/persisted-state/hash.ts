/**
 * A short, stable, pure-JS hash (two 53-bit cyrb53 rounds, base 36): core runs anywhere, so no
 * node:crypto. Not for secrets; for telling dedupe keys apart in a few characters.
 */
function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Marks a dedupe key stored as its hash. */
export const HASHED_KEY_PREFIX = 'h-';

/**
 * The stored form of a dedupe key that cannot be stored verbatim (too long, or characters the
 * cloud refuses): `h-` and 22 characters of [0-9a-z]. The orchestrator treats a persisted key
 * equal to the hash of an incoming key as seen.
 */
export function hashDedupeKey(key: string): string {
  return `${HASHED_KEY_PREFIX}${cyrb53(key, 1).toString(36).padStart(11, '0')}${cyrb53(key, 2).toString(36).padStart(11, '0')}`;
}
