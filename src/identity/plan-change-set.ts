/**
 * `planChangeSet`: what applying one change set to one identity writes (docs/change-sets.md, "What planChangeSet
 * computes"). Pure given what it reads through the {@link IdentityReader}: the same change set, context and stored
 * state give the same write, with ids and order keys derived from the step's idempotency key, so a replayed step
 * writes nothing twice.
 */
import type { XValue } from '../expression/env.js';
import type { AccountAttributes, ProvisioningOperation } from '../connectors/connector.js';
import { ChangeSetError, IdentityEmployeeIdTakenError, IdentityLoginTakenError, IdentityNotFoundError } from './change-set-errors.js';
import type { ChangeSet, RecordChange } from './change-set.js';
import type { AccountRow, AssignmentRow, IdentityRecordRow, IdentityRow, RecordKind, ResourceRow } from './identity-rows.js';
import type { IdentityReader, IdentitySnapshot } from './identity-store.js';
import { birthrightFor } from './birthright.js';
import { accountAttributes, changedAttributes, identityView, presentAttributes } from './identity-view.js';
import type { IdentityWrite, ProvisioningOrderInsert } from './identity-write.js';
import { stableId } from './stable-id.js';
import { subjectKey } from './subject-key.js';
import { validateChangeSet } from './validate-change-set.js';

const DAY_MS = 24 * 3600 * 1000;
/** How long a leaver's accounts stay disabled before they are deleted, by default: 30 days. */
export const DEFAULT_RETENTION_MS = 30 * DAY_MS;
/** The `source` of an assignment a birthright rule gave. */
export const BIRTHRIGHT_SOURCE = 'birthright';

export interface PlanContext {
  /** The step's time (epoch ms): what is "now" for records, and when orders are due. */
  readonly now: number;
  /** The step's idempotency key: every id and order key of the write derives from it. */
  readonly idempotencyKey: string;
  readonly instanceId: string | null;
  /** The identity the workflow works on (its login or id), when it has one. */
  readonly subject?: string;
  /** `draft`: PersistOnlyResources (draft records, no provisioning); `persist`: Persist. */
  readonly mode: 'persist' | 'draft';
  /** False when the activity blocks provisioning: the change set is applied, no order is written. */
  readonly provisioning: boolean;
  /** The instance waits for its orders' results. @default false */
  readonly wait?: boolean;
  /** @default {@link DEFAULT_RETENTION_MS} */
  readonly retentionMs?: number;
  /** Who asked (written on assignments). @default `workflow:<instanceId>`, or `cli` */
  readonly source?: string;
}

type Op = ProvisioningOperation['kind'];

/**
 * What a Persist's birthright recalculation found (docs/lifecycle.md): `add`, the resources the identity's job grants
 * that it did not hold (added by the write); `remove`, the ones it holds that only its job before this change set
 * granted. Those are never removed by the write itself: a workflow puts them before a reviewer, and the change set
 * that follows the review names them in `Resources.Remove`.
 */
export interface BirthrightDelta {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

export async function planChangeSet(reader: IdentityReader, changeSet: ChangeSet, ctx: PlanContext): Promise<IdentityWrite> {
  return (await planChangeSetWithBirthright(reader, changeSet, ctx)).write;
}

/**
 * {@link planChangeSet}, and the birthright delta. For a draft (`mode: 'draft'`) the delta is what the Persist that
 * follows would find: it is planned as that Persist (with nothing written) to see the records it would leave.
 */
export async function planChangeSetWithBirthright(
  reader: IdentityReader,
  changeSet: ChangeSet,
  ctx: PlanContext,
): Promise<{ readonly write: IdentityWrite; readonly birthright: BirthrightDelta }> {
  // One set of reads for the plan and its preview: nothing is written between them.
  const reads = new PlanReads(reader);
  const planned = await plan(reads, changeSet, ctx);
  if (ctx.mode !== 'draft') return planned;
  // No rule, nothing to preview: a repository without birthright pays no second plan per draft.
  if ((await reads.birthrightResources()).length === 0) return planned;
  const asPersist = await plan(reads, changeSet, { ...ctx, mode: 'persist', provisioning: false, idempotencyKey: `${ctx.idempotencyKey}#preview` });
  return { write: planned.write, birthright: asPersist.birthright };
}

/**
 * The reader as one plan (and a draft's preview) sees it: each identity looked up once, by the exact name asked for (an onboarding names its
 * new login both as its subject and in the change set, and would otherwise ask the store twice for nobody), and the
 * birthright rules read once. Nothing is written between the reads of one plan, so a second answer could not differ.
 */
class PlanReads {
  readonly #reader: IdentityReader;
  readonly #found = new Map<string, Promise<IdentitySnapshot | undefined>>();
  readonly #holders = new Map<string, Promise<IdentityRow | undefined>>();
  #rules: Promise<ResourceRow[]> | undefined;

