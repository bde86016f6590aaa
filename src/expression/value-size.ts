import type { XValue } from './env.js';

/**
 * The size of a value as it is stored: about the length of its JSON text, in UTF-16 units (escapes not counted).
 * It is also an upper bound of the length of its Java string form (`[a, b]`, `{k=v}`), so a value can be measured
 * before it is turned into text. A list that holds the same string N times counts it N times, as the stored JSON does.
 *
 * XPRESS never changes a list or map in place, so their sizes are remembered: measuring a list that grows by one
 * element costs one pass over its slots, not over everything below them. (The engine's `<Return to='a.b'>` does
 * write into a map in place; a size remembered for it may then be stale, which the engine's measure of the whole
 * state at the end of every advance, taken afresh with `storedSizeUpTo`, makes up for.)
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
 * The stored size of values that may have been changed in place since they were built (the engine's variables),
 * measured afresh, counting a shared object at every place it appears, as the serialised JSON holds it. The walk
 * stops once the total passes `max` (and gives a number above it), so however values share parts, measuring costs
 * at most about `max` visits. `add` is the total so far.
 */
export function storedSizeUpTo(v: XValue | undefined, max: number, add = 0): number {
  return sizeUpTo(v, add, max);
}

// A plain recursive function, not a closure: it runs over every instance's state at every advance.
function sizeUpTo(x: XValue | undefined, total: number, max: number): number {
  if (x === null || x === undefined) return total + 4;
  switch (typeof x) {
    case 'string':
      return total + x.length + 2;
    case 'number':
      return total + (x >= 0 && x < 10 ? 1 : String(x).length);
    case 'boolean':
      return total + 5;
  }
  total += 2;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length && total <= max; i++) total = sizeUpTo(x[i], total + 2, max);
    return total;
  }
  for (const k in x) {
    if (total > max) break;
    if (Object.hasOwn(x, k)) total = sizeUpTo(x[k], total + k.length + 4, max);
  }
  return total;
}
