/**
 * The lifecycle mechanics as service operations both dialects call (docs/lifecycle.md, docs/waveset-services.md):
 * a Netwrix workflow gets them through Persist and PersistOnlyResources, a Waveset workflow through these ops, under
 * any application or class name (they share the WorkflowServices op namespace).
 * - `birthrightDelta`: what applying a change set to a user would grant and take away by birthright (`add`,
 *   `remove`), with nothing written: what a mover's reviewer is shown;
 * - `offboardUser`: the departure of a user (`endDate`, default the step's day): every assignment removed, every
 *   account disabled on that date and deleted `retentionDays` later (default 30), the manager told.
 * Both name the user by `accountId` (or `subject`, `name`); `changes` is a change set in the Netwrix form
 * (docs/change-sets.md).
 */
import type { ServiceCall, ServiceOperation, ServiceResult } from '../engine/interpreter/interpreter-types.js';
import type { XValue } from '../expression/env.js';
import { IdflowError, InvalidInputError, UnsupportedError } from '../errors.js';
import { parseChangeSetDate } from '../identity/change-set-dates.js';
import type { ChangeSet } from '../identity/change-set.js';
import { IdentityNotFoundError } from '../identity/change-set-errors.js';
import { IdentityOverlay } from '../identity/identity-overlay.js';
import type { IdentityReader } from '../identity/identity-store.js';
import type { IdentityWrite } from '../identity/identity-write.js';
import { readNetwrixChangeSet } from '../identity/netwrix-change-set.js';
import { planChangeSetWithBirthright } from '../identity/plan-change-set.js';

function store(call: ServiceCall): IdentityReader {
  if (!call.identities) throw new UnsupportedError('WAVESET_STORE_UNAVAILABLE', `${call.op} needs the identity store, and this run has no repository`, { op: call.op });
  return call.identities;
}

function user(call: ServiceCall): string {
  for (const arg of ['accountId', 'subject', 'name']) {
    const v = call.args[arg];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  if (call.subject !== undefined) return call.subject;
  throw new InvalidInputError('WAVESET_ARGUMENT_MISSING', `${call.op} needs the user it works on (argument accountId)`, { op: call.op });
}

/**
 * Runs `op` with Waveset's `options` map read as further arguments (an explicit argument wins), turning a coded
 * refusal (an unknown user, a bad change set) into the action's error.
 */
function refusing(op: ServiceOperation): ServiceOperation {
  return async (call) => {
    const options = call.args['options'];
    if (options !== undefined && options !== null && typeof options === 'object' && !Array.isArray(options)) {
      const args: Record<string, XValue> = { ...options };
      for (const [k, v] of Object.entries(call.args)) if (k !== 'options' && (v !== null || !Object.hasOwn(args, k))) args[k] = v;
      call = { ...call, args };
    }
    try {
      return await op(call);
    } catch (e) {
      if (e instanceof IdflowError) return { error: `${e.code}: ${e.message}` };
      throw e;
    }
  };
}

const birthrightDelta: ServiceOperation = async (call) => {
  const login = user(call);
  const identities = store(call);
  if (!(await identities.findIdentity(login))) throw new IdentityNotFoundError(login);
  const changes = call.args['changes'];
  const { birthright } = await planChangeSetWithBirthright(identities, readNetwrixChangeSet(changes === undefined ? null : changes), {
    now: call.now ?? Date.now(),
    idempotencyKey: call.idempotencyKey,
    instanceId: call.instanceId,
    subject: login,
    mode: 'draft',
    provisioning: false,
  });
  return { values: { add: [...birthright.add], remove: [...birthright.remove] } };
};

const offboardUser: ServiceOperation = async (call) => {
  const login = user(call);
  const identities = store(call);
  if (!(await identities.findIdentity(login))) throw new IdentityNotFoundError(login);
  const now = call.now ?? Date.now();
  const endDate = call.args['endDate'];
  const leaveAt = endDate === undefined || endDate === null || endDate === '' ? Date.parse(new Date(now).toISOString().slice(0, 10)) : parseChangeSetDate(endDate, 'endDate');
  const retention = call.args['retentionDays'];
  const retentionDays = retention === undefined || retention === null || retention === '' ? undefined : Number(retention);
  const changeSet: ChangeSet = { leaveAt, ...(retentionDays !== undefined && { retentionDays }) };
  const { write } = await planChangeSetWithBirthright(identities, changeSet, {
    now,
    idempotencyKey: call.idempotencyKey,
    instanceId: call.instanceId,
    subject: login,
    mode: 'persist',
    provisioning: true,
    wait: call.args['wait'] === true || call.args['wait'] === 'true',
  });
  call.emit({ kind: 'identity', write });
  if (identities instanceof IdentityOverlay) await identities.stage(write);
  await tellManagerOfDeparture(call, write, changeSet);
  call.emit({ kind: 'audit', event: 'changeset:persisted', actor: call.launcher, data: { entityType: 'User', changes: { EndDate: new Date(leaveAt).toISOString().slice(0, 10), ...(retentionDays !== undefined && { RetentionDays: retentionDays }) }, provisioning: true, draft: false, idempotencyKey: call.idempotencyKey } });
  const orderIds = (write.orders ?? []).map((o) => o.id);
  const waited = (write.orders ?? []).filter((o) => o.wait).map((o) => o.id);
  const result: ServiceResult = {
    values: { accountId: write.identity.login, state: write.identity.state, removed: (write.assignments ?? []).filter((a) => a.removedAt !== null).length, orderIds },
  };
  return waited.length > 0 ? { ...result, waitFor: waited } : result;
};

/**
 * A write that sets a departure tells the leaver's manager, through the mail outbox (docs/lifecycle.md): when the
 * accounts are disabled and when they are deleted. No manager, no message.
 */
export async function tellManagerOfDeparture(call: ServiceCall, write: IdentityWrite, changeSet: ChangeSet): Promise<void> {
  if (changeSet.leaveAt === undefined || write.identity.managerId === null || call.identities === undefined) return;
  const manager = (await call.identities.findIdentity(write.identity.managerId))?.identity.login;
  if (manager === undefined) return;
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  const disableAt = Math.max(changeSet.leaveAt, call.now ?? Date.now());
  const deletes = (write.orders ?? []).filter((o) => o.operation === 'delete').map((o) => o.notBefore);
  const removed = (write.assignments ?? []).filter((a) => a.removedAt !== null).length;
  call.emit({
    kind: 'notification',
    to: [manager],
    subject: `${write.identity.login} leaves on ${day(changeSet.leaveAt)}`,
    body:
      `${write.identity.login}, who reports to you, leaves on ${day(changeSet.leaveAt)}. ` +
      `${removed > 0 ? `${removed} access right${removed === 1 ? ' is' : 's are'} removed; ` : ''}` +
      `every account is disabled on ${day(disableAt)}` +
      (deletes.length > 0 ? ` and deleted on ${day(Math.min(...deletes))}.` : '.'),
  });
}

export const LIFECYCLE_OPERATIONS: Readonly<Record<string, ServiceOperation>> = Object.freeze({
  birthrightDelta: refusing(birthrightDelta),
  offboardUser: refusing(offboardUser),
});


