/**
 * Approvals in the interpreter (docs/approvals.md; decisions approver-resolution.md, approval-modes.md,
 * approval-escalation.md). A manual action with an approval model:
 * - resolves its approvers when it is entered (scheme, four-eyes, fallback) and keeps the approval's progress on
 *   its token (`TokenState.approval`, stored with the instance, so a serial approval survives a restart);
 * - `any`: one item per approver, the first decision decides; `serial`: one item at a time, in order, a rejection
 *   ends it; `parallel`: one item each, all must approve, the first rejection ends it and cancels the rest;
 * - a Delegate without a transition of its own hands one approver's item to the assignee, inside the approval;
 * - an item past due goes to its holder's manager (`escalation='manager'`), or ends the approval unapproved;
 * - when it ends, `WF_APPROVAL` holds `{ approved, mode, approvals, error }` and the audit `approval-completed`.
 */
import { IdflowError } from '../../errors.js';
import type { ManualActionActionModel } from '../../definition/model/action.js';
import type { ActivityModel } from '../../definition/model/activity.js';
import type { XValue } from '../../expression/env.js';
import { ApprovalSchemeError } from '../../approvals/approval-errors.js';
import { parseApprovalMode, type ApprovalMode } from '../../approvals/approval-mode.js';
import { isApproving, type ApprovalDecision, type ApprovalOutcome } from '../../approvals/approval-record.js';
import { EMPTY_DIRECTORY, type ApproverDirectory } from '../../approvals/approver-directory.js';
import { escalationTarget, isOneOf, resolveApprovers } from '../../approvals/resolve-approvers.js';
import { readNetwrixChangeSet } from '../../identity/netwrix-change-set.js';
import { setActionOutcome, WF_WORKITEM_DECISION } from './builtins.js';
import type { FrameState, TokenState, WaitState } from './instance-state.js';
import type { ResumeEvent } from './interpreter-types.js';
import type { Run } from './run.js';
import { expandText, Scope, toText } from './variables.js';
import { manualOf, putUp, resolveOwners, type Owner } from './work-items.js';

/** The built-in variable an approval leaves its outcome in. */
export const WF_APPROVAL = 'WF_APPROVAL';

type DecisionEvent = Extract<ResumeEvent, { kind: 'decision' }>;

/**
 * Starts the approval of the manual action: the first owners to put items up for; `done` when it ended at once
 * (nobody may approve, a bad scheme: not approved, the action's WF_ACTION_ERROR says why); `owners` to offer the
 * item as the action's owners say (a Netwrix Review's permission, when its approval found nobody).
 */
