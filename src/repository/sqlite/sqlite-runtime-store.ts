import { SQLITE_INSERT_NOTIFICATION, sqliteNotificationArgs } from './sqlite-notification-store.js';
import type { XValue } from '../../expression/env.js';
import { applySqliteIdentityWrite } from './sqlite-identity-store.js';
import {
  AUDIT_COLUMNS,
  DERIVED_NAME,
  INSTANCE_COLUMNS,
  STATES,
  UNFINISHED,
  UNFINISHED_STATES,
  WORK_ITEM_COLUMNS,
  auditValues,
  closeWorkItemValues,
  instanceValues,
  toAudit,
  toInstance,
  toWorkItem,
  workItemValues,
  type AuditRow,
  type InstanceRow,
  type WorkItemRow,
} from '../runtime-rows.js';
import type {
  AuditRecord,
  CommitStatus,
  InstanceFilter,
  ListPaging,
  InstanceRecord,
  InstanceWrite,
  RuntimeStore,
  ScheduleStateChange,
  ScheduleStateRecord,
  SideEffectRecord,
  StoredAuditEvent,
  WorkItemQuery,
  WorkItemRecord,
} from '../runtime-store.js';
import { refusableAfterWriting } from '../runtime-store.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

/** Refusals inside a commit that skip one write but not the batch. */
class WriteRefused extends Error {
  constructor(readonly status: CommitStatus) {
    super(status);
  }
}

/** A write's schedule compare-and-set failed: the whole batch is rolled back (see InstanceWrite.schedule). */
class ScheduleMoved extends Error {}

const LEASE_UNTIL_INDEX = INSTANCE_COLUMNS.indexOf('lease_until');

/** Rows per multi-row INSERT at most; larger lists go in several statements. */
const MAX_ROWS_PER_INSERT = 64;

type Statements = ReturnType<typeof prepare>;
type Transactions = ReturnType<typeof makeTransactions>;

/**
 * The runtime tables in SQLite. better-sqlite3 is synchronous and a process has one connection, so a batch commit
 * is one `BEGIN IMMEDIATE … COMMIT` with a savepoint per instance whose refusal can follow a write of its own
 * (nested `transaction()` calls; `refusableAfterWriting`): a refused write rolls back to its savepoint and the rest
 * of the batch commits. Any other write is refused, if at all, by its first statement, which wrote nothing. A commit
 * of one write needs no savepoint: a refusal rolls the whole transaction back.
 *
 * Cost per commit is what the benchmark watches (docs/benchmarks.md): every statement is prepared once, the
 * audit rows of a commit go in one multi-row INSERT, and the unique name is checked by its constraint, not by a
 * query before the insert.
 */
export class SqliteRuntimeStore implements RuntimeStore {
  readonly kind = 'runtime' as const;
  /** @internal */
  readonly db: SqliteDatabase;
  #statements: Statements | undefined;
  #transactions: Transactions | undefined;
  /** Statements whose SQL depends on the query (listings), by SQL text. */
  readonly #dynamic = new Map<string, SqliteStatement>();
  /** Database time: SQLite has no server clock; every process sharing the file shares the machine's. */
  readonly #clock: () => number;

  constructor(db: SqliteDatabase, clock: () => number = Date.now) {
    this.db = db;
    this.#clock = clock;
  }

