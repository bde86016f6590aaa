/**
 * A launch's first decision (`LaunchRequest.firstDecision`, the HR feed's `firstTransition`), fired by the worker
 * that starts the instance, in the same advance and the same commit: the launch runs to its first wait, the launcher
 * decides the work item it finds there (checked by the same authorisation module as any decision, with the same
 * `decision` audit row), and the run goes on to its next wait or its end. One commit per instance instead of a
 * launch commit, a read of the item and a decision commit; the batch commit of the worker round takes many of them.
 * When no item of that kind comes up, or the launcher may not decide it, the instance is left waiting where it came
 * to rest, and a `launch-decision-skipped` audit row says why.
 */
import { toCaller } from '../access/caller.js';
import { IdentityOverlay } from '../identity/identity-overlay.js';
import type { AuditRecord, InstanceRecord, InstanceWrite, LaunchDecision, WorkItemRecord } from '../repository/runtime-store.js';
import type { LoadedDefinition } from './definition-cache.js';
import type { EngineContext } from './engine-context.js';
import type { AdvanceOutcome, WorkItemSpec } from './interpreter/interpreter-types.js';
import { auditBase, decisionAudit } from './outcome-write.js';
import { dueIfOrdersSettled } from './provisioning-waits.js';
import { makeRunContext } from './run-context.js';

export interface FiredLaunch {
  /** The first advance and the decided one, as one outcome over the `ready` row. */
  readonly outcome: AdvanceOutcome;
  /** Goes right after the `workitem-created` row of `workItemId` (a skip: at the end). */
  readonly audit: AuditRecord;
  readonly workItemId?: string;
}

/** The item a launch decision is for: of its activity (or template state) when it names one, offering the decision. */
export function launchDecisionItem<T extends Pick<WorkItemSpec, 'activity' | 'decisions'>>(items: readonly T[], d: LaunchDecision): T | undefined {
  const at = d.activity;
  // Inline predicates, not a named one: see run-context.ts on closures made per advance.
  if (at === undefined) return items.find((i) => i.decisions.some((x) => x.name === d.decision));
  return items.find((i) => (i.activity === at || i.activity.endsWith(`/${at}`)) && i.decisions.some((x) => x.name === d.decision));
}

/** Fires `before.launchDecision` on the outcome of the instance's first advance (`first`, not yet written). */
export async function fireLaunchDecision(
  ctx: EngineContext,
  definition: LoadedDefinition,
  before: InstanceRecord,
  first: AdvanceOutcome,
  now: number,
): Promise<FiredLaunch> {
  const d = before.launchDecision!;
  if (first.status !== 'waiting' || first.checkpoint) {
    return skippedLaunch(before, first, now, first.status === 'waiting' ? 'the launch did not come to rest before its work budget was spent' : `the launch ${first.status} before any work item`);
  }
  const spec = launchDecisionItem(first.createWorkItems, d);
  if (!spec) {
    const where = d.activity !== undefined ? ` in ${d.activity}` : '';
    return skippedLaunch(before, first, now, `the launch waits on no work item${where} offering ${d.decision}`);
  }
  // The item as a view shows it (what the authorisation module reads): created by this advance, not yet written.
  const item = {
    id: spec.id,
    activity: spec.activity,
    owner: spec.owner,
    decisions: spec.decisions,
    ...(spec.permission !== undefined && { permission: spec.permission }),
    ...(spec.delegatedFrom !== undefined && { delegatedFrom: spec.delegatedFrom }),
  };
  const caller = toCaller(before.launcher);
  // The launcher and the subject as the first advance leaves them: the decision is checked as engine.decide checks it.
  const verdict = await ctx.access.mayDecide(caller, item, before);
  if (!verdict.allowed) return skippedLaunch(before, first, now, verdict.reason, { workItemId: item.id });
  const actor = caller.person;
  const audit = decisionAudit(before, item, actor, now, {
    decision: d.decision,
    as: verdict.as ?? 'owner',
    launch: true,
    ...(d.comment !== undefined && { comment: d.comment }),
  });
  // No checkpoints inside: the first advance is not written yet, so there is nothing a checkpoint could go over.
  const runCtx = makeRunContext(ctx, before, now);
  // The decided run sees what the first advance's steps planned for the identity store, as one advance would.
  if (runCtx.identities instanceof IdentityOverlay) {
    for (const e of first.effects) if (e.kind === 'identity') await runCtx.identities.stage(e.write);
  }
  const second = await ctx.interpreter.resume(
    definition.object,
    first.state,
    { kind: 'decision', workItemId: item.id, decision: d.decision, actor, variables: {}, ...(d.comment !== undefined && { comment: d.comment }) },
    runCtx,
  );
  const kind = item.decisions.find((x) => x.name === d.decision)?.kind ?? 'complete';
  // As for any decision: the interpreter closes the decided item; should it not, the runtime does.
  const closes =
    second.closeWorkItems.some((c) => c.id === item.id) || kind === 'save'
      ? second.closeWorkItems
      : [...second.closeWorkItems, { id: item.id, reason: 'decided' as const, decision: d.decision, actor, ...(d.comment !== undefined && { comment: d.comment }) }];
  const rested = await dueIfOrdersSettled(ctx, { ...second, closeWorkItems: closes }, now);
  return {
    outcome: {
      ...rested,
      // Created before closed in one write: the store inserts an instance's items before it closes any.
      createWorkItems: [...first.createWorkItems, ...rested.createWorkItems],
      closeWorkItems: [...first.closeWorkItems, ...rested.closeWorkItems],
      effects: [...first.effects, ...rested.effects],
      steps: first.steps + rested.steps,
    },
    audit,
    workItemId: item.id,
  };
}

