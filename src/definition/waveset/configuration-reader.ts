import type { LoadContext } from '../load-context.js';
import type { ConfigurationObject } from '../model/objects.js';
import type { ProcessModel } from '../model/process.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes, compact, otherAttributes, REPOSITORY_ATTRIBUTES, requiredAttr } from './attribute-types.js';
import { reportIfRepeated, reportIgnoredElement, reportStrayText } from './child-elements.js';
import { COMMON_OBJECT_CHILDREN, readObjectChildren } from './repository-object-parts.js';
import { readProcessExtension } from './task-definition-reader.js';

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
  let extensionEl: XmlElement | undefined;
  let process: ProcessModel | undefined;
  // Besides <Extension>, a Configuration's body may be a typed element of its own (`<ReconcileConfig>`,
  // `<AccountAttributeTypes>`, …): data for Waveset's subsystems, kept in the stored XML and otherwise unused.
  const typed = el.children.filter((c) => c.name !== 'Extension' && !(COMMON_OBJECT_CHILDREN as readonly string[]).includes(c.name));
  readObjectChildren(el, ['Extension', ...typed.map((c) => c.name)], attributes, ctx, (c) => {
    if (c.name !== 'Extension') {
      reportIgnoredElement(c, el, ctx, 'the Configuration is stored with this data, which idflow keeps but does not use');
      return;
    }
    if (reportIfRepeated(c, el, extensionEl, ctx)) return;
    extensionEl = c;
    process = readProcessExtension(c, name ?? '', ctx, false);
  });
  if (name === undefined) return undefined;
  return compact<ConfigurationObject>({ type: 'Configuration', dialect: 'waveset', name, process, attributes, location: el.location });
}
