import type { LoadContext } from '../load-context.js';
import type { DefinitionObject } from '../model/objects.js';
import type { XmlElement } from '../xml/xml-element.js';
import { readAccessControlRule } from './access-control-reader.js';
import { isAspectElement, readAspect } from './aspect-reader.js';
import { checkAttributes } from './netwrix-attributes.js';
import { readWorkflow } from './workflow-reader.js';

/**
 * Scaffoldings generate workflows, rules and aspects inside the vendor's product. idflow does not expand them, so
 * their warning says what is lost.
 */
const SCAFFOLDINGS = new Set([
  'CreateUpdateDeleteWorkflows',
  'UpdateResourcesWorkflows',
  'WorkflowEntityType',
  'WorkflowAccessControlRules',
  'WorkflowOverviewControlRules',
  'WorkflowActorsNotification',
  'WorkflowPerformerNotification',
  'CreateUpdateDeleteAccessControlRules',
  'UpdateResourcesAccessControlRules',
  'WorkflowConfigurationControlRules',
]);

/**
 * Reads `<ConfigurationFile xmlns="urn:schemas-usercube-com:configuration">` (the facade has checked the namespace):
 * `<Workflow>`s (compiled to template state machines), the seven aspect kinds and `<AccessControlRule>`s. Every other
 * element kind gets one `DEF_OUT_OF_SCOPE` warning per file, at its first occurrence.
 *
 * Aspects are not linked to workflows here; {@link linkNetwrixSet} does that over the whole load set.
 */
export function loadNetwrixDocument(root: XmlElement, ctx: LoadContext): DefinitionObject[] {
  checkAttributes(root, { known: [] }, ctx);
  const objects: DefinitionObject[] = [];
  const outOfScope = new Map<string, { first: XmlElement; count: number }>();
  const names = new Map<string, Set<string>>();
  const add = (object: DefinitionObject | undefined): void => {
    if (!object) return;
    const seen = names.get(object.type) ?? new Set<string>();
    names.set(object.type, seen);
    if (seen.has(object.name)) {
      ctx.diags.error('DEF_DUPLICATE_NAME', `${object.type} "${object.name}" is defined twice in this file`, object.location);
      return;
    }
    seen.add(object.name);
    objects.push(object);
  };
  for (const el of root.children) {
    if (el.name === 'Workflow') add(readWorkflow(el, ctx));
    else if (el.name === 'AccessControlRule') add(readAccessControlRule(el, ctx));
    else if (isAspectElement(el.name)) add(readAspect(el, ctx));
    else {
      const entry = outOfScope.get(el.name);
      if (entry) entry.count++;
      else outOfScope.set(el.name, { first: el, count: 1 });
    }
  }
  for (const [name, { first, count }] of outOfScope) {
    const many = count > 1 ? ` (${count} in this file)` : '';
    const why = SCAFFOLDINGS.has(name)
      ? 'it is a scaffolding, which idflow does not expand; write out the Workflow, AccessControlRule or aspect elements it would generate'
      : 'idflow reads Workflow, AccessControlRule and the aspect elements of a configuration file';
    ctx.diags.warning('DEF_OUT_OF_SCOPE', `<${name}>${many} is outside idflow's scope and is ignored: ${why}`, first.location);
  }
  return objects;
}

export { linkAspects } from './link-aspects.js';
export { linkNetwrixSet } from './link-netwrix-set.js';
