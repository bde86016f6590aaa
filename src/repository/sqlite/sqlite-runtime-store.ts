import type { DecisionModel } from '../../definition/model/action.js';
import type { InstanceState, TaskResult } from '../../engine/interpreter/interpreter-types.js';
import type { XValue } from '../../expression/env.js';
import type {
  AuditRecord,
  CommitStatus,
  InstanceFilter,
  InstanceRecord,
  InstanceStateName,
  InstanceWrite,
  RuntimeStore,
  ScheduleStateRecord,
  SideEffectRecord,
  StoredAuditEvent,
  WorkItemQuery,
  WorkItemRecord,
  WorkItemStateName,
} from '../runtime-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface InstanceRow {
  id: string;
  name: string;
  definition_id: string;
  definition_type: string;
  definition_name: string;
  definition_version: number;
  state: InstanceStateName;
  waiting: number;
  launcher: string;
  subject: string | null;
  position: string;
  interpreter_state: string | null;
  variables: string;
  result: string | null;
  steps: number;
  progress: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  expires_at: number | null;
  wake_at: number | null;
  runnable: number;
  exec_deadline: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  revision: number;
}

interface WorkItemRow {
  id: string;
  instance_id: string;
  definition_name: string;
  activity: string;
  action: string;
  owner: string | null;
  permission: string | null;
  request: string;
  item_type: string | null;
  decisions: string;
  variables: string;
  editable: string;
  form: string | null;
  due_at: number | null;
  state: WorkItemStateName;
  delegated_from: string | null;
  decision: string | null;
  decided_by: string | null;
  comment: string | null;
  created_at: number;
  closed_at: number | null;
}

interface AuditRow {
  id: number;
  at: number;
  instance_id: string | null;
  instance_name: string | null;
  definition_name: string | null;
  event: string;
  activity: string | null;
  actor: string | null;
  work_item_id: string | null;
  data: string | null;
}

const UNFINISHED = `('ready', 'executing', 'suspended')`;

/** Refusals inside a commit that skip one write but not the batch. */
class WriteRefused extends Error {
  constructor(readonly status: CommitStatus) {
    super(status);
  }
}

/**
 * The runtime tables in SQLite. better-sqlite3 is synchronous and a process has one connection, so a batch commit
 * is one `BEGIN IMMEDIATE … COMMIT` with a savepoint per instance (nested `transaction()` calls): a refused write
 * rolls back to its savepoint and the rest of the batch commits.
 */
export class SqliteRuntimeStore implements RuntimeStore {
  readonly kind = 'runtime' as const;
  /** @internal */
  readonly db: SqliteDatabase;
  #statements: ReturnType<typeof prepare> | undefined;

  constructor(db: SqliteDatabase) {
    this.db = db;
  }

