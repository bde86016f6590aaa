/**
 * How far the approval a work item belongs to is (docs/approvals.md): "2 of 3 approved". The engine keeps the
 * approval's progress in the instance state and tells it in the audit record (`approval-started` with the mode and
 * the approvers, `workitem-created` for each approver's item, `workitem-decided` with the decision,
 * `approval-completed`), so My Tasks reads it from there: the same record Workflow Overview shows, nothing new stored.
 */
import { isApproval } from '../access/four-eyes.js';
import type { WorkItemView } from '../engine/engine-api.js';
import type { XValue } from '../expression/env.js';
import type { Repository } from '../repository/repository.js';
import type { StoredAuditEvent } from '../repository/runtime-store.js';

export interface ApprovalProgress {
  /** any | serial | parallel */
  readonly mode: string;
  /** Approvers the approval asks (or will ask, serial). */
  readonly approvers: number;
  readonly approved: number;
  readonly completed: boolean;
}

/** The words the approval counts as approving (src/engine/interpreter/approval-items.ts). */
const APPROVING = /^(approve|approved|accept|yes|ok)$/i;

/**
 * The progress of the approval that put up work item `itemId`, from an instance's audit record (oldest first). One
 * commit writes an approval's `approval-started` and its first items' `workitem-created` together, in no promised
 * order, so an item belongs to the `approval-started` of its activity in the same run of creation events, else to
 * the last one before it (a serial approval's later items). A still-open approval started again (after a Refine's
 * feedback) goes on where it stood, as the engine does.
 */
export function approvalProgressOf(events: readonly StoredAuditEvent[], itemId: string): ApprovalProgress | undefined {
  interface Run {
    readonly mode: string;
    readonly approvers: number;
    readonly items: Set<string>;
    completed: boolean;
  }
  const creation = (e: StoredAuditEvent) => e.event === 'workitem-created' || e.event === 'approval-started';
  // The approval each approval-started event opens (undefined when it resolved nobody: offered by permission).
  const runAt = new Map<number, Run | undefined>();
  const open = new Map<string, Run>();
  events.forEach((e, i) => {
    const activity = e.activity ?? '';
    if (e.event === 'approval-started') {
      const data = (e.data ?? {}) as Record<string, XValue>;
      const approvers = Array.isArray(data.approvers) ? data.approvers.length : 0;
      const resumed = open.get(activity);
      const run = approvers === 0 ? undefined : resumed && resumed.approvers === approvers ? resumed : { mode: typeof data.mode === 'string' ? data.mode : 'any', approvers, items: new Set<string>(), completed: false };
      runAt.set(i, run);
      if (run) open.set(activity, run);
      else open.delete(activity);
    } else if (e.event === 'approval-completed') {
      const run = open.get(activity);
      if (run) run.completed = true;
      open.delete(activity);
    }
  });
  // The last approval-started of the item's activity up to the end of the item's run of creation events.
  const runOf = (i: number): Run | undefined => {
    let to = i;
    while (to < events.length - 1 && creation(events[to + 1]!)) to++;
    for (let j = to; j >= 0; j--) {
      if (events[j]!.event === 'approval-started' && events[j]!.activity === events[i]!.activity) return runAt.get(j);
    }
    return undefined;
  };
  let mine: Run | undefined;
  const byItem = new Map<string, Run>();
  events.forEach((e, i) => {
    if (e.event !== 'workitem-created' || !e.workItemId) return;
    const run = runOf(i);
    if (!run) return;
    run.items.add(e.workItemId);
    byItem.set(e.workItemId, run);
    if (e.workItemId === itemId) mine = run;
  });
  if (!mine) return undefined;
  let approved = 0;
  for (const e of events) {
    if (e.event === 'workitem-decided' && e.workItemId && byItem.get(e.workItemId) === mine && APPROVING.test(String((e.data as Record<string, XValue> | undefined)?.decision ?? ''))) approved++;
  }
  const run: Run = mine;
  return { mode: run.mode, approvers: run.approvers, approved, completed: run.completed };
}

/** "2 of 3 approved" (parallel, serial), "any one of 3 approvers" (any). */
export function approvalProgressText(p: ApprovalProgress): string {
  if (p.mode === 'any') return `any one of ${p.approvers} approver${p.approvers === 1 ? '' : 's'} decides`;
  return `${p.approved} of ${p.approvers} approved (${p.mode})`;
}

/** The progress of each approval item among `items`, by item id: one audit read per instance holding one. */
export async function approvalProgressOfItems(repository: Repository, items: readonly WorkItemView[]): Promise<Map<string, ApprovalProgress>> {
  const out = new Map<string, ApprovalProgress>();
  const byInstance = new Map<string, WorkItemView[]>();
  for (const item of items) {
    if (!isApproval(item)) continue;
    byInstance.set(item.instanceId, [...(byInstance.get(item.instanceId) ?? []), item]);
  }
  for (const [instanceId, held] of byInstance) {
    const events = await repository.runtime.listAudit({ instanceId, limit: 10_000 });
    for (const item of held) {
      const p = approvalProgressOf(events, item.id);
      if (p) out.set(item.id, p);
    }
  }
  return out;
}