  /** Prepared lazily: the tables exist only after the migrations ran. */
  get #s(): Statements {
    this.#statements ??= prepare(this.db);
    return this.#statements;
  }

  #prepare(sql: string): SqliteStatement {
    let st = this.#dynamic.get(sql);
    if (!st) this.#dynamic.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  async databaseTime(): Promise<number> {
    return this.#clock();
  }

  async commit(writes: readonly InstanceWrite[]): Promise<CommitStatus[]> {
    const tx = (this.#transactions ??= makeTransactions(this.db, this.#s, this.#clock));
    if (writes.length !== 1) {
      if (writes.length === 0) return [];
      try {
        return tx.batch.immediate(writes);
      } catch (e) {
        if (e instanceof ScheduleMoved) return writes.map(() => 'schedule-moved');
        throw e;
      }
    }
    const w = writes[0]!;
    try {
      tx.single.immediate(w);
      return ['committed'];
    } catch (e) {
      if (!(e instanceof WriteRefused)) throw e;
      if (w.auditIfRefused?.length && e.status !== 'schedule-moved') tx.audit.immediate(w.auditIfRefused);
      return [e.status];
    }
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<InstanceRecord[]> {
    const s = this.#s;
    // Look before locking: an idle worker's poll (most polls) is a read, which in WAL mode neither waits for another
    // process's write lock nor makes one wait.
    if (s.claimable.get(now, this.#clock(), 1) === undefined) return [];
    return this.db
      .transaction(() => {
        const dbNow = this.#clock();
        const leaseUntil = dbNow + leaseMs;
        const rows = s.claimable.all(now, dbNow, limit) as InstanceRow[];
        if (rows.length > 0) s.leaseMany.run(owner, leaseUntil, JSON.stringify(rows.map((r) => r.id)));
        return rows.map((r) => toInstance(leased(r, owner, leaseUntil)));
      })
      .immediate();
  }

  async claimIds(ids: readonly string[], owner: string, now: number, leaseMs: number): Promise<InstanceRecord[]> {
    const s = this.#s;
    return this.db
      .transaction(() => {
        const dbNow = this.#clock();
        const leaseUntil = dbNow + leaseMs;
        const out: InstanceRecord[] = [];
        for (const id of ids) {
          const r = s.claimableById.get(id, now, dbNow) as InstanceRow | undefined;
          if (!r) continue;
          s.lease.run(owner, leaseUntil, r.id);
          out.push(toInstance(leased(r, owner, leaseUntil)));
        }
        return out;
      })
      .immediate();
  }

  async renewLeases(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = this.#s.renewLeases.all(this.#clock() + leaseMs, JSON.stringify(ids), owner) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * @internal The query plan (EXPLAIN QUERY PLAN, one line) of every statement on the worker's and the commit's
   * path, by name: the tests check that none scans a table that grows with the instances kept.
   */
  hotQueryPlans(): Record<string, string> {
    const s = this.#s;
    const hot = {
      claimable: s.claimable,
      claimableById: s.claimableById,
      leaseMany: s.leaseMany,
      renewLeases: s.renewLeases,
      releaseLeases: s.releaseLeases,
      releaseLeasesOn: s.releaseLeasesOn,
      expired: s.expired,
      overdue: s.overdue,
      instanceByName: s.instanceByName,
      updateInstance: s.updateInstance,
      deleteInstance: s.deleteInstance,
      closeOpen: s.closeOpen,
      closeWorkItem: s.closeWorkItem,
      deleteLocksOf: s.deleteLocksOf,
    };
    const plans: Record<string, string> = {};
    for (const [name, st] of Object.entries(hot)) {
      const params = (st.source.match(/\?/g) ?? []).map(() => null);
      plans[name] = (this.db.prepare(`EXPLAIN QUERY PLAN ${st.source}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('; ');
    }
    return plans;
  }

  async releaseLeases(owner: string, ids?: readonly string[]): Promise<number> {
    if (ids === undefined) return this.#s.releaseLeases.run(owner).changes;
    return ids.length === 0 ? 0 : this.#s.releaseLeasesOn.run(JSON.stringify(ids), owner).changes;
  }

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const row = this.#s.instanceById.get(id) as InstanceRow | undefined;
    return row ? toInstance(row) : undefined;
  }

  async getInstanceByName(name: string): Promise<InstanceRecord | undefined> {
    let row = this.#s.instanceByName.get(name) as InstanceRow | undefined;
    if (!row) {
      // An unnamed instance goes by `<definition> #<id>` without storing it: find it by its id.
      const derived = DERIVED_NAME.exec(name);
      const byId = derived ? (this.#s.instanceById.get(derived[2]) as InstanceRow | undefined) : undefined;
      if (byId && byId.name === null && byId.definition_name === derived![1]) row = byId;
    }
    return row ? toInstance(row) : undefined;
  }

  async listInstances(filter: InstanceFilter = {}): Promise<InstanceRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const states = filter.states ?? (filter.state ? [filter.state] : undefined);
    if (filter.definitionName !== undefined) {
      where.push('definition_name = ?');
      args.push(filter.definitionName);
    }
    if (states) {
      // Inlined, not bound (only the five state names; anything else matches no row, as it would when bound). The
      // planner uses a partial index only when the query repeats the index's own condition, hence the second term.
      const known = states.filter((st) => STATES.has(st));
      where.push(`state IN (${known.map((st) => `'${st}'`).join(', ')})`);
      if (known.length > 0 && known.every((st) => UNFINISHED_STATES.has(st))) where.push(`state IN ${UNFINISHED}`);
    }
    if (filter.subjectKey !== undefined) {
      where.push('subject_key = ?');
      args.push(filter.subjectKey);
    }
    if (filter.finishedBefore !== undefined) {
      where.push('finished_at < ?');
      args.push(filter.finishedBefore);
    }
    const sql = pagedSelect('task_instances', filter, where, args);
    return (this.#prepare(sql).all(...args) as InstanceRow[]).map(toInstance);
  }

  async subjectHolder(subjectKey: string): Promise<string | undefined> {
    return (this.#s.lockHolder.get(subjectKey) as { instance_id: string } | undefined)?.instance_id;
  }

  async findInstanceIds(prefix: string, limit: number): Promise<string[]> {
    return (this.#s.instanceIdsLike.all(prefix, prefix, limit) as { id: string }[]).map((r) => r.id);
  }

  async findWorkItemIds(prefix: string, limit: number): Promise<string[]> {
    return (this.#s.workItemIdsLike.all(prefix, prefix, limit) as { id: string }[]).map((r) => r.id);
  }

  async getWorkItem(id: string): Promise<WorkItemRecord | undefined> {
    const row = this.#s.workItemById.get(id) as WorkItemRow | undefined;
    return row ? toWorkItem(row) : undefined;
  }

  async listWorkItems(query: WorkItemQuery = {}): Promise<WorkItemRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.permissions !== undefined && query.permissions.length > 0 && query.owner !== undefined && query.limit !== undefined) {
      return this.#inboxPage(query);
    }
    if (query.permissions !== undefined && query.permissions.length === 0 && query.owner !== undefined) {
      // Nothing offered by permission: the person's own items, read in the order of the owner index.
      where.push('owner = ?');
      args.push(query.owner);
    } else if (query.permissions !== undefined) {
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
    const sql = pagedSelect('work_items', query, where, args);
    return (this.#prepare(sql).all(...args) as WorkItemRow[]).map(toWorkItem);
  }

  /**
   * One page of an inbox: the person's own items and those offered to their permissions. An OR of the two would
   * read every matching row to sort them; two index-ordered reads of at most `limit` rows each, merged, read no more
   * than twice the page. An item both owned and offered comes from the first read only.
   */
  #inboxPage(query: WorkItemQuery): WorkItemRecord[] {
    const common = (first: string, firstArgs: unknown[]): { sql: string; args: unknown[] } => {
      const where = [first];
      const args = [...firstArgs];
      if (query.instanceId !== undefined) {
        where.push('instance_id = ?');
        args.push(query.instanceId);
      }
      if (query.state !== undefined) {
        where.push('state = ?');
        args.push(query.state);
      }
      const order = pagingSql(query, where, args);
      args.push(query.limit);
      return { sql: `SELECT * FROM (SELECT * FROM work_items WHERE ${where.join(' AND ')} ${order} LIMIT ?)`, args };
    };
    const own = common('owner = ?', [query.owner]);
    const offered = common('permission IN (SELECT value FROM json_each(?)) AND (owner IS NULL OR owner <> ?)', [JSON.stringify(query.permissions), query.owner]);
    const desc = query.order === 'desc';
    const sql = `${own.sql} UNION ALL ${offered.sql} ORDER BY created_at${desc ? ' DESC' : ''}, id${desc ? ' DESC' : ''} LIMIT ?`;
    return (this.#prepare(sql).all(...own.args, ...offered.args, query.limit) as WorkItemRow[]).map(toWorkItem);
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
    if (records.length === 0) return;
    (this.#transactions ??= makeTransactions(this.db, this.#s, this.#clock)).audit(records);
  }

  async listAudit(filter: { readonly instanceId?: string; readonly limit?: number } = {}): Promise<StoredAuditEvent[]> {
    const limit = filter.limit ?? -1;
    const rows = (
      filter.instanceId !== undefined
        ? this.#prepare('SELECT * FROM audit_events WHERE instance_id = ? ORDER BY id LIMIT ?').all(filter.instanceId, limit)
        : this.#prepare('SELECT * FROM audit_events ORDER BY id LIMIT ?').all(limit)
    ) as AuditRow[];
    return rows.map(toAudit);
  }

  async listSideEffects(filter: { readonly instanceId?: string } = {}): Promise<SideEffectRecord[]> {
    const rows = (
      filter.instanceId !== undefined
        ? this.#prepare('SELECT * FROM side_effects WHERE instance_id = ? ORDER BY at, key').all(filter.instanceId)
        : this.#prepare('SELECT * FROM side_effects ORDER BY at, key').all()
    ) as { key: string; operation: string; data: string; instance_id: string; at: number }[];
    return rows.map((r) => ({ key: r.key, operation: r.operation, data: JSON.parse(r.data) as Record<string, XValue>, instanceId: r.instance_id, at: r.at }));
  }

  async listScheduleStates(): Promise<ScheduleStateRecord[]> {
    const rows = this.#prepare('SELECT * FROM schedule_state ORDER BY name').all() as {
      name: string;
      last_run: number | null;
      next_run: number | null;
      run_count: number;
      updated_at: number;
    }[];
    return rows.map((r) => ({ name: r.name, lastRun: r.last_run, nextRun: r.next_run, runCount: r.run_count, updatedAt: r.updated_at }));
  }

  async updateScheduleState(next: ScheduleStateRecord, expectedNextRun: number | null | undefined, audit: readonly AuditRecord[] = []): Promise<boolean> {
    const s = this.#s;
    return this.db
      .transaction(() => {
        if (!moveSchedule(s, { next, expectedNextRun })) return false;
        if (audit.length > 0) s.insertAudit(audit.map(auditValues));
        return true;
      })
      .immediate();
  }
}

/** The schedule compare-and-set: true when the stored next run was the expected one (or, expected undefined, no row). */
function moveSchedule(s: Statements, change: ScheduleStateChange): boolean {
  const { next, expectedNextRun } = change;
  const args = [next.lastRun, next.nextRun, next.runCount, next.updatedAt, next.name] as const;
  if (expectedNextRun === undefined) return s.insertScheduleState.run(...args).changes === 1;
  return s.updateScheduleState.run(...args, expectedNextRun).changes === 1;
}

/** The commit's transaction functions, made once per store (better-sqlite3 builds several closures per `transaction()`). */
function makeTransactions(db: SqliteDatabase, s: Statements, clock: () => number) {
  const single = db.transaction((w: InstanceWrite) => {
    writeOne(s, w, clock, db, heldHrLaunches(s, [w]));
    markHrLaunches(s, [w]);
    if (w.audit?.length) s.insertAudit(w.audit.map(auditValues));
  });
  const savepoint = db.transaction((w: InstanceWrite, held: ReadonlySet<string>) => writeOne(s, w, clock, db, held));
  const batch = db.transaction((writes: readonly InstanceWrite[]) => {
    // Audit rows carry no constraint that can refuse a write, so they are written after the instances, all in
    // as few statements as possible, in the order of the writes.
    const audit: AuditRecord[] = [];
    const launches: InstanceWrite[] = [];
    const held = heldHrLaunches(s, writes);
    const statuses = writes.map((w): CommitStatus => {
      try {
        // A savepoint (two statements) only where a refusal can follow a write of the same instance.
        if (refusableAfterWriting(w)) savepoint(w, held);
        else writeOne(s, w, clock, db, held);
        if (w.audit) for (const a of w.audit) audit.push(a);
        if (w.hrLaunch) launches.push(w);
        return 'committed';
      } catch (e) {
        if (!(e instanceof WriteRefused)) throw e;
        // The occurrence went to another worker: nothing of this commit (the launch and its children) is written.
        if (e.status === 'schedule-moved') throw new ScheduleMoved();
        if (w.auditIfRefused) for (const a of w.auditIfRefused) audit.push(a);
        return e.status;
      }
    });
    markHrLaunches(s, launches);
    if (audit.length > 0) s.insertAudit(audit.map(auditValues));
    return statuses;
  });
  const audit = db.transaction((records: readonly AuditRecord[]) => s.insertAudit(records.map(auditValues)));
  return { single, batch, audit };
}

/**
 * One instance's writes. Work items are inserted before any is closed: an advance may create an item and cancel
 * it again (a parallel branch ended the instance), and the close must find the row.
 */
function writeOne(
  s: Statements,
  w: InstanceWrite,
  clock: () => number,
  db: SqliteDatabase,
  /** The commit's HR launch rows still held under their writes' claims ({@link heldHrLaunches}). */
  held: ReadonlySet<string>,
): void {
  const i = w.instance;
  // Under the write lock of BEGIN IMMEDIATE: no other writer can take the lock between this look and the commit.
  if (w.checkSubject !== undefined && s.lockHolder.get(w.checkSubject) !== undefined) throw new WriteRefused('subject-busy');
  if (w.schedule && !moveSchedule(s, w.schedule)) throw new WriteRefused('schedule-moved');
  // Looked at here and marked once the write is through (markHrLaunches): nobody else can take the row in between.
  if (w.hrLaunch && !held.has(w.hrLaunch.id)) throw new WriteRefused('launch-taken');
  for (const id of w.deleteInstances ?? []) {
    s.deleteLocksOf.run(id);
    s.deleteInstance.run(id);
  }
  for (const r of w.renameInstances ?? []) s.rename.run(r.name, r.id);
  // An instance that ends and is deleted at once (resultLimit 0) is not written first: the delete is its
  // compare-and-set, and its work items go with it (ON DELETE CASCADE). Not when this write creates work items,
  // which need the row.
  const gone = w.delete === true && w.expectedRevision !== null && !w.createWorkItems?.length;
  const values = gone ? [] : instanceValues(i);
  if (w.holdLeaseMs !== undefined && !gone) values[LEASE_UNTIL_INDEX] = clock() + w.holdLeaseMs;
  if (gone) {
    if (s.deleteInstanceAt.run(i.id, w.expectedRevision).changes === 0) throw new WriteRefused('conflict');
  } else if (w.expectedRevision === null) {
    // The unique name is the one constraint a launch can meet by accident (resultOption decides what to do before;
    // this is a launch of the same name that committed in between): the row is not inserted, and nothing else of
    // the write is, without reading an error message to find out which constraint it was.
    if (s.insertInstance.run(values).changes === 0) throw new WriteRefused('name-taken');
  } else {
    values.push(w.expectedRevision);
    if (s.updateInstance.run(values).changes === 0) throw new WriteRefused('conflict');
  }
  // The step's change set, in its transaction: a moved identity revision refuses the whole instance write.
  for (const iw of w.identity ?? []) if (!applySqliteIdentityWrite(db, iw)) throw new WriteRefused('conflict');
  // The locks of a deleted instance are released once, below; an instance inserted by this write holds none yet.
  if (w.releaseSubject && !w.delete && w.expectedRevision !== null) s.deleteLocksOf.run(i.id);
  for (const key of w.acquireSubject !== undefined ? [w.acquireSubject, ...(w.lockSubjects ?? [])] : (w.lockSubjects ?? [])) {
    if (s.insertLock.run(key, i.id, i.updatedAt).changes !== 0) continue;
    // Insert first, then look: the same statement as on PostgreSQL, where reading first races another writer.
    const holder = s.lockHolder.get(key) as { instance_id: string } | undefined;
    if (holder && holder.instance_id !== i.id) throw new WriteRefused('subject-busy');
  }
  for (const key of w.unlockSubjects ?? []) s.deleteLockPair.run(key, i.id);
  if (w.createWorkItems?.length) s.insertWorkItems(w.createWorkItems.map(workItemValues));
  for (const c of w.closeWorkItems ?? []) {
    s.closeWorkItem.run(...closeWorkItemValues(c), c.id);
  }
  if (w.closeOpenWorkItems && !gone) s.closeOpen.run(w.closeOpenWorkItems.state, w.closeOpenWorkItems.at, i.id);
  // A duplicate key is a bug (a committed step ran twice), so it fails the commit loudly instead of being ignored.
  for (const e of w.sideEffects ?? []) s.insertSideEffect.run(e.key, e.operation, JSON.stringify(e.data), e.instanceId, e.at);
  for (const n of w.notifications ?? []) s.insertNotification.run(...sqliteNotificationArgs(n));
  if (w.delete) {
    s.deleteLocksOf.run(i.id);
    if (!gone) s.deleteInstance.run(i.id);
  }
}

/** The ids of the writes' HR launch rows still pending under their claims: one statement per commit, none without. */
function heldHrLaunches(s: Statements, writes: readonly InstanceWrite[]): ReadonlySet<string> {
  const claims = writes.flatMap((w) => (w.hrLaunch ? [[w.hrLaunch.id, w.hrLaunch.claim]] : []));
  return new Set(claims.length === 0 ? [] : (s.hrLaunchesHeld.all(JSON.stringify(claims)) as string[]));
}

/** The HR launch rows of committed launch writes, marked `launched` with their instances' ids: one statement. */
function markHrLaunches(s: Statements, writes: readonly InstanceWrite[]): void {
  const marks = writes.flatMap((w) => (w.hrLaunch ? [[w.hrLaunch.id, w.instance.id, w.instance.updatedAt]] : []));
  if (marks.length > 0) s.hrLaunched.run(JSON.stringify(marks));
}

/**
 * `INSERT … VALUES (…), (…), …` for up to {@link MAX_ROWS_PER_INSERT} rows per statement: one statement per commit
 * instead of one per row. Statements are prepared per row count on first use (counts above 8 are split into
 * powers of two, so a handful of statements covers every size).
 */
export function multiInsert(db: SqliteDatabase, table: string, columns: readonly string[]): (rows: readonly unknown[][]) => void {
  const byCount = new Map<number, SqliteStatement>();
  const row = `(${columns.map(() => '?').join(', ')})`;
  const statement = (n: number): SqliteStatement => {
    let st = byCount.get(n);
    if (!st) byCount.set(n, (st = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: n }, () => row).join(', ')}`)));
    return st;
  };
  return (rows) => {
    let at = 0;
    while (at < rows.length) {
      const left = rows.length - at;
      const n = left <= 8 ? left : Math.min(MAX_ROWS_PER_INSERT, 2 ** Math.floor(Math.log2(left)));
      const args: unknown[] = [];
      for (let k = at; k < at + n; k++) for (const v of rows[k]!) args.push(v);
      statement(n).run(args);
      at += n;
    }
  };
}

function prepare(db: SqliteDatabase) {
  const instanceColumns = INSTANCE_COLUMNS.join(', ');
  const instanceSets = INSTANCE_COLUMNS.filter((c) => c !== 'id')
    .map((c) => `${c} = ?`)
    .join(', ');
  // `+state` keeps the planner off the state/definition index: the partial wake_at / exec_deadline indexes hold only
  // the rows that matter (due timers and async launches; instances with a deadline), however many wait on people.
  const due = `wake_at <= ? AND +state IN ('ready', 'executing') AND (lease_until IS NULL OR lease_until <= ?)`;
  return {
    insertInstance: db.prepare(`INSERT INTO task_instances (${instanceColumns}) VALUES (${INSTANCE_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`),
    // The values of instanceValues (the id last), then the expected revision. A commit is progress: the claims
    // that did not get this far are forgiven.
    updateInstance: db.prepare(`UPDATE task_instances SET ${instanceSets}, attempts = 0 WHERE id = ? AND revision = ?`),
    instanceById: db.prepare('SELECT * FROM task_instances WHERE id = ?'),
    instanceByName: db.prepare('SELECT * FROM task_instances WHERE name = ?'),
    deleteInstance: db.prepare('DELETE FROM task_instances WHERE id = ?'),
    deleteInstanceAt: db.prepare('DELETE FROM task_instances WHERE id = ? AND revision = ?'),
    rename: db.prepare('UPDATE task_instances SET name = ?, revision = revision + 1 WHERE id = ?'),
    claimable: db.prepare(`SELECT * FROM task_instances WHERE ${due} ORDER BY wake_at LIMIT ?`),
    claimableById: db.prepare(`SELECT * FROM task_instances WHERE id = ? AND ${due}`),
    // Each claim as [launch id, claim].
    hrLaunchesHeld: db
      .prepare(`SELECT h.id FROM hr_launches h JOIN json_each(?) AS c ON h.id = c.value ->> 0 AND h.instance_id = c.value ->> 1 WHERE h.state = 'pending'`)
      .pluck(),
    // Each mark as [launch id, instance id, at].
    hrLaunched: db.prepare(`UPDATE hr_launches AS h SET state = 'launched', instance_id = m.value ->> 1, error = NULL, updated_at = m.value ->> 2
      FROM json_each(?) AS m WHERE h.id = m.value ->> 0`),
    lease: db.prepare('UPDATE task_instances SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?'),
    leaseMany: db.prepare(
      'UPDATE task_instances SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id IN (SELECT value FROM json_each(?))',
    ),
    renewLeases: db.prepare(
      'UPDATE task_instances SET lease_until = ? WHERE id IN (SELECT value FROM json_each(?)) AND lease_owner = ? RETURNING id',
    ),
    releaseLeasesOn: db.prepare(
      'UPDATE task_instances SET lease_owner = NULL, lease_until = NULL, attempts = MAX(attempts - 1, 0) WHERE id IN (SELECT value FROM json_each(?)) AND lease_owner = ?',
    ),
    // Leases are taken only on due rows (wake_at set) and dropped by every write that clears wake_at, so the wake
    // index finds them all; there is no index on lease_owner to pay for at every claim.
    releaseLeases: db.prepare(
      'UPDATE task_instances INDEXED BY task_instances_wake SET lease_owner = NULL, lease_until = NULL, attempts = MAX(attempts - 1, 0) WHERE wake_at IS NOT NULL AND lease_owner = ?',
    ),
    lockHolder: db.prepare('SELECT instance_id FROM subject_locks WHERE subject = ?'),
    insertLock: db.prepare('INSERT INTO subject_locks (subject, instance_id, acquired_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING'),
    deleteLocksOf: db.prepare('DELETE FROM subject_locks WHERE instance_id = ?'),
    deleteLockPair: db.prepare('DELETE FROM subject_locks WHERE subject = ? AND instance_id = ?'),
    insertWorkItems: multiInsert(db, 'work_items', WORK_ITEM_COLUMNS),
    closeWorkItem: db.prepare(
      `UPDATE work_items SET state = ?, decision = COALESCE(?, decision), decided_by = COALESCE(?, decided_by),
         comment = COALESCE(?, comment), variables = COALESCE(?, variables), closed_at = ? WHERE id = ?`,
    ),
    closeOpen: db.prepare(`UPDATE work_items SET state = ?, closed_at = ? WHERE instance_id = ? AND state = 'open'`),
    workItemById: db.prepare('SELECT * FROM work_items WHERE id = ?'),
    instanceIdsLike: db.prepare(`SELECT id FROM task_instances WHERE id LIKE ? || '%' OR substr(id, 25) LIKE ? || '%' ORDER BY id LIMIT ?`),
    workItemIdsLike: db.prepare(`SELECT id FROM work_items WHERE id LIKE ? || '%' OR substr(id, 25) LIKE ? || '%' ORDER BY id LIMIT ?`),
    insertAudit: multiInsert(db, 'audit_events', AUDIT_COLUMNS),
    insertNotification: db.prepare(SQLITE_INSERT_NOTIFICATION),
    insertSideEffect: db.prepare('INSERT INTO side_effects (key, operation, data, instance_id, at) VALUES (?, ?, ?, ?, ?)'),
    insertScheduleState: db.prepare(
      'INSERT INTO schedule_state (last_run, next_run, run_count, updated_at, name) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
    ),
    updateScheduleState: db.prepare('UPDATE schedule_state SET last_run = ?, next_run = ?, run_count = ?, updated_at = ? WHERE name = ? AND next_run IS ?'),
    expired: db.prepare(`SELECT id FROM task_instances WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`),
    overdue: db.prepare(`SELECT * FROM task_instances WHERE exec_deadline <= ? AND +state IN ${UNFINISHED} ORDER BY exec_deadline LIMIT ?`),
  };
}

/** The row as a claim leaves it. */
function leased(r: InstanceRow, owner: string, leaseUntil: number): InstanceRow {
  r.lease_owner = owner;
  r.lease_until = leaseUntil;
  r.attempts += 1;
  return r;
}

/** `SELECT *` from `table` with the `where` terms and the list's paging (order, cursor, limit); binds into `args`. */
function pagedSelect(table: string, list: ListPaging & { readonly limit?: number }, where: string[], args: unknown[]): string {
  const order = pagingSql(list, where, args);
  const sql = `SELECT * FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ${order}`;
  if (list.limit === undefined) return sql;
  args.push(list.limit);
  return `${sql} LIMIT ?`;
}

/**
 * The paging terms of a list (ListPaging) added to `where`/`args`; returns the ORDER BY clause. The cursor is a
 * row-value comparison, which SQLite and PostgreSQL evaluate alike and answer from an index on (…, created_at, id).
 */
function pagingSql(paging: ListPaging, where: string[], args: unknown[]): string {
  const desc = paging.order === 'desc';
  if (paging.createdFrom !== undefined) {
    where.push('created_at >= ?');
    args.push(paging.createdFrom);
  }
  if (paging.createdTo !== undefined) {
    where.push('created_at < ?');
    args.push(paging.createdTo);
  }
  if (paging.after !== undefined) {
    where.push(desc ? '(created_at, id) < (?, ?)' : '(created_at, id) > (?, ?)');
    args.push(paging.after.createdAt, paging.after.id);
  }
  return desc ? 'ORDER BY created_at DESC, id DESC' : 'ORDER BY created_at, id';
}
