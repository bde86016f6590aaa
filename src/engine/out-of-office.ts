/**
 * Out of office (issue 9; docs/decisions/out-of-office.md). A person declares an absence (from, until, delegate):
 * while it is in force, every NEW work item that would be owned by them by name is created owned by the delegate,
 * with `delegatedFrom` = them (the original owner stays in the item, its decision's audit row and `idflow audit`);
 * their OPEN items can be handed over to the delegate when they declare it. Items offered by permission are not
 * routed: whoever else holds the permission acts. The four-eyes rule holds: an approval is never routed or handed to
 * its own launcher or subject; it stays with its owner (and the audit says why).
 */
import { requireAllowed } from '../access/authorize.js';
import { toCaller, type Caller, type CallerLike } from '../access/caller.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { AbsenceRecord, WorkItemHandOver } from '../repository/absence-store.js';
import type { InstanceRecord } from '../repository/runtime-store.js';
import type { EngineContext } from './engine-context.js';
import type { AdvanceOutcome, WorkItemSpec } from './interpreter/interpreter-types.js';
import { toWorkItemView } from './task-view.js';

/** How far a chain of absences is followed (ann → bob → carol, bob being away too). */
const MAX_HOPS = 5;
const MAX_NAME = 256;
const MAX_NOTE = 1000;

export interface AbsenceRequest {
  /** Who is away; default the caller. Only administrators declare for somebody else. */
  readonly person?: string;
  readonly delegate: string;
  /** Epoch ms; default now. */
  readonly from?: number;
  /** Epoch ms, exclusive; default: until cleared. */
  readonly until?: number;
  readonly note?: string;
  /** Also hand the person's open items over to the delegate now (the absence must be in force). */
  readonly handOver?: boolean;
}

export interface AbsenceResult {
  readonly absence: AbsenceRecord;
  /** Open items handed over to the delegate. */
  readonly handedOver: readonly string[];
  /** Open items that stayed with the person, and why (the four-eyes rule). */
  readonly kept: readonly { readonly workItemId: string; readonly code: string; readonly reason: string }[];
}

function checkName(kind: 'person' | 'delegate', name: string): void {
  let why: string | undefined;
  if (typeof name !== 'string' || name.length === 0) why = 'is empty';
  else if (name.trim() !== name) why = 'starts or ends with spaces';
  else if (name.length > MAX_NAME) why = `is longer than ${MAX_NAME} characters`;
  else if (/\p{Cc}/u.test(name)) why = 'holds a control character';
  if (why !== undefined) throw new InvalidInputError('OOO_NAME_INVALID', `the ${kind} name ${JSON.stringify(name)} ${why}`, { kind });
}

/** Only the person themself, or an administrator, declares or clears an absence (the authorisation module says). */
function requireMayDeclare(ctx: EngineContext, caller: Caller, person: string): string {
  requireAllowed(ctx.access.mayDeclareAbsence(caller, person), 'OOO_NOT_ALLOWED', { actor: caller.person, person });
  return caller.person;
}

export async function declareAbsence(ctx: EngineContext, who: CallerLike, request: AbsenceRequest): Promise<AbsenceResult> {
  const caller = toCaller(who);
  const person = request.person ?? caller.person;
  checkName('person', person);
  checkName('delegate', request.delegate);
  const actor = requireMayDeclare(ctx, caller, person);
  if (request.delegate === person) throw new InvalidInputError('OOO_DELEGATE_SELF', `${person} cannot be their own delegate while away`, { person });
  const now = ctx.clock();
  const from = request.from ?? now;
  const until = request.until ?? null;
  for (const [name, t] of [['from', from], ['until', until]] as const) {
    if (t !== null && !Number.isSafeInteger(t)) throw new InvalidInputError('OOO_PERIOD_INVALID', `${name} must be a time (epoch milliseconds)`, { [name]: t });
  }
  if (until !== null && until <= from) {
    throw new InvalidInputError('OOO_PERIOD_INVALID', `the absence must end after it starts (from ${new Date(from).toISOString()}, until ${new Date(until).toISOString()})`, { from, until });
  }
  if (until !== null && until <= now) throw new InvalidInputError('OOO_PERIOD_INVALID', `the absence would be over already (until ${new Date(until).toISOString()})`, { until });
  if (request.note !== undefined && request.note.length > MAX_NOTE) throw new InvalidInputError('OOO_NOTE_TOO_LONG', `the note is longer than ${MAX_NOTE} characters`, {});
  if (request.handOver && from > now) {
    throw new InvalidInputError('OOO_HAND_OVER_EARLY', `open items are handed over when the absence starts; it starts ${new Date(from).toISOString()} (hand over then, or declare it from now)`, { from });
  }
  const absence: AbsenceRecord = { person, delegate: request.delegate, from, until, note: request.note ?? null, setBy: actor, setAt: now };
  await ctx.repository.absences.put(absence);
  await ctx.store.appendAudit([
    { at: now, event: 'out-of-office-set', actor, data: { person, delegate: absence.delegate, from, until, ...(absence.note !== null && { note: absence.note }) } },
  ]);
  if (!request.handOver) return { absence, handedOver: [], kept: [] };
  const { handedOver, kept } = await handOverOpenItems(ctx, person, absence.delegate, actor, now);
  return { absence, handedOver, kept };
}

