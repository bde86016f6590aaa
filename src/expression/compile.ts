import type { DiagnosticBag } from '../definition/diagnostic.js';
import type { Expr } from '../definition/model/expression.js';
import type { XmlElement } from '../definition/xml/xml-element.js';
import { functionSpec, STRUCTURAL_ELEMENTS } from './function-catalogue.js';
import { constructorOf, instanceMethod, staticMethod } from './invoke-allow-list.js';
import { INSTANCEOF_CLASSES, parseInteger } from './values.js';

export interface CompileContext {
  readonly diags: DiagnosticBag;
}

/** Compile-time diagnostic codes. Documented in docs/xpress.md. */
export const XpressCompileCodes = {
  UNKNOWN_FUNCTION: 'XPRESS_UNKNOWN_FUNCTION',
  MISPLACED_ELEMENT: 'XPRESS_MISPLACED_ELEMENT',
  BAD_LITERAL: 'XPRESS_BAD_LITERAL',
  ARITY: 'XPRESS_ARITY',
  MISSING_ATTRIBUTE: 'XPRESS_MISSING_ATTRIBUTE',
  SCRIPT_NOT_ALLOWED: 'XPRESS_SCRIPT_NOT_ALLOWED',
  INVOKE_NOT_ALLOWED: 'XPRESS_INVOKE_NOT_ALLOWED',
  BREAK_OUTSIDE: 'XPRESS_BREAK_OUTSIDE',
  UNKNOWN_CLASS: 'XPRESS_UNKNOWN_CLASS',
  TEXT_IGNORED: 'XPRESS_TEXT_IGNORED',
} as const;

/** Where the allow-list is documented, quoted in refusals so that authors know where to look. */
const ALLOW_LIST_DOC = 'docs/xpress.md#invoke-and-new-allow-list';

interface State {
  readonly diags: DiagnosticBag;
  /** Enclosing break targets, innermost last: the target's `name`, or '' when it has none. */
  readonly breakScopes: string[];
}

/**
 * Compiles one XPRESS element (a function such as `<add>`, or an XML object such as `<Map>`) into an
 * {@link Expr}. Problems go to `ctx.diags` at the element's location; the result is undefined when the element
 * or anything inside it could not be compiled.
 */
export function compileExpression(el: XmlElement, ctx: CompileContext): Expr | undefined {
  return compileNode(el, { diags: ctx.diags, breakScopes: [] });
}

/**
 * Compiles the expression held inside a container such as `<expression>`, `<Condition>` or `<Argument>`: its
 * only child, or an implicit `block` over several children. Undefined when the container has no child element
 * or a child could not be compiled.
 */
export function compileExpressionBody(container: XmlElement, ctx: CompileContext): Expr | undefined {
  const kids = container.children;
  if (kids.length === 0) return undefined;
  if (kids.length === 1) return compileNode(kids[0]!, { diags: ctx.diags, breakScopes: [] });
  const state: State = { diags: ctx.diags, breakScopes: [''] };
  const args = compileAll(kids, state);
  return args && { op: 'block', args, ...at(container) };
}

/** True when `name` is an XPRESS function or XML object element (including the refused `script`). */
export function isXpressElementName(name: string): boolean {
  return functionSpec(name) !== undefined || name === 'script';
}

function at(el: XmlElement): { line: number; column: number } {
  return { line: el.location.line, column: el.location.column };
}

function attrsOf(el: XmlElement): Record<string, string> | undefined {
  if (el.attributes.size === 0) return undefined;
  return Object.fromEntries(el.attributes);
}

function make(el: XmlElement, extra: { args?: Expr[]; text?: string; op?: string; attrs?: Record<string, string> }): Expr {
  const attrs = extra.attrs ?? attrsOf(el);
  return {
    op: extra.op ?? el.name,
    ...(attrs ? { attrs } : {}),
    ...(extra.args && extra.args.length > 0 ? { args: extra.args } : {}),
    ...(extra.text !== undefined ? { text: extra.text } : {}),
    ...at(el),
  };
}

