import type { IdentityWrite, IdentityWriteStatus } from '../../identity/identity-write.js';
import { identityWriteStatements } from '../identity-sql.js';
import { SqlIdentityStore } from '../identity-sql-store.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

/** Prepared statements by text, per connection: the identity SQL is a handful of fixed statements. */
const cache = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();
function prepared(db: SqliteDatabase, sql: string): SqliteStatement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/**
 * Applies one identity write on `db`, which must be inside a transaction (the runtime store's commit, or
 * {@link applySqliteIdentityWrites}); returns false when its compare-and-set fails. The compare-and-set is the
 * write's first statement, so a write that fails it wrote nothing.
 */
export function applySqliteIdentityWrite(db: SqliteDatabase, w: IdentityWrite): boolean {
  const { cas, rest } = identityWriteStatements(w);
  if (prepared(db, cas.sql).run(...cas.params).changes !== 1) return false;
  for (const st of rest) prepared(db, st.sql).run(...st.params);
  return true;
}

/** Applies writes in one transaction. */
export function applySqliteIdentityWrites(db: SqliteDatabase, writes: readonly IdentityWrite[]): IdentityWriteStatus[] {
  return db.transaction(() => writes.map((w): IdentityWriteStatus => (applySqliteIdentityWrite(db, w) ? 'committed' : 'conflict'))).immediate();
}

/** The identity store on SQLite (synchronous underneath; async to share the interface with PostgreSQL). */
export function sqliteIdentityStore(db: SqliteDatabase): SqlIdentityStore {
  return new SqlIdentityStore({
    all: async (sql, params) => {
      const st = prepared(db, sql);
      if (st.reader) return st.all(...params) as Record<string, unknown>[];
      st.run(...params);
      return [];
    },
    applyWrites: async (writes) => applySqliteIdentityWrites(db, writes),
    runTogether: async (statements) => {
      db.transaction(() => {
        for (const st of statements) prepared(db, st.sql).run(...st.params);
      }).immediate();
    },
  });
}
