import { IdflowError } from '../errors.js';
import type { AuditRecord, InstanceRecord, InstanceWrite, WorkItemCloseWrite, WorkItemRecord } from '../repository/runtime-store.js';
import type { XValue } from '../expression/env.js';
import type { LoadedDefinition } from './definition-cache.js';
import type { EngineContext } from './engine-context.js';
import { instanceVariables } from './interpreter/interpreter.js';
import type { AdvanceOutcome, Effect, TaskResult, WorkItemClose, WorkItemSpec } from './interpreter/interpreter-types.js';
import { newInstanceRecord, parametersOf } from './new-instance.js';
import type { IdentityWrite } from '../identity/identity-write.js';
import { notificationWrites } from './notification-writes.js';

export interface OutcomeCommit {
  /** The instance's own write first, then the launches its effects asked for. */
  readonly writes: InstanceWrite[];
  readonly instance: InstanceRecord;
  readonly createdItems: readonly WorkItemRecord[];
}

/**
 * Turns one advance into everything its commit writes: the instance row (state, position, variables, result,
 * progress, expiry), work items created and closed, audit rows, side-effect ledger rows, subject lock release at
 * the end, and the instances its `launch` effects start.
 *
 * `before` is the row as last committed (for a synchronous launch: the fresh `ready` record, `insert` true).
 */
export function outcomeWrite(
  ctx: EngineContext,
  args: {
    readonly before: InstanceRecord;
    readonly definition: LoadedDefinition;
    readonly outcome: AdvanceOutcome;
    readonly now: number;
    readonly insert: boolean;
    /** Rows written first (the launch's own audit, a decision's audit). */
    readonly audit?: readonly AuditRecord[];
    readonly extra?: Partial<InstanceWrite>;
    /**
     * The caller writes the items this advance creates and closes already decided (foldDecidedItems, an instance's
     * first advance), which drops their "to do" mail: it is not built.
     */
    readonly foldsDecided?: boolean;
  },
): OutcomeCommit {
  const { before, definition, outcome, now } = args;
  const params = parametersOf(definition);
  const ended = outcome.status !== 'waiting';
  const steps = before.steps + outcome.steps;
  const resultLimit = params?.resultLimit ?? 0;
  // Progress is current at every commit (a wait, the end, a progressInterval checkpoint); it costs no write of its own.
  const instance: InstanceRecord = {
    ...before,
    state: ended ? 'finished' : 'executing',
    // A checkpoint (a yield, when its budget was spent) still has steps to run: it is due now, not waiting.
    waiting: !ended && outcome.checkpoint !== true,
    position: outcome.position,
    interpreterState: outcome.state,
    variables: instanceVariables(outcome.state),
    result: outcome.result ?? null,
    steps,
    progress: { message: progressMessage(outcome, steps), at: now },
    updatedAt: now,
    finishedAt: ended ? now : null,
    expiresAt: ended && resultLimit > 0 ? now + resultLimit * 1000 : null,
    wakeAt: ended ? null : outcome.wakeAt,
    runnable: outcome.checkpoint === true,
    execDeadline: ended ? null : before.execDeadline,
    leaseOwner: null,
    leaseUntil: null,
    attempts: 0,
    revision: before.revision + 1,
  };
  const base = auditBase(instance);
  const audit: AuditRecord[] = [...(args.audit ?? [])];
  const createdItems = outcome.createWorkItems.map((spec) => workItemRecord(instance, spec, now));
  const routed = new Map(outcome.createWorkItems.filter((s) => s.outOfOffice !== undefined).map((s) => [s.id, s.outOfOffice!]));
  for (const item of createdItems) {
    audit.push({
      ...base,
      at: now,
      event: 'workitem-created',
      activity: item.activity,
      workItemId: item.id,
      data: {
        owner: item.owner,
        ...(item.permission !== null && { permission: item.permission }),
        request: item.request,
        ...(item.delegatedFrom !== null && { delegatedFrom: item.delegatedFrom }),
        ...outOfOfficeAudit(routed.get(item.id)),
      },
    });
  }
  const closes = outcome.closeWorkItems.map((c) => closeWrite(c, now));
  for (const c of outcome.closeWorkItems) {
    audit.push({
      ...base,
      at: now,
      event: `workitem-${c.reason}`,
      ...(c.actor !== undefined && { actor: c.actor }),
      workItemId: c.id,
      data: { ...(c.decision !== undefined && { decision: c.decision }), ...(c.comment !== undefined && { comment: c.comment }) },
    });
  }
  const sideEffects = [];
  const children: InstanceWrite[] = [];
  const identity: IdentityWrite[] = [];
  // Users checked out or in by this advance: the last word on each key counts.
  const locks = new Map<string, boolean>();
  for (const effect of outcome.effects) {
    if (effect.kind === 'subject-lock') {
      locks.delete(effect.subjectKey);
      locks.set(effect.subjectKey, effect.hold);
    } else if (effect.kind === 'identity') {
      identity.push(effect.write);
    } else if (effect.kind === 'side-effect') {
      sideEffects.push({ key: effect.key, operation: effect.operation, data: effect.data, instanceId: instance.id, at: now });
    } else if (effect.kind === 'launch') {
      const child = launchWrite(ctx, effect, instance, now);
      if ('write' in child) children.push(child.write);
      else audit.push(child.audit);
    } else {
      audit.push(effectAudit(effect, base, now));
    }
  }
  if (ended) {
    audit.push({
      ...base,
      at: now,
      event: outcome.status === 'failed' ? 'failed' : 'finished',
      data: { outcome: instance.result?.outcome ?? outcome.status, steps, errors: [...(instance.result?.errors ?? [])] },
    });
  }
  // An instance that works on nobody yet (an onboarding) works on the identity its change set created from now on.
  const created = identity.find((w) => w.expectedRevision === null) ?? identity[0];
  const adopt = instance.subject === null && created !== undefined;
  const withSubject: InstanceRecord = adopt ? { ...instance, subject: created.identity.login, subjectKey: created.identity.loginKey } : instance;
  const notifications = notificationWrites({
    instance,
    fromRevision: args.insert ? 0 : before.revision,
    effects: outcome.effects,
    createdItems,
    closes: outcome.closeWorkItems,
    now,
    ...(args.foldsDecided && outcome.closeWorkItems.length > 0 && { decided: decidedAtOnce(createdItems, outcome.closeWorkItems) }),
  });
  const write: InstanceWrite = {
    instance: withSubject,
    expectedRevision: args.insert ? null : before.revision,
    createWorkItems: createdItems,
    closeWorkItems: closes,
    audit,
    sideEffects,
    ...(notifications.length > 0 && { notifications }),
    ...(ended && { closeOpenWorkItems: { state: 'cancelled', at: now }, releaseSubject: true, delete: resultLimit === 0 }),
    ...(args.insert && before.subjectKey !== null && !ended && { acquireSubject: before.subjectKey }),
    ...(adopt && !ended && { acquireSubject: created.identity.loginKey }),
    ...(identity.length > 0 && { identity }),
    ...(!ended && lockChanges(locks, withSubject.subjectKey)),
    ...args.extra,
  };
  return { writes: [write, ...children], instance: withSubject, createdItems };
}

