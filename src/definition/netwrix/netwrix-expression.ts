/**
 * Expressions in the Netwrix dialect. Netwrix writes them as C# in attributes (`Expression="C#:record:return …;"`);
 * idflow compiles the subset of C# that real configurations use into the XPRESS expression tree
 * (src/definition/netwrix/csharp/, docs/csharp-expressions.md) and never runs C# itself. An expression may also be
 * written in XPRESS inside a child element named like the attribute (`<Expression>`, `<IfExpression>`, …).
 * docs/decisions/xpress-instead-of-csharp.md records the choice.
 */
import { compileExpressionBody } from '../../expression/index.js';
import type { LoadContext } from '../load-context.js';
import type { Expr } from '../model/expression.js';
import { attrLocation, childrenNamed, type XmlElement } from '../xml/xml-element.js';
import { compileCSharp, excerpt, isCSharp } from './csharp/csharp-expression.js';

export { isCSharp } from './csharp/csharp-expression.js';

const LITERAL = /^\s*Literal:/;

/**
 * Reports `NETWRIX_CSHARP_NOT_SUPPORTED` for every attribute of `el` written as C# that is not one of `expressions`
 * (those are compiled by {@link readExpression}): C# where Netwrix takes no expression is never right.
 */
export function refuseCSharp(el: XmlElement, ctx: LoadContext, expressions: readonly string[] = []): void {
  for (const [name, value] of el.attributes) {
    if (!isCSharp(value) || expressions.includes(name)) continue;
    const loc = attrLocation(el, name);
    ctx.diags.error(
      'NETWRIX_CSHARP_NOT_SUPPORTED',
      `line ${loc.line}: <${el.name}> ${name} is written in C# (${abbreviate(value)}), but ${name} takes no expression`,
      loc,
    );
  }
}

function abbreviate(value: string): string {
  const v = value.trim().replace(/\s+/g, ' ');
  return v.length > 40 ? `"${v.slice(0, 37)}…"` : `"${v}"`;
}

export interface ReadExpressionOptions {
  /** What a value that is neither C# nor `Literal:` means, for the message that refuses it (SQL for Sql… attributes). */
  readonly plainValueHint?: string;
}

/**
 * The expression for `name` on `el`: the attribute written in C# (`C#:param:…`) or as `Literal:text`, compiled to
 * XPRESS, or the single child element `<name>` holding one XPRESS expression. Exactly one diagnostic for each
 * thing wrong: a C# expression outside the subset is `NETWRIX_CSHARP_NOT_SUPPORTED` with its line, the character
 * where it stops being understood and why; any other attribute value is `DEF_BAD_VALUE`.
 */
export function readExpression(el: XmlElement, name: string, ctx: LoadContext, options: ReadExpressionOptions = {}): Expr | undefined {
  const value = el.attributes.get(name);
  const holders = childrenNamed(el, name);
  if (value !== undefined && holders.length > 0) {
    ctx.diags.error('DEF_BAD_VALUE', `<${el.name}> has ${name} both as an attribute and as a child element; keep one`, holders[0]!.location);
    return undefined;
  }
  if (value !== undefined) return readAttributeExpression(el, name, value, ctx, options);
  if (holders.length === 0) return undefined;
  if (holders.length > 1) {
    ctx.diags.error('DEF_BAD_VALUE', `<${el.name}> has more than one <${name}>; write one expression (use <and>/<or> to combine)`, holders[1]!.location);
  }
  const holder = holders[0]!;
  for (const [attribute] of holder.attributes) {
    ctx.diags.error('DEF_UNKNOWN_ATTRIBUTE', `<${name}> takes no attributes; ${attribute} is not allowed`, attrLocation(holder, attribute));
  }
  if (holder.children.length === 0) {
    const text = holder.text.trim();
    ctx.diags.error(
      'DEF_BAD_VALUE',
      `<${name}> must hold one XPRESS expression${text ? ` element, not the text "${text.length > 30 ? `${text.slice(0, 27)}…` : text}" (a literal is <s>…</s>, <i>…</i> or <Boolean>true</Boolean>; C# goes in the attribute ${name}="C#:…")` : ''}`,
      holder.location,
    );
    return undefined;
  }
  if (holder.children.length > 1) {
    ctx.diags.error('DEF_BAD_VALUE', `<${name}> must hold one XPRESS expression, not ${holder.children.length}; wrap them in <block> if you mean a sequence`, holder.children[1]!.location);
  }
  return compileExpressionBody(holder, { diags: ctx.diags });
}

function readAttributeExpression(el: XmlElement, name: string, value: string, ctx: LoadContext, options: ReadExpressionOptions): Expr | undefined {
  const loc = attrLocation(el, name);
  if (LITERAL.test(value)) return { op: 's', text: value.replace(LITERAL, ''), line: loc.line, column: loc.column };
  if (!isCSharp(value)) {
    ctx.diags.error(
      'DEF_BAD_VALUE',
      `<${el.name}> ${name}="${value.length > 40 ? `${value.slice(0, 37)}…` : value}" is not an expression idflow can read${options.plainValueHint ? ` (${options.plainValueHint})` : ''}; ` +
        `write C# (${name}="C#:record:return …;"), a literal (${name}="Literal:…") or XPRESS in a child element <${name}>…</${name}>`,
      loc,
    );
    return undefined;
  }
  const r = compileCSharp(value);
  if (!r.ok) {
    ctx.diags.error(
      'NETWRIX_CSHARP_NOT_SUPPORTED',
      `line ${loc.line}: <${el.name}> ${name}, at character ${r.offset + 1} ("${excerpt(value, r.offset)}"): ${r.message} (the C# subset: docs/csharp-expressions.md)`,
      loc,
    );
    return undefined;
  }
  return withLocation(r.expr, loc.line, loc.column);
}

/** Every node of a compiled C# expression points at its attribute, so run-time errors name the line. */
function withLocation(e: Expr, line: number, column: number): Expr {
  return { ...e, ...(e.args ? { args: e.args.map((a) => withLocation(a, line, column)) } : {}), line, column };
}