export async function clearAbsence(ctx: EngineContext, who: CallerLike, person?: string): Promise<void> {
  const caller = toCaller(who);
  const name = person ?? caller.person;
  checkName('person', name);
  const actor = requireMayDeclare(ctx, caller, name);
  if (!(await ctx.repository.absences.clear(name))) throw new NotFoundError('OOO_NOT_FOUND', `${name} has declared no absence`, { person: name });
  await ctx.store.appendAudit([{ at: ctx.clock(), event: 'out-of-office-cleared', actor, data: { person: name } }]);
}

/** Administrators see every absence; anybody else their own and those naming them as delegate. */
export async function listAbsences(ctx: EngineContext, who: CallerLike): Promise<AbsenceRecord[]> {
  const caller = toCaller(who);
  if (caller.administrator && caller.scopes === undefined) return ctx.repository.absences.list();
  const [own, delegated] = await Promise.all([ctx.repository.absences.list({ person: caller.person }), ctx.repository.absences.list({ delegate: caller.person })]);
  return [...own, ...delegated];
}

async function handOverOpenItems(ctx: EngineContext, person: string, delegate: string, actor: string, now: number): Promise<Pick<AbsenceResult, 'handedOver' | 'kept'>> {
  const open = await ctx.store.listWorkItems({ owner: person, state: 'open' });
  const moves: WorkItemHandOver[] = [];
  const kept: { workItemId: string; code: string; reason: string }[] = [];
  const instances = new Map<string, InstanceRecord | undefined>();
  for (const row of open) {
    if (row.owner !== person) continue;
    if (!instances.has(row.instanceId)) instances.set(row.instanceId, await ctx.store.getInstance(row.instanceId));
    const instance = instances.get(row.instanceId);
    if (!instance) continue;
    const verdict = ctx.access.mayHold(delegate, toWorkItemView(row), instance, 'hand-over');
    if (!verdict.allowed) {
      kept.push({ workItemId: row.id, code: 'WORKITEM_FOUR_EYES', reason: verdict.reason });
      continue;
    }
    moves.push({
      id: row.id,
      from: person,
      to: delegate,
      audit: {
        at: now,
        instanceId: instance.id,
        instanceName: instance.name,
        definitionName: instance.definitionName,
        event: 'workitem-handed-over',
        activity: row.activity,
        actor,
        workItemId: row.id,
        data: { owner: delegate, delegatedFrom: person, reason: 'out-of-office' },
      },
    });
  }
  const handedOver = await ctx.repository.absences.handOver(moves);
  return { handedOver, kept };
}

/**
 * The new items of an advance, each owned by whoever holds it while its named owner is away: the owner's delegate
 * (followed along a chain of absences, at most {@link MAX_HOPS}), with `delegatedFrom` = the named owner. One query
 * per hop, and none when the advance creates no item owned by name; none either while the store's copy of the
 * absences is of the counter value a Persist of this advance read (docs/decisions/absence-reads.md).
 */
export async function routeAbsentOwners(
  ctx: EngineContext,
  instance: Pick<InstanceRecord, 'launcher' | 'subject' | 'subjectKey'>,
  outcome: AdvanceOutcome,
  now: number,
  /** The `absences` change counter as a read of this advance found it (AbsenceStore.inForce). */
  seenMark?: number,
): Promise<AdvanceOutcome> {
  const named = outcome.createWorkItems.filter((s) => s.owner !== null);
  if (named.length === 0) return outcome;
  const away = new Map<string, AbsenceRecord>();
  let ask = [...new Set(named.map((s) => s.owner!))];
  for (let hop = 0; hop < MAX_HOPS && ask.length > 0; hop++) {
    const found = await ctx.repository.absences.inForce(ask, now, seenMark);
    for (const a of found) away.set(a.person, a);
    ask = [...new Set(found.map((a) => a.delegate))].filter((d) => !away.has(d));
  }
  if (away.size === 0) return outcome;
  const specs = outcome.createWorkItems.map((spec): WorkItemSpec => {
    if (spec.owner === null || !away.has(spec.owner)) return spec;
    // The first person along the chain who is not away holds it; a hop the four-eyes rule refuses (or a chain that
    // ends where it began) leaves it with its named owner.
    const original = spec.owner;
    const view = { id: spec.id, activity: spec.activity, owner: original, permission: spec.permission, itemType: spec.itemType, delegatedFrom: spec.delegatedFrom };
    const seen = new Set([original]);
    let holder: string | undefined;
    let refused: string | undefined;
    for (let a = away.get(original); a !== undefined && !seen.has(a.delegate); a = away.get(a.delegate)) {
      const verdict = ctx.access.mayHold(a.delegate, view, instance, 'hand-over');
      if (!verdict.allowed) {
        refused = verdict.reason;
        break;
      }
      seen.add(a.delegate);
      if (!away.has(a.delegate)) {
        holder = a.delegate;
        break;
      }
    }
    if (holder === undefined) return refused === undefined ? spec : { ...spec, outOfOffice: { kept: refused } };
    return { ...spec, owner: holder, delegatedFrom: original, outOfOffice: { from: original } };
  });
  return { ...outcome, createWorkItems: specs };
}
