import type { LoadContext } from '../load-context.js';
import type { TransitionModel } from '../model/transition.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, compact, requiredAttr } from './attribute-types.js';
import { compileBody, isExpressionElement, reportStrayText, reportUnknownElement } from './child-elements.js';

/**
 * `<Transition to='X'>condition</Transition>`: the condition is the XPRESS child (several children form an
 * implicit block). A transition without a condition is always taken. Returns undefined without `to`.
 */
export function readTransition(el: XmlElement, ctx: LoadContext): TransitionModel | undefined {
  checkAttributes(el, ['to'], ctx);
  reportStrayText(el, ctx);
  const to = requiredAttr(el, 'to', ctx, 'the name of the activity to go to');
  const exprKids: XmlElement[] = [];
  for (const c of el.children) {
    if (isExpressionElement(c)) exprKids.push(c);
    else reportUnknownElement(c, el, ['an XPRESS condition such as <eq>, <ref>, <isTrue>'], ctx);
  }
  const condition = compileBody(el, exprKids, ctx);
  if (to === undefined) return undefined;
  return compact<TransitionModel>({ to, condition, location: el.location });
}
