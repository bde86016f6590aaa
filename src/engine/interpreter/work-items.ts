/**
 * Manual actions and their work items (reference waveset §2.4; docs/decisions/engine-work-items.md).
 *
 * - Owners: `<Owner name=…>` with `$(var)` substitution or an owner expression; a list gives one work item per
 *   owner. Netwrix waiting states are offered by permission (owner null), except the start state, which belongs
 *   to the launcher, and a state reached by Delegate/Refine, which belongs to the assignee; a ReviewWithFeedback
 *   review that comes back after a Refine belongs to the reviewer who refined it.
 * - Request text: the request expression or literal (with `$(var)`), else the action's title, else the
 *   activity's title or name.
 * - Variables: the exposed ones (all process and activity variables when not restricted, built-ins excluded)
 *   plus the manual action's own variables, copied; editable = the EditableVariables, else all copied names.
 * - Due time: `timeoutExpression`, else `timeout` (positive = minutes, negative = seconds) after ctx.now.
 * - Several owners: the first decision completes the manual action and cancels the sibling items (Waveset "any").
 * - Timeout: every item of the manual action closes as `timeout`; WF_ACTION_TIMEOUT becomes true (false with
 *   ignoreTimeout, which treats the timeout as a normal completion); the activity goes on with its next action
 *   and then its transitions.
 */
import type { ManualActionActionModel, ManualActionModel, OwnerModel } from '../../definition/model/action.js';
import type { ActivityModel } from '../../definition/model/activity.js';
import type { XValue } from '../../expression/env.js';
import { evaluate } from '../../expression/index.js';
import { isBuiltinName, setActionOutcome, WF_WORKITEM_DECISION } from './builtins.js';
import { AssigneeRequiredError, DecisionRefusedError, InstanceFailure, WorkItemNotOpenError } from './interpreter-errors.js';
import type { FrameState, TokenState, WaitState } from './instance-state.js';
import type { ResumeEvent, WorkItemSpec } from './interpreter-types.js';
import { errorMessage } from './messages.js';
import { approvalDecision, approvalOf, approvalTimeout, resumedApprovers, startApproval } from './approval-items.js';
import type { Run } from './run.js';
import { assignPath, copyValue, declareVariables, expandText, resolvePath, Scope, toText } from './variables.js';

/** Who a work item is put up for. */
export interface Owner {
  readonly owner: string | null;
  readonly permission?: string;
  readonly delegatedFrom?: string;
  /** An approval item put up by an escalation. */
  readonly escalated?: boolean;
  /** Put up without a due time (an escalation that found nobody to go to). */
  readonly noDue?: boolean;
}

export async function createWorkItems(
  run: Run,
  token: TokenState,
  frame: FrameState,
  activity: ActivityModel,
  action: ManualActionActionModel,
  scope: Scope,
): Promise<'blocked' | 'done'> {
  if (action.manual.approval && !token.assign) {
    const again = resumedApprovers(token, activity);
    if (again) return putUp(run, token, frame, activity, action, scope, again);
    token.approval = undefined;
    // An approval resolves its approvers (and may end at once, when nobody may approve).
    const first = await startApproval(run, token, frame, activity, action, scope);
    if (first === 'done') return 'done';
    if (first !== 'owners') return putUp(run, token, frame, activity, action, scope, first);
  }
  let owners: Owner[];
  try {
    owners = resolveOwners(run, token, action.manual.owners, scope, activity);
  } catch (e) {
    if (e instanceof InstanceFailure) throw e;
    throw new InstanceFailure('ENGINE_EXPRESSION_FAILED', `activity '${activity.name}': the manual action failed: ${errorMessage(e)}`);
  }
  return putUp(run, token, frame, activity, action, scope, owners);
}

/**
 * Puts up one work item per owner for the manual action: its local variables, request text, due time and exposed
 * variables computed now. `append` adds them to the items the token already waits on (an approval's next approver,
 * a delegation or an escalation) instead of replacing them.
 */
