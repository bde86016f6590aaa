import type { LoadContext } from '../load-context.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, describeElement } from './attribute-types.js';
import { reportUnknownElement, textOf } from './child-elements.js';
import { readObjectRef } from './object-ref-reader.js';
import { WavesetCodes } from './waveset-codes.js';

/**
 * Parts every Waveset repository object may carry (TaskDefinition, Configuration, TaskSchedule). idflow keeps them
 * in the object's `attributes`, for the record only.
 */

/**
 * `<MemberObjectGroups><ObjectRef type='ObjectGroup' id='#ID#Top' name='Top'/></MemberObjectGroups>`: the
 * organizations an object belongs to in Waveset. Returns the names (or ids).
 */
export function readMemberObjectGroups(el: XmlElement, ctx: LoadContext): string[] {
  checkAttributes(el, [], ctx);
  const out: string[] = [];
  for (const c of el.children) {
    if (c.name !== 'ObjectRef') {
      reportUnknownElement(c, el, ['ObjectRef'], ctx);
      continue;
    }
    const ref = readObjectRef(c, ctx, 'ObjectGroup');
    const label = ref?.name ?? ref?.id;
    if (label) out.push(label);
  }
  return out;
}

/** `<Description>text</Description>` into `attributes.description`; refused when the description attribute is set too. */
export function readDescriptionInto(attributes: Record<string, string>, owner: XmlElement, el: XmlElement, ctx: LoadContext): void {
  checkAttributes(el, [], ctx);
  if (owner.attributes.has('description')) {
    ctx.diags.error(
      WavesetCodes.BAD_VALUE,
      `${describeElement(owner)} has both a description attribute and a <Description>; keep one`,
      el.location,
    );
    return;
  }
  attributes['description'] = textOf(el);
}
