import { DiagnosticBag } from '../../src/definition/diagnostic.js';
import type { Expr } from '../../src/definition/model/expression.js';
import { readXml } from '../../src/definition/xml/xml-reader.js';
import { compileExpression, evaluate, type EvaluateLimits, type XpressEnv, type XValue } from '../../src/expression/index.js';

/** A Map-backed environment, as the engine provides over a TaskInstance's variables. */
export class MapEnv implements XpressEnv {
  readonly vars = new Map<string, XValue>();
  readonly printed: string[] = [];
  readonly ruleCalls: { name: string; args: Record<string, XValue> }[] = [];
  rules: Record<string, (args: Readonly<Record<string, XValue>>) => XValue> = {};

  constructor(vars: Record<string, XValue> = {}) {
    for (const [k, v] of Object.entries(vars)) this.vars.set(k, v);
  }

  lookup(name: string): XValue | undefined {
    return this.vars.get(name);
  }

  assign(name: string, value: XValue): void {
    this.vars.set(name, value);
  }

  callRule(name: string, args: Readonly<Record<string, XValue>>): XValue {
    this.ruleCalls.push({ name, args: { ...args } });
    const r = this.rules[name];
    if (!r) throw new Error(`no rule ${name}`);
    return r(args);
  }

  print(line: string): void {
    this.printed.push(line);
  }

  now(): number {
    return Date.UTC(2024, 0, 31, 8, 5, 9);
  }
}

/** Compiles one XPRESS element from XML text; returns the diagnostics too. */
export function compileXml(xml: string): { expr: Expr | undefined; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  const el = readXml(xml, 'expr.xml', diags);
  if (!el) throw new Error(`bad test XML: ${diags.items.map((d) => d.message).join('; ')}`);
  return { expr: compileExpression(el, { diags }), diags };
}

/** Compiles, failing loudly on any compile error. */
export function compileOk(xml: string): Expr {
  const { expr, diags } = compileXml(xml);
  if (diags.hasErrors() || !expr) throw new Error(`compile failed: ${diags.errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return expr;
}

/** Compiles and evaluates. */
export function run(xml: string, env: MapEnv | Record<string, XValue> = {}, limits?: EvaluateLimits): XValue {
  const e = env instanceof MapEnv ? env : new MapEnv(env);
  return evaluate(compileOk(xml), e, limits);
}

/** The code of the first compile error for `xml`. */
export function compileError(xml: string): string | undefined {
  return compileXml(xml).diags.errors[0]?.code;
}
