import type { IdentityWrite, IdentityWriteStatus } from '../../identity/identity-write.js';
import { identityWriteStatements, numbered } from '../identity-sql.js';
import { SqlIdentityStore } from '../identity-sql-store.js';
import { statement, type PgDatabase, type PgQueryable } from './postgres-database.js';

const texts = new Map<string, string>();
const pg = (sql: string): string => {
  let t = texts.get(sql);
  if (t === undefined) texts.set(sql, (t = numbered(sql)));
  return t;
};

/**
 * Everything of a write after its compare-and-set, in ONE statement (a round trip per write instead of one per
 * row): data-modifying CTEs over JSON row sets. They all see the snapshot before the statement, which is why an
 * order's `account_seq` is the stored maximum plus its rank among the write's orders of the same account.
 */
const REST = statement(`WITH
  sup AS (UPDATE identity_records SET superseded_at = $1 WHERE id = ANY($2::text[]) AND superseded_at IS NULL RETURNING 1),
  app AS (UPDATE identity_records SET applied_at = $1 WHERE id = ANY($3::text[]) AND applied_at IS NULL RETURNING 1),
  rec AS (INSERT INTO identity_records (id, identity_id, kind, valid_from, valid_until, data, draft, recorded_at, superseded_at, applied_at, instance_id)
    SELECT id, identity_id, kind, valid_from, valid_until, data, draft, recorded_at, superseded_at, applied_at, instance_id
    FROM json_to_recordset($4::json) AS r(id text, identity_id text, kind text, valid_from bigint, valid_until bigint, data json, draft smallint,
      recorded_at bigint, superseded_at bigint, applied_at bigint, instance_id text)
    ON CONFLICT (id) DO NOTHING RETURNING 1),
  asg AS (INSERT INTO assignments (id, identity_id, resource_id, workflow_state, provisioning_state, source, valid_from, valid_until, instance_id,
      last_error, removed_at, created_at, updated_at)
    SELECT * FROM json_to_recordset($5::json) AS a(id text, identity_id text, resource_id text, workflow_state text, provisioning_state text,
      source text, valid_from bigint, valid_until bigint, instance_id text, last_error text, removed_at bigint, created_at bigint, updated_at bigint)
    ON CONFLICT (id) DO UPDATE SET workflow_state = excluded.workflow_state, provisioning_state = excluded.provisioning_state, source = excluded.source,
      valid_from = excluded.valid_from, valid_until = excluded.valid_until, instance_id = excluded.instance_id, last_error = excluded.last_error,
      removed_at = excluded.removed_at, updated_at = excluded.updated_at
    RETURNING 1),
  acc AS (INSERT INTO accounts (identity_id, connector, target_key, login, state, created_at, updated_at)
    SELECT * FROM json_to_recordset($6::json) AS c(identity_id text, connector text, target_key text, login text, state text, created_at bigint, updated_at bigint)
    ON CONFLICT (identity_id, connector) DO UPDATE SET target_key = excluded.target_key, login = excluded.login, state = excluded.state,
      updated_at = excluded.updated_at
    RETURNING 1),
  ord AS (INSERT INTO provisioning_orders (id, identity_id, connector, account_seq, operation, payload, resource_id, assignment_id,
      idempotency_key, state, attempts, not_before, instance_id, wait, created_at, updated_at)
    SELECT o.id, o.identity_id, o.connector,
      COALESCE((SELECT MAX(p.account_seq) FROM provisioning_orders p WHERE p.identity_id = o.identity_id AND p.connector = o.connector), 0)
        + row_number() OVER (PARTITION BY o.identity_id, o.connector ORDER BY o.n),
      o.operation, o.payload, o.resource_id, o.assignment_id, o.idempotency_key, 'pending', 0, o.not_before, o.instance_id, o.wait, o.created_at, o.created_at
    FROM json_to_recordset($7::json) AS o(n int, id text, identity_id text, connector text, operation text, payload json, resource_id text,
      assignment_id text, idempotency_key text, not_before bigint, instance_id text, wait smallint, created_at bigint)
    ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1)
SELECT 1`);

/**
 * Applies one identity write on `tx`, which must be inside a transaction; returns false when its compare-and-set
 * fails, having written nothing (it is the write's first statement).
 */
export async function applyPostgresIdentityWrite(tx: PgQueryable, w: IdentityWrite): Promise<boolean> {
  const { cas } = identityWriteStatements(w);
  if ((await tx.query(pg(cas.sql), cas.params)).rowCount !== 1) return false;
  const records = w.records ?? [];
  const assignments = w.assignments ?? [];
  const accounts = w.accounts ?? [];
  const orders = w.orders ?? [];
  if (!w.supersede?.length && !w.markApplied?.length && !records.length && !assignments.length && !accounts.length && !orders.length) return true;
  await tx.query(REST, [
    w.at,
    w.supersede ?? [],
    w.markApplied ?? [],
    JSON.stringify(
      records.map((r) => ({
        id: r.id, identity_id: r.identityId, kind: r.kind, valid_from: r.validFrom, valid_until: r.validUntil, data: r.data, draft: r.draft ? 1 : 0,
        recorded_at: r.recordedAt, superseded_at: r.supersededAt, applied_at: r.appliedAt, instance_id: r.instanceId,
      })),
    ),
    JSON.stringify(
      assignments.map((a) => ({
        id: a.id, identity_id: a.identityId, resource_id: a.resourceId, workflow_state: a.workflowState, provisioning_state: a.provisioningState,
        source: a.source, valid_from: a.validFrom, valid_until: a.validUntil, instance_id: a.instanceId, last_error: a.lastError, removed_at: a.removedAt,
        created_at: a.createdAt, updated_at: a.updatedAt,
      })),
    ),
    JSON.stringify(
      accounts.map((a) => ({ identity_id: a.identityId, connector: a.connector, target_key: a.targetKey, login: a.login, state: a.state, created_at: a.createdAt, updated_at: a.updatedAt })),
    ),
    JSON.stringify(
      orders.map((o, n) => ({
        n, id: o.id, identity_id: o.identityId, connector: o.connector, operation: o.operation, payload: o.payload, resource_id: o.resourceId,
        assignment_id: o.assignmentId, idempotency_key: o.idempotencyKey, not_before: o.notBefore, instance_id: o.instanceId, wait: o.wait ? 1 : 0,
        created_at: o.createdAt,
      })),
    ),
  ]);
  return true;
}

/** The identity store on PostgreSQL. */
export function postgresIdentityStore(db: PgDatabase): SqlIdentityStore {
  return new SqlIdentityStore({
    all: async (sql, params) => (await db.query<Record<string, unknown>>(pg(sql), params)).rows,
    runTogether: (statements) =>
      db.transaction(async (tx) => {
        for (const st of statements) await tx.query(pg(st.sql), st.params);
      }),
    // No savepoint per write: its compare-and-set is its first statement, so a write that fails it wrote nothing.
    applyWrites: (writes) =>
      db.transaction(async (tx) => {
        const out: IdentityWriteStatus[] = [];
        for (const w of writes) out.push((await applyPostgresIdentityWrite(tx, w)) ? 'committed' : 'conflict');
        return out;
      }),
  });
}
