import type { Expr } from '../definition/model/expression.js';
import { joinBounded, toStrBounded } from './bounded-text.js';
import type { XValue } from './env.js';
import { BreakSignal, type Evaluation, type Handler } from './evaluation.js';
import { constructorOf, instanceMethod, staticMethod } from './invoke-allow-list.js';
import { defineKey, getIn, getKey, parsePath, withKey } from './path.js';
import { refTarget } from './builtins-text-and-lists.js';
import { substituteValueWith } from './substitute.js';
import { asList, bool, INSTANCEOF_CLASSES, isList, isMap, toInt, toStr, truthy, xEquals } from './values.js';

/** Control flow, variables, functions, rules, object access, invoke/new and debugging. */

/** Runs `fn`, ending early with the value of a `<break>` aimed at this construct (by name, or unnamed). */
function breakable(e: Expr, fn: () => XValue): XValue {
  try {
    return fn();
  } catch (s) {
    if (s instanceof BreakSignal && (s.name === undefined || s.name === e.attrs?.['name'])) return s.value;
    throw s;
  }
}

function withTrace<T>(e: Expr, x: Evaluation, fn: () => T): T {
  if (e.attrs?.['trace'] !== 'true' || x.tracing) return fn();
  x.tracing = true;
  try {
    return fn();
  } finally {
    x.tracing = false;
  }
}

function assignHandler(e: Expr, x: Evaluation): XValue {
  const name = e.attrs?.['name'];
  if (name === undefined) {
    // The object form: <set><ref>m</ref><s>k</s><s>v</s></set> is <set name='m.k'> (compileNamelessSet).
    const [target, pathExpr, valueExpr] = e.args!;
    const path = toStr(x.eval(pathExpr!)).trim();
    const value = x.eval(valueExpr!);
    const root = target!.text!;
    x.assign(path === '' ? root : path.startsWith('[') ? `${root}${path}` : `${root}.${path}`, value);
    return null;
  }
  const value = e.args?.[0] ? x.eval(e.args[0]) : null;
  x.assign(name, value);
  return null;
}

function get(e: Expr, x: Evaluation): XValue {
  const [obj, key] = x.evalArgs(e);
  if (obj === null || obj === undefined || key === null || key === undefined) return null;
  if (isList(obj)) {
    if (typeof key === 'number' || /^\s*\d+\s*$/.test(toStr(key))) return obj[toInt(key)] ?? null;
    return getIn(obj, [{ key: toStr(key), bracket: true, end: 0 }]);
  }
  if (isMap(obj)) {
    const k = toStr(key);
    const direct = getKey(obj, k);
    if (direct !== undefined) return direct;
    const segs = parsePath(k);
    return segs && segs.length > 1 ? getIn(obj, segs) : null;
  }
  return null;
}

