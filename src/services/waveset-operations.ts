/**
 * The Waveset user services (issue 8), under their Waveset names, on the identity store. docs/waveset-services.md
 * gives each one's arguments, results and errors; this comment only says how they are built.
 *
 * - They read through the advance's identity reader (`call.identities`, which sees the writes of earlier steps of
 *   the same advance) and never write: a change is an `identity` effect (an {@link IdentityWrite} planned by
 *   `planChangeSet`, or by {@link accountWrite} for the account-only operations), committed with the instance, as a
 *   compare-and-set on the identity's revision. Provisioning orders go out through that write; no target is called
 *   from here (docs/decisions: no network call inside a step).
 * - Ids and idempotency keys of everything they plan derive from the call's idempotency key, so a replayed step
 *   plans the same rows and the store writes them once.
 * - `checkoutObject` locks the user for the instance with the subject lock (a `subject-lock` effect);
 *   `checkinObject` and `unlockObject` release it; the instance's end releases it at the latest.
 * - A failure is a coded error (`WAVESET_*`, `CHANGESET_*`, `IDENTITY_*`): the action's WF_ACTION_ERROR, and the
 *   step commits nothing of it.
 */
import type { XValue } from '../expression/env.js';
import type { ServiceCall, ServiceOperation, ServiceResult } from '../engine/interpreter/interpreter-types.js';
import type { ChangeSet } from '../identity/change-set.js';
import type { IdentityState, ResourceRow } from '../identity/identity-rows.js';
import type { IdentityReader, IdentitySnapshot } from '../identity/identity-store.js';
import type { IdentityWrite, ProvisioningOrderInsert } from '../identity/identity-write.js';
import { IdentityOverlay } from '../identity/identity-overlay.js';
import { accountAttributes, identityView, presentAttributes } from '../identity/identity-view.js';
import { stableId } from '../identity/stable-id.js';
import { subjectKey } from '../identity/subject-key.js';
import { ConflictError, InvalidInputError, NotFoundError, UnsupportedError } from '../errors.js';
import { birthright } from './waveset-birthright.js';
import { planWavesetChangeSet } from './waveset-plan.js';
import { changeSetOfView, userViewOf, WavesetViewError, withViewChanges } from './waveset-user-view.js';
import type { WavesetLookups } from './waveset-lookups.js';

type Obj = { [key: string]: XValue };

/** The object types the object operations know. */
const OBJECT_TYPES = ['User', 'Resource'] as const;
type ObjectType = (typeof OBJECT_TYPES)[number];

/** The most objects one `queryObjects` returns. */
const QUERY_LIMIT_MAX = 1000;

// ---- the operations ----

/** `getObject`: a user (as its view) or a resource, read-only. */
const getObject: ServiceOperation = async (call) => {
  const type = objectType(call);
  if (type === 'Resource') return { values: { object: resourceObject(await findResource(call, requireName(call))) } };
  const { view } = await readUser(call, requireName(call));
  return { values: { object: view } };
};

/** `checkoutObject`: a user's view, locked for this instance until `checkinObject`, `unlockObject` or its end. */
const checkoutObject: ServiceOperation = async (call) => {
  if (objectType(call) !== 'User') throw new UnsupportedError('WAVESET_OBJECT_TYPE_UNSUPPORTED', 'checkoutObject checks out users only (type User)', { op: call.op });
  const { snapshot, view } = await readUser(call, requireName(call));
  await refuseLocked(call, snapshot);
  call.emit({ kind: 'subject-lock', subjectKey: snapshot.identity.loginKey, hold: true });
  return { values: { object: view } };
};

/** `checkinObject`: applies what the workflow changed in a checked-out user's view, then releases the lock. */
const checkinObject: ServiceOperation = async (call) => {
  const object = call.args['object'] ?? call.args['view'];
  // The lock is on the login the user had when it was checked out: found before a rename changes it.
  const locked = await lockedKey(call, object);
  const result = await commit(call, withViewChanges(object, call.args['changes']), 'object');
  if (locked !== undefined) call.emit({ kind: 'subject-lock', subjectKey: locked, hold: false });
  return { values: { ...result, unlocked: locked !== undefined } };
};

