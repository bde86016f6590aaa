import type { LoadContext } from '../load-context.js';
import type { DefinitionObject } from '../model/objects.js';
import type { XmlElement } from '../xml/xml-element.js';

/**
 * PLACEHOLDER — implemented by the Netwrix dialect work.
 * Reads `<ConfigurationFile xmlns="urn:schemas-usercube-com:configuration">`: Workflows (compiled to template
 * state machines), aspects, AccessControlRules; other element kinds get a warning naming them.
 */
export function loadNetwrixDocument(root: XmlElement, ctx: LoadContext): DefinitionObject[] {
  void root;
  void ctx;
  return [];
}
