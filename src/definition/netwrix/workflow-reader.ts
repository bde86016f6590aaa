/**
 * Reads `<Workflow>` and its `<Activity>` children (reference netwrix §2) and compiles them into a WorkflowObject.
 */
import { parseApprovalMode } from '../../approvals/approval-mode.js';
import { parseApprovalScheme } from '../../approvals/approval-scheme.js';
import type { LoadContext } from '../load-context.js';
import type { NetwrixActivityDecl, WorkflowObject } from '../model/objects.js';
import { DEFAULT_TASK_PARAMETERS } from '../model/task-parameters.js';
import { attrLocation, type XmlElement } from '../xml/xml-element.js';
import { compileWorkflowProcess } from './compile-workflow.js';
import {
  booleanAttribute,
  checkAttributes,
  integerAttribute,
  localized,
  localizedValues,
  requireAttribute,
} from './netwrix-attributes.js';
import { TEMPLATE_NAMES, isTemplateName, withArticle } from './templates.js';

/** `VariablesType` values that mean idflow's User; any other `Workflow_<EntityType>` names that entity type. */
export const USER_VARIABLES_TYPES: Readonly<Record<string, string>> = {
  Workflow_User: 'User',
  Workflow_Directory_User: 'User',
};

/** `Workflow_<EntityType>` with an entity type written as Netwrix identifiers are (letters, digits, `_`). */
const VARIABLES_TYPE = /^Workflow_([A-Za-z][A-Za-z0-9_]*)$/;

/**
 * The entity type a `VariablesType` names: `User` for the two User forms, else what follows `Workflow_`
 * (`Workflow_Directory_Country` → `Directory_Country`); undefined when it does not follow the convention.
 */
export function entityTypeOf(variablesType: string): string | undefined {
  if (Object.hasOwn(USER_VARIABLES_TYPES, variablesType)) return USER_VARIABLES_TYPES[variablesType];
  return VARIABLES_TYPE.exec(variablesType)?.[1];
}

/** Characters that would break `Workflow:Activity` references or `/Custom/Workflows/…` permission paths. */
const SEPARATORS = /[/:]/;

/**
 * The Identifier (required, without separators) and the localized display names (DisplayName_L1 expected) that
 * workflows and activities both carry.
 */
function readNames(el: XmlElement, what: 'workflow' | 'activity', ctx: LoadContext): { identifier?: string; displayNames: Record<string, string> } {
  const identifier = requireAttribute(el, 'Identifier', ctx);
  if (identifier !== undefined && SEPARATORS.test(identifier)) {
    ctx.diags.error('DEF_BAD_VALUE', `${what} Identifier "${identifier}" may not contain "/" or ":"`, attrLocation(el, 'Identifier'));
  }
  const displayNames = localizedValues(el, 'DisplayName');
  if (displayNames['L1'] === undefined) {
    ctx.diags.warning('DEF_MISSING_ATTRIBUTE', `<${el.name}> should have DisplayName_L1; idflow shows the Identifier instead`, el.location);
  }
  return identifier === undefined ? { displayNames } : { identifier, displayNames };
}