export function putUp(
  run: Run,
  token: TokenState,
  frame: FrameState,
  activity: ActivityModel,
  action: ManualActionActionModel,
  scope: Scope,
  owners: readonly Owner[],
  append = false,
): 'blocked' {
  const manual = action.manual;
  const where = `activity '${activity.name}'`;
  // Work-item-local values: the action's own variables (`<Action manual='true'>` form) and the ManualAction's.
  const local: Record<string, XValue> = scope.local ? { ...scope.local } : {};
  let request: string;
  let dueAt: number | null;
  try {
    declareVariables(manual.variables, local, scope);
    request = requestText(manual, action, activity, scope);
    dueAt = dueTime(run, manual, scope);
  } catch (e) {
    if (e instanceof InstanceFailure) throw e;
    throw new InstanceFailure('ENGINE_EXPRESSION_FAILED', `${where}: the manual action failed: ${errorMessage(e)}`);
  }
  if (owners.length === 0) throw new InstanceFailure('ENGINE_NO_OWNER', `${where}: the manual action has no owner`);
  token.assign = undefined;

  const variables = exposedVariables(manual, new Scope(run, frame, token, local), frame, token, local);
  const editable = manual.editableVariables ? [...manual.editableVariables] : Object.keys(variables);
  const ids = owners.map(() => run.nextWorkItemId());
  for (let i = 0; i < owners.length; i++) {
    const o = owners[i]!;
    const due = o.noDue ? null : dueAt;
    const spec: WorkItemSpec = {
      id: ids[i]!,
      activity: activity.name,
      action: action.name ?? action.id,
      owner: o.owner,
      ...(o.permission !== undefined ? { permission: o.permission } : {}),
      request,
      ...(manual.itemType !== undefined ? { itemType: manual.itemType } : {}),
      variables: i === 0 ? variables : (copyValue(variables) as Record<string, XValue>),
      editable,
      decisions: manual.decisions,
      dueAt: due,
      ...(o.delegatedFrom !== undefined ? { delegatedFrom: o.delegatedFrom } : {}),
      ...(manual.form ? { form: manual.form.name ?? manual.form.id ?? manual.form.type } : {}),
    };
    run.createWorkItems.push(spec);
    const wait: WaitState = {
      token: token.id,
      activity: activity.name,
      action: token.action,
      owner: o.owner,
      decisions: manual.decisions,
      editable,
      dueAt: due,
      group: ids,
      local: i === 0 ? local : (copyValue(local) as Record<string, XValue>),
      ...(activity.template ? { template: true } : {}),
      ...(o.delegatedFrom !== undefined ? { delegatedFrom: o.delegatedFrom } : {}),
      ...(o.escalated ? { escalated: true } : {}),
    };
    run.state.waits[spec.id] = wait;
  }
  token.phase = 'wait';
  token.items = append ? [...(token.items ?? []), ...ids] : ids;
  if (token.record === undefined) {
    token.record = run.state.records.length;
    run.state.records.push({ frame: frame.id, activity: activity.name, step: token.step, enteredAt: run.ctx.now, workItems: [...ids] });
  } else {
    run.state.records[token.record]?.workItems.push(...ids);
  }
  return 'blocked';
}

export function resolveOwners(run: Run, token: TokenState, models: readonly OwnerModel[], scope: Scope, activity: ActivityModel): Owner[] {
  if (token.assign) return [{ owner: token.assign.to, delegatedFrom: token.assign.from }];
  // Feedback given: the review goes back to the reviewer who asked for it, not to every holder of the permission.
  const back = token.returnTo;
  if (back && activity.template?.shortState === 'ReviewPending' && activity.template.activity === back.activity) {
    token.returnTo = undefined;
    return [{ owner: back.to }];
  }
  const out: Owner[] = [];
  for (const m of models) {
    if (m.kind === 'name') addOwners(out, expandText(m.name, scope));
    else if (m.kind === 'expression') addOwners(out, evaluate(m.expression, scope));
    else if (m.requester) out.push({ owner: run.ctx.launcher });
    else out.push({ owner: null, permission: m.permission || activity.template?.permission || '' });
  }
  // The same person named twice gets one item.
  const seen = new Set<string>();
  return out.filter((o) => {
    if (o.owner === null) return true;
    if (seen.has(o.owner)) return false;
    seen.add(o.owner);
    return true;
  });
}

