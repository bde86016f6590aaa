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

const OBJECT_ELEMENTS = ['TaskDefinition', 'Configuration', 'Rule', 'TaskSchedule'] as const;

/**
 * Waveset repository object types that may share a `<Waveset>` file with workflows but mean nothing to idflow.
 * They are skipped with a warning rather than refused, so stock export files load.
 */
const IGNORED_OBJECT_TYPES = [
  'UserForm',
  'EmailTemplate',
  'ObjectGroup',
  'Resource',
  'ResourceForm',
  'AdminRole',
  'AdminGroup',
  'Role',
  'Policy',
  'Library',
  'ImportCommand',
  'TaskTemplate',
  'TaskInstance',
  'WorkItem',
  'AuditQuery',
  'Capability',
  'User',
  'AttributeDefinition',
] as const;

/**
 * Reads a Waveset document: root `<Waveset>` (any number of objects), or a bare `<TaskDefinition>`,
 * `<Configuration>`, `<Rule>` or `<TaskSchedule>`. Problems go to ctx.diags with their location; objects that could
 * not be built are left out (their errors say why). No cross-object or graph checks: those are validation's.
 */
export function loadWavesetDocument(root: XmlElement, ctx: LoadContext): DefinitionObject[] {
  if (root.name !== 'Waveset') {
    const one = readObject(root, ctx);
    return one ? [one] : [];
  }
  checkAttributes(root, [], ctx);
  reportStrayText(root, ctx);
  const out: DefinitionObject[] = [];
  for (const c of root.children) {
    if ((OBJECT_ELEMENTS as readonly string[]).includes(c.name)) {
      const o = readObject(c, ctx);
      if (o) out.push(o);
    } else if ((IGNORED_OBJECT_TYPES as readonly string[]).includes(c.name)) {
      reportIgnoredElement(c, root, ctx, `idflow does not use ${c.name} objects; it was skipped`);
    } else {
      reportUnknownElement(c, root, OBJECT_ELEMENTS, ctx);
    }
  }
  return out;
}

function readObject(el: XmlElement, ctx: LoadContext): DefinitionObject | undefined {
  switch (el.name) {
    case 'TaskDefinition':
      return readTaskDefinition(el, ctx);
    case 'Configuration':
      return readConfiguration(el, ctx);
    case 'Rule':
      return readRule(el, ctx);
    case 'TaskSchedule':
      return readTaskSchedule(el, ctx);
    default:
      // load.ts routes only the four object roots here; kept for callers that pass another element.
      ctx.diags.error(
        WavesetCodes.UNKNOWN_ELEMENT,
        `<${el.name}> is not a Waveset object idflow reads; expected ${OBJECT_ELEMENTS.join(', ')} or <Waveset>`,
        el.location,
      );
      return undefined;
  }
}
