import type { XValue } from './env.js';

/**
 * The size of a value as it is stored: about the length of its JSON text, in UTF-16 units (escapes not counted).
 * It is also an upper bound of the length of its Java string form (`[a, b]`, `{k=v}`), so a value can be measured
 * before it is turned into text. A list that holds the same string N times counts it N times, as the stored JSON does.
 *
 * Lists and maps built by XPRESS are never changed in place, so their sizes are remembered: measuring a list that
 * grows by one element costs one pass over its slots, not over everything below them.
 */
const remembered = new WeakMap<object, number>();

export function valueSize(v: XValue | undefined): number {
  if (v === null || v === undefined) return 4;
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'number':
      return String(v).length;
    case 'boolean':
      return v ? 4 : 5;
  }
  const known = remembered.get(v);
  if (known !== undefined) return known;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) n += valueSize(v[i]) + 2;
  } else {
    for (const k of Object.keys(v)) n += k.length + 4 + valueSize(v[k]);
  }
  remembered.set(v, n);
  return n;
}

/**
 * The stored size of values that may have been changed in place since they were built (the engine's variables):
 * measured afresh, each shared object once per call (so a list of references to one list costs one pass over it,
 * yet counts it every time it appears).
 */
export function storedSize(v: XValue | undefined, seen: Map<object, number> = new Map()): number {
  if (v === null || v === undefined || typeof v !== 'object') return valueSize(v);
  const known = seen.get(v);
  if (known !== undefined) return known;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) n += storedSize(v[i], seen) + 2;
  } else {
    for (const k of Object.keys(v)) n += k.length + 4 + storedSize(v[k], seen);
  }
  seen.set(v, n);
  return n;
}
