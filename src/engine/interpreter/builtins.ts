/**
 * The built-in workflow variables (reference waveset §2.5). Names are case-sensitive.
 *
 * Stored in the frame's process variables (they change as actions run, and must survive the commit):
 * - `WF_ACTION_ERROR`: null after a successful action; the error message after a failed one (unknown op,
 *   operation error, expression error). Non-null means "the previous action failed".
 * - `WF_ACTION_RESULT`: the previous action's result: a service op's `values` map, an expression action's value,
 *   a subprocess's output map, or `{ error }` after a failure.
 * - `WF_ACTION_SUPPRESSED`: true when the previous action was skipped because its `<Condition>` was false.
 * - `WF_ACTION_TIMEOUT`: true when the previous (manual) action ended by timeout (not with ignoreTimeout).
 * - `WF_WORKITEM_DECISION`: the decision of the last decided work item of this process (idflow addition).
 * - `WF_APPROVAL`: the outcome of the last approval of this process, `{ approved, mode, approvals, error }`
 *   (idflow addition, set by approval-items.ts; absent before the first approval).
 *
 * Computed on lookup (never stored, so they cost nothing in the state):
 * - `WF_CASE_OWNER`: who launched the instance (RunContext.launcher).
 * - `WF_CASE_RESULT`: `{ errors, messages }` collected so far.
 * - `WF_CONTEXT`: `{ instanceId, process, activity, launcher, subject }` (the WorkflowContext, reduced).
 * - `WF_INSTANCE_ID`: the TaskInstance id.
 * - `context`: `{ user, subject, instanceId }` (Waveset's session context, reduced to what idflow has).
 * A process variable of the same name shadows a computed one.
 */
import type { XValue } from '../../expression/env.js';
import type { FrameState, TokenState } from './instance-state.js';
import type { Run } from './run.js';

export const WF_ACTION_ERROR = 'WF_ACTION_ERROR';
export const WF_ACTION_RESULT = 'WF_ACTION_RESULT';
export const WF_ACTION_SUPPRESSED = 'WF_ACTION_SUPPRESSED';
export const WF_ACTION_TIMEOUT = 'WF_ACTION_TIMEOUT';
export const WF_WORKITEM_DECISION = 'WF_WORKITEM_DECISION';
export const WF_CASE_OWNER = 'WF_CASE_OWNER';
export const WF_CASE_RESULT = 'WF_CASE_RESULT';
export const WF_CONTEXT = 'WF_CONTEXT';
export const WF_INSTANCE_ID = 'WF_INSTANCE_ID';
export const CONTEXT = 'context';

/** Stored built-ins; excluded from the variables copied into work items. */
export function isBuiltinName(name: string): boolean {
  return name.startsWith('WF_');
}

export function initStoredBuiltins(vars: Record<string, XValue>): void {
  vars[WF_ACTION_ERROR] = null;
  vars[WF_ACTION_RESULT] = null;
  vars[WF_ACTION_SUPPRESSED] = false;
  vars[WF_ACTION_TIMEOUT] = false;
  vars[WF_WORKITEM_DECISION] = null;
}

/** Records how the last action ended. */
export function setActionOutcome(
  vars: Record<string, XValue>,
  outcome: { readonly error?: string; readonly result?: XValue; readonly suppressed?: boolean; readonly timeout?: boolean },
): void {
  vars[WF_ACTION_ERROR] = outcome.error ?? null;
  vars[WF_ACTION_RESULT] = outcome.error !== undefined ? { error: outcome.error } : (outcome.result ?? null);
  vars[WF_ACTION_SUPPRESSED] = outcome.suppressed === true;
  vars[WF_ACTION_TIMEOUT] = outcome.timeout === true;
}

/** Value of a computed built-in, or undefined when `name` is not one. */
export function computedBuiltin(run: Run, frame: FrameState, token: TokenState | null, name: string): XValue | undefined {
  switch (name) {
    case WF_CASE_OWNER:
      return run.ctx.launcher;
    case WF_INSTANCE_ID:
      return run.state.instanceId;
    case WF_CASE_RESULT:
      return { errors: [...run.state.errors], messages: [...run.state.messages] };
    case WF_CONTEXT:
      return {
        instanceId: run.state.instanceId,
        process: run.processOf(frame).model.name,
        activity: token?.activity ?? null,
        launcher: run.ctx.launcher,
        subject: run.ctx.subject ?? null,
      };
    case CONTEXT:
      return { user: run.ctx.launcher, subject: run.ctx.subject ?? null, instanceId: run.state.instanceId };
    default:
      return undefined;
  }
}
