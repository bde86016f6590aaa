import type { LoadContext } from '../load-context.js';
import type { DefinitionObject } from '../model/objects.js';
import type { XmlElement } from '../xml/xml-element.js';

/**
 * PLACEHOLDER — implemented by the Waveset dialect work.
 * Reads a Waveset document: root `<Waveset>` (any number of objects), or a bare `<TaskDefinition>`,
 * `<Configuration>`, `<Rule>` or `<TaskSchedule>`. Problems go to ctx.diags with their location.
 */
export function loadWavesetDocument(root: XmlElement, ctx: LoadContext): DefinitionObject[] {
  void root;
  void ctx;
  return [];
}
