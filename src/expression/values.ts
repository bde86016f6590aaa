import type { XValue } from './env.js';
import { ExpressionError } from './expression-error.js';

/**
 * Waveset value rules: truthiness, coercions, equality and comparison. docs/xpress.md states them for users;
 * keep the two in step.
 */

export type XList = XValue[];
export type XMap = { [key: string]: XValue };

export function isList(v: XValue | undefined): v is XList {
  return Array.isArray(v);
}

export function isMap(v: XValue | undefined): v is XMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * XPRESS truth: null, integer 0, the string "0" and Boolean false are false; everything else is true,
 * including "", "false" and the empty list.
 */
export function truthy(v: XValue | undefined): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v !== '0';
  return true;
}

/** Logical results are integers. */
export function bool(b: boolean): number {
  return b ? 1 : 0;
}

const INTEGER = /^[+-]?\d+$/;

/** The integer a string spells, or undefined when it is not exactly an integer. */
export function parseInteger(s: string): number | undefined {
  const t = s.trim();
  if (!INTEGER.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Coerce to an integer the way arithmetic does: numbers truncate, booleans are 1/0, integer strings parse,
 * any other string (including "") is 0, null is 0. Lists and maps cannot be numbers.
 */
export function toInt(v: XValue | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseInteger(v) ?? 0;
  throw new ExpressionError('XPRESS_NOT_A_NUMBER', `a ${isList(v) ? 'list' : 'map'} cannot be used as a number`);
}

/**
 * Coerce to a string: null is "", numbers in decimal, booleans "true"/"false", lists and maps as Java prints
 * them (`[a, b]`, `{k=v}`).
 */
export function toStr(v: XValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return javaString(v);
}

function javaString(v: XValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(javaString).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${javaString(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** Boolean reading of a value for comparisons against a Boolean: "true" (any case) or a non-zero number. */
function toBoolean(v: XValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true' || (parseInteger(v) ?? 0) !== 0;
  return false;
}

/**
 * `eq` on two values: the type of `a` decides. Strings compare as strings, integers as integers (a string
 * that is not an integer never equals a number), lists element by element, maps key by key; null equals
 * only null.
 */
export function xEquals(a: XValue | undefined, b: XValue | undefined): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (typeof a === 'string') return a === toStr(b);
  if (typeof a === 'number') {
    if (typeof b === 'number' || typeof b === 'boolean') return a === toInt(b);
    if (typeof b === 'string') return parseInteger(b) === a;
    return false;
  }
  if (typeof a === 'boolean') return a === toBoolean(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => xEquals(x, b[i]));
  }
  if (!isMap(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && xEquals(a[k], b[k]));
}

/** Java's String.compareTo: difference of the first differing UTF-16 units, else of the lengths. */
export function javaCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Java's String.compareToIgnoreCase: compares upper- then lower-cased units one by one. */
export function javaCompareIgnoreCase(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a[i]!;
    let y = b[i]!;
    if (x === y) continue;
    x = x.toUpperCase();
    y = y.toUpperCase();
    if (x === y) continue;
    x = x.toLowerCase();
    y = y.toLowerCase();
    if (x !== y) return x.charCodeAt(0) - y.charCodeAt(0);
  }
  return a.length - b.length;
}

/**
 * `cmp`: when the first value is an integer the comparison is numeric and gives -1/0/1 (Integer.compareTo);
 * otherwise both are strings and the result is String.compareTo's difference.
 */
export function xCompare(a: XValue, b: XValue, ignoreCase: boolean): number {
  if (typeof a === 'number') return Math.sign(a - toInt(b));
  const sa = toStr(a);
  const sb = toStr(b);
  return ignoreCase ? javaCompareIgnoreCase(sa, sb) : javaCompare(sa, sb);
}

/** Empty for `isEmpty`: null, "", an empty list or an empty map. */
export function isEmptyValue(v: XValue | undefined): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.length === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Membership with `eq` semantics (the element's type decides). */
export function listIncludes(list: readonly XValue[], v: XValue): boolean {
  return list.some((x) => xEquals(x, v));
}

/** A list view of a value for list functions: null is empty, a non-list is a one-element list. */
export function asList(v: XValue | undefined): XValue[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** `yyyyMMdd HH:mm:ss` in UTC, the text form Waveset's `<Date>` uses. */
export function formatWavesetDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

/**
 * Java class names `<instanceof>` understands, mapped to the plain value kinds idflow keeps. A GenericObject
 * (a Waveset view or object) is a map here.
 */
export const INSTANCEOF_CLASSES: Readonly<Record<string, (v: XValue) => boolean>> = {
  'java.lang.Object': (v) => v !== null,
  'java.lang.String': (v) => typeof v === 'string',
  'java.lang.Integer': (v) => typeof v === 'number',
  'java.lang.Long': (v) => typeof v === 'number',
  'java.lang.Number': (v) => typeof v === 'number',
  'java.lang.Boolean': (v) => typeof v === 'boolean',
  'java.util.List': (v) => Array.isArray(v),
  'java.util.ArrayList': (v) => Array.isArray(v),
  'java.util.Collection': (v) => Array.isArray(v),
  'java.util.Map': (v) => isMap(v),
  'java.util.HashMap': (v) => isMap(v),
  'com.waveset.object.GenericObject': (v) => isMap(v),
};