export async function startApproval(
  run: Run,
  token: TokenState,
  frame: FrameState,
  activity: ActivityModel,
  action: ManualActionActionModel,
  scope: Scope,
): Promise<Owner[] | 'done' | 'owners'> {
  const manual = action.manual;
  const model = manual.approval!;
  const directory = run.ctx.approvers ?? EMPTY_DIRECTORY;
  let mode: ApprovalMode = 'any';
  try {
    const text = (v: string | undefined): string | undefined => {
      if (v === undefined) return undefined;
      const t = toText(expandText(v, scope)).trim();
      return t === '' ? undefined : t;
    };
    mode = parseApprovalMode(text(model.mode));
    const escalation = (text(model.escalation) ?? 'manager').toLowerCase();
    if (escalation !== 'manager' && escalation !== 'none') throw new ApprovalSchemeError(`escalation '${escalation}' is not manager or none`);
    let subject = text(model.subject) ?? (activity.template ? text('$(subject)') : undefined) ?? run.ctx.subject;
    if (subject !== undefined && directory.loginOf) subject = (await directory.loginOf(subject)) ?? subject;
    const requesters = [run.ctx.launcher, ...(manual.requester !== undefined ? [text(manual.requester) ?? ''] : [])];
    const scheme = text(model.scheme);
    // Without a scheme, a Waveset action's own <Owner>s are the approvers.
    const direct =
      scheme === undefined && !model.offerByPermission && manual.owners.length > 0
        ? resolveOwners(run, token, manual.owners, scope, activity).flatMap((o) => (o.owner !== null ? [o.owner] : []))
        : undefined;
    const fallback = text(model.fallback);
    const resource = text(model.resource);
    // A Netwrix Review without ApprovalResource: the resources its change set adds or removes.
    const resources = resource === undefined && activity.template ? changeSetResources(frame.vars['changes']) : undefined;
    const resolved = await resolveApprovers(
      {
        ...(scheme !== undefined && { scheme }),
        ...(direct !== undefined && { owners: direct }),
        ...(subject !== undefined && { subject }),
        ...optional('resource', resource),
        ...(resources !== undefined && resources.length > 0 && { resources }),
        ...optional('profile', text(model.profile)),
        ...optional('person', text(model.person)),
        ...optional('fallback', fallback),
        requesters,
      },
      directory,
    );
    const forbidden = [...requesters, ...(subject !== undefined ? [subject] : [])].filter((p) => p !== '');
    const approvers = [...resolved.approvers];
    token.approval = {
      activity: activity.name,
      mode,
      pending: mode === 'serial' ? approvers.slice(1) : [],
      decisions: [],
      forbidden,
      escalate: escalation === 'manager',
      ...(fallback !== undefined && { fallback }),
    };
    audit(run, activity, 'approval-started', {
      mode,
      approvers,
      excluded: [...resolved.excluded],
      ...(resolved.fallback && { fallback: true }),
    });
    return (mode === 'serial' ? approvers.slice(0, 1) : approvers).map((owner) => ({ owner }));
  } catch (e) {
    // What the approval itself refuses (and its `$(var)` texts); anything else, a storage error above all, is not
    // the approval's outcome and goes up to be retried or to fail the advance.
    if (!(e instanceof IdflowError) || !/^(APPROVAL|XPRESS)_/.test(e.code)) throw e;
    const message = `${e.code}: ${e.message}`;
    if (model.offerByPermission) {
      // A Review keeps its vendor meaning when its approval finds nobody: offered by its permission.
      audit(run, activity, 'approval-started', { mode, approvers: [], offeredBy: 'permission', reason: message });
      return 'owners';
    }
    run.state.errors.push(`${activity.name}: ${message}`);
    const outcome: ApprovalOutcome = { approved: false, mode, approvals: [], error: message };
    frame.vars[WF_APPROVAL] = outcome as unknown as XValue;
    setActionOutcome(frame.vars, { error: message });
    audit(run, activity, 'approval-completed', outcome as unknown as Record<string, XValue>);
    return 'done';
  }
}

/** The approval the item belongs to, if it is one (a token keeps its approval across a Refine's feedback). */
export function approvalOf(token: TokenState | undefined, wait: WaitState): TokenState['approval'] {
  return token?.approval && token.approval.activity === wait.activity ? token.approval : undefined;
}

/**
 * Whom to ask when an approval's Review is reached again after a Refine's feedback; undefined when the approval
 * starts afresh (it is not this activity's, or nobody is to be asked again).
 */
export function resumedApprovers(token: TokenState, activity: ActivityModel): Owner[] | undefined {
  const a = token.approval;
  if (!a || a.activity !== activity.name || !a.resume || a.resume.length === 0) return undefined;
  const again = a.resume;
  a.resume = undefined;
  // The reviewer is asked again by the approval itself, not by the ordinary return to the reviewer.
  token.returnTo = undefined;
  return again.map((owner) => ({ owner }));
}

/**
 * A decision on an approval item. `waiting`: the approval goes on (the next serial approver, the other parallel
 * ones, a delegate); `finished`: it ended, items closed, WF_APPROVAL set, the manual action completes with this
 * decision; `not-approval`: the decision leaves the approval (a verb with a transition of its own, like Refine)
 * and completes the manual action the ordinary way.
 */
