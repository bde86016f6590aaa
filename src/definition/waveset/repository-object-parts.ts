import type { LoadContext } from '../load-context.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, describeElement } from './attribute-types.js';
import { joinTexts, reportIfRepeated, reportIgnoredElement, reportUnknownElement, textOf } from './child-elements.js';
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

/** Children every repository object may hold besides its own: kept in `attributes` or skipped with a warning. */
export const COMMON_OBJECT_CHILDREN = ['MemberObjectGroups', 'Description', 'Comments', 'Properties'] as const;

/**
 * Reads the children of a repository object (TaskDefinition, Configuration, TaskSchedule). Elements named in
 * `own` go to `readOwn`; `<Description>`, `<Comments>` and `<MemberObjectGroups>` land in `attributes` as
 * `description`, `comments` and `MemberObjectGroups` (comma-separated); `<Properties>` is skipped with a warning;
 * anything else is an unknown element.
 */
export function readObjectChildren(
  el: XmlElement,
  own: readonly string[],
  attributes: Record<string, string>,
  ctx: LoadContext,
  readOwn: (child: XmlElement) => void,
): void {
  const comments: XmlElement[] = [];
  let descriptionEl: XmlElement | undefined;
  let groupsEl: XmlElement | undefined;
  for (const c of el.children) {
    if (own.includes(c.name)) {
      readOwn(c);
      continue;
    }
    switch (c.name) {
      case 'MemberObjectGroups':
        if (reportIfRepeated(c, el, groupsEl, ctx)) break;
        groupsEl = c;
        attributes['MemberObjectGroups'] = readMemberObjectGroups(c, ctx).join(',');
        break;
      case 'Description':
        if (reportIfRepeated(c, el, descriptionEl, ctx)) break;
        descriptionEl = c;
        readDescriptionInto(attributes, el, c, ctx);
        break;
      case 'Comments':
        comments.push(c);
        break;
      case 'Properties':
        reportIgnoredElement(c, el, ctx, 'idflow keeps no object properties');
        break;
      default:
        reportUnknownElement(c, el, [...own, ...COMMON_OBJECT_CHILDREN], ctx);
    }
  }
  const commentText = joinTexts(comments);
  if (commentText !== undefined) attributes['comments'] = commentText;
}