/** `unlockObject`: releases a checkout without changing anything. */
const unlockObject: ServiceOperation = async (call) => {
  const object = call.args['object'] ?? null;
  const name = object !== null ? (viewName(object) ?? requireName(call)) : requireName(call);
  const snapshot = await findUser(call, name);
  const holder = await lookups(call).subjectHolder(snapshot.identity.loginKey);
  if (holder !== undefined && holder !== call.instanceId) {
    throw new ConflictError('WAVESET_OBJECT_LOCKED', `user ${snapshot.identity.login} is checked out by task instance ${holder}, not by this one`, { user: snapshot.identity.login, holder });
  }
  call.emit({ kind: 'subject-lock', subjectKey: snapshot.identity.loginKey, hold: false });
  return { values: { unlocked: true } };
};

/** `getView`: a user's view (`viewId` `User:<name>`, or `type`/`name`, or `accountId`). */
const getView: ServiceOperation = async (call) => {
  const { view } = await readUser(call, viewTarget(call));
  return { values: { view } };
};

/** `commitView`: applies a user view: the changes of an existing user's view, or the whole view of a new user. */
const commitView: ServiceOperation = async (call) => {
  return { values: await commit(call, withViewChanges(call.args['view'] ?? call.args['object'], call.args['changes']), 'view') };
};

/** `queryObjects`: users or resources matching simple attribute conditions, as names (or summaries with `details`). */
const queryObjects: ServiceOperation = async (call) => {
  const type = objectType(call);
  const conditions = conditionsOf(call);
  const limit = limitOf(call);
  const look = lookups(call);
  let objects: Obj[];
  if (type === 'User') {
    const state = conditions['state'];
    const organization = conditions['organization'];
    if (state !== undefined && !['draft', 'active', 'ended'].includes(state)) {
      throw new InvalidInputError('WAVESET_ARGUMENT_INVALID', `queryObjects: state must be draft, active or ended, not ${state}`, { argument: 'conditions.state' });
    }
    const rows = await look.listIdentities({ ...(state !== undefined && { state: state as IdentityState }), ...(organization !== undefined && { organization }), limit });
    objects = rows.map((r) => ({ name: r.login, id: r.id, state: r.state, organization: r.organization, employeeId: r.employeeId }));
  } else {
    const kind = conditions['kind'];
    const connector = conditions['connector'];
    if (kind !== undefined && !['application', 'group', 'device', 'network'].includes(kind)) {
      throw new InvalidInputError('WAVESET_ARGUMENT_INVALID', `queryObjects: kind must be application, group, device or network, not ${kind}`, { argument: 'conditions.kind' });
    }
    const rows = await look.listResources({ ...(kind !== undefined && { kind: kind as ResourceRow['kind'] }), ...(connector !== undefined && { connector }), limit });
    objects = rows.map(resourceObject);
  }
  const names = objects.map((o) => o['name'] ?? null);
  return { values: { objects: isTrue(call.args['details']) ? objects : names, count: objects.length } };
};

/**
 * `provision`: creates the user a view describes (with its resources and their accounts), or gives an existing user
 * the resources named (`resources`) and the accounts they imply.
 */
const provision: ServiceOperation = async (call) => {
  const user = call.args['user'];
  const view = call.args['view'] ?? (user !== null && typeof user === 'object' && !Array.isArray(user) ? user : null);
  if (view !== null) return { values: await commit(call, view, 'view') };
  const resources = resourceList(call);
  if (resources.length === 0) {
    throw new InvalidInputError('WAVESET_ARGUMENT_MISSING', 'provision needs a view (a new user) or resources (for the user accountId)', { op: call.op });
  }
  const snapshot = await userToChange(call, requireName(call));
  return { values: await applyChangeSet(call, snapshot, { resources: { add: resources.map((resource) => ({ resource })) } }) };
};

/**
 * `reProvision`: pushes the user's current attributes to every account it holds (an `update` order each, with every
 * account attribute that has a value), as the stock `Provision` subprocess does after a change.
 */
const reProvision: ServiceOperation = async (call) => {
  const snapshot = await userToChange(call, requireName(call));
  const at = now(call);
  const manager = snapshot.identity.managerId !== null ? ((await reader(call).findIdentity(snapshot.identity.managerId))?.identity.login ?? null) : null;
  const { login: _login, ...attributes } = presentAttributes(accountAttributes(identityView(snapshot.identity, snapshot.records, at, manager)));
  return { values: await accountOperation(call, snapshot, 'update', { attributes: JSON.parse(JSON.stringify(attributes)) as Obj }) };
};

/**
 * `deprovision`: takes the resources named away (all of them when none is named) and deletes the accounts no held
 * resource needs any more; the identity stays.
 */