export function approvalDecision(
  run: Run,
  event: DecisionEvent,
  wait: WaitState,
  token: TokenState,
  frame: FrameState,
  activity: ActivityModel,
  action: ManualActionActionModel,
  kind: 'complete' | 'assign',
): 'waiting' | 'finished' | 'not-approval' {
  const a = token.approval!;
  const id = event.workItemId;
  if (kind === 'assign') {
    if (activity.transitions.some((t) => t.decision === event.decision)) {
      // A Refine: the feedback comes back to this reviewer (and to the others whose items it cancels), and the
      // approval goes on where it stood when the Review is reached again.
      const others = openItems(run, token).filter((x) => x !== id).map((x) => run.state.waits[x]!.owner).filter((o): o is string => o !== null);
      a.resume = [event.actor, ...others.filter((o) => o !== event.actor)];
      cancelOthers(run, token, id);
      return 'not-approval';
    }
    close(run, token, id, event);
    // Still the same approver's turn: the delegate decides in their place, the original kept on record.
    const original = wait.delegatedFrom ?? wait.owner ?? event.actor;
    putUp(run, token, frame, activity, action, new Scope(run, frame, token), [{ owner: event.assignee!, ...(original !== event.assignee && { delegatedFrom: original }) }], true);
    return 'waiting';
  }
  const approved = isApproving(event.decision);
  const original = wait.delegatedFrom ?? (wait.owner !== null && wait.owner !== event.actor ? wait.owner : null);
  const decision: ApprovalDecision = {
    approver: event.actor,
    decision: event.decision,
    approved,
    comment: event.comment ?? null,
    at: new Date(run.ctx.now).toISOString(),
    delegatedFrom: original,
    escalated: wait.escalated === true,
  };
  a.decisions.push(decision);
  close(run, token, id, event);
  if (approved) {
    if (a.mode === 'serial' && a.pending.length > 0) {
      const next = a.pending.shift()!;
      putUp(run, token, frame, activity, action, new Scope(run, frame, token), [{ owner: next }], true);
      return 'waiting';
    }
    if (a.mode === 'parallel' && openItems(run, token).length > 0) return 'waiting';
  }
  cancelOthers(run, token, id);
  finishApproval(run, token, frame, activity, approved);
  return 'finished';
}

/**
 * An approval item is past due: it goes to its holder's manager (climbing past managers who may not approve), else
 * to the fallback, else it stays with its holder without a further due time. With `escalation='none'` the
 * approval ends unapproved instead, as a timed-out manual action (WF_ACTION_TIMEOUT).
 */
