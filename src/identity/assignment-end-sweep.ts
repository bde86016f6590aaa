/**
 * Assignments taking their end on their date (docs/lifecycle.md, "Offboarding"): a leaver whose departure was
 * dated in the future, or a resource given until a date, keeps the assignment until then; the worker's round calls
 * {@link removeEndedAssignments}, which removes every assignment whose `valid_until` has come and takes the group
 * memberships away (`removeMember`), as one compare-and-set per identity (a conflict leaves them due for the next
 * round). Accounts are not disabled here: a leaver's `disable` orders were written with the departure, dated on it.
 * Order keys derive from the assignment ids, so two workers that reach the same assignment write its orders once.
 */
import type { AssignmentRow } from './identity-rows.js';
import type { IdentityStore } from './identity-store.js';
import type { IdentityWrite, ProvisioningOrderInsert } from './identity-write.js';
import { stableId } from './stable-id.js';

/** The write that removes these due assignments of one identity; undefined when the identity is gone. */
export async function planAssignmentEnds(store: IdentityStore, identityId: string, due: readonly AssignmentRow[], now: number): Promise<IdentityWrite | undefined> {
  const snap = await store.findIdentity(identityId);
  if (!snap) return undefined;
  const live = new Set(snap.assignments.map((a) => a.id));
  const ending = due.filter((a) => live.has(a.id));
  const orders: ProvisioningOrderInsert[] = [];
  for (const a of ending) {
    const r = await store.getResource(a.resourceId);
    const account = r?.connector ? snap.accounts.find((x) => x.connector === r.connector) : undefined;
    if (r?.kind !== 'group' || r.targetKey === null || !account || account.state === 'deleted') continue;
    const key = `sweep:assignment-end:${a.id}`;
    orders.push({
      id: stableId(`${key}#order#1`),
      identityId,
      connector: r.connector!,
      operation: 'removeMember',
      payload: { group: r.targetKey },
      resourceId: r.id,
      assignmentId: a.id,
      idempotencyKey: `${key}#1`,
      notBefore: now,
      instanceId: null,
      wait: false,
      createdAt: now,
    });
  }
  return {
    identity: { ...snap.identity, revision: snap.identity.revision + 1, updatedAt: now },
    expectedRevision: snap.identity.revision,
    assignments: ending.map((a) => ({ ...a, removedAt: now, updatedAt: now })),
    orders,
    at: now,
  };
}

/** Removes up to `limit` assignments whose end has come; returns how many it removed. */
export async function removeEndedAssignments(store: IdentityStore, now: number, limit: number): Promise<number> {
  const due = await store.dueAssignmentEnds(now, limit);
  const byIdentity = new Map<string, AssignmentRow[]>();
  for (const a of due) byIdentity.set(a.identityId, [...(byIdentity.get(a.identityId) ?? []), a]);
  let removed = 0;
  for (const [identityId, assignments] of byIdentity) {
    const write = await planAssignmentEnds(store, identityId, assignments, now);
    if (!write) continue;
    const [status] = await store.apply([write]);
    if (status === 'committed') removed += write.assignments?.length ?? 0;
  }
  return removed;
}
