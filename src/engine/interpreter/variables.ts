/**
 * Variable scopes (reference waveset §1.3, §2.1).
 *
 * Lookup goes innermost first: extra bindings (aspect/rule arguments) → action scope → activity scope
 * (the token's variables) → process scope (the frame's variables) → computed built-ins.
 * Assignment goes to the innermost scope that DECLARES the name, else to the process scope. A variable declared
 * `external='true'` is not created in its own scope, so lookups and assignments fall through to the scope where
 * the name was first declared; a plain re-declaration shadows (no write-through). `external` does not cross a
 * subprocess boundary: a subprocess gets its inputs as arguments and gives back outputs.
 */
import type { VariableDecl } from '../../definition/model/variable.js';
import type { RuleObject } from '../../definition/model/objects.js';
import { NotFoundError } from '../../errors.js';
import { evaluate, substituteValue, truthy } from '../../expression/index.js';
import type { XpressEnv, XValue } from '../../expression/env.js';
import type { EvaluationBudget } from '../../expression/evaluation-budget.js';
import { computedBuiltin } from './builtins.js';
import { copyJson, type FrameState, type TokenState } from './instance-state.js';
import type { Run } from './run.js';

const hasOwn = Object.hasOwn;

export class Scope implements XpressEnv {
  constructor(
    private readonly run: Run,
    readonly frame: FrameState,
    readonly token: TokenState | null,
    /** Action-level variables (declared, non-external), or null. */
    readonly local: Record<string, XValue> | null = null,
    /** Extra read-write bindings (`iteration`, `entity`, rule arguments), innermost. */
    readonly extra: Record<string, XValue> | null = null,
  ) {}

  lookup(name: string): XValue | undefined {
    if (this.extra && hasOwn(this.extra, name)) return this.extra[name];
    if (this.local && hasOwn(this.local, name)) return this.local[name];
    const tv = this.token?.vars;
    if (tv && hasOwn(tv, name)) return tv[name];
    if (hasOwn(this.frame.vars, name)) return this.frame.vars[name];
    return computedBuiltin(this.run, this.frame, this.token, name);
  }

  assign(name: string, value: XValue): void {
    if (this.extra && hasOwn(this.extra, name)) this.extra[name] = value;
    else if (this.local && hasOwn(this.local, name)) this.local[name] = value;
    else if (this.token?.vars && hasOwn(this.token.vars, name)) this.token.vars[name] = value;
    else this.frame.vars[name] = value;
  }

  callRule(name: string, args: Readonly<Record<string, XValue>>): XValue {
    const rule: RuleObject | undefined = this.run.ctx.resolveRule(name);
    if (!rule) throw new NotFoundError('ENGINE_RULE_NOT_FOUND', `rule '${name}' is not defined`, { rule: name });
    const bindings: Record<string, XValue> = {};
    for (const a of rule.arguments) bindings[a.name] = a.value !== undefined ? expandText(a.value, this) : null;
    for (const [k, v] of Object.entries(args)) bindings[k] = v;
    // localScope rules see only their arguments; others may also read and write the workflow's variables.
    const env: XpressEnv = rule.localScope ? new BindingsEnv(bindings, this) : new Scope(this.run, this.frame, this.token, this.local, bindings);
    return evaluate(rule.body, env);
  }

  print(line: string): void {
    this.run.ctx.print?.(line);
  }

  /** Every expression of the activity, and every rule it calls, spends the advance's one XPRESS budget. */
  get budget(): EvaluationBudget {
    return this.run.budget.xpress;
  }

  now(): number {
    return this.run.ctx.now;
  }
}

/** The environment of a `localScope='true'` rule: its arguments only (rules still callable). */
class BindingsEnv implements XpressEnv {
  constructor(
    private readonly bindings: Record<string, XValue>,
    private readonly outer: Scope,
  ) {}
  lookup(name: string): XValue | undefined {
    return hasOwn(this.bindings, name) ? this.bindings[name] : undefined;
  }
  assign(name: string, value: XValue): void {
    this.bindings[name] = value;
  }
  callRule(name: string, args: Readonly<Record<string, XValue>>): XValue {
    return this.outer.callRule(name, args);
  }
  print(line: string): void {
    this.outer.print(line);
  }
  get budget(): EvaluationBudget {
    return this.outer.budget;
  }
  now(): number {
    return this.outer.now();
  }
}