const deprovision: ServiceOperation = async (call) => {
  const snapshot = await userToChange(call, requireName(call));
  const named = resourceList(call);
  if (named.length === 0) return { values: await accountOperation(call, snapshot, 'delete', { removeAssignments: true }) };
  const removed = await applyChangeSet(call, snapshot, { resources: { remove: named } });
  // planChangeSet disables an account whose last resource went; deprovisioning deletes it.
  const after = await findUser(call, snapshot.identity.id);
  const needed = new Set<string>();
  for (const a of after.assignments) {
    const connector = (await reader(call).getResource(a.resourceId))?.connector;
    if (connector) needed.add(connector);
  }
  const orphans = new Set(after.accounts.filter((a) => !needed.has(a.connector)).map((a) => a.connector));
  if (orphans.size === 0) return { values: removed };
  const deleted = await accountOperation(call, after, 'delete', { connectors: orphans, part: 2 });
  return { values: mergeSummaries(removed, deleted) };
};

/** `disableUser`: every account the user holds is disabled (the user and its data stay). */
const disableUser: ServiceOperation = async (call) => {
  const snapshot = await userToChange(call, requireName(call));
  return { values: await accountOperation(call, snapshot, 'disable') };
};

/** `enableUser`: every disabled account of the user is enabled again. */
const enableUser: ServiceOperation = async (call) => {
  const snapshot = await userToChange(call, requireName(call));
  return { values: await accountOperation(call, snapshot, 'enable') };
};

/** `deleteUser`: every account is deleted, every resource taken away, and the identity ends (its history stays). */
const deleteUser: ServiceOperation = async (call) => {
  const snapshot = await userToChange(call, requireName(call));
  return { values: await accountOperation(call, snapshot, 'delete', { removeAssignments: true, endState: 'ended' }) };
};

/**
 * With `wait` true, an operation that wrote provisioning orders makes its action wait until the targets have
 * answered (docs/decisions/provisioning-waits.md): WF_ACTION_ERROR is set when one of them failed for good.
 */
function waiting(op: ServiceOperation): ServiceOperation {
  return withOptions(async (call) => {
    const result = await op(call);
    const ids = result.values?.['orderIds'];
    if (!isTrue(call.args['wait']) || !Array.isArray(ids) || ids.length === 0) return result;
    return { ...result, waitFor: ids.filter((id): id is string => typeof id === 'string') };
  });
}

/**
 * Waveset's `options` argument: a map of further arguments; an argument given explicitly (and not null) wins over
 * the same one in `options`.
 */
function withOptions(op: ServiceOperation): ServiceOperation {
  return (call) => {
    const options = call.args['options'];
    if (options === undefined || options === null || typeof options !== 'object' || Array.isArray(options)) return op(call);
    const args: Record<string, XValue> = { ...options };
    for (const [k, v] of Object.entries(call.args)) if (k !== 'options' && (v !== null || !Object.hasOwn(args, k))) args[k] = v;
    return op({ ...call, args });
  };
}

export const WAVESET_OPERATIONS: Readonly<Record<string, ServiceOperation>> = Object.freeze({
  getObject: withOptions(getObject),
  checkoutObject: withOptions(checkoutObject),
  checkinObject: waiting(checkinObject),
  unlockObject: withOptions(unlockObject),
  getView: withOptions(getView),
  commitView: waiting(commitView),
  queryObjects: withOptions(queryObjects),
  provision: waiting(provision),
  reProvision: waiting(reProvision),
  deprovision: waiting(deprovision),
  disableUser: waiting(disableUser),
  enableUser: waiting(enableUser),
  deleteUser: waiting(deleteUser),
  birthright: withOptions(birthright),
});

// ---- applying views and change sets ----

/** Applies a view (`commitView`, `checkinObject`, `provision` of a new user). */
async function commit(call: ServiceCall, view: XValue | undefined, what: string): Promise<Obj> {
  const { changeSet, identityId, accountId } = changeSetOfView(view ?? null, what);
  if (identityId === undefined) {
    if (accountId === undefined) {
      throw new WavesetViewError('WAVESET_VIEW_INVALID', `the ${what} describes a new user but names no waveset.accountId`, { attribute: 'waveset.accountId' });
    }
    const existing = await reader(call).findIdentity(accountId);
    if (existing) {
      throw new ConflictError('WAVESET_USER_EXISTS', `the ${what} describes a new user ${accountId}, but ${existing.identity.login} exists already; get its view to change it`, {
        login: accountId,
      });
    }
    return applyChangeSet(call, undefined, changeSet);
  }
  const snapshot = await reader(call).findIdentity(identityId);
  if (!snapshot) throw new NotFoundError('WAVESET_OBJECT_NOT_FOUND', `the ${what} is of a user that no longer exists (id ${identityId})`, { id: identityId });
  await refuseLocked(call, snapshot);
  return applyChangeSet(call, snapshot, changeSet);
}