  constructor(reader: IdentityReader) {
    this.#reader = reader;
  }

  findIdentity(idOrLogin: string): Promise<IdentitySnapshot | undefined> {
    let p = this.#found.get(idOrLogin);
    if (!p) this.#found.set(idOrLogin, (p = this.#reader.findIdentity(idOrLogin)));
    return p;
  }

  findIdentityByEmployeeId(employeeId: string): Promise<IdentityRow | undefined> {
    let p = this.#holders.get(employeeId);
    if (!p) this.#holders.set(employeeId, (p = this.#reader.findIdentityByEmployeeId(employeeId)));
    return p;
  }

  /**
   * The identity named, the holder of the employee id and the birthright rules, in one read where the reader can:
   * all remembered. Only as the plan's first read (later ones are answered from what is remembered).
   */
  async prefetch(idOrLogin: string, employeeId: string | null): Promise<void> {
    if (!this.#reader.persistReads || this.#found.size > 0 || this.#holders.size > 0 || this.#rules !== undefined) return;
    const all = this.#reader.persistReads(idOrLogin, employeeId);
    this.#found.set(idOrLogin, all.then((r) => r.found));
    if (employeeId !== null) this.#holders.set(employeeId, all.then((r) => r.holder));
    this.#rules = all.then((r) => [...r.birthright]);
    await all;
  }

  getResource(idOrName: string): Promise<ResourceRow | undefined> {
    return this.#reader.getResource(idOrName);
  }

  birthrightResources(): Promise<ResourceRow[]> {
    return (this.#rules ??= this.#reader.birthrightResources?.() ?? Promise.resolve([]));
  }
}

async function plan(reader: PlanReads, changeSet: ChangeSet, ctx: PlanContext): Promise<{ write: IdentityWrite; birthright: BirthrightDelta }> {
  const cs = validateChangeSet(changeSet);
  const { now, idempotencyKey: key } = ctx;
  const draft = ctx.mode === 'draft';
  let snap: IdentitySnapshot | undefined;
  const named = ctx.subject ?? cs.login;
  // The identity, the holder of its employee id (for the uniqueness check below) and the birthright rules: one read.
  if (named !== undefined) await reader.prefetch(named, typeof cs.employeeId === 'string' ? cs.employeeId : null);
  if (ctx.subject !== undefined) snap = await reader.findIdentity(ctx.subject);
  if (!snap && cs.login !== undefined) snap = await reader.findIdentity(cs.login);
  const creating = snap === undefined;
  const login = cs.login ?? snap?.identity.login ?? ctx.subject;
  if (login === undefined) throw new ChangeSetError('CHANGESET_LOGIN_REQUIRED', 'the change set creates an identity but names no login (Login)', 'Login');
  const loginKey = subjectKey(login);
  const id = snap?.identity.id ?? stableId(`${key}#identity`);
  // Identity-level changes of an existing identity wait for the Persist that follows a draft.
  const identityChanges = creating || !draft;
  if (identityChanges && !creating && loginKey !== snap!.identity.loginKey) {
    const other = await reader.findIdentity(login);
    if (other && other.identity.id !== id) throw new IdentityLoginTakenError(login);
  }
  if (identityChanges && typeof cs.employeeId === 'string' && cs.employeeId !== snap?.identity.employeeId) {
    // Checked here, not left to the unique index: a clash would otherwise conflict and replay the step forever.
    const holder = await reader.findIdentityByEmployeeId(cs.employeeId);
    if (holder && holder.id !== id) throw new IdentityEmployeeIdTakenError(cs.employeeId);
  }
  let managerId = snap?.identity.managerId ?? null;
  let managerLogin: string | null = null;
  if (identityChanges && cs.manager !== undefined) {
    if (cs.manager === null) managerId = null;
    else {
      const m = await reader.findIdentity(cs.manager);
      if (!m) throw new IdentityNotFoundError(cs.manager, 'manager', 'Manager');
      managerId = m.identity.id;
      managerLogin = m.identity.login;
    }
  } else if (managerId !== null) {
    managerLogin = (await reader.findIdentity(managerId))?.identity.login ?? null;
  }
  const beforeManagerLogin = snap?.identity.managerId ? (await reader.findIdentity(snap.identity.managerId))?.identity.login ?? null : null;

  const leaving = !draft && cs.leaveAt !== undefined;
  const state: IdentityRow['state'] = creating
    ? draft
      ? 'draft'
      : leaving && cs.leaveAt! <= now
        ? 'ended'
        : 'active'
    : draft
      ? snap!.identity.state
      : leaving && cs.leaveAt! <= now
        ? 'ended'
        : snap!.identity.state === 'draft'
          ? 'active'
          : leaving
            ? snap!.identity.state
            : snap!.identity.state === 'ended' && (cs.records?.length ?? 0) > 0
              ? 'active'
              : snap!.identity.state;
  const identity: IdentityRow = {
    id,
    login: identityChanges ? login : snap!.identity.login,
    loginKey: identityChanges ? loginKey : snap!.identity.loginKey,
    employeeId: identityChanges && cs.employeeId !== undefined ? cs.employeeId : (snap?.identity.employeeId ?? null),
    state,
    managerId,
    organization: identityChanges && cs.organization !== undefined ? cs.organization : (snap?.identity.organization ?? null),
    revision: (snap?.identity.revision ?? 0) + 1,
    createdAt: snap?.identity.createdAt ?? now,
    updatedAt: now,
  };

  // ---- records
  const records = new RecordPlan(snap?.records ?? [], { id, key, now, draft, instanceId: ctx.instanceId });
  const effective = cs.effectiveFrom ?? now;
  for (const rc of cs.records ?? []) records.change(rc, effective);
  if (leaving) records.end('contract', cs.leaveAt!);

  // ---- assignments
  const source = ctx.source ?? (ctx.instanceId !== null ? `workflow:${ctx.instanceId}` : 'cli');
  const held = new Map((snap?.assignments ?? []).map((a) => [a.id, a]));
  const resources = new Map<string, ResourceRow>();
  for (const a of held.values()) {
    const r = await reader.getResource(a.resourceId);
    if (r) resources.set(r.id, r);
  }
  const assignmentsOut = new Map<string, AssignmentRow>();
  const fresh = new Set<string>();
  const removed: AssignmentRow[] = [];
  for (const [n, add] of (cs.resources?.add ?? []).entries()) {
    const r = await reader.getResource(add.resource);
    if (!r) throw new ChangeSetError('CHANGESET_RESOURCE_UNKNOWN', `no resource is named ${JSON.stringify(add.resource)}`, `resources.add[${n}]`, { resource: add.resource });
    resources.set(r.id, r);
    if ([...held.values()].some((a) => a.resourceId === r.id) || [...assignmentsOut.values()].some((a) => a.resourceId === r.id)) continue;
    const a: AssignmentRow = {
      id: stableId(`${key}#assignment#${r.id}`),
      identityId: id,
      resourceId: r.id,
      workflowState: draft ? 'pending_approval' : 'approved',
      provisioningState: r.connector === null ? 'executed' : 'pending',
      source,
      validFrom: add.validFrom ?? null,
      validUntil: add.validUntil ?? null,
      instanceId: ctx.instanceId,
      lastError: null,
      removedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    assignmentsOut.set(a.id, a);
    if (!draft) fresh.add(a.id);
  }
  if (!draft) {
    // Persist approves what a draft requested.
    for (const a of held.values()) {
      if (a.workflowState === 'pending_approval') {
        assignmentsOut.set(a.id, { ...a, workflowState: 'approved', updatedAt: now });
        fresh.add(a.id);
      }
    }
    for (const [n, name] of (cs.resources?.remove ?? []).entries()) {
      const r = await reader.getResource(name);
      if (!r) throw new ChangeSetError('CHANGESET_RESOURCE_UNKNOWN', `no resource is named ${JSON.stringify(name)}`, `resources.remove[${n}]`, { resource: name });
      const a = [...held.values()].find((x) => x.resourceId === r.id);
      if (!a) continue;
      const gone = { ...(assignmentsOut.get(a.id) ?? a), removedAt: now, updatedAt: now };
      assignmentsOut.set(a.id, gone);
      removed.push(gone);
    }
  }

  // ---- birthright: what the identity's job grants is added; what only its job before granted is reported, for a
  // review, and left in place. A leaver gets nothing new, and a draft waits for its Persist.
  const birthright = { add: [] as string[], remove: [] as string[] };
  if (!draft && state === 'active') {
    const rules = await reader.birthrightResources();
    if (rules.length > 0) {
      const viewBefore = snap?.identity.state === 'active' ? identityView(snap.identity, records.before, now, beforeManagerLogin) : null;
      const grantedBefore = new Set(birthrightFor(rules, viewBefore).map((r) => r.id));
      const grantedAfter = birthrightFor(rules, identityView(identity, records.after(), now, managerLogin));
      const removedNow = new Set(removed.map((a) => a.resourceId));
      const holds = (resourceId: string): boolean =>
        [...held.values(), ...assignmentsOut.values()].some((a) => a.resourceId === resourceId && a.removedAt === null);
      for (const r of grantedAfter) {
        // The change set itself taking it away wins over the rule.
        if (removedNow.has(r.id) || holds(r.id)) continue;
        resources.set(r.id, r);
        const a: AssignmentRow = {
          id: stableId(`${key}#assignment#${r.id}`),
          identityId: id,
          resourceId: r.id,
          workflowState: 'approved',
          provisioningState: r.connector === null ? 'executed' : 'pending',
          source: BIRTHRIGHT_SOURCE,
          validFrom: null,
          validUntil: null,
          instanceId: ctx.instanceId,
          lastError: null,
          removedAt: null,
          createdAt: now,
          updatedAt: now,
        };
        assignmentsOut.set(a.id, a);
        fresh.add(a.id);
        birthright.add.push(r.name);
      }
      const stillGranted = new Set(grantedAfter.map((r) => r.id));
      for (const a of held.values()) {
        if (grantedBefore.has(a.resourceId) && !stillGranted.has(a.resourceId) && !removedNow.has(a.resourceId)) {
          birthright.remove.push(resources.get(a.resourceId)?.name ?? a.resourceId);
        }
      }
      birthright.remove.sort();
    }
  }

  // ---- a leaver whose date has come holds nothing any more: every assignment is removed (the orders below take
  // the memberships away and disable every account at once); one leaving later keeps them until that date.
  if (!draft && leaving) {
    for (const a of held.values()) {
      const current = assignmentsOut.get(a.id) ?? a;
      if (current.removedAt !== null) continue;
      const ended = state === 'ended'
        ? { ...current, validUntil: cs.leaveAt!, removedAt: now, updatedAt: now }
        : { ...current, validUntil: cs.leaveAt!, updatedAt: now };
      assignmentsOut.set(a.id, ended);
      if (ended.removedAt !== null) removed.push(ended);
    }
  }

  // ---- accounts and provisioning orders
  const orders: ProvisioningOrderInsert[] = [];
  const accountsOut = new Map<string, AccountRow>();
  const provision = !draft && ctx.provisioning && state !== 'draft';
  if (provision) {
    const accounts = new Map((snap?.accounts ?? []).map((a) => [a.connector, a]));
    const before = accountAttributes(identityView(snap?.identity ?? identity, records.before, now, beforeManagerLogin));
    const after = accountAttributes(identityView(identity, records.after(), now, managerLogin));
    const changed = changedAttributes(before, after);
    const renamed = !creating && snap!.identity.loginKey !== identity.loginKey;
    let n = 0;
    const order = (connector: string, operation: Op, payload: Record<string, XValue>, a: AssignmentRow | null, notBefore = now): void => {
      n += 1;
      orders.push({
        id: stableId(`${key}#order#${n}`),
        identityId: id,
        connector,
        operation,
        payload,
        resourceId: a?.resourceId ?? null,
        assignmentId: a?.id ?? null,
        idempotencyKey: `${key}#${n}`,
        notBefore,
        instanceId: ctx.instanceId,
        wait: ctx.wait ?? false,
        createdAt: now,
      });
    };
    const live = [...new Map([...held, ...assignmentsOut]).values()].filter((a) => a.removedAt === null && a.workflowState === 'approved');
    const byConnector = new Map<string, AssignmentRow[]>();
    for (const a of live) {
      const c = resources.get(a.resourceId)?.connector;
      if (c) byConnector.set(c, [...(byConnector.get(c) ?? []), a]);
    }
    const ended = state === 'ended';
    const group = (a: AssignmentRow): string | null => {
      const r = resources.get(a.resourceId);
      return r?.kind === 'group' && r.targetKey !== null ? r.targetKey : null;
    };
    for (const [connector, held] of [...byConnector].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const account = accounts.get(connector);
      const primary = held.find((a) => resources.get(a.resourceId)?.kind !== 'group') ?? held[0]!;
      if (!account || account.state === 'deleted') {
        if (ended) continue;
        accountsOut.set(connector, { identityId: id, connector, targetKey: null, login: identity.login, state: 'pending', createdAt: account?.createdAt ?? now, updatedAt: now });
        accounts.set(connector, accountsOut.get(connector)!);
        order(connector, 'create', { attributes: plain(presentAttributes(after)) }, primary);
        for (const a of held) if (group(a) !== null) order(connector, 'addMember', { group: group(a)! }, a);
        continue;
      }
      if (ended) continue;
      if (account.state === 'disabled' && !leaving) order(connector, 'enable', {}, primary);
      if (renamed) {
        order(connector, 'rename', { newLogin: identity.login, attributes: plain(changed) }, primary);
        accountsOut.set(connector, { ...account, login: identity.login, updatedAt: now });
      } else if (Object.keys(changed).length > 0) {
        order(connector, 'update', { attributes: plain(changed) }, primary);
      }
      for (const a of held) if (fresh.has(a.id) && group(a) !== null) order(connector, 'addMember', { group: group(a)! }, a);
    }
    const disabled = new Set<string>();
    for (const a of removed) {
      const r = resources.get(a.resourceId);
      const account = r?.connector ? accounts.get(r.connector) : undefined;
      if (!r?.connector || !account || account.state === 'deleted') continue;
      if (group(a) !== null) order(r.connector, 'removeMember', { group: group(a)! }, a);
      if (!byConnector.has(r.connector) && !disabled.has(r.connector) && account.state !== 'disabled') {
        disabled.add(r.connector);
        order(r.connector, 'disable', {}, a);
      }
    }
    if (leaving) {
      const retention = cs.retentionDays !== undefined ? cs.retentionDays * DAY_MS : (ctx.retentionMs ?? DEFAULT_RETENTION_MS);
      for (const account of [...accounts.values()].sort((a, b) => (a.connector < b.connector ? -1 : 1))) {
        if (account.state === 'deleted') continue;
        const at = Math.max(cs.leaveAt!, now);
        if (!disabled.has(account.connector) && account.state !== 'disabled') order(account.connector, 'disable', {}, null, at);
        order(account.connector, 'delete', {}, null, at + retention);
      }
    }
    // Every assignment that got an order is pending again until the provisioning worker says otherwise.
    const ordered = new Set(orders.map((o) => o.assignmentId).filter((x): x is string => x !== null));
    for (const aid of ordered) {
      const a = assignmentsOut.get(aid) ?? held.get(aid);
      if (a && a.provisioningState !== 'pending') assignmentsOut.set(aid, { ...a, provisioningState: 'pending', lastError: null, updatedAt: now });
    }
  }

  const write: IdentityWrite = {
    identity,
    expectedRevision: snap ? snap.identity.revision : null,
    records: records.inserted(),
    supersede: records.superseded(),
    assignments: [...assignmentsOut.values()],
    accounts: [...accountsOut.values()],
    orders,
    at: now,
  };
  return { write, birthright };
}

/** Account attributes as the plain JSON an order's payload holds. */
const plain = (attrs: AccountAttributes): XValue => JSON.parse(JSON.stringify(attrs)) as XValue;

interface RecordOptions {
  readonly id: string;
  readonly key: string;
  readonly now: number;
  readonly draft: boolean;
  readonly instanceId: string | null;
}

type Rec = IdentityRecordRow & { readonly isNew?: boolean };

/** The records of one identity while a change set is applied to them in memory. */
class RecordPlan {
  readonly before: readonly IdentityRecordRow[];
  #work: Rec[];
  readonly #supersede = new Set<string>();
  readonly #o: RecordOptions;
  #n = 0;

  constructor(live: readonly IdentityRecordRow[], o: RecordOptions) {
    this.#o = o;
    this.before = live.filter((r) => !r.draft);
    // Persist replaces a draft's records; a new draft replaces the previous one.
    for (const r of live) if (r.draft) this.#supersede.add(r.id);
    this.#work = [...this.before];
  }

  #rec(kind: RecordKind, from: number, until: number | null, data: Readonly<Record<string, XValue>>, where: string, keep?: IdentityRecordRow): Rec {
    if (until !== null && until <= from) {
      throw new ChangeSetError('CHANGESET_DATES_REVERSED', `${where}: the ${kind} record would end (${new Date(until).toISOString().slice(0, 10)}) before it starts (${new Date(from).toISOString().slice(0, 10)})`, where);
    }
    const o = this.#o;
    this.#n += 1;
    return {
      id: stableId(`${o.key}#record#${this.#n}`),
      identityId: o.id,
      kind,
      validFrom: from,
      validUntil: until,
      data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null)),
      draft: o.draft,
      recordedAt: o.now,
      supersededAt: null,
      // A part of an older record copied unchanged keeps its application; a new one valid now is applied now, one
      // dated in the future waits for the sweep. Drafts are never applied.
      appliedAt: o.draft ? null : keep ? keep.appliedAt : from <= o.now ? o.now : null,
      instanceId: o.instanceId,
      isNew: true,
    };
  }