/**
 * The row of an instance ended from outside its process (terminated, or failed because it could not be advanced):
 * nothing left due, no lease, no deadline, the revision bumped. Its process state stays as last committed.
 */
export function endedRecord(
  instance: InstanceRecord,
  end: { readonly state: 'finished' | 'terminated'; readonly result: TaskResult; readonly now: number; readonly expiresAt: number | null },
): InstanceRecord {
  return {
    ...instance,
    state: end.state,
    waiting: false,
    result: end.result,
    updatedAt: end.now,
    finishedAt: end.now,
    expiresAt: end.expiresAt,
    wakeAt: null,
    runnable: false,
    execDeadline: null,
    leaseOwner: null,
    leaseUntil: null,
    attempts: 0,
    revision: instance.revision + 1,
  };
}

/** Audit fields naming the instance. */
export function auditBase(i: InstanceRecord): Pick<AuditRecord, 'instanceId' | 'instanceName' | 'definitionName'> {
  return { instanceId: i.id, instanceName: i.name, definitionName: i.definitionName };
}

/**
 * The `decision` row of a work item decided by `actor` (engine.decide, and the launcher's decision fired at launch):
 * `idflow audit` shows the actor, who held the item when that was someone else, and whose it was first when it was
 * delegated. `data` is the decision itself (its name, how the actor was allowed, and what came with it).
 */
export function decisionAudit(
  instance: InstanceRecord,
  item: { readonly id: string; readonly activity: string; readonly owner: string | null; readonly delegatedFrom?: string | null },
  actor: string,
  at: number,
  data: { readonly decision: string; readonly as: string } & Readonly<Record<string, XValue>>,
): AuditRecord {
  return {
    ...auditBase(instance),
    at,
    event: 'decision',
    activity: item.activity,
    actor,
    workItemId: item.id,
    data: {
      ...data,
      ...(item.owner !== null && item.owner !== actor && { owner: item.owner }),
      ...(item.delegatedFrom != null && { delegatedFrom: item.delegatedFrom }),
    },
  };
}

/** What the `workitem-created` audit row says of out-of-office routing. */
function outOfOfficeAudit(routing: WorkItemSpec['outOfOffice']): Record<string, string> {
  if (routing === undefined) return {};
  return 'from' in routing ? { outOfOffice: routing.from } : { outOfOfficeKept: routing.kept };
}

function progressMessage(outcome: AdvanceOutcome, steps: number): string {
  const at = `at ${outcome.position.join(', ') || '(no activity)'}`;
  const where = outcome.yielded ? `running, ${at} (yielded: advance budget spent)` : outcome.checkpoint ? `running, ${at}` : outcome.status === 'waiting' ? at : outcome.status;
  return `${where} after ${steps} step${steps === 1 ? '' : 's'}`;
}

