import type { ClaimedOrder, NewProvisioningOrder, OrderResult, OrderState, ProvisioningOrder } from '../../provisioning/provisioning-order.js';
import { accountStateAfter, loginAfter } from '../../provisioning/provisioning-order.js';
import { OrderNotFoundError, OrderStateError } from '../../provisioning/provisioning-errors.js';
import type { OrderFilter, OrderSettlement, ProvisioningStore } from '../provisioning-store.js';
import {
  ORDER_INSERT_COLUMNS,
  adminAudit,
  errorText,
  orderInsertValues,
  settledState,
  settlementAudit,
  toClaimedOrder,
  toOrder,
  type OrderRow,
  type SettledOrder,
} from '../provisioning-rows.js';
import { AUDIT_COLUMNS, auditValues } from '../runtime-rows.js';
import { writeWhenFree } from './write-when-free.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import { multiInsert } from './sqlite-runtime-store.js';

/** The account's later orders wait while an earlier one is unfinished (UNFINISHED_ORDER_STATES). */
const NO_EARLIER_UNFINISHED = `NOT EXISTS (SELECT 1 FROM provisioning_orders e WHERE e.identity_id = o.identity_id AND e.connector = o.connector
  AND e.account_seq < o.account_seq AND e.state IN ('pending', 'transmitted', 'error'))`;

type Statements = ReturnType<typeof prepare>;

