/**
 * The Waveset user view: the one shape in which the Waveset user services (`getView`, `getObject`,
 * `checkoutObject`, `checkinObject`, `commitView`, `provision`) hand an identity to a workflow and take it back.
 * docs/waveset-services.md describes it attribute by attribute; docs/decisions/waveset-user-view.md says why.
 *
 * A view is a plain map, so XPRESS paths reach into it as into a Waveset GenericObject
 * (`user.waveset.accountId`, `user.global.firstname`, `user.accounts[LDAP Directory].disabled`):
 *
 * ```
 * { waveset: { id, accountId, organization, idmManager, employeeId, state, disabled, resources, lastModDate,
 *              revision, original },
 *   global:  { firstname, lastname, fullname, email, …the other record attributes under their neutral names },
 *   accounts: { <resource name>: { resource, connector, accountId, identity, state, disabled, provisioningState,
 *                                  lastError } } }
 * ```
 *
 * Going back, a view becomes a neutral {@link ChangeSet} holding only what the workflow CHANGED: the view carries
 * `waveset.original` (the writable attributes as they were read), and only attributes that differ from it are
 * written, so a view read before a long approval does not undo what someone else changed meanwhile. A view with no
 * `waveset.id` describes a new user: everything it holds is written.
 */
import type { XValue } from '../expression/env.js';
import type { ChangeSet, RecordChange } from '../identity/change-set.js';
import type { IdentityRecordRow, RecordKind } from '../identity/identity-rows.js';
import type { IdentityReader, IdentitySnapshot } from '../identity/identity-store.js';
import { InvalidInputError } from '../errors.js';
import { nearestNames } from '../definition/validate/suggest.js';

type Obj = { [key: string]: XValue };

/**
 * The `global.*` attributes of the view and where each lives: its neutral name (docs/change-sets.md) and the record
 * kind holding it. Waveset's own spellings for the three it has (`firstname`, `lastname`, `fullname`); the neutral
 * names for the others.
 */
export const GLOBAL_ATTRIBUTES: Readonly<Record<string, { readonly neutral: string; readonly kind: RecordKind }>> = Object.freeze({
  firstname: { neutral: 'firstName', kind: 'personal' },
  lastname: { neutral: 'lastName', kind: 'personal' },
  fullname: { neutral: 'displayName', kind: 'personal' },
  email: { neutral: 'email', kind: 'personal' },
  birthName: { neutral: 'birthName', kind: 'personal' },
  phone: { neutral: 'phone', kind: 'personal' },
  mobile: { neutral: 'mobile', kind: 'personal' },
  birthDate: { neutral: 'birthDate', kind: 'personal' },
  gender: { neutral: 'gender', kind: 'personal' },
  contractId: { neutral: 'contractId', kind: 'contract' },
  userType: { neutral: 'userType', kind: 'contract' },
  company: { neutral: 'company', kind: 'contract' },
  positionId: { neutral: 'positionId', kind: 'position' },
  title: { neutral: 'title', kind: 'position' },
  department: { neutral: 'department', kind: 'position' },
  location: { neutral: 'location', kind: 'position' },
  costCenter: { neutral: 'costCenter', kind: 'position' },
});

const GLOBAL_BY_NEUTRAL: ReadonlyMap<string, string> = new Map(Object.entries(GLOBAL_ATTRIBUTES).map(([name, a]) => [a.neutral, name]));

/** The `waveset.*` attributes a workflow may change; the others are read-only. */
export const WRITABLE_WAVESET_ATTRIBUTES = ['accountId', 'organization', 'idmManager', 'employeeId', 'resources'] as const;
/** The `waveset.*` attributes idflow fills in and never takes back. */
export const READ_ONLY_WAVESET_ATTRIBUTES = ['id', 'state', 'disabled', 'lastModDate', 'revision', 'original'] as const;

/** A view (or an object argument) that is not a user view idflow can read. */
export class WavesetViewError extends InvalidInputError {}

