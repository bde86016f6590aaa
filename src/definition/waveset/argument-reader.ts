import type { LoadContext } from '../load-context.js';
import type { ArgumentModel } from '../model/action.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, compact, requiredAttr, stringAttr } from './attribute-types.js';
import { compileValueChildren, isExpressionElement, reportStrayText, reportUnknownElement } from './child-elements.js';
import { WavesetCodes } from './waveset-codes.js';

/**
 * `<Argument name='x' value='$(y)'/>` or `<Argument name='x'><expression>…</expression></Argument>` (a direct
 * XPRESS or XML-object child is accepted too). Undefined without a name.
 */
export function readArgument(el: XmlElement, ctx: LoadContext): ArgumentModel | undefined {
  checkAttributes(el, ['name', 'value'], ctx);
  reportStrayText(el, ctx);
  const name = requiredAttr(el, 'name', ctx);
  const exprKids: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === 'expression' || isExpressionElement(c)) exprKids.push(c);
    else reportUnknownElement(c, el, ['expression', 'an XPRESS expression or XML object'], ctx);
  }
  const value = stringAttr(el, 'value');
  const expression = compileValueChildren(el, exprKids, ctx);
  if (value !== undefined && exprKids.length > 0) {
    ctx.diags.error(
      WavesetCodes.BAD_VALUE,
      `argument '${name ?? ''}' has both a value attribute and an expression; keep one`,
      exprKids[0]!.location,
    );
  }
  if (name === undefined) return undefined;
  return compact<ArgumentModel>({ name, value, expression, location: el.location });
}
