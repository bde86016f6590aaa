import { randomUUID } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * A new TaskInstance id: a UUID version 7 (RFC 9562), the Unix time in milliseconds in its first 48 bits, then a
 * 12-bit sequence, then 62 random bits.
 *
 * Why not a random (v4) UUID: the id is the key of `task_instances` and leads every index that holds it (the
 * name of an unnamed launch, the audit rows of an instance, the work item ids). Random keys land on a random
 * page of each of those B-trees, so every commit dirties (and the WAL receives) pages spread over the whole
 * index, and the page cache stops holding them once a few tens of thousands of instances exist. Time-ordered keys
 * land on the last page. The ids are still unique without coordination (62 random bits per millisecond and
 * sequence), and within this process they only grow: the sequence orders ids made in the same millisecond, and a
 * clock that goes back does not make an id smaller than the last one.
 */
export function newInstanceId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next millisecond rather than repeat a sequence number.
    lastMs++;
    sequence = 0;
  }
  ms = lastMs;
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID supplies the variant bits and the random tail (a v4 UUID: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx).
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
}