/**
 * The user view of one identity, as of `now`: the records valid then (a draft identity shows its draft records), its
 * held resources by name, the account behind each resource that a connector provisions.
 */
export async function userViewOf(reader: IdentityReader, snapshot: IdentitySnapshot, now: number): Promise<Obj> {
  const { identity } = snapshot;
  const global: Obj = {};
  for (const record of currentRecords(snapshot, now)) {
    for (const [neutral, value] of Object.entries(record.data)) {
      if (value === null) continue;
      global[GLOBAL_BY_NEUTRAL.get(neutral) ?? neutral] = value;
    }
  }
  const manager = identity.managerId !== null ? ((await reader.findIdentity(identity.managerId))?.identity.login ?? null) : null;
  const resources: string[] = [];
  const accounts: Obj = {};
  for (const assignment of snapshot.assignments) {
    if (assignment.removedAt !== null) continue;
    const resource = await reader.getResource(assignment.resourceId);
    if (!resource) continue;
    resources.push(resource.name);
    if (resource.connector === null) continue;
    const account = snapshot.accounts.find((a) => a.connector === resource.connector);
    accounts[resource.name] = {
      resource: resource.name,
      connector: resource.connector,
      accountId: account?.login ?? identity.login,
      identity: account?.targetKey ?? null,
      state: account?.state ?? 'pending',
      disabled: account?.state === 'disabled',
      provisioningState: assignment.provisioningState,
      lastError: assignment.lastError,
    };
  }
  resources.sort((a, b) => a.localeCompare(b));
  const live = snapshot.accounts.filter((a) => a.state !== 'deleted');
  const waveset: Obj = {
    id: identity.id,
    accountId: identity.login,
    organization: identity.organization,
    idmManager: manager,
    employeeId: identity.employeeId,
    state: identity.state,
    // Waveset's "disabled" user: every account it holds is disabled (and it holds at least one).
    disabled: live.length > 0 && live.every((a) => a.state === 'disabled'),
    resources,
    lastModDate: new Date(identity.updatedAt).toISOString(),
    revision: identity.revision,
  };
  const view: Obj = { waveset, global, accounts };
  waveset['original'] = originalOf(view);
  return view;
}

/** The records of each kind valid at `now`; for an identity that is only a draft so far, its draft records. */
function currentRecords(snapshot: IdentitySnapshot, now: number): IdentityRecordRow[] {
  const valid = (r: IdentityRecordRow): boolean => r.supersededAt === null && r.validFrom <= now && (r.validUntil === null || r.validUntil > now);
  const draftIdentity = snapshot.identity.state === 'draft';
  const out: IdentityRecordRow[] = [];
  for (const kind of ['personal', 'contract', 'position'] as const) {
    const ofKind = snapshot.records.filter((r) => r.kind === kind && valid(r));
    const pick = ofKind.filter((r) => !r.draft).at(-1) ?? (draftIdentity ? ofKind.filter((r) => r.draft).at(-1) : undefined);
    if (pick) out.push(pick);
  }
  return out;
}

/**
 * What `waveset.original` holds: the writable attributes as they were read (what a change is measured against), and
 * the read-only ones a workflow might try to change (`waveset.state`, `waveset.disabled`, each account's `disabled`),
 * so that a view changing them is refused instead of silently ignored.
 */
function originalOf(view: Obj): Obj {
  const waveset = asObj(view['waveset']) ?? {};
  const out: Obj = {};
  for (const name of WRITABLE_WAVESET_ATTRIBUTES) out[name] = copy(waveset[name] ?? null);
  out['global'] = copy(view['global'] ?? {});
  out['state'] = waveset['state'] ?? null;
  out['disabled'] = waveset['disabled'] ?? false;
  const accounts: Obj = {};
  for (const [name, account] of Object.entries(asObj(view['accounts']) ?? {})) accounts[name] = asObj(account)?.['disabled'] ?? false;
  out['accounts'] = accounts;
  return out;
}

