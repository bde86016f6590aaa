import type { LoadContext } from '../load-context.js';
import type { DefinitionObject } from '../model/objects.js';
import type { XmlElement } from '../xml/xml-element.js';
import { checkAttributes } from './attribute-types.js';
import { reportIgnoredElement, reportStrayText, reportUnknownElement } from './child-elements.js';
import { readConfiguration } from './configuration-reader.js';
import { readRule } from './rule-reader.js';
import { readTaskDefinition } from './task-definition-reader.js';
import { readTaskSchedule } from './task-schedule-reader.js';
import { WavesetCodes } from './waveset-codes.js';
import { isSkippedObjectType, isWavesetObjectType, READ_OBJECT_TYPES, type ObjectOutcome } from './waveset-object-types.js';

/**
 * Reads a Waveset document: root `<Waveset>` (any number of objects), or one object element as the root. Every Waveset
 * object type is accepted in both places: TaskDefinition, ProvisioningTask, Configuration, Rule and TaskSchedule are
 * read; the others (Resource, Role, User, EmailTemplate, …) are skipped with a warning, so a whole export loads.
 * Problems go to ctx.diags with their location; objects that could not be built are left out (their errors say why).
 * No cross-object or graph checks: those are validation's.
 */
export function loadWavesetDocument(root: XmlElement, ctx: LoadContext): DefinitionObject[] {
  if (root.name !== 'Waveset') {
    const one = readAccounted(root, undefined, ctx);
    return one ? [one] : [];
  }
  checkAttributes(root, [], ctx);
  reportStrayText(root, ctx);
  const out: DefinitionObject[] = [];
  for (const c of root.children) {
    if (isWavesetObjectType(c.name)) {
      const o = readAccounted(c, root, ctx);
      if (o) out.push(o);
    } else {
      reportUnknownElement(c, root, READ_OBJECT_TYPES, ctx, 'other Waveset object types (Resource, Role, User, …) are skipped with a warning');
    }
  }
  return out;
}

/** Reads or skips one object element and records what became of it in ctx.accounts. */
function readAccounted(el: XmlElement, parent: XmlElement | undefined, ctx: LoadContext): DefinitionObject | undefined {
  const account = (outcome: ObjectOutcome): void => {
    const name = el.attributes.get('name');
    ctx.accounts?.push({ type: el.name, ...(name !== undefined && { name }), outcome, file: ctx.file, line: el.location.line });
  };
  if (isSkippedObjectType(el.name)) {
    const why = `idflow runs workflows only; this ${el.name} was skipped and is not stored`;
    if (parent) reportIgnoredElement(el, parent, ctx, why);
    else ctx.diags.warning(WavesetCodes.IGNORED_ELEMENT, `<${el.name}>${el.attributes.has('name') ? ` '${el.attributes.get('name')}'` : ''} is ignored: ${why}`, el.location);
    account('skipped');
    return undefined;
  }
  const errorsBefore = ctx.diags.errorCount;
  const o = readObject(el, ctx);
  account(o && ctx.diags.errorCount === errorsBefore ? 'read' : 'refused');
  return o;
}

function readObject(el: XmlElement, ctx: LoadContext): DefinitionObject | undefined {
  switch (el.name) {
    case 'TaskDefinition':
    case 'ProvisioningTask':
      return readTaskDefinition(el, ctx);
    case 'Configuration':
      return readConfiguration(el, ctx);
    case 'Rule':
      return readRule(el, ctx);
    case 'TaskSchedule':
      return readTaskSchedule(el, ctx);
    default:
      // load.ts routes only Waveset object roots here; kept for callers that pass another element.
      ctx.diags.error(
        WavesetCodes.UNKNOWN_ELEMENT,
        `<${el.name}> is not a Waveset object idflow reads; expected ${READ_OBJECT_TYPES.join(', ')} or <Waveset>`,
        el.location,
      );
      return undefined;
  }
}
