import type { Expr } from '../definition/model/expression.js';
import type { XValue } from './env.js';
import { BreakSignal, type Evaluation, type Handler } from './evaluation.js';
import { defineKey } from './path.js';
import {
  bool,
  isEmptyValue,
  javaCompare,
  parseInteger,
  toInt,
  toStr,
  truthy,
  xCompare,
  xEquals,
  type XMap,
} from './values.js';

/** Value constructors, XML objects, arithmetic, logic and comparison. */

function buildMap(pairs: Iterable<[string, XValue]>): XMap {
  const m: XMap = {};
  for (const [k, v] of pairs) defineKey(m, k, v);
  return m;
}

type Op = (a: number, b: number, x: Evaluation, e: Expr) => number;

/** Successive integer operation over the non-null arguments; null arguments are ignored. */
function arithmetic(op: Op): Handler {
  return (e, x) => {
    let acc: number | undefined;
    for (const a of e.args ?? []) {
      const v = x.eval(a);
      if (v === null) continue;
      const n = toInt(v);
      acc = acc === undefined ? n : op(acc, n, x, e);
      if (!Number.isSafeInteger(acc)) {
        throw x.error('XPRESS_INTEGER_OVERFLOW', `<${e.op}> result is outside the safe integer range`, e);
      }
    }
    return acc ?? 0;
  };
}

const divide: Op = (a, b, x, e) => {
  if (b === 0) throw x.error('XPRESS_DIVIDE_BY_ZERO', `<${e.op}> by zero`, e);
  // Java integer division and remainder truncate toward zero; `| 0` would wrap past 32 bits.
  return e.op === 'div' ? Math.trunc(a / b) : a % b;
};

/** Numeric comparison, or Java string comparison when both are strings and one is not an integer. */
function relational(test: (c: number) => boolean): Handler {
  return (e, x) => {
    const [a, b] = x.evalArgs(e);
    if (typeof a === 'string' && typeof b === 'string' && (parseInteger(a) === undefined || parseInteger(b) === undefined)) {
      return bool(test(javaCompare(a, b)));
    }
    return bool(test(toInt(a) - toInt(b)));
  };
}

function catchUnnamedBreak(fn: () => XValue): XValue {
  try {
    return fn();
  } catch (s) {
    if (s instanceof BreakSignal && s.name === undefined) return s.value;
    throw s;
  }
}

/** `isTrue`: Booleans as they are, strings "true"/"false" (any case) or integers, anything else by truthiness. */
function isTrueValue(v: XValue): boolean {
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    const n = parseInteger(t);
    return n !== undefined && n !== 0;
  }
  return truthy(v);
}

function allEqual(e: Expr, x: Evaluation): boolean {
  const vals = x.evalArgs(e);
  for (let i = 1; i < vals.length; i++) if (!xEquals(vals[0], vals[i])) return false;
  return true;
}

/** Compiled literals are valid integers; a stored expression edited by hand may not be. */
function integerLiteral(e: Expr, x: Evaluation): XValue {
  const n = parseInteger(e.text ?? '');
  if (n === undefined) throw x.error('XPRESS_BAD_LITERAL', `<${e.op}> holds "${e.text ?? ''}", not an integer`, e);
  return n;
}

export const CORE_HANDLERS: Readonly<Record<string, Handler>> = {
  // Literals are shared, not built, so they do not count against the allocation budget.
  s: (e) => e.text ?? '',
  String: (e) => e.text ?? '',
  i: integerLiteral,
  Integer: integerLiteral,
  Long: integerLiteral,
  Boolean: (e) => e.text === 'true',
  Date: (e) => e.text ?? '',
  null: () => null,
  list: (e, x) => x.checkList(x.evalArgs(e).filter((v) => v !== null)),
  array: (e, x) => x.checkList(x.evalArgs(e)),
  List: (e, x) => x.checkList(x.evalArgs(e)),
  map: (e, x) => {
    const vals = x.evalArgs(e);
    const pairs: [string, XValue][] = [];
    for (let i = 0; i < vals.length; i += 2) {
      const k = vals[i];
      if (k === null || k === undefined) continue;
      pairs.push([toStr(k), vals[i + 1] ?? null]);
    }
    return x.checkValue(buildMap(pairs));
  },
  Map: (e, x) =>
    x.checkValue(
      buildMap(
        (e.args ?? []).map((entry): [string, XValue] => {
          const value = entry.args?.[0] ? x.eval(entry.args[0]) : (entry.attrs?.['value'] ?? null);
          return [entry.attrs?.['key'] ?? '', value];
        }),
      ),
    ),

  add: arithmetic((a, b) => a + b),
  sub: arithmetic((a, b) => a - b),
  mult: arithmetic((a, b) => a * b),
  div: arithmetic(divide),
  mod: arithmetic(divide),

  and: (e, x) =>
    catchUnnamedBreak(() => {
      let last: XValue = 1;
      for (const a of e.args ?? []) {
        last = x.eval(a);
        if (!truthy(last)) return 0;
      }
      return last;
    }),
  or: (e, x) =>
    catchUnnamedBreak(() => {
      for (const a of e.args ?? []) {
        const v = x.eval(a);
        if (truthy(v)) return v;
      }
      return 0;
    }),
  not: (e, x) => bool(!truthy(x.eval(e.args![0]!))),
  eq: (e, x) => bool(allEqual(e, x)),
  neq: (e, x) => bool(!allEqual(e, x)),
  gt: relational((c) => c > 0),
  gte: relational((c) => c >= 0),
  lt: relational((c) => c < 0),
  lte: relational((c) => c <= 0),
  cmp: (e, x) => {
    const [a, b] = x.evalArgs(e);
    return xCompare(a ?? null, b ?? null, false);
  },
  ncmp: (e, x) => {
    const [a, b] = x.evalArgs(e);
    return xCompare(a ?? null, b ?? null, true);
  },
  isnull: (e, x) => bool(x.eval(e.args![0]!) === null),
  notnull: (e, x) => bool(x.eval(e.args![0]!) !== null),
  isTrue: (e, x) => bool(isTrueValue(x.eval(e.args![0]!))),
  isFalse: (e, x) => bool(!isTrueValue(x.eval(e.args![0]!))),
  isEmpty: (e, x) => bool(isEmptyValue(x.eval(e.args![0]!))),
  notEmpty: (e, x) => bool(!isEmptyValue(x.eval(e.args![0]!))),
};