/** Plans a change set for one user (or a new one) and emits the write. */
async function applyChangeSet(call: ServiceCall, snapshot: IdentitySnapshot | undefined, changeSet: ChangeSet): Promise<Obj> {
  if (snapshot !== undefined && Object.keys(changeSet).length === 0) {
    return { changed: false, accountId: snapshot.identity.login, orders: 0 };
  }
  const write = await planWavesetChangeSet(reader(call), changeSet, {
    now: now(call),
    idempotencyKey: call.idempotencyKey,
    instanceId: call.instanceId,
    ...(snapshot !== undefined && { subject: snapshot.identity.id }),
    wait: isTrue(call.args['wait']),
  });
  await emitWrite(call, write);
  return writeSummary(write);
}

/** Emits a planned write and lets later operations of the same advance see it. */
async function emitWrite(call: ServiceCall, write: IdentityWrite): Promise<void> {
  call.emit({ kind: 'identity', write });
  if (call.identities instanceof IdentityOverlay) await call.identities.stage(write);
}

type AccountOperation = 'disable' | 'enable' | 'delete' | 'update';

interface AccountOperationOptions {
  /** The `update` orders' attributes. */
  readonly attributes?: Obj;
  /** Only the accounts on these connectors. */
  readonly connectors?: ReadonlySet<string>;
  /** Take every resource away too. */
  readonly removeAssignments?: boolean;
  /** The identity's state after the write (`deleteUser`: ended). */
  readonly endState?: IdentityState;
  /** Which write of the call this is, when a call makes more than one. */
  readonly part?: number;
}

/** Account operations on every account of a user that the operation applies to, as one write. */
async function accountOperation(call: ServiceCall, snapshot: IdentitySnapshot, operation: AccountOperation, options: AccountOperationOptions = {}): Promise<Obj> {
  const write = accountWrite(snapshot, operation, {
    now: now(call),
    // Apart from planChangeSet's keys (`<key>#<n>`), and a second write of the same call (deprovision) apart again.
    idempotencyKey: `${call.idempotencyKey}/waveset${options.part !== undefined ? `-${options.part}` : ''}`,
    instanceId: call.instanceId,
    wait: isTrue(call.args['wait']),
    ...options,
  });
  await emitWrite(call, write);
  return writeSummary(write);
}

/** Which accounts each operation touches: those it changes something on. */
const ACCOUNT_STATES: Readonly<Record<AccountOperation, readonly string[]>> = {
  disable: ['pending', 'active'],
  enable: ['disabled'],
  delete: ['pending', 'active', 'disabled'],
  update: ['pending', 'active', 'disabled'],
};

/**
 * The write of an account-only operation: one order per account it applies to, the identity's revision moved on
 * (so two steps changing one user serialize), and for `deleteUser` the identity ended and its resources taken away.
 * Pure: the same snapshot and key give the same write.
 */
export function accountWrite(
  snapshot: IdentitySnapshot,
  operation: AccountOperation,
  ctx: AccountOperationOptions & { readonly now: number; readonly idempotencyKey: string; readonly instanceId: string | null; readonly wait?: boolean },
): IdentityWrite {
  const { identity } = snapshot;
  const orders: ProvisioningOrderInsert[] = [];
  for (const account of [...snapshot.accounts].sort((a, b) => a.connector.localeCompare(b.connector))) {
    if (!ACCOUNT_STATES[operation].includes(account.state)) continue;
    if (ctx.connectors !== undefined && !ctx.connectors.has(account.connector)) continue;
    const key = `${ctx.idempotencyKey}#${orders.length + 1}`;
    orders.push({
      id: stableId(`${ctx.idempotencyKey}#order#${orders.length + 1}`),
      identityId: identity.id,
      connector: account.connector,
      operation,
      payload: operation === 'update' ? { attributes: ctx.attributes ?? {} } : {},
      resourceId: null,
      assignmentId: null,
      idempotencyKey: key,
      notBefore: ctx.now,
      instanceId: ctx.instanceId,
      wait: ctx.wait === true,
      createdAt: ctx.now,
    });
  }
  return {
    identity: { ...identity, ...(ctx.endState !== undefined && { state: ctx.endState }), revision: identity.revision + 1, updatedAt: ctx.now },
    expectedRevision: identity.revision,
    ...(ctx.removeAssignments === true && {
      assignments: snapshot.assignments.filter((a) => a.removedAt === null).map((a) => ({ ...a, removedAt: ctx.now, updatedAt: ctx.now })),
    }),
    orders,
    at: ctx.now,
  };
}

