/**
 * Compiles a Netwrix workflow's declared activities into idflow's process model: each declared activity becomes
 * one ActivityModel per state of its template, named `<ActivityId>/<Template>-<State>`, and the chain of
 * activities is wired through the success states. See docs/decisions/netwrix-templates.md for the shape.
 */
import type { SourceLocation } from '../diagnostic.js';
import type { ActionModel, ApprovalModel, ArgumentModel, DecisionModel } from '../model/action.js';
import type { ActivityModel } from '../model/activity.js';
import type { Expr } from '../model/expression.js';
import type { NetwrixActivityDecl } from '../model/objects.js';
import type { ProcessModel } from '../model/process.js';
import type { TransitionModel } from '../model/transition.js';
import type { VariableDecl } from '../model/variable.js';
import { TEMPLATES, stateName, transitionName, type TemplateDef, type TemplateState } from './templates.js';

/** Name of the activity every successful path ends in. It cannot clash: template activity names contain `/`. */
export const END_ACTIVITY = 'end';

/** `application` of the service actions of system templates. */
export const NETWRIX_APPLICATION = 'idflow.netwrix';

/** The process variables every compiled workflow declares (all settable by the launcher). */
export const WORKFLOW_VARIABLES = {
  /** The change set: property name → new value, for the User the workflow works on. */
  changes: 'changes',
  /** The request's message (subject line shown with the work items and in notifications). */
  message: 'message',
  /** Identifier of the User the workflow works on; empty for a creation until Persist assigns it. */
  subject: 'subject',
} as const;

/** `Request/ActionWithRefine-ActionPending`. */
export function templateActivityName(activity: string, template: string, short: string): string {
  return `${activity}/${stateName(template, short)}`;
}

/** `/Custom/Workflows/<wf>/<activity>/<state>`. */
export function statePermission(workflow: string, activity: string, short: string): string {
  return `/Custom/Workflows/${workflow}/${activity}/${short}`;
}

const OUTCOMES = { success: 'success', declined: 'declined', aborted: 'aborted', purged: 'purged' } as const;

/**
 * The process of workflow `workflow`. `activities` must be non-empty and use known templates (the reader checks
 * both). Pure: the same declaration always gives the same model.
 */
export function compileWorkflowProcess(
  workflow: string,
  title: string | undefined,
  activities: readonly NetwrixActivityDecl[],
  location: SourceLocation,
  entityType = 'User',
): ProcessModel {
  const models: ActivityModel[] = [];
  const firstStateOf = (decl: NetwrixActivityDecl): string => {
    const t = TEMPLATES[decl.template as keyof typeof TEMPLATES];
    return templateActivityName(decl.identifier, t.name, t.states[0]!.short);
  };
  activities.forEach((decl, index) => {
    const template = TEMPLATES[decl.template as keyof typeof TEMPLATES];
    const next = activities[index + 1];
    const nextName = next && template.op !== 'continueWith' ? firstStateOf(next) : END_ACTIVITY;
    for (const state of template.states) {
      models.push(compileState(workflow, decl, template, state, index === 0 && state === template.states[0], nextName, String(models.length), entityType));
    }
  });
  models.push({
    id: String(models.length),
    name: END_ACTIVITY,
    title: 'Completed',
    variables: [],
    actions: [],
    transitions: [],
    split: 'xor',
    join: 'xor',
    location,
  });
  return {
    name: workflow,
    ...(title !== undefined ? { title } : {}),
    maxSteps: 0,
    variables: processVariables(location),
    activities: models,
    start: firstStateOf(activities[0]!),
    location,
  };
}

