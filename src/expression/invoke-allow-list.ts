import { joinBounded, toStrBounded, type TextLimit } from './bounded-text.js';
import type { XValue } from './env.js';
import { addMonths, checkRange, daysInMonth, formatDate, requireDate, type ParsedDate } from './dates.js';
import { ExpressionError } from './expression-error.js';
import { asList, formatWavesetDate, isList, isMap, parseInteger, toInt, toStr, xEquals } from './values.js';

/**
 * The only Java that `<invoke>` and `<new>` can reach: a handful of safe methods reimplemented in TypeScript.
 * Anything not listed is refused when the definition is loaded (`XPRESS_INVOKE_NOT_ALLOWED`). Adding an entry
 * here is a security decision: it must not touch the file system, network, process or host objects, and must
 * return plain values. docs/xpress.md lists every entry; keep it in step.
 */

/** What a built-in may use at run time. */
export interface InvokeRuntime {
  now(): number;
  /** Refuses results beyond the size limits. */
  checkString(s: string): string;
  checkList(l: XValue[]): XValue[];
  /** The limit on text assembled from pieces, checked before the text is built. */
  readonly textLimit: TextLimit;
}

export interface AllowedMethod {
  readonly min: number;
  readonly max: number;
  readonly run: (args: XValue[], rt: InvokeRuntime) => XValue;
}

export interface AllowedInstanceMethod {
  readonly min: number;
  readonly max: number;
  /** Throws `XPRESS_INVOKE_BAD_TARGET` when the target's type has no such method. */
  readonly run: (target: XValue, args: XValue[], rt: InvokeRuntime) => XValue;
}

const m = (min: number, max: number, run: AllowedMethod['run']): AllowedMethod => ({ min, max, run });

function strictInt(v: XValue | undefined): number {
  if (typeof v === 'number') return Math.trunc(v);
  const n = typeof v === 'string' ? parseInteger(v) : undefined;
  if (n === undefined) {
    // The value itself stays out of the message: it may be a secret, and messages end up in results and the audit.
    const what = typeof v === 'string' ? `a string of ${v.length} characters` : v === null || v === undefined ? 'null' : `a ${Array.isArray(v) ? 'list' : typeof v}`;
    throw new ExpressionError('XPRESS_NUMBER_FORMAT', `expected an integer, got ${what} that is not one`);
  }
  return n;
}

function utilBoolean(v: XValue | undefined): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true' || v.trim() === '1';
  return false;
}

/** Static methods: `<invoke class='C' name='m'>args</invoke>`. */
export const STATIC_METHODS: Readonly<Record<string, Readonly<Record<string, AllowedMethod>>>> = {
  'java.lang.Math': {
    abs: m(1, 1, ([a]) => Math.abs(toInt(a))),
    max: m(2, 2, ([a, b]) => Math.max(toInt(a), toInt(b))),
    min: m(2, 2, ([a, b]) => Math.min(toInt(a), toInt(b))),
  },
  'java.lang.Integer': {
    parseInt: m(1, 1, ([a]) => strictInt(a)),
    valueOf: m(1, 1, ([a]) => strictInt(a)),
    toString: m(1, 1, ([a]) => String(toInt(a))),
  },
  'java.lang.String': {
    valueOf: m(1, 1, ([a]) => (a === null || a === undefined ? 'null' : toStr(a))),
  },
  'java.lang.Boolean': {
    valueOf: m(1, 1, ([a]) => utilBoolean(a)),
    parseBoolean: m(1, 1, ([a]) => typeof a === 'string' && a.toLowerCase() === 'true'),
  },
  'java.lang.System': {
    currentTimeMillis: m(0, 0, (_a, rt) => rt.now()),
  },
  // Dates are ISO 8601 text (src/expression/dates.ts); the C# subset compiles DateTime members to these.
  'System.DateTime': {
    Now: m(0, 0, (_a, rt) => formatDate(Math.floor(rt.now() / 1000) * 1000, false)),
    UtcNow: m(0, 0, (_a, rt) => formatDate(Math.floor(rt.now() / 1000) * 1000, false)),
    Today: m(0, 0, (_a, rt) => formatDate(rt.now(), true)),
    Parse: m(1, 1, ([a]) => {
      const d = requireDate(a ?? null, 'DateTime.Parse');
      return formatDate(d.ms, d.dateOnly);
    }),
    Compare: m(2, 2, ([a, b]) => Math.sign(requireDate(a ?? null, 'DateTime.Compare').ms - requireDate(b ?? null, 'DateTime.Compare').ms)),
    DaysInMonth: m(2, 2, ([y, mo]) => {
      const month = toInt(mo);
      if (month < 1 || month > 12) throw new ExpressionError('XPRESS_DATE_OUT_OF_RANGE', `month ${month} is not 1 to 12`);
      return daysInMonth(toInt(y), month);
    }),
  },
  'com.waveset.util.Util': {
    isNullOrEmpty: m(1, 1, ([a]) => a === null || a === undefined || (typeof a === 'string' && a.length === 0)),
    getInt: m(1, 1, ([a]) => toInt(a)),
    getBoolean: m(1, 1, ([a]) => utilBoolean(a)),
    stringToList: m(1, 2, ([s, d], rt) => {
      const delims = d === undefined || d === null ? ',' : toStr(d);
      return rt.checkList(tokenize(toStr(s), delims).map((t) => t.trim()));
    }),
    listToString: m(1, 2, ([l, d], rt) =>
      rt.checkString(
        joinBounded(
          asList(l).map((x) => toStrBounded(x, rt.textLimit)),
          d === undefined || d === null ? ',' : toStr(d),
          rt.textLimit,
        ),
      ),
    ),
  },
};