  /** Prepared lazily: the tables exist only after the migrations ran. */
  get #s(): ReturnType<typeof prepare> {
    this.#statements ??= prepare(this.db);
    return this.#statements;
  }

  async commit(writes: readonly InstanceWrite[]): Promise<CommitStatus[]> {
    const s = this.#s;
    const one = this.db.transaction((w: InstanceWrite) => this.#writeOne(s, w));
    const all = this.db.transaction((batch: readonly InstanceWrite[]) =>
      batch.map((w): CommitStatus => {
        try {
          one(w);
          return 'committed';
        } catch (e) {
          if (e instanceof WriteRefused) {
            if (w.auditIfRefused) for (const a of w.auditIfRefused) insertAudit(s, a);
            return e.status;
          }
          throw e;
        }
      }),
    );
    return all.immediate(writes);
  }

  #writeOne(s: ReturnType<typeof prepare>, w: InstanceWrite): void {
    const i = w.instance;
    for (const id of w.deleteInstances ?? []) {
      s.deleteLocksOf.run(id);
      s.deleteInstance.run(id);
    }
    for (const r of w.renameInstances ?? []) s.rename.run(r.name, r.id);
    const params = instanceParams(i);
    if (w.expectedRevision === null) {
      if (s.instanceByName.get(i.name)) throw new WriteRefused('name-taken');
      s.insertInstance.run(params);
    } else {
      const changed = s.updateInstance.run({ ...params, expected: w.expectedRevision }).changes;
      if (changed === 0) throw new WriteRefused('conflict');
    }
    if (w.releaseSubject) s.deleteLocksOf.run(i.id);
    if (w.acquireSubject !== undefined) {
      const holder = s.lockHolder.get(w.acquireSubject) as { instance_id: string } | undefined;
      if (holder && holder.instance_id !== i.id) throw new WriteRefused('subject-busy');
      if (!holder) s.insertLock.run(w.acquireSubject, i.id, i.updatedAt);
    }
    for (const c of w.closeWorkItems ?? []) {
      s.closeWorkItem.run({
        id: c.id,
        state: c.state,
        decision: c.decision ?? null,
        decidedBy: c.decidedBy ?? null,
        comment: c.comment ?? null,
        variables: c.variables === undefined ? null : JSON.stringify(c.variables),
        closedAt: c.state === 'open' ? null : c.at,
      });
    }
    if (w.closeOpenWorkItems) s.closeOpen.run(w.closeOpenWorkItems.state, w.closeOpenWorkItems.at, i.id);
    for (const item of w.createWorkItems ?? []) s.insertWorkItem.run(workItemParams(item));
    for (const a of w.audit ?? []) insertAudit(s, a);
    // A duplicate key is a bug (a committed step ran twice), so it fails the commit loudly instead of being ignored.
    for (const e of w.sideEffects ?? []) s.insertSideEffect.run(e.key, e.operation, JSON.stringify(e.data), e.instanceId, e.at);
    if (w.delete) {
      s.deleteLocksOf.run(i.id);
      s.deleteInstance.run(i.id);
    }
  }

  async claim(owner: string, now: number, leaseUntil: number, limit: number): Promise<InstanceRecord[]> {
    const s = this.#s;
    return this.db
      .transaction(() => {
        const rows = s.claimable.all(now, now, limit) as InstanceRow[];
        for (const r of rows) s.lease.run(owner, leaseUntil, r.id);
        return rows.map((r) => toInstance({ ...r, lease_owner: owner, lease_until: leaseUntil }));
      })
      .immediate();
  }

  async claimIds(ids: readonly string[], owner: string, now: number, leaseUntil: number): Promise<InstanceRecord[]> {
    const s = this.#s;
    return this.db
      .transaction(() => {
        const out: InstanceRecord[] = [];
        for (const id of ids) {
          const r = s.claimableById.get(id, now, now) as InstanceRow | undefined;
          if (!r) continue;
          s.lease.run(owner, leaseUntil, r.id);
          out.push(toInstance({ ...r, lease_owner: owner, lease_until: leaseUntil }));
        }
        return out;
      })
      .immediate();
  }

  async releaseLeases(owner: string): Promise<number> {
    return this.#s.releaseLeases.run(owner).changes;
  }

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const row = this.#s.instanceById.get(id) as InstanceRow | undefined;
    return row ? toInstance(row) : undefined;
  }

  async getInstanceByName(name: string): Promise<InstanceRecord | undefined> {
    const row = this.#s.instanceByName.get(name) as InstanceRow | undefined;
    return row ? toInstance(row) : undefined;
  }

  async listInstances(filter: InstanceFilter = {}): Promise<InstanceRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const states = filter.states ?? (filter.state ? [filter.state] : undefined);
    if (states) {
      where.push(`state IN (${states.map(() => '?').join(', ')})`);
      args.push(...states);
    }
    if (filter.definitionName !== undefined) {
      where.push('definition_name = ?');
      args.push(filter.definitionName);
    }
    if (filter.subject !== undefined) {
      where.push('subject = ?');
      args.push(filter.subject);
    }
    const sql = `SELECT * FROM task_instances${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id${
      filter.limit !== undefined ? ' LIMIT ?' : ''
    }`;
    if (filter.limit !== undefined) args.push(filter.limit);
    return (this.db.prepare(sql).all(...args) as InstanceRow[]).map(toInstance);
  }

  async subjectHolder(subject: string): Promise<string | undefined> {
    return (this.#s.lockHolder.get(subject) as { instance_id: string } | undefined)?.instance_id;
  }

  async getWorkItem(id: string): Promise<WorkItemRecord | undefined> {
    const row = this.#s.workItemById.get(id) as WorkItemRow | undefined;
    return row ? toWorkItem(row) : undefined;
  }

  async listWorkItems(query: WorkItemQuery = {}): Promise<WorkItemRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.permissions !== undefined) {
      // One bound JSON array, however many permissions a person holds; the IN list uses the permission index.
      const byPermission = 'permission IN (SELECT value FROM json_each(?))';
      where.push(query.owner !== undefined ? `(owner = ? OR ${byPermission})` : byPermission);
      if (query.owner !== undefined) args.push(query.owner);
      args.push(JSON.stringify(query.permissions));
    } else if (query.owner !== undefined) {
      where.push(query.includePermissionItems ? '(owner = ? OR permission IS NOT NULL)' : 'owner = ?');
      args.push(query.owner);
    } else if (query.includePermissionItems) {
      where.push('permission IS NOT NULL');
    }
    if (query.instanceId !== undefined) {
      where.push('instance_id = ?');
      args.push(query.instanceId);
    }
    if (query.state !== undefined) {
      where.push('state = ?');
      args.push(query.state);
    }
    const sql = `SELECT * FROM work_items${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id${
      query.limit !== undefined ? ' LIMIT ?' : ''
    }`;
    if (query.limit !== undefined) args.push(query.limit);
    return (this.db.prepare(sql).all(...args) as WorkItemRow[]).map(toWorkItem);
  }

  async expiredInstances(now: number, limit: number): Promise<string[]> {
    return (this.#s.expired.all(now, limit) as { id: string }[]).map((r) => r.id);
  }

  async deleteInstances(ids: readonly string[]): Promise<number> {
    const s = this.#s;
    return this.db.transaction(() => {
      let n = 0;
      for (const id of ids) {
        s.deleteLocksOf.run(id);
        n += s.deleteInstance.run(id).changes;
      }
      return n;
    })();
  }

  async overdueInstances(now: number, limit: number): Promise<InstanceRecord[]> {
    return (this.#s.overdue.all(now, limit) as InstanceRow[]).map(toInstance);
  }

  async appendAudit(records: readonly AuditRecord[]): Promise<void> {
    const s = this.#s;
    this.db.transaction(() => {
      for (const a of records) insertAudit(s, a);
    })();
  }

  async listAudit(filter: { readonly instanceId?: string; readonly limit?: number } = {}): Promise<StoredAuditEvent[]> {
    const limit = filter.limit ?? -1;
    const rows = (
      filter.instanceId !== undefined
        ? this.db.prepare('SELECT * FROM audit_events WHERE instance_id = ? ORDER BY id LIMIT ?').all(filter.instanceId, limit)
        : this.db.prepare('SELECT * FROM audit_events ORDER BY id LIMIT ?').all(limit)
    ) as AuditRow[];
    return rows.map(toAudit);
  }

  async listSideEffects(filter: { readonly instanceId?: string } = {}): Promise<SideEffectRecord[]> {
    const rows = (
      filter.instanceId !== undefined
        ? this.db.prepare('SELECT * FROM side_effects WHERE instance_id = ? ORDER BY at, key').all(filter.instanceId)
        : this.db.prepare('SELECT * FROM side_effects ORDER BY at, key').all()
    ) as { key: string; operation: string; data: string; instance_id: string; at: number }[];
    return rows.map((r) => ({ key: r.key, operation: r.operation, data: JSON.parse(r.data) as Record<string, XValue>, instanceId: r.instance_id, at: r.at }));
  }

  async listScheduleStates(): Promise<ScheduleStateRecord[]> {
    const rows = this.db.prepare('SELECT * FROM schedule_state ORDER BY name').all() as {
      name: string;
      last_run: number | null;
      next_run: number | null;
      run_count: number;
      updated_at: number;
    }[];
    return rows.map((r) => ({ name: r.name, lastRun: r.last_run, nextRun: r.next_run, runCount: r.run_count, updatedAt: r.updated_at }));
  }

  async updateScheduleState(next: ScheduleStateRecord, expectedNextRun: number | null | undefined): Promise<boolean> {
    const args = [next.lastRun, next.nextRun, next.runCount, next.updatedAt, next.name] as const;
    if (expectedNextRun === undefined) {
      return (
        this.db
          .prepare('INSERT INTO schedule_state (last_run, next_run, run_count, updated_at, name) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING')
          .run(...args).changes === 1
      );
    }
    return (
      this.db
        .prepare('UPDATE schedule_state SET last_run = ?, next_run = ?, run_count = ?, updated_at = ? WHERE name = ? AND next_run IS ?')
        .run(...args, expectedNextRun).changes === 1
    );
  }
}

function prepare(db: SqliteDatabase) {
  const instanceColumns =
    'id, name, definition_id, definition_type, definition_name, definition_version, state, waiting, launcher, subject, position, ' +
    'interpreter_state, variables, result, steps, progress, created_at, updated_at, finished_at, expires_at, wake_at, runnable, ' +
    'exec_deadline, lease_owner, lease_until, revision';
  const instanceValues = instanceColumns
    .split(', ')
    .map((c) => `@${c}`)
    .join(', ');
  const instanceSets = instanceColumns
    .split(', ')
    .filter((c) => c !== 'id')
    .map((c) => `${c} = @${c}`)
    .join(', ');
  const due = `wake_at <= ? AND state IN ('ready', 'executing') AND (lease_until IS NULL OR lease_until <= ?)`;
  return {
    insertInstance: db.prepare(`INSERT INTO task_instances (${instanceColumns}) VALUES (${instanceValues})`),
    updateInstance: db.prepare(`UPDATE task_instances SET ${instanceSets} WHERE id = @id AND revision = @expected`),
    instanceById: db.prepare('SELECT * FROM task_instances WHERE id = ?'),
    instanceByName: db.prepare('SELECT * FROM task_instances WHERE name = ?'),
    deleteInstance: db.prepare('DELETE FROM task_instances WHERE id = ?'),
    rename: db.prepare('UPDATE task_instances SET name = ?, revision = revision + 1 WHERE id = ?'),
    claimable: db.prepare(`SELECT * FROM task_instances WHERE ${due} ORDER BY wake_at LIMIT ?`),
    claimableById: db.prepare(`SELECT * FROM task_instances WHERE id = ? AND ${due}`),
    lease: db.prepare('UPDATE task_instances SET lease_owner = ?, lease_until = ? WHERE id = ?'),
    releaseLeases: db.prepare('UPDATE task_instances SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?'),
    lockHolder: db.prepare('SELECT instance_id FROM subject_locks WHERE subject = ?'),
    insertLock: db.prepare('INSERT INTO subject_locks (subject, instance_id, acquired_at) VALUES (?, ?, ?)'),
    deleteLocksOf: db.prepare('DELETE FROM subject_locks WHERE instance_id = ?'),
    insertWorkItem: db.prepare(
      `INSERT INTO work_items (id, instance_id, definition_name, activity, action, owner, permission, request, item_type, decisions,
         variables, editable, form, due_at, state, delegated_from, decision, decided_by, comment, created_at, closed_at)
       VALUES (@id, @instanceId, @definitionName, @activity, @action, @owner, @permission, @request, @itemType, @decisions,
         @variables, @editable, @form, @dueAt, @state, @delegatedFrom, @decision, @decidedBy, @comment, @createdAt, @closedAt)`,
    ),
    closeWorkItem: db.prepare(
      `UPDATE work_items SET state = @state, decision = COALESCE(@decision, decision), decided_by = COALESCE(@decidedBy, decided_by),
         comment = COALESCE(@comment, comment), variables = COALESCE(@variables, variables), closed_at = @closedAt WHERE id = @id`,
    ),
    closeOpen: db.prepare(`UPDATE work_items SET state = ?, closed_at = ? WHERE instance_id = ? AND state = 'open'`),
    workItemById: db.prepare('SELECT * FROM work_items WHERE id = ?'),
    insertAudit: db.prepare(
      `INSERT INTO audit_events (at, instance_id, instance_name, definition_name, event, activity, actor, work_item_id, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertSideEffect: db.prepare('INSERT INTO side_effects (key, operation, data, instance_id, at) VALUES (?, ?, ?, ?, ?)'),
    expired: db.prepare(`SELECT id FROM task_instances WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`),
    overdue: db.prepare(`SELECT * FROM task_instances WHERE exec_deadline <= ? AND state IN ${UNFINISHED} ORDER BY exec_deadline LIMIT ?`),
  };
}

function insertAudit(s: ReturnType<typeof prepare>, a: AuditRecord): void {
  s.insertAudit.run(
    a.at,
    a.instanceId ?? null,
    a.instanceName ?? null,
    a.definitionName ?? null,
    a.event,
    a.activity ?? null,
    a.actor ?? null,
    a.workItemId ?? null,
    a.data === undefined ? null : JSON.stringify(a.data),
  );
}

function instanceParams(i: InstanceRecord): Record<string, unknown> {
  return {
    id: i.id,
    name: i.name,
    definition_id: i.definitionId,
    definition_type: i.definitionType,
    definition_name: i.definitionName,
    definition_version: i.definitionVersion,
    state: i.state,
    waiting: i.waiting ? 1 : 0,
    launcher: i.launcher,
    subject: i.subject,
    position: JSON.stringify(i.position),
    interpreter_state: i.interpreterState === null ? null : JSON.stringify(i.interpreterState),
    variables: JSON.stringify(i.variables),
    result: i.result === null ? null : JSON.stringify(i.result),
    steps: i.steps,
    progress: i.progress === null ? null : JSON.stringify(i.progress),
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    finished_at: i.finishedAt,
    expires_at: i.expiresAt,
    wake_at: i.wakeAt,
    runnable: i.runnable ? 1 : 0,
    exec_deadline: i.execDeadline,
    lease_owner: i.leaseOwner,
    lease_until: i.leaseUntil,
    revision: i.revision,
  };
}

function toInstance(r: InstanceRow): InstanceRecord {
  return {
    id: r.id,
    name: r.name,
    definitionId: r.definition_id,
    definitionType: r.definition_type,
    definitionName: r.definition_name,
    definitionVersion: r.definition_version,
    state: r.state,
    waiting: r.waiting === 1,
    launcher: r.launcher,
    subject: r.subject,
    position: JSON.parse(r.position) as string[],
    interpreterState: r.interpreter_state === null ? null : (JSON.parse(r.interpreter_state) as InstanceState),
    variables: JSON.parse(r.variables) as Record<string, XValue>,
    result: r.result === null ? null : (JSON.parse(r.result) as TaskResult),
    steps: r.steps,
    progress: r.progress === null ? null : (JSON.parse(r.progress) as { message: string; at: number }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    expiresAt: r.expires_at,
    wakeAt: r.wake_at,
    runnable: r.runnable === 1,
    execDeadline: r.exec_deadline,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    revision: r.revision,
  };
}

function workItemParams(w: WorkItemRecord): Record<string, unknown> {
  return {
    ...w,
    decisions: JSON.stringify(w.decisions),
    variables: JSON.stringify(w.variables),
    editable: JSON.stringify(w.editable),
  };
}

function toWorkItem(r: WorkItemRow): WorkItemRecord {
  return {
    id: r.id,
    instanceId: r.instance_id,
    definitionName: r.definition_name,
    activity: r.activity,
    action: r.action,
    owner: r.owner,
    permission: r.permission,
    request: r.request,
    itemType: r.item_type,
    decisions: JSON.parse(r.decisions) as DecisionModel[],
    variables: JSON.parse(r.variables) as Record<string, XValue>,
    editable: JSON.parse(r.editable) as string[],
    form: r.form,
    dueAt: r.due_at,
    state: r.state,
    delegatedFrom: r.delegated_from,
    decision: r.decision,
    decidedBy: r.decided_by,
    comment: r.comment,
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}

function toAudit(r: AuditRow): StoredAuditEvent {
  return {
    id: r.id,
    at: r.at,
    ...(r.instance_id !== null && { instanceId: r.instance_id }),
    ...(r.instance_name !== null && { instanceName: r.instance_name }),
    ...(r.definition_name !== null && { definitionName: r.definition_name }),
    event: r.event,
    ...(r.activity !== null && { activity: r.activity }),
    ...(r.actor !== null && { actor: r.actor }),
    ...(r.work_item_id !== null && { workItemId: r.work_item_id }),
    ...(r.data !== null && { data: JSON.parse(r.data) as Record<string, XValue> }),
  };
}