function compileState(
  workflow: string,
  decl: NetwrixActivityDecl,
  template: TemplateDef,
  state: TemplateState,
  requester: boolean,
  nextName: string,
  id: string,
  entityType: string,
): ActivityModel {
  const loc = decl.location;
  const name = templateActivityName(decl.identifier, template.name, state.short);
  const permission = state.userInteraction ? statePermission(workflow, decl.identifier, state.short) : undefined;
  const title = decl.displayNames['L1'] ?? decl.identifier;
  const verbTransition = (verb: string, to: string, decision: boolean): TransitionModel => ({
    to,
    ...(decision ? { decision: verb } : {}),
    name: transitionName(template.name, state.short, verb),
    location: loc,
  });
  const inside = (short: string): string => templateActivityName(decl.identifier, template.name, short);

  let actions: ActionModel[] = [];
  let transitions: TransitionModel[] = [];
  switch (state.role) {
    case 'waiting': {
      const decisions: DecisionModel[] = state.verbs.map((v) => ({ name: v.verb, kind: v.kind }));
      actions = [
        {
          kind: 'manual',
          id: '0',
          name: state.short,
          arguments: [],
          returns: [],
          variables: [],
          location: loc,
          manual: {
            name: state.short,
            owners: [{ kind: 'permission', permission: permission!, requester, location: loc }],
            ignoreTimeout: false,
            request: `${title}: ${stateName(template.name, state.short)}`,
            variables: [],
            returns: [],
            decisions,
            ...(approvalOf(decl, template, state) ?? {}),
            location: loc,
          },
        },
      ];
      transitions = state.verbs.map((v) => verbTransition(v.verb, inside(v.to), true));
      break;
    }
    case 'success':
      // Not a template transition: it is named after the state it enters, so it never looks like one.
      transitions = [{ to: nextName, name: nextName, location: loc }];
      break;
    case 'aborted':
      // The instance has ended; Purge is fired only by the purge operation (docs/decisions/netwrix-templates.md, D4).
      transitions = state.verbs.map((v) => verbTransition(v.verb, inside(v.to), true));
      break;
    case 'declined':
    case 'purged':
      break;
    case 'system':
      actions = [systemAction(template, decl, entityType)];
      transitions = state.verbs.map((v) => verbTransition(v.verb, nextName, false));
      break;
  }
  return {
    id,
    name,
    title,
    variables: [],
    actions,
    transitions,
    split: 'xor',
    join: 'xor',
    template: {
      activity: decl.identifier,
      template: template.name,
      state: stateName(template.name, state.short),
      shortState: state.short,
      ...(state.role in OUTCOMES ? { outcome: OUTCOMES[state.role as keyof typeof OUTCOMES] } : {}),
      ...(permission !== undefined ? { permission } : {}),
    },
    location: loc,
  };
}

/**
 * A Review's ReviewPending item with idflow's Approval attributes becomes an approval (docs/approvals.md): the
 * approvers resolved at run time, the state's permission kept for when four-eyes leaves nobody.
 */
function approvalOf(decl: NetwrixActivityDecl, template: TemplateDef, state: TemplateState): { approval: ApprovalModel; timeout?: number } | undefined {
  if (!decl.approval || state.short !== 'ReviewPending' || (template.name !== 'Review' && template.name !== 'ReviewWithFeedback')) return undefined;
  const { timeout, ...approval } = decl.approval;
  return { approval, ...(timeout !== undefined && { timeout }) };
}

const ref = (name: string): Expr => ({ op: 'ref', text: name });

function systemAction(template: TemplateDef, decl: NetwrixActivityDecl, entityType: string): ActionModel {
  const loc = decl.location;
  const args: ArgumentModel[] = [
    { name: 'activity', value: decl.identifier, location: loc },
    { name: WORKFLOW_VARIABLES.changes, expression: ref(WORKFLOW_VARIABLES.changes), location: loc },
    { name: WORKFLOW_VARIABLES.subject, expression: ref(WORKFLOW_VARIABLES.subject), location: loc },
  ];
  if (template.op === 'continueWith') {
    args.push({ name: 'calledWorkflow', value: decl.calledWorkflow ?? '', location: loc });
    args.push({ name: WORKFLOW_VARIABLES.message, expression: ref(WORKFLOW_VARIABLES.message), location: loc });
  } else {
    args.push({ name: 'blockProvisioning', value: String(decl.blockProvisioning), location: loc });
    // Persist says which entity type the change set is for; User, the common case, stays implicit.
    if (entityType !== 'User') args.push({ name: 'entityType', value: entityType, location: loc });
  }
  return {
    kind: 'service',
    id: '0',
    name: template.name,
    application: NETWRIX_APPLICATION,
    op: template.op!,
    arguments: args,
    // A creation gets its User identifier from the first Persist; later activities work on that User.
    // A draft's change set comes back with the birthright recalculation in it (docs/lifecycle.md), for the Review.
    returns:
      template.op === 'continueWith'
        ? []
        : [
            { from: WORKFLOW_VARIABLES.subject, to: WORKFLOW_VARIABLES.subject, location: loc },
            { from: WORKFLOW_VARIABLES.changes, to: WORKFLOW_VARIABLES.changes, location: loc },
          ],
    variables: [],
    location: loc,
  };
}

function processVariables(location: SourceLocation): VariableDecl[] {
  const v = (name: string, initial?: Expr): VariableDecl => ({
    name,
    ...(initial ? { initial } : {}),
    input: true,
    output: false,
    external: false,
    scope: 'local',
    location,
  });
  return [v(WORKFLOW_VARIABLES.changes, { op: 'Map' }), v(WORKFLOW_VARIABLES.message), v(WORKFLOW_VARIABLES.subject)];
}