/**
 * A view with `changes` applied on top (the `changes` argument of `commitView` and `checkinObject`, what "Update
 * User With Approval" collects): a map whose keys are view paths (`global.title`, `waveset.resources`,
 * `waveset.idmManager`), sections (`global` or `waveset` with a map of attributes), or bare attribute names
 * (`title`: a `global` attribute; `organization`: a writable `waveset` one). Throws `WAVESET_VIEW_ATTRIBUTE_UNKNOWN`
 * for a key that is none of them, naming it; nothing is changed then. The view given is not modified.
 */
export function withViewChanges(value: XValue | undefined, changes: XValue | undefined): XValue {
  if (changes === undefined || changes === null) return value ?? null;
  const change = asObj(changes);
  if (!change) throw new WavesetViewError('WAVESET_VIEW_INVALID', 'changes must be a map of view attributes to their new values', { argument: 'changes' });
  const view = asObj(copy(value ?? null));
  if (!view) throw new WavesetViewError('WAVESET_VIEW_INVALID', 'the view to change is not a user view', { argument: 'view' });
  const section = (name: 'waveset' | 'global'): Obj => {
    const existing = asObj(view[name]);
    if (existing) return existing;
    const fresh: Obj = {};
    view[name] = fresh;
    return fresh;
  };
  const unknown = (key: string): never => {
    const known = [...Object.keys(GLOBAL_ATTRIBUTES), ...WRITABLE_WAVESET_ATTRIBUTES];
    const near = nearestNames(key, known);
    throw new WavesetViewError(
      'WAVESET_VIEW_ATTRIBUTE_UNKNOWN',
      `changes.${key} names no attribute of a user view${near.length > 0 ? `; did you mean ${near[0]}?` : ''}; write global.<attribute> (${Object.keys(GLOBAL_ATTRIBUTES).join(', ')}) or waveset.<attribute> (${WRITABLE_WAVESET_ATTRIBUTES.join(', ')})`,
      { attribute: `changes.${key}` },
    );
  };
  const set = (where: 'waveset' | 'global', name: string, v: XValue, key: string): void => {
    if (where === 'global' ? !Object.hasOwn(GLOBAL_ATTRIBUTES, name) : !(WRITABLE_WAVESET_ATTRIBUTES as readonly string[]).includes(name)) unknown(key);
    section(where)[name] = copy(v);
  };
  for (const [key, v] of Object.entries(change)) {
    const dot = key.indexOf('.');
    if (dot > 0) {
      const head = key.slice(0, dot);
      if (head !== 'global' && head !== 'waveset') unknown(key);
      set(head as 'global' | 'waveset', key.slice(dot + 1), v, key);
    } else if (key === 'global' || key === 'waveset') {
      const inner = asObj(v);
      if (!inner) throw new WavesetViewError('WAVESET_VIEW_INVALID', `changes.${key} must be a map of attributes`, { attribute: `changes.${key}` });
      for (const [name, x] of Object.entries(inner)) set(key, name, x, `${key}.${name}`);
    } else if (Object.hasOwn(GLOBAL_ATTRIBUTES, key)) {
      set('global', key, v, key);
    } else if ((WRITABLE_WAVESET_ATTRIBUTES as readonly string[]).includes(key)) {
      set('waveset', key, v, key);
    } else {
      unknown(key);
    }
  }
  return view;
}

/** What `changeSetOfView` found: the change set and whether the view is of a new user. */
export interface ViewChanges {
  readonly changeSet: ChangeSet;
  /** The identity the view is of (its `waveset.id`); undefined for a new user. */
  readonly identityId: string | undefined;
  /** The login the view names (`waveset.accountId`, after the change). */
  readonly accountId: string | undefined;
  /** True when the view changes nothing. */
  readonly empty: boolean;
}

