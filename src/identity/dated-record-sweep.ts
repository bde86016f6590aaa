/**
 * Future-dated records taking effect on their date. A record written with a `valid_from` in the future changes
 * nothing on the targets until then; the worker's round calls {@link applyDueRecords}, which computes what the
 * record changes in the identity's account attributes from the moment before its date to its date, writes the
 * provisioning orders that implies, and marks the record applied, as one compare-and-set on the identity (a
 * conflict leaves it due for the next round). Order keys derive from the record's id, so two workers that reach the
 * same record write its orders once.
 */
import type { XValue } from '../expression/env.js';
import type { IdentityRecordRow } from './identity-rows.js';
import type { IdentityStore } from './identity-store.js';
import { accountAttributes, changedAttributes, identityView } from './identity-view.js';
import type { IdentityWrite, ProvisioningOrderInsert } from './identity-write.js';
import { stableId } from './stable-id.js';

/** Plans the write that applies one due record; undefined when its identity is gone. */
export async function planDueRecord(store: IdentityStore, record: IdentityRecordRow, now: number): Promise<IdentityWrite | undefined> {
  const snap = await store.findIdentity(record.identityId);
  if (!snap) return undefined;
  const manager = snap.identity.managerId ? ((await store.findIdentity(snap.identity.managerId))?.identity.login ?? null) : null;
  const before = accountAttributes(identityView(snap.identity, snap.records, record.validFrom - 1, manager));
  const after = accountAttributes(identityView(snap.identity, snap.records, record.validFrom, manager));
  const changed = changedAttributes(before, after);
  const orders: ProvisioningOrderInsert[] = [];
  if (snap.identity.state === 'active' && Object.keys(changed).length > 0) {
    const key = `sweep:${record.id}`;
    for (const account of snap.accounts) {
      if (account.state === 'deleted') continue;
      const n = orders.length + 1;
      orders.push({
        id: stableId(`${key}#order#${n}`),
        identityId: snap.identity.id,
        connector: account.connector,
        operation: 'update',
        payload: { attributes: JSON.parse(JSON.stringify(changed)) as XValue },
        resourceId: null,
        assignmentId: null,
        idempotencyKey: `${key}#${n}`,
        notBefore: now,
        instanceId: null,
        wait: false,
        createdAt: now,
      });
    }
  }
  return {
    identity: { ...snap.identity, revision: snap.identity.revision + 1, updatedAt: now },
    expectedRevision: snap.identity.revision,
    markApplied: [record.id],
    orders,
    at: now,
  };
}

/** Applies up to `limit` records whose date has come; returns how many it applied. */
export async function applyDueRecords(store: IdentityStore, now: number, limit: number): Promise<number> {
  const due = await store.dueRecords(now, limit);
  let applied = 0;
  // One identity's records one after the other (each write moves its revision); different identities together.
  const byIdentity = new Map<string, IdentityRecordRow[]>();
  for (const r of due) byIdentity.set(r.identityId, [...(byIdentity.get(r.identityId) ?? []), r]);
  for (const records of byIdentity.values()) {
    for (const r of records) {
      const write = await planDueRecord(store, r, now);
      if (!write) continue;
      const [status] = await store.apply([write]);
      if (status === 'committed') applied += 1;
      else break;
    }
  }
  return applied;
}
