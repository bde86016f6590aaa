import type { Expr } from '../definition/model/expression.js';
import type { TextLimit } from './bounded-text.js';
import type { XpressEnv, XValue } from './env.js';
import { EvaluationBudget, type EvaluateLimits } from './evaluation-budget.js';
import { ExpressionError } from './expression-error.js';
import type { InvokeRuntime } from './invoke-allow-list.js';
import { parsePath, resolveReference, setIn } from './path.js';
import { valueSize } from './value-size.js';

export { DEFAULT_LIMITS, type EvaluateLimits } from './evaluation-budget.js';

/** Thrown by `<break>` and caught by the block, dolist, while, and or or it leaves. Not an error. */
export class BreakSignal {
  constructor(
    readonly name: string | undefined,
    readonly value: XValue,
  ) {}
}

interface Frame {
  readonly vars: Map<string, XValue>;
  readonly funs: Map<string, Expr>;
}

export type Handler = (e: Expr, x: Evaluation) => XValue;

/** The state of one `evaluate` call: local scopes, and the budget it spends (its own, or its environment's). */
export class Evaluation implements InvokeRuntime {
  readonly limits: Readonly<Required<EvaluateLimits>>;
  readonly budget: EvaluationBudget;
  /** Local scopes, innermost last. Empty until a scope or `defvar` needs one: most evaluations never do. */
  readonly #frames: Frame[] = [];
  #lookup: ((name: string) => XValue | undefined) | undefined;
  #textLimit: TextLimit | undefined;
  tracing = false;

  constructor(
    readonly env: XpressEnv,
    readonly handlers: Readonly<Record<string, Handler>>,
    limits?: EvaluateLimits,
  ) {
    this.budget = env.budget ?? new EvaluationBudget(limits);
    this.limits = this.budget.limits;
  }

  /** Nesting of defun `<call>`s, shared with rule calls through the budget. */
  get callDepth(): number {
    return this.budget.callDepth;
  }

  set callDepth(n: number) {
    this.budget.callDepth = n;
  }

  /** Evaluates one node, counting it against the budget and tagging errors with its location. */
  eval(e: Expr): XValue {
    const b = this.budget;
    if (++b.steps > this.limits.maxSteps) {
      throw this.error('XPRESS_STEP_LIMIT', `evaluation exceeded ${this.limits.maxSteps} steps`, e);
    }
    if (++b.depth > this.limits.maxDepth) {
      b.depth--;
      throw this.error('XPRESS_RECURSION_LIMIT', `expressions nest deeper than ${this.limits.maxDepth}`, e);
    }
    try {
      const h = Object.hasOwn(this.handlers, e.op) ? this.handlers[e.op] : undefined;
      if (!h) throw this.error('XPRESS_UNKNOWN_FUNCTION', `unknown XPRESS function <${e.op}>`, e);
      const v = h(e, this);
      if (this.tracing) this.trace(e, v);
      return v;
    } catch (err) {
      throw this.#locate(err, e);
    } finally {
      b.depth--;
    }
  }

  /** Evaluates every argument in order. */
  evalArgs(e: Expr): XValue[] {
    const args = e.args;
    if (!args) return [];
    const out = new Array<XValue>(args.length);
    for (let i = 0; i < args.length; i++) out[i] = this.eval(args[i]!);
    return out;
  }

  /** Evaluates expressions in order and gives the last value (null when there are none). */
  evalSeq(es: readonly Expr[]): XValue {
    let v: XValue = null;
    for (const a of es) v = this.eval(a);
    return v;
  }

  error(code: string, message: string, e?: Expr, extra: Record<string, unknown> = {}): ExpressionError {
    return new ExpressionError(code, message, { ...extra, ...(e ? { op: e.op, line: e.line, column: e.column } : {}) });
  }

