import type { NewNotification, NotificationFilter, NotificationOutcome, NotificationRecord, NotificationStore } from '../notification-store.js';
import { NEW_NOTIFICATION_COLUMNS, newNotificationValues, toDueWorkItem, toNotification, type DueWorkItem, type DueWorkItemRow, type NotificationRow } from '../notification-rows.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

/** The INSERT every writer of the outbox uses (this store, and the runtime store's commit): a known key writes nothing. */
export const SQLITE_INSERT_NOTIFICATION = `INSERT INTO notifications (${NEW_NOTIFICATION_COLUMNS.join(', ')}, state, attempts, not_before, updated_at)
  VALUES (${NEW_NOTIFICATION_COLUMNS.map(() => '?').join(', ')}, 'pending', 0, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`;

/** Binds a new row for {@link SQLITE_INSERT_NOTIFICATION}: due, and updated, at its creation. */
export function sqliteNotificationArgs(n: NewNotification): unknown[] {
  return [...newNotificationValues(n), n.createdAt, n.createdAt];
}

/**
 * The outbox on the embedded database. A claim is one IMMEDIATE transaction (SQLite has one writer at a time, so
 * two processes sharing the file never claim the same row).
 */
export class SqliteNotificationStore implements NotificationStore {
  readonly kind = 'notifications' as const;
  readonly #db: SqliteDatabase;
  readonly #clock: () => number;
  readonly #cache = new Map<string, SqliteStatement>();

  constructor(db: SqliteDatabase, clock: () => number = Date.now) {
    this.#db = db;
    this.#clock = clock;
  }

  #st(sql: string): SqliteStatement {
    let st = this.#cache.get(sql);
    if (!st) this.#cache.set(sql, (st = this.#db.prepare(sql)));
    return st;
  }

  async insert(rows: readonly NewNotification[]): Promise<number> {
    if (rows.length === 0) return 0;
    const st = this.#st(SQLITE_INSERT_NOTIFICATION);
    return this.#db.transaction(() => rows.reduce((n, r) => n + st.run(...sqliteNotificationArgs(r)).changes, 0)).immediate();
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<NotificationRecord[]> {
    const pick = this.#st(
      `SELECT id FROM notifications WHERE state = 'pending' AND not_before <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY not_before, id LIMIT ?`,
    );
    const lease = this.#st(
      `UPDATE notifications SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id IN (SELECT value FROM json_each(?)) RETURNING *`,
    );
    return this.#db
      .transaction(() => {
        const dbNow = this.#clock();
        const ids = (pick.all(now, dbNow, limit) as { id: string }[]).map((r) => r.id);
        if (ids.length === 0) return [];
        const rows = lease.all(owner, dbNow + leaseMs, JSON.stringify(ids)) as NotificationRow[];
        return rows.sort((a, b) => a.not_before - b.not_before || (a.id < b.id ? -1 : 1)).map(toNotification);
      })
      .immediate();
  }

  async complete(owner: string, id: string, o: NotificationOutcome): Promise<boolean> {
    const st = this.#st(
      `UPDATE notifications SET state = ?, addresses = COALESCE(?, addresses), message_id = ?, error_code = ?, last_error = ?,
         not_before = COALESCE(?, not_before), sent_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
    );
    const addresses = o.addresses === null ? null : JSON.stringify(o.addresses);
    const args =
      o.state === 'sent'
        ? [o.state, addresses, o.messageId, null, null, null, o.at, o.at]
        : [o.state, addresses, null, o.errorCode, o.error, o.state === 'pending' ? o.notBefore : null, null, o.at];
    return st.run(...args, id, owner).changes === 1;
  }

  async releaseLeases(owner: string): Promise<number> {
    return this.#st(
      `UPDATE notifications SET lease_owner = NULL, lease_until = NULL, attempts = MAX(attempts - 1, 0) WHERE state = 'pending' AND lease_owner = ?`,
    ).run(owner).changes;
  }

  async retry(id: string, now: number): Promise<boolean> {
    return (
      this.#st(
        `UPDATE notifications SET state = 'pending', attempts = 0, not_before = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND state IN ('failed', 'pending')`,
      ).run(now, now, id).changes === 1
    );
  }

  async get(id: string): Promise<NotificationRecord | undefined> {
    const row = this.#st('SELECT * FROM notifications WHERE id = ?').get(id) as NotificationRow | undefined;
    return row && toNotification(row);
  }

  async list(filter: NotificationFilter = {}): Promise<NotificationRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state !== undefined) {
      where.push('state = ?');
      args.push(filter.state);
    }
    if (filter.instanceId !== undefined) {
      where.push('instance_id = ?');
      args.push(filter.instanceId);
    }
    if (filter.createdFrom !== undefined) {
      where.push('created_at >= ?');
      args.push(filter.createdFrom);
    }
    if (filter.createdTo !== undefined) {
      where.push('created_at < ?');
      args.push(filter.createdTo);
    }
    const desc = filter.order === 'desc';
    if (filter.after !== undefined) {
      where.push(desc ? '(created_at, id) < (?, ?)' : '(created_at, id) > (?, ?)');
      args.push(filter.after.createdAt, filter.after.id);
    }
    let sql = `SELECT * FROM notifications${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${desc ? 'created_at DESC, id DESC' : 'created_at, id'}`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      args.push(filter.limit);
    }
    return (this.#st(sql).all(...args) as NotificationRow[]).map(toNotification);
  }

  async dueForReminder(dueBefore: number, limit: number): Promise<DueWorkItem[]> {
    const rows = this.#st(
      `SELECT w.id, w.instance_id, w.definition_name, w.owner, w.permission, w.request, w.due_at FROM work_items w
       WHERE w.state = 'open' AND w.due_at IS NOT NULL AND w.due_at <= ? AND (w.owner IS NOT NULL OR w.permission IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.idempotency_key = 'reminder:' || w.id)
       ORDER BY w.due_at, w.id LIMIT ?`,
    ).all(dueBefore, limit) as DueWorkItemRow[];
    return rows.map(toDueWorkItem);
  }
}