/** Two summaries of one operation's writes as one. */
function mergeSummaries(a: Obj, b: Obj): Obj {
  const list = (v: XValue | undefined): XValue[] => (Array.isArray(v) ? v : []);
  return {
    ...b,
    orders: list(a['orderIds']).length + list(b['orderIds']).length,
    orderIds: [...list(a['orderIds']), ...list(b['orderIds'])],
    operations: [...list(a['operations']), ...list(b['operations'])],
  };
}

/** What a write did, for the action's results. */
function writeSummary(write: IdentityWrite): Obj {
  return {
    changed: true,
    accountId: write.identity.login,
    id: write.identity.id,
    orders: write.orders?.length ?? 0,
    orderIds: (write.orders ?? []).map((o) => o.id),
    operations: (write.orders ?? []).map((o) => `${o.operation} ${o.connector}`),
  };
}

// ---- arguments and reads ----

function reader(call: ServiceCall): IdentityReader {
  if (!call.identities) {
    throw new UnsupportedError('WAVESET_STORE_UNAVAILABLE', `${call.op} needs the identity store, and this run has no repository`, { op: call.op });
  }
  return call.identities;
}

function lookups(call: ServiceCall): WavesetLookups {
  if (!call.lookups) {
    throw new UnsupportedError('WAVESET_STORE_UNAVAILABLE', `${call.op} needs the repository, and this run has none`, { op: call.op });
  }
  return call.lookups;
}

function now(call: ServiceCall): number {
  return call.now ?? Date.now();
}

function objectType(call: ServiceCall): ObjectType {
  const raw = call.args['type'] ?? call.args['objectType'] ?? 'User';
  const type = typeof raw === 'string' ? OBJECT_TYPES.find((t) => t.toLowerCase() === raw.trim().toLowerCase()) : undefined;
  if (type === undefined) {
    throw new UnsupportedError('WAVESET_OBJECT_TYPE_UNSUPPORTED', `${call.op}: objects of type ${String(raw)} are not kept by idflow; known: ${OBJECT_TYPES.join(', ')}`, {
      op: call.op,
      type: String(raw),
    });
  }
  return type;
}

/** The user or resource an operation names: `accountId`, `name` or `id` (a login, a name or an id). */
function requireName(call: ServiceCall): string {
  for (const arg of ['accountId', 'name', 'id', 'user']) {
    const v = call.args[arg];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (v !== undefined && v !== null && typeof v === 'object') {
      const fromView = viewName(v);
      if (fromView !== undefined) return fromView;
    }
  }
  throw new InvalidInputError('WAVESET_ARGUMENT_MISSING', `${call.op} needs the user it works on (argument accountId or name)`, { op: call.op });
}

/** `viewId` as Waveset writes it (`User:jdoe`), else the name arguments. */
function viewTarget(call: ServiceCall): string {
  const viewId = call.args['viewId'];
  if (typeof viewId === 'string' && viewId.includes(':')) {
    const [type, ...rest] = viewId.split(':');
    if (type!.trim().toLowerCase() !== 'user') {
      throw new UnsupportedError('WAVESET_OBJECT_TYPE_UNSUPPORTED', `${call.op}: idflow keeps user views only, not ${type} views`, { op: call.op, viewId });
    }
    const name = rest.join(':');
    if (name.trim() !== '') return name;
  }
  if (typeof viewId === 'string' && viewId.trim() !== '' && viewId.trim().toLowerCase() !== 'user') {
    throw new UnsupportedError('WAVESET_OBJECT_TYPE_UNSUPPORTED', `${call.op}: idflow keeps user views only, not ${viewId} views`, { op: call.op, viewId });
  }
  return requireName(call);
}