/** The launch left as its first advance left it, with the `launch-decision-skipped` row saying why. */
function skippedLaunch(before: InstanceRecord, first: AdvanceOutcome, now: number, reason: string, extra: Record<string, string> = {}): FiredLaunch {
  const d = before.launchDecision!;
  return {
    outcome: first,
    audit: { ...auditBase(before), at: now, event: 'launch-decision-skipped', actor: before.launcher, data: { decision: d.decision, ...(d.activity !== undefined && { activity: d.activity }), reason, ...extra } },
  };
}

/** The audit rows of a write with the decision's row placed after the creation of the item it decides. */
export function placeDecisionAudit(rows: readonly AuditRecord[], fired: FiredLaunch): AuditRecord[] {
  const out = [...rows];
  const at = fired.workItemId === undefined ? -1 : out.findIndex((a) => a.event === 'workitem-created' && a.workItemId === fired.workItemId);
  if (at < 0) out.push(fired.audit);
  else out.splice(at + 1, 0, fired.audit);
  return out;
}

/**
 * The instance's write with the items it creates and decides in the same commit written decided at once (one insert
 * instead of an insert and an update), no "to do" mail for them (nobody could act on it: it was done when it was
 * written), and no close of open items when none is left open. Only for an instance's first advance: every item it
 * has is among those it creates.
 */
export function foldDecidedItems(write: InstanceWrite): InstanceWrite {
  const closes = new Map((write.closeWorkItems ?? []).map((c) => [c.id, c]));
  const created = write.createWorkItems ?? [];
  if (!created.some((i) => closes.has(i.id))) return write;
  const folded: WorkItemRecord[] = created.map((i) => {
    const c = closes.get(i.id);
    if (!c || c.state === 'open') return i;
    return {
      ...i,
      state: c.state,
      ...(c.decision !== undefined && { decision: c.decision }),
      ...(c.decidedBy !== undefined && { decidedBy: c.decidedBy }),
      ...(c.comment !== undefined && { comment: c.comment }),
      ...(c.variables !== undefined && { variables: c.variables }),
      closedAt: c.at,
    };
  });
  const done = new Set(folded.filter((i) => i.state !== 'open').map((i) => i.id));
  const { closeOpenWorkItems, notifications, ...rest } = write;
  const mail = (notifications ?? []).filter((n) => !(n.kind === 'workitem' && n.workItemId !== null && done.has(n.workItemId)));
  return {
    ...rest,
    createWorkItems: folded,
    closeWorkItems: (write.closeWorkItems ?? []).filter((c) => !done.has(c.id)),
    ...(closeOpenWorkItems && folded.some((i) => i.state === 'open') && { closeOpenWorkItems }),
    ...(mail.length > 0 && { notifications: mail }),
  };
}
