/**
 * Netwrix template activities at run time (reference netwrix §3, DESIGN "The Netwrix dialect on idflow's model").
 *
 * A template activity is compiled into one process activity per template state. At run time:
 * - a waiting state (ActionPending, RefinePending, ReviewPending) puts one work item up, offering exactly the
 *   template's verbs for that state ({@link TEMPLATE_VERBS}); the process's start state belongs to the launcher
 *   (the requester), the others are offered by permission, a Delegate/Refine hands the next one to the assignee;
 * - a decision moves to the state named by the transition carrying that `decision`;
 * - a system state (Persist-Invoked, PersistOnlyResources-Invoked, ContinueWith-Invoked) runs its
 *   `idflow.netwrix` operation and leaves by its `Invoke` transition;
 * - entering Declined / Aborted (/ Purged) ends the instance with that outcome.
 * When the model already holds the manual or service action, it is used (with the template's verbs);
 * otherwise the action is synthesised here, once per activity model.
 */
import type { ActionModel, DecisionModel, ManualActionActionModel, ServiceActionModel } from '../../definition/model/action.js';
import type { ActivityModel } from '../../definition/model/activity.js';
import type { NetwrixActivityDecl, ProcessObject } from '../../definition/model/objects.js';
import { NETWRIX_APPLICATION } from '../../services/netwrix-operations.js';

const d = (name: string, kind: DecisionModel['kind'] = 'complete'): DecisionModel => Object.freeze({ name, kind });
const SAVE = d('Save', 'save');

/** The verbs each waiting state offers (Purge is an administrator operation on an ended instance, not a verb). */
export const TEMPLATE_VERBS: Readonly<Record<string, readonly DecisionModel[]>> = Object.freeze({
  'Action-ActionPending': [SAVE, d('Execute'), d('Abort')],
  'ActionWithRefine-ActionPending': [SAVE, d('Execute'), d('Delegate', 'assign'), d('Abort')],
  'ActionWithRefine-RefinePending': [SAVE, d('Delegate', 'assign'), d('Execute'), d('Abort')],
  'Review-ReviewPending': [SAVE, d('Approve'), d('Decline'), d('Abort')],
  'ReviewWithFeedback-ReviewPending': [SAVE, d('Approve'), d('Decline'), d('Refine', 'assign'), d('Abort')],
  'ReviewWithFeedback-RefinePending': [SAVE, d('Delegate', 'assign'), d('Execute')],
});

/** The `idflow.netwrix` operation each system state runs. */
export const SYSTEM_STATE_OPS: Readonly<Record<string, string>> = Object.freeze({
  'Persist-Invoked': 'persist',
  'PersistOnlyResources-Invoked': 'persistOnlyResources',
  'ContinueWith-Invoked': 'continueWith',
});

/** The decision a system state leaves with (matches `…-Invoked-Invoke` transitions carrying `decision='Invoke'`). */
export const INVOKE = 'Invoke';

/** Outcome of entering a state that ends the instance. */
export function endingOutcome(activity: ActivityModel): 'declined' | 'aborted' | 'purged' | undefined {
  const o = activity.template?.outcome;
  if (o === 'declined' || o === 'aborted' || o === 'purged') return o;
  const state = activity.template?.state ?? '';
  if (state.endsWith('-Declined')) return 'declined';
  if (state.endsWith('-Aborted')) return 'aborted';
  if (state.endsWith('-Purged')) return 'purged';
  return undefined;
}

export function isSystemState(activity: ActivityModel): boolean {
  return activity.template !== undefined && Object.hasOwn(SYSTEM_STATE_OPS, activity.template.state);
}

const effective = new WeakMap<ActivityModel, readonly ActionModel[]>();

/**
 * The actions an activity runs: its own, except that template states get their work item or system operation
 * made explicit. `isStart` tells whether the activity is the process's start state (owned by the requester).
 */
export function effectiveActions(activity: ActivityModel, isStart: boolean): readonly ActionModel[] {
  const tpl = activity.template;
  if (!tpl) return activity.actions;
  let actions = effective.get(activity);
  if (actions) return actions;
  const verbs = TEMPLATE_VERBS[tpl.state];
  if (verbs) {
    const existing = activity.actions.find((a): a is ManualActionActionModel => a.kind === 'manual');
    if (existing) {
      actions = activity.actions.map((a) => (a === existing ? { ...existing, manual: { ...existing.manual, decisions: verbs } } : a));
    } else {
      const manual: ManualActionActionModel = {
        kind: 'manual',
        id: String(activity.actions.length),
        name: tpl.state,
        arguments: [],
        returns: [],
        variables: [],
        location: activity.location,
        manual: {
          name: tpl.state,
          owners: [{ kind: 'permission', permission: tpl.permission ?? '', requester: isStart, location: activity.location }],
          ignoreTimeout: false,
          variables: [],
          returns: [],
          decisions: verbs,
          location: activity.location,
        },
      };
      actions = [...activity.actions, manual];
    }
  } else if (isSystemState(activity) && !activity.actions.some((a) => a.kind === 'service')) {
    const service: ServiceActionModel = {
      kind: 'service',
      id: String(activity.actions.length),
      name: tpl.state,
      application: NETWRIX_APPLICATION,
      op: SYSTEM_STATE_OPS[tpl.state]!,
      arguments: [],
      returns: [],
      variables: [],
      location: activity.location,
    };
    actions = [...activity.actions, service];
  } else {
    actions = activity.actions;
  }
  effective.set(activity, actions);
  return actions;
}

/** The Netwrix declaration of a template activity (BlockProvisioning, calledWorkflow), when the root is a Workflow. */
export function netwrixDecl(root: ProcessObject, activity: ActivityModel): NetwrixActivityDecl | undefined {
  if (root.type !== 'Workflow' || !activity.template) return undefined;
  return root.activities.find((a) => a.identifier === activity.template!.activity);
}