export async function approvalTimeout(run: Run, id: string, wait: WaitState, token: TokenState): Promise<void> {
  const a = token.approval!;
  const frame = run.frame(token.frame);
  const { activity, action } = manualOf(run, frame, wait);
  const holder = wait.owner;
  if (!a.escalate || holder === null) {
    for (const item of token.items ?? []) {
      if (!run.state.waits[item]) continue;
      run.closeWorkItems.push({ id: item, reason: 'timeout' });
      delete run.state.waits[item];
    }
    finishApproval(run, token, frame, activity, false);
    setActionOutcome(frame.vars, { timeout: true });
    // Transitions that go by decision (a Netwrix Review) take the rejecting one.
    const reject = action.manual.decisions.find((d) => d.kind === 'complete' && /^(reject|decline)/i.test(d.name));
    if (reject) {
      frame.vars[WF_WORKITEM_DECISION] = reject.name;
      token.decision = reject.name;
    }
    run.state.messages.push(`${activity.name}: the approval timed out`);
    const rec = token.record !== undefined ? run.state.records[token.record] : undefined;
    if (rec) rec.timedOut = true;
    token.items = undefined;
    token.phase = 'actions';
    token.action++;
    run.queue.push(token);
    return;
  }
  const directory = run.ctx.approvers ?? EMPTY_DIRECTORY;
  let to = await escalationTarget(holder, a.forbidden, directory);
  const viaFallback = to === undefined && a.fallback !== undefined;
  if (to === undefined && a.fallback !== undefined) to = await fallbackPerson(a.fallback, [...a.forbidden, holder], directory);
  run.closeWorkItems.push({ id, reason: 'timeout', ...(to !== undefined && { escalatedTo: to }) });
  delete run.state.waits[id];
  token.items = (token.items ?? []).filter((x) => x !== id);
  const original = wait.delegatedFrom ?? holder;
  const owner: Owner =
    to !== undefined
      ? { owner: to, ...(original !== to && { delegatedFrom: original }), escalated: true }
      : { owner: holder, ...(wait.delegatedFrom !== undefined && { delegatedFrom: wait.delegatedFrom }), ...(wait.escalated && { escalated: true }), noDue: true };
  audit(run, activity, 'approval-escalated', {
    workItemId: id,
    from: holder,
    to: to ?? holder,
    ...(original !== holder && { originalApprover: original }),
    ...(viaFallback && { fallback: true }),
    ...(to === undefined && { reason: `${holder} has no manager who may approve, and no fallback is named: the item stays with ${holder}` }),
  });
  putUp(run, token, frame, activity, action, new Scope(run, frame, token), [owner], true);
}

function finishApproval(run: Run, token: TokenState, frame: FrameState, activity: ActivityModel, approved: boolean): void {
  const a = token.approval!;
  const outcome: ApprovalOutcome = { approved, mode: a.mode, approvals: a.decisions.map((d) => ({ ...d })), error: null };
  frame.vars[WF_APPROVAL] = outcome as unknown as XValue;
  audit(run, activity, 'approval-completed', outcome as unknown as Record<string, XValue>);
  token.approval = undefined;
}

function openItems(run: Run, token: TokenState): string[] {
  return (token.items ?? []).filter((x) => run.state.waits[x] !== undefined);
}

function close(run: Run, token: TokenState, id: string, event: DecisionEvent): void {
  run.closeWorkItems.push({
    id,
    reason: 'decided',
    decision: event.decision,
    actor: event.actor,
    ...(event.comment !== undefined ? { comment: event.comment } : {}),
  });
  delete run.state.waits[id];
  token.items = (token.items ?? []).filter((x) => x !== id);
}

function cancelOthers(run: Run, token: TokenState, except: string): void {
  for (const x of openItems(run, token)) {
    if (x === except) continue;
    run.closeWorkItems.push({ id: x, reason: 'cancelled' });
    delete run.state.waits[x];
  }
  token.items = (token.items ?? []).filter((x) => x === except);
}

/** The fallback as one person: a login, or the first holder (in login order) of a `profile:<name>`. */
async function fallbackPerson(fallback: string, forbidden: readonly string[], directory: ApproverDirectory): Promise<string | undefined> {
  const people = fallback.toLowerCase().startsWith('profile:') ? [...(await directory.profileHolders(fallback.slice('profile:'.length).trim()))].sort() : [fallback];
  return people.find((p) => !isOneOf(p, forbidden));
}

/** The resources a Netwrix change set adds or removes, by name; empty when it names none or cannot be read. */
function changeSetResources(changes: XValue | undefined): string[] {
  if (changes === undefined || changes === null || typeof changes !== 'object' || Array.isArray(changes)) return [];
  try {
    const cs = readNetwrixChangeSet(changes);
    return [...(cs.resources?.add ?? []).map((r) => r.resource), ...(cs.resources?.remove ?? [])];
  } catch {
    // An unreadable change set is Persist's to refuse, with its own error; the approval just finds no resource.
    return [];
  }
}

function audit(run: Run, activity: ActivityModel, event: string, data: Record<string, XValue>): void {
  run.effects.push({ kind: 'audit', event, activity: activity.name, data });
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
