/**
 * Compiles the C# subset's syntax tree into an XPRESS expression tree ({@link Expr}), the same bounded, sandboxed
 * tree that XPRESS elements compile to: nothing here runs C#, and every method reached is an XPRESS function or an
 * entry of the invoke allow-list. docs/csharp-expressions.md describes the subset and what each construct becomes.
 *
 * Types are not declared in the attributes, so the compiler infers what it can (a string literal, a comparison, a
 * `DateTime.Today`) and decides the rest at run time: `a + b` adds two integers and concatenates anything else.
 */
import type { Expr } from '../../model/expression.js';
import type { Node, Program, Statement, TypeName } from './csharp-ast.js';
import { typeText } from './csharp-ast.js';
import { CSharpSyntaxError } from './csharp-tokens.js';

type Type = 'string' | 'int' | 'bool' | 'date' | 'list' | 'any';
interface Typed {
  readonly e: Expr;
  readonly t: Type;
}

/** Names the runtime binds for aspect expressions (docs/decisions/aspect-expression-scope.md), which a local may not hide. */
const RESERVED = new Set(['record', 'entity', 'changes', 'subject', 'message', 'iteration', 'value']);
/** Free names an expression may read besides its parameter and locals: BuildUniqueValueAspect's `iteration` and the checked `value`. */
const FREE_NAMES = new Set(['iteration', 'value']);
/** Static classes the subset knows. */
const CLASSES = new Set(['string', 'String', 'System.String', 'DateTime', 'System.DateTime', 'Math', 'System.Math', 'Convert', 'System.Convert', 'int', 'Int32', 'long', 'Int64', 'bool', 'Boolean']);
/** Date members read as properties (`d.Year`); on an entity (a map) they read its property of that name. */
const DATE_PROPERTIES = new Set(['Year', 'Month', 'Day', 'Hour', 'Minute', 'Date']);
/** A bound on the compiled tree, which `if` without `else` could otherwise grow by repeating what follows. */
const MAX_NODES = 20_000;
/** Deepest nesting of operators and calls: far past any real expression, well inside the evaluator's depth limit. */
const MAX_DEPTH = 200;

export interface CompileOptions {
  /** The name the expression's parameter is bound to at run time. @default 'record' */
  readonly parameterBinding?: string;
}

export function compileProgram(program: Program, options: CompileOptions = {}): Expr {
  return new Compiler(program.parameter, options.parameterBinding ?? 'record').program(program.body);
}

const lit = (op: 's' | 'i' | 'Boolean', text: string): Expr => ({ op, text });
const call = (op: string, ...args: Expr[]): Expr => ({ op, ...(args.length ? { args } : {}) });

/**
 * Instance methods that map one to one: `op` becomes the idflow operation with the target as its first operand,
 * `invoke` a null-safe invoke of that method name; then the result type and the argument count allowed.
 */
const INSTANCE_METHODS = new Map<string, readonly ['op' | 'invoke', string, Type, number, number]>([
  ['ToUpper', ['op', 'upcase', 'string', 0, 0]],
  ['ToUpperInvariant', ['op', 'upcase', 'string', 0, 0]],
  ['ToLower', ['op', 'downcase', 'string', 0, 0]],
  ['ToLowerInvariant', ['op', 'downcase', 'string', 0, 0]],
  ['Trim', ['op', 'trim', 'string', 0, 0]],
  ['TrimStart', ['op', 'ltrim', 'string', 0, 0]],
  ['TrimEnd', ['op', 'rtrim', 'string', 0, 0]],
  ['StartsWith', ['invoke', 'startsWith', 'bool', 1, 1]],
  ['EndsWith', ['invoke', 'endsWith', 'bool', 1, 1]],
  ['Contains', ['invoke', 'contains', 'bool', 1, 1]],
  ['IndexOf', ['invoke', 'indexOf', 'int', 1, 1]],
  ['Replace', ['invoke', 'replace', 'string', 2, 2]],
  ['Substring', ['op', 'substr', 'string', 1, 2]],
  ['Split', ['op', 'split', 'list', 1, 1]],
  ['PadRight', ['op', 'pad', 'string', 1, 2]],
  ['Equals', ['op', 'eq', 'bool', 1, 1]],
  ['Count', ['op', 'length', 'int', 0, 0]],
  ...['AddDays', 'AddHours', 'AddMinutes', 'AddSeconds', 'AddMonths', 'AddYears'].map(
    (m) => [m, ['invoke', m, 'date', 1, 1]] as const,
  ),
]);
const ref = (name: string): Expr => ({ op: 'ref', text: name });
const TRUE = lit('Boolean', 'true');
const FALSE = lit('Boolean', 'false');
const NULL: Expr = { op: 'null' };

