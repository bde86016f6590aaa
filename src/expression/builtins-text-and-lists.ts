import type { Expr } from '../definition/model/expression.js';
import { joinBounded, replaceBounded, toStrBounded } from './bounded-text.js';
import type { XValue } from './env.js';
import type { Evaluation, Handler } from './evaluation.js';
import { tokenize } from './invoke-allow-list.js';
import { substituteWith } from './substitute.js';
import { asList, bool, isList, isMap, listIncludes, toInt, toStr, xEquals } from './values.js';

/** String and list functions. List functions have a value form and an in-place `name='var'` form. */

/** The first operand: the named variable's value (in-place form) or the first argument, plus the rest. */
function operand(e: Expr, x: Evaluation): { value: XValue; rest: readonly Expr[]; named?: string } {
  const named = e.attrs?.['name'];
  const args = e.args ?? [];
  if (named !== undefined) return { value: x.resolve(named) ?? null, rest: args, named };
  return { value: x.eval(args[0]!), rest: args.slice(1) };
}

/**
 * Result of a list function that changes a list: the in-place form stores it in the variable and returns
 * null (like `set`); the value form returns the new list and leaves its arguments alone.
 */
function result(x: Evaluation, named: string | undefined, list: XValue[]): XValue {
  x.checkList(list);
  if (named === undefined) return list;
  x.assign(named, list);
  return null;
}

function textOf(e: Expr, x: Evaluation, fn: (s: string) => string): XValue {
  const v = x.eval(e.args![0]!);
  return v === null ? null : x.checkString(fn(toStrBounded(v, x.textLimit)));
}

/** Static variable name of a `<ref>name</ref>` argument, for functions that update the list or map it holds. */
export function refTarget(e: Expr | undefined): string | undefined {
  return e?.op === 'ref' && e.text !== undefined ? e.text : undefined;
}

function removeValues(list: readonly XValue[], values: readonly XValue[]): XValue[] {
  return list.filter((v) => !values.some((r) => xEquals(r, v)));
}

