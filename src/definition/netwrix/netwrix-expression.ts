/**
 * Expressions in the Netwrix dialect. Netwrix writes them as C# in attributes (`Expression="C#:record:return …;"`);
 * idflow never runs C#. Instead an expression is written in XPRESS inside a child element named like the attribute
 * (`<Expression>`, `<IfExpression>`, `<SubjectExpression_L1>`, …), holding one XPRESS expression.
 * docs/decisions/netwrix-xpress-expressions.md records the choice.
 */
import { compileExpressionBody } from '../../expression/index.js';
import type { LoadContext } from '../load-context.js';
import type { Expr } from '../model/expression.js';
import { attrLocation, childrenNamed, type XmlElement } from '../xml/xml-element.js';

const CSHARP = /^\s*C#:/i;

/** True when an attribute value is a Netwrix C# expression. */
export function isCSharp(value: string): boolean {
  return CSHARP.test(value);
}

/**
 * Reports `NETWRIX_CSHARP_NOT_SUPPORTED` for every attribute of `el` written as C#, saying which XPRESS child to
 * write instead.
 */
export function refuseCSharp(el: XmlElement, ctx: LoadContext): void {
  for (const [name, value] of el.attributes) {
    if (!isCSharp(value)) continue;
    const loc = attrLocation(el, name);
    ctx.diags.error(
      'NETWRIX_CSHARP_NOT_SUPPORTED',
      `line ${loc.line}: <${el.name}> ${name} is written in C# (${abbreviate(value)}); idflow does not run C#. ` +
        `Remove the attribute and write the expression in XPRESS as a child element: <${name}>…</${name}> (see docs/netwrix-dialect.md)`,
      loc,
    );
  }
}

function abbreviate(value: string): string {
  const v = value.trim();
  return v.length > 40 ? `"${v.slice(0, 37)}…"` : `"${v}"`;
}

/**
 * The XPRESS expression for `name` on `el`: the single child element `<name>` compiled with the XPRESS compiler.
 * An attribute `name` that is not C# (C# is reported by {@link refuseCSharp}) is `DEF_BAD_VALUE`: Netwrix has no
 * other expression syntax, so idflow cannot guess what it means.
 */
export function readExpression(el: XmlElement, name: string, ctx: LoadContext): Expr | undefined {
  const value = el.attributes.get(name);
  if (value !== undefined && !isCSharp(value)) {
    ctx.diags.error(
      'DEF_BAD_VALUE',
      `<${el.name}> ${name}="${value}" is not an expression idflow can read; write it in XPRESS as a child element <${name}>…</${name}>`,
      attrLocation(el, name),
    );
  }
  const holders = childrenNamed(el, name);
  if (holders.length === 0) return undefined;
  if (value !== undefined) {
    ctx.diags.error('DEF_BAD_VALUE', `<${el.name}> has ${name} both as an attribute and as a child element; keep the child element`, holders[0]!.location);
  }
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
      `<${name}> must hold one XPRESS expression${text ? ` element, not the text "${text.length > 30 ? `${text.slice(0, 27)}…` : text}" (a literal is <s>…</s>, <i>…</i> or <Boolean>true</Boolean>)` : ''}`,
      holder.location,
    );
    return undefined;
  }
  if (holder.children.length > 1) {
    ctx.diags.error('DEF_BAD_VALUE', `<${name}> must hold one XPRESS expression, not ${holder.children.length}; wrap them in <block> if you mean a sequence`, holder.children[1]!.location);
  }
  return compileExpressionBody(holder, { diags: ctx.diags });
}