/**
 * The change set a view asks for. Throws {@link WavesetViewError} (`WAVESET_VIEW_INVALID`,
 * `WAVESET_VIEW_ATTRIBUTE_UNKNOWN`, `WAVESET_VIEW_READ_ONLY`), naming the attribute by its view path, for a view
 * it cannot take: nothing of such a view is applied.
 */
export function changeSetOfView(value: XValue | undefined, what = 'view'): ViewChanges {
  const view = asObj(value);
  if (!view) throw new WavesetViewError('WAVESET_VIEW_INVALID', `the ${what} is not a user view (a map with waveset, global and accounts)`, { argument: what });
  const waveset = asObj(view['waveset'] ?? {});
  if (!waveset) throw new WavesetViewError('WAVESET_VIEW_INVALID', `${what}.waveset is not a map`, { attribute: 'waveset' });
  const global = asObj(view['global'] ?? {});
  if (!global) throw new WavesetViewError('WAVESET_VIEW_INVALID', `${what}.global is not a map`, { attribute: 'global' });
  for (const name of Object.keys(global)) {
    if (!Object.hasOwn(GLOBAL_ATTRIBUTES, name)) {
      const near = nearestNames(name, Object.keys(GLOBAL_ATTRIBUTES));
      throw new WavesetViewError(
        'WAVESET_VIEW_ATTRIBUTE_UNKNOWN',
        `${what}.global.${name} is no attribute of a user${near.length > 0 ? `; did you mean global.${near[0]}?` : ''}; known: ${Object.keys(GLOBAL_ATTRIBUTES).map((n) => `global.${n}`).join(', ')}`,
        { attribute: `global.${name}` },
      );
    }
  }
  const id = text(waveset['id']);
  const original = id !== undefined ? asObj(waveset['original']) : undefined;
  if (original) checkReadOnly(view, original, what);
  const before: Obj = original ?? {};
  const beforeGlobal = asObj(before['global']) ?? {};
  const changed = (a: XValue | undefined, b: XValue | undefined): boolean => !sameValue(a ?? null, b ?? null);

  const set: { -readonly [K in keyof ChangeSet]: ChangeSet[K] } = {};
  const accountId = text(waveset['accountId']);
  if (waveset['accountId'] !== undefined && waveset['accountId'] !== null && accountId === undefined) {
    throw new WavesetViewError('WAVESET_VIEW_INVALID', `${what}.waveset.accountId must be text`, { attribute: 'waveset.accountId' });
  }
  if (accountId !== undefined && (id === undefined || changed(waveset['accountId'], before['accountId']))) set.login = accountId;
  for (const [name, key] of [
    ['organization', 'organization'],
    ['idmManager', 'manager'],
    ['employeeId', 'employeeId'],
  ] as const) {
    if (!Object.hasOwn(waveset, name)) continue;
    const v = waveset[name] ?? null;
    if (v !== null && typeof v !== 'string') throw new WavesetViewError('WAVESET_VIEW_INVALID', `${what}.waveset.${name} must be text or null`, { attribute: `waveset.${name}` });
    if (id === undefined ? v !== null : changed(v, before[name])) set[key] = v;
  }

  const byKind = new Map<RecordKind, Obj>();
  for (const [name, v] of Object.entries(global)) {
    if (id !== undefined ? !changed(v, beforeGlobal[name]) : v === null) continue;
    const a = GLOBAL_ATTRIBUTES[name]!;
    const data = byKind.get(a.kind) ?? {};
    data[a.neutral] = v;
    byKind.set(a.kind, data);
  }
  // An attribute the workflow removed from global (instead of setting it to null) is removed too.
  if (id !== undefined) {
    for (const [name, v] of Object.entries(beforeGlobal)) {
      if (Object.hasOwn(global, name) || v === null || !Object.hasOwn(GLOBAL_ATTRIBUTES, name)) continue;
      const a = GLOBAL_ATTRIBUTES[name]!;
      const data = byKind.get(a.kind) ?? {};
      data[a.neutral] = null;
      byKind.set(a.kind, data);
    }
  }
  if (byKind.size > 0) set.records = [...byKind].map(([kind, data]): RecordChange => ({ kind, data }));

  if (Object.hasOwn(waveset, 'resources')) {
    const now = resourceNames(waveset['resources'], `${what}.waveset.resources`);
    const was = id !== undefined ? resourceNames(before['resources'] ?? [], `${what}.waveset.original.resources`) : [];
    const key = (n: string): string => n.normalize('NFKC').trim().toLowerCase();
    const wasKeys = new Set(was.map(key));
    const nowKeys = new Set(now.map(key));
    const add = now.filter((n) => !wasKeys.has(key(n))).map((resource) => ({ resource }));
    const remove = was.filter((n) => !nowKeys.has(key(n)));
    if (add.length > 0 || remove.length > 0) set.resources = { ...(add.length > 0 && { add }), ...(remove.length > 0 && { remove }) };
  }
  const empty = Object.keys(set).length === 0;
  return { changeSet: set, identityId: id, accountId, empty };
}

