import type { LoadContext } from '../load-context.js';
import type { VariableDecl } from '../model/variable.js';
import type { XmlElement } from '../xml/xml-element.js';
import { booleanAttr, checkAttributes, compact, requiredAttr, stringAttr } from './attribute-types.js';
import { compileValueChildren, isExpressionElement, joinTexts, reportStrayText, reportUnknownElement } from './child-elements.js';
import { reportDuplicateNames } from './unique-names.js';
import { WavesetCodes } from './waveset-codes.js';

const VARIABLE_ATTRIBUTES = ['name', 'value', 'input', 'output', 'external', 'scope'] as const;

/**
 * `<Variable name='x' value='v' input='true' output='true' external='true' scope='local'>` with an optional
 * initial value as `<expression>…</expression>` or a direct XPRESS / XML-object child, and `<Comments>`.
 * Returns undefined when the variable has no name.
 */
export function readVariable(el: XmlElement, ctx: LoadContext): VariableDecl | undefined {
  checkAttributes(el, VARIABLE_ATTRIBUTES, ctx);
  reportStrayText(el, ctx);
  const name = requiredAttr(el, 'name', ctx);
  const comments: XmlElement[] = [];
  const exprKids: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === 'Comments') comments.push(c);
    else if (c.name === 'expression' || isExpressionElement(c)) exprKids.push(c);
    else reportUnknownElement(c, el, ['Comments', 'expression', 'an XPRESS expression or XML object'], ctx);
  }
  const value = stringAttr(el, 'value');
  const initial = compileValueChildren(el, exprKids, ctx);
  if (value !== undefined && exprKids.length > 0) {
    ctx.diags.error(
      WavesetCodes.BAD_VALUE,
      `variable '${name ?? ''}' has both a value attribute and an initial expression; keep one`,
      exprKids[0]!.location,
    );
  }
  const input = booleanAttr(el, 'input', ctx, false);
  const output = booleanAttr(el, 'output', ctx, false);
  const external = booleanAttr(el, 'external', ctx, false);
  const scope = stringAttr(el, 'scope')?.trim() || 'local';
  if (name === undefined) return undefined;
  return compact<VariableDecl>({
    name,
    value,
    initial,
    input,
    output,
    external,
    scope,
    comments: joinTexts(comments),
    location: el.location,
  });
}

/** Reads the `<Variable>` elements of one scope and reports names declared twice in it. */
export function readVariables(els: readonly XmlElement[], where: string, ctx: LoadContext): VariableDecl[] {
  const vars = els.map((e) => readVariable(e, ctx)).filter((v): v is VariableDecl => v !== undefined);
  reportDuplicateNames(vars, 'variable', where, ctx);
  return vars;
}