function compileAll(els: readonly XmlElement[], state: State): Expr[] | undefined {
  let ok = true;
  const out: Expr[] = [];
  for (const el of els) {
    const e = compileNode(el, state);
    if (e) out.push(e);
    else ok = false;
  }
  return ok ? out : undefined;
}

function compileNode(el: XmlElement, state: State): Expr | undefined {
  const { diags } = state;
  const name = el.name;
  if (name === 'script') {
    diags.error(
      XpressCompileCodes.SCRIPT_NOT_ALLOWED,
      '<script> is not supported: idflow never runs JavaScript from definitions; rewrite it in XPRESS',
      el.location,
    );
    return undefined;
  }
  const spec = functionSpec(name);
  if (!spec) {
    const parent = Object.hasOwn(STRUCTURAL_ELEMENTS, name) ? STRUCTURAL_ELEMENTS[name] : undefined;
    if (parent) {
      diags.error(XpressCompileCodes.MISPLACED_ELEMENT, `<${name}> is only allowed directly inside <${parent}>`, el.location);
    } else {
      diags.error(XpressCompileCodes.UNKNOWN_FUNCTION, `unknown XPRESS function <${name}>`, el.location);
    }
    return undefined;
  }
  if ((name === 'set' || name === 'setvar') && !el.attributes.has('name')) return compileNamelessSet(el, state);
  for (const a of spec.required ?? []) {
    if (!el.attributes.has(a) || el.attributes.get(a)!.trim() === '') {
      diags.error(XpressCompileCodes.MISSING_ATTRIBUTE, `<${name}> needs a non-empty ${a} attribute`, el.location);
      return undefined;
    }
  }
  if (!spec.text && el.text.trim() !== '') {
    diags.warning(XpressCompileCodes.TEXT_IGNORED, `text inside <${name}> is ignored; use <s> for string values`, el.location);
  }
  if (!checkArity(el, spec, state)) return undefined;

  switch (name) {
    case 's':
    case 'String':
      return make(el, { text: el.text });
    case 'i':
    case 'Integer':
    case 'Long': {
      const n = parseInteger(el.text);
      if (n === undefined) {
        diags.error(XpressCompileCodes.BAD_LITERAL, `<${name}> must hold an integer, not "${el.text.trim()}"`, el.location);
        return undefined;
      }
      return make(el, { text: String(n) });
    }
    case 'Boolean': {
      const t = el.text.trim().toLowerCase();
      if (t !== 'true' && t !== 'false') {
        diags.error(XpressCompileCodes.BAD_LITERAL, `<Boolean> must hold true or false, not "${el.text.trim()}"`, el.location);
        return undefined;
      }
      return make(el, { text: t });
    }
    case 'Date':
      return make(el, { text: el.text.trim() });
    case 'o':
      return compileNode(el.children[0]!, state);
    case 'ref':
      return compileRef(el, state);
    case 'Map':
      return compileMap(el, state);
    case 'switch':
      return compileSwitch(el, state);
    case 'defun':
      return compileDefun(el, state);
    case 'rule':
    case 'call':
      return compileCall(el, state);
    case 'invoke':
      return compileInvoke(el, state);
    case 'new':
      return compileNew(el, state);
    case 'break':
      return compileBreak(el, state);
    case 'instanceof':
      return compileInstanceof(el, state);
    default:
      break;
  }
  // and/or are left only by an unnamed break; a name on them is not a target.
  if (spec.breakTarget) state.breakScopes.push(name === 'and' || name === 'or' ? '' : (el.attributes.get('name') ?? ''));
  try {
    const args = compileAll(el.children, state);
    return args && make(el, { args });
  } finally {
    if (spec.breakTarget) state.breakScopes.pop();
  }
}