  #replace(old: Rec, by: readonly Rec[]): void {
    if (!old.isNew && !this.#o.draft) this.#supersede.add(old.id);
    this.#work = [...this.#work.filter((r) => r !== old), ...by];
  }

  #validAt(kind: RecordKind, at: number): Rec | undefined {
    return this.#work
      .filter((r) => r.kind === kind && r.validFrom <= at && (r.validUntil === null || r.validUntil > at))
      .sort((a, b) => b.validFrom - a.validFrom)[0];
  }

  change(rc: RecordChange, effective: number): void {
    const where = `records.${rc.kind}`;
    if (rc.validFrom === undefined) {
      const target = this.#validAt(rc.kind, effective);
      if (!target) {
        this.#work.push(this.#rec(rc.kind, effective, rc.validUntil ?? null, rc.data, where));
        return;
      }
      const merged = { ...target.data, ...rc.data };
      const until = rc.validUntil !== undefined ? rc.validUntil : target.validUntil;
      const same = JSON.stringify(merged) === JSON.stringify(target.data);
      if (target.validFrom === effective || same) this.#replace(target, [this.#rec(rc.kind, target.validFrom, until, merged, where)]);
      else this.#replace(target, [this.#rec(rc.kind, target.validFrom, effective, target.data, where, target), this.#rec(rc.kind, effective, until, merged, where)]);
      return;
    }
    const from = rc.validFrom;
    const same = this.#work.find((r) => r.kind === rc.kind && r.validFrom === from);
    if (same) {
      this.#replace(same, [this.#rec(rc.kind, from, rc.validUntil !== undefined ? rc.validUntil : same.validUntil, { ...same.data, ...rc.data }, where)]);
      return;
    }
    const next = this.#work.filter((r) => r.kind === rc.kind && r.validFrom > from).sort((a, b) => a.validFrom - b.validFrom)[0];
    const until = rc.validUntil !== undefined ? rc.validUntil : (next?.validFrom ?? null);
    const covering = this.#validAt(rc.kind, from);
    // Personal data carries over into a new personal record; a new contract or position starts from its own data.
    const data = rc.kind === 'personal' && covering ? { ...covering.data, ...rc.data } : rc.data;
    if (covering) {
      const parts = [this.#rec(rc.kind, covering.validFrom, from, covering.data, where, covering)];
      if (until !== null && (covering.validUntil === null || covering.validUntil > until)) parts.push(this.#rec(rc.kind, until, covering.validUntil, covering.data, where, covering));
      this.#replace(covering, parts);
    }
    this.#work.push(this.#rec(rc.kind, from, until, data, where));
  }

  /** The record of `kind` that holds `at - 1` ends at `at` (a leaver's contract). */
  end(kind: RecordKind, at: number): void {
    const target = this.#validAt(kind, at - 1);
    if (!target || (target.validUntil !== null && target.validUntil <= at) || target.validFrom >= at) return;
    this.#replace(target, [this.#rec(kind, target.validFrom, at, target.data, `records.${kind}`, target)]);
  }

  after(): IdentityRecordRow[] {
    return this.#o.draft ? [...this.before] : this.#work;
  }

  inserted(): IdentityRecordRow[] {
    return this.#work.filter((r) => r.isNew).map(({ isNew: _, ...r }) => r);
  }

  superseded(): string[] {
    return [...this.#supersede];
  }
}