/**
 * Refuses a view whose read-only parts a workflow changed: `waveset.state`, `waveset.disabled` and the accounts'
 * `disabled` say what the targets hold, and change only through `disableUser`/`enableUser`/`deleteUser`.
 */
function checkReadOnly(view: Obj, original: Obj, what: string): void {
  const waveset = asObj(view['waveset']) ?? {};
  const refuse = (attribute: string, hint: string): never => {
    throw new WavesetViewError('WAVESET_VIEW_READ_ONLY', `${what}.${attribute} is read-only; ${hint}`, { attribute });
  };
  const accountsHint = 'disable, enable or delete a user with disableUser, enableUser or deleteUser';
  if (Object.hasOwn(waveset, 'state') && !sameValue(waveset['state'] ?? null, original['state'] ?? null)) refuse('waveset.state', accountsHint);
  if (Object.hasOwn(waveset, 'disabled') && !sameValue(waveset['disabled'] ?? false, original['disabled'] ?? false)) refuse('waveset.disabled', accountsHint);
  const accounts = view['accounts'];
  if (accounts === undefined || accounts === null) return;
  const map = asObj(accounts);
  if (!map) refuse('accounts', 'it shows the accounts the targets hold');
  const was = asObj(original['accounts']) ?? {};
  for (const [name, account] of Object.entries(map!)) {
    const a = asObj(account);
    if (!a || !Object.hasOwn(a, 'disabled')) continue;
    if (!sameValue(a['disabled'] ?? false, was[name] ?? false)) refuse(`accounts[${name}].disabled`, accountsHint);
  }
}

function resourceNames(v: XValue | undefined, where: string): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
  if (!list) throw new WavesetViewError('WAVESET_VIEW_INVALID', `${where} must be a list of resource names`, { attribute: where });
  const out: string[] = [];
  for (const item of list) {
    // Waveset lists of resources may hold `{ name: … }` objects as well as names.
    const name = typeof item === 'string' ? item.trim() : text(asObj(item)?.['name']);
    if (name === undefined) throw new WavesetViewError('WAVESET_VIEW_INVALID', `${where} must be a list of resource names`, { attribute: where });
    if (name !== '') out.push(name);
  }
  return out;
}

function asObj(v: XValue | undefined): Obj | undefined {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

function text(v: XValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function copy(v: XValue): XValue {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as XValue);
}

/** Equality of view values; numbers and their text are one value (XPRESS writes both). */
function sameValue(a: XValue, b: XValue): boolean {
  if (a === b) return true;
  if ((typeof a === 'number' && typeof b === 'string') || (typeof a === 'string' && typeof b === 'number')) return String(a) === String(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]!));
  const ak = Object.keys(a);
  const bo = b as Obj;
  return ak.length === Object.keys(bo).length && ak.every((k) => Object.hasOwn(bo, k) && sameValue((a as Obj)[k]!, bo[k]!));
}