function checkArity(el: XmlElement, spec: { min?: number; max?: number; namedList?: boolean }, state: State): boolean {
  // Elements whose children are not all arguments check their own shape.
  if (['switch', 'defun', 'rule', 'call', 'Map', 'invoke', 'new'].includes(el.name)) return true;
  const shift = spec.namedList && el.attributes.has('name') ? 1 : 0;
  const min = Math.max(0, (spec.min ?? 0) - shift);
  const max = spec.max === undefined ? undefined : spec.max - shift;
  const n = el.children.length;
  if (n < min || (max !== undefined && n > max)) {
    const want = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
    state.diags.error(
      XpressCompileCodes.ARITY,
      `<${el.name}${shift ? ` name='…'` : ''}> takes ${want} argument${want === '1' ? '' : 's'}, not ${n}`,
      el.location,
    );
    return false;
  }
  return true;
}

/**
 * The object form of `<set>`/`<setvar>` in Oracle's XPRESS reference: no name attribute, three children: the object
 * (a `<ref>` to the variable that holds it), the path inside it, and the value. `<set><ref>m</ref><s>k</s><s>v</s></set>`
 * does what `<set name='m.k'><s>v</s></set>` does. Values are copied, not shared, so the object must be a variable:
 * writing into the result of another expression would change nothing anyone can see.
 */
function compileNamelessSet(el: XmlElement, state: State): Expr | undefined {
  const [target, path, value] = el.children;
  if (el.children.length < 2) {
    state.diags.error(
      XpressCompileCodes.MISSING_ATTRIBUTE,
      `<${el.name}> needs a non-empty name attribute (or, without one, 3 arguments: the object, the path inside it, the value)`,
      el.location,
    );
    return undefined;
  }
  if (el.children.length !== 3) {
    state.diags.error(
      XpressCompileCodes.ARITY,
      `<${el.name}> without a name takes 3 arguments (the object, the path inside it, the value), not ${el.children.length}; or write <${el.name} name='variable'>value</${el.name}>`,
      el.location,
    );
    return undefined;
  }
  if (target!.name !== 'ref' || target!.children.length > 0 || target!.text.trim() === '') {
    state.diags.error(
      XpressCompileCodes.BAD_LITERAL,
      `the first argument of a nameless <${el.name}> must be <ref>variable</ref>, the variable holding the object to change, not <${target!.name}>`,
      target!.location,
    );
    return undefined;
  }
  const args = compileAll([target!, path!, value!], state);
  return args && make(el, { args });
}

function compileRef(el: XmlElement, state: State): Expr | undefined {
  if (el.children.length === 1) {
    const inner = compileNode(el.children[0]!, state);
    return inner && make(el, { args: [inner] });
  }
  const name = el.text.trim();
  if (name === '') {
    state.diags.error(XpressCompileCodes.BAD_LITERAL, '<ref> must name a variable or hold an expression giving its name', el.location);
    return undefined;
  }
  return make(el, { text: name });
}

function compileMap(el: XmlElement, state: State): Expr | undefined {
  let ok = true;
  const entries: Expr[] = [];
  for (const c of el.children) {
    if (c.name !== 'MapEntry') {
      state.diags.error(XpressCompileCodes.MISPLACED_ELEMENT, `<Map> holds only <MapEntry> elements, not <${c.name}>`, c.location);
      ok = false;
      continue;
    }
    const key = c.attributes.get('key');
    if (key === undefined) {
      state.diags.error(XpressCompileCodes.MISSING_ATTRIBUTE, '<MapEntry> needs a key attribute', c.location);
      ok = false;
      continue;
    }
    if (c.children.length > 1 || (c.children.length === 1 && c.attributes.has('value'))) {
      state.diags.error(XpressCompileCodes.ARITY, '<MapEntry> holds either a value attribute or one object element', c.location);
      ok = false;
      continue;
    }
    const value = c.children.length === 1 ? compileNode(c.children[0]!, state) : undefined;
    if (c.children.length === 1 && !value) {
      ok = false;
      continue;
    }
    entries.push(make(c, { args: value ? [value] : [] }));
  }
  return ok ? make(el, { args: entries }) : undefined;
}