function prepare(db: SqliteDatabase) {
  const cols = ORDER_INSERT_COLUMNS.join(', ');
  const marks = ORDER_INSERT_COLUMNS.map(() => '?').join(', ');
  return {
    nextSeq: db.prepare('SELECT COALESCE(MAX(account_seq), 0) + 1 FROM provisioning_orders WHERE identity_id = ? AND connector = ?').pluck(),
    insert: db.prepare(`INSERT INTO provisioning_orders (${cols}) VALUES (${marks}) ON CONFLICT (idempotency_key) DO NOTHING`),
    // The partial due index holds only pending and transmitted rows, in due order, so the claim reads the oldest due
    // first and stops at the limit (ties in index order). Without INDEXED BY the planner, lacking statistics, takes
    // the listing index and sorts every pending row at every claim.
    claimable: db
      .prepare(
        `SELECT id FROM provisioning_orders o INDEXED BY provisioning_orders_due
         WHERE state IN ('pending', 'transmitted') AND not_before <= ? AND (lease_until IS NULL OR lease_until <= ?)
         AND ${NO_EARLIER_UNFINISHED} ORDER BY not_before LIMIT ?`,
      )
      .pluck(),
    lease: db.prepare(
      `UPDATE provisioning_orders SET state = 'transmitted', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
       WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    transmitted: db.prepare(
      `UPDATE assignments SET provisioning_state = 'transmitted', updated_at = ? WHERE provisioning_state = 'pending'
       AND id IN (SELECT assignment_id FROM provisioning_orders WHERE id IN (SELECT value FROM json_each(?)))`,
    ),
    claimed: db.prepare(
      `SELECT o.*, a.target_key AS account_key, a.login AS account_login FROM provisioning_orders o
       LEFT JOIN accounts a ON a.identity_id = o.identity_id AND a.connector = o.connector
       WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY o.not_before, o.id`,
    ),
    renew: db.prepare(
      `UPDATE provisioning_orders SET lease_until = ? WHERE id IN (SELECT value FROM json_each(?)) AND lease_owner = ? AND state = 'transmitted' RETURNING id`,
    ).pluck(),
    releaseAll: db.prepare(
      `UPDATE provisioning_orders SET state = 'pending', lease_owner = NULL, lease_until = NULL, attempts = MAX(attempts - 1, 0)
       WHERE state = 'transmitted' AND lease_owner = ?`,
    ),
    releaseOn: db.prepare(
      `UPDATE provisioning_orders SET state = 'pending', lease_owner = NULL, lease_until = NULL, attempts = MAX(attempts - 1, 0)
       WHERE state = 'transmitted' AND lease_owner = ? AND id IN (SELECT value FROM json_each(?))`,
    ),
    // A batch's settlements in one statement per kind of write (json_each over the batch), not four statements per
    // order: the order rows (only those `owner` still holds), the accounts, the assignments, the identities' revisions.
    // Each settlement is [id, state, result, error_code, last_error, not_before, finished_at]. The unary `+` keeps the
    // planner off the listing index on state (which would scan every transmitted order once per settlement): each
    // settlement finds its order by primary key.
    settleMany: db.prepare(
      `UPDATE provisioning_orders AS o SET state = s.value ->> 1, result = COALESCE(s.value ->> 2, o.result), error_code = s.value ->> 3,
         last_error = s.value ->> 4, not_before = COALESCE(s.value ->> 5, o.not_before), lease_owner = NULL, lease_until = NULL, updated_at = ?,
         finished_at = s.value ->> 6
       FROM json_each(?) AS s WHERE o.id = s.value ->> 0 AND +o.lease_owner = ? AND +o.state = 'transmitted'
       RETURNING id, identity_id, connector, operation, payload, assignment_id, instance_id, wait, attempts`,
    ),
    // An account row exists only for an identity in the store (the foreign key): orders of an unknown identity
    // (written by hand) execute without one. Each row is [identity_id, connector, target_key, login, state]; an order
    // that names no login (an update, a disable) keeps the account's login, one that does (a create, a rename) sets
    // it: two statements, so that the upsert need not tell the two apart row by row.
    upsertAccountsLogin: db.prepare(
      `INSERT INTO accounts (identity_id, connector, target_key, login, state, created_at, updated_at)
       SELECT i.id, v.value ->> 1, v.value ->> 2, COALESCE(v.value ->> 3, i.login), v.value ->> 4, ?, ?
       FROM json_each(?) AS v JOIN identities i ON i.id = v.value ->> 0 WHERE true
       ON CONFLICT (identity_id, connector) DO UPDATE SET target_key = excluded.target_key, state = excluded.state, login = excluded.login,
         updated_at = excluded.updated_at
       RETURNING identity_id`,
    ).pluck(),
    upsertAccountsKeepLogin: db.prepare(
      `INSERT INTO accounts (identity_id, connector, target_key, login, state, created_at, updated_at)
       SELECT i.id, v.value ->> 1, v.value ->> 2, i.login, v.value ->> 4, ?, ?
       FROM json_each(?) AS v JOIN identities i ON i.id = v.value ->> 0 WHERE true
       ON CONFLICT (identity_id, connector) DO UPDATE SET target_key = excluded.target_key, state = excluded.state, updated_at = excluded.updated_at
       RETURNING identity_id`,
    ).pluck(),
    assignment: db.prepare('UPDATE assignments SET provisioning_state = ?, last_error = ?, updated_at = ? WHERE id = ?'),
    // Each row is [assignment_id, provisioning_state, last_error].
    assignments: db.prepare(
      `UPDATE assignments AS a SET provisioning_state = v.value ->> 1, last_error = v.value ->> 2, updated_at = ?
       FROM json_each(?) AS v WHERE a.id = v.value ->> 0`,
    ),
    // The account row changed under the identity: a change set planned on the row as it was read before conflicts
    // and replays, instead of writing back the account's old key or state.
    touchIdentities: db.prepare('UPDATE identities SET revision = revision + 1 WHERE id IN (SELECT value FROM json_each(?))'),
    // A waiting instance is due again at once (a suspended one as soon as it is resumed: resuming keeps wake_at); the
    // revision moves so that an advance that read it before this commit conflicts and replays instead of writing over
    // the wake-up.
    wake: db.prepare(
      `UPDATE task_instances SET wake_at = CASE WHEN wake_at IS NULL OR wake_at > ? THEN ? ELSE wake_at END, revision = revision + 1
       WHERE id = ? AND state IN ('executing', 'suspended')`,
    ),
    wakeMany: db.prepare(
      `UPDATE task_instances SET wake_at = CASE WHEN wake_at IS NULL OR wake_at > ? THEN ? ELSE wake_at END, revision = revision + 1
       WHERE id IN (SELECT value FROM json_each(?)) AND state IN ('executing', 'suspended')`,
    ),
    insertAudit: db.prepare(`INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`),
    // A settled batch's audit rows in as few statements as possible.
    insertAudits: multiInsert(db, 'audit_events', AUDIT_COLUMNS),
    byId: db.prepare('SELECT * FROM provisioning_orders WHERE id = ?'),
    admin: db.prepare(
      `UPDATE provisioning_orders SET state = ?, not_before = ?, attempts = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ?
       WHERE id = ? AND state = ? RETURNING *`,
    ),
    counts: db.prepare('SELECT state, COUNT(*) AS n FROM provisioning_orders GROUP BY state'),
  };
}

/**
 * Writes orders on an open SQLite transaction (or opens one): for {@link SqliteProvisioningStore.enqueue} and for
 * the identity write, which inserts the orders of a change set in its own commit. Returns the ids written.
 */
export function insertOrdersSqlite(db: SqliteDatabase, orders: readonly NewProvisioningOrder[]): string[] {
  const s = statementsOf(db);
  const written: string[] = [];
  db.transaction(() => {
    for (const o of orders) {
      const values = orderInsertValues(o);
      if (values[values.length - 1] === null) values[values.length - 1] = s.nextSeq.get(o.identityId, o.connector);
      if (s.insert.run(...values).changes > 0) written.push(o.id);
    }
  })();
  return written;
}

/** The columns of a settled order that its settlement writes from (the payload only for an executed one). */
type SettledRow = Pick<OrderRow, 'id' | 'identity_id' | 'connector' | 'operation' | 'payload' | 'assignment_id' | 'instance_id' | 'wait' | 'attempts'>;

function toSettledOrder(r: SettledRow, withPayload: boolean): SettledOrder {
  return {
    id: r.id,
    identityId: r.identity_id,
    connector: r.connector,
    operation: r.operation as SettledOrder['operation'],
    payload: withPayload ? (JSON.parse(r.payload) as SettledOrder['payload']) : {},
    assignmentId: r.assignment_id,
    instanceId: r.instance_id,
    wait: r.wait === 1 || r.wait === true,
    attempts: Number(r.attempts),
  };
}

const cache = new WeakMap<SqliteDatabase, Statements>();
function statementsOf(db: SqliteDatabase): Statements {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}

/** The provisioning outbox in SQLite: each call one short `BEGIN IMMEDIATE` transaction. */
export class SqliteProvisioningStore implements ProvisioningStore {
  readonly kind = 'provisioning' as const;
  readonly #db: SqliteDatabase;
  /** Database time for leases (SQLite has no server clock; see OpenRepositoryOptions.databaseClock). */
  readonly #clock: () => number;
  readonly #dynamic = new Map<string, SqliteStatement>();

  constructor(db: SqliteDatabase, clock: () => number = Date.now) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Prepared on first use: the tables exist only after the migrations ran. */
  get #s(): Statements {
    return statementsOf(this.#db);
  }

  async enqueue(orders: readonly NewProvisioningOrder[]): Promise<string[]> {
    if (orders.length === 0) return [];
    return insertOrdersSqlite(this.#db, orders);
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedOrder[]> {
    const s = this.#s;
    // Look before locking: a poll of an empty outbox (most polls) is a read, which neither waits for the engine's
    // write lock nor makes the engine wait.
    if ((s.claimable.all(now, this.#clock(), 1) as string[]).length === 0) return [];
    return writeWhenFree(this.#db, () => {
      const dbNow = this.#clock();
      const ids = s.claimable.all(now, dbNow, limit) as string[];
      if (ids.length === 0) return [];
      const json = JSON.stringify(ids);
      s.lease.run(owner, dbNow + leaseMs, now, json);
      s.transmitted.run(now, json);
      return (s.claimed.all(json) as OrderRow[]).map(toClaimedOrder);
    });
  }

  async renew(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return writeWhenFree(this.#db, () => this.#s.renew.all(this.#clock() + leaseMs, JSON.stringify(ids), owner) as string[]);
  }

  async release(owner: string, ids?: readonly string[]): Promise<number> {
    if (ids?.length === 0) return 0;
    return writeWhenFree(this.#db, () => (ids === undefined ? this.#s.releaseAll.run(owner) : this.#s.releaseOn.run(owner, JSON.stringify(ids))).changes);
  }

  async settle(owner: string, settlements: readonly OrderSettlement[], now: number): Promise<string[]> {
    if (settlements.length === 0) return [];
    const s = this.#s;
    const rows = settlements.map((st) => [
      st.id,
      settledState(st),
      st.kind === 'executed' ? JSON.stringify(st.result) : null,
      st.kind === 'executed' ? null : st.errorCode,
      st.kind === 'executed' ? null : st.message,
      st.kind === 'retry' ? st.notBefore : null,
      st.kind === 'retry' ? null : now,
    ]);
    return writeWhenFree(this.#db, () => {
      const settled = new Map((s.settleMany.all(now, JSON.stringify(rows), owner) as SettledRow[]).map((r) => [r.id, r]));
      const done: string[] = [];
      const wake = new Set<string>();
      const audits: unknown[][] = [];
      const withLogin: unknown[][] = [];
      const keepLogin: unknown[][] = [];
      // Keyed by assignment: the last settlement of a batch wins, as when they were written one by one.
      const assignments = new Map<string, unknown[]>();
      for (const st of settlements) {
        const row = settled.get(st.id);
        if (!row) continue;
        settled.delete(st.id); // an id settled twice in one call counts once
        done.push(st.id);
        const order = toSettledOrder(row, st.kind === 'executed');
        if (st.kind === 'executed') {
          const login = loginAfter(order);
          (login === undefined ? keepLogin : withLogin).push([order.identityId, order.connector, st.result.key, login ?? null, accountStateAfter(order.operation)]);
        }
        if (order.assignmentId !== null && st.kind !== 'retry') {
          assignments.set(order.assignmentId, [order.assignmentId, st.kind === 'executed' ? 'executed' : 'error', st.kind === 'error' ? errorText(st.errorCode, st.message) : null]);
        }
        const audit = settlementAudit(order, st, now, owner);
        if (audit) audits.push(auditValues(audit));
        if (st.kind !== 'retry' && order.wait && order.instanceId !== null) wake.add(order.instanceId);
      }
      const touched = new Set<string>();
      if (withLogin.length > 0) for (const id of s.upsertAccountsLogin.all(now, now, JSON.stringify(withLogin)) as string[]) touched.add(id);
      if (keepLogin.length > 0) for (const id of s.upsertAccountsKeepLogin.all(now, now, JSON.stringify(keepLogin)) as string[]) touched.add(id);
      if (touched.size > 0) s.touchIdentities.run(JSON.stringify([...touched]));
      if (assignments.size > 0) s.assignments.run(now, JSON.stringify([...assignments.values()]));
      if (audits.length > 0) s.insertAudits(audits);
      if (wake.size > 0) s.wakeMany.run(now, now, JSON.stringify([...wake]));
      return done;
    });
  }

  async complete(owner: string, id: string, result: OrderResult, now: number): Promise<boolean> {
    return (await this.settle(owner, [{ id, kind: 'executed', result }], now)).length === 1;
  }

  async fail(owner: string, id: string, failure: { readonly errorCode: string; readonly message: string; readonly notBefore?: number }, now: number): Promise<boolean> {
    const { errorCode, message, notBefore } = failure;
    const st: OrderSettlement = notBefore === undefined ? { id, kind: 'error', errorCode, message } : { id, kind: 'retry', errorCode, message, notBefore };
    return (await this.settle(owner, [st], now)).length === 1;
  }

  async retry(id: string, actor: string, now: number): Promise<ProvisioningOrder> {
    return this.#admin(id, actor, now, 'retry');
  }

  async cancel(id: string, actor: string, now: number): Promise<ProvisioningOrder> {
    return this.#admin(id, actor, now, 'cancel');
  }

  #admin(id: string, actor: string, now: number, verb: 'retry' | 'cancel'): Promise<ProvisioningOrder> {
    const s = this.#s;
    return Promise.resolve(
      this.#db
        .transaction(() => {
          const row = s.byId.get(id) as OrderRow | undefined;
          if (!row) throw new OrderNotFoundError(id);
          const before = toOrder(row);
          const allowed: readonly OrderState[] = verb === 'retry' ? ['error', 'cancelled'] : ['pending', 'error'];
          if (!allowed.includes(before.state)) throw new OrderStateError(id, before.state, verb);
          const after =
            verb === 'retry'
              ? (s.admin.get('pending', now, 0, now, null, id, before.state) as OrderRow)
              : (s.admin.get('cancelled', before.notBefore, before.attempts, now, now, id, before.state) as OrderRow);
          const order = toOrder(after);
          if (order.assignmentId !== null) {
            s.assignment.run(verb === 'retry' ? 'pending' : 'error', verb === 'retry' ? null : `cancelled by ${actor}`, now, order.assignmentId);
          }
          s.insertAudit.run(...auditValues(adminAudit(before, verb === 'retry' ? 'provisioning-retried' : 'provisioning-cancelled', actor, now)));
          if (verb === 'cancel' && order.wait && order.instanceId !== null) s.wake.run(now, now, order.instanceId);
          return order;
        })
        .immediate(),
    );
  }

  async get(id: string): Promise<ProvisioningOrder | undefined> {
    const row = this.#s.byId.get(id) as OrderRow | undefined;
    return row ? toOrder(row) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<ProvisioningOrder[]> {
    if (ids.length === 0) return [];
    const rows = this.#prepare('SELECT * FROM provisioning_orders WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as OrderRow[];
    const byId = new Map(rows.map((r) => [r.id, toOrder(r)]));
    return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
  }

  async list(filter: OrderFilter = {}): Promise<ProvisioningOrder[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const eq = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      args.push(value);
    };
    eq('state', filter.state);
    eq('identity_id', filter.identityId);
    eq('connector', filter.connector);
    eq('instance_id', filter.instanceId);
    const desc = filter.order === 'desc';
    if (filter.createdFrom !== undefined) {
      where.push('created_at >= ?');
      args.push(filter.createdFrom);
    }
    if (filter.createdTo !== undefined) {
      where.push('created_at < ?');
      args.push(filter.createdTo);
    }
    if (filter.after !== undefined) {
      where.push(desc ? '(created_at, id) < (?, ?)' : '(created_at, id) > (?, ?)');
      args.push(filter.after.createdAt, filter.after.id);
    }
    let sql = `SELECT * FROM provisioning_orders${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${desc ? 'created_at DESC, id DESC' : 'created_at, id'}`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      args.push(filter.limit);
    }
    return (this.#prepare(sql).all(...args) as OrderRow[]).map(toOrder);
  }

  async countByState(): Promise<Partial<Record<OrderState, number>>> {
    const out: Partial<Record<OrderState, number>> = {};
    for (const r of this.#s.counts.all() as { state: OrderState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  #prepare(sql: string): SqliteStatement {
    let st = this.#dynamic.get(sql);
    if (!st) this.#dynamic.set(sql, (st = this.#db.prepare(sql)));
    return st;
  }
}