/** The owners a value names: logins, lists of them, objects with a name or accountId. */
function addOwners(out: Owner[], v: XValue | undefined): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) for (const e of v) addOwners(out, e);
  else if (typeof v === 'string') {
    if (v.trim() !== '') out.push({ owner: v.trim() });
  } else if (typeof v === 'object') {
    const name = v['name'] ?? v['accountId'];
    if (typeof name === 'string' && name !== '') out.push({ owner: name });
  } else out.push({ owner: String(v) });
}

function requestText(manual: ManualActionModel, action: ManualActionActionModel, activity: ActivityModel, scope: Scope): string {
  if (manual.requestExpression) return toText(evaluate(manual.requestExpression, scope));
  if (manual.request !== undefined) return toText(expandText(manual.request, scope));
  return action.title ?? activity.title ?? activity.name;
}

/** Positive timeouts are minutes, negative ones seconds (reference waveset §2.4); 0 or none = no due time. */
function dueTime(run: Run, manual: ManualActionModel, scope: Scope): number | null {
  let t: XValue | undefined = manual.timeout;
  if (manual.timeoutExpression) t = evaluate(manual.timeoutExpression, scope);
  const n = typeof t === 'number' ? t : typeof t === 'string' && t.trim() !== '' ? Number(t) : 0;
  if (!Number.isFinite(n) || n === 0) return null;
  return run.ctx.now + (n > 0 ? n * 60_000 : -n * 1000);
}

function exposedVariables(manual: ManualActionModel, scope: Scope, frame: FrameState, token: TokenState, local: Record<string, XValue>): Record<string, XValue> {
  const out: Record<string, XValue> = {};
  if (manual.exposedVariables) {
    for (const name of manual.exposedVariables) out[name] = copyValue(resolvePath(scope, name) ?? null);
  } else {
    for (const [k, v] of Object.entries(frame.vars)) if (!isBuiltinName(k)) out[k] = copyValue(v);
    if (token.vars) for (const [k, v] of Object.entries(token.vars)) out[k] = copyValue(v);
  }
  for (const [k, v] of Object.entries(local)) out[k] = copyValue(v);
  return out;
}

export function manualOf(run: Run, frame: FrameState, wait: WaitState): { activity: ActivityModel; action: ManualActionActionModel } {
  const activity = run.activity(frame, wait.activity);
  const action = activity.actions[wait.action];
  if (action?.kind !== 'manual') throw new InstanceFailure('ENGINE_STATE_INVALID', `activity '${wait.activity}' has no manual action ${wait.action}`);
  return { activity, action };
}

