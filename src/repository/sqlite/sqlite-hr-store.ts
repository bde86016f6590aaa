import { AUDIT_COLUMNS, auditValues, toAudit, type AuditRow } from '../runtime-rows.js';
import type { AuditRecord, StoredAuditEvent } from '../runtime-store.js';
import {
  byDue,
  HR_LAUNCH_COLUMNS,
  hrLaunchValues,
  toHrLaunch,
  toHrRun,
  toHrRunProgress,
  type AuditQuery,
  type AuditQueryStore,
  type HrApply,
  type HrLaunchOutcome,
  type HrLaunchRecord,
  type HrLaunchRow,
  type HrRunProgress,
  type HrRunRecord,
  type HrRunRow,
  type HrStore,
} from '../hr-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

const INSERT_AUDIT = `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_RUN = 'INSERT INTO hr_runs (id, source, at, file, outcome, plan) VALUES (?, ?, ?, ?, ?, ?)';
// Rows as one JSON array of arrays (one statement per chunk instead of one per row, as on PostgreSQL), in order.
const INSERT_LAUNCHES = `INSERT INTO hr_launches (${HR_LAUNCH_COLUMNS.join(', ')})
  SELECT ${HR_LAUNCH_COLUMNS.map((_, k) => `value ->> ${k}`).join(', ')} FROM json_each(?) ORDER BY key`;
// The oldest due rows nobody holds (or whose launcher's claim lapsed), taken in one statement.
const CLAIM_DUE = `UPDATE hr_launches SET instance_id = ?, updated_at = ?
  WHERE id IN (SELECT id FROM hr_launches WHERE state = 'pending' AND due_at <= ? AND (instance_id IS NULL OR updated_at <= ?)
    AND (? IS NULL OR source = ?) ORDER BY due_at, id LIMIT ?)
  RETURNING *`;
// Each outcome as [id, state, instance_id, error].
const FINISH_LAUNCHES = `UPDATE hr_launches AS h SET state = o.value ->> 1, instance_id = o.value ->> 2, error = o.value ->> 3, updated_at = ?
  FROM json_each(?) AS o WHERE h.id = o.value ->> 0 AND h.state = 'pending' RETURNING id`;
/** Rows per multi-row statement. */
const CHUNK = 1000;

/** The HR feed's tables on the embedded database. */
export class SqliteHrStore implements HrStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async putSource(name: string, config: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    this.#db
      .prepare('INSERT INTO hr_sources (name, config, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at')
      .run(name, JSON.stringify(config), at);
  }

  async getSource(name: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    const row = this.#db.prepare('SELECT config FROM hr_sources WHERE name = ?').get(name) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as Record<string, unknown>) : undefined;
  }

  async listSources(): Promise<string[]> {
    return (this.#db.prepare('SELECT name FROM hr_sources ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  }

  async snapshot(source: string): Promise<Map<string, Record<string, string>>> {
    const rows = this.#db.prepare('SELECT row_key, attributes FROM hr_snapshot_rows WHERE source = ?').all(source) as { row_key: string; attributes: string }[];
    return new Map(rows.map((r) => [r.row_key, JSON.parse(r.attributes) as Record<string, string>]));
  }

  async recordRun(run: HrRunRecord, audit: readonly AuditRecord[]): Promise<void> {
    this.#db.transaction(() => {
      this.#insertRun(run);
      this.#insertAudit(audit);
    })();
  }

  async apply(a: HrApply): Promise<void> {
    const upsert = this.#db.prepare(
      'INSERT INTO hr_snapshot_rows (source, row_key, attributes) VALUES (?, ?, ?) ON CONFLICT (source, row_key) DO UPDATE SET attributes = excluded.attributes',
    );
    const remove = this.#db.prepare('DELETE FROM hr_snapshot_rows WHERE source = ? AND row_key = ?');
    const launches = this.#db.prepare(INSERT_LAUNCHES);
    this.#db
      .transaction(() => {
        for (const u of a.upserts) upsert.run(a.run.source, u.key, JSON.stringify(u.attributes));
        for (const key of a.deletes) remove.run(a.run.source, key);
        for (let at = 0; at < a.launches.length; at += CHUNK) {
          launches.run(JSON.stringify(a.launches.slice(at, at + CHUNK).map((l) => hrLaunchValues(l, a.run.at))));
        }
        this.#insertRun(a.run);
        this.#insertAudit(a.audit);
      })
      .immediate();
  }

  async listRuns(source?: string): Promise<HrRunRecord[]> {
    const rows = (
      source === undefined
        ? this.#db.prepare('SELECT * FROM hr_runs ORDER BY at, id').all()
        : this.#db.prepare('SELECT * FROM hr_runs WHERE source = ? ORDER BY at, id').all(source)
    ) as HrRunRow[];
    return rows.map(toHrRun);
  }

  async dueLaunches(now: number, limit: number): Promise<HrLaunchRecord[]> {
    const rows = this.#db.prepare(`SELECT * FROM hr_launches WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`).all(now, limit) as HrLaunchRow[];
    return rows.map(toHrLaunch);
  }

  async getRun(id: string): Promise<HrRunRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM hr_runs WHERE id = ?').get(id) as HrRunRow | undefined;
    return row ? toHrRun(row) : undefined;
  }

  async runProgress(runId: string, now: number): Promise<HrRunProgress> {
    const rows = this.#db
      .prepare("SELECT state, CASE WHEN state = 'pending' AND due_at > ? THEN 1 ELSE 0 END AS later, COUNT(*) AS n FROM hr_launches WHERE run_id = ? GROUP BY 1, 2")
      .all(now, runId) as { state: string; later: number; n: number }[];
    return toHrRunProgress(rows);
  }

  async listLaunches(source?: string): Promise<HrLaunchRecord[]> {
    const rows = (
      source === undefined
        ? this.#db.prepare('SELECT * FROM hr_launches ORDER BY due_at, id').all()
        : this.#db.prepare('SELECT * FROM hr_launches WHERE source = ? ORDER BY due_at, id').all(source)
    ) as HrLaunchRow[];
    return rows.map(toHrLaunch);
  }

  async claimLaunch(id: string, token: string, now: number, leaseMs: number): Promise<boolean> {
    const r = this.#db
      .prepare(`UPDATE hr_launches SET instance_id = ?, updated_at = ? WHERE id = ? AND state = 'pending' AND (instance_id IS NULL OR updated_at <= ?)`)
      .run(token, now, id, now - leaseMs);
    return r.changes === 1;
  }

  async claimDue(now: number, limit: number, token: string, leaseMs: number, source?: string): Promise<HrLaunchRecord[]> {
    const rows = this.#db.prepare(CLAIM_DUE).all(token, now, now, now - leaseMs, source ?? null, source ?? null, limit) as HrLaunchRow[];
    // RETURNING gives no order: oldest first, as they were chosen.
    return rows.sort(byDue).map(toHrLaunch);
  }

  async finishLaunches(outcomes: readonly HrLaunchOutcome[], audit: readonly AuditRecord[], at: number): Promise<string[]> {
    const finish = this.#db.prepare(FINISH_LAUNCHES);
    return this.#db
      .transaction(() => {
        const finished =
          outcomes.length === 0
            ? new Set<string>()
            : new Set((finish.all(at, JSON.stringify(outcomes.map((o) => [o.id, o.state, o.instanceId ?? null, o.error ?? null]))) as { id: string }[]).map((r) => r.id));
        const done = outcomes.filter((o) => finished.has(o.id)).map((o) => o.id);
        this.#insertAudit(audit);
        return done;
      })
      .immediate();
  }

  async finishLaunch(id: string, o: { readonly state: 'launched' | 'failed'; readonly instanceId?: string; readonly error?: string }, at: number): Promise<boolean> {
    const r = this.#db
      .prepare(`UPDATE hr_launches SET state = ?, instance_id = ?, error = ?, updated_at = ? WHERE id = ? AND state = 'pending'`)
      .run(o.state, o.instanceId ?? null, o.error ?? null, at, id);
    return r.changes === 1;
  }

  async deferLaunch(id: string, dueAt: number, error: string, at: number): Promise<boolean> {
    const r = this.#db
      .prepare(`UPDATE hr_launches SET due_at = ?, instance_id = NULL, error = ?, updated_at = ? WHERE id = ? AND state = 'pending'`)
      .run(dueAt, error, at, id);
    return r.changes === 1;
  }

  #insertRun(run: HrRunRecord): void {
    this.#db.prepare(INSERT_RUN).run(run.id, run.source, run.at, run.file, run.outcome, JSON.stringify(run.plan));
  }

  #insertAudit(audit: readonly AuditRecord[]): void {
    const st = this.#db.prepare(INSERT_AUDIT);
    for (const a of audit) st.run(...auditValues(a));
  }
}

/** `idflow audit` on the embedded database. */
export class SqliteAuditQueryStore implements AuditQueryStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async query(f: AuditQuery): Promise<StoredAuditEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.instanceId !== undefined) (where.push('instance_id = ?'), args.push(f.instanceId));
    if (f.event !== undefined) (where.push('event = ?'), args.push(f.event));
    if (f.since !== undefined) (where.push('at >= ?'), args.push(f.since));
    if (f.until !== undefined) (where.push('at < ?'), args.push(f.until));
    if (f.subject !== undefined) {
      // An instance's later events do not repeat its subject: they are found through its launch. An HR run names
      // the people it starts workflows for in its plan (`starts[].subject`).
      where.push(
        `((event <> 'notification' AND json_extract(data, '$.subject') = ?) OR instance_id IN (SELECT instance_id FROM audit_events WHERE event = 'launched' AND json_extract(data, '$.subject') = ?)` +
          ` OR (event = 'hr.run' AND EXISTS (SELECT 1 FROM json_each(audit_events.data, '$.starts') s WHERE json_extract(s.value, '$.subject') = ?)))`,
      );
      args.push(f.subject, f.subject, f.subject);
    }
    const desc = f.order === 'desc';
    if (f.afterId !== undefined) (where.push(desc ? 'id < ?' : 'id > ?'), args.push(f.afterId));
    const sql = `SELECT * FROM audit_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ?`;
    args.push(f.limit ?? -1);
    return (this.#db.prepare(sql).all(...args) as AuditRow[]).map(toAudit);
  }
}
