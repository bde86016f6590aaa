import type { XValue } from './env.js';
import { ExpressionError } from './expression-error.js';
import { isList, isMap, toStr, type XMap } from './values.js';

/**
 * Waveset object paths: `user.accounts[Lighthouse].firstname`, `list[0]`, `accounts[name=AD]`.
 * A dot segment is a map key; a bracket segment is a list index (digits), a `key=value` match on the elements
 * of a list, or a key (on a map) / the element whose `name` equals it (on a list).
 */
export interface PathSegment {
  readonly key: string;
  readonly bracket: boolean;
  /** Offset just past this segment in the path text, so callers can try dotted prefixes as variable names. */
  readonly end: number;
}

const DOT = 0x2e;
const OPEN = 0x5b;
const DIGITS = /^\d+$/;

/** Splits a path; undefined when it is malformed (empty segment, unclosed bracket). */
export function parsePath(path: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let start = 0; // where the current dot segment began
  let i = 0;
  while (i < path.length) {
    const ch = path.charCodeAt(i);
    if (ch === DOT) {
      if (i > start) out.push({ key: path.slice(start, i), bracket: false, end: i });
      else if (out.length === 0 || !out[out.length - 1]!.bracket) return undefined;
      start = ++i;
    } else if (ch === OPEN) {
      if (i > start) out.push({ key: path.slice(start, i), bracket: false, end: i });
      else if (out.length === 0) return undefined;
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      out.push({ key: path.slice(i + 1, close), bracket: true, end: close + 1 });
      start = i = close + 1;
    } else i++;
  }
  if (start < path.length) out.push({ key: path.slice(start), bracket: false, end: path.length });
  else if (path.endsWith('.')) return undefined;
  return out.length > 0 ? out : undefined;
}

/** Own property of a plain-object map, never one inherited from Object.prototype. */
export function getKey(m: XMap, key: string): XValue | undefined {
  return Object.hasOwn(m, key) ? m[key] : undefined;
}

/** A copy of `m` with `key` set; safe for keys such as `__proto__`. */
export function withKey(m: XMap, key: string, value: XValue): XMap {
  const out: XMap = {};
  for (const k of Object.keys(m)) defineKey(out, k, m[k]!);
  defineKey(out, key, value);
  return out;
}

/** Sets an own, enumerable data property (plain assignment would treat `__proto__` specially). */
export function defineKey(m: XMap, key: string, value: XValue): void {
  Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
}

function findInList(list: readonly XValue[], key: string): number {
  if (DIGITS.test(key)) return Number(key) < list.length ? Number(key) : -1;
  const eq = key.indexOf('=');
  const [k, v] = eq >= 0 ? [key.slice(0, eq), key.slice(eq + 1)] : ['name', key];
  return list.findIndex((e) => (isMap(e) ? toStr(getKey(e, k) ?? null) === v : toStr(e) === key && eq < 0));
}

/** The value at `segs` below `root`; null when any step is missing. */
export function getIn(root: XValue | undefined, segs: readonly PathSegment[]): XValue {
  let v: XValue | undefined = root;
  for (const s of segs) {
    if (v === null || v === undefined) return null;
    if (isMap(v)) v = getKey(v, s.key);
    else if (isList(v) && s.bracket) {
      const i = findInList(v, s.key);
      v = i >= 0 ? v[i] : undefined;
    } else return null;
  }
  return v ?? null;
}

/**
 * A copy of `root` with the value at `segs` replaced, creating maps (or lists, for numeric brackets) where
 * nothing was. `maxList` bounds lists grown by an index past their end.
 */
export function setIn(root: XValue | undefined, segs: readonly PathSegment[], value: XValue, maxList: number): XValue {
  const [s, ...rest] = segs;
  if (!s) return value;
  const numeric = s.bracket && DIGITS.test(s.key);
  const base: XValue = root ?? (numeric ? [] : {});
  if (isMap(base)) return withKey(base, s.key, setIn(getKey(base, s.key), rest, value, maxList));
  if (isList(base) && s.bracket) {
    const copy = [...base];
    let i = findInList(copy, s.key);
    if (i < 0 && numeric) {
      i = Number(s.key);
      if (i >= maxList) {
        throw new ExpressionError('XPRESS_VALUE_TOO_LARGE', `index ${i} would grow a list past ${maxList} elements`);
      }
      while (copy.length <= i) copy.push(null);
    } else if (i < 0) {
      const eq = s.key.indexOf('=');
      const fresh: XMap = {};
      defineKey(fresh, eq >= 0 ? s.key.slice(0, eq) : 'name', eq >= 0 ? s.key.slice(eq + 1) : s.key);
      copy.push(fresh);
      i = copy.length - 1;
    }
    copy[i] = setIn(copy[i], rest, value, maxList);
    return copy;
  }
  throw new ExpressionError('XPRESS_BAD_PATH', `cannot set "${s.key}" inside a ${isList(base) ? 'list (use [index])' : typeof base} value`);
}

/**
 * Resolves a variable reference with paths. The whole text is tried as a name first (Waveset variables may
 * contain dots), then ever shorter dotted prefixes, the rest being a path into that variable's value.
 * Unknown names give undefined.
 */
export function resolveReference(name: string, lookup: (n: string) => XValue | undefined): XValue | undefined {
  const direct = lookup(name);
  if (direct !== undefined) return direct;
  if (!name.includes('.') && !name.includes('[')) return undefined;
  const segs = parsePath(name);
  if (!segs) return undefined;
  for (let k = segs.length - 2; k >= 0; k--) {
    const root = lookup(name.slice(0, segs[k]!.end));
    if (root !== undefined) return getIn(root, segs.slice(k + 1));
  }
  return undefined;
}