function workItemRecord(instance: InstanceRecord, spec: WorkItemSpec, now: number): WorkItemRecord {
  return {
    id: spec.id,
    instanceId: instance.id,
    definitionName: instance.definitionName,
    activity: spec.activity,
    action: spec.action,
    owner: spec.owner,
    permission: spec.permission ?? null,
    request: spec.request,
    itemType: spec.itemType ?? null,
    decisions: spec.decisions,
    variables: spec.variables,
    editable: spec.editable,
    form: spec.form ?? null,
    dueAt: spec.dueAt,
    state: 'open',
    delegatedFrom: spec.delegatedFrom ?? null,
    decision: null,
    decidedBy: null,
    comment: null,
    createdAt: now,
    closedAt: null,
  };
}

/** Of `created`, the items whose last close in the same advance leaves them closed: what foldDecidedItems folds. */
function decidedAtOnce(created: readonly WorkItemRecord[], closes: readonly WorkItemClose[]): Set<string> {
  const last = new Map(closes.map((c) => [c.id, c.reason]));
  const out = new Set<string>();
  for (const i of created) {
    const reason = last.get(i.id);
    if (reason !== undefined && reason !== 'saved') out.add(i.id);
  }
  return out;
}

function closeWrite(c: WorkItemClose, now: number): WorkItemCloseWrite {
  return {
    id: c.id,
    state: c.reason === 'saved' ? 'open' : c.reason,
    ...(c.decision !== undefined && { decision: c.decision }),
    ...(c.actor !== undefined && { decidedBy: c.actor }),
    ...(c.comment !== undefined && { comment: c.comment }),
    ...(c.variables !== undefined && { variables: c.variables }),
    at: now,
  };
}

/**
 * The checkouts and check-ins of one advance as lock writes. The instance's own subject is never among them: it is
 * held from the launch (or the onboarding that created it) to the end, whatever a check-in of the same user says.
 */
function lockChanges(locks: ReadonlyMap<string, boolean>, own: string | null): Pick<InstanceWrite, 'lockSubjects' | 'unlockSubjects'> {
  const hold = [...locks].filter(([key, h]) => h && key !== own).map(([key]) => key);
  const release = [...locks].filter(([key, h]) => !h && key !== own).map(([key]) => key);
  return { ...(hold.length > 0 && { lockSubjects: hold }), ...(release.length > 0 && { unlockSubjects: release }) };
}

function effectAudit(effect: Exclude<Effect, { kind: 'side-effect' | 'launch' | 'identity' | 'subject-lock' }>, base: ReturnType<typeof auditBase>, now: number): AuditRecord {
  if (effect.kind === 'notification') {
    // On record here; the same commit writes it to the outbox (notification-writes.ts), which the mail workers send.
    return { ...base, at: now, event: 'notification', data: { to: [...effect.to], subject: effect.subject, body: effect.body } };
  }
  return {
    ...base,
    at: now,
    event: effect.event,
    ...(effect.activity !== undefined && { activity: effect.activity }),
    ...(effect.actor !== undefined && { actor: effect.actor }),
    ...(effect.data !== undefined && { data: effect.data }),
  };
}

/** A `launch` effect: a new async instance, inserted in the same commit, or an audit row saying why not. */
function launchWrite(
  ctx: EngineContext,
  effect: Extract<Effect, { kind: 'launch' }>,
  parent: InstanceRecord,
  now: number,
): { write: InstanceWrite } | { audit: AuditRecord } {
  const definition = ctx.definitions.latestLaunchable(effect.definition);
  if (!definition) {
    return { audit: { ...auditBase(parent), at: now, event: 'launch-refused', data: { definition: effect.definition, code: 'DEFINITION_NOT_FOUND' } } };
  }
  if (definition.object.type === 'TaskDefinition' && definition.object.javaExecutor !== undefined) {
    const data = { definition: effect.definition, code: 'TASK_EXECUTOR_UNSUPPORTED', executor: definition.object.javaExecutor };
    return { audit: { ...auditBase(parent), at: now, event: 'launch-refused', data } };
  }
  let child: InstanceRecord;
  try {
    child = newInstanceRecord(definition, {
      launcher: effect.launcher,
      ...(effect.subject !== undefined && { subject: effect.subject }),
      inputs: effect.variables,
      now,
    });
  } catch (e) {
    // A subject computed by the process that names nobody: the launch is refused and recorded, the parent goes on.
    if (!(e instanceof IdflowError)) throw e;
    return { audit: { ...auditBase(parent), at: now, event: 'launch-refused', data: { definition: effect.definition, code: e.code, subject: effect.subject ?? null } } };
  }
  return {
    write: {
      instance: { ...child, revision: 1 },
      expectedRevision: null,
      ...(child.subjectKey !== null && { acquireSubject: child.subjectKey }),
      audit: [{ ...auditBase(child), at: now, event: 'launched', actor: effect.launcher, data: { by: parent.id, mode: 'async' } }],
      auditIfRefused: [
        { ...auditBase(parent), at: now, event: 'launch-refused', data: { definition: effect.definition, code: 'SUBJECT_BUSY', subject: effect.subject ?? null } },
      ],
    },
  };
}
