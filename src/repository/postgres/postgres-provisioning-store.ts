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
} from '../provisioning-rows.js';
import { AUDIT_COLUMNS, auditValues } from '../runtime-rows.js';
import type { AuditRecord } from '../runtime-store.js';
import { statement, type PgDatabase, type PgQueryable } from './postgres-database.js';

/** Database time in SQL: the server's clock, or the bound `$k` when the store was opened with a clock (tests). */
function dbNow(k: number): string {
  return `COALESCE($${k}::bigint, (extract(epoch FROM statement_timestamp()) * 1000)::bigint)`;
}

const NO_EARLIER_UNFINISHED = `NOT EXISTS (SELECT 1 FROM provisioning_orders e WHERE e.identity_id = o.identity_id AND e.connector = o.connector
  AND e.account_seq < o.account_seq AND e.state IN ('pending', 'transmitted', 'error'))`;

const INSERT_TYPES: Readonly<Record<(typeof ORDER_INSERT_COLUMNS)[number], string>> = {
  id: 'text', identity_id: 'text', connector: 'text', operation: 'text', payload: 'json', resource_id: 'text', assignment_id: 'text',
  idempotency_key: 'text', state: 'text', attempts: 'int', not_before: 'bigint', instance_id: 'text', wait: 'smallint', created_at: 'bigint',
  updated_at: 'bigint', account_seq: 'int',
};

