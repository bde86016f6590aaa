import type { LoadContext } from '../load-context.js';
import type { ReturnModel } from '../model/action.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, requiredAttr } from './attribute-types.js';
import { reportUnknownElement } from './child-elements.js';

/** `<Return from='object' to='userObject'/>`; undefined when either side is missing. */
export function readReturn(el: XmlElement, ctx: LoadContext): ReturnModel | undefined {
  checkAttributes(el, ['from', 'to'], ctx);
  const from = requiredAttr(el, 'from', ctx, 'the result or work item variable to copy');
  const to = requiredAttr(el, 'to', ctx, 'the process variable to copy into');
  for (const c of el.children) reportUnknownElement(c, el, ['nothing (<Return> is empty)'], ctx);
  if (from === undefined || to === undefined) return undefined;
  return { from, to, location: el.location };
}