/** Constructors: `<new class='C'>args</new>`. */
export const CONSTRUCTORS: Readonly<Record<string, AllowedMethod>> = {
  'java.util.Date': m(0, 0, (_a, rt) => formatWavesetDate(rt.now())),
  'java.util.ArrayList': m(0, 1, ([l]) => (isList(l ?? null) ? [...(l as XValue[])] : [])),
  'java.util.HashMap': m(0, 0, () => ({})),
  'java.lang.String': m(0, 1, ([a]) => toStr(a)),
  'java.lang.Integer': m(1, 1, ([a]) => strictInt(a)),
  // new DateTime(year, month, day[, hour, minute, second]): a day, or an instant in UTC when a time is given.
  'System.DateTime': m(3, 6, (args) => {
    const ints = args.map((a) => toInt(a));
    const [y, mo, d, h, mi, s] = ints;
    if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth(y!, mo!) || y! < 1 || y! > 9999 || (h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59 || Math.min(h ?? 0, mi ?? 0, s ?? 0) < 0) {
      throw new ExpressionError('XPRESS_DATE_OUT_OF_RANGE', `new DateTime(${ints.join(', ')}) is not a valid date`);
    }
    const ms = Date.UTC(y!, mo! - 1, d!, h ?? 0, mi ?? 0, s ?? 0);
    // Date.UTC maps years 0-99 to 1900-1999; set the year again.
    const t = new Date(ms);
    t.setUTCFullYear(y!);
    return formatDate(t.getTime(), args.length === 3);
  }),
};

function badTarget(method: string, target: XValue): never {
  const kind = target === null ? 'null' : isList(target) ? 'list' : isMap(target) ? 'map' : typeof target;
  throw new ExpressionError(
    target === null ? 'XPRESS_NULL_TARGET' : 'XPRESS_INVOKE_BAD_TARGET',
    `method ${method} cannot be invoked on a ${kind} value`,
    { method, targetType: kind },
  );
}

function onString(method: string, min: number, max: number, run: (s: string, a: XValue[], rt: InvokeRuntime) => XValue): AllowedInstanceMethod {
  return { min, max, run: (t, a, rt) => (typeof t === 'string' ? run(t, a, rt) : badTarget(method, t)) };
}

function onDate(method: string, add: (d: ParsedDate, n: number) => ParsedDate): AllowedInstanceMethod {
  return {
    min: 1,
    max: 1,
    run: (t, [n]) => {
      if (t === null) return badTarget(method, t);
      const d = checkRange(add(requireDate(t, method), toInt(n)));
      return formatDate(d.ms, d.dateOnly);
    },
  };
}

function datePart(method: string, part: (t: Date) => number | string): AllowedInstanceMethod {
  return { min: 0, max: 0, run: (t) => (t === null ? badTarget(method, t) : part(new Date(requireDate(t, method).ms))) };
}

const DAY_MS = 86_400_000;

