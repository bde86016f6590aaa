import type { IdentityWrite, IdentityWriteStatus } from '../../identity/identity-write.js';
import { identityWriteStatements, numbered } from '../identity-sql.js';
import { SqlIdentityStore } from '../identity-sql-store.js';
import type { PgDatabase, PgQueryable } from './postgres-database.js';

const texts = new Map<string, string>();
const pg = (sql: string): string => {
  let t = texts.get(sql);
  if (t === undefined) texts.set(sql, (t = numbered(sql)));
  return t;
};

/**
 * Applies one identity write on `tx`, which must be inside a transaction; returns false when its compare-and-set
 * fails, having written nothing (the caller rolls back to its savepoint when it wrote earlier statements).
 */
export async function applyPostgresIdentityWrite(tx: PgQueryable, w: IdentityWrite): Promise<boolean> {
  const { cas, rest } = identityWriteStatements(w);
  if ((await tx.query(pg(cas.sql), cas.params)).rowCount !== 1) return false;
  for (const st of rest) await tx.query(pg(st.sql), st.params);
  return true;
}

/** The identity store on PostgreSQL. */
export function postgresIdentityStore(db: PgDatabase): SqlIdentityStore {
  return new SqlIdentityStore({
    all: async (sql, params) => (await db.query<Record<string, unknown>>(pg(sql), params)).rows,
    applyWrites: (writes) =>
      db.transaction(async (tx) => {
        const out: IdentityWriteStatus[] = [];
        for (const w of writes) {
          await tx.query('SAVEPOINT idflow_identity');
          if (await applyPostgresIdentityWrite(tx, w)) {
            await tx.query('RELEASE SAVEPOINT idflow_identity');
            out.push('committed');
          } else {
            await tx.query('ROLLBACK TO SAVEPOINT idflow_identity');
            await tx.query('RELEASE SAVEPOINT idflow_identity');
            out.push('conflict');
          }
        }
        return out;
      }),
  });
}

export type { IdentityWrite };
