import type { Migration } from '../migration.js';
import type { AppliedMigration, MigrationDriver } from '../migrator.js';
import type { PgDatabase, PgTransaction } from './postgres-database.js';

/**
 * The advisory lock every idflow process takes before migrating one database: a constant 64-bit key (the first
 * 8 bytes of sha256("idflow.schema_migrations"), as a signed BIGINT).
 */
export const MIGRATION_LOCK_KEY = '2939496315215776497';

/**
 * Runs migrations on PostgreSQL. Several processes may start at once (a fleet of workers after a deploy): each
 * takes the advisory lock on one held connection, so they migrate one after the other and the later ones find
 * everything applied. Inside each migration's transaction the ledger row is written first: a process that did not
 * take the lock (an older idflow) clashes on that row before it runs any DDL, and the clash counts as "applied by
 * someone else". DDL is transactional in PostgreSQL, so a failed migration leaves nothing behind.
 */
export class PostgresMigrationDriver implements MigrationDriver {
  readonly #db: PgDatabase;
  #conn: PgTransaction | undefined;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.withConnection(async (conn) => {
      await conn.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      this.#conn = conn;
      try {
        return await fn();
      } finally {
        this.#conn = undefined;
        await conn.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      }
    });
  }

  async applied(): Promise<readonly AppliedMigration[]> {
    const on = this.#conn ?? this.#db;
    // to_regclass follows search_path, so a database (or schema) without the ledger is a new one.
    const { rows } = await on.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
    if (rows[0]?.t == null) return [];
    return (await on.query<AppliedMigration>('SELECT version, name FROM schema_migrations')).rows;
  }

  async apply(migration: Migration, appliedAt: string): Promise<boolean> {
    const conn = this.#conn;
    const run = async (tx: PgTransaction): Promise<boolean> => {
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
      const ledger = await tx.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING',
        [migration.version, migration.name, appliedAt],
      );
      if (ledger.rowCount === 0) return false;
      await tx.query(migration.postgres);
      return true;
    };
    if (!conn) return this.#db.transaction(run);
    await conn.query('BEGIN');
    try {
      const ran = await run(conn);
      await conn.query(ran ? 'COMMIT' : 'ROLLBACK');
      return ran;
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}