/** Instance methods: `<invoke name='m'><ref>obj</ref>args</invoke>`, dispatched on the target's type. */
export const INSTANCE_METHODS: Readonly<Record<string, AllowedInstanceMethod>> = {
  toUpperCase: onString('toUpperCase', 0, 0, (s) => s.toUpperCase()),
  toLowerCase: onString('toLowerCase', 0, 0, (s) => s.toLowerCase()),
  trim: onString('trim', 0, 0, (s) => s.trim()),
  startsWith: onString('startsWith', 1, 1, (s, [p]) => s.startsWith(toStr(p))),
  endsWith: onString('endsWith', 1, 1, (s, [p]) => s.endsWith(toStr(p))),
  indexOf: onString('indexOf', 1, 2, (s, [p, from]) => s.indexOf(toStr(p), toInt(from))),
  equalsIgnoreCase: onString('equalsIgnoreCase', 1, 1, (s, [o]) => typeof o === 'string' && s.toLowerCase() === o.toLowerCase()),
  substring: onString('substring', 1, 2, (s, [b, e]) => {
    const begin = toInt(b);
    const end = e === undefined ? s.length : toInt(e);
    if (begin < 0 || end > s.length || begin > end) {
      throw new ExpressionError('XPRESS_INDEX_OUT_OF_RANGE', `substring(${begin}, ${end}) is outside a string of length ${s.length}`);
    }
    return s.substring(begin, end);
  }),
  replace: onString('replace', 2, 2, (s, [a, b], rt) => rt.checkString(joinBounded(s.split(toStr(a)), toStrBounded(b, rt.textLimit), rt.textLimit))),
  length: onString('length', 0, 0, (s) => s.length),
  equals: { min: 1, max: 1, run: (t, [o]) => (t === null ? badTarget('equals', t) : xEquals(t, o ?? null) && typeof t === typeof o) },
  toString: { min: 0, max: 0, run: (t: XValue) => (t === null ? badTarget('toString', t) : toStr(t)) },
  isEmpty: {
    min: 0,
    max: 0,
    run: (t) =>
      typeof t === 'string' ? t.length === 0 : isList(t) ? t.length === 0 : isMap(t) ? Object.keys(t).length === 0 : badTarget('isEmpty', t),
  },
  contains: {
    min: 1,
    max: 1,
    run: (t, [o]) =>
      typeof t === 'string' ? t.includes(toStr(o)) : isList(t) ? t.some((x) => xEquals(x, o ?? null)) : badTarget('contains', t),
  },
  size: {
    min: 0,
    max: 0,
    run: (t) => (isList(t) ? t.length : isMap(t) ? Object.keys(t).length : badTarget('size', t)),
  },
  get: {
    min: 1,
    max: 1,
    run: (t, [k]) => {
      if (isList(t)) {
        const i = toInt(k);
        if (i < 0 || i >= t.length) {
          throw new ExpressionError('XPRESS_INDEX_OUT_OF_RANGE', `index ${i} is outside a list of size ${t.length}`);
        }
        return t[i] ?? null;
      }
      if (isMap(t)) return Object.hasOwn(t, toStr(k)) ? (t[toStr(k)] ?? null) : null;
      return badTarget('get', t);
    },
  },
  containsKey: { min: 1, max: 1, run: (t, [k]) => (isMap(t) ? Object.hasOwn(t, toStr(k)) : badTarget('containsKey', t)) },
  keySet: { min: 0, max: 0, run: (t) => (isMap(t) ? Object.keys(t) : badTarget('keySet', t)) },
  // DateTime (ISO 8601 text): arithmetic keeps a day a day unless hours, minutes or seconds are added.
  AddDays: onDate('AddDays', (d, n) => ({ ms: d.ms + n * DAY_MS, dateOnly: d.dateOnly })),
  AddHours: onDate('AddHours', (d, n) => ({ ms: d.ms + n * 3_600_000, dateOnly: false })),
  AddMinutes: onDate('AddMinutes', (d, n) => ({ ms: d.ms + n * 60_000, dateOnly: false })),
  AddSeconds: onDate('AddSeconds', (d, n) => ({ ms: d.ms + n * 1000, dateOnly: false })),
  AddMonths: onDate('AddMonths', (d, n) => addMonths(d, n)),
  AddYears: onDate('AddYears', (d, n) => addMonths(d, n * 12)),
  Year: datePart('Year', (t) => t.getUTCFullYear()),
  Month: datePart('Month', (t) => t.getUTCMonth() + 1),
  Day: datePart('Day', (t) => t.getUTCDate()),
  Hour: datePart('Hour', (t) => t.getUTCHours()),
  Minute: datePart('Minute', (t) => t.getUTCMinutes()),
  Date: datePart('Date', (t) => formatDate(t.getTime(), true)),
};

/** Java StringTokenizer: every character of `delims` separates; empty tokens are dropped. */
export function tokenize(s: string, delims: string): string[] {
  if (delims === '') return s === '' ? [] : [s];
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (delims.includes(ch)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

export function staticMethod(cls: string, name: string): AllowedMethod | undefined {
  const c = Object.hasOwn(STATIC_METHODS, cls) ? STATIC_METHODS[cls] : undefined;
  return c && Object.hasOwn(c, name) ? c[name] : undefined;
}

export function constructorOf(cls: string): AllowedMethod | undefined {
  return Object.hasOwn(CONSTRUCTORS, cls) ? CONSTRUCTORS[cls] : undefined;
}

export function instanceMethod(name: string): AllowedInstanceMethod | undefined {
  return Object.hasOwn(INSTANCE_METHODS, name) ? INSTANCE_METHODS[name] : undefined;
}
