/**
 * idflow's own object types, which neither Waveset nor Netwrix has: today `<Connector>`. A file holds one object as
 * its root element, or several inside `<Idflow>`.
 */
import type { LoadContext } from '../load-context.js';
import type { DefinitionObject } from '../model/objects.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes } from '../attributes.js';
import { readConnector, type ConnectorSettingsValidator } from './connector-reader.js';

export const IDFLOW_OBJECT_ELEMENTS = ['Connector'] as const;

/** True when `name` is the root of an idflow document: `<Idflow>` or one of idflow's object elements. */
export function isIdflowRoot(name: string): boolean {
  return name === 'Idflow' || (IDFLOW_OBJECT_ELEMENTS as readonly string[]).includes(name);
}

export function loadIdflowDocument(root: XmlElement, ctx: LoadContext, connectors: ConnectorSettingsValidator): DefinitionObject[] {
  const elements = root.name === 'Idflow' ? root.children : [root];
  if (root.name === 'Idflow') checkAttributes(root, { known: [] }, ctx);
  const out: DefinitionObject[] = [];
  for (const el of elements) {
    if (el.name !== 'Connector') {
      ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<${el.name}> is not an idflow object; <Idflow> holds ${IDFLOW_OBJECT_ELEMENTS.map((e) => `<${e}>`).join(', ')}`, el.location);
      continue;
    }
    const errorsBefore = ctx.diags.errorCount;
    const object = readConnector(el, ctx, connectors);
    const name = el.attributes.get('name');
    ctx.accounts?.push({
      type: el.name,
      ...(name !== undefined && { name }),
      outcome: object && ctx.diags.errorCount === errorsBefore ? 'read' : 'refused',
      file: ctx.file,
      line: el.location.line,
    });
    if (object) out.push(object);
  }
  return out;
}