/** Reads one `<Workflow>`; undefined when nothing usable could be read (the errors say why). */
export function readWorkflow(el: XmlElement, ctx: LoadContext): WorkflowObject | undefined {
  checkAttributes(el, { known: ['Identifier', localized('DisplayName'), 'VariablesType', 'IdentifierPrefix'] }, ctx);
  const { identifier, displayNames } = readNames(el, 'workflow', ctx);
  const variablesType = requireAttribute(el, 'VariablesType', ctx, 'Workflow_<EntityType>');
  let entityType: string | undefined;
  if (variablesType !== undefined) {
    entityType = entityTypeOf(variablesType);
    if (entityType === undefined) {
      ctx.diags.error(
        'NETWRIX_ENTITY_TYPE_UNSUPPORTED',
        `VariablesType="${variablesType}" names no entity type; write Workflow_<EntityType>, e.g. Workflow_Directory_User or Workflow_Directory_Country`,
        attrLocation(el, 'VariablesType'),
      );
    }
  }

  const activities: NetwrixActivityDecl[] = [];
  const seen = new Set<string>();
  for (const child of el.children) {
    if (child.name !== 'Activity') {
      ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<Workflow> may contain only <Activity> elements, not <${child.name}>`, child.location);
      continue;
    }
    const decl = readActivity(child, ctx);
    if (!decl) continue;
    if (seen.has(decl.identifier)) {
      ctx.diags.error('DEF_DUPLICATE_NAME', `activity "${decl.identifier}" is declared twice in workflow "${identifier ?? '?'}"`, child.location);
      continue;
    }
    seen.add(decl.identifier);
    activities.push(decl);
  }
  if (el.children.length === 0) {
    ctx.diags.error('NETWRIX_WORKFLOW_EMPTY', `<Workflow> has no <Activity>; a workflow starts by starting its first activity`, el.location);
  }
  const continueAt = activities.findIndex((a) => a.template === 'ContinueWith');
  if (continueAt >= 0 && continueAt < activities.length - 1) {
    ctx.diags.error(
      'NETWRIX_CONTINUEWITH_NOT_LAST',
      `activity "${activities[continueAt]!.identifier}" hands the instance over to another workflow (ContinueWith), so the activities after it would never run; make it the last activity`,
      activities[continueAt + 1]!.location,
    );
  }
  if (identifier === undefined || variablesType === undefined || entityType === undefined || activities.length === 0) return undefined;

  const prefix = el.attributes.get('IdentifierPrefix');
  return {
    type: 'Workflow',
    dialect: 'netwrix',
    name: identifier,
    location: el.location,
    displayNames,
    variablesType,
    entityType: entityType!,
    ...(prefix !== undefined ? { identifierPrefix: prefix } : {}),
    activities,
    // A person who starts a workflow gets its first work item from the launch itself (docs/decisions/netwrix-templates.md D1).
    // Instances are kept after they end: they are the workflow's record, and an aborted one waits for its Purge
    // (docs/decisions/netwrix-instance-retention.md).
    parameters: { ...DEFAULT_TASK_PARAMETERS, execMode: 'sync', resultLimit: -1 },
    process: compileWorkflowProcess(identifier, displayNames['L1'], activities, el.location, entityType),
  };
}

const NETWRIX_APPROVAL_ATTRIBUTES = [
  'ApprovalScheme',
  'ApprovalMode',
  'ApprovalResource',
  'ApprovalProfile',
  'ApprovalPerson',
  'ApprovalFallback',
  'ApprovalTimeout',
  'ApprovalEscalation',
];

/**
 * The approval of a Review activity, when ApprovalScheme or ApprovalMode is present; literal values are checked
 * here. On another template the attributes are a warning and have no effect.
 */
function readApproval(el: XmlElement, template: string | undefined, ctx: LoadContext): NetwrixActivityDecl['approval'] {
  const present = NETWRIX_APPROVAL_ATTRIBUTES.filter((a) => el.attributes.has(a));
  if (present.length === 0) return undefined;
  if (template !== 'Review' && template !== 'ReviewWithFeedback') {
    ctx.diags.warning('NETWRIX_ARGUMENT_IGNORED', `${present.join(', ')}: approvals are for Review and ReviewWithFeedback activities; ${template === undefined ? 'this activity' : `${withArticle(template)} activity`} ignores them`, attrLocation(el, present[0]!));
    return undefined;
  }
  const get = (name: string): string | undefined => el.attributes.get(name);
  const mode = get('ApprovalMode');
  const scheme = get('ApprovalScheme');
  if (mode === undefined && scheme === undefined) {
    ctx.diags.error('DEF_BAD_VALUE', `${present.join(', ')} belong to an approval; add ApprovalScheme= or ApprovalMode= to the activity`, attrLocation(el, present[0]!));
    return undefined;
  }
  const check = (name: string, fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      ctx.diags.error('DEF_BAD_VALUE', `${name}: ${(e as Error).message}`, attrLocation(el, name));
    }
  };
  if (mode !== undefined && !mode.includes('$(')) check('ApprovalMode', () => parseApprovalMode(mode));
  if (scheme !== undefined && !scheme.includes('$(')) check('ApprovalScheme', () => parseApprovalScheme(scheme));
  const escalation = get('ApprovalEscalation');
  if (escalation !== undefined && !['manager', 'none'].includes(escalation.trim().toLowerCase())) {
    ctx.diags.error('DEF_BAD_VALUE', `ApprovalEscalation="${escalation}" is not Manager or None`, attrLocation(el, 'ApprovalEscalation'));
  }
  const timeout = integerAttribute(el, 'ApprovalTimeout', undefined, ctx, 0);
  const out: Record<string, string | number | boolean> = { offerByPermission: true };
  const put = (key: string, v: string | number | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  put('mode', mode);
  put('scheme', scheme);
  put('resource', get('ApprovalResource'));
  put('profile', get('ApprovalProfile'));
  put('person', get('ApprovalPerson'));
  put('fallback', get('ApprovalFallback'));
  put('escalation', escalation);
  if (timeout !== undefined && timeout > 0) put('timeout', timeout);
  return out as NetwrixActivityDecl['approval'];
}

const ACTIVITY_ATTRIBUTES = [
  'Identifier',
  localized('DisplayName'),
  'Template',
  'ArgumentBlockProvisioning',
  'ArgumentCalledWorkflow',
  'WorkflowOverviewDisable',
  // idflow's approvals on a Review (docs/approvals.md); vendor files have none of them.
  ...NETWRIX_APPROVAL_ATTRIBUTES,
];

function readActivity(el: XmlElement, ctx: LoadContext): NetwrixActivityDecl | undefined {
  checkAttributes(el, { known: ACTIVITY_ATTRIBUTES }, ctx);
  for (const child of el.children) {
    ctx.diags.error('DEF_UNKNOWN_ELEMENT', `<Activity> has no child elements; <${child.name}> is not allowed`, child.location);
  }
  const { identifier, displayNames } = readNames(el, 'activity', ctx);
  const template = requireAttribute(el, 'Template', ctx, `one of ${TEMPLATE_NAMES.join(', ')}`);
  let templateOk = template !== undefined;
  if (template !== undefined && !isTemplateName(template)) {
    templateOk = false;
    ctx.diags.error(
      'NETWRIX_UNKNOWN_TEMPLATE',
      `Template="${template}" is not an activity template; use one of ${TEMPLATE_NAMES.join(', ')}`,
      attrLocation(el, 'Template'),
    );
  }
  const approval = templateOk ? readApproval(el, template, ctx) : undefined;
  const blockProvisioning = booleanAttribute(el, 'ArgumentBlockProvisioning', false, ctx);
  const overviewDisabled = booleanAttribute(el, 'WorkflowOverviewDisable', false, ctx);
  const calledWorkflow = el.attributes.get('ArgumentCalledWorkflow');
  if (template === 'ContinueWith' && (calledWorkflow === undefined || calledWorkflow.trim() === '')) {
    ctx.diags.error('DEF_MISSING_ATTRIBUTE', `a ContinueWith activity needs ArgumentCalledWorkflow (the workflow to continue in)`, el.location);
    templateOk = false;
  }
  if (templateOk && el.attributes.has('ArgumentBlockProvisioning') && template !== 'Persist' && template !== 'PersistOnlyResources') {
    ctx.diags.warning(
      'NETWRIX_ARGUMENT_IGNORED',
      `ArgumentBlockProvisioning is used only by Persist and PersistOnlyResources activities; it has no effect on ${withArticle(template!)} activity`,
      attrLocation(el, 'ArgumentBlockProvisioning'),
    );
  }
  if (templateOk && calledWorkflow !== undefined && template !== 'ContinueWith') {
    ctx.diags.warning(
      'NETWRIX_ARGUMENT_IGNORED',
      `ArgumentCalledWorkflow is used only by ContinueWith activities; it has no effect on ${withArticle(template!)} activity`,
      attrLocation(el, 'ArgumentCalledWorkflow'),
    );
  }
  if (identifier === undefined || !templateOk) return undefined;
  return {
    identifier,
    displayNames,
    template: template!,
    blockProvisioning,
    ...(calledWorkflow !== undefined && template === 'ContinueWith' ? { calledWorkflow } : {}),
    overviewDisabled,
    ...(approval !== undefined && { approval }),
    location: el.location,
  };
}
