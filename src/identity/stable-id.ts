import { hash } from 'node:crypto';

/**
 * A UUID-shaped id derived from a key (SHA-256, version nibble 8: "custom"): the same key gives the same id, so a
 * step replayed after a crash writes the same identity, records and orders instead of new ones.
 */
export function stableId(key: string): string {
  // One-shot `hash`, not createHash: no Hash object per id (a Persist derives several).
  const h = hash('sha256', key, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