class Compiler {
  #temps = 0;
  #nodes = 0;
  #depth = 0;
  readonly #locals: string[] = [];
  readonly #localTypes = new Map<string, Type>();

  constructor(
    readonly parameter: string | undefined,
    readonly binding: string,
  ) {}

  program(body: readonly Statement[]): Expr {
    if (body.length === 0) throw new CSharpSyntaxError('the expression is empty; write return …;', 0);
    return this.#statements(body, 0);
  }

  #count(e: Expr, offset: number): Expr {
    if (++this.#nodes > MAX_NODES) throw new CSharpSyntaxError(`the expression compiles to more than ${MAX_NODES} nodes; simplify it`, offset);
    return e;
  }

  /** Statements from `i` on, as one expression: `if` becomes `cond`, a local a `block` with `defvar`. */
  #statements(body: readonly Statement[], i: number): Expr {
    const s = body[i];
    if (!s) {
      const last = body[body.length - 1];
      throw new CSharpSyntaxError('not every path returns a value; end with return …;', last ? last.offset : 0);
    }
    switch (s.k) {
      case 'return':
        if (!s.value) throw new CSharpSyntaxError('return needs a value', s.offset);
        return this.#result(this.#expr(s.value));
      case 'if': {
        // Each branch runs on into the statements after the if; its own locals end with the branch.
        const rest = body.slice(i + 1);
        const end: Statement = { k: 'end-scope', locals: this.#locals.length, offset: s.offset };
        const then = this.#scoped(() => this.#statements([...s.then, end, ...rest], 0));
        const otherwise = this.#scoped(() => this.#statements([...(s.otherwise ?? []), end, ...rest], 0));
        return this.#count(call('cond', this.#truth(this.#expr(s.test)), then, otherwise), s.offset);
      }
      case 'end-scope':
        this.#locals.length = s.locals;
        return this.#statements(body, i + 1);
      case 'declare': {
        if (s.name === this.parameter) throw new CSharpSyntaxError(`a local named "${s.name}" would hide the parameter`, s.offset);
        if (RESERVED.has(s.name)) throw new CSharpSyntaxError(`"${s.name}" is a name idflow binds for aspect expressions; give the local another name`, s.offset);
        if (this.#locals.includes(s.name)) throw new CSharpSyntaxError(`the local "${s.name}" is declared twice`, s.offset);
        const init = this.#expr(s.init);
        this.#locals.push(s.name);
        this.#localTypes.set(s.name, init.t);
        const rest = this.#statements(body, i + 1);
        return this.#count({ op: 'block', args: [{ op: 'defvar', attrs: { name: s.name }, args: [init.e] }, rest] }, s.offset);
      }
    }
  }

  #scoped<T>(fn: () => T): T {
    const n = this.#locals.length;
    try {
      return fn();
    } finally {
      this.#locals.length = n;
    }
  }

