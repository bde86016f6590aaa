import type { XValue } from './env.js';
import { valueSize } from './value-size.js';
import { toStr } from './values.js';

/**
 * Building text under a length limit: the length of the result is added up from its pieces and refused before
 * the result is made, so a limit is an error with a code, never V8's "Invalid string length" or a heap that
 * already holds the oversized string.
 */
export interface TextLimit {
  /** Longest text allowed, in UTF-16 units. */
  readonly max: number;
  /** The error to throw for a text of `length` units. */
  tooLong(length: number): Error;
}

/** `toStr`, refusing a list or map whose text would pass the limit before writing it out. */
export function toStrBounded(v: XValue | undefined, limit: TextLimit | undefined): string {
  if (limit && v !== null && typeof v === 'object') {
    const n = valueSize(v);
    if (n > limit.max) throw limit.tooLong(n);
  }
  const s = toStr(v);
  if (limit && s.length > limit.max) throw limit.tooLong(s.length);
  return s;
}

/** `parts.join(sep)`, refused when the result would pass the limit. */
export function joinBounded(parts: readonly string[], sep: string, limit: TextLimit | undefined): string {
  if (limit) {
    let n = parts.length > 0 ? sep.length * (parts.length - 1) : 0;
    for (const p of parts) n += p.length;
    if (n > limit.max) throw limit.tooLong(n);
  }
  return parts.join(sep);
}

/**
 * `text.replace(pattern, fn)` for a global `pattern`, refused as soon as the pieces so far pass the limit. `fn`
 * gives the replacement of a match, or undefined to keep the match as written.
 */
export function replaceBounded(
  text: string,
  pattern: RegExp,
  fn: (match: RegExpMatchArray) => string | undefined,
  limit: TextLimit | undefined,
): string {
  const pieces: string[] = [];
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const at = m.index ?? 0;
    const r = fn(m) ?? m[0];
    pieces.push(text.slice(last, at), r);
    total += at - last + r.length;
    if (limit && total > limit.max) throw limit.tooLong(total);
    last = at + m[0].length;
  }
  if (last === 0 && pieces.length === 0) return text;
  pieces.push(text.slice(last));
  total += text.length - last;
  if (limit && total > limit.max) throw limit.tooLong(total);
  return pieces.join('');
}