/** The id (else the login) a view or object names. */
function viewName(v: XValue): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const waveset = v['waveset'];
  if (waveset === null || typeof waveset !== 'object' || Array.isArray(waveset)) return undefined;
  for (const k of ['id', 'accountId']) {
    const x = waveset[k];
    if (typeof x === 'string' && x.trim() !== '') return x;
  }
  return undefined;
}

/**
 * A user to change: refused (`WAVESET_OBJECT_LOCKED`) while another instance holds it (checked out, or an update
 * workflow running on it), as Waveset refuses to change a locked user; the same instance may.
 */
async function userToChange(call: ServiceCall, name: string): Promise<IdentitySnapshot> {
  const snapshot = await findUser(call, name);
  await refuseLocked(call, snapshot);
  return snapshot;
}

async function refuseLocked(call: ServiceCall, snapshot: IdentitySnapshot): Promise<void> {
  const holder = await lookups(call).subjectHolder(snapshot.identity.loginKey);
  if (holder !== undefined && holder !== call.instanceId) {
    throw new ConflictError('WAVESET_OBJECT_LOCKED', `user ${snapshot.identity.login} is checked out by task instance ${holder}; it is free again when that instance checks it in or ends`, {
      user: snapshot.identity.login,
      holder,
    });
  }
}

async function findUser(call: ServiceCall, name: string): Promise<IdentitySnapshot> {
  const snapshot = await reader(call).findIdentity(name);
  if (!snapshot) throw new NotFoundError('WAVESET_OBJECT_NOT_FOUND', `no user ${name} in the identity store`, { type: 'User', name });
  return snapshot;
}

async function readUser(call: ServiceCall, name: string): Promise<{ snapshot: IdentitySnapshot; view: Obj }> {
  const snapshot = await findUser(call, name);
  return { snapshot, view: await userViewOf(reader(call), snapshot, now(call)) };
}

async function findResource(call: ServiceCall, name: string): Promise<ResourceRow> {
  const resource = await reader(call).getResource(name);
  if (!resource) throw new NotFoundError('WAVESET_OBJECT_NOT_FOUND', `no resource ${name}`, { type: 'Resource', name });
  return resource;
}

function resourceObject(r: ResourceRow): Obj {
  return {
    name: r.name,
    id: r.id,
    kind: r.kind,
    displayName: r.displayName,
    description: r.description,
    connector: r.connector,
    targetKey: r.targetKey,
    owners: [...r.owners],
  };
}

/** The lock key of the user a checked-in object names (undefined when it names none). */
async function lockedKey(call: ServiceCall, object: XValue | undefined): Promise<string | undefined> {
  const name = object !== undefined ? viewName(object) : undefined;
  if (name === undefined) return undefined;
  const snapshot = await reader(call).findIdentity(name);
  if (snapshot) return snapshot.identity.loginKey;
  try {
    return subjectKey(name);
  } catch {
    return undefined;
  }
}

function resourceList(call: ServiceCall): string[] {
  const raw = call.args['resources'] ?? call.args['resource'] ?? null;
  if (raw === null || raw === '') return [];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (list === null) throw new InvalidInputError('WAVESET_ARGUMENT_INVALID', `${call.op}: resources must be a list of resource names`, { argument: 'resources' });
  return list.map((x) => (typeof x === 'string' ? x.trim() : '')).filter((x) => x !== '');
}

/** `conditions` (or `attributes`) of queryObjects: attribute → text. */
function conditionsOf(call: ServiceCall): Record<string, string> {
  const raw = call.args['conditions'] ?? call.args['attributes'] ?? null;
  if (raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidInputError('WAVESET_ARGUMENT_INVALID', 'queryObjects: conditions must be a map of attribute to value', { argument: 'conditions' });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw new InvalidInputError('WAVESET_ARGUMENT_INVALID', `queryObjects: condition ${k} must be text`, { argument: `conditions.${k}` });
    out[k] = String(v);
  }
  return out;
}

function limitOf(call: ServiceCall): number {
  const raw = call.args['limit'];
  if (raw === undefined || raw === null || raw === '') return QUERY_LIMIT_MAX;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > QUERY_LIMIT_MAX) {
    throw new InvalidInputError('WAVESET_ARGUMENT_INVALID', `queryObjects: limit must be an integer from 1 to ${QUERY_LIMIT_MAX}`, { argument: 'limit' });
  }
  return n;
}

/** Waveset booleans: true, 1, 'true', '1'. */
function isTrue(v: XValue | undefined): boolean {
  return v === true || v === 1 || v === 'true' || v === '1';
}

export type { ServiceResult };
