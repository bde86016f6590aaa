import type { XValue } from '../../expression/env.js';
import { applyPostgresIdentityWrite } from './postgres-identity-store.js';
import {
  AUDIT_COLUMNS,
  DERIVED_NAME,
  INSTANCE_COLUMNS,
  STATES,
  UNFINISHED,
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
import { insertNotifications } from './postgres-notification-store.js';
import { statement, type PgDatabase, type PgQueryable, type PgStatement, type PgTransaction } from './postgres-database.js';

/** PostgreSQL types of the runtime columns, for `unnest($1::text[], …)` (one array parameter per column). */
const COLUMN_TYPES: Readonly<Record<string, string>> = {
  name: 'text', definition_id: 'text', definition_type: 'text', definition_name: 'text', definition_version: 'int', state: 'text',
  waiting: 'boolean', launcher: 'text', subject: 'text', subject_key: 'text', position: 'json', interpreter_state: 'json', variables: 'json', result: 'json',
  steps: 'int', progress: 'json', created_at: 'bigint', updated_at: 'bigint', finished_at: 'bigint', expires_at: 'bigint', wake_at: 'bigint',
  runnable: 'boolean', exec_deadline: 'bigint', launch_decision: 'json', lease_owner: 'text', lease_until: 'bigint', revision: 'int', id: 'text', instance_id: 'text',
  activity: 'text', action: 'text', owner: 'text', permission: 'text', request: 'text', item_type: 'text', decisions: 'json', editable: 'json',
  form: 'text', due_at: 'bigint', delegated_from: 'text', decision: 'text', decided_by: 'text', comment: 'text', closed_at: 'bigint',
  key: 'text', operation: 'text', hold: 'bigint', at: 'bigint', instance_name: 'text', event: 'text', actor: 'text', work_item_id: 'text', data: 'json', expected: 'int',
};

/** `unnest($1::text[], $2::bigint[], …) AS v(a, b, …)` for these columns, parameters numbered from `from`. */
function unnest(columns: readonly string[], from = 1, ordinality = false): string {
  const arrays = columns.map((c, k) => `$${from + k}::${COLUMN_TYPES[c]}[]`).join(', ');
  return `unnest(${arrays})${ordinality ? ' WITH ORDINALITY' : ''} AS v(${columns.join(', ')}${ordinality ? ', ord' : ''})`;
}

/** Rows as one array per column, the shape `unnest` takes. */
function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  rows.forEach((row, r) => {
    for (let c = 0; c < width; c++) out[c]![r] = row[c];
  });
  return out;
}

const WAITING = INSTANCE_COLUMNS.indexOf('waiting');
const RUNNABLE = INSTANCE_COLUMNS.indexOf('runnable');

/** instanceValues with PostgreSQL booleans. */
function pgInstanceValues(i: InstanceRecord): unknown[] {
  const v = instanceValues(i);
  v[WAITING] = v[WAITING] === 1;
  v[RUNNABLE] = v[RUNNABLE] === 1;
  return v;
}

const INSTANCE_LIST = INSTANCE_COLUMNS.join(', ');

/**
 * Database time, epoch milliseconds, in SQL: the server's clock, or the bound parameter `$k` when it is not NULL
 * (a store opened with a `databaseClock`: the tests' fake clock, which must expire leases too).
 */
function dbNow(k: number): string {
  return `COALESCE($${k}::bigint, (extract(epoch FROM statement_timestamp()) * 1000)::bigint)`;
}

/** Due at engine time `$1` and free in database time `$k`. */
const due = (k: number) => `wake_at <= $1 AND state IN ('ready', 'executing') AND (lease_until IS NULL OR lease_until <= ${dbNow(k)})`;

/** The lease column of a written row: as the record has it, or held for `v.hold` ms of database time (holdLeaseMs). */
const LEASE_UNTIL_VALUE = (k: number) => `CASE WHEN v.hold IS NULL THEN v.lease_until ELSE ${dbNow(k)} + v.hold END`;
const CLOSE_COLUMNS = ['id', 'state', 'decision', 'decided_by', 'comment', 'variables', 'closed_at'] as const;
const SIDE_EFFECT_COLUMNS = ['key', 'operation', 'data', 'instance_id', 'at'] as const;

