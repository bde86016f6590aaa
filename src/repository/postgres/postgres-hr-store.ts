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
import type { PgDatabase, PgQueryable } from './postgres-database.js';

const INSERT_AUDIT = `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map((_, k) => (AUDIT_COLUMNS[k] === 'data' ? `$${k + 1}::json` : `$${k + 1}`)).join(', ')})`;
const INSERT_RUN = 'INSERT INTO hr_runs (id, source, at, file, outcome, plan) VALUES ($1, $2, $3, $4, $5, $6)';
const LAUNCH_TYPES: Readonly<Record<string, string>> = { due_at: 'bigint', updated_at: 'bigint' };
const INSERT_LAUNCHES = `INSERT INTO hr_launches (${HR_LAUNCH_COLUMNS.join(', ')}) SELECT * FROM unnest(${HR_LAUNCH_COLUMNS.map((c, k) => `$${k + 1}::${LAUNCH_TYPES[c] ?? 'text'}[]`).join(', ')})`;
const AUDIT_TYPES: Readonly<Record<string, string>> = { at: 'bigint', data: 'json' };
const INSERT_AUDITS = `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) SELECT * FROM unnest(${AUDIT_COLUMNS.map((c, k) => `$${k + 1}::${AUDIT_TYPES[c] ?? 'text'}[]`).join(', ')})`;
/** Rows per multi-row statement. */
const CHUNK = 2000;