  /** A returned value: C# booleans come back as true/false rather than XPRESS's 1/0. */
  #result(v: Typed): Expr {
    if (v.t === 'bool' && v.e.op !== 'Boolean') return call('cond', v.e, TRUE, FALSE);
    return v.e;
  }

  /** A condition: a C# bool is already XPRESS truth; anything else is refused by C#, so it is taken as written. */
  #truth(v: Typed): Expr {
    return v.e;
  }

  /**
   * Evaluates `values` once each into temporaries when they are not simple, then builds the expression from the
   * references, so that `a ?? b` or a null check around a method call never computes `a` twice.
   */
  #withTemps(values: readonly Expr[], build: (refs: Expr[]) => Expr): Expr {
    const decls: Expr[] = [];
    const refs = values.map((v) => {
      if (v.op === 'ref' || v.op === 's' || v.op === 'i' || v.op === 'Boolean' || v.op === 'null') return v;
      const name = `__cs${++this.#temps}`;
      decls.push({ op: 'defvar', attrs: { name }, args: [v] });
      return ref(name);
    });
    const body = build(refs);
    return decls.length ? { op: 'block', args: [...decls, body] } : body;
  }

  #expr(n: Node): Typed {
    if (++this.#depth > MAX_DEPTH) throw new CSharpSyntaxError(`the expression nests deeper than ${MAX_DEPTH} levels; simplify it`, n.offset);
    try {
      const r = this.#node(n);
      this.#count(r.e, n.offset);
      return r;
    } finally {
      this.#depth--;
    }
  }

  #node(n: Node): Typed {
    switch (n.k) {
      case 'literal':
        if (n.value === null) return { e: NULL, t: 'any' };
        if (typeof n.value === 'string') return { e: lit('s', n.value), t: 'string' };
        if (typeof n.value === 'number') return { e: lit('i', String(n.value)), t: 'int' };
        return { e: n.value ? TRUE : FALSE, t: 'bool' };
      case 'name':
        return this.#name(n.name, n.offset);
      case 'member':
        return this.#member(n);
      case 'index': {
        const target = this.#expr(n.target).e;
        return { e: call('get', target, this.#expr(n.index).e), t: 'any' };
      }
      case 'call':
        return this.#call(n);
      case 'unary': {
        const v = this.#expr(n.operand);
        if (n.op === '!') return { e: call('not', v.e), t: 'bool' };
        if (n.op === '-') return { e: call('sub', lit('i', '0'), v.e), t: 'int' };
        return { e: call('add', v.e), t: 'int' };
      }
      case 'binary':
        return this.#binary(n);
      case 'conditional': {
        const then = this.#expr(n.then);
        const otherwise = this.#expr(n.otherwise);
        const t = then.t === otherwise.t ? then.t : 'any';
        return { e: call('cond', this.#truth(this.#expr(n.test)), then.e, otherwise.e), t };
      }
      case 'cast':
        return this.#cast(n.type, this.#expr(n.operand), n.offset);
      case 'interpolated': {
        const parts = n.parts.map((p) => {
          if (typeof p === 'string') return lit('s', p);
          if (p.format !== undefined) {
            throw new CSharpSyntaxError(`the format ":${p.format}" in an interpolated string is not in the subset; build the text with the string methods`, n.offset);
          }
          return this.#expr(p.expr).e;
        });
        return { e: call('concat', ...parts), t: 'string' };
      }
      case 'new':
        return this.#new(n.type, n.args, n.offset);
    }
  }

  #name(name: string, offset: number): Typed {
    if (this.#locals.includes(name)) return { e: ref(name), t: this.#localTypes.get(name) ?? 'any' };
    if (name === this.parameter) return { e: ref(this.binding), t: 'any' };
    if (FREE_NAMES.has(name)) return { e: ref(name), t: name === 'iteration' ? 'int' : 'any' };
    if (CLASSES.has(name)) throw new CSharpSyntaxError(`${name} is a class; use one of its members listed in docs/csharp-expressions.md`, offset);
    const known = [this.parameter && `the parameter ${this.parameter}`, ...this.#locals.map((l) => `the local ${l}`), 'iteration'].filter(Boolean).join(', ');
    throw new CSharpSyntaxError(
      `unknown name "${name}": an expression reads ${known}` +
        (name === 'queryHandler' || name === 'logger' ? `; ${name} (a Netwrix service) is not available in idflow` : ''),
      offset,
    );
  }

  /** `a.b` on a class (`DateTime.Now`, `string.Empty`) or on a value. */
  #member(n: Extract<Node, { k: 'member' }>): Typed {
    const cls = className(n.target);
    if (cls !== undefined) {
      const key = `${normaliseClass(cls)}.${n.name}`;
      switch (key) {
        case 'DateTime.Now':
        case 'DateTime.UtcNow':
        case 'DateTime.Today':
          return { e: { op: 'invoke', attrs: { class: 'System.DateTime', name: n.name } }, t: 'date' };
        case 'string.Empty':
          return { e: lit('s', ''), t: 'string' };
        case 'int.MaxValue':
          return { e: lit('i', String(Number.MAX_SAFE_INTEGER)), t: 'int' };
        default:
          throw new CSharpSyntaxError(`${cls}.${n.name} is not in the subset`, n.offset);
      }
    }
    const target = this.#expr(n.target);
    switch (n.name) {
      case 'Length':
      case 'Count':
        return { e: call('length', target.e), t: 'int' };
      case 'HasValue':
        return { e: call('notnull', target.e), t: 'bool' };
      case 'Value':
        return target;
      default:
        break;
    }
    if (DATE_PROPERTIES.has(n.name)) {
      const name = n.name;
      const t: Type = name === 'Date' ? 'date' : 'int';
      if (target.t === 'date') return { e: this.#nullSafeInvoke(name, target.e, []), t };
      // Not known to be a date: an entity's property of that name, else the date member.
      return {
        e: this.#withTemps([target.e], ([v]) =>
          call('cond', { op: 'instanceof', attrs: { name: 'java.util.Map' }, args: [v!] }, call('get', v!, lit('s', name)), this.#nullSafeInvoke(name, v!, []))),
        t: 'any',
      };
    }
    return { e: call('get', target.e, lit('s', n.name)), t: 'any' };
  }

  /** An instance method on a value that may be null: null in, null out (idflow reads `.` as `?.`). */
  #nullSafeInvoke(method: string, target: Expr, args: Expr[]): Expr {
    return this.#withTemps([target], ([t]) => call('cond', call('notnull', t!), { op: 'invoke', attrs: { name: method }, args: [t!, ...args] }, NULL));
  }

  #call(n: Extract<Node, { k: 'call' }>): Typed {
    if (n.callee.k !== 'member') {
      const what = n.callee.k === 'name' ? `${n.callee.name}(…)` : 'calling the result of an expression';
      throw new CSharpSyntaxError(`${what} is not in the subset: only the methods listed in docs/csharp-expressions.md can be called`, n.offset);
    }
    const method = n.callee.name;
    const cls = className(n.callee.target);
    const args = () => n.args.map((a) => this.#expr(a));
    const arity = (min: number, max = min): void => {
      if (n.args.length < min || n.args.length > max) {
        const want = min === max ? `${min}` : `${min} to ${max}`;
        throw new CSharpSyntaxError(`${cls ?? ''}${cls ? '.' : '.'}${method} takes ${want} argument${want === '1' ? '' : 's'} here, not ${n.args.length}`, n.callee.offset);
      }
    };
    if (cls !== undefined) return this.#staticCall(normaliseClass(cls), cls, method, n, args, arity);
    const target = this.#expr(n.callee.target);
    const t = target.e;
    const invoke = (name: string, type: Type, ...a: Expr[]): Typed => ({ e: this.#nullSafeInvoke(name, t, a), t: type });
    const plain = INSTANCE_METHODS.get(method);
    if (plain) {
      const [how, name, type, min, max] = plain;
      arity(min, max);
      const a = args().map((x) => x.e);
      return how === 'op' ? { e: call(name, t, ...a), t: type } : invoke(name, type, ...a);
    }
    switch (method) {
      case 'ToString':
        if (n.args.length > 0) throw new CSharpSyntaxError('ToString with a format is not in the subset; ToString() takes no argument here', n.callee.offset);
        return invoke('toString', 'string');
      case 'GetValueOrDefault': {
        arity(0, 1);
        const fallback = n.args.length ? this.#expr(n.args[0]!).e : target.t === 'int' ? lit('i', '0') : target.t === 'string' ? NULL : FALSE;
        return { e: this.#withTemps([t], ([v]) => call('cond', call('notnull', v!), v!, fallback)), t: n.args.length ? 'any' : target.t === 'any' ? 'bool' : target.t };
      }
      case 'CompareTo':
        arity(1);
        return { e: this.#withTemps([t], ([v]) => call('cond', call('notnull', v!), { op: 'invoke', attrs: { class: 'System.DateTime', name: 'Compare' }, args: [v!, ...args().map((a) => a.e)] }, NULL)), t: 'int' };
      case 'Any':
        arity(0);
        return { e: call('notEmpty', t), t: 'bool' };
      case 'First':
      case 'FirstOrDefault':
        arity(0);
        return { e: call('get', t, lit('i', '0')), t: 'any' };
      default:
        throw new CSharpSyntaxError(`the method ${method}() is not in the subset; the methods idflow knows are listed in docs/csharp-expressions.md`, n.callee.offset);
    }
  }

  #staticCall(
    cls: string,
    written: string,
    method: string,
    n: Extract<Node, { k: 'call' }>,
    args: () => Typed[],
    arity: (min: number, max?: number) => void,
  ): Typed {
    const a = () => args().map((x) => x.e);
    const invokeStatic = (c: string, m: string, type: Type): Typed => ({ e: { op: 'invoke', attrs: { class: c, name: m }, args: a() }, t: type });
    switch (`${cls}.${method}`) {
      case 'string.IsNullOrEmpty':
        arity(1);
        return { e: call('isEmpty', ...a()), t: 'bool' };
      case 'string.IsNullOrWhiteSpace':
        arity(1);
        return { e: call('isEmpty', call('trim', ...a())), t: 'bool' };
      case 'string.Concat':
        return { e: call('concat', ...a()), t: 'string' };
      case 'string.Join':
        arity(2);
        return { e: { op: 'invoke', attrs: { class: 'com.waveset.util.Util', name: 'listToString' }, args: a().reverse() }, t: 'string' };
      case 'string.Format': {
        if (n.args.length < 1) arity(1, 99);
        const format = n.args[0]!;
        if (format.k === 'literal' && typeof format.value === 'string' && /\{\d+[:,][^}]*\}/.test(format.value)) {
          throw new CSharpSyntaxError('format specifiers ({0:D5}, {0,10}) in string.Format are not in the subset; only {0}, {1}, … are', format.offset);
        }
        return { e: call('message', ...a()), t: 'string' };
      }
      case 'string.Equals':
        arity(2);
        return { e: call('eq', ...a()), t: 'bool' };
      case 'DateTime.Parse':
        arity(1);
        return invokeStatic('System.DateTime', 'Parse', 'date');
      case 'DateTime.Compare':
        arity(2);
        return invokeStatic('System.DateTime', 'Compare', 'int');
      case 'DateTime.DaysInMonth':
        arity(2);
        return invokeStatic('System.DateTime', 'DaysInMonth', 'int');
      case 'Math.Max':
      case 'Math.Min':
        arity(2);
        return invokeStatic('java.lang.Math', method.toLowerCase(), 'int');
      case 'Math.Abs':
        arity(1);
        return invokeStatic('java.lang.Math', 'abs', 'int');
      case 'Convert.ToString':
        arity(1);
        return { e: call('concat', ...a()), t: 'string' };
      case 'Convert.ToInt32':
      case 'Convert.ToInt64':
      case 'int.Parse':
      case 'long.Parse':
        arity(1);
        return invokeStatic('java.lang.Integer', 'parseInt', 'int');
      case 'Convert.ToBoolean':
      case 'bool.Parse':
        arity(1);
        return invokeStatic('java.lang.Boolean', 'valueOf', 'bool');
      default:
        throw new CSharpSyntaxError(`${written}.${method}() is not in the subset; the methods idflow knows are listed in docs/csharp-expressions.md`, n.callee.offset);
    }
  }

  #binary(n: Extract<Node, { k: 'binary' }>): Typed {
    const { op } = n;
    if ((op === '==' || op === '!=') && (isNull(n.left) || isNull(n.right))) {
      const other = this.#expr(isNull(n.left) ? n.right : n.left).e;
      return { e: call(op === '==' ? 'isnull' : 'notnull', other), t: 'bool' };
    }
    const l = this.#expr(n.left);
    const r = this.#expr(n.right);
    switch (op) {
      case '&&':
        return { e: call('and', l.e, r.e), t: 'bool' };
      case '||':
        return { e: call('or', l.e, r.e), t: 'bool' };
      case '??':
        return { e: this.#withTemps([l.e], ([v]) => call('cond', call('notnull', v!), v!, r.e)), t: l.t === r.t ? l.t : 'any' };
      case '==':
        return { e: call('eq', l.e, r.e), t: 'bool' };
      case '!=':
        return { e: call('neq', l.e, r.e), t: 'bool' };
      case '<':
      case '<=':
      case '>':
      case '>=':
        return { e: this.#compare(op, l, r), t: 'bool' };
      case '+':
        if (l.t === 'string' || r.t === 'string') return { e: call('concat', ...flattenConcat(l.e), ...flattenConcat(r.e)), t: 'string' };
        if (l.t === 'int' && r.t === 'int') return { e: call('add', l.e, r.e), t: 'int' };
        if (l.t === 'date' || r.t === 'date') throw new CSharpSyntaxError('adding to a DateTime is written d.AddDays(n) in the subset', n.offset);
        // Not known statically: two integers add, anything else concatenates as C# would for strings.
        return {
          e: this.#withTemps([l.e, r.e], ([a, b]) =>
            call('cond', call('and', isInt(a!), isInt(b!)), call('add', a!, b!), call('concat', a!, b!))),
          t: 'any',
        };
      case '-':
      case '*':
      case '/':
      case '%':
        if (l.t === 'date' || r.t === 'date') throw new CSharpSyntaxError('date arithmetic other than AddDays/AddMonths/… is not in the subset; compare dates instead', n.offset);
        return { e: call({ '-': 'sub', '*': 'mult', '/': 'div', '%': 'mod' }[op], l.e, r.e), t: 'int' };
      default:
        throw new CSharpSyntaxError(`the operator ${op} is not in the subset`, n.offset);
    }
  }

  /** C#'s lifted comparison: false when either side is null; dates compare as instants. */
  #compare(op: '<' | '<=' | '>' | '>=', l: Typed, r: Typed): Expr {
    const fn = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' }[op];
    return this.#withTemps([l.e, r.e], ([a, b]) => {
      const test =
        l.t === 'date' || r.t === 'date'
          ? call(fn, { op: 'invoke', attrs: { class: 'System.DateTime', name: 'Compare' }, args: [a!, b!] }, lit('i', '0'))
          : call(fn, a!, b!);
      const guards = [a!, b!].filter((x) => x.op !== 's' && x.op !== 'i').map((x) => call('notnull', x));
      return guards.length ? call('and', ...guards, test) : test;
    });
  }

  #cast(type: TypeName, v: Typed, offset: number): Typed {
    const base = type.name === 'Nullable' && type.args.length === 1 ? type.args[0]!.name : type.name;
    switch (base.replace(/^System\./, '')) {
      case 'DateTime':
        return { e: v.e, t: 'date' };
      case 'int':
      case 'Int32':
      case 'long':
      case 'Int64':
        return { e: v.e, t: 'int' };
      case 'string':
      case 'String':
        return { e: v.e, t: 'string' };
      case 'bool':
      case 'Boolean':
        return { e: v.e, t: 'bool' };
      case 'object':
      case 'Object':
        return { e: v.e, t: 'any' };
      default:
        throw new CSharpSyntaxError(`the cast to ${typeText(type)} is not in the subset (idflow computes with integers, text, booleans and dates)`, offset);
    }
  }

  #new(type: TypeName, args: readonly Node[], offset: number): Typed {
    if (type.name === 'DateTime' || type.name === 'System.DateTime') {
      if (args.length < 3 || args.length > 6) throw new CSharpSyntaxError(`new DateTime takes 3 to 6 arguments (year, month, day[, hour, minute, second]), not ${args.length}`, offset);
      return { e: { op: 'new', attrs: { class: 'System.DateTime' }, args: args.map((a) => this.#expr(a).e) }, t: 'date' };
    }
    throw new CSharpSyntaxError(`new ${typeText(type)}(…) is not in the subset${type.name === 'Random' ? ': a workflow expression gives the same result every time it runs' : ''}`, offset);
  }
}

function isNull(n: Node): boolean {
  return n.k === 'literal' && n.value === null;
}

function isInt(e: Expr): Expr {
  return { op: 'instanceof', attrs: { name: 'java.lang.Integer' }, args: [e] };
}

/** `concat(concat(a, b), c)` is `concat(a, b, c)`. */
function flattenConcat(e: Expr): Expr[] {
  return e.op === 'concat' && e.args ? [...e.args] : [e];
}

/** The class a member access starts from (`DateTime`, `string`, `System.DateTime`), or undefined for a value. */
function className(n: Node): string | undefined {
  if (n.k === 'name' && CLASSES.has(n.name)) return n.name;
  if (n.k === 'member' && n.target.k === 'name' && n.target.name === 'System' && CLASSES.has(`System.${n.name}`)) return `System.${n.name}`;
  return undefined;
}

function normaliseClass(cls: string): string {
  const c = cls.replace(/^System\./, '');
  return ({ String: 'string', Int32: 'int', Int64: 'long', Boolean: 'bool' } as Record<string, string>)[c] ?? c;
}