/** A person decided a work item. Throws (and changes nothing) when the item or decision is not acceptable. */
export function applyDecision(run: Run, event: Extract<ResumeEvent, { kind: 'decision' }>): void {
  const wait = run.state.waits[event.workItemId];
  if (!wait) throw new WorkItemNotOpenError(event.workItemId, run.state.instanceId);
  let kind: 'complete' | 'save' | 'assign' = 'complete';
  if (wait.decisions.length > 0) {
    const d = wait.decisions.find((x) => x.name === event.decision);
    if (!d) throw new DecisionRefusedError(event.workItemId, event.decision, wait.decisions.map((x) => x.name));
    kind = d.kind;
  } else if (typeof event.decision !== 'string' || event.decision === '') {
    throw new DecisionRefusedError(event.workItemId, String(event.decision), ['any non-empty decision']);
  }
  if (kind === 'assign' && !event.assignee) throw new AssigneeRequiredError(event.workItemId, event.decision);
  const token = run.token(wait.token);
  if (!token) throw new WorkItemNotOpenError(event.workItemId, run.state.instanceId);
  const frame = run.frame(token.frame);
  const { activity, action } = manualOf(run, frame, wait);
  const scope = new Scope(run, frame, token);

  // Only editable variables come back; the manual action's own variables stay with the item (for Returns).
  for (const name of wait.editable) {
    if (!Object.hasOwn(event.variables, name)) continue;
    const v = copyValue(event.variables[name]!);
    if (Object.hasOwn(wait.local, name)) wait.local[name] = v;
    else assignPath(scope, name, v);
  }

  if (kind === 'save') {
    const variables = exposedVariables(action.manual, new Scope(run, frame, token, wait.local), frame, token, wait.local);
    run.closeWorkItems.push({ id: event.workItemId, reason: 'saved', actor: event.actor, variables, ...(event.comment !== undefined ? { comment: event.comment } : {}) });
    return;
  }

  // An approval decides for itself whether this decision ends the manual action (docs/approvals.md).
  const approval = approvalOf(token, wait) ? approvalDecision(run, event, wait, token, frame, activity, action, kind) : 'not-approval';
  if (approval === 'waiting') return;
  if (approval !== 'finished') {
    run.closeWorkItems.push({
      id: event.workItemId,
      reason: 'decided',
      decision: event.decision,
      actor: event.actor,
      ...(event.comment !== undefined ? { comment: event.comment } : {}),
    });
    for (const sibling of wait.group) {
      if (sibling === event.workItemId || !run.state.waits[sibling]) continue;
      run.closeWorkItems.push({ id: sibling, reason: 'cancelled' });
      delete run.state.waits[sibling];
    }
    delete run.state.waits[event.workItemId];
  }

  for (const r of [...action.manual.returns, ...action.returns]) {
    const v = Object.hasOwn(wait.local, r.from) ? wait.local[r.from]! : (resolvePath(scope, r.from) ?? null);
    assignPath(scope, r.to, v);
  }
  setActionOutcome(frame.vars, { result: event.decision });
  frame.vars[WF_WORKITEM_DECISION] = event.decision;
  token.decision = event.decision;
  const rec = token.record !== undefined ? run.state.records[token.record] : undefined;
  if (rec) {
    rec.decision = event.decision;
    rec.actor = event.actor;
    if (event.comment !== undefined) rec.comment = event.comment;
  }
  token.items = undefined;
  token.phase = 'actions';
  token.action++;
  if (kind === 'assign') {
    token.assign = { to: event.assignee!, from: event.actor };
    if (activity.template?.template === 'ReviewWithFeedback' && activity.template.shortState === 'ReviewPending') {
      token.returnTo = { to: event.actor, activity: activity.template.activity };
    }
    // Without a transition for the verb (plain Waveset delegation), the same manual action goes to the assignee.
    if (!activity.transitions.some((t) => t.decision === event.decision)) token.action--;
  }
  run.queue.push(token);
}

/**
 * Timers: every open work item whose due time has come times out, one manual action at a time; an approval's item
 * escalates instead (docs/approvals.md).
 */
export async function applyTimers(run: Run): Promise<void> {
  const due = Object.entries(run.state.waits)
    .filter(([, w]) => w.dueAt !== null && w.dueAt <= run.ctx.now)
    .sort(([a, wa], [b, wb]) => wa.dueAt! - wb.dueAt! || (a < b ? -1 : a > b ? 1 : 0));
  for (const [id, wait] of due) {
    if (!run.state.waits[id]) continue;
    const token = run.token(wait.token);
    if (token && approvalOf(token, wait)) {
      await approvalTimeout(run, id, wait, token);
      continue;
    }
    for (const sibling of wait.group) {
      if (!run.state.waits[sibling]) continue;
      run.closeWorkItems.push({ id: sibling, reason: 'timeout' });
      delete run.state.waits[sibling];
    }
    if (!token) continue;
    const frame = run.frame(token.frame);
    const { activity, action } = manualOf(run, frame, wait);
    const ignore = action.manual.ignoreTimeout;
    setActionOutcome(frame.vars, { timeout: !ignore });
    if (!ignore) run.state.messages.push(`${activity.name}: work item ${wait.group.join(', ')} timed out`);
    const rec = token.record !== undefined ? run.state.records[token.record] : undefined;
    if (rec) rec.timedOut = true;
    token.items = undefined;
    token.phase = 'actions';
    token.action++;
    run.queue.push(token);
  }
}

/** Earliest due time of an open work item. */
export function earliestDue(run: Run): number | null {
  let min: number | null = null;
  for (const w of Object.values(run.state.waits)) if (w.dueAt !== null && (min === null || w.dueAt < min)) min = w.dueAt;
  return min;
}