function compileSwitch(el: XmlElement, state: State): Expr | undefined {
  const [subject, ...cases] = el.children;
  if (!subject || subject.name === 'case') {
    state.diags.error(XpressCompileCodes.ARITY, '<switch> starts with the value to match, then <case> elements', el.location);
    return undefined;
  }
  let ok = true;
  const args: Expr[] = [];
  const s = compileNode(subject, state);
  if (s) args.push(s);
  else ok = false;
  let defaults = 0;
  for (const c of cases) {
    if (c.name !== 'case') {
      state.diags.error(XpressCompileCodes.MISPLACED_ELEMENT, `after its value, <switch> holds only <case> elements, not <${c.name}>`, c.location);
      ok = false;
      continue;
    }
    const isDefault = c.attributes.get('default') === 'true';
    if (isDefault && ++defaults > 1) {
      state.diags.error(XpressCompileCodes.ARITY, '<switch> has more than one default case', c.location);
      ok = false;
    }
    if (!isDefault && c.children.length < 1) {
      state.diags.error(XpressCompileCodes.ARITY, '<case> needs a value to match and a result', c.location);
      ok = false;
      continue;
    }
    const body = compileAll(c.children, state);
    if (body) args.push(make(c, { args: body }));
    else ok = false;
  }
  return ok ? make(el, { args }) : undefined;
}

function compileDefun(el: XmlElement, state: State): Expr | undefined {
  let ok = true;
  const args: Expr[] = [];
  let inBody = false;
  // A function body is its own world for break: breaks must not escape into the caller.
  const inner: State = { diags: state.diags, breakScopes: [] };
  for (const c of el.children) {
    if (c.name === 'defarg') {
      const n = c.attributes.get('name');
      if (inBody || !n) {
        state.diags.error(
          !n ? XpressCompileCodes.MISSING_ATTRIBUTE : XpressCompileCodes.MISPLACED_ELEMENT,
          !n ? '<defarg> needs a name attribute' : '<defarg> elements come before the body of <defun>',
          c.location,
        );
        ok = false;
        continue;
      }
      args.push(make(c, {}));
      continue;
    }
    inBody = true;
    const e = compileNode(c, inner);
    if (e) args.push(e);
    else ok = false;
  }
  return ok ? make(el, { args }) : undefined;
}

/** `<rule name>` and `<call name>`: named `<argument>` children; `call` also takes positional arguments. */
function compileCall(el: XmlElement, state: State): Expr | undefined {
  let ok = true;
  const args: Expr[] = [];
  for (const c of el.children) {
    if (c.name !== 'argument') {
      if (el.name === 'rule') {
        state.diags.error(XpressCompileCodes.MISPLACED_ELEMENT, `<rule> holds only <argument> elements, not <${c.name}>`, c.location);
        ok = false;
        continue;
      }
      const e = compileNode(c, state);
      if (e) args.push(e);
      else ok = false;
      continue;
    }
    const a = compileArgument(c, state);
    if (a) args.push(a);
    else ok = false;
  }
  return ok ? make(el, { args }) : undefined;
}

function compileArgument(c: XmlElement, state: State): Expr | undefined {
  const n = c.attributes.get('name');
  if (!n) {
    state.diags.error(XpressCompileCodes.MISSING_ATTRIBUTE, '<argument> needs a name attribute', c.location);
    return undefined;
  }
  const kids = c.children.length === 1 && c.children[0]!.name === 'expression' ? c.children[0]!.children : c.children;
  if (kids.length > 0 && c.attributes.has('value')) {
    state.diags.error(XpressCompileCodes.ARITY, `<argument name='${n}'> holds either a value attribute or an expression`, c.location);
    return undefined;
  }
  if (kids.length > 1) {
    state.diags.error(XpressCompileCodes.ARITY, `<argument name='${n}'> holds one expression, not ${kids.length}`, c.location);
    return undefined;
  }
  if (kids.length === 0) return make(c, {});
  const v = compileNode(kids[0]!, state);
  return v && make(c, { args: [v] });
}