const S = {
  // Parameters: one array per column, the hold array, then the database-time override.
  insertInstances: statement(
    `INSERT INTO task_instances (${INSTANCE_LIST})
     SELECT ${INSTANCE_COLUMNS.map((c) => (c === 'lease_until' ? LEASE_UNTIL_VALUE(INSTANCE_COLUMNS.length + 2) : `v.${c}`)).join(', ')}
     FROM ${unnest([...INSTANCE_COLUMNS, 'hold'])} ON CONFLICT DO NOTHING RETURNING id`,
  ),
  // Parameters: one array per column, the expected revisions, the hold array, then the database-time override. A
  // commit is progress: the claims that did not get this far are forgiven (attempts back to 0).
  updateInstances: statement(
    `UPDATE task_instances t SET ${INSTANCE_COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${c} = ${c === 'lease_until' ? LEASE_UNTIL_VALUE(INSTANCE_COLUMNS.length + 3) : `v.${c}`}`)
      .join(', ')}, attempts = 0
     FROM ${unnest([...INSTANCE_COLUMNS, 'expected', 'hold'])} WHERE t.id = v.id AND t.revision = v.expected RETURNING t.id`,
  ),
  instanceById: statement('SELECT * FROM task_instances WHERE id = $1'),
  instanceByName: statement('SELECT * FROM task_instances WHERE name = $1'),
  deleteInstances: statement('DELETE FROM task_instances WHERE id = ANY($1::text[])'),
  rename: statement('UPDATE task_instances SET name = $1, revision = revision + 1 WHERE id = $2'),
  // One statement: the rows are picked and leased under row locks that other workers skip, so two workers never
  // claim the same instance and neither waits for the other.
  // Parameters: engine now, owner, lease ms, limit (or ids), database-time override.
  claim: statement(
    `UPDATE task_instances SET lease_owner = $2, lease_until = ${dbNow(5)} + $3, attempts = attempts + 1
     WHERE id IN (SELECT id FROM task_instances WHERE ${due(5)} ORDER BY wake_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *`,
  ),
  claimIds: statement(
    `UPDATE task_instances SET lease_owner = $2, lease_until = ${dbNow(5)} + $3, attempts = attempts + 1
     WHERE id IN (SELECT id FROM task_instances WHERE id = ANY($4::text[]) AND ${due(5)} FOR UPDATE SKIP LOCKED) RETURNING *`,
  ),
  renewLeases: statement(
    `UPDATE task_instances SET lease_until = ${dbNow(4)} + $3 WHERE id = ANY($1::text[]) AND lease_owner = $2 RETURNING id`,
  ),
  databaseTime: statement(`SELECT ${dbNow(1)} AS now`),
  // Leases are taken only on due rows (wake_at set) and dropped by every write that clears wake_at: the wake index
  // finds them all. Handing a lease back takes back the attempt its claim added.
  releaseLeases: statement(
    'UPDATE task_instances SET lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0) WHERE wake_at IS NOT NULL AND lease_owner = $1',
  ),
  releaseLeasesOn: statement(
    'UPDATE task_instances SET lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0) WHERE id = ANY($1::text[]) AND lease_owner = $2',
  ),
  lockHolder: statement('SELECT instance_id FROM subject_locks WHERE subject = $1'),
  lockHolders: statement('SELECT subject, instance_id FROM subject_locks WHERE subject = ANY($1::text[])'),
  insertLock: statement('INSERT INTO subject_locks (subject, instance_id, acquired_at) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING'),
  insertLocks: statement(
    `INSERT INTO subject_locks (subject, instance_id, acquired_at) SELECT * FROM ${unnest(['subject', 'instance_id', 'at'])}
     ON CONFLICT (subject) DO NOTHING RETURNING subject`,
  ),
  deleteLocksOf: statement('DELETE FROM subject_locks WHERE instance_id = ANY($1::text[])'),
  deleteLockPairs: statement(`DELETE FROM subject_locks l USING ${unnest(['subject', 'instance_id'])} WHERE l.subject = v.subject AND l.instance_id = v.instance_id`),
  insertWorkItems: statement(`INSERT INTO work_items (${WORK_ITEM_COLUMNS.join(', ')}) SELECT * FROM ${unnest(WORK_ITEM_COLUMNS)}`),
  closeWorkItems: statement(
    `UPDATE work_items w SET state = v.state, decision = COALESCE(v.decision, w.decision), decided_by = COALESCE(v.decided_by, w.decided_by),
       comment = COALESCE(v.comment, w.comment), variables = COALESCE(v.variables, w.variables), closed_at = v.closed_at
     FROM ${unnest(CLOSE_COLUMNS)} WHERE w.id = v.id`,
  ),
  closeOpen: statement(
    `UPDATE work_items w SET state = v.state, closed_at = v.at FROM ${unnest(['instance_id', 'state', 'at'])}
     WHERE w.instance_id = v.instance_id AND w.state = 'open'`,
  ),
  workItemById: statement('SELECT * FROM work_items WHERE id = $1'),
  // Short ids (RuntimeStore.findInstanceIds): the prefix holds only hex digits and `-`, so LIKE sees no wildcard.
  instanceIdsLike: statement(`SELECT id FROM task_instances WHERE id LIKE $1 || '%' OR substr(id, 25) LIKE $1 || '%' ORDER BY id COLLATE "C" LIMIT $2`),
  workItemIdsLike: statement(`SELECT id FROM work_items WHERE id LIKE $1 || '%' OR substr(id, 25) LIKE $1 || '%' ORDER BY id COLLATE "C" LIMIT $2`),
  // In the order given: the audit's order is its id sequence.
  insertAudit: statement(
    `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) SELECT ${AUDIT_COLUMNS.join(', ')} FROM ${unnest(AUDIT_COLUMNS, 1, true)} ORDER BY ord`,
  ),
  insertSideEffects: statement(`INSERT INTO side_effects (${SIDE_EFFECT_COLUMNS.join(', ')}) SELECT * FROM ${unnest(SIDE_EFFECT_COLUMNS)}`),
  expired: statement('SELECT id FROM task_instances WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2'),
  overdue: statement(`SELECT * FROM task_instances WHERE exec_deadline <= $1 AND state IN ${UNFINISHED} ORDER BY exec_deadline LIMIT $2`),
  auditAll: statement('SELECT * FROM audit_events ORDER BY id LIMIT $1'),
  auditOf: statement('SELECT * FROM audit_events WHERE instance_id = $1 ORDER BY id LIMIT $2'),
  sideEffectsAll: statement('SELECT * FROM side_effects ORDER BY at, key COLLATE "C"'),
  sideEffectsOf: statement('SELECT * FROM side_effects WHERE instance_id = $1 ORDER BY at, key COLLATE "C"'),
  hrLaunchesHeld: statement(
    `SELECT h.id FROM hr_launches h JOIN unnest($1::text[], $2::text[]) AS c(id, claim) ON h.id = c.id AND h.instance_id = c.claim
     WHERE h.state = 'pending' ORDER BY h.id FOR UPDATE OF h`,
  ),
  hrLaunched: statement(
    `UPDATE hr_launches h SET state = 'launched', instance_id = m.instance_id, error = NULL, updated_at = m.at
     FROM unnest($1::text[], $2::text[], $3::bigint[]) AS m(id, instance_id, at) WHERE h.id = m.id`,
  ),
  schedules: statement('SELECT * FROM schedule_state ORDER BY name COLLATE "C"'),
  scheduleInsert: statement(
    'INSERT INTO schedule_state (last_run, next_run, run_count, updated_at, name) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING',
  ),
  scheduleUpdate: statement(
    'UPDATE schedule_state SET last_run = $1, next_run = $2, run_count = $3, updated_at = $4 WHERE name = $5 AND next_run IS NOT DISTINCT FROM $6',
  ),
};

/**
 * The indexes of the writes whose HR launch row is no longer pending under their claim (InstanceWrite.hrLaunch). The
 * rows still held are locked (FOR UPDATE) until the commit, which marks them launched.
 */
async function takenHrLaunches(tx: PgTransaction, writes: readonly InstanceWrite[]): Promise<Set<number>> {
  const launches = writes.flatMap((w, i) => (w.hrLaunch ? [{ i, ...w.hrLaunch }] : []));
  if (launches.length === 0) return new Set();
  const { rows } = await tx.query<{ id: string }>(S.hrLaunchesHeld, [launches.map((l) => l.id), launches.map((l) => l.claim)]);
  const held = new Set(rows.map((r) => r.id));
  return new Set(launches.filter((l) => !held.has(l.id)).map((l) => l.i));
}

/** A write's schedule compare-and-set failed: nothing of the commit is written (see InstanceWrite.schedule). */
class ScheduleMoved extends Error {}

/** Refusals inside a commit that skip one write but not the batch. */
class WriteRefused extends Error {
  constructor(readonly status: CommitStatus) {
    super(status);
  }
}

/**
 * The runtime tables in PostgreSQL, shared by any number of worker processes.
 *
 * A batch commit is one transaction whose round trips do not grow with the batch: one multi-row statement per kind
 * of write (`INSERT … SELECT FROM unnest(…)`, `UPDATE … FROM unnest(…)`), each a named statement that the server
 * plans once per connection. Refusals are read from what the statements return, not from errors: an update that
 * matched no row met a newer revision (`conflict`), an insert that did nothing met the unique name (`name-taken`),
 * a subject lock that was not inserted belongs to someone else (`subject-busy`). Subjects are locked first, so a
 * write refused there writes nothing; a lock taken for a write then refused by its revision is deleted again.
 *
 * Writes that depend on each other inside one batch (removing or renaming other instances, one instance twice, a
 * subject released and taken in one batch) go one at a time, in order, like SQLite's, each under a savepoint when a
 * refusal of it can follow a write of its own (`refusableAfterWriting`).
 */
export class PostgresRuntimeStore implements RuntimeStore {
  readonly kind = 'runtime' as const;
  readonly #db: PgDatabase;
  /** Database time when the store was opened with a clock (tests); the server's clock otherwise. */
  readonly #clock: (() => number) | undefined;

  constructor(db: PgDatabase, clock?: () => number) {
    this.#db = db;
    this.#clock = clock;
  }

  /** The bound value that stands for database time: NULL for the server's clock. */
  #now(): number | null {
    return this.#clock ? this.#clock() : null;
  }

  async databaseTime(): Promise<number> {
    if (this.#clock) return this.#clock();
    return (await this.#db.query<{ now: number }>(S.databaseTime, [null])).rows[0]!.now;
  }

  async commit(writes: readonly InstanceWrite[]): Promise<CommitStatus[]> {
    if (writes.length === 0) return [];
    try {
      return await this.#db.transaction(async (tx) => {
        // Schedule occurrences first: when another worker took one, the commit is nothing at all.
        for (const w of writes) if (w.schedule && !(await moveSchedule(tx, w.schedule))) throw new ScheduleMoved();
        const now = this.#now();
        // HR launch rows next, locked until the commit: a write whose row another launcher took is left out whole.
        const taken = await takenHrLaunches(tx, writes);
        const rest = taken.size === 0 ? writes : writes.filter((_, i) => !taken.has(i));
        const done = rest.length === 0 ? [] : await (batchable(rest) ? commitBatch(tx, rest, now) : commitEach(tx, rest, now));
        let k = 0;
        const statuses = writes.map((_, i): CommitStatus => (taken.has(i) ? 'launch-taken' : done[k++]!));
        const marks = writes.filter((w, i) => w.hrLaunch && statuses[i] === 'committed');
        if (marks.length > 0) {
          await tx.query(S.hrLaunched, [marks.map((w) => w.hrLaunch!.id), marks.map((w) => w.instance.id), marks.map((w) => w.instance.updatedAt)]);
        }
        return statuses;
      });
    } catch (e) {
      if (e instanceof ScheduleMoved) return writes.map(() => 'schedule-moved');
      throw e;
    }
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<InstanceRecord[]> {
    const { rows } = await this.#db.query<InstanceRow>(S.claim, [now, owner, leaseMs, limit, this.#now()]);
    // RETURNING follows no order; the worker advances the longest-due first.
    return rows.sort((a, b) => (a.wake_at ?? 0) - (b.wake_at ?? 0) || (a.id < b.id ? -1 : 1)).map(toInstance);
  }

  async claimIds(ids: readonly string[], owner: string, now: number, leaseMs: number): Promise<InstanceRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.#db.query<InstanceRow>(S.claimIds, [now, owner, leaseMs, ids, this.#now()]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return [...new Set(ids)].flatMap((id) => {
      const r = byId.get(id);
      return r ? [toInstance(r)] : [];
    });
  }

  async renewLeases(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.#db.query<{ id: string }>(S.renewLeases, [ids, owner, leaseMs, this.#now()])).rows.map((r) => r.id);
  }

  async releaseLeases(owner: string, ids?: readonly string[]): Promise<number> {
    if (ids === undefined) return (await this.#db.query(S.releaseLeases, [owner])).rowCount;
    return ids.length === 0 ? 0 : (await this.#db.query(S.releaseLeasesOn, [ids, owner])).rowCount;
  }

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const row = (await this.#db.query<InstanceRow>(S.instanceById, [id])).rows[0];
    return row ? toInstance(row) : undefined;
  }

  async getInstanceByName(name: string): Promise<InstanceRecord | undefined> {
    let row = (await this.#db.query<InstanceRow>(S.instanceByName, [name])).rows[0];
    if (!row) {
      // An unnamed instance goes by `<definition> #<id>` without storing it: find it by its id.
      const derived = DERIVED_NAME.exec(name);
      const byId = derived ? (await this.#db.query<InstanceRow>(S.instanceById, [derived[2]])).rows[0] : undefined;
      if (byId && byId.name === null && byId.definition_name === derived![1]) row = byId;
    }
    return row ? toInstance(row) : undefined;
  }

  async listInstances(filter: InstanceFilter = {}): Promise<InstanceRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const states = filter.states ?? (filter.state ? [filter.state] : undefined);
    if (filter.definitionName !== undefined) {
      args.push(filter.definitionName);
      where.push(`definition_name = $${args.length}`);
    }
    if (states) {
      // Inlined, not bound: only the five state names (anything else matches no row, as it would when bound).
      const known = states.filter((st) => STATES.has(st));
      where.push(known.length > 0 ? `state IN (${known.map((st) => `'${st}'`).join(', ')})` : 'FALSE');
    }
    if (filter.subjectKey !== undefined) {
      args.push(filter.subjectKey);
      where.push(`subject_key = $${args.length}`);
    }
    if (filter.finishedBefore !== undefined) {
      args.push(filter.finishedBefore);
      where.push(`finished_at < $${args.length}`);
    }
    const sql = pagedSelect('task_instances', filter, where, (v) => {
      args.push(v);
      return `$${args.length}`;
    });
    return (await this.#db.query<InstanceRow>(sql, args)).rows.map(toInstance);
  }

  async subjectHolder(subjectKey: string): Promise<string | undefined> {
    return (await this.#db.query<{ instance_id: string }>(S.lockHolder, [subjectKey])).rows[0]?.instance_id;
  }

  async findInstanceIds(prefix: string, limit: number): Promise<string[]> {
    return (await this.#db.query<{ id: string }>(S.instanceIdsLike, [prefix, limit])).rows.map((r) => r.id);
  }

  async findWorkItemIds(prefix: string, limit: number): Promise<string[]> {
    return (await this.#db.query<{ id: string }>(S.workItemIdsLike, [prefix, limit])).rows.map((r) => r.id);
  }

  async getWorkItem(id: string): Promise<WorkItemRecord | undefined> {
    const row = (await this.#db.query<WorkItemRow>(S.workItemById, [id])).rows[0];
    return row ? toWorkItem(row) : undefined;
  }

  async listWorkItems(query: WorkItemQuery = {}): Promise<WorkItemRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    if (query.permissions !== undefined && query.permissions.length > 0 && query.owner !== undefined && query.limit !== undefined) {
      return this.#inboxPage(query);
    }
    if (query.permissions !== undefined && query.permissions.length === 0 && query.owner !== undefined) {
      // Nothing offered by permission: the person's own items, read in the order of the owner index.
      where.push(`owner = ${arg(query.owner)}`);
    } else if (query.permissions !== undefined) {
      const byPermission = `permission = ANY(${arg(query.permissions)}::text[])`;
      where.push(query.owner !== undefined ? `(owner = ${arg(query.owner)} OR ${byPermission})` : byPermission);
    } else if (query.owner !== undefined) {
      where.push(query.includePermissionItems ? `(owner = ${arg(query.owner)} OR permission IS NOT NULL)` : `owner = ${arg(query.owner)}`);
    } else if (query.includePermissionItems) {
      where.push('permission IS NOT NULL');
    }
    if (query.instanceId !== undefined) where.push(`instance_id = ${arg(query.instanceId)}`);
    if (query.state !== undefined) where.push(`state = ${arg(query.state)}`);
    const sql = pagedSelect('work_items', query, where, arg);
    return (await this.#db.query<WorkItemRow>(sql, args)).rows.map(toWorkItem);
  }

  /**
   * One page of an inbox: the person's own items and those offered to their permissions, as two index-ordered
   * reads of at most `limit` rows each, merged (an OR of the two would read and sort every matching row). An item
   * both owned and offered comes from the first read only.
   */
  async #inboxPage(query: WorkItemQuery): Promise<WorkItemRecord[]> {
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    const part = (first: string): string => {
      const where = [first];
      if (query.instanceId !== undefined) where.push(`instance_id = ${arg(query.instanceId)}`);
      if (query.state !== undefined) where.push(`state = ${arg(query.state)}`);
      const order = pagingSql(query, where, arg);
      return `(SELECT * FROM work_items WHERE ${where.join(' AND ')} ${order} LIMIT ${arg(query.limit)})`;
    };
    const own = part(`owner = ${arg(query.owner)}`);
    const offered = part(`permission = ANY(${arg(query.permissions)}::text[]) AND owner IS DISTINCT FROM ${arg(query.owner)}`);
    const desc = query.order === 'desc' ? ' DESC' : '';
    const sql = `SELECT * FROM (${own} UNION ALL ${offered}) page ORDER BY created_at${desc}, id COLLATE "C"${desc} LIMIT ${arg(query.limit)}`;
    return (await this.#db.query<WorkItemRow>(sql, args)).rows.map(toWorkItem);
  }

  async expiredInstances(now: number, limit: number): Promise<string[]> {
    return (await this.#db.query<{ id: string }>(S.expired, [now, limit])).rows.map((r) => r.id);
  }

  async deleteInstances(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#db.transaction(async (tx) => {
      await tx.query(S.deleteLocksOf, [ids]);
      return (await tx.query(S.deleteInstances, [ids])).rowCount;
    });
  }

  async overdueInstances(now: number, limit: number): Promise<InstanceRecord[]> {
    return (await this.#db.query<InstanceRow>(S.overdue, [now, limit])).rows.map(toInstance);
  }

  async appendAudit(records: readonly AuditRecord[]): Promise<void> {
    await insertAudit(this.#db, records);
  }

  async listAudit(filter: { readonly instanceId?: string; readonly limit?: number } = {}): Promise<StoredAuditEvent[]> {
    const limit = filter.limit ?? null;
    const { rows } =
      filter.instanceId !== undefined ? await this.#db.query<AuditRow>(S.auditOf, [filter.instanceId, limit]) : await this.#db.query<AuditRow>(S.auditAll, [limit]);
    return rows.map(toAudit);
  }

  async listSideEffects(filter: { readonly instanceId?: string } = {}): Promise<SideEffectRecord[]> {
    type Row = { key: string; operation: string; data: string; instance_id: string; at: number };
    const { rows } =
      filter.instanceId !== undefined ? await this.#db.query<Row>(S.sideEffectsOf, [filter.instanceId]) : await this.#db.query<Row>(S.sideEffectsAll);
    return rows.map((r) => ({ key: r.key, operation: r.operation, data: JSON.parse(r.data) as Record<string, XValue>, instanceId: r.instance_id, at: r.at }));
  }

  async listScheduleStates(): Promise<ScheduleStateRecord[]> {
    type Row = { name: string; last_run: number | null; next_run: number | null; run_count: number; updated_at: number };
    const { rows } = await this.#db.query<Row>(S.schedules);
    return rows.map((r) => ({ name: r.name, lastRun: r.last_run, nextRun: r.next_run, runCount: r.run_count, updatedAt: r.updated_at }));
  }

  async updateScheduleState(next: ScheduleStateRecord, expectedNextRun: number | null | undefined, audit: readonly AuditRecord[] = []): Promise<boolean> {
    if (audit.length === 0) return moveSchedule(this.#db, { next, expectedNextRun });
    return this.#db.transaction(async (tx) => {
      if (!(await moveSchedule(tx, { next, expectedNextRun }))) return false;
      await insertAudit(tx, audit);
      return true;
    });
  }
}

/** The schedule compare-and-set: true when the stored next run was the expected one (or, expected undefined, no row). */
async function moveSchedule(on: PgQueryable, change: ScheduleStateChange): Promise<boolean> {
  const { next, expectedNextRun } = change;
  const args = [next.lastRun, next.nextRun, next.runCount, next.updatedAt, next.name];
  if (expectedNextRun === undefined) return (await on.query(S.scheduleInsert, args)).rowCount === 1;
  return (await on.query(S.scheduleUpdate, [...args, expectedNextRun])).rowCount === 1;
}

/** True when the writes do not depend on each other, so each kind of write can go in one statement for all. */
function batchable(writes: readonly InstanceWrite[]): boolean {
  const ids = new Set<string>();
  const subjects = new Set<string>();
  const closed = new Set<string>();
  let acquires = false;
  let releases = false;
  for (const w of writes) {
    // Identity writes are compare-and-sets of their own, and checkouts (more locks, or locks released one by one) are
    // rare: such a write goes alone, under a savepoint.
    if (w.deleteInstances?.length || w.renameInstances?.length || w.identity?.length || w.lockSubjects?.length || w.unlockSubjects?.length || w.checkSubject !== undefined) {
      return false;
    }
    if (ids.has(w.instance.id)) return false;
    ids.add(w.instance.id);
    if (w.acquireSubject !== undefined) {
      if (subjects.has(w.acquireSubject)) return false;
      subjects.add(w.acquireSubject);
      acquires = true;
    }
    if (w.releaseSubject || w.delete) releases = true;
    for (const c of w.closeWorkItems ?? []) {
      if (closed.has(c.id)) return false;
      closed.add(c.id);
    }
  }
  return !(acquires && releases);
}

async function commitBatch(tx: PgTransaction, writes: readonly InstanceWrite[], now: number | null): Promise<CommitStatus[]> {
  const refused: (CommitStatus | undefined)[] = new Array(writes.length);
  const all = writes.map((w, index) => ({ w, index }));

  // 1. Subject locks, before anything else of the writes, so that a busy subject leaves nothing to undo.
  const acquiring = all.filter((x) => x.w.acquireSubject !== undefined);
  const lockedHere = new Set<number>();
  if (acquiring.length > 0) {
    const { rows } = await tx.query<{ subject: string }>(S.insertLocks, [
      acquiring.map((x) => x.w.acquireSubject),
      acquiring.map((x) => x.w.instance.id),
      acquiring.map((x) => x.w.instance.updatedAt),
    ]);
    const inserted = new Set(rows.map((r) => r.subject));
    const others = acquiring.filter((x) => !inserted.has(x.w.acquireSubject!));
    const holders = new Map<string, string>();
    if (others.length > 0) {
      const held = await tx.query<{ subject: string; instance_id: string }>(S.lockHolders, [others.map((x) => x.w.acquireSubject)]);
      for (const r of held.rows) holders.set(r.subject, r.instance_id);
    }
    for (const x of acquiring) {
      if (inserted.has(x.w.acquireSubject!)) lockedHere.add(x.index);
      // No holder any more: released since the insert looked. Refused all the same; the caller may try again.
      else if (holders.get(x.w.acquireSubject!) !== x.w.instance.id) refused[x.index] = 'subject-busy';
    }
  }

  // 2. The instance rows: inserts that meet the unique name and updates that meet a newer revision do nothing.
  const inserts = all.filter((x) => refused[x.index] === undefined && x.w.expectedRevision === null);
  const updates = all.filter((x) => refused[x.index] === undefined && x.w.expectedRevision !== null);
  if (inserts.length > 0) {
    const done = await insertInstances(tx, inserts.map((x) => x.w), now);
    for (const x of inserts) if (!done.has(x.w.instance.id)) refused[x.index] = 'name-taken';
  }
  if (updates.length > 0) {
    const done = await updateInstances(tx, updates.map((x) => x.w), now);
    for (const x of updates) if (!done.has(x.w.instance.id)) refused[x.index] = 'conflict';
  }
  const undo = [...lockedHere].filter((i) => refused[i] !== undefined);
  if (undo.length > 0) {
    await tx.query(S.deleteLockPairs, [undo.map((i) => writes[i]!.acquireSubject), undo.map((i) => writes[i]!.instance.id)]);
  }

  // 3. Everything else of the committed writes, one statement per kind, in the order SQLite writes them.
  const ok = all.filter((x) => refused[x.index] === undefined).map((x) => x.w);
  const releasing = ok.filter((w) => w.releaseSubject).map((w) => w.instance.id);
  if (releasing.length > 0) await tx.query(S.deleteLocksOf, [releasing]);
  const items = ok.flatMap((w) => w.createWorkItems ?? []);
  if (items.length > 0) await tx.query(S.insertWorkItems, columnsOf(items.map(workItemValues), WORK_ITEM_COLUMNS.length));
  const closes = ok.flatMap((w) => w.closeWorkItems ?? []);
  if (closes.length > 0) {
    await tx.query(
      S.closeWorkItems,
      columnsOf(
        closes.map((c) => [c.id, ...closeWorkItemValues(c)]),
        CLOSE_COLUMNS.length,
      ),
    );
  }
  const closeOpen = ok.filter((w) => w.closeOpenWorkItems);
  if (closeOpen.length > 0) {
    await tx.query(S.closeOpen, [closeOpen.map((w) => w.instance.id), closeOpen.map((w) => w.closeOpenWorkItems!.state), closeOpen.map((w) => w.closeOpenWorkItems!.at)]);
  }
  // A duplicate key is a bug (a committed step ran twice), so it fails the whole commit loudly.
  const effects = ok.flatMap((w) => w.sideEffects ?? []);
  if (effects.length > 0) await tx.query(S.insertSideEffects, columnsOf(effects.map(sideEffectValues), SIDE_EFFECT_COLUMNS.length));
  await insertNotifications(tx, ok.flatMap((w) => w.notifications ?? []));
  const deleting = ok.filter((w) => w.delete).map((w) => w.instance.id);
  if (deleting.length > 0) {
    await tx.query(S.deleteLocksOf, [deleting]);
    await tx.query(S.deleteInstances, [deleting]);
  }
  await insertAudit(tx, writes.flatMap((w, i) => (refused[i] === undefined ? (w.audit ?? []) : (w.auditIfRefused ?? []))));
  return writes.map((_, i) => refused[i] ?? 'committed');
}

/** Writes that depend on each other: one at a time, each under a savepoint that a refusal rolls back to. */
async function commitEach(tx: PgTransaction, writes: readonly InstanceWrite[], now: number | null): Promise<CommitStatus[]> {
  const audit: AuditRecord[] = [];
  const statuses: CommitStatus[] = [];
  for (const w of writes) {
    // A savepoint (two round trips) only where a refusal can follow a write of the same instance.
    const savepoint = refusableAfterWriting(w);
    if (savepoint) await tx.query('SAVEPOINT idflow_write');
    try {
      await writeOne(tx, w, now);
      if (savepoint) await tx.query('RELEASE SAVEPOINT idflow_write');
      if (w.audit) audit.push(...w.audit);
      statuses.push('committed');
    } catch (e) {
      if (!(e instanceof WriteRefused)) throw e;
      if (savepoint) {
        await tx.query('ROLLBACK TO SAVEPOINT idflow_write');
        await tx.query('RELEASE SAVEPOINT idflow_write');
      }
      if (w.auditIfRefused) audit.push(...w.auditIfRefused);
      statuses.push(e.status);
    }
  }
  await insertAudit(tx, audit);
  return statuses;
}

/** One instance's writes, in the SQLite store's order (work items are inserted before any is closed). */
async function writeOne(tx: PgTransaction, w: InstanceWrite, now: number | null): Promise<void> {
  const i = w.instance;
  // Taken here and given back below with the instance's locks: a lock another transaction is taking makes this insert
  // wait for its end, where a read would not see it (read committed). First, so that a refusal leaves nothing to undo.
  if (w.checkSubject !== undefined && (await tx.query(S.insertLock, [w.checkSubject, i.id, i.updatedAt])).rowCount === 0) {
    throw new WriteRefused('subject-busy');
  }
  if (w.deleteInstances?.length) {
    await tx.query(S.deleteLocksOf, [w.deleteInstances]);
    await tx.query(S.deleteInstances, [w.deleteInstances]);
  }
  for (const r of w.renameInstances ?? []) await tx.query(S.rename, [r.name, r.id]);
  // Refused with no savepoint around it (refusableAfterWriting): the subject check's lock is given back first.
  const refuse = async (status: CommitStatus): Promise<never> => {
    if (w.checkSubject !== undefined) await tx.query(S.deleteLockPairs, [[w.checkSubject], [i.id]]);
    throw new WriteRefused(status);
  };
  if (w.expectedRevision === null) {
    if ((await insertInstances(tx, [w], now)).size === 0) await refuse('name-taken');
  } else {
    if ((await updateInstances(tx, [w], now)).size === 0) await refuse('conflict');
  }
  // The step's change set, in its transaction: a moved identity revision refuses the whole instance write.
  for (const iw of w.identity ?? []) if (!(await applyPostgresIdentityWrite(tx, iw))) throw new WriteRefused('conflict');
  // An instance inserted by this write holds no lock yet, but the one its subject check took.
  if ((w.releaseSubject && w.expectedRevision !== null) || w.checkSubject !== undefined) await tx.query(S.deleteLocksOf, [[i.id]]);
  for (const key of w.acquireSubject !== undefined ? [w.acquireSubject, ...(w.lockSubjects ?? [])] : (w.lockSubjects ?? [])) {
    if ((await tx.query(S.insertLock, [key, i.id, i.updatedAt])).rowCount !== 0) continue;
    const holder = (await tx.query<{ instance_id: string }>(S.lockHolder, [key])).rows[0];
    if (holder?.instance_id !== i.id) throw new WriteRefused('subject-busy');
  }
  if (w.unlockSubjects?.length) await tx.query(S.deleteLockPairs, [w.unlockSubjects, w.unlockSubjects.map(() => i.id)]);
  if (w.createWorkItems?.length) await tx.query(S.insertWorkItems, columnsOf(w.createWorkItems.map(workItemValues), WORK_ITEM_COLUMNS.length));
  for (const c of w.closeWorkItems ?? []) {
    await tx.query(S.closeWorkItems, [
      [c.id],
      [c.state],
      [c.decision ?? null],
      [c.decidedBy ?? null],
      [c.comment ?? null],
      [c.variables === undefined ? null : JSON.stringify(c.variables)],
      [c.state === 'open' ? null : c.at],
    ]);
  }
  if (w.closeOpenWorkItems) await tx.query(S.closeOpen, [[i.id], [w.closeOpenWorkItems.state], [w.closeOpenWorkItems.at]]);
  if (w.sideEffects?.length) await tx.query(S.insertSideEffects, columnsOf(w.sideEffects.map(sideEffectValues), SIDE_EFFECT_COLUMNS.length));
  if (w.notifications?.length) await insertNotifications(tx, w.notifications);
  if (w.delete) {
    await tx.query(S.deleteLocksOf, [[i.id]]);
    await tx.query(S.deleteInstances, [[i.id]]);
  }
}

/** Inserts the writes' rows in one statement; returns the ids inserted (a taken name inserts nothing). */
async function insertInstances(tx: PgTransaction, writes: readonly InstanceWrite[], now: number | null): Promise<Set<string>> {
  const values = columnsOf(writes.map((w) => [...pgInstanceValues(w.instance), w.holdLeaseMs ?? null]), INSTANCE_COLUMNS.length + 1);
  const { rows } = await tx.query<{ id: string }>(S.insertInstances, [...values, now]);
  return new Set(rows.map((r) => r.id));
}

/** Updates the writes' rows in one statement where the revision is still the expected one; returns the ids updated. */
async function updateInstances(tx: PgTransaction, writes: readonly InstanceWrite[], now: number | null): Promise<Set<string>> {
  const values = columnsOf(
    writes.map((w) => [...pgInstanceValues(w.instance), w.expectedRevision, w.holdLeaseMs ?? null]),
    INSTANCE_COLUMNS.length + 2,
  );
  const { rows } = await tx.query<{ id: string }>(S.updateInstances, [...values, now]);
  return new Set(rows.map((r) => r.id));
}

async function insertAudit(on: PgQueryable, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await on.query(S.insertAudit, columnsOf(records.map(auditValues), AUDIT_COLUMNS.length));
}

function sideEffectValues(e: SideEffectRecord): unknown[] {
  return [e.key, e.operation, JSON.stringify(e.data), e.instanceId, e.at];
}

/** @internal For tests: the statements of the worker's and the commit's path. */
export const HOT_STATEMENTS: Readonly<Record<string, PgStatement>> = S;

/**
 * The paging terms of a list (ListPaging) added to `where`; returns the ORDER BY clause. Ids compare bytewise
 * (COLLATE "C"), as SQLite compares them, so both stores page in one order; the cursor is a row comparison that
 * the (…, created_at, id COLLATE "C") indexes answer.
 */
function pagingSql(paging: ListPaging, where: string[], arg: (v: unknown) => string): string {
  const desc = paging.order === 'desc';
  if (paging.createdFrom !== undefined) where.push(`created_at >= ${arg(paging.createdFrom)}`);
  if (paging.createdTo !== undefined) where.push(`created_at < ${arg(paging.createdTo)}`);
  if (paging.after !== undefined) {
    where.push(`(created_at, id COLLATE "C") ${desc ? '<' : '>'} (${arg(paging.after.createdAt)}, ${arg(paging.after.id)})`);
  }
  return desc ? 'ORDER BY created_at DESC, id COLLATE "C" DESC' : 'ORDER BY created_at, id COLLATE "C"';
}

/** `SELECT *` from `table` with the `where` terms and the list's paging (order, cursor, limit), bound through `arg`. */
function pagedSelect(table: string, list: ListPaging & { readonly limit?: number }, where: string[], arg: (v: unknown) => string): string {
  const order = pagingSql(list, where, arg);
  const sql = `SELECT * FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ${order}`;
  return list.limit === undefined ? sql : `${sql} LIMIT ${arg(list.limit)}`;
}
