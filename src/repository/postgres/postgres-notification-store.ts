import type { NewNotification, NotificationFilter, NotificationOutcome, NotificationRecord, NotificationStore } from '../notification-store.js';
import { NEW_NOTIFICATION_COLUMNS, newNotificationValues, toDueWorkItem, toNotification, type DueWorkItem, type DueWorkItemRow, type NotificationRow } from '../notification-rows.js';
import { statement, type PgDatabase, type PgQueryable } from './postgres-database.js';

const TYPES: Readonly<Record<(typeof NEW_NOTIFICATION_COLUMNS)[number], string>> = {
  id: 'text', idempotency_key: 'text', kind: 'text', instance_id: 'text', instance_name: 'text', definition_name: 'text',
  work_item_id: 'text', recipients: 'json', subject: 'text', body: 'text', created_at: 'bigint',
};

/** Database time in SQL: the server's clock, or the bound override `$k` (a store opened with a `databaseClock`). */
const dbNow = (k: number): string => `COALESCE($${k}::bigint, (extract(epoch FROM statement_timestamp()) * 1000)::bigint)`;

const S = {
  // One array per column; a known key writes nothing (a replayed step, a reminder two workers swept at once).
  insert: statement(
    `INSERT INTO notifications (${NEW_NOTIFICATION_COLUMNS.join(', ')}, state, attempts, not_before, updated_at)
     SELECT ${NEW_NOTIFICATION_COLUMNS.map((c) => `v.${c}`).join(', ')}, 'pending', 0, v.created_at, v.created_at
     FROM unnest(${NEW_NOTIFICATION_COLUMNS.map((c, k) => `$${k + 1}::${TYPES[c]}[]`).join(', ')}) AS v(${NEW_NOTIFICATION_COLUMNS.join(', ')})
     ON CONFLICT (idempotency_key) DO NOTHING`,
  ),
  // Picked and leased in one statement under row locks other workers skip: no two claim one row, none waits.
  // Parameters: engine now, owner, lease ms, limit, database-time override.
  claim: statement(
    `UPDATE notifications SET lease_owner = $2, lease_until = ${dbNow(5)} + $3, attempts = attempts + 1
     WHERE id IN (SELECT id FROM notifications WHERE state = 'pending' AND not_before <= $1 AND (lease_until IS NULL OR lease_until <= ${dbNow(5)})
                  ORDER BY not_before LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *`,
  ),
  complete: statement(
    `UPDATE notifications SET state = $1, addresses = COALESCE($2::json, addresses), message_id = $3, error_code = $4, last_error = $5,
       not_before = COALESCE($6::bigint, not_before), sent_at = $7, updated_at = $8, lease_owner = NULL, lease_until = NULL
     WHERE id = $9 AND lease_owner = $10 AND state = 'pending'`,
  ),
  release: statement(
    `UPDATE notifications SET lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0) WHERE state = 'pending' AND lease_owner = $1`,
  ),
  retry: statement(
    `UPDATE notifications SET state = 'pending', attempts = 0, not_before = $2, updated_at = $2, lease_owner = NULL, lease_until = NULL
     WHERE id = $1 AND state IN ('failed', 'pending')`,
  ),
  get: statement('SELECT * FROM notifications WHERE id = $1'),
  dueForReminder: statement(
    `SELECT w.id, w.instance_id, w.definition_name, w.owner, w.permission, w.request, w.due_at FROM work_items w
     WHERE w.state = 'open' AND w.due_at IS NOT NULL AND w.due_at <= $1 AND (w.owner IS NOT NULL OR w.permission IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.idempotency_key = 'reminder:' || w.id)
     ORDER BY w.due_at, w.id COLLATE "C" LIMIT $2`,
  ),
};

/** Inserts new outbox rows on `on` (the pool, or a commit's transaction); returns how many were new. */
export async function insertNotifications(on: PgQueryable, rows: readonly NewNotification[]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns: unknown[][] = NEW_NOTIFICATION_COLUMNS.map(() => []);
  for (const r of rows) newNotificationValues(r).forEach((v, c) => columns[c]!.push(v));
  return (await on.query(S.insert, columns)).rowCount;
}

/** The outbox on PostgreSQL, shared by any number of mail workers. */
export class PostgresNotificationStore implements NotificationStore {
  readonly kind = 'notifications' as const;
  readonly #db: PgDatabase;
  readonly #clock: (() => number) | undefined;

  constructor(db: PgDatabase, clock?: () => number) {
    this.#db = db;
    this.#clock = clock;
  }

  #now(): number | null {
    return this.#clock ? this.#clock() : null;
  }

  async insert(rows: readonly NewNotification[]): Promise<number> {
    return insertNotifications(this.#db, rows);
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<NotificationRecord[]> {
    const { rows } = await this.#db.query<NotificationRow>(S.claim, [now, owner, leaseMs, limit, this.#now()]);
    // RETURNING follows no order: oldest due first.
    return rows.sort((a, b) => a.not_before - b.not_before || (a.id < b.id ? -1 : 1)).map(toNotification);
  }

  async complete(owner: string, id: string, o: NotificationOutcome): Promise<boolean> {
    const addresses = o.addresses === null ? null : JSON.stringify(o.addresses);
    const args =
      o.state === 'sent'
        ? [o.state, addresses, o.messageId, null, null, null, o.at, o.at]
        : [o.state, addresses, null, o.errorCode, o.error, o.state === 'pending' ? o.notBefore : null, null, o.at];
    return (await this.#db.query(S.complete, [...args, id, owner])).rowCount === 1;
  }

  async releaseLeases(owner: string): Promise<number> {
    return (await this.#db.query(S.release, [owner])).rowCount;
  }

  async retry(id: string, now: number): Promise<boolean> {
    return (await this.#db.query(S.retry, [id, now])).rowCount === 1;
  }

  async get(id: string): Promise<NotificationRecord | undefined> {
    const row = (await this.#db.query<NotificationRow>(S.get, [id])).rows[0];
    return row && toNotification(row);
  }

  async list(filter: NotificationFilter = {}): Promise<NotificationRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    if (filter.state !== undefined) where.push(`state = ${arg(filter.state)}`);
    if (filter.instanceId !== undefined) where.push(`instance_id = ${arg(filter.instanceId)}`);
    if (filter.createdFrom !== undefined) where.push(`created_at >= ${arg(filter.createdFrom)}`);
    if (filter.createdTo !== undefined) where.push(`created_at < ${arg(filter.createdTo)}`);
    const desc = filter.order === 'desc';
    if (filter.after !== undefined) {
      where.push(`(created_at, id COLLATE "C") ${desc ? '<' : '>'} (${arg(filter.after.createdAt)}, ${arg(filter.after.id)})`);
    }
    let sql = `SELECT * FROM notifications${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${
      desc ? 'created_at DESC, id COLLATE "C" DESC' : 'created_at, id COLLATE "C"'
    }`;
    if (filter.limit !== undefined) sql += ` LIMIT ${arg(filter.limit)}`;
    return (await this.#db.query<NotificationRow>(sql, args)).rows.map(toNotification);
  }

  async dueForReminder(dueBefore: number, limit: number): Promise<DueWorkItem[]> {
    return (await this.#db.query<DueWorkItemRow>(S.dueForReminder, [dueBefore, limit])).rows.map(toDueWorkItem);
  }
}