/** The HR feed's tables on PostgreSQL. A run's rows are few statements per row; runs are rare next to instances. */
export class PostgresHrStore implements HrStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async putSource(name: string, config: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    await this.#db.query(
      'INSERT INTO hr_sources (name, config, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at',
      [name, JSON.stringify(config), at],
    );
  }

  async getSource(name: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    const row = (await this.#db.query<{ config: string }>('SELECT config FROM hr_sources WHERE name = $1', [name])).rows[0];
    return row ? (JSON.parse(row.config) as Record<string, unknown>) : undefined;
  }

  async listSources(): Promise<string[]> {
    return (await this.#db.query<{ name: string }>('SELECT name FROM hr_sources ORDER BY name COLLATE "C"')).rows.map((r) => r.name);
  }

  async snapshot(source: string): Promise<Map<string, Record<string, string>>> {
    const { rows } = await this.#db.query<{ row_key: string; attributes: string }>('SELECT row_key, attributes FROM hr_snapshot_rows WHERE source = $1', [source]);
    return new Map(rows.map((r) => [r.row_key, JSON.parse(r.attributes) as Record<string, string>]));
  }

  async recordRun(run: HrRunRecord, audit: readonly AuditRecord[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await insertRun(tx, run);
      await insertAudit(tx, audit);
    });
  }

  async apply(a: HrApply): Promise<void> {
    await this.#db.transaction(async (tx) => {
      if (a.upserts.length > 0) {
        await tx.query(
          `INSERT INTO hr_snapshot_rows (source, row_key, attributes) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
           ON CONFLICT (source, row_key) DO UPDATE SET attributes = excluded.attributes`,
          [a.run.source, a.upserts.map((u) => u.key), a.upserts.map((u) => JSON.stringify(u.attributes))],
        );
      }
      if (a.deletes.length > 0) await tx.query('DELETE FROM hr_snapshot_rows WHERE source = $1 AND row_key = ANY($2::text[])', [a.run.source, [...a.deletes]]);
      // One statement per chunk of launches, not one per row: a wave of 10,000 joiners is a handful of statements.
      for (let at = 0; at < a.launches.length; at += CHUNK) {
        const rows = a.launches.slice(at, at + CHUNK).map((l) => hrLaunchValues(l, a.run.at));
        await tx.query(INSERT_LAUNCHES, HR_LAUNCH_COLUMNS.map((_, c) => rows.map((r) => r[c])));
      }
      await insertRun(tx, a.run);
      await insertAudit(tx, a.audit);
    });
  }

  async listRuns(source?: string): Promise<HrRunRecord[]> {
    const { rows } =
      source === undefined
        ? await this.#db.query<HrRunRow>('SELECT * FROM hr_runs ORDER BY at, id COLLATE "C"')
        : await this.#db.query<HrRunRow>('SELECT * FROM hr_runs WHERE source = $1 ORDER BY at, id COLLATE "C"', [source]);
    return rows.map(toHrRun);
  }

  async dueLaunches(now: number, limit: number): Promise<HrLaunchRecord[]> {
    const { rows } = await this.#db.query<HrLaunchRow>(`SELECT * FROM hr_launches WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at, id COLLATE "C" LIMIT $2`, [now, limit]);
    return rows.map(toHrLaunch);
  }

  async getRun(id: string): Promise<HrRunRecord | undefined> {
    const { rows } = await this.#db.query<HrRunRow>('SELECT * FROM hr_runs WHERE id = $1', [id]);
    return rows[0] ? toHrRun(rows[0]) : undefined;
  }

  async runProgress(runId: string, now: number): Promise<HrRunProgress> {
    const { rows } = await this.#db.query<{ state: string; later: number; n: string }>(
      "SELECT state, CASE WHEN state = 'pending' AND due_at > $1 THEN 1 ELSE 0 END AS later, COUNT(*) AS n FROM hr_launches WHERE run_id = $2 GROUP BY 1, 2",
      [now, runId],
    );
    return toHrRunProgress(rows);
  }

  async listLaunches(source?: string): Promise<HrLaunchRecord[]> {
    const { rows } =
      source === undefined
        ? await this.#db.query<HrLaunchRow>('SELECT * FROM hr_launches ORDER BY due_at, id COLLATE "C"')
        : await this.#db.query<HrLaunchRow>('SELECT * FROM hr_launches WHERE source = $1 ORDER BY due_at, id COLLATE "C"', [source]);
    return rows.map(toHrLaunch);
  }

  async claimLaunch(id: string, token: string, now: number, leaseMs: number): Promise<boolean> {
    const r = await this.#db.query(`UPDATE hr_launches SET instance_id = $1, updated_at = $2 WHERE id = $3 AND state = 'pending' AND (instance_id IS NULL OR updated_at <= $4)`, [
      token,
      now,
      id,
      now - leaseMs,
    ]);
    return r.rowCount === 1;
  }

  async claimDue(now: number, limit: number, token: string, leaseMs: number, source?: string): Promise<HrLaunchRecord[]> {
    // SKIP LOCKED: rows another launcher is claiming at this moment are passed over, as claimed ones are.
    const { rows } = await this.#db.query<HrLaunchRow>(
      `UPDATE hr_launches SET instance_id = $1, updated_at = $2
       WHERE id IN (SELECT id FROM hr_launches WHERE state = 'pending' AND due_at <= $2 AND (instance_id IS NULL OR updated_at <= $3)
         AND ($4::text IS NULL OR source = $4) ORDER BY due_at, id COLLATE "C" LIMIT $5 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [token, now, now - leaseMs, source ?? null, limit],
    );
    // RETURNING gives no order: oldest first, as they were chosen.
    return rows.sort(byDue).map(toHrLaunch);
  }

  async finishLaunches(outcomes: readonly HrLaunchOutcome[], audit: readonly AuditRecord[], at: number): Promise<string[]> {
    return this.#db.transaction(async (tx) => {
      const { rows } =
        outcomes.length === 0
          ? { rows: [] }
          : await tx.query<{ id: string }>(
              `UPDATE hr_launches h SET state = u.state, instance_id = u.instance_id, error = u.error, updated_at = $5
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, state, instance_id, error)
               WHERE h.id = u.id AND h.state = 'pending' RETURNING h.id`,
              [outcomes.map((o) => o.id), outcomes.map((o) => o.state), outcomes.map((o) => o.instanceId ?? null), outcomes.map((o) => o.error ?? null), at],
            );
      await insertAudit(tx, audit);
      const finished = new Set(rows.map((r) => r.id));
      return outcomes.filter((o) => finished.has(o.id)).map((o) => o.id);
    });
  }

  async finishLaunch(id: string, o: { readonly state: 'launched' | 'failed'; readonly instanceId?: string; readonly error?: string }, at: number): Promise<boolean> {
    const r = await this.#db.query(`UPDATE hr_launches SET state = $1, instance_id = $2, error = $3, updated_at = $4 WHERE id = $5 AND state = 'pending'`, [
      o.state,
      o.instanceId ?? null,
      o.error ?? null,
      at,
      id,
    ]);
    return r.rowCount === 1;
  }

  async deferLaunch(id: string, dueAt: number, error: string, at: number): Promise<boolean> {
    const r = await this.#db.query(`UPDATE hr_launches SET due_at = $1, instance_id = NULL, error = $2, updated_at = $3 WHERE id = $4 AND state = 'pending'`, [dueAt, error, at, id]);
    return r.rowCount === 1;
  }
}

async function insertRun(on: PgQueryable, run: HrRunRecord): Promise<void> {
  await on.query(INSERT_RUN, [run.id, run.source, run.at, run.file, run.outcome, JSON.stringify(run.plan)]);
}

async function insertAudit(on: PgQueryable, audit: readonly AuditRecord[]): Promise<void> {
  if (audit.length === 1) return void (await on.query(INSERT_AUDIT, auditValues(audit[0]!)));
  // In order, so that ids follow the rows as given (unnest keeps the arrays' order).
  for (let at = 0; at < audit.length; at += CHUNK) {
    const rows = audit.slice(at, at + CHUNK).map(auditValues);
    await on.query(INSERT_AUDITS, AUDIT_COLUMNS.map((_, c) => rows.map((r) => r[c])));
  }
}

/** `idflow audit` on PostgreSQL. */
export class PostgresAuditQueryStore implements AuditQueryStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async query(f: AuditQuery): Promise<StoredAuditEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => (args.push(v), `$${args.length}`);
    if (f.instanceId !== undefined) where.push(`instance_id = ${arg(f.instanceId)}`);
    if (f.event !== undefined) where.push(`event = ${arg(f.event)}`);
    if (f.since !== undefined) where.push(`at >= ${arg(f.since)}`);
    if (f.until !== undefined) where.push(`at < ${arg(f.until)}`);
    if (f.subject !== undefined) {
      const s = arg(f.subject);
      // An instance's later events do not repeat its subject: they are found through its launch. An HR run names
      // the people it starts workflows for in its plan (`starts[].subject`); the CASE keeps the cast to jsonb to
      // the runs.
      where.push(
        `((event <> 'notification' AND (data->>'subject') = ${s}) OR instance_id IN (SELECT instance_id FROM audit_events WHERE event = 'launched' AND (data->>'subject') = ${s})` +
          ` OR CASE WHEN event = 'hr.run' THEN (data::jsonb -> 'starts') @> jsonb_build_array(jsonb_build_object('subject', ${s}::text)) ELSE false END)`,
      );
    }
    const desc = f.order === 'desc';
    if (f.afterId !== undefined) where.push(`id ${desc ? '<' : '>'} ${arg(f.afterId)}`);
    const sql = `SELECT * FROM audit_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ${arg(f.limit ?? null)}`;
    return (await this.#db.query<AuditRow>(sql, args)).rows.map(toAudit);
  }
}
