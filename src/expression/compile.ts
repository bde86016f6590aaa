import type { DiagnosticBag } from '../definition/diagnostic.js';
import type { Expr } from '../definition/model/expression.js';
import type { XmlElement } from '../definition/xml/xml-element.js';

export interface CompileContext {
  readonly diags: DiagnosticBag;
}

/** PLACEHOLDER — implemented by the XPRESS work. */
export function compileExpression(el: XmlElement, ctx: CompileContext): Expr | undefined {
  void ctx;
  return { op: el.name, text: el.text, line: el.location.line, column: el.location.column };
}

/** PLACEHOLDER — implemented by the XPRESS work. */
export function compileExpressionBody(container: XmlElement, ctx: CompileContext): Expr | undefined {
  const kids = container.children;
  if (kids.length === 0) return undefined;
  if (kids.length === 1) return compileExpression(kids[0]!, ctx);
  return { op: 'block', args: kids.map((k) => compileExpression(k, ctx)).filter((e): e is Expr => e !== undefined) };
}

/** PLACEHOLDER — true when `name` is an XPRESS function or XML object element. */
export function isXpressElementName(name: string): boolean {
  return name.length > 0;
}