const S = {
  // Orders without a number take one more than the highest of their account, counting those of the same call
  // (ord) before them. Two commits racing for one number meet the unique index: one of them fails and replays.
  insert: statement(
    `INSERT INTO provisioning_orders (${ORDER_INSERT_COLUMNS.join(', ')})
     SELECT ${ORDER_INSERT_COLUMNS.filter((c) => c !== 'account_seq').map((c) => `v.${c}`).join(', ')},
       COALESCE(v.account_seq, (SELECT COALESCE(MAX(p.account_seq), 0) FROM provisioning_orders p WHERE p.identity_id = v.identity_id AND p.connector = v.connector)
         + (COUNT(*) FILTER (WHERE v.account_seq IS NULL) OVER (PARTITION BY v.identity_id, v.connector ORDER BY v.ord))::int)
     FROM unnest(${ORDER_INSERT_COLUMNS.map((c, k) => `$${k + 1}::${INSERT_TYPES[c]}[]`).join(', ')}) WITH ORDINALITY
       AS v(${ORDER_INSERT_COLUMNS.join(', ')}, ord)
     ORDER BY v.ord
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
  ),
  // One statement: due rows picked under row locks other workers skip, leased, their assignments marked
  // transmitted, and returned with their account's key.
  // Parameters: engine now, owner, lease ms, limit, database-time override.
  claim: statement(
    `WITH claimed AS (
       UPDATE provisioning_orders SET state = 'transmitted', lease_owner = $2, lease_until = ${dbNow(5)} + $3, attempts = attempts + 1, updated_at = $1
       WHERE id IN (SELECT id FROM provisioning_orders o WHERE state IN ('pending', 'transmitted') AND not_before <= $1
                      AND (lease_until IS NULL OR lease_until <= ${dbNow(5)}) AND ${NO_EARLIER_UNFINISHED}
                    ORDER BY not_before, id LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING *
     ), marked AS (
       UPDATE assignments a SET provisioning_state = 'transmitted', updated_at = $1 FROM claimed c
       WHERE a.id = c.assignment_id AND a.provisioning_state = 'pending'
     )
     SELECT c.*, a.target_key AS account_key, a.login AS account_login FROM claimed c
     LEFT JOIN accounts a ON a.identity_id = c.identity_id AND a.connector = c.connector`,
  ),
  renew: statement(
    `UPDATE provisioning_orders SET lease_until = ${dbNow(4)} + $3 WHERE id = ANY($1::text[]) AND lease_owner = $2 AND state = 'transmitted' RETURNING id`,
  ),
  releaseAll: statement(
    `UPDATE provisioning_orders SET state = 'pending', lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0)
     WHERE state = 'transmitted' AND lease_owner = $1`,
  ),
  releaseOn: statement(
    `UPDATE provisioning_orders SET state = 'pending', lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0)
     WHERE state = 'transmitted' AND lease_owner = $1 AND id = ANY($2::text[])`,
  ),
  // Parameters: owner, then one array per column of v.
  settle: statement(
    `UPDATE provisioning_orders o SET state = v.state, result = COALESCE(v.result, o.result), error_code = v.error_code, last_error = v.last_error,
       not_before = COALESCE(v.not_before, o.not_before), lease_owner = NULL, lease_until = NULL, updated_at = v.at, finished_at = v.finished_at
     FROM unnest($2::text[], $3::text[], $4::json[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[])
       AS v(id, state, result, error_code, last_error, not_before, at, finished_at)
     WHERE o.id = v.id AND o.lease_owner = $1 AND o.state = 'transmitted' RETURNING o.*`,
  ),
  upsertAccounts: statement(
    `INSERT INTO accounts (identity_id, connector, target_key, login, state, created_at, updated_at)
     SELECT i.id, v.connector, v.target_key,
       COALESCE(v.login, (SELECT x.login FROM accounts x WHERE x.identity_id = v.identity_id AND x.connector = v.connector), i.login), v.state, v.at, v.at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS v(identity_id, connector, target_key, login, state, at)
     JOIN identities i ON i.id = v.identity_id
     ON CONFLICT (identity_id, connector) DO UPDATE SET target_key = excluded.target_key, state = excluded.state,
       login = excluded.login, updated_at = excluded.updated_at`,
  ),
  // The account row changed under the identity: a change set planned on the row as it was read before conflicts and
  // replays, instead of writing back the account's old key or state.
  touchIdentities: statement('UPDATE identities SET revision = revision + 1 WHERE id = ANY($1::text[])'),
  assignments: statement(
    `UPDATE assignments a SET provisioning_state = v.state, last_error = v.last_error, updated_at = v.at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS v(id, state, last_error, at) WHERE a.id = v.id`,
  ),
  wake: statement(
    `UPDATE task_instances SET wake_at = CASE WHEN wake_at IS NULL OR wake_at > $2 THEN $2 ELSE wake_at END, revision = revision + 1
     WHERE id = ANY($1::text[]) AND state IN ('executing', 'suspended')`,
  ),
  insertAudit: statement(
    `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) SELECT ${AUDIT_COLUMNS.join(', ')}
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::json[]) WITH ORDINALITY
       AS v(${AUDIT_COLUMNS.join(', ')}, ord) ORDER BY ord`,
  ),
  byId: statement('SELECT * FROM provisioning_orders WHERE id = $1'),
  byIdForUpdate: statement('SELECT * FROM provisioning_orders WHERE id = $1 FOR UPDATE'),
  byIds: statement('SELECT * FROM provisioning_orders WHERE id = ANY($1::text[])'),
  admin: statement(
    `UPDATE provisioning_orders SET state = $1, not_before = $2, attempts = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4, finished_at = $5
     WHERE id = $6 RETURNING *`,
  ),
  assignment: statement('UPDATE assignments SET provisioning_state = $1, last_error = $2, updated_at = $3 WHERE id = $4'),
  counts: statement('SELECT state, COUNT(*)::int AS n FROM provisioning_orders GROUP BY state'),
};

/**
 * Writes orders on a transaction's connection (or the pool): for {@link PostgresProvisioningStore.enqueue} and for
 * the identity write, which inserts the orders of a change set in its own commit. One statement. Returns the ids
 * written (an order whose idempotency key is stored already is skipped).
 */
export async function insertOrdersPostgres(on: PgQueryable, orders: readonly NewProvisioningOrder[]): Promise<string[]> {
  if (orders.length === 0) return [];
  const rows = orders.map(orderInsertValues);
  const columns = ORDER_INSERT_COLUMNS.map((_, c) => rows.map((r) => r[c]));
  return (await on.query<{ id: string }>(S.insert, columns)).rows.map((r) => r.id);
}

async function insertAudit(on: PgQueryable, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map(auditValues);
  await on.query(S.insertAudit, AUDIT_COLUMNS.map((_, c) => rows.map((r) => r[c])));
}

/** The provisioning outbox in PostgreSQL: claims with `FOR UPDATE SKIP LOCKED`, settlements in one transaction per batch. */
export class PostgresProvisioningStore implements ProvisioningStore {
  readonly kind = 'provisioning' as const;
  readonly #db: PgDatabase;
  readonly #clock: (() => number) | undefined;

  constructor(db: PgDatabase, clock?: () => number) {
    this.#db = db;
    this.#clock = clock;
  }

  #now(): number | null {
    return this.#clock ? this.#clock() : null;
  }

  async enqueue(orders: readonly NewProvisioningOrder[]): Promise<string[]> {
    return insertOrdersPostgres(this.#db, orders);
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedOrder[]> {
    const { rows } = await this.#db.query<OrderRow>(S.claim, [now, owner, leaseMs, limit, this.#now()]);
    return rows.map(toClaimedOrder).sort((a, b) => a.notBefore - b.notBefore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async renew(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.#db.query<{ id: string }>(S.renew, [ids, owner, leaseMs, this.#now()])).rows.map((r) => r.id);
  }

  async release(owner: string, ids?: readonly string[]): Promise<number> {
    if (ids === undefined) return (await this.#db.query(S.releaseAll, [owner])).rowCount;
    return ids.length === 0 ? 0 : (await this.#db.query(S.releaseOn, [owner, ids])).rowCount;
  }

  async settle(owner: string, settlements: readonly OrderSettlement[], now: number): Promise<string[]> {
    if (settlements.length === 0) return [];
    return this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<OrderRow>(S.settle, [
        owner,
        settlements.map((s) => s.id),
        settlements.map(settledState),
        settlements.map((s) => (s.kind === 'executed' ? JSON.stringify(s.result) : null)),
        settlements.map((s) => (s.kind === 'executed' ? null : s.errorCode)),
        settlements.map((s) => (s.kind === 'executed' ? null : s.message)),
        settlements.map((s) => (s.kind === 'retry' ? s.notBefore : null)),
        settlements.map(() => now),
        settlements.map((s) => (s.kind === 'retry' ? null : now)),
      ]);
      const byId = new Map(settlements.map((s) => [s.id, s]));
      const orders = rows.map(toOrder);
      const executed = orders.filter((o) => byId.get(o.id)!.kind === 'executed');
      if (executed.length > 0) {
        const login = executed.map((o) => loginAfter(o) ?? null);
        await tx.query(S.upsertAccounts, [
          executed.map((o) => o.identityId),
          executed.map((o) => o.connector),
          executed.map((o) => (byId.get(o.id) as Extract<OrderSettlement, { kind: 'executed' }>).result.key),
          login,
          executed.map((o) => accountStateAfter(o.operation)),
          executed.map(() => now),
        ]);
        await tx.query(S.touchIdentities, [[...new Set(executed.map((o) => o.identityId))]]);
      }
      const assigned = orders.filter((o) => o.assignmentId !== null && byId.get(o.id)!.kind !== 'retry');
      if (assigned.length > 0) {
        await tx.query(S.assignments, [
          assigned.map((o) => o.assignmentId),
          assigned.map((o) => (byId.get(o.id)!.kind === 'executed' ? 'executed' : 'error')),
          assigned.map((o) => {
            const s = byId.get(o.id)!;
            return s.kind === 'error' ? errorText(s.errorCode, s.message) : null;
          }),
          assigned.map(() => now),
        ]);
      }
      await insertAudit(tx, orders.flatMap((o) => settlementAudit(o, byId.get(o.id)!, now, owner) ?? []));
      const wake = [...new Set(orders.filter((o) => o.wait && o.instanceId !== null && byId.get(o.id)!.kind !== 'retry').map((o) => o.instanceId!))];
      if (wake.length > 0) await tx.query(S.wake, [wake, now]);
      return orders.map((o) => o.id);
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

  async #admin(id: string, actor: string, now: number, verb: 'retry' | 'cancel'): Promise<ProvisioningOrder> {
    return this.#db.transaction(async (tx) => {
      const row = (await tx.query<OrderRow>(S.byIdForUpdate, [id])).rows[0];
      if (!row) throw new OrderNotFoundError(id);
      const before = toOrder(row);
      const allowed: readonly OrderState[] = verb === 'retry' ? ['error', 'cancelled'] : ['pending', 'error'];
      if (!allowed.includes(before.state)) throw new OrderStateError(id, before.state, verb);
      const args =
        verb === 'retry' ? ['pending', now, 0, now, null, id] : ['cancelled', before.notBefore, before.attempts, now, now, id];
      const order = toOrder((await tx.query<OrderRow>(S.admin, args)).rows[0]!);
      if (order.assignmentId !== null) {
        await tx.query(S.assignment, [verb === 'retry' ? 'pending' : 'error', verb === 'retry' ? null : `cancelled by ${actor}`, now, order.assignmentId]);
      }
      await insertAudit(tx, [adminAudit(before, verb === 'retry' ? 'provisioning-retried' : 'provisioning-cancelled', actor, now)]);
      if (verb === 'cancel' && order.wait && order.instanceId !== null) await tx.query(S.wake, [[order.instanceId], now]);
      return order;
    });
  }

  async get(id: string): Promise<ProvisioningOrder | undefined> {
    const row = (await this.#db.query<OrderRow>(S.byId, [id])).rows[0];
    return row ? toOrder(row) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<ProvisioningOrder[]> {
    if (ids.length === 0) return [];
    const byId = new Map((await this.#db.query<OrderRow>(S.byIds, [[...ids]])).rows.map((r) => [r.id, toOrder(r)]));
    return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
  }

  async list(filter: OrderFilter = {}): Promise<ProvisioningOrder[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    if (filter.state !== undefined) where.push(`state = ${arg(filter.state)}`);
    if (filter.identityId !== undefined) where.push(`identity_id = ${arg(filter.identityId)}`);
    if (filter.connector !== undefined) where.push(`connector = ${arg(filter.connector)}`);
    if (filter.instanceId !== undefined) where.push(`instance_id = ${arg(filter.instanceId)}`);
    const desc = filter.order === 'desc';
    if (filter.createdFrom !== undefined) where.push(`created_at >= ${arg(filter.createdFrom)}`);
    if (filter.createdTo !== undefined) where.push(`created_at < ${arg(filter.createdTo)}`);
    if (filter.after !== undefined) {
      where.push(`(created_at, id COLLATE "C") ${desc ? '<' : '>'} (${arg(filter.after.createdAt)}, ${arg(filter.after.id)})`);
    }
    let sql = `SELECT * FROM provisioning_orders${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${desc ? 'created_at DESC, id COLLATE "C" DESC' : 'created_at, id COLLATE "C"'}`;
    if (filter.limit !== undefined) sql += ` LIMIT ${arg(filter.limit)}`;
    return (await this.#db.query<OrderRow>(sql, args)).rows.map(toOrder);
  }

  async countByState(): Promise<Partial<Record<OrderState, number>>> {
    const out: Partial<Record<OrderState, number>> = {};
    for (const r of (await this.#db.query<{ state: OrderState; n: number }>(S.counts)).rows) out[r.state] = r.n;
    return out;
  }
}
