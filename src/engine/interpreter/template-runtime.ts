/**
 * Netwrix template activities at run time (reference netwrix §3, DESIGN "The Netwrix dialect on idflow's model").
 *
 * A template activity is compiled into one process activity per template state. At run time:
 * - a waiting state (ActionPending, RefinePending, ReviewPending) puts one work item up, offering exactly the
 *   template's verbs for that state (compiled into the state's manual action by src/definition/netwrix/); the
 *   process's start state belongs to the launcher
 *   (the requester), the others are offered by permission, a Delegate/Refine hands the next one to the assignee;
 * - a decision moves to the state named by the transition carrying that `decision`;
 * - a system state (Persist-Invoked, PersistOnlyResources-Invoked, ContinueWith-Invoked) runs its
 *   `idflow.netwrix` operation and leaves by its `Invoke` transition;
 * - entering Declined / Aborted (/ Purged) ends the instance with that outcome.
 * The compiler (src/definition/netwrix/compile-workflow.ts) puts each state's work item and system operation in
 * the model, from the one template table (src/definition/netwrix/templates.ts); the interpreter runs them as written.
 */
import type { ActivityModel } from '../../definition/model/activity.js';
import type { NetwrixActivityDecl, ProcessObject } from '../../definition/model/objects.js';
import { parseStateName } from '../../definition/netwrix/templates.js';

/** The decision a system state leaves with (matches `…-Invoked-Invoke` transitions carrying `decision='Invoke'`). */
export const INVOKE = 'Invoke';

/** Outcome of entering a state that ends the instance. */
export function endingOutcome(activity: ActivityModel): 'declined' | 'aborted' | 'purged' | undefined {
  const o = activity.template?.outcome;
  if (o === 'declined' || o === 'aborted' || o === 'purged') return o;
  return undefined;
}

/** A system state (Persist-Invoked, PersistOnlyResources-Invoked, ContinueWith-Invoked): runs without a person. */
export function isSystemState(activity: ActivityModel): boolean {
  return activity.template !== undefined && parseStateName(activity.template.state)?.state.role === 'system';
}

/** A waiting state (…Pending): a person acts on its work item. */
export function isWaitingState(activity: ActivityModel): boolean {
  return activity.template !== undefined && parseStateName(activity.template.state)?.state.role === 'waiting';
}

/** The Netwrix declaration of a template activity (BlockProvisioning, calledWorkflow), when the root is a Workflow. */
export function netwrixDecl(root: ProcessObject, activity: ActivityModel): NetwrixActivityDecl | undefined {
  if (root.type !== 'Workflow' || !activity.template) return undefined;
  return root.activities.find((a) => a.identifier === activity.template!.activity);
}
