import * as crypto from 'node:crypto';

/** An instance id (UUID version 7, src/engine/instance-id.ts) at the start of a key: `tttttttt-tttt-7sss-`. */
const INSTANCE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/;

/**
 * A UUID-shaped id derived from a key (SHA-256, version nibble 8: "custom"): the same key gives the same id, so a
 * step replayed after a crash writes the same identity, records and orders instead of new ones.
 *
 * A step's keys start with its instance's id (`<instance>:<step>:<activity>:<action>#…`). Such an id keeps the
 * instance id's time and sequence (its first 60 bits) in front of 62 bits of the key's hash, for the reason
 * instance ids are time-ordered: the identities, records, assignments, accounts and orders of one commit then
 * land on the last pages of each B-tree keyed by them instead of one random page each, which for a batch of
 * onboardings is a quarter fewer pages written and read per identity (docs/decisions/ordered-stable-ids.md).
 * Any other key (a resource's name, a dated order's key) gives the plain hash.
 */
export function stableId(key: string): string {
  const h = sha256Hex(key);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  if (INSTANCE_KEY.test(key)) return `${key.slice(0, 8)}-${key.slice(9, 13)}-8${key.slice(15, 18)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * One-shot `crypto.hash` where the runtime has it (Node 20.12 and later): no Hash object per id, and a Persist
 * derives several. Read from the namespace, not imported by name, so that Node 20.10 and 20.11 (which
 * package.json admits) load this module and take `createHash` instead.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
function sha256Hex(key: string): string {
  return oneShot ? oneShot('sha256', key, 'hex') : crypto.createHash('sha256').update(key).digest('hex');
}