function compileInvoke(el: XmlElement, state: State): Expr | undefined {
  const method = el.attributes.get('name')!;
  const cls = el.attributes.get('class');
  const n = el.children.length;
  if (cls !== undefined) {
    const allowed = staticMethod(cls, method);
    if (!allowed) {
      state.diags.error(
        XpressCompileCodes.INVOKE_NOT_ALLOWED,
        `<invoke class='${cls}' name='${method}'> is not on idflow's allow-list of built-in methods (see ${ALLOW_LIST_DOC})`,
        el.location,
      );
      return undefined;
    }
    if (n < allowed.min || n > allowed.max) return arityError(el, `${cls}.${method}`, allowed, n, state);
  } else {
    const allowed = instanceMethod(method);
    if (!allowed) {
      state.diags.error(
        XpressCompileCodes.INVOKE_NOT_ALLOWED,
        `<invoke name='${method}'> on an object is not on idflow's allow-list of built-in methods (see ${ALLOW_LIST_DOC})`,
        el.location,
      );
      return undefined;
    }
    if (n < 1) {
      state.diags.error(XpressCompileCodes.ARITY, `<invoke name='${method}'> without class needs the target object as its first child`, el.location);
      return undefined;
    }
    if (n - 1 < allowed.min || n - 1 > allowed.max) return arityError(el, method, allowed, n - 1, state);
  }
  const args = compileAll(el.children, state);
  return args && make(el, { args });
}

function compileNew(el: XmlElement, state: State): Expr | undefined {
  const cls = el.attributes.get('class')!;
  const allowed = constructorOf(cls);
  if (!allowed) {
    state.diags.error(
      XpressCompileCodes.INVOKE_NOT_ALLOWED,
      `<new class='${cls}'> is not on idflow's allow-list of built-in constructors (see ${ALLOW_LIST_DOC})`,
      el.location,
    );
    return undefined;
  }
  if (el.children.length < allowed.min || el.children.length > allowed.max) {
    return arityError(el, `new ${cls}`, allowed, el.children.length, state);
  }
  const args = compileAll(el.children, state);
  return args && make(el, { args });
}

function arityError(el: XmlElement, what: string, allowed: { min: number; max: number }, n: number, state: State): undefined {
  const want = allowed.min === allowed.max ? `${allowed.min}` : `${allowed.min} to ${allowed.max}`;
  state.diags.error(XpressCompileCodes.ARITY, `${what} takes ${want} argument(s), not ${n}`, el.location);
  return undefined;
}

function compileBreak(el: XmlElement, state: State): Expr | undefined {
  const target = el.attributes.get('name');
  const found = target === undefined ? state.breakScopes.length > 0 : state.breakScopes.includes(target);
  if (!found) {
    state.diags.error(
      XpressCompileCodes.BREAK_OUTSIDE,
      target === undefined
        ? '<break> must be inside a block, dolist, while, and or or'
        : `<break name='${target}'> is not inside a block, dolist or while named '${target}'`,
      el.location,
    );
    return undefined;
  }
  const args = compileAll(el.children, state);
  return args && make(el, { args });
}

/** Resolves a Java class name, full (`java.lang.String`) or simple (`String`), against {@link INSTANCEOF_CLASSES}. */
export function resolveInstanceofClass(name: string): string | undefined {
  if (Object.hasOwn(INSTANCEOF_CLASSES, name)) return name;
  if (name.includes('.')) return undefined;
  return Object.keys(INSTANCEOF_CLASSES).find((k) => k.endsWith(`.${name}`));
}

function compileInstanceof(el: XmlElement, state: State): Expr | undefined {
  const cls = el.attributes.get('name') ?? el.attributes.get('class');
  const resolved = cls === undefined ? undefined : resolveInstanceofClass(cls);
  if (!resolved) {
    state.diags.error(
      cls === undefined ? XpressCompileCodes.MISSING_ATTRIBUTE : XpressCompileCodes.UNKNOWN_CLASS,
      cls === undefined
        ? '<instanceof> needs a name attribute naming a class'
        : `<instanceof> does not know class ${cls}; known: ${Object.keys(INSTANCEOF_CLASSES).join(', ')}`,
      el.location,
    );
    return undefined;
  }
  const args = compileAll(el.children, state);
  return args && make(el, { args, attrs: { ...attrsOf(el), name: resolved } });
}
