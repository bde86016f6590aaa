import type { LoadContext } from '../load-context.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, compact, requiredAttr, stringAttr } from './attribute-types.js';
import { reportUnknownElement } from './child-elements.js';
import { WavesetCodes } from './waveset-codes.js';

export interface ObjectRefValue {
  readonly type: string;
  readonly id?: string;
  readonly name?: string;
}

/**
 * `<ObjectRef type='UserForm' id='#ID#UserForm:ApprovalForm' name='Approval Form'/>`. When `expectedType` is given,
 * a missing type means that type and another type is DEF_BAD_VALUE. Needs a name or an id.
 */
export function readObjectRef(el: XmlElement, ctx: LoadContext, expectedType?: string): ObjectRefValue | undefined {
  checkAttributes(el, ['type', 'id', 'name'], ctx);
  for (const c of el.children) reportUnknownElement(c, el, ['nothing (<ObjectRef> is empty)'], ctx);
  const type = expectedType ? (stringAttr(el, 'type') ?? expectedType) : requiredAttr(el, 'type', ctx);
  if (type === undefined) return undefined;
  if (expectedType && type !== expectedType) {
    ctx.diags.error(
      WavesetCodes.BAD_VALUE,
      `type='${type}' on <ObjectRef> is not valid here; expected ${expectedType}`,
      el.attributeLocations.get('type') ?? el.location,
    );
    return undefined;
  }
  const id = stringAttr(el, 'id');
  const name = stringAttr(el, 'name');
  if (!id && !name) {
    ctx.diags.error(WavesetCodes.MISSING_ATTRIBUTE, `<ObjectRef> needs a name or an id attribute`, el.location);
    return undefined;
  }
  return compact<ObjectRefValue>({ type, id, name });
}