export const CONTROL_HANDLERS: Readonly<Record<string, Handler>> = {
  cond: (e, x) => {
    const [test, then, otherwise] = e.args!;
    if (truthy(x.eval(test!))) return x.eval(then!);
    return otherwise ? x.eval(otherwise) : null;
  },
  switch: (e, x) => {
    const [subject, ...cases] = e.args!;
    const v = x.eval(subject!);
    let fallback: Expr | undefined;
    for (const c of cases) {
      if (c.attrs?.['default'] === 'true') {
        fallback = c;
        continue;
      }
      const [match, ...body] = c.args ?? [];
      if (match && xEquals(v, x.eval(match))) return x.evalSeq(body);
    }
    return fallback ? x.evalSeq(fallback.args ?? []) : null;
  },
  block: (e, x) => withTrace(e, x, () => breakable(e, () => x.scoped(() => x.evalSeq(e.args ?? [])))),
  dolist: (e, x) =>
    breakable(e, () => {
      const [listExpr, ...body] = e.args!;
      const items = asList(x.eval(listExpr!));
      const name = e.attrs!['name']!;
      const out: XValue[] = [];
      let size = 2;
      for (const item of items) {
        const v = x.scoped(() => {
          x.declare(name, item);
          return x.evalSeq(body);
        });
        if (v !== null) {
          out.push(v);
          x.checkListSize(out.length);
          size = x.growListSize(size, v, e);
        }
      }
      return x.checkList(out);
    }),
  while: (e, x) =>
    breakable(e, () => {
      const [test, ...body] = e.args!;
      let last: XValue = null;
      while (truthy(x.eval(test!))) last = x.evalSeq(body);
      return last;
    }),
  break: (e, x) => {
    throw new BreakSignal(e.attrs?.['name'], e.args?.[0] ? x.eval(e.args[0]) : null);
  },

  defvar: (e, x) => {
    // The initial value is computed before the variable exists, so it cannot refer to itself.
    const value = e.args?.[0] ? x.eval(e.args[0]) : null;
    x.declare(e.attrs!['name']!, value);
    return null;
  },
  set: assignHandler,
  setvar: assignHandler,
  ref: (e, x) => {
    const name = e.args?.[0] ? toStr(x.eval(e.args[0])).trim() : (e.text ?? '');
    return x.resolve(name) ?? null;
  },
  defun: (e, x) => {
    x.defineFunction(e.attrs!['name']!, e);
    return null;
  },
  call: (e, x) => {
    const name = e.attrs!['name']!;
    const fn = x.findFunction(name);
    if (!fn) throw x.error('XPRESS_UNKNOWN_FUNCTION', `<call name='${name}'>: no <defun name='${name}'> is in scope`, e);
    const params = (fn.args ?? []).filter((a) => a.op === 'defarg').map((a) => a.attrs!['name']!);
    const body = (fn.args ?? []).filter((a) => a.op !== 'defarg');
    const bound = new Map<string, XValue>(params.map((p) => [p, null]));
    let position = 0;
    for (const a of e.args ?? []) {
      if (a.op === 'argument') bound.set(a.attrs!['name']!, argumentValue(a, x));
      else {
        const p = params[position++];
        const v = x.eval(a);
        if (p !== undefined) bound.set(p, v);
      }
    }
    if (x.callDepth >= x.limits.maxCallDepth) {
      throw x.error('XPRESS_RECURSION_LIMIT', `<call name='${name}'> nests deeper than ${x.limits.maxCallDepth} calls`, e);
    }
    x.callDepth++;
    try {
      return x.scoped(() => {
        for (const [k, v] of bound) x.declare(k, v);
        return x.evalSeq(body);
      });
    } finally {
      x.callDepth--;
    }
  },
  rule: (e, x) => {
    const name = e.attrs!['name']!;
    const args: Record<string, XValue> = {};
    for (const a of e.args ?? []) defineKey(args, a.attrs!['name']!, argumentValue(a, x));
    if (!x.env.callRule) throw x.error('XPRESS_RULE_UNAVAILABLE', `<rule name='${name}'>: rules cannot be called here`, e);
    return x.env.callRule(name, args) ?? null;
  },
  select: (e, x) => {
    for (const a of e.args ?? []) {
      const v = x.eval(a);
      if (v !== null && v !== 0) return v;
    }
    return null;
  },

  get,
  putmap: (e, x) => {
    const [mapExpr, keyExpr, valueExpr] = e.args!;
    const m = x.eval(mapExpr!);
    const key = x.eval(keyExpr!);
    const value = x.eval(valueExpr!);
    if (m !== null && !isMap(m)) throw x.error('XPRESS_NOT_A_MAP', '<putmap> needs a map as its first argument', e);
    if (key === null) return null;
    // As with setlist: Java maps are shared, so the change goes back to the variable the map came from.
    const target = refTarget(mapExpr);
    if (target !== undefined) x.assign(target, x.checkValue(withKey(m ?? {}, toStr(key), value)));
    return null;
  },
  instanceof: (e, x) => {
    const cls = e.attrs?.['name'] ?? '';
    // Own entries only: a stored expression naming `constructor` must not reach Object.prototype.
    const test = Object.hasOwn(INSTANCEOF_CLASSES, cls) ? INSTANCEOF_CLASSES[cls] : undefined;
    if (!test) throw x.error('XPRESS_UNKNOWN_CLASS', `<instanceof> does not know class ${cls}`, e);
    return bool(test(x.eval(e.args![0]!)));
  },
  invoke: (e, x) => {
    const method = e.attrs?.['name'] ?? '';
    const cls = e.attrs?.['class'];
    // Checked again here because compiled expressions are read back from storage.
    if (cls !== undefined) {
      const m = staticMethod(cls, method);
      if (!m) throw x.error('XPRESS_INVOKE_NOT_ALLOWED', `${cls}.${method} is not on the allow-list`, e);
      return m.run(x.evalArgs(e), x);
    }
    const m = instanceMethod(method);
    if (!m) throw x.error('XPRESS_INVOKE_NOT_ALLOWED', `method ${method} is not on the allow-list`, e);
    const [target, ...args] = x.evalArgs(e);
    return m.run(target ?? null, args, x);
  },
  new: (e, x) => {
    const cls = e.attrs?.['class'] ?? '';
    const c = constructorOf(cls);
    if (!c) throw x.error('XPRESS_INVOKE_NOT_ALLOWED', `new ${cls} is not on the allow-list`, e);
    return c.run(x.evalArgs(e), x);
  },

  trace: (e, x) => {
    x.tracing = e.args?.[0] ? truthy(x.eval(e.args[0])) : true;
    return null;
  },
  print: (e, x) => {
    x.print(joinBounded(x.evalArgs(e).map((v) => toStrBounded(v, x.textLimit)), ' ', x.textLimit));
    return null;
  },
};

/** An `<argument>`: its expression, else its `value` attribute with `$(var)` substitution, else null. */
function argumentValue(a: Expr, x: Evaluation): XValue {
  if (a.args?.[0]) return x.eval(a.args[0]);
  const v = a.attrs?.['value'];
  return v === undefined ? null : substituteValueWith(v, x.lookup, x.textLimit);
}