export const TEXT_AND_LIST_HANDLERS: Readonly<Record<string, Handler>> = {
  concat: (e, x) => {
    const parts = x.evalArgs(e).map((v) => toStrBounded(v, x.textLimit));
    return x.checkString(joinBounded(parts, '', x.textLimit));
  },
  downcase: (e, x) => textOf(e, x, (s) => s.toLowerCase()),
  upcase: (e, x) => textOf(e, x, (s) => s.toUpperCase()),
  ltrim: (e, x) => textOf(e, x, (s) => s.trimStart()),
  rtrim: (e, x) => textOf(e, x, (s) => s.trimEnd()),
  trim: (e, x) => textOf(e, x, (s) => s.trim()),
  ztrim: (e, x) =>
    textOf(e, x, (s) => {
      const t = s.trim();
      const z = t.replace(/^0+/, '');
      return z === '' && t !== '' ? '0' : z;
    }),
  indexOf: (e, x) => {
    const [s, sub, from] = x.evalArgs(e);
    if (s === null || s === undefined) return -1;
    return toStr(s).indexOf(toStr(sub), Math.max(0, toInt(from)));
  },
  substr: (e, x) => {
    const [v, start, len] = x.evalArgs(e);
    if (v === null || v === undefined) return null;
    const s = toStr(v);
    const b = Math.min(Math.max(0, toInt(start)), s.length);
    const n = len === undefined || len === null ? s.length - b : Math.max(0, toInt(len));
    return s.substr(b, n);
  },
  split: (e, x) => {
    const [v, d] = x.evalArgs(e);
    if (v === null || v === undefined) return null;
    return x.checkList(tokenize(toStr(v), d === undefined || d === null ? ',' : toStr(d)));
  },
  pad: (e, x) => {
    const [v, len, ch] = x.evalArgs(e);
    const s = toStr(v);
    const n = toInt(len);
    if (n <= s.length) return s;
    x.checkStringSize(n);
    const fill = ch === undefined || ch === null || toStr(ch) === '' ? ' ' : toStr(ch)[0]!;
    return x.checkString(s + fill.repeat(n - s.length));
  },
  message: (e, x) => {
    const vals = x.evalArgs(e);
    const pattern = e.attrs?.['name'] ?? toStrBounded(vals.shift() ?? null, x.textLimit);
    const out = replaceBounded(
      pattern,
      /\{(\d+)\}/g,
      (m) => (Number(m[1]) < vals.length ? toStrBounded(vals[Number(m[1])]!, x.textLimit) : undefined),
      x.textLimit,
    );
    return x.checkString(out);
  },
  length: (e, x) => {
    const { value: v } = operand(e, x);
    if (v === null) return 0;
    if (isList(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    return toStr(v).length;
  },
  contains: (e, x) => containsHandler(e, x),
  match: (e, x) => containsHandler(e, x),
  expand: (e, x) => {
    const { value: v } = operand(e, x);
    const expand = (s: XValue): XValue => (typeof s === 'string' ? x.checkString(substituteWith(s, x.lookup, x.textLimit)) : s);
    if (!isList(v)) return expand(v);
    // The list is measured as it fills, so the error comes before the strings past the limit are made.
    const out: XValue[] = [];
    let size = 2;
    for (const s of v) {
      const r = expand(s);
      out.push(r);
      size = x.growListSize(size, r, e);
    }
    return x.checkList(out);
  },
  append: (e, x) => {
    const { value, rest, named } = operand(e, x);
    const out = [...asList(value)];
    for (const a of rest) {
      const v = x.eval(a);
      if (v !== null) out.push(v);
    }
    return result(x, named, out);
  },
  appendAll: (e, x) => {
    const { value, rest, named } = operand(e, x);
    const out = [...asList(value)];
    for (const a of rest) {
      const add = asList(x.eval(a)).filter((v) => v !== null);
      x.checkListSize(out.length + add.length);
      out.push(...add);
    }
    return result(x, named, out);
  },
  containsAll: (e, x) => {
    const { value, rest } = operand(e, x);
    const list = asList(value);
    return bool(asList(x.eval(rest[0]!)).every((v) => listIncludes(list, v)));
  },
  containsAny: (e, x) => {
    const { value, rest } = operand(e, x);
    const list = asList(value);
    return bool(asList(x.eval(rest[0]!)).some((v) => listIncludes(list, v)));
  },
  filterdup: (e, x) => {
    const { value, named } = operand(e, x);
    const out: XValue[] = [];
    for (const v of asList(value)) if (!listIncludes(out, v)) out.push(v);
    return result(x, named, out);
  },
  filternull: (e, x) => {
    const { value, named } = operand(e, x);
    return result(x, named, asList(value).filter((v) => v !== null));
  },
  insert: (e, x) => {
    const { value, rest, named } = operand(e, x);
    const out = [...asList(value)];
    const i = toInt(x.eval(rest[0]!));
    if (i < 0 || i > out.length) {
      throw x.error('XPRESS_INDEX_OUT_OF_RANGE', `<insert> index ${i} is outside 0..${out.length}`, e);
    }
    out.splice(i, 0, x.eval(rest[1]!));
    return result(x, named, out);
  },
  remove: (e, x) => {
    const { value, rest, named } = operand(e, x);
    return result(x, named, removeValues(asList(value), rest.map((a) => x.eval(a))));
  },
  removeAll: (e, x) => {
    const { value, rest, named } = operand(e, x);
    return result(x, named, removeValues(asList(value), asList(x.eval(rest[0]!))));
  },
  setlist: (e, x) => {
    const { value, rest, named } = operand(e, x);
    const i = toInt(x.eval(rest[0]!));
    const v = x.eval(rest[1]!);
    if (i < 0) throw x.error('XPRESS_INDEX_OUT_OF_RANGE', `<setlist> index ${i} is negative`, e);
    x.checkListSize(i + 1);
    const out = [...asList(value)];
    while (out.length <= i) out.push(null);
    out[i] = v;
    x.checkList(out);
    // Java lists are shared, so setlist on a variable's list changes that variable; values here are
    // immutable, so the change is written back to the variable the list came from.
    const target = named ?? refTarget(e.args?.[0]);
    if (target !== undefined) x.assign(target, out);
    return null;
  },
};

function containsHandler(e: Expr, x: Evaluation): XValue {
  const { value, rest } = operand(e, x);
  const needle = x.eval(rest[0]!);
  if (value === null) return 0;
  if (isList(value)) return bool(listIncludes(value, needle));
  if (isMap(value)) return bool(Object.hasOwn(value, toStr(needle)));
  return bool(toStr(value).includes(toStr(needle)));
}