/** Declares `decls` into `target` (skipping external ones), evaluating initial values in `scope`. */
export function declareVariables(decls: readonly VariableDecl[], target: Record<string, XValue>, scope: XpressEnv, keep?: Readonly<Record<string, XValue>>): void {
  for (const d of decls) {
    if (d.external) continue;
    if (keep && hasOwn(keep, d.name)) {
      target[d.name] = keep[d.name]!;
      continue;
    }
    target[d.name] = null;
    if (d.initial) target[d.name] = evaluate(d.initial, scope);
    else if (d.value !== undefined) target[d.name] = expandText(d.value, scope);
  }
}

/**
 * `$(var)` substitution in attribute values (the XPRESS module's rule): a value that is exactly one reference
 * gives the variable's value unchanged (a list stays a list, so `<Owner name='$(approvers)'/>` can name several
 * owners); otherwise each reference is replaced by its text (null → empty).
 */
export function expandText(text: string, env: XpressEnv): XValue {
  return text.includes('$(') ? substituteValue(text, env) : text;
}

/** Waveset-like string form of a value. */
export function toText(v: XValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(toText).join(', ')}]`;
  return JSON.stringify(v);
}

/** Splits `a.b[c].d` into `['a','b','c','d']`. */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    if (m[2]) for (const b of m[2].matchAll(/\[([^\]]*)\]/g)) out.push(b[1]!);
  }
  return out;
}

/** Reads a variable or a GenericObject-style path (`user.accounts[Lighthouse].firstname`). */
export function resolvePath(env: XpressEnv, path: string): XValue | undefined {
  const direct = env.lookup(path);
  if (direct !== undefined || !/[.[]/.test(path)) return direct;
  const segs = pathSegments(path);
  let cur: XValue | undefined = env.lookup(segs[0]!);
  for (let i = 1; i < segs.length && cur !== undefined && cur !== null; i++) cur = child(cur, segs[i]!);
  return cur;
}

function child(v: XValue, seg: string): XValue | undefined {
  if (Array.isArray(v)) {
    if (/^\d+$/.test(seg)) return v[Number(seg)];
    // Waveset lists of objects are addressed by their `name`.
    return v.find((e) => e !== null && typeof e === 'object' && !Array.isArray(e) && e['name'] === seg);
  }
  if (typeof v === 'object' && v !== null) return hasOwn(v, seg) ? v[seg] : undefined;
  return undefined;
}

/** Writes a variable or a path below one; missing maps on the way are created. */
export function assignPath(env: XpressEnv, path: string, value: XValue): void {
  if (!/[.[]/.test(path) || env.lookup(path) !== undefined) {
    env.assign(path, value);
    return;
  }
  const segs = pathSegments(path);
  let root = env.lookup(segs[0]!);
  if (root === undefined || root === null || typeof root !== 'object') root = {};
  let cur: XValue = root;
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    if (Array.isArray(cur)) {
      const idx: number = /^\d+$/.test(seg) ? Number(seg) : cur.findIndex((e) => e !== null && typeof e === 'object' && !Array.isArray(e) && e['name'] === seg);
      if (idx < 0) return;
      if (last) cur[idx] = value;
      else {
        const next: XValue | undefined = cur[idx];
        if (next === undefined || next === null || typeof next !== 'object') cur[idx] = {};
        cur = cur[idx]!;
      }
    } else if (typeof cur === 'object' && cur !== null) {
      const obj: { [key: string]: XValue } = cur;
      if (last) obj[seg] = value;
      else {
        const next: XValue | undefined = obj[seg];
        if (next === undefined || next === null || typeof next !== 'object') obj[seg] = {};
        cur = obj[seg]!;
      }
    }
  }
  env.assign(segs[0]!, root);
}

/** Deep copy of a JSON value (work item copies must not alias process variables). */
export function copyValue(v: XValue): XValue {
  return copyJson(v);
}

/** XPRESS truth (reference waveset §4.2), from the expression module. */
export { truthy };
