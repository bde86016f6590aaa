import type { LoadContext } from '../load-context.js';
import type { ConfigurationObject } from '../model/objects.js';
import type { ProcessModel } from '../model/process.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, compact, otherAttributes, REPOSITORY_ATTRIBUTES, requiredAttr } from './attribute-types.js';
import { joinTexts, reportIfRepeated, reportIgnoredElement, reportStrayText, reportUnknownElement } from './child-elements.js';
import { readDescriptionInto, readMemberObjectGroups } from './repository-object-parts.js';
import { readProcessExtension } from './task-definition-reader.js';

const CONFIGURATION_CHILDREN = ['Extension', 'MemberObjectGroups', 'Description', 'Comments', 'Properties'] as const;

/**
 * `<Configuration name='Provision' wstype='WFProcess'><Extension><WFProcess>…` — a stand-alone process, callable as
 * a subprocess by name. A Configuration holding other data is kept without a process (a warning says so).
 * Returns undefined without a name.
 */
export function readConfiguration(el: XmlElement, ctx: LoadContext): ConfigurationObject | undefined {
  checkAttributes(el, ['name', ...REPOSITORY_ATTRIBUTES], ctx);
  reportStrayText(el, ctx);
  const name = requiredAttr(el, 'name', ctx);
  const attributes = otherAttributes(el, ['name']);
  const comments: XmlElement[] = [];
  let extensionEl: XmlElement | undefined;
  let descriptionEl: XmlElement | undefined;
  let groupsEl: XmlElement | undefined;
  let process: ProcessModel | undefined;
  for (const c of el.children) {
    switch (c.name) {
      case 'Extension':
        if (reportIfRepeated(c, el, extensionEl, ctx)) break;
        extensionEl = c;
        process = readProcessExtension(c, name ?? '', ctx, false);
        break;
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
        reportUnknownElement(c, el, CONFIGURATION_CHILDREN, ctx);
    }
  }
  const commentText = joinTexts(comments);
  if (commentText !== undefined) attributes['comments'] = commentText;
  if (name === undefined) return undefined;
  return compact<ConfigurationObject>({ type: 'Configuration', dialect: 'waveset', name, process, attributes, location: el.location });
}