  #locate(err: unknown, e: Expr): unknown {
    if (err instanceof ExpressionError) {
      if (err.details['line'] !== undefined || e.line === undefined) return err;
      return new ExpressionError(err.code, `<${e.op}> at line ${e.line}: ${err.message}`, {
        ...err.details,
        op: e.op,
        line: e.line,
        column: e.column,
      });
    }
    if (err instanceof RangeError && err.message.includes('call stack')) {
      return this.error('XPRESS_RECURSION_LIMIT', 'expressions nest too deeply for the interpreter stack', e);
    }
    return err;
  }

  // ---- scopes -------------------------------------------------------------------------------------------

  /** Runs `fn` in a new local scope (block, dolist, function call). */
  scoped<T>(fn: () => T): T {
    this.#frames.push({ vars: new Map(), funs: new Map() });
    try {
      return fn();
    } finally {
      this.#frames.pop();
    }
  }

  /** The innermost scope, created on first use at the top level. */
  #innermost(): Frame {
    if (this.#frames.length === 0) this.#frames.push({ vars: new Map(), funs: new Map() });
    return this.#frames[this.#frames.length - 1]!;
  }

  /** `defvar`: a new variable in the innermost scope. */
  declare(name: string, value: XValue): void {
    this.#innermost().vars.set(name, value);
  }

  defineFunction(name: string, fn: Expr): void {
    this.#innermost().funs.set(name, fn);
  }

  findFunction(name: string): Expr | undefined {
    for (let i = this.#frames.length - 1; i >= 0; i--) {
      const f = this.#frames[i]!.funs.get(name);
      if (f) return f;
    }
    return undefined;
  }

  /** A plain name: local scopes first, innermost out, then the host environment. */
  lookupName(name: string): XValue | undefined {
    for (let i = this.#frames.length - 1; i >= 0; i--) {
      const vars = this.#frames[i]!.vars;
      if (vars.has(name)) return vars.get(name);
    }
    return this.env.lookup(name);
  }

  /** {@link lookupName} as a callback for path resolution and `$(var)` substitution; made once, on demand. */
  get lookup(): (name: string) => XValue | undefined {
    return (this.#lookup ??= (name) => this.lookupName(name));
  }

  /** A reference with an optional path (`user.accounts[AD].email`); undefined when unknown. */
  resolve(name: string): XValue | undefined {
    const direct = this.lookupName(name);
    if (direct !== undefined || (!name.includes('.') && !name.includes('['))) return direct;
    return resolveReference(name, this.lookup);
  }

  /**
   * Assigns a variable (`set`, `setvar`, in-place list forms). A local variable of that exact name wins; else a
   * path assigns into the value of its root variable; else the host environment's scope rules apply.
   */
  assign(name: string, value: XValue): void {
    if (this.#setLocal(name, value)) return;
    if (this.env.lookup(name) === undefined && (name.includes('.') || name.includes('['))) {
      const segs = parsePath(name);
      if (!segs) throw this.error('XPRESS_BAD_PATH', `"${name}" is not a valid variable path`);
      for (let k = segs.length - 2; k >= 0; k--) {
        const rootName = name.slice(0, segs[k]!.end);
        const root = this.lookupName(rootName);
        if (root !== undefined || k === 0) {
          const updated = this.checkValue(setIn(root, segs.slice(k + 1), value, this.limits.maxListLength));
          if (!this.#setLocal(rootName, updated)) this.env.assign(rootName, updated);
          return;
        }
      }
    }
    this.env.assign(name, value);
  }

  #setLocal(name: string, value: XValue): boolean {
    for (let i = this.#frames.length - 1; i >= 0; i--) {
      const vars = this.#frames[i]!.vars;
      if (vars.has(name)) {
        vars.set(name, value);
        return true;
      }
    }
    return false;
  }

  // ---- limits -------------------------------------------------------------------------------------------

  now(): number {
    return this.env.now ? this.env.now() : Date.now();
  }

  /** Refuses a string past the length or size limit and counts it against the allocation budget. */
  checkString(s: string): string {
    this.checkStringSize(s.length);
    this.#allocate(s.length);
    return s;
  }

  /** Refuses a list past the element or size limit (as stored: shared elements count each time) and counts its slots. */
  checkList(l: XValue[]): XValue[] {
    this.checkListSize(l.length);
    this.#allocate(l.length);
    this.checkValue(l);
    return l;
  }

  /** Refuses a list or map whose stored size passes the limit. */
  checkValue<T extends XValue>(v: T): T {
    const n = valueSize(v);
    if (n > this.limits.maxValueSize) {
      throw this.error('XPRESS_VALUE_TOO_LARGE', `a value of ${n} bytes as stored exceeds the limit of ${this.limits.maxValueSize}`);
    }
    return v;
  }

  /**
   * The stored size of a list being filled, `size` so far, once `item` is added to it; refused as soon as it passes
   * the limit, so a loop collecting one big value many times stops at the limit, not after it. Start at 2 (`[]`).
   */
  growListSize(size: number, item: XValue, e: Expr): number {
    const n = size + valueSize(item) + 2;
    if (n > this.limits.maxValueSize) {
      throw this.error('XPRESS_VALUE_TOO_LARGE', `a value of more than ${n} bytes as stored exceeds the limit of ${this.limits.maxValueSize}`, e);
    }
    return n;
  }

  /** Call before building a list of `n` elements. */
  checkListSize(n: number): void {
    if (n > this.limits.maxListLength) {
      throw this.error('XPRESS_VALUE_TOO_LARGE', `a list of ${n} elements exceeds the limit of ${this.limits.maxListLength}`);
    }
  }

  /** Call before building a string of `n` characters. */
  checkStringSize(n: number): void {
    if (n > this.limits.maxStringLength) {
      throw this.error('XPRESS_VALUE_TOO_LARGE', `a string of ${n} characters exceeds the limit of ${this.limits.maxStringLength}`);
    }
    if (n + 2 > this.limits.maxValueSize) {
      throw this.error('XPRESS_VALUE_TOO_LARGE', `a string of ${n} characters exceeds the value size limit of ${this.limits.maxValueSize}`);
    }
  }

  /** The limit on text built by this evaluation, for functions that assemble text from pieces. */
  get textLimit(): TextLimit {
    return (this.#textLimit ??= {
      max: Math.min(this.limits.maxStringLength, this.limits.maxValueSize - 2),
      tooLong: (n) => this.error('XPRESS_VALUE_TOO_LARGE', `a string of ${n} characters exceeds the limit of ${Math.min(this.limits.maxStringLength, this.limits.maxValueSize - 2)}`),
    });
  }

  #allocate(n: number): void {
    this.budget.allocated += n;
    if (this.budget.allocated > this.limits.maxAllocation) {
      throw this.error(
        'XPRESS_VALUE_TOO_LARGE',
        `the expression built more than ${this.limits.maxAllocation} characters and list elements in one evaluation`,
      );
    }
  }

  print(line: string): void {
    this.env.print?.(line);
  }

  trace(e: Expr, v: XValue): void {
    const shown = JSON.stringify(v) ?? 'null';
    this.print(`trace <${e.op}>${e.line !== undefined ? ` line ${e.line}` : ''} -> ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}`);
  }
}
